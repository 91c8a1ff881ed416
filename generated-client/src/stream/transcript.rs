//! The message a run's events build, the way the AI SDK's `readUIMessageStream` builds it (and,
//! for the AI SDK 4 data stream, the way its chat client does where the two differ: text and
//! reasoning parts that no chunk opens, reasoning details, steps that continue).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::event::{ApprovalRequest, InputEncoding, ToolMeta};
use super::{AgentEvent, RawJson};

/// Whether a text or reasoning part is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartState {
    /// More may come.
    Streaming,
    /// Complete.
    Done,
}

/// Where a tool call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
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
    fn as_str(self) -> &'static str {
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
    input_pending: bool,
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
    fn settle_input(&mut self) {
        if self.input_pending {
            self.input = self.partial_input();
            self.input_pending = false;
        }
    }
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

/// A tool call whose input streams (`tool-input-start`), as the AI SDK keeps it by id.
#[derive(Clone, Debug, Default, PartialEq)]
struct PartialCall {
    text: String,
    tool_name: String,
    dynamic: bool,
    input_encoding: Option<InputEncoding>,
    title: Option<String>,
    tool_metadata: Option<Value>,
}

/// The open parts of the AI SDK 4 data stream, whose chunks have no ids: the text and
/// reasoning parts deltas go to, and the reasoning part's text detail.
#[derive(Clone, Debug, Default, PartialEq)]
struct V4Parts {
    text: Option<usize>,
    reasoning: Option<usize>,
    detail: Option<usize>,
}

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
    /// Index in `parts` of the text and reasoning parts still open, by id.
    #[serde(skip)]
    open_text: HashMap<String, usize>,
    #[serde(skip)]
    open_reasoning: HashMap<String, usize>,
    #[serde(skip)]
    partial_calls: HashMap<String, PartialCall>,
    #[serde(skip)]
    v4: V4Parts,
}

/// A change to a tool part, as the AI SDK's `updateToolPart` takes it: `None` fields clear the
/// part's, except where said.
#[derive(Default)]
struct ToolUpdate {
    state: Option<ToolState>,
    input: Option<Value>,
    /// The input is the partial parse of `raw_input`.
    input_pending: bool,
    input_encoding: Option<InputEncoding>,
    raw_input: Option<String>,
    output: Option<Value>,
    error_text: Option<String>,
    preliminary: Option<bool>,
    /// Kept when `None`.
    title: Option<String>,
    /// Kept when `None`.
    tool_metadata: Option<Value>,
    /// Kept when `None`.
    provider_executed: Option<bool>,
    /// Kept when `None`; the result's for output states, else the call's.
    provider_metadata: Option<Value>,
}

fn to_value(raw: &Option<RawJson>) -> Option<Value> {
    raw.as_ref().map(RawJson::to_value)
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
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
            AgentEvent::Custom {
                kind,
                provider_metadata,
            } => self.parts.push(Part::Custom {
                kind: kind.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::ReasoningFile {
                url,
                media_type,
                provider_metadata,
            } => self.parts.push(Part::ReasoningFile {
                media_type: media_type.clone(),
                url: url.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::SteeringMessage { id, parts } => self.parts.push(Part::SteeringMessage {
                id: id.clone(),
                parts: parts.to_value(),
            }),
            AgentEvent::TextStart {
                id,
                provider_metadata,
            } => {
                self.parts.push(Part::Text {
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: to_value(provider_metadata),
                    citations: None,
                });
                self.open_text.insert(id.clone(), self.parts.len() - 1);
            }
            AgentEvent::ReasoningStart {
                id,
                provider_metadata,
            } => {
                self.parts.push(Part::Reasoning {
                    id: id.clone(),
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: to_value(provider_metadata),
                    details: Vec::new(),
                });
                self.open_reasoning.insert(id.clone(), self.parts.len() - 1);
            }
            AgentEvent::TextDelta {
                id,
                delta,
                provider_metadata,
            } => match self.open_text.get(id) {
                Some(&index) => self.update_text(index, Some(delta), provider_metadata, None),
                None => self.v4_text(delta),
            },
            AgentEvent::ReasoningDelta {
                id,
                delta,
                provider_metadata,
            } => match self.open_reasoning.get(id) {
                Some(&index) => self.update_text(index, Some(delta), provider_metadata, None),
                None => self.v4_reasoning(delta),
            },
            AgentEvent::TextEnd {
                id,
                provider_metadata,
                citations,
            } => {
                if let Some(index) = self.open_text.remove(id) {
                    self.update_text(index, None, provider_metadata, Some(citations));
                }
            }
            AgentEvent::ReasoningEnd {
                id,
                provider_metadata,
            } => {
                if let Some(index) = self.open_reasoning.remove(id) {
                    self.update_text(index, None, provider_metadata, Some(&None));
                }
            }
            AgentEvent::RedactedReasoning { data } => {
                // As AI SDK 4: on the open reasoning part, or a new one; text after it is a
                // new detail.
                let index = self.v4_reasoning_part();
                if let Some(Part::Reasoning { details, .. }) = self.parts.get_mut(index) {
                    details.push(ReasoningDetail::Redacted { data: data.clone() });
                }
                self.v4.detail = None;
            }
            AgentEvent::ReasoningSignature { signature } => {
                if let (Some(part), Some(detail)) = (self.v4.reasoning, self.v4.detail)
                    && let Some(Part::Reasoning { details, .. }) = self.parts.get_mut(part)
                    && let Some(ReasoningDetail::Text {
                        signature: slot, ..
                    }) = details.get_mut(detail)
                {
                    *slot = Some(signature.clone());
                }
            }
            AgentEvent::Annotations { annotations } => self
                .annotations
                .extend(annotations.iter().map(RawJson::to_value)),
            AgentEvent::ToolInputStart {
                tool_call_id,
                tool_name,
                meta,
            } => {
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let dynamic = meta.dynamic == Some(true);
                let partial = PartialCall {
                    text: String::new(),
                    tool_name: tool_name.clone(),
                    dynamic,
                    input_encoding: meta.input_encoding,
                    title: meta.title.clone(),
                    tool_metadata: to_value(&meta.tool_metadata),
                };
                self.partial_calls.insert(tool_call_id.clone(), partial);
                let update = ToolUpdate {
                    state: Some(ToolState::InputStreaming),
                    input_encoding: meta.input_encoding,
                    ..Self::meta_update(&meta)
                };
                self.update_tool(tool_call_id, tool_name, dynamic, None, update);
            }
            AgentEvent::ToolInputDelta {
                tool_call_id,
                delta,
            } => {
                let Some(partial) = self.partial_calls.get_mut(tool_call_id) else {
                    return;
                };
                partial.text.push_str(delta);
                let partial = partial.clone_without_text();
                let index = self.find_in_step(tool_call_id, Some(partial.dynamic));
                // The part's raw input is the text before this piece nearly always: append
                // to it instead of copying the whole text again.
                let text_len = self.partial_text_len(tool_call_id);
                let appended = index.and_then(|i| self.tool_at_mut(i)).and_then(|call| {
                    let raw = call.raw_input.as_mut()?;
                    (raw.len() + delta.len() == text_len).then(|| {
                        raw.push_str(delta);
                        std::mem::take(raw)
                    })
                });
                let raw_input = appended.unwrap_or_else(|| {
                    self.partial_calls
                        .get(tool_call_id)
                        .map(|p| p.text.clone())
                        .unwrap_or_default()
                });
                let update = ToolUpdate {
                    state: Some(ToolState::InputStreaming),
                    input_pending: true,
                    input_encoding: partial.input_encoding,
                    raw_input: Some(raw_input),
                    title: partial.title,
                    tool_metadata: partial.tool_metadata,
                    ..ToolUpdate::default()
                };
                let tool_name = partial.tool_name;
                self.update_tool(tool_call_id, &tool_name, partial.dynamic, index, update);
            }
            AgentEvent::ToolInputAvailable {
                tool_call_id,
                tool_name,
                input,
                meta,
            } => {
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let update = ToolUpdate {
                    state: Some(ToolState::InputAvailable),
                    input: to_value(input),
                    ..Self::meta_update(&meta)
                };
                let dynamic = meta.dynamic == Some(true);
                self.update_tool(tool_call_id, tool_name, dynamic, None, update);
            }
            AgentEvent::ToolInputError {
                tool_call_id,
                tool_name,
                input,
                error_text,
                meta,
            } => {
                let meta = meta.as_deref().cloned().unwrap_or_default();
                // Dynamic when the step's part for the call is, else as the chunk says.
                let dynamic = match self.find_in_step(tool_call_id, None) {
                    Some(index) => self.tool_at(index).is_some_and(|call| call.dynamic),
                    None => meta.dynamic == Some(true),
                };
                let update = ToolUpdate {
                    state: Some(ToolState::OutputError),
                    input: to_value(input),
                    error_text: Some(error_text.clone()),
                    title: None,
                    ..Self::meta_update(&meta)
                };
                self.update_tool(tool_call_id, tool_name, dynamic, None, update);
            }
            AgentEvent::ToolOutputAvailable {
                tool_call_id,
                output,
                preliminary,
                meta,
            } => {
                let Some(index) = self.find_tool(tool_call_id) else {
                    return;
                };
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let Some(call) = self.tool_at_mut(index) else {
                    return;
                };
                call.settle_input();
                let update = ToolUpdate {
                    state: Some(ToolState::OutputAvailable),
                    input: call.input.clone(),
                    output: to_value(output),
                    preliminary: *preliminary,
                    title: call.title.clone(),
                    tool_metadata: to_value(&meta.tool_metadata).or(call.tool_metadata.clone()),
                    provider_executed: meta.provider_executed,
                    provider_metadata: to_value(&meta.provider_metadata),
                    ..ToolUpdate::default()
                };
                let (name, dynamic) = (call.tool_name.clone(), call.dynamic);
                self.update_tool(tool_call_id, &name, dynamic, Some(index), update);
            }
            AgentEvent::ToolOutputError {
                tool_call_id,
                error_text,
                meta,
            } => {
                let Some(index) = self.find_tool(tool_call_id) else {
                    return;
                };
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let Some(call) = self.tool_at_mut(index) else {
                    return;
                };
                call.settle_input();
                let update = ToolUpdate {
                    state: Some(ToolState::OutputError),
                    input: call.input.clone(),
                    // The static tool's part keeps its raw input, the dynamic one's does not.
                    raw_input: if call.dynamic {
                        None
                    } else {
                        call.raw_input.clone()
                    },
                    error_text: Some(error_text.clone()),
                    title: call.title.clone(),
                    tool_metadata: to_value(&meta.tool_metadata).or(call.tool_metadata.clone()),
                    provider_executed: meta.provider_executed,
                    provider_metadata: to_value(&meta.provider_metadata),
                    ..ToolUpdate::default()
                };
                let (name, dynamic) = (call.tool_name.clone(), call.dynamic);
                self.update_tool(tool_call_id, &name, dynamic, Some(index), update);
            }
            AgentEvent::ToolApprovalRequest {
                approval_id,
                tool_call_id,
                request,
            } => {
                let request = request.as_deref().cloned().unwrap_or_default();
                if let Some(call) = self
                    .find_tool(tool_call_id)
                    .and_then(|i| self.tool_at_mut(i))
                {
                    call.state = ToolState::ApprovalRequested;
                    call.approval = Some(approval_of(approval_id, request));
                }
            }
            AgentEvent::ToolApprovalResponse {
                approval_id,
                approved,
                reason,
                provider_executed,
                provider_metadata,
            } => {
                let call = self.parts.iter_mut().find_map(|part| match part {
                    Part::Tool(call)
                        if call.approval.as_ref().is_some_and(|a| a.id == *approval_id) =>
                    {
                        Some(&mut **call)
                    }
                    _ => None,
                });
                if let Some(call) = call {
                    call.state = ToolState::ApprovalResponded;
                    let approval = call.approval.get_or_insert_with(Approval::default);
                    approval.id.clone_from(approval_id);
                    approval.approved = Some(*approved);
                    if reason.is_some() {
                        approval.reason.clone_from(reason);
                    }
                    if provider_executed.is_some() {
                        call.provider_executed = *provider_executed;
                    }
                    if let Some(metadata) = to_value(provider_metadata) {
                        call.call_provider_metadata = Some(metadata);
                    }
                }
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                if let Some(call) = self
                    .find_tool(tool_call_id)
                    .and_then(|i| self.tool_at_mut(i))
                {
                    call.state = ToolState::OutputDenied;
                }
            }
            AgentEvent::SourceUrl {
                source_id,
                url,
                title,
                provider_metadata,
            } => self.parts.push(Part::SourceUrl {
                source_id: source_id.clone(),
                url: url.clone(),
                title: title.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::SourceDocument {
                source_id,
                media_type,
                title,
                filename,
                provider_metadata,
            } => self.parts.push(Part::SourceDocument {
                source_id: source_id.clone(),
                media_type: media_type.clone(),
                title: title.clone(),
                filename: filename.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::File {
                url,
                media_type,
                provider_metadata,
            } => self.parts.push(Part::File {
                media_type: media_type.clone(),
                url: url.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::Data {
                transient: Some(true),
                ..
            } => {}
            AgentEvent::Data {
                name,
                id,
                data,
                transient,
                extra,
            } => {
                // A part with the same type and id gets the new data; its other fields stay.
                let existing = id.as_ref().and_then(|id| {
                    self.parts.iter_mut().find_map(|part| match part {
                        Part::Data {
                            name: n,
                            id: Some(i),
                            data,
                            ..
                        } if n == name && i == id => Some(data),
                        _ => None,
                    })
                });
                match existing {
                    Some(slot) => *slot = to_value(data),
                    None => {
                        let mut fields = match to_value(extra) {
                            Some(Value::Object(fields)) => fields,
                            _ => Map::new(),
                        };
                        if let Some(transient) = transient {
                            fields.insert("transient".into(), Value::Bool(*transient));
                        }
                        self.parts.push(Part::Data {
                            name: name.clone(),
                            id: id.clone(),
                            data: to_value(data),
                            extra: fields,
                        });
                    }
                }
            }
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
                // The data stream's parts have no end: the message's is theirs.
                for index in [self.v4.text, self.v4.reasoning].into_iter().flatten() {
                    self.set_done(index);
                }
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

    /// A text or reasoning part's change: more text, provider metadata (kept when `None`),
    /// and at its end (`citations` given) done.
    fn update_text(
        &mut self,
        index: usize,
        delta: Option<&str>,
        metadata: &Option<RawJson>,
        end: Option<&Option<RawJson>>,
    ) {
        if let Some(
            Part::Text {
                text,
                provider_metadata,
                state,
                ..
            }
            | Part::Reasoning {
                text,
                provider_metadata,
                state,
                ..
            },
        ) = self.parts.get_mut(index)
        {
            if let Some(delta) = delta {
                text.push_str(delta);
            }
            if let Some(metadata) = to_value(metadata) {
                *provider_metadata = Some(metadata);
            }
            if end.is_some() {
                *state = PartState::Done;
            }
        }
        if let Some(Some(new)) = end
            && let Some(Part::Text { citations, .. }) = self.parts.get_mut(index)
        {
            *citations = Some(new.to_value());
        }
    }

    fn set_done(&mut self, index: usize) {
        if let Some(Part::Text { state, .. } | Part::Reasoning { state, .. }) =
            self.parts.get_mut(index)
        {
            *state = PartState::Done;
        }
    }

    /// AI SDK 4 text (a `0` part): appended to the step's text part, or a new one.
    fn v4_text(&mut self, delta: &str) {
        let index = match self.v4.text {
            Some(index) => index,
            None => {
                self.parts.push(Part::Text {
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: None,
                    citations: None,
                });
                self.v4.text = Some(self.parts.len() - 1);
                self.parts.len() - 1
            }
        };
        if let Some(Part::Text { text, .. }) = self.parts.get_mut(index) {
            text.push_str(delta);
        }
    }

    /// The step's AI SDK 4 reasoning part, opened if none is.
    fn v4_reasoning_part(&mut self) -> usize {
        match self.v4.reasoning {
            Some(index) => index,
            None => {
                self.parts.push(Part::Reasoning {
                    id: String::new(),
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: None,
                    details: Vec::new(),
                });
                self.v4.reasoning = Some(self.parts.len() - 1);
                self.parts.len() - 1
            }
        }
    }

    /// AI SDK 4 reasoning (a `g` part): appended to the step's reasoning part and its text
    /// detail, or to new ones.
    fn v4_reasoning(&mut self, delta: &str) {
        let index = self.v4_reasoning_part();
        let Some(Part::Reasoning { text, details, .. }) = self.parts.get_mut(index) else {
            return;
        };
        text.push_str(delta);
        match self.v4.detail.and_then(|d| details.get_mut(d)) {
            Some(ReasoningDetail::Text { text, .. }) => text.push_str(delta),
            _ => {
                details.push(ReasoningDetail::Text {
                    text: delta.to_owned(),
                    signature: None,
                });
                self.v4.detail = Some(details.len() - 1);
            }
        }
    }

    /// The end of an AI SDK 4 step (`e`): its text part stays open when the next step
    /// continues it, its reasoning part closes.
    fn end_v4_step(&mut self, continued: bool) {
        if !continued && let Some(index) = self.v4.text.take() {
            self.set_done(index);
        }
        if let Some(index) = self.v4.reasoning.take() {
            self.set_done(index);
        }
        self.v4.detail = None;
    }

    fn tool_at(&self, index: usize) -> Option<&ToolCall> {
        match self.parts.get(index) {
            Some(Part::Tool(call)) => Some(&**call),
            _ => None,
        }
    }

    fn tool_at_mut(&mut self, index: usize) -> Option<&mut ToolCall> {
        match self.parts.get_mut(index) {
            Some(Part::Tool(call)) => Some(&mut **call),
            _ => None,
        }
    }

    fn partial_text_len(&self, tool_call_id: &str) -> usize {
        self.partial_calls
            .get(tool_call_id)
            .map_or(0, |partial| partial.text.len())
    }

    /// The current step's part for the call, of the kind asked (dynamic or not; any: `None`).
    fn find_in_step(&self, tool_call_id: &str, dynamic: Option<bool>) -> Option<usize> {
        let start = self.step_start();
        (start..self.parts.len()).find(|&i| {
            self.tool_at(i).is_some_and(|call| {
                call.tool_call_id == tool_call_id && dynamic.is_none_or(|d| call.dynamic == d)
            })
        })
    }

    /// The call's part: the current step's, else the last one (`getToolInvocation`).
    fn find_tool(&self, tool_call_id: &str) -> Option<usize> {
        self.find_in_step(tool_call_id, None).or_else(|| {
            (0..self.parts.len()).rev().find(|&i| {
                self.tool_at(i)
                    .is_some_and(|c| c.tool_call_id == tool_call_id)
            })
        })
    }

    /// The [`ToolUpdate`] fields a tool chunk's [`ToolMeta`] sets.
    fn meta_update(meta: &ToolMeta) -> ToolUpdate {
        ToolUpdate {
            title: meta.title.clone(),
            tool_metadata: to_value(&meta.tool_metadata),
            provider_executed: meta.provider_executed,
            provider_metadata: to_value(&meta.provider_metadata),
            ..ToolUpdate::default()
        }
    }

    /// The AI SDK's `updateToolPart`/`updateDynamicToolPart`: changes the part at `index`, or
    /// the current step's part for the call, or adds one.
    fn update_tool(
        &mut self,
        tool_call_id: &str,
        tool_name: &str,
        dynamic: bool,
        index: Option<usize>,
        update: ToolUpdate,
    ) {
        let index = index.or_else(|| self.find_in_step(tool_call_id, Some(dynamic)));
        let state = update.state.unwrap_or(ToolState::InputStreaming);
        let output_state = matches!(state, ToolState::OutputAvailable | ToolState::OutputError);
        match index.and_then(|i| self.tool_at_mut(i)) {
            Some(call) => {
                call.state = state;
                call.tool_name = tool_name.to_owned();
                call.input = update.input;
                call.input_pending = update.input_pending;
                call.output = update.output;
                call.error_text = update.error_text;
                call.raw_input = update.raw_input;
                call.input_encoding = update.input_encoding;
                call.preliminary = update.preliminary;
                if update.title.is_some() {
                    call.title = update.title;
                }
                if update.tool_metadata.is_some() {
                    call.tool_metadata = update.tool_metadata;
                }
                if update.provider_executed.is_some() {
                    call.provider_executed = update.provider_executed;
                }
                if let Some(metadata) = update.provider_metadata {
                    if output_state {
                        call.result_provider_metadata = Some(metadata);
                    } else {
                        call.call_provider_metadata = Some(metadata);
                    }
                }
            }
            None => {
                let (call_metadata, result_metadata) = if output_state {
                    (None, update.provider_metadata)
                } else {
                    (update.provider_metadata, None)
                };
                self.parts.push(Part::Tool(Box::new(ToolCall {
                    tool_call_id: tool_call_id.to_owned(),
                    tool_name: tool_name.to_owned(),
                    dynamic,
                    state,
                    title: update.title,
                    tool_metadata: update.tool_metadata,
                    input: update.input,
                    input_encoding: update.input_encoding,
                    raw_input: update.raw_input,
                    output: update.output,
                    error_text: update.error_text,
                    provider_executed: update.provider_executed,
                    preliminary: update.preliminary,
                    call_provider_metadata: call_metadata,
                    result_provider_metadata: result_metadata,
                    approval: None,
                    input_pending: update.input_pending,
                })));
            }
        }
    }

    /// Merges metadata deeply, as the AI SDK's `mergeObjects`: objects merge key by key, at
    /// any depth; anything else (arrays, `null`) replaces.
    fn merge_metadata(&mut self, metadata: Option<Value>) {
        let Some(metadata) = metadata else { return };
        match &mut self.metadata {
            Some(current) => merge_objects(current, metadata),
            slot => *slot = Some(metadata),
        }
    }

    /// The message as the AI SDK's `UIMessage` JSON (`{ id, role, parts, metadata }`), for
    /// comparing with what `readUIMessageStream` builds from the same bytes: fields the SDK
    /// leaves `undefined` are left out.
    pub fn to_ui_message(&self) -> Value {
        let parts: Vec<Value> = self.parts.iter().map(part_json).collect();
        let mut message = json!({ "id": self.message_id.clone().unwrap_or_default(), "role": "assistant", "parts": parts });
        if let Some(metadata) = &self.metadata {
            message["metadata"] = metadata.clone();
        }
        message
    }
}

impl PartialCall {
    fn clone_without_text(&self) -> Self {
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

fn approval_of(approval_id: &str, request: ApprovalRequest) -> Approval {
    Approval {
        id: approval_id.to_owned(),
        descriptor: to_value(&request.descriptor),
        input_schema_input: to_value(&request.input_schema_input),
        request_reason: request.reason,
        is_automatic: request.is_automatic == Some(true),
        signature: request.signature,
        approved: None,
        reason: None,
    }
}

/// `base` with `new` merged into it. Parsed values are at most 128 deep, so is the recursion.
fn merge_objects(base: &mut Value, new: Value) {
    match (base, new) {
        (Value::Object(base), Value::Object(new)) => {
            for (key, value) in new {
                match base.get_mut(&key) {
                    Some(slot @ Value::Object(_)) if value.is_object() => {
                        merge_objects(slot, value)
                    }
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, new) => *base = new,
    }
}

/// Written as the AI SDK's `UIMessage` part.
impl serde::Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        part_json(self).serialize(serializer)
    }
}

fn state(state: PartState) -> &'static str {
    match state {
        PartState::Streaming => "streaming",
        PartState::Done => "done",
    }
}

/// A JSON object of the given fields, those that are `None` left out.
fn object<const N: usize>(fields: [(&str, Option<Value>); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(key, value)| value.map(|value| (key.to_owned(), value)))
            .collect(),
    )
}

fn part_json(part: &Part) -> Value {
    let text = |s: &str| Some(Value::String(s.to_owned()));
    let opt = |s: &Option<String>| s.as_deref().and_then(text);
    match part {
        Part::StepStart => json!({ "type": "step-start" }),
        Part::Text {
            text: t,
            state: s,
            provider_metadata,
            citations,
        } => object([
            ("type", text("text")),
            ("text", text(t)),
            ("state", text(state(*s))),
            ("providerMetadata", provider_metadata.clone()),
            ("citations", citations.clone()),
        ]),
        Part::Reasoning {
            id,
            text: t,
            state: s,
            provider_metadata,
            ..
        } => object([
            ("type", text("reasoning")),
            ("id", text(id)),
            ("text", text(t)),
            ("state", text(state(*s))),
            ("providerMetadata", provider_metadata.clone()),
        ]),
        Part::Tool(call) => {
            let kind = if call.dynamic {
                "dynamic-tool".to_owned()
            } else {
                format!("tool-{}", call.tool_name)
            };
            let approval = call
                .approval
                .as_ref()
                .and_then(|approval| serde_json::to_value(approval).ok());
            object([
                ("type", Some(Value::String(kind))),
                ("toolName", call.dynamic.then(|| json!(call.tool_name))),
                ("toolCallId", text(&call.tool_call_id)),
                ("state", text(call.state.as_str())),
                ("title", opt(&call.title)),
                ("toolMetadata", call.tool_metadata.clone()),
                ("input", call.partial_input()),
                (
                    "inputEncoding",
                    call.input_encoding
                        .and_then(|e| serde_json::to_value(e).ok()),
                ),
                ("output", call.output.clone()),
                ("rawInput", opt(&call.raw_input)),
                ("errorText", opt(&call.error_text)),
                ("providerExecuted", call.provider_executed.map(Value::Bool)),
                ("preliminary", call.preliminary.map(Value::Bool)),
                ("callProviderMetadata", call.call_provider_metadata.clone()),
                (
                    "resultProviderMetadata",
                    call.result_provider_metadata.clone(),
                ),
                ("approval", approval),
            ])
        }
        Part::Data {
            name,
            id,
            data,
            extra,
        } => {
            let mut value = extra.clone();
            value.insert("type".into(), json!(format!("data-{name}")));
            if let Some(id) = id {
                value.insert("id".into(), json!(id));
            }
            if let Some(data) = data {
                value.insert("data".into(), data.clone());
            }
            Value::Object(value)
        }
        Part::SourceUrl {
            source_id,
            url,
            title,
            provider_metadata,
        } => object([
            ("type", text("source-url")),
            ("sourceId", text(source_id)),
            ("url", text(url)),
            ("title", opt(title)),
            ("providerMetadata", provider_metadata.clone()),
        ]),
        Part::SourceDocument {
            source_id,
            media_type,
            title,
            filename,
            provider_metadata,
        } => object([
            ("type", text("source-document")),
            ("sourceId", text(source_id)),
            ("mediaType", text(media_type)),
            ("title", text(title)),
            ("filename", opt(filename)),
            ("providerMetadata", provider_metadata.clone()),
        ]),
        Part::File {
            media_type,
            url,
            provider_metadata,
        } => object([
            ("type", text("file")),
            ("mediaType", text(media_type)),
            ("url", text(url)),
            ("providerMetadata", provider_metadata.clone()),
        ]),
        Part::Custom {
            kind,
            provider_metadata,
        } => object([
            ("type", text("custom")),
            ("kind", text(kind)),
            ("providerMetadata", provider_metadata.clone()),
        ]),
        Part::ReasoningFile {
            media_type,
            url,
            provider_metadata,
        } => object([
            ("type", text("reasoning-file")),
            ("mediaType", text(media_type)),
            ("url", text(url)),
            ("providerMetadata", provider_metadata.clone()),
        ]),
        Part::SteeringMessage { id, parts } => {
            json!({ "type": "steering-message", "id": id, "parts": parts })
        }
    }
}

/// The AI SDK's `parsePartialJson`: the value of JSON text, or of the text repaired as its
/// `fixJson` repairs a prefix (open strings, arrays and objects closed, a partial literal
/// completed, a trailing partial number or key dropped); `None` when neither parses.
pub(crate) fn parse_partial_json(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .or_else(|| serde_json::from_str(&fix_json(text)).ok())
}

/// The AI SDK's `fixJson` (AI SDK 7's, with `\u` escapes), byte by byte: it only looks at
/// ASCII, and a cut it makes always follows a whole character.
fn fix_json(input: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Root,
        Finish,
        InsideString,
        InsideStringEscape,
        InsideStringUnicodeEscape,
        InsideLiteral,
        InsideNumber,
        InsideObjectStart,
        InsideObjectKey,
        InsideObjectAfterKey,
        InsideObjectBeforeValue,
        InsideObjectAfterValue,
        InsideObjectAfterComma,
        InsideArrayStart,
        InsideArrayAfterValue,
        InsideArrayAfterComma,
    }
    let bytes = input.as_bytes();
    let mut stack = vec![S::Root];
    let mut last_valid: Option<usize> = None;
    let mut literal_start = 0;
    let mut unicode_digits = 0;

    fn value_start(
        stack: &mut Vec<S>,
        last_valid: &mut Option<usize>,
        literal_start: &mut usize,
        c: u8,
        i: usize,
        swap: S,
    ) {
        let next = match c {
            b'"' => S::InsideString,
            b'f' | b't' | b'n' => {
                *literal_start = i;
                S::InsideLiteral
            }
            b'-' => S::InsideNumber,
            b'0'..=b'9' => S::InsideNumber,
            b'{' => S::InsideObjectStart,
            b'[' => S::InsideArrayStart,
            _ => return,
        };
        if c != b'-' {
            *last_valid = Some(i);
        }
        stack.pop();
        stack.push(swap);
        stack.push(next);
    }
    fn after_object_value(stack: &mut Vec<S>, last_valid: &mut Option<usize>, c: u8, i: usize) {
        match c {
            b',' => {
                stack.pop();
                stack.push(S::InsideObjectAfterComma);
            }
            b'}' => {
                *last_valid = Some(i);
                stack.pop();
            }
            _ => {}
        }
    }
    fn after_array_value(stack: &mut Vec<S>, last_valid: &mut Option<usize>, c: u8, i: usize) {
        match c {
            b',' => {
                stack.pop();
                stack.push(S::InsideArrayAfterComma);
            }
            b']' => {
                *last_valid = Some(i);
                stack.pop();
            }
            _ => {}
        }
    }
    let literal_ok = |from: usize, to: usize| {
        let partial = &bytes[from..to];
        [&b"false"[..], b"true", b"null"]
            .iter()
            .any(|word| word.starts_with(partial))
    };

    for (i, &c) in bytes.iter().enumerate() {
        let Some(&top) = stack.last() else { break };
        let (st, lv, ls) = (&mut stack, &mut last_valid, &mut literal_start);
        match top {
            S::Root => value_start(st, lv, ls, c, i, S::Finish),
            S::InsideObjectStart => match c {
                b'"' => {
                    st.pop();
                    st.push(S::InsideObjectKey);
                }
                b'}' => {
                    *lv = Some(i);
                    st.pop();
                }
                _ => {}
            },
            S::InsideObjectAfterComma => {
                if c == b'"' {
                    st.pop();
                    st.push(S::InsideObjectKey);
                }
            }
            S::InsideObjectKey => {
                if c == b'"' {
                    st.pop();
                    st.push(S::InsideObjectAfterKey);
                }
            }
            S::InsideObjectAfterKey => {
                if c == b':' {
                    st.pop();
                    st.push(S::InsideObjectBeforeValue);
                }
            }
            S::InsideObjectBeforeValue => value_start(st, lv, ls, c, i, S::InsideObjectAfterValue),
            S::InsideObjectAfterValue => after_object_value(st, lv, c, i),
            S::InsideString => match c {
                b'"' => {
                    st.pop();
                    *lv = Some(i);
                }
                b'\\' => st.push(S::InsideStringEscape),
                _ => *lv = Some(i),
            },
            S::InsideArrayStart => {
                if c == b']' {
                    *lv = Some(i);
                    st.pop();
                } else {
                    value_start(st, lv, ls, c, i, S::InsideArrayAfterValue);
                }
            }
            S::InsideArrayAfterValue => match c {
                b',' => {
                    st.pop();
                    st.push(S::InsideArrayAfterComma);
                }
                b']' => {
                    *lv = Some(i);
                    st.pop();
                }
                _ => *lv = Some(i),
            },
            S::InsideArrayAfterComma => value_start(st, lv, ls, c, i, S::InsideArrayAfterValue),
            S::InsideStringEscape => {
                st.pop();
                if c == b'u' {
                    unicode_digits = 0;
                    st.push(S::InsideStringUnicodeEscape);
                } else {
                    *lv = Some(i);
                }
            }
            S::InsideStringUnicodeEscape => {
                if c.is_ascii_hexdigit() {
                    unicode_digits += 1;
                    if unicode_digits == 4 {
                        st.pop();
                        *lv = Some(i);
                    }
                }
            }
            S::InsideNumber => match c {
                b'0'..=b'9' => *lv = Some(i),
                b'e' | b'E' | b'-' | b'.' => {}
                b',' | b'}' | b']' => {
                    st.pop();
                    match st.last() {
                        Some(S::InsideArrayAfterValue) if c != b'}' => {
                            after_array_value(st, lv, c, i)
                        }
                        Some(S::InsideObjectAfterValue) if c != b']' => {
                            after_object_value(st, lv, c, i)
                        }
                        _ => {}
                    }
                }
                _ => {
                    st.pop();
                }
            },
            S::InsideLiteral => {
                if literal_ok(*ls, i + 1) {
                    *lv = Some(i);
                } else {
                    st.pop();
                    match st.last() {
                        Some(S::InsideObjectAfterValue) => after_object_value(st, lv, c, i),
                        Some(S::InsideArrayAfterValue) => after_array_value(st, lv, c, i),
                        _ => {}
                    }
                }
            }
            S::Finish => {}
        }
    }

    let mut end = last_valid.map_or(0, |i| i + 1);
    while !input.is_char_boundary(end) {
        end += 1;
    }
    let mut result = input[..end].to_owned();
    for state in stack.iter().rev() {
        match state {
            S::InsideString => result.push('"'),
            S::InsideObjectKey
            | S::InsideObjectAfterKey
            | S::InsideObjectAfterComma
            | S::InsideObjectStart
            | S::InsideObjectBeforeValue
            | S::InsideObjectAfterValue => result.push('}'),
            S::InsideArrayStart | S::InsideArrayAfterComma | S::InsideArrayAfterValue => {
                result.push(']')
            }
            S::InsideLiteral => {
                let partial = &input[literal_start.min(input.len())..];
                for word in ["true", "false", "null"] {
                    if let Some(rest) = word.strip_prefix(partial) {
                        result.push_str(rest);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    result
}
