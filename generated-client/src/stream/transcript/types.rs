//! The message's types: its parts, tool calls and approvals, and what is kept of the parts
//! still open. Data only (what the events do to them is in `parts.rs`, `tools.rs` and `v4.rs`),
//! so that every file of the transcript can name them without naming each other.

use serde_json::{Map, Value};

use crate::stream::event::InputEncoding;
use crate::stream::partial_json::parse_partial_json;

/// Whether a text or reasoning part is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PartState {
    /// More may come.
    Streaming,
    /// Complete.
    Done,
}

/// One piece of an AI SDK 4 reasoning part.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ReasoningDetail {
    /// Reasoning text (`g` parts), with the signature a `j` part gave it.
    Text {
        /// The text.
        text: String,
        /// Its signature.
        signature: Option<String>,
    },
    /// Redacted reasoning (`i`).
    Redacted {
        /// The opaque data.
        data: String,
    },
}

/// One part of the message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Part {
    /// A step began.
    StepStart,
    /// Text for the user.
    Text {
        /// The text.
        text: String,
        /// Whether it is complete.
        state: PartState,
        /// Provider metadata.
        provider_metadata: Option<Value>,
        /// The sources it cites.
        citations: Option<Value>,
    },
    /// The model's reasoning.
    Reasoning {
        /// The part's id (empty for AI SDK 4).
        id: String,
        /// The text.
        text: String,
        /// Whether it is complete.
        state: PartState,
        /// Provider metadata.
        provider_metadata: Option<Value>,
        /// AI SDK 4: its text and redacted pieces in order, each text with its signature.
        details: Vec<ReasoningDetail>,
    },
    /// A tool call (boxed: it has many fields).
    Tool(Box<ToolCall>),
    /// A custom data part (`data-<name>`); a later one with the same id replaced its data.
    Data {
        /// The name after `data-`.
        name: String,
        /// The id.
        id: Option<String>,
        /// The data, when the part has some.
        data: Option<Value>,
        /// The chunk's other fields (`transient: false`, fields of the server's own).
        extra: Map<String, Value>,
    },
    /// A source by URL.
    SourceUrl {
        /// Its id.
        source_id: String,
        /// Where it is.
        url: String,
        /// Its title.
        title: Option<String>,
        /// Provider metadata.
        provider_metadata: Option<Value>,
    },
    /// A source document.
    SourceDocument {
        /// Its id.
        source_id: String,
        /// Its media type.
        media_type: String,
        /// Its title.
        title: String,
        /// Its file name.
        filename: Option<String>,
        /// Provider metadata.
        provider_metadata: Option<Value>,
    },
    /// A provider-specific part.
    Custom {
        /// What it is.
        kind: String,
        /// Provider metadata.
        provider_metadata: Option<Value>,
    },
    /// A file the model produced while reasoning.
    ReasoningFile {
        /// Its media type.
        media_type: String,
        /// Where it is.
        url: String,
        /// Provider metadata.
        provider_metadata: Option<Value>,
    },
    /// A file.
    File {
        /// Its media type.
        media_type: String,
        /// Where it is.
        url: String,
        /// Provider metadata.
        provider_metadata: Option<Value>,
    },
    /// A message the user sent while the run was going.
    SteeringMessage {
        /// Its id.
        id: String,
        /// Its parts, as sent.
        parts: Value,
    },
}

/// Where a tool call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolState {
    /// Its input is arriving.
    InputStreaming,
    /// Its input is complete.
    InputAvailable,
    /// It waits for approval.
    ApprovalRequested,
    /// Its approval was answered.
    ApprovalResponded,
    /// It has output.
    OutputAvailable,
    /// It failed.
    OutputError,
    /// It was denied.
    OutputDenied,
}

impl ToolState {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            ToolState::InputStreaming => "input-streaming",
            ToolState::InputAvailable => "input-available",
            ToolState::ApprovalRequested => "approval-requested",
            ToolState::ApprovalResponded => "approval-responded",
            ToolState::OutputAvailable => "output-available",
            ToolState::OutputError => "output-error",
            ToolState::OutputDenied => "output-denied",
        }
    }
}

/// A tool call's approval: asked by `tool-approval-request`, answered by
/// `tool-approval-response`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Approval {
    /// The approval's id.
    pub id: String,
    /// What is to be approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<Value>,
    /// The input as the tool's input schema sees it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_schema_input: Option<Value>,
    /// Why approval was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_reason: Option<String>,
    /// Whether the approval is automatic (kept only when `true`, as the AI SDK keeps it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_automatic: bool,
    /// A signature over the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Whether it was approved, once answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<bool>,
    /// Why, as the answer says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One tool call of a run, with the fields of the AI SDK's tool part (`None` where it has none).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    /// The call's id.
    pub tool_call_id: String,
    /// The tool (e.g. `read_file`, `edit_file`).
    pub tool_name: String,
    /// Whether it is a dynamic tool (a `dynamic-tool` part).
    pub dynamic: bool,
    /// Where it is.
    pub state: ToolState,
    /// The tool's title for people.
    pub title: Option<String>,
    /// The tool's own metadata.
    pub tool_metadata: Option<Value>,
    /// The input. While it streams it is `None`: read it with [`ToolCall::partial_input`]
    /// (parsing it on every piece would cost time quadratic in its length).
    pub input: Option<Value>,
    /// How the input streams, when the call said.
    pub input_encoding: Option<InputEncoding>,
    /// The input's text as streamed so far, while it streams (the AI SDK's `rawInput`).
    pub raw_input: Option<String>,
    /// The output.
    pub output: Option<Value>,
    /// Why it failed.
    pub error_text: Option<String>,
    /// Whether the provider ran it.
    pub provider_executed: Option<bool>,
    /// Whether the output is preliminary (more will come).
    pub preliminary: Option<bool>,
    /// Provider metadata of the call.
    pub call_provider_metadata: Option<Value>,
    /// Provider metadata of the result.
    pub result_provider_metadata: Option<Value>,
    /// Its approval, once asked.
    pub approval: Option<Approval>,
    /// The input is the partial parse of `raw_input`, not computed yet.
    #[serde(skip)]
    pub(super) input_pending: bool,
}

impl ToolCall {
    /// The input as the AI SDK shows it: while it streams, the partial parse of the text so far
    /// (`parsePartialJson`: open strings, arrays and objects closed), or the text itself when
    /// the call streams text; else [`ToolCall::input`].
    pub fn partial_input(&self) -> Option<Value> {
        if !self.input_pending {
            return self.input.clone();
        }
        let text = self.raw_input.as_deref().unwrap_or_default();
        match self.input_encoding {
            Some(InputEncoding::Text) => Some(Value::String(text.to_owned())),
            _ => parse_partial_json(text),
        }
    }

    /// Computes a pending input, as the AI SDK has it whenever the part changes state.
    pub(super) fn settle_input(&mut self) {
        if self.input_pending {
            self.input = self.partial_input();
            self.input_pending = false;
        }
    }
}

/// A tool call whose input streams (`tool-input-start`), as the AI SDK keeps it by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct PartialCall {
    pub(super) text: String,
    pub(super) tool_name: String,
    pub(super) dynamic: bool,
    pub(super) input_encoding: Option<InputEncoding>,
    pub(super) title: Option<String>,
    pub(super) tool_metadata: Option<Value>,
}

impl PartialCall {
    pub(super) fn clone_without_text(&self) -> Self {
        Self {
            text: String::new(),
            tool_name: self.tool_name.clone(),
            dynamic: self.dynamic,
            input_encoding: self.input_encoding,
            title: self.title.clone(),
            tool_metadata: self.tool_metadata.clone(),
        }
    }
}

/// The open parts of the AI SDK 4 data stream, whose chunks have no ids: the text and
/// reasoning parts deltas go to, and the reasoning part's text detail.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct V4Parts {
    pub(super) text: Option<usize>,
    pub(super) reasoning: Option<usize>,
    pub(super) detail: Option<usize>,
}
