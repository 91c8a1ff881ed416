//! The message a run's events build, the way the AI SDK's `readUIMessageStream` builds it.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

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

/// One tool call of a run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    /// The call's id.
    pub tool_call_id: String,
    /// The tool (e.g. `read_file`, `edit_file`).
    pub tool_name: String,
    /// Where it is.
    pub state: ToolState,
    /// The input's JSON text as it streamed.
    pub raw_input: String,
    /// The input, once complete (or once the streamed text parses).
    pub input: Option<Value>,
    /// The output.
    pub output: Option<Value>,
    /// Why it failed.
    pub error_text: Option<String>,
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
    },
    /// The model's reasoning.
    Reasoning {
        /// The part's id.
        id: String,
        /// The text.
        text: String,
        /// Whether it is complete.
        state: PartState,
        /// Its signature (v4 `j`; the last one, when several came).
        signature: Option<String>,
        /// Redacted reasoning, opaque (v4 `i`), in order.
        redacted: Vec<String>,
    },
    /// A tool call.
    Tool(ToolCall),
    /// A custom data part (`data-<name>`); a later one with the same id replaced it.
    Data {
        /// The name after `data-`.
        name: String,
        /// The id.
        id: Option<String>,
        /// The data.
        data: Value,
    },
    /// A source by URL.
    SourceUrl {
        /// Its id.
        source_id: String,
        /// Where it is.
        url: String,
        /// Its title.
        title: Option<String>,
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
    },
    /// A provider-specific part.
    Custom {
        /// What it is.
        kind: String,
    },
    /// A file the model produced while reasoning.
    ReasoningFile {
        /// Its media type.
        media_type: String,
        /// Where it is.
        url: String,
    },
    /// A file.
    File {
        /// Its media type.
        media_type: String,
        /// Where it is.
        url: String,
    },
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
            Part::Tool(call) => Some(call),
            _ => None,
        })
    }

    /// The agent's todo list, from its latest `data-todos` part.
    pub fn todos(&self) -> Option<Vec<crate::v1::types::Todo>> {
        self.parts.iter().rev().find_map(|part| match part {
            Part::Data { name, data, .. } if name == "todos" => {
                serde_json::from_value(data.clone()).ok()
            }
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
                if message_id.is_some() {
                    self.message_id.clone_from(message_id);
                }
                self.merge_metadata(metadata.as_ref().map(RawJson::to_value));
            }
            AgentEvent::StartStep => {
                // The data stream has no part ends: a new step closes its open parts.
                self.close_unnamed();
                self.parts.push(Part::StepStart);
            }
            AgentEvent::FinishStep => self.close_unnamed(),
            AgentEvent::ResetStep => {
                // As the AI SDK: the parts since the step's start go, and no part stays open.
                let step = self
                    .parts
                    .iter()
                    .rposition(|p| matches!(p, Part::StepStart))
                    .map_or(0, |i| i + 1);
                self.parts.truncate(step);
                self.open_text.clear();
                self.open_reasoning.clear();
            }
            AgentEvent::Custom { kind } => self.parts.push(Part::Custom { kind: kind.clone() }),
            AgentEvent::ReasoningFile { url, media_type } => {
                self.parts.push(Part::ReasoningFile {
                    media_type: media_type.clone(),
                    url: url.clone(),
                });
            }
            AgentEvent::TextStart { id } => self.open(id, false),
            AgentEvent::TextDelta { id, delta } => self.append(id, delta, false),
            AgentEvent::TextEnd { id } => self.close(id, false),
            AgentEvent::ReasoningStart { id } => self.open(id, true),
            AgentEvent::ReasoningDelta { id, delta } => self.append(id, delta, true),
            AgentEvent::ReasoningEnd { id } => self.close(id, true),
            AgentEvent::RedactedReasoning { data } => {
                // As AI SDK 4: on the open reasoning part, or a new one.
                let index = match self.open_reasoning.get("") {
                    Some(index) => *index,
                    None => {
                        self.open("", true);
                        self.parts.len() - 1
                    }
                };
                if let Some(Part::Reasoning { redacted, .. }) = self.parts.get_mut(index) {
                    redacted.push(data.clone());
                }
            }
            AgentEvent::ReasoningSignature { signature } => {
                if let Some(index) = self.open_reasoning.get("")
                    && let Some(Part::Reasoning {
                        signature: slot, ..
                    }) = self.parts.get_mut(*index)
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
            } => {
                if let Some(call) = self.tool(tool_call_id, tool_name) {
                    call.state = ToolState::InputStreaming;
                }
            }
            AgentEvent::ToolInputDelta {
                tool_call_id,
                delta,
            } => {
                if let Some(call) = self.find_tool(tool_call_id) {
                    call.raw_input.push_str(delta);
                    call.input = serde_json::from_str(&call.raw_input).ok();
                }
            }
            AgentEvent::ToolInputAvailable {
                tool_call_id,
                tool_name,
                input,
            } => {
                if let Some(call) = self.tool(tool_call_id, tool_name) {
                    call.state = ToolState::InputAvailable;
                    call.input = Some(input.to_value());
                }
            }
            AgentEvent::ToolInputError {
                tool_call_id,
                tool_name,
                input,
                error_text,
            } => {
                if let Some(call) = self.tool(tool_call_id, tool_name) {
                    call.state = ToolState::OutputError;
                    call.input = Some(input.to_value());
                    call.error_text = Some(error_text.clone());
                }
            }
            AgentEvent::ToolOutputAvailable {
                tool_call_id,
                output,
                ..
            } => {
                if let Some(call) = self.find_tool(tool_call_id) {
                    call.state = ToolState::OutputAvailable;
                    call.output = Some(output.to_value());
                }
            }
            AgentEvent::ToolOutputError {
                tool_call_id,
                error_text,
            } => {
                if let Some(call) = self.find_tool(tool_call_id) {
                    call.state = ToolState::OutputError;
                    call.error_text = Some(error_text.clone());
                }
            }
            AgentEvent::ToolApprovalRequest { tool_call_id, .. } => {
                if let Some(call) = self.find_tool(tool_call_id) {
                    call.state = ToolState::ApprovalRequested;
                }
            }
            AgentEvent::ToolApprovalResponse { .. } => {
                if let Some(call) = self
                    .tool_calls_mut()
                    .rev()
                    .find(|c| c.state == ToolState::ApprovalRequested)
                {
                    call.state = ToolState::ApprovalResponded;
                }
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                if let Some(call) = self.find_tool(tool_call_id) {
                    call.state = ToolState::OutputDenied;
                }
            }
            AgentEvent::SourceUrl {
                source_id,
                url,
                title,
            } => self.parts.push(Part::SourceUrl {
                source_id: source_id.clone(),
                url: url.clone(),
                title: title.clone(),
            }),
            AgentEvent::SourceDocument {
                source_id,
                media_type,
                title,
                filename,
            } => {
                self.parts.push(Part::SourceDocument {
                    source_id: source_id.clone(),
                    media_type: media_type.clone(),
                    title: title.clone(),
                    filename: filename.clone(),
                });
            }
            AgentEvent::File { url, media_type } => {
                self.parts.push(Part::File {
                    media_type: media_type.clone(),
                    url: url.clone(),
                });
            }
            AgentEvent::Data {
                transient: true, ..
            } => {}
            AgentEvent::Data { name, id, data, .. } => {
                let existing = id.as_ref().and_then(|id| {
                    self.parts.iter_mut().find_map(|part| match part {
                        Part::Data {
                            name: n,
                            id: Some(i),
                            data,
                        } if n == name && i == id => Some(data),
                        _ => None,
                    })
                });
                match existing {
                    Some(slot) => *slot = data.to_value(),
                    None => self.parts.push(Part::Data {
                        name: name.clone(),
                        id: id.clone(),
                        data: data.to_value(),
                    }),
                }
            }
            AgentEvent::MessageMetadata { metadata } => {
                self.merge_metadata(Some(metadata.to_value()))
            }
            AgentEvent::Error { error_text } => self.errors.push(error_text.clone()),
            AgentEvent::Abort { reason } => self.aborted = Some(reason.clone()),
            AgentEvent::Finish {
                finish_reason,
                metadata,
            } => {
                if finish_reason.is_some() {
                    self.finish_reason.clone_from(finish_reason);
                }
                self.merge_metadata(metadata.as_ref().map(RawJson::to_value));
                self.close_unnamed();
            }
            AgentEvent::Unknown { raw } => self.unknown.push(raw.clone()),
        }
    }

    fn open(&mut self, id: &str, reasoning: bool) {
        let part = if reasoning {
            Part::Reasoning {
                id: id.to_owned(),
                text: String::new(),
                state: PartState::Streaming,
                signature: None,
                redacted: Vec::new(),
            }
        } else {
            Part::Text {
                text: String::new(),
                state: PartState::Streaming,
            }
        };
        self.parts.push(part);
        let index = self.parts.len() - 1;
        let open = if reasoning {
            &mut self.open_reasoning
        } else {
            &mut self.open_text
        };
        open.insert(id.to_owned(), index);
    }

    /// Appends to the open part `id`; a delta without a start (the data stream) opens one.
    fn append(&mut self, id: &str, delta: &str, reasoning: bool) {
        let open = if reasoning {
            &self.open_reasoning
        } else {
            &self.open_text
        };
        let index = match open.get(id) {
            Some(index) => *index,
            None => {
                self.open(id, reasoning);
                self.parts.len() - 1
            }
        };
        if let Some(Part::Text { text, .. } | Part::Reasoning { text, .. }) =
            self.parts.get_mut(index)
        {
            text.push_str(delta);
        }
    }

    fn close(&mut self, id: &str, reasoning: bool) {
        let open = if reasoning {
            &mut self.open_reasoning
        } else {
            &mut self.open_text
        };
        if let Some(index) = open.remove(id)
            && let Some(Part::Text { state, .. } | Part::Reasoning { state, .. }) =
                self.parts.get_mut(index)
        {
            *state = PartState::Done;
        }
    }

    /// Closes the parts the data stream opened (they have no id).
    fn close_unnamed(&mut self) {
        self.close("", false);
        self.close("", true);
    }

    fn tool_calls_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut ToolCall> {
        self.parts.iter_mut().filter_map(|part| match part {
            Part::Tool(call) => Some(call),
            _ => None,
        })
    }

    fn find_tool(&mut self, tool_call_id: &str) -> Option<&mut ToolCall> {
        self.tool_calls_mut()
            .find(|c| c.tool_call_id == tool_call_id)
    }

    /// The call `tool_call_id`, created if new.
    fn tool(&mut self, tool_call_id: &str, tool_name: &str) -> Option<&mut ToolCall> {
        let position = self
            .parts
            .iter()
            .position(|p| matches!(p, Part::Tool(call) if call.tool_call_id == tool_call_id));
        let index = position.unwrap_or_else(|| {
            self.parts.push(Part::Tool(ToolCall {
                tool_call_id: tool_call_id.to_owned(),
                tool_name: tool_name.to_owned(),
                state: ToolState::InputStreaming,
                raw_input: String::new(),
                input: None,
                output: None,
                error_text: None,
            }));
            self.parts.len() - 1
        });
        match self.parts.get_mut(index) {
            Some(Part::Tool(call)) => {
                call.tool_name = tool_name.to_owned();
                Some(call)
            }
            _ => None,
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
    /// comparing with what the SDK builds from the same bytes.
    pub fn to_ui_message(&self) -> Value {
        let parts: Vec<Value> = self.parts.iter().map(part_json).collect();
        let mut message = json!({ "id": self.message_id.clone().unwrap_or_default(), "role": "assistant", "parts": parts });
        if let Some(metadata) = &self.metadata {
            message["metadata"] = metadata.clone();
        }
        message
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

fn part_json(part: &Part) -> Value {
    match part {
        Part::StepStart => json!({ "type": "step-start" }),
        Part::Text { text, state: s } => {
            json!({ "type": "text", "text": text, "state": state(*s) })
        }
        Part::Reasoning {
            id, text, state: s, ..
        } => {
            json!({ "type": "reasoning", "id": id, "text": text, "state": state(*s) })
        }
        Part::Tool(call) => {
            let mut object = Map::new();
            object.insert("type".into(), json!(format!("tool-{}", call.tool_name)));
            object.insert("toolCallId".into(), json!(call.tool_call_id));
            object.insert("state".into(), json!(call.state.as_str()));
            for (key, value) in [("input", &call.input), ("output", &call.output)] {
                if let Some(value) = value {
                    object.insert(key.into(), value.clone());
                }
            }
            if let Some(error) = &call.error_text {
                object.insert("errorText".into(), json!(error));
            }
            Value::Object(object)
        }
        Part::Data { name, id, data } => {
            let mut value = json!({ "type": format!("data-{name}"), "data": data });
            if let Some(id) = id {
                value["id"] = json!(id);
            }
            value
        }
        Part::SourceUrl {
            source_id,
            url,
            title,
        } => {
            let mut value = json!({ "type": "source-url", "sourceId": source_id, "url": url });
            if let Some(title) = title {
                value["title"] = json!(title);
            }
            value
        }
        Part::SourceDocument {
            source_id,
            media_type,
            title,
            filename,
        } => {
            let mut value = json!({ "type": "source-document", "sourceId": source_id, "mediaType": media_type, "title": title });
            if let Some(filename) = filename {
                value["filename"] = json!(filename);
            }
            value
        }
        Part::File { media_type, url } => {
            json!({ "type": "file", "mediaType": media_type, "url": url })
        }
        Part::Custom { kind } => json!({ "type": "custom", "kind": kind }),
        Part::ReasoningFile { media_type, url } => {
            json!({ "type": "reasoning-file", "mediaType": media_type, "url": url })
        }
    }
}
