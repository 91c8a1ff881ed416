//! Writing run events as the frames of one protocol, the way the AI SDK writes them.

use axum::body::Bytes;
use serde::Serialize;
use serde_json::value::RawValue;

use super::event::{RunEvent, Usage};
use super::protocol::Protocol;

/// A field no spec lists, added to every object when the `ExtraFields` fault is on.
const EXTRA_FIELD: &str = r#""x_testkit_extra":{"note":"a field this client does not know"}"#;

/// A UI message stream chunk (AI SDK 5+), in the field order the SDK writes.
#[derive(Serialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
enum UiChunk<'a> {
    Start {
        message_id: &'a str,
    },
    StartStep,
    ReasoningStart {
        id: &'a str,
    },
    ReasoningDelta {
        id: &'a str,
        delta: &'a str,
    },
    ReasoningEnd {
        id: &'a str,
    },
    TextStart {
        id: &'a str,
    },
    TextDelta {
        id: &'a str,
        delta: &'a str,
    },
    TextEnd {
        id: &'a str,
    },
    ToolInputStart {
        tool_call_id: &'a str,
        tool_name: &'a str,
    },
    ToolInputDelta {
        tool_call_id: &'a str,
        input_text_delta: &'a str,
    },
    ToolInputAvailable {
        tool_call_id: &'a str,
        tool_name: &'a str,
        input: &'a RawValue,
    },
    ToolOutputAvailable {
        tool_call_id: &'a str,
        output: &'a RawValue,
    },
    Error {
        error_text: &'a str,
    },
    FinishStep,
    Finish {
        finish_reason: &'a str,
    },
}

/// A `data-<name>` chunk; its type is not a fixed name.
#[derive(Serialize)]
struct DataChunk<'a> {
    #[serde(rename = "type")]
    kind: String,
    id: &'a str,
    data: &'a RawValue,
}

/// Parts of the AI SDK 4 data stream that carry objects, in the SDK's field order.
#[derive(Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
enum DataStreamObject<'a> {
    StartStep {
        message_id: &'a str,
    },
    ToolCallStart {
        tool_call_id: &'a str,
        tool_name: &'a str,
    },
    ToolCallDelta {
        tool_call_id: &'a str,
        args_text_delta: &'a str,
    },
    ToolCall {
        tool_call_id: &'a str,
        tool_name: &'a str,
        args: &'a RawValue,
    },
    ToolResult {
        tool_call_id: &'a str,
        result: &'a RawValue,
    },
    FinishStep {
        finish_reason: &'a str,
        usage: Usage,
        is_continued: bool,
    },
    FinishMessage {
        finish_reason: &'a str,
        usage: Usage,
    },
}

/// Turns events into frames: one server-sent event, one data-stream line, or one text piece.
#[derive(Debug)]
pub struct Encoder {
    protocol: Protocol,
    extra_fields: bool,
    /// The data stream puts the message id on each step start.
    message_id: String,
}

impl Encoder {
    /// An encoder for `protocol`; with `extra_fields`, every object gets a field no spec lists.
    pub fn new(protocol: Protocol, extra_fields: bool) -> Self {
        Self {
            protocol,
            extra_fields,
            message_id: String::new(),
        }
    }

    /// The frames of one event, in order.
    pub fn encode(&mut self, event: &RunEvent) -> Vec<Bytes> {
        match self.protocol {
            Protocol::UiMessageStream => self.ui_frames(event),
            Protocol::DataStream => self.data_stream_frames(event),
            Protocol::Text => match event {
                RunEvent::Text { deltas, .. } => {
                    deltas.iter().map(|d| Bytes::from(d.clone())).collect()
                }
                _ => Vec::new(),
            },
        }
    }

    /// The frames of `events`, joined: a run's body without its closing frames.
    pub fn encode_all(&mut self, events: &[RunEvent]) -> Vec<u8> {
        let mut body = Vec::new();
        for frame in events.iter().flat_map(|event| self.encode(event)) {
            body.extend_from_slice(&frame);
        }
        body
    }

    /// A whole body: the frames of `events`, then the closing ones.
    pub fn body(mut self, events: &[RunEvent]) -> Vec<u8> {
        let mut body = self.encode_all(events);
        for frame in self.finish() {
            body.extend_from_slice(&frame);
        }
        body
    }

    /// The frames that close the stream.
    pub fn finish(&mut self) -> Vec<Bytes> {
        match self.protocol {
            Protocol::UiMessageStream => vec![Bytes::from_static(b"data: [DONE]\n\n")],
            Protocol::DataStream | Protocol::Text => Vec::new(),
        }
    }

    fn ui_frames(&mut self, event: &RunEvent) -> Vec<Bytes> {
        let chunks: Vec<String> = match event {
            RunEvent::Start { message_id } => vec![self.json(&UiChunk::Start { message_id })],
            RunEvent::StepStart => vec![self.json(&UiChunk::StartStep)],
            RunEvent::Reasoning { id, deltas } => self.bracketed(
                UiChunk::ReasoningStart { id },
                deltas
                    .iter()
                    .map(|delta| UiChunk::ReasoningDelta { id, delta }),
                UiChunk::ReasoningEnd { id },
            ),
            RunEvent::Text { id, deltas } => self.bracketed(
                UiChunk::TextStart { id },
                deltas.iter().map(|delta| UiChunk::TextDelta { id, delta }),
                UiChunk::TextEnd { id },
            ),
            RunEvent::Data { name, id, data } => {
                vec![self.json(&DataChunk {
                    kind: format!("data-{name}"),
                    id,
                    data,
                })]
            }
            RunEvent::ToolCall {
                tool_call_id,
                tool_name,
                input_deltas,
                input,
                output,
            } => {
                let mut chunks = vec![self.json(&UiChunk::ToolInputStart {
                    tool_call_id,
                    tool_name,
                })];
                for input_text_delta in input_deltas {
                    chunks.push(self.json(&UiChunk::ToolInputDelta {
                        tool_call_id,
                        input_text_delta,
                    }));
                }
                chunks.push(self.json(&UiChunk::ToolInputAvailable {
                    tool_call_id,
                    tool_name,
                    input,
                }));
                chunks.push(self.json(&UiChunk::ToolOutputAvailable {
                    tool_call_id,
                    output,
                }));
                chunks
            }
            RunEvent::Error { message } => vec![self.json(&UiChunk::Error {
                error_text: message,
            })],
            RunEvent::StepFinish { .. } => vec![self.json(&UiChunk::FinishStep)],
            RunEvent::Finish { finish_reason, .. } => {
                vec![self.json(&UiChunk::Finish { finish_reason })]
            }
        };
        chunks
            .into_iter()
            .map(|json| Bytes::from(format!("data: {json}\n\n")))
            .collect()
    }

    fn bracketed<'a>(
        &self,
        start: UiChunk<'a>,
        middle: impl Iterator<Item = UiChunk<'a>>,
        end: UiChunk<'a>,
    ) -> Vec<String> {
        let mut chunks = vec![self.json(&start)];
        chunks.extend(middle.map(|chunk| self.json(&chunk)));
        chunks.push(self.json(&end));
        chunks
    }

    fn data_stream_frames(&mut self, event: &RunEvent) -> Vec<Bytes> {
        let parts: Vec<(char, String)> = match event {
            RunEvent::Start { message_id } => {
                self.message_id.clone_from(message_id);
                Vec::new()
            }
            RunEvent::StepStart => {
                vec![(
                    'f',
                    self.json(&DataStreamObject::StartStep {
                        message_id: &self.message_id,
                    }),
                )]
            }
            RunEvent::Reasoning { deltas, .. } => {
                deltas.iter().map(|d| ('g', self.json(d))).collect()
            }
            RunEvent::Text { deltas, .. } => deltas.iter().map(|d| ('0', self.json(d))).collect(),
            RunEvent::Data { name, id, data } => {
                let item = self.json(&DataChunk {
                    kind: format!("data-{name}"),
                    id,
                    data,
                });
                vec![('2', format!("[{item}]"))]
            }
            RunEvent::ToolCall {
                tool_call_id,
                tool_name,
                input_deltas,
                input,
                output,
            } => {
                let mut parts = vec![(
                    'b',
                    self.json(&DataStreamObject::ToolCallStart {
                        tool_call_id,
                        tool_name,
                    }),
                )];
                for args_text_delta in input_deltas {
                    parts.push((
                        'c',
                        self.json(&DataStreamObject::ToolCallDelta {
                            tool_call_id,
                            args_text_delta,
                        }),
                    ));
                }
                parts.push((
                    '9',
                    self.json(&DataStreamObject::ToolCall {
                        tool_call_id,
                        tool_name,
                        args: input,
                    }),
                ));
                parts.push((
                    'a',
                    self.json(&DataStreamObject::ToolResult {
                        tool_call_id,
                        result: output,
                    }),
                ));
                parts
            }
            RunEvent::Error { message } => vec![('3', self.json(message))],
            RunEvent::StepFinish {
                finish_reason,
                usage,
            } => vec![(
                'e',
                self.json(&DataStreamObject::FinishStep {
                    finish_reason,
                    usage: *usage,
                    is_continued: false,
                }),
            )],
            RunEvent::Finish {
                finish_reason,
                usage,
            } => {
                vec![(
                    'd',
                    self.json(&DataStreamObject::FinishMessage {
                        finish_reason,
                        usage: *usage,
                    }),
                )]
            }
        };
        parts
            .into_iter()
            .map(|(code, json)| Bytes::from(format!("{code}:{json}\n")))
            .collect()
    }

    /// Compact JSON of `value`; an object gets the extra field when asked for.
    fn json(&self, value: &impl Serialize) -> String {
        // Serializing these plain structs and strings cannot fail.
        let mut json = serde_json::to_string(value).unwrap_or_default();
        if self.extra_fields && json.ends_with('}') {
            json.pop();
            if !json.ends_with('{') {
                json.push(',');
            }
            json.push_str(EXTRA_FIELD);
            json.push('}');
        }
        json
    }
}
