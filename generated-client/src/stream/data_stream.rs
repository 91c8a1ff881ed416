//! AI SDK 4 data stream parts (`CODE:JSON` lines) read into [`AgentEvent`]s, refusing (as
//! [`AgentEvent::Unknown`]) what AI SDK 4's part parser refuses.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::event::AgentEvent;
use super::raw_json::RawJson;
use super::schema::{any_value, owned, parse_json, present};

/// An AI SDK 4 data stream object part, read in one pass; every field any part has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Part<'a> {
    #[serde(borrow)]
    message_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    args_text_delta: Option<Cow<'a, str>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<Cow<'a, str>>,
    #[serde(borrow)]
    signature: Option<Cow<'a, str>>,
    #[serde(borrow)]
    mime_type: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    args: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    is_continued: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    provider_metadata: Option<&'a RawValue>,
}

/// A v4 data item, possibly written as a `data-<name>` part.
#[derive(Deserialize)]
struct DataItem<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    data: Option<&'a RawValue>,
}

/// Reads one AI SDK 4 data stream part (`code`, its JSON) into `out`. `step_message_id` is the
/// last start-step's message id (`None` before the first): a start-step part also starts the
/// message when it is the first or brings a new id (AI SDK 4 keeps the last step's id). `Err` only for JSON
/// that does not parse; a part of another shape is [`AgentEvent::Unknown`].
pub(super) fn from_data_stream_part(
    code: u8,
    json: &[u8],
    raw_line: &[u8],
    step_message_id: &mut Option<Option<String>>,
    out: &mut impl Extend<AgentEvent>,
) -> Result<(), serde_json::Error> {
    let unknown = || AgentEvent::Unknown {
        raw: String::from_utf8_lossy(raw_line).into_owned(),
    };
    if code != b'f' && step_message_id.is_none() {
        // Parts before the first step belong to the message too (AI SDK 4 keeps them): the
        // message starts here, and the first step's `f` only gives its id.
        out.extend([AgentEvent::Start {
            message_id: None,
            metadata: None,
        }]);
        *step_message_id = Some(None);
    }
    match code {
        b'0' | b'g' | b'3' => {
            let Some(text) = parse_json::<Cow<'_, str>>(json).map(Some).or_else(shape)? else {
                out.extend([unknown()]);
                return Ok(());
            };
            let text = text.into_owned();
            out.extend([match code {
                b'0' => AgentEvent::TextDelta {
                    id: String::new(),
                    delta: text,
                    provider_metadata: None,
                },
                b'g' => AgentEvent::ReasoningDelta {
                    id: String::new(),
                    delta: text,
                    provider_metadata: None,
                },
                _ => AgentEvent::Error { error_text: text },
            }]);
        }
        b'2' | b'8' => {
            let Some(BoundedItems(items)) = parse_json::<BoundedItems<'_>>(json)
                .map(Some)
                .or_else(shape)?
            else {
                out.extend([unknown()]);
                return Ok(());
            };
            if code == b'8' {
                let annotations = items.into_iter().map(RawJson::from).collect();
                out.extend([AgentEvent::Annotations { annotations }]);
            } else {
                out.extend(items.into_iter().map(data_item));
            }
        }
        b'9' | b'a' | b'b' | b'c' | b'd' | b'e' | b'f' | b'h' | b'i' | b'j' | b'k' => {
            let Some(part) = parse_json::<Part<'_>>(json).map(Some).or_else(shape)? else {
                out.extend([unknown()]);
                return Ok(());
            };
            if code == b'f' {
                // AI SDK 4 refuses a start-step without a string message id.
                let Some(id) = owned(part.message_id.clone()) else {
                    out.extend([unknown()]);
                    return Ok(());
                };
                match step_message_id {
                    None => out.extend([AgentEvent::Start {
                        message_id: Some(id.clone()),
                        metadata: None,
                    }]),
                    Some(last) if last.as_deref() != Some(id.as_str()) => {
                        out.extend([AgentEvent::MessageId {
                            message_id: id.clone(),
                        }]);
                    }
                    Some(_) => {}
                }
                *step_message_id = Some(Some(id));
            }
            out.extend([typed_part(code, part).unwrap_or_else(unknown)]);
        }
        _ => out.extend([unknown()]),
    }
    Ok(())
}

/// The most items one `2:` or `8:` part may hold. Each item becomes an event of its own, about
/// 150 bytes for an item of 2 (`0,`): without a bound, one 16 MiB line of `[0,0,…]` would
/// queue gigabytes. A larger part is passed on whole as [`AgentEvent::Unknown`].
pub const MAX_PART_ITEMS: usize = 10_000;

/// The items of a `2:`/`8:` array, at most [`MAX_PART_ITEMS`], read one by one so that a
/// larger array is refused before it is collected.
struct BoundedItems<'a>(Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for BoundedItems<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> serde::de::Visitor<'de> for Items {
            type Value = BoundedItems<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "an array of at most {MAX_PART_ITEMS} items")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<&RawValue>()? {
                    if items.len() == MAX_PART_ITEMS {
                        return Err(serde::de::Error::invalid_length(items.len() + 1, &self));
                    }
                    items.push(item);
                }
                Ok(BoundedItems(items))
            }
        }
        deserializer.deserialize_seq(Items)
    }
}

/// JSON of the wrong shape (a number for text, a string for an object) is an unknown part, not
/// an error: `Ok(None)`.
fn shape<T>(error: serde_json::Error) -> Result<Option<T>, serde_json::Error> {
    if error.is_data() {
        Ok(None)
    } else {
        Err(error)
    }
}

/// The event of an object part, or `None` when AI SDK 4's parser refuses it (a required field
/// missing or of another type).
fn typed_part(code: u8, part: Part<'_>) -> Option<AgentEvent> {
    Some(match code {
        b'f' => AgentEvent::StartStep,
        b'e' => {
            part.finish_reason?;
            // Anything but `true` is not a continuation, as AI SDK 4 reads it.
            match part.is_continued.map(RawValue::get) {
                Some("true") => AgentEvent::ContinuedStep,
                _ => AgentEvent::FinishStep,
            }
        }
        b'd' => AgentEvent::Finish {
            finish_reason: Some(owned(part.finish_reason)?),
            metadata: None,
        },
        b'b' => AgentEvent::ToolInputStart {
            tool_call_id: owned(part.tool_call_id)?,
            tool_name: owned(part.tool_name)?,
            meta: None,
        },
        b'c' => AgentEvent::ToolInputDelta {
            tool_call_id: owned(part.tool_call_id)?,
            delta: owned(part.args_text_delta)?,
        },
        b'9' => {
            // `typeof args === "object"`: an object, an array or `null`.
            let args = part.args?;
            if !matches!(args.get().as_bytes().first(), Some(b'{' | b'[' | b'n')) {
                return None;
            }
            AgentEvent::ToolInputAvailable {
                tool_call_id: owned(part.tool_call_id)?,
                tool_name: owned(part.tool_name)?,
                input: Some(RawJson::from(args)),
                meta: None,
            }
        }
        b'a' => AgentEvent::ToolOutputAvailable {
            tool_call_id: owned(part.tool_call_id)?,
            output: Some(RawJson::from(part.result?)),
            preliminary: None,
            meta: None,
        },
        b'h' => AgentEvent::SourceUrl {
            source_id: owned(part.id)?,
            url: owned(part.url)?,
            title: owned(part.title),
            provider_metadata: any_value(part.provider_metadata),
        },
        b'i' => AgentEvent::RedactedReasoning {
            data: owned(part.data)?,
        },
        b'j' => AgentEvent::ReasoningSignature {
            signature: owned(part.signature)?,
        },
        b'k' => {
            let (data, media_type) = (owned(part.data)?, owned(part.mime_type)?);
            AgentEvent::File {
                url: format!("data:{media_type};base64,{data}"),
                media_type,
                provider_metadata: None,
            }
        }
        _ => return None,
    })
}

/// A v4 data item: a `data-<name>` part when it is written as one, else a part named `data`.
fn data_item(item: &RawValue) -> AgentEvent {
    if let Ok(DataItem {
        kind: Some(kind),
        id,
        data: Some(data),
    }) = serde_json::from_str::<DataItem<'_>>(item.get())
        && let Some(name) = kind.strip_prefix("data-")
    {
        return AgentEvent::Data {
            name: name.to_owned(),
            id: owned(id),
            data: Some(RawJson::from(data)),
            transient: None,
            extra: None,
        };
    }
    AgentEvent::Data {
        name: "data".to_owned(),
        id: None,
        data: Some(RawJson::from(item)),
        transient: None,
        extra: None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn every_data_stream_code_maps() {
        let part = |code: u8, value: Value, first: bool| {
            let mut out = Vec::new();
            let mut last = (!first).then(|| Some("m".to_owned()));
            from_data_stream_part(
                code,
                value.to_string().as_bytes(),
                b"raw",
                &mut last,
                &mut out,
            )
            .unwrap();
            out
        };
        assert_eq!(
            part(b'0', json!("hi"), false),
            [AgentEvent::TextDelta {
                id: String::new(),
                delta: "hi".into(),
                provider_metadata: None
            }]
        );
        assert_eq!(
            part(b'g', json!("hm"), false),
            [AgentEvent::ReasoningDelta {
                id: String::new(),
                delta: "hm".into(),
                provider_metadata: None
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
            ),
            [
                AgentEvent::Data {
                    name: "todos".into(),
                    id: Some("t".into()),
                    data: Some(json!([1]).into()),
                    transient: None,
                    extra: None
                },
                AgentEvent::Data {
                    name: "data".into(),
                    id: None,
                    data: Some(json!(5).into()),
                    transient: None,
                    extra: None
                },
            ]
        );
        assert_eq!(
            part(b'8', json!([{ "a": 1 }]), false),
            [AgentEvent::Annotations {
                annotations: vec![json!({ "a": 1 }).into()]
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
                tool_name: "t".into(),
                meta: None
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
                input: Some(json!({ "x": 1 }).into()),
                meta: None
            }]
        );
        assert_eq!(
            part(b'a', json!({ "toolCallId": "c", "result": 2 }), false),
            [AgentEvent::ToolOutputAvailable {
                tool_call_id: "c".into(),
                output: Some(json!(2).into()),
                preliminary: None,
                meta: None
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
                title: Some("X".into()),
                provider_metadata: None
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
                media_type: "image/png".into(),
                provider_metadata: None
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
        assert_eq!(
            part(b'b', json!({ "toolCallId": "c" }), false),
            [AgentEvent::Unknown { raw: "raw".into() }],
            "no tool name"
        );
        let mut out = Vec::new();
        assert!(
            from_data_stream_part(b'0', b"\"unterminated", b"raw", &mut None, &mut out).is_err()
        );
        assert_eq!(
            part(b'f', json!({ "messageId": "m2" }), false),
            [
                AgentEvent::MessageId {
                    message_id: "m2".into()
                },
                AgentEvent::StartStep
            ],
            "a step with a new message id"
        );
    }
}
