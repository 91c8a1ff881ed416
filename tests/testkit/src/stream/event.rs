//! The protocol-neutral events of an agent run.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// One thing that happens in an agent run. JSON values (tool input and output, data) are kept
/// as compact JSON text, so that their key order reaches the wire as written.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum RunEvent {
    /// The assistant message begins.
    Start {
        /// The message's id.
        message_id: String,
    },
    /// A step (one model call) begins.
    StepStart,
    /// The model's reasoning, in pieces.
    Reasoning {
        /// The reasoning part's id.
        id: String,
        /// The pieces, in order.
        deltas: Vec<String>,
    },
    /// Text for the user, in pieces.
    Text {
        /// The text part's id.
        id: String,
        /// The pieces, in order.
        deltas: Vec<String>,
    },
    /// A custom data part (`data-<name>`), e.g. the agent's todos.
    Data {
        /// The part's name, without `data-`.
        name: String,
        /// The part's id; a later part with the same id replaces it.
        id: String,
        /// The data.
        data: Box<RawValue>,
    },
    /// A tool call: its input streamed in pieces, then the parsed input, then the output.
    ToolCall {
        /// The call's id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// The input's JSON text, in pieces.
        input_deltas: Vec<String>,
        /// The input.
        input: Box<RawValue>,
        /// The tool's output.
        output: Box<RawValue>,
    },
    /// The run failed.
    Error {
        /// What went wrong.
        message: String,
    },
    /// A step ends.
    StepFinish {
        /// Why: `stop`, `tool-calls`, `error`, …
        finish_reason: String,
        /// Tokens used by the step.
        usage: Usage,
    },
    /// The message ends.
    Finish {
        /// Why: `stop`, `error`, …
        finish_reason: String,
        /// Tokens used in all.
        usage: Usage,
    },
}

/// Token counts, as the AI SDK 4 data stream reports them.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Tokens in.
    pub prompt_tokens: u64,
    /// Tokens out.
    pub completion_tokens: u64,
}
