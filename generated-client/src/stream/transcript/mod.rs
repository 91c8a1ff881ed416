//! The message a run's events build, the way the AI SDK's `readUIMessageStream` builds it (and,
//! for the AI SDK 4 data stream, the way its chat client does where the two differ: text and
//! reasoning parts that no chunk opens, reasoning details, steps that continue).

mod metadata;
mod parts;
mod tools;
mod types;
mod ui_message;
mod v4;

use std::collections::HashMap;

use serde_json::Value;

use super::event::AgentEvent;
use super::js_order::js_ordered;
use super::protocol::Protocol;
use super::raw_json::RawJson;
pub use types::{Approval, Part, PartState, ReasoningDetail, ToolCall, ToolState};
use types::{PartialCall, V4Parts};

/// The assistant message a run built, with how it ended.
///
/// Serialized with its fields in camelCase (`messageId`, `parts`, `finishReason`, …), each part
/// as in [`Transcript::to_ui_message`].
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
    /// The message's id.
    pub message_id: Option<String>,
    /// Its parts, in order.
    pub parts: Vec<Part>,
    /// Its metadata, merged as it arrived.
    pub metadata: Option<Value>,
    /// Its annotations (AI SDK 4 data stream `8` parts), in order.
    pub annotations: Vec<Value>,
    /// Why it ended (`stop`, `error`, …), once it did.
    pub finish_reason: Option<String>,
    /// Errors the run reported (`error` events).
    pub errors: Vec<String>,
    /// Whether it was aborted, and why.
    pub aborted: Option<Option<String>>,
    /// Events of types this client does not know, as received.
    pub unknown: Vec<String>,
    /// Why the message stopped taking events where the AI SDK's reader stops: metadata it
    /// cannot merge (JavaScript's `in` on a string or number, when metadata that is one meets
    /// metadata with keys). `None` while it takes them; later events are ignored unless the
    /// transcript is [`Transcript::continuing`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Goes on past a failure (a difference from the SDK).
    #[serde(skip)]
    continuing: bool,
    /// Index in `parts` of the text and reasoning parts still open, by id.
    #[serde(skip)]
    open_text: HashMap<String, usize>,
    #[serde(skip)]
    open_reasoning: HashMap<String, usize>,
    #[serde(skip)]
    partial_calls: HashMap<String, PartialCall>,
    #[serde(skip)]
    v4: V4Parts,
    /// Read from an AI SDK 4 data stream (see [`Transcript::set_protocol`]).
    #[serde(skip)]
    data_stream: bool,
}

/// A value of an event as the AI SDK holds it: its keys in the order they came, integer-like
/// keys first (JavaScript's order).
fn to_value(raw: &Option<RawJson>) -> Option<Value> {
    raw.as_ref().map(|raw| js_ordered(raw.to_value()))
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty transcript that goes on past metadata the AI SDK cannot merge, where the SDK's
    /// reader ends the message: the new metadata then replaces what does not merge, and
    /// [`Transcript::failure`] stays `None`. A difference from the SDK, for readers that want
    /// everything a run sent.
    pub fn continuing() -> Self {
        Self {
            continuing: true,
            ..Self::default()
        }
    }

    /// Says which protocol the events came in (a [`crate::stream::Decoder::protocol`]), where
    /// the SDKs' readers differ in a way the events do not show: AI SDK 4's chat client
    /// updates a tool call's first part anywhere in the message, the AI SDK 5+ readers the
    /// current step's part (an earlier step's call gets a new one). `None` or another protocol:
    /// the AI SDK 5+ way, as [`Transcript::new`] starts.
    pub fn set_protocol(&mut self, protocol: Option<Protocol>) {
        self.data_stream = protocol == Some(Protocol::DataStream);
    }

    /// All the text for the user, joined.
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The tool calls, in order.
    pub fn tool_calls(&self) -> impl Iterator<Item = &ToolCall> {
        self.parts.iter().filter_map(|part| match part {
            Part::Tool(call) => Some(&**call),
            _ => None,
        })
    }

    /// The agent's todo list, from its latest `data-todos` part.
    pub fn todos(&self) -> Option<Vec<crate::v1::types::Todo>> {
        self.parts.iter().rev().find_map(|part| match part {
            Part::Data {
                name,
                data: Some(data),
                ..
            } if name == "todos" => serde_json::from_value(data.clone()).ok(),
            _ => None,
        })
    }

    /// The sources the agent cited.
    pub fn sources(&self) -> impl Iterator<Item = &Part> {
        self.parts
            .iter()
            .filter(|p| matches!(p, Part::SourceUrl { .. } | Part::SourceDocument { .. }))
    }

    /// Adds one event.
    pub fn apply(&mut self, event: &AgentEvent) {
        if self.failure.is_some() {
            return; // the AI SDK's reader has ended the message
        }
        match event {
            AgentEvent::Start {
                message_id,
                metadata,
            } => {
                // As `readUIMessageStream`: another message id starts the message over.
                if let Some(id) = message_id {
                    if id != self.message_id.as_deref().unwrap_or_default() {
                        self.start_over();
                    }
                    self.message_id = Some(id.clone());
                }
                self.merge_metadata(to_value(metadata));
            }
            AgentEvent::MessageId { message_id } => self.message_id = Some(message_id.clone()),
            AgentEvent::StartStep => self.parts.push(Part::StepStart),
            AgentEvent::FinishStep => self.end_v4_step(false),
            AgentEvent::ContinuedStep => self.end_v4_step(true),
            AgentEvent::ResetStep => {
                // As the AI SDK: the parts since the step's start go, and no part stays open.
                let step = self.step_start();
                self.parts.truncate(step);
                self.open_text.clear();
                self.open_reasoning.clear();
                self.partial_calls.clear();
                self.v4 = V4Parts::default();
            }
            AgentEvent::Custom { .. }
            | AgentEvent::ReasoningFile { .. }
            | AgentEvent::SteeringMessage { .. }
            | AgentEvent::TextStart { .. }
            | AgentEvent::ReasoningStart { .. }
            | AgentEvent::TextDelta { .. }
            | AgentEvent::ReasoningDelta { .. }
            | AgentEvent::TextEnd { .. }
            | AgentEvent::ReasoningEnd { .. }
            | AgentEvent::SourceUrl { .. }
            | AgentEvent::SourceDocument { .. }
            | AgentEvent::File { .. }
            | AgentEvent::Data { .. } => self.apply_part(event),
            AgentEvent::RedactedReasoning { .. }
            | AgentEvent::ReasoningSignature { .. }
            | AgentEvent::Annotations { .. } => self.apply_v4(event),
            AgentEvent::ToolInputStart { .. }
            | AgentEvent::ToolInputDelta { .. }
            | AgentEvent::ToolInputAvailable { .. }
            | AgentEvent::ToolInputError { .. }
            | AgentEvent::ToolOutputAvailable { .. }
            | AgentEvent::ToolOutputError { .. }
            | AgentEvent::ToolApprovalRequest { .. }
            | AgentEvent::ToolApprovalResponse { .. }
            | AgentEvent::ToolOutputDenied { .. } => self.apply_tool(event),
            AgentEvent::MessageMetadata { metadata } => self.merge_metadata(to_value(metadata)),
            AgentEvent::Error { error_text } => self.errors.push(error_text.clone()),
            AgentEvent::Abort { reason } => self.aborted = Some(reason.clone()),
            AgentEvent::Finish {
                finish_reason,
                metadata,
            } => {
                if finish_reason.is_some() {
                    self.finish_reason.clone_from(finish_reason);
                }
                self.merge_metadata(to_value(metadata));
                self.end_v4_message();
            }
            AgentEvent::Unknown { raw } => self.unknown.push(raw.clone()),
        }
    }

    /// What a `start` with a new message id leaves: nothing of the message before.
    fn start_over(&mut self) {
        self.parts.clear();
        self.metadata = None;
        self.finish_reason = None;
        self.open_text.clear();
        self.open_reasoning.clear();
        self.partial_calls.clear();
        self.v4 = V4Parts::default();
    }

    /// Where the current step's parts begin.
    fn step_start(&self) -> usize {
        self.parts
            .iter()
            .rposition(|p| matches!(p, Part::StepStart))
            .map_or(0, |i| i + 1)
    }
}
