//! What a v1 run streams, typed: one enum for the AI SDK UI message stream (5+) and the older
//! data stream (4.x), whose parts map onto the same events where they mean the same thing.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// One event of an agent run.
///
/// Chunk types this client does not know, and known types without their required fields, come
/// through as [`AgentEvent::Unknown`] with the raw JSON: they never end the stream.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AgentEvent {
    /// The assistant message begins (`start`; v4: the first `f` part).
    Start {
        /// The message's id.
        message_id: Option<String>,
        /// Message metadata sent with it.
        metadata: Option<Value>,
    },
    /// A step (one model call) begins (`start-step`; v4 `f`).
    StartStep,
    /// A step ends (`finish-step`; v4 `e`).
    FinishStep,
    /// A text part begins.
    TextStart {
        /// The part's id.
        id: String,
    },
    /// More text for the user (`text-delta`; v4 `0`, whose id is empty).
    TextDelta {
        /// The part's id.
        id: String,
        /// The text.
        delta: String,
    },
    /// A text part ends.
    TextEnd {
        /// The part's id.
        id: String,
    },
    /// A reasoning part begins.
    ReasoningStart {
        /// The part's id.
        id: String,
    },
    /// More of the model's reasoning (`reasoning-delta`; v4 `g`, whose id is empty).
    ReasoningDelta {
        /// The part's id.
        id: String,
        /// The text.
        delta: String,
    },
    /// A reasoning part ends.
    ReasoningEnd {
        /// The part's id.
        id: String,
    },
    /// Redacted reasoning (v4 `i`).
    RedactedReasoning {
        /// The opaque data.
        data: String,
    },
    /// A reasoning signature (v4 `j`).
    ReasoningSignature {
        /// The signature.
        signature: String,
    },
    /// A tool call begins; its input streams next (`tool-input-start`; v4 `b`).
    ToolInputStart {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
    },
    /// A piece of the tool input's JSON text (`tool-input-delta`; v4 `c`).
    ToolInputDelta {
        /// The call's id.
        tool_call_id: String,
        /// The piece.
        delta: String,
    },
    /// The whole tool input (`tool-input-available`; v4 `9`).
    ToolInputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// The input.
        input: Value,
    },
    /// The tool input could not be used.
    ToolInputError {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// The input as given.
        input: Value,
        /// Why.
        error_text: String,
    },
    /// The tool's output (`tool-output-available`; v4 `a`).
    ToolOutputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The output.
        output: Value,
        /// Whether more output will follow for this call.
        preliminary: bool,
    },
    /// The tool failed.
    ToolOutputError {
        /// The call's id.
        tool_call_id: String,
        /// Why.
        error_text: String,
    },
    /// The tool call waits for approval.
    ToolApprovalRequest {
        /// The approval's id.
        approval_id: String,
        /// The call's id.
        tool_call_id: String,
    },
    /// The tool call was approved or not.
    ToolApprovalResponse {
        /// The approval's id.
        approval_id: String,
        /// Whether it was approved.
        approved: bool,
        /// Why, when given.
        reason: Option<String>,
    },
    /// The tool call was denied, so it has no output.
    ToolOutputDenied {
        /// The call's id.
        tool_call_id: String,
    },
    /// A source the agent used, by URL (`source-url`; v4 `h`).
    SourceUrl {
        /// The source's id.
        source_id: String,
        /// Where it is.
        url: String,
        /// Its title.
        title: Option<String>,
    },
    /// A source document.
    SourceDocument {
        /// The source's id.
        source_id: String,
        /// Its media type.
        media_type: String,
        /// Its title.
        title: String,
        /// Its file name.
        filename: Option<String>,
    },
    /// A file (`file`; v4 `k` as a `data:` URL).
    File {
        /// Where it is (possibly a `data:` URL).
        url: String,
        /// Its media type.
        media_type: String,
    },
    /// A custom data part, `data-<name>` (v4 `2`). Mintlify's agent sends its todos this way.
    Data {
        /// The name after `data-`.
        name: String,
        /// The part's id; a later part with the same id replaces it.
        id: Option<String>,
        /// The data.
        data: Value,
        /// Whether it is only for now (not kept in the message).
        transient: bool,
    },
    /// Message metadata (`message-metadata`; v4 `8` annotations).
    MessageMetadata {
        /// The metadata.
        metadata: Value,
    },
    /// The run reported an error (`error`; v4 `3`).
    Error {
        /// The message.
        error_text: String,
    },
    /// The run was aborted.
    Abort {
        /// Why, when given.
        reason: Option<String>,
    },
    /// The message ends (`finish`; v4 `d`).
    Finish {
        /// `stop`, `tool-calls`, `error`, …
        finish_reason: Option<String>,
        /// Message metadata sent with it.
        metadata: Option<Value>,
    },
    /// A chunk this client does not know, as received.
    Unknown {
        /// The chunk's JSON text (UI message stream) or the whole line (data stream).
        raw: String,
    },
}

/// A UI message stream chunk, read in one pass; every field any chunk type has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    delta: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    input_text_delta: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error_text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    approval_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    media_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    filename: Option<Cow<'a, str>>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    output: Option<&'a RawValue>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    message_metadata: Option<&'a RawValue>,
    transient: Option<bool>,
    preliminary: Option<bool>,
    approved: Option<bool>,
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

/// A JSON value out of its raw text; `null` when absent.
fn value(raw: Option<&RawValue>) -> Value {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or(Value::Null)
}

/// Reads one UI message stream chunk. `Err` only for JSON that does not parse.
pub(crate) fn from_ui_chunk(json: &str) -> Result<AgentEvent, serde_json::Error> {
    let chunk: Chunk<'_> = match serde_json::from_str(json) {
        Ok(chunk) => chunk,
        // Valid JSON of another shape (no `type`, not an object) is an unknown chunk.
        Err(error) if error.is_data() => {
            return Ok(AgentEvent::Unknown {
                raw: json.to_owned(),
            });
        }
        Err(error) => return Err(error),
    };
    Ok(typed(chunk).unwrap_or_else(|| AgentEvent::Unknown {
        raw: json.to_owned(),
    }))
}

/// The event of a chunk, or `None` when its type is unknown or a required field is missing.
fn typed(chunk: Chunk<'_>) -> Option<AgentEvent> {
    let id = || owned(chunk.id.clone());
    let call = || owned(chunk.tool_call_id.clone());
    Some(match chunk.kind.as_ref() {
        "start" => AgentEvent::Start {
            message_id: owned(chunk.message_id),
            metadata: chunk.message_metadata.map(|m| value(Some(m))),
        },
        "start-step" => AgentEvent::StartStep,
        "finish-step" => AgentEvent::FinishStep,
        "text-start" => AgentEvent::TextStart { id: id()? },
        "text-delta" => AgentEvent::TextDelta {
            id: id()?,
            delta: owned(chunk.delta)?,
        },
        "text-end" => AgentEvent::TextEnd { id: id()? },
        "reasoning-start" => AgentEvent::ReasoningStart { id: id()? },
        "reasoning-delta" => AgentEvent::ReasoningDelta {
            id: id()?,
            delta: owned(chunk.delta)?,
        },
        "reasoning-end" => AgentEvent::ReasoningEnd { id: id()? },
        "tool-input-start" => AgentEvent::ToolInputStart {
            tool_call_id: call()?,
            tool_name: owned(chunk.tool_name)?,
        },
        "tool-input-delta" => AgentEvent::ToolInputDelta {
            tool_call_id: call()?,
            delta: owned(chunk.input_text_delta)?,
        },
        "tool-input-available" => AgentEvent::ToolInputAvailable {
            tool_call_id: call()?,
            tool_name: owned(chunk.tool_name)?,
            input: value(chunk.input),
        },
        "tool-input-error" => AgentEvent::ToolInputError {
            tool_call_id: call()?,
            tool_name: owned(chunk.tool_name)?,
            input: value(chunk.input),
            error_text: owned(chunk.error_text)?,
        },
        "tool-output-available" => AgentEvent::ToolOutputAvailable {
            tool_call_id: call()?,
            output: value(chunk.output),
            preliminary: chunk.preliminary.unwrap_or(false),
        },
        "tool-output-error" => AgentEvent::ToolOutputError {
            tool_call_id: call()?,
            error_text: owned(chunk.error_text)?,
        },
        "tool-approval-request" => AgentEvent::ToolApprovalRequest {
            approval_id: owned(chunk.approval_id)?,
            tool_call_id: call()?,
        },
        "tool-approval-response" => AgentEvent::ToolApprovalResponse {
            approval_id: owned(chunk.approval_id)?,
            approved: chunk.approved?,
            reason: owned(chunk.reason),
        },
        "tool-output-denied" => AgentEvent::ToolOutputDenied {
            tool_call_id: call()?,
        },
        "source-url" => AgentEvent::SourceUrl {
            source_id: owned(chunk.source_id)?,
            url: owned(chunk.url)?,
            title: owned(chunk.title),
        },
        "source-document" => AgentEvent::SourceDocument {
            source_id: owned(chunk.source_id)?,
            media_type: owned(chunk.media_type)?,
            title: owned(chunk.title)?,
            filename: owned(chunk.filename),
        },
        "file" => AgentEvent::File {
            url: owned(chunk.url)?,
            media_type: owned(chunk.media_type)?,
        },
        "message-metadata" => AgentEvent::MessageMetadata {
            metadata: value(chunk.message_metadata),
        },
        "error" => AgentEvent::Error {
            error_text: owned(chunk.error_text)?,
        },
        "abort" => AgentEvent::Abort {
            reason: owned(chunk.reason),
        },
        "finish" => AgentEvent::Finish {
            finish_reason: owned(chunk.finish_reason),
            metadata: chunk.message_metadata.map(|m| value(Some(m))),
        },
        data if data.starts_with("data-") => AgentEvent::Data {
            name: data["data-".len()..].to_owned(),
            id: owned(chunk.id),
            data: value(chunk.data),
            transient: chunk.transient.unwrap_or(false),
        },
        _ => return None,
    })
}

/// The events of one AI SDK 4 data stream part (`code`, JSON value). `first_step` tells
/// whether a start-step part is the message's first, which also starts the message.
pub(crate) fn from_data_stream_part(
    code: u8,
    value: Value,
    raw_line: &str,
    first_step: bool,
) -> Vec<AgentEvent> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let unknown = || {
        vec![AgentEvent::Unknown {
            raw: raw_line.to_owned(),
        }]
    };
    match (code, value) {
        (b'0', Value::String(delta)) => vec![AgentEvent::TextDelta {
            id: String::new(),
            delta,
        }],
        (b'g', Value::String(delta)) => vec![AgentEvent::ReasoningDelta {
            id: String::new(),
            delta,
        }],
        (b'3', Value::String(error_text)) => vec![AgentEvent::Error { error_text }],
        (b'2', Value::Array(items)) => items.into_iter().map(data_item).collect(),
        (b'8', Value::Array(items)) => items
            .into_iter()
            .map(|metadata| AgentEvent::MessageMetadata { metadata })
            .collect(),
        (b'f', v) => {
            let mut events = Vec::new();
            if first_step {
                events.push(AgentEvent::Start {
                    message_id: text(&v, "messageId"),
                    metadata: None,
                });
            }
            events.push(AgentEvent::StartStep);
            events
        }
        (b'e', _) => vec![AgentEvent::FinishStep],
        (b'd', v) => vec![AgentEvent::Finish {
            finish_reason: text(&v, "finishReason"),
            metadata: None,
        }],
        (b'b', v) => match (text(&v, "toolCallId"), text(&v, "toolName")) {
            (Some(tool_call_id), Some(tool_name)) => vec![AgentEvent::ToolInputStart {
                tool_call_id,
                tool_name,
            }],
            _ => unknown(),
        },
        (b'c', v) => match (text(&v, "toolCallId"), text(&v, "argsTextDelta")) {
            (Some(tool_call_id), Some(delta)) => vec![AgentEvent::ToolInputDelta {
                tool_call_id,
                delta,
            }],
            _ => unknown(),
        },
        (b'9', mut v) => match (text(&v, "toolCallId"), text(&v, "toolName")) {
            (Some(tool_call_id), Some(tool_name)) => {
                let input = v.get_mut("args").map(Value::take).unwrap_or(Value::Null);
                vec![AgentEvent::ToolInputAvailable {
                    tool_call_id,
                    tool_name,
                    input,
                }]
            }
            _ => unknown(),
        },
        (b'a', mut v) => match text(&v, "toolCallId") {
            Some(tool_call_id) => {
                let output = v.get_mut("result").map(Value::take).unwrap_or(Value::Null);
                vec![AgentEvent::ToolOutputAvailable {
                    tool_call_id,
                    output,
                    preliminary: false,
                }]
            }
            None => unknown(),
        },
        (b'h', v) => match (text(&v, "id"), text(&v, "url")) {
            (Some(source_id), Some(url)) => vec![AgentEvent::SourceUrl {
                source_id,
                url,
                title: text(&v, "title"),
            }],
            _ => unknown(),
        },
        (b'i', v) => match text(&v, "data") {
            Some(data) => vec![AgentEvent::RedactedReasoning { data }],
            None => unknown(),
        },
        (b'j', v) => match text(&v, "signature") {
            Some(signature) => vec![AgentEvent::ReasoningSignature { signature }],
            None => unknown(),
        },
        (b'k', v) => match (text(&v, "data"), text(&v, "mimeType")) {
            (Some(data), Some(media_type)) => {
                vec![AgentEvent::File {
                    url: format!("data:{media_type};base64,{data}"),
                    media_type,
                }]
            }
            _ => unknown(),
        },
        _ => unknown(),
    }
}

/// A v4 data item: a `data-<name>` part when it is written as one, else a part named `data`.
fn data_item(item: Value) -> AgentEvent {
    if let Value::Object(mut object) = item {
        let name = object
            .get("type")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix("data-"))
            .map(str::to_owned);
        if let (Some(name), Some(data)) = (name, object.remove("data")) {
            let id = object.get("id").and_then(Value::as_str).map(str::to_owned);
            return AgentEvent::Data {
                name,
                id,
                data,
                transient: false,
            };
        }
        return AgentEvent::Data {
            name: "data".to_owned(),
            id: None,
            data: Value::Object(object),
            transient: false,
        };
    }
    AgentEvent::Data {
        name: "data".to_owned(),
        id: None,
        data: item,
        transient: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_chunks_unknown_chunks_and_extra_fields() {
        assert_eq!(
            from_ui_chunk(r#"{"type":"text-delta","id":"t","delta":"Hi \"you\"","extra":{"a":1}}"#)
                .unwrap(),
            AgentEvent::TextDelta {
                id: "t".into(),
                delta: "Hi \"you\"".into()
            }
        );
        for raw in [
            r#"{"type":"brand-new","x":1}"#,
            r#"{"type":"text-delta","id":"t"}"#,
            "[1,2]",
            r#"{"no":"type"}"#,
        ] {
            assert_eq!(
                from_ui_chunk(raw).unwrap(),
                AgentEvent::Unknown {
                    raw: raw.to_owned()
                },
                "{raw}"
            );
        }
        assert!(from_ui_chunk(r#"{"type":"text-delta","#).is_err());
        assert_eq!(
            from_ui_chunk(
                r#"{"type":"data-todos","id":"todos","data":[{"id":"1"}],"transient":true}"#
            )
            .unwrap(),
            AgentEvent::Data {
                name: "todos".into(),
                id: Some("todos".into()),
                data: json!([{ "id": "1" }]),
                transient: true
            }
        );
    }

    #[test]
    fn every_data_stream_code_maps() {
        let part =
            |code: u8, value: Value, first: bool| from_data_stream_part(code, value, "raw", first);
        assert_eq!(
            part(b'0', json!("hi"), false),
            [AgentEvent::TextDelta {
                id: String::new(),
                delta: "hi".into()
            }]
        );
        assert_eq!(
            part(b'g', json!("hm"), false),
            [AgentEvent::ReasoningDelta {
                id: String::new(),
                delta: "hm".into()
            }]
        );
        assert_eq!(
            part(b'3', json!("bad"), false),
            [AgentEvent::Error {
                error_text: "bad".into()
            }]
        );
        assert_eq!(
            part(
                b'2',
                json!([{ "type": "data-todos", "id": "t", "data": [1] }, 5]),
                false
            )
            .len(),
            2
        );
        assert_eq!(
            part(b'8', json!([{ "a": 1 }]), false),
            [AgentEvent::MessageMetadata {
                metadata: json!({ "a": 1 })
            }]
        );
        assert_eq!(
            part(b'f', json!({ "messageId": "m" }), true),
            [
                AgentEvent::Start {
                    message_id: Some("m".into()),
                    metadata: None
                },
                AgentEvent::StartStep
            ]
        );
        assert_eq!(
            part(b'f', json!({ "messageId": "m" }), false),
            [AgentEvent::StartStep]
        );
        assert_eq!(
            part(b'e', json!({ "finishReason": "stop" }), false),
            [AgentEvent::FinishStep]
        );
        assert_eq!(
            part(b'd', json!({ "finishReason": "stop" }), false),
            [AgentEvent::Finish {
                finish_reason: Some("stop".into()),
                metadata: None
            }]
        );
        assert_eq!(
            part(b'b', json!({ "toolCallId": "c", "toolName": "t" }), false),
            [AgentEvent::ToolInputStart {
                tool_call_id: "c".into(),
                tool_name: "t".into()
            }]
        );
        assert_eq!(
            part(
                b'c',
                json!({ "toolCallId": "c", "argsTextDelta": "{" }),
                false
            ),
            [AgentEvent::ToolInputDelta {
                tool_call_id: "c".into(),
                delta: "{".into()
            }]
        );
        assert_eq!(
            part(
                b'9',
                json!({ "toolCallId": "c", "toolName": "t", "args": { "x": 1 } }),
                false
            ),
            [AgentEvent::ToolInputAvailable {
                tool_call_id: "c".into(),
                tool_name: "t".into(),
                input: json!({ "x": 1 })
            }]
        );
        assert_eq!(
            part(b'a', json!({ "toolCallId": "c", "result": 2 }), false),
            [AgentEvent::ToolOutputAvailable {
                tool_call_id: "c".into(),
                output: json!(2),
                preliminary: false
            }]
        );
        assert_eq!(
            part(
                b'h',
                json!({ "id": "s", "url": "https://x", "title": "X" }),
                false
            ),
            [AgentEvent::SourceUrl {
                source_id: "s".into(),
                url: "https://x".into(),
                title: Some("X".into())
            }]
        );
        assert_eq!(
            part(b'i', json!({ "data": "zz" }), false),
            [AgentEvent::RedactedReasoning { data: "zz".into() }]
        );
        assert_eq!(
            part(b'j', json!({ "signature": "sig" }), false),
            [AgentEvent::ReasoningSignature {
                signature: "sig".into()
            }]
        );
        assert_eq!(
            part(
                b'k',
                json!({ "data": "AAA=", "mimeType": "image/png" }),
                false
            ),
            [AgentEvent::File {
                url: "data:image/png;base64,AAA=".into(),
                media_type: "image/png".into()
            }]
        );
        assert_eq!(
            part(b'z', json!(1), false),
            [AgentEvent::Unknown { raw: "raw".into() }]
        );
        assert_eq!(
            part(b'0', json!(1), false),
            [AgentEvent::Unknown { raw: "raw".into() }],
            "text must be a string"
        );
    }
}
