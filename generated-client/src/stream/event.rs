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
        metadata: Option<RawJson>,
    },
    /// A step (one model call) begins (`start-step`; v4 `f`).
    StartStep,
    /// A step ends (`finish-step`; v4 `e`).
    FinishStep,
    /// The current step is discarded: the parts since its start go (`reset-step`, AI SDK 7).
    ResetStep,
    /// A provider-specific part (`custom`, AI SDK 7).
    Custom {
        /// What it is, e.g. `openai.compaction`.
        kind: String,
    },
    /// A file the model produced while reasoning (`reasoning-file`, AI SDK 7).
    ReasoningFile {
        /// Where it is (possibly a `data:` URL).
        url: String,
        /// Its media type.
        media_type: String,
    },
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
        input: RawJson,
    },
    /// The tool input could not be used.
    ToolInputError {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// The input as given.
        input: RawJson,
        /// Why.
        error_text: String,
    },
    /// The tool's output (`tool-output-available`; v4 `a`).
    ToolOutputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The output.
        output: RawJson,
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
        data: RawJson,
        /// Whether it is only for now (not kept in the message).
        transient: bool,
    },
    /// Message annotations (v4 `8`): AI SDK 4 appends them to the message's list.
    Annotations {
        /// The annotations of one part, in order.
        annotations: Vec<RawJson>,
    },
    /// Message metadata (`message-metadata`).
    MessageMetadata {
        /// The metadata.
        metadata: RawJson,
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
        metadata: Option<RawJson>,
    },
    /// A chunk this client does not know, as received.
    Unknown {
        /// The chunk's JSON text (UI message stream) or the whole line (data stream).
        raw: String,
    },
}

impl AgentEvent {
    /// The event as an AI SDK UI message stream chunk (`{"type": "text-delta", …}`), as a
    /// [`Value`]: the same JSON as its [`serde::Serialize`] form, fields that are `None` left
    /// out as the AI SDK leaves them out. Data stream parts without a UI chunk (redacted
    /// reasoning, signatures, annotations) and unknown events keep their own shape
    /// (`{"type": "unknown", "raw": …}`).
    ///
    /// JSON values are parsed with serde_json's limit of 128 levels of nesting: a value nested
    /// deeper becomes `null` here (the event keeps its text, [`RawJson::get`]); serializing the
    /// event instead (`serde_json::to_string(&event)`) writes it whole, never parsing it.
    pub fn to_ui_chunk(&self) -> Value {
        serde_json::to_value(UiChunk {
            event: self,
            parse: true,
        })
        .unwrap_or(Value::Null)
    }
}

/// Written as the AI SDK UI message stream chunk it stands for; see [`AgentEvent::to_ui_chunk`].
///
/// ```
/// use mintlify_agent::stream::AgentEvent;
/// let event = AgentEvent::TextDelta { id: "t".into(), delta: "Hi".into() };
/// assert_eq!(
///     serde_json::to_string(&event).unwrap(),
///     r#"{"type":"text-delta","id":"t","delta":"Hi"}"#
/// );
/// ```
impl serde::Serialize for AgentEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        UiChunk {
            event: self,
            parse: false,
        }
        .serialize(serializer)
    }
}

/// An event as its UI chunk; `parse`: JSON values as parsed [`Value`]s (for `to_value`, which
/// cannot take a value nested deeper than serde_json's limit), else as their text.
struct UiChunk<'a> {
    event: &'a AgentEvent,
    parse: bool,
}

/// A JSON value as [`UiChunk`] writes it.
enum Json<'a> {
    Raw(&'a RawValue),
    Parsed(Value),
}

/// `raw` as [`UiChunk`] writes it.
fn to_json(parse: bool, raw: &RawJson) -> Json<'_> {
    if parse {
        Json::Parsed(raw.to_value())
    } else {
        Json::Raw(&raw.0)
    }
}

impl serde::Serialize for Json<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Raw(raw) => raw.serialize(serializer),
            Json::Parsed(value) => value.serialize(serializer),
        }
    }
}

impl serde::Serialize for UiChunk<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let parse = self.parse;
        let mut map = serializer.serialize_map(None)?;
        macro_rules! entries {
            ($type:expr $(, $key:literal => $value:expr)* $(,)?) => {{
                map.serialize_entry("type", $type)?;
                $(map.serialize_entry($key, $value)?;)*
            }};
        }
        // `None` fields are left out, as JSON.stringify leaves out `undefined`.
        macro_rules! optional {
            ($key:literal => $value:expr) => {
                if let Some(value) = $value {
                    map.serialize_entry($key, &value)?;
                }
            };
        }
        match self.event {
            AgentEvent::Start {
                message_id,
                metadata,
            } => {
                entries!("start");
                optional!("messageId" => message_id);
                optional!("messageMetadata" => &metadata.as_ref().map(|raw| to_json(parse, raw)));
            }
            AgentEvent::StartStep => entries!("start-step"),
            AgentEvent::FinishStep => entries!("finish-step"),
            AgentEvent::ResetStep => entries!("reset-step"),
            AgentEvent::Custom { kind } => entries!("custom", "kind" => kind),
            AgentEvent::ReasoningFile { url, media_type } => {
                entries!("reasoning-file", "url" => url, "mediaType" => media_type)
            }
            AgentEvent::TextStart { id } => entries!("text-start", "id" => id),
            AgentEvent::TextDelta { id, delta } => {
                entries!("text-delta", "id" => id, "delta" => delta)
            }
            AgentEvent::TextEnd { id } => entries!("text-end", "id" => id),
            AgentEvent::ReasoningStart { id } => entries!("reasoning-start", "id" => id),
            AgentEvent::ReasoningDelta { id, delta } => {
                entries!("reasoning-delta", "id" => id, "delta" => delta)
            }
            AgentEvent::ReasoningEnd { id } => entries!("reasoning-end", "id" => id),
            AgentEvent::RedactedReasoning { data } => {
                entries!("redacted-reasoning", "data" => data)
            }
            AgentEvent::ReasoningSignature { signature } => {
                entries!("reasoning-signature", "signature" => signature)
            }
            AgentEvent::ToolInputStart {
                tool_call_id,
                tool_name,
            } => {
                entries!("tool-input-start", "toolCallId" => tool_call_id, "toolName" => tool_name)
            }
            AgentEvent::ToolInputDelta {
                tool_call_id,
                delta,
            } => entries!(
                "tool-input-delta", "toolCallId" => tool_call_id, "inputTextDelta" => delta
            ),
            AgentEvent::ToolInputAvailable {
                tool_call_id,
                tool_name,
                input,
            } => entries!(
                "tool-input-available", "toolCallId" => tool_call_id, "toolName" => tool_name,
                "input" => &to_json(parse, input)
            ),
            AgentEvent::ToolInputError {
                tool_call_id,
                tool_name,
                input,
                error_text,
            } => entries!(
                "tool-input-error", "toolCallId" => tool_call_id, "toolName" => tool_name,
                "input" => &to_json(parse, input), "errorText" => error_text
            ),
            AgentEvent::ToolOutputAvailable {
                tool_call_id,
                output,
                preliminary,
            } => {
                entries!(
                    "tool-output-available", "toolCallId" => tool_call_id, "output" => &to_json(parse, output)
                );
                optional!("preliminary" => preliminary.then_some(true));
            }
            AgentEvent::ToolOutputError {
                tool_call_id,
                error_text,
            } => entries!(
                "tool-output-error", "toolCallId" => tool_call_id, "errorText" => error_text
            ),
            AgentEvent::ToolApprovalRequest {
                approval_id,
                tool_call_id,
            } => entries!(
                "tool-approval-request", "approvalId" => approval_id, "toolCallId" => tool_call_id
            ),
            AgentEvent::ToolApprovalResponse {
                approval_id,
                approved,
                reason,
            } => {
                entries!(
                    "tool-approval-response", "approvalId" => approval_id, "approved" => approved
                );
                optional!("reason" => reason);
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                entries!("tool-output-denied", "toolCallId" => tool_call_id)
            }
            AgentEvent::SourceUrl {
                source_id,
                url,
                title,
            } => {
                entries!("source-url", "sourceId" => source_id, "url" => url);
                optional!("title" => title);
            }
            AgentEvent::SourceDocument {
                source_id,
                media_type,
                title,
                filename,
            } => {
                entries!(
                    "source-document", "sourceId" => source_id, "mediaType" => media_type,
                    "title" => title
                );
                optional!("filename" => filename);
            }
            AgentEvent::File { url, media_type } => {
                entries!("file", "url" => url, "mediaType" => media_type)
            }
            AgentEvent::Data {
                name,
                id,
                data,
                transient,
            } => {
                entries!(&format!("data-{name}"));
                optional!("id" => id);
                map.serialize_entry("data", &to_json(parse, data))?;
                optional!("transient" => transient.then_some(true));
            }
            AgentEvent::Annotations { annotations } => {
                let annotations: Vec<Json<'_>> =
                    annotations.iter().map(|raw| to_json(parse, raw)).collect();
                entries!("message-annotations", "annotations" => &annotations)
            }
            AgentEvent::MessageMetadata { metadata } => {
                entries!("message-metadata", "messageMetadata" => &to_json(parse, metadata))
            }
            AgentEvent::Error { error_text } => entries!("error", "errorText" => error_text),
            AgentEvent::Abort { reason } => {
                entries!("abort");
                optional!("reason" => reason);
            }
            AgentEvent::Finish {
                finish_reason,
                metadata,
            } => {
                entries!("finish");
                optional!("finishReason" => finish_reason);
                optional!("messageMetadata" => &metadata.as_ref().map(|raw| to_json(parse, raw)));
            }
            AgentEvent::Unknown { raw } => {
                entries!("unknown");
                // The chunk's JSON as it came when it is JSON (a data stream line is not).
                match serde_json::from_str::<&RawValue>(raw) {
                    Ok(value) if !self.parse => map.serialize_entry("raw", value)?,
                    Ok(_) => map.serialize_entry(
                        "raw",
                        &serde_json::from_str::<Value>(raw).unwrap_or(Value::Null),
                    )?,
                    Err(_) => map.serialize_entry("raw", raw)?,
                }
            }
        }
        map.end()
    }
}

/// A JSON value of an event (tool input and output, data, metadata), kept as the text that
/// arrived and parsed only when asked: reading a stream does not pay for values nobody looks at.
///
/// Equality compares the text.
///
/// ```
/// use mintlify_agent::stream::RawJson;
/// let input = RawJson::from(serde_json::json!({ "path": "docs/quickstart.mdx" }));
/// assert_eq!(input.get(), r#"{"path":"docs/quickstart.mdx"}"#);
/// assert_eq!(input.to_value()["path"], "docs/quickstart.mdx");
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The value, parsed; `null` when it does not parse, which only happens when it is nested
    /// deeper than serde_json's limit of 128 levels (use [`RawJson::parse`] to see the error).
    /// Parsing never overflows the stack, however deep the text.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// The value, parsed into `T`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    fn null() -> Self {
        Self(RawValue::NULL.to_owned())
    }
}

impl From<&RawValue> for RawJson {
    fn from(raw: &RawValue) -> Self {
        Self(raw.to_owned())
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        serde_json::value::to_raw_value(&value).map_or_else(|_| Self::null(), Self)
    }
}

impl serde::Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
}

impl std::fmt::Display for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
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
    /// AI SDK 6's name for a `tool-input-error`'s input.
    #[serde(borrow)]
    raw_input: Option<&'a RawValue>,
    /// A `custom` chunk's kind.
    #[serde(rename = "kind", borrow)]
    custom_kind: Option<Cow<'a, str>>,
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

/// A JSON value as it arrived; `null` when absent.
fn value(raw: Option<&RawValue>) -> RawJson {
    raw.map_or_else(RawJson::null, RawJson::from)
}

/// Parses JSON text with one UTF-8 check for the whole of it: read from a `str`, serde_json does
/// not check each string again (checking them one by one was a tenth of the decoder's time).
/// Invalid UTF-8 goes the slow way, for serde_json's positioned error.
fn parse_json<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(json) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(json),
    }
}

/// Reads one UI message stream chunk. `Err` only for JSON that does not parse.
pub(crate) fn from_ui_chunk(json: &[u8]) -> Result<AgentEvent, serde_json::Error> {
    let unknown = || AgentEvent::Unknown {
        raw: String::from_utf8_lossy(json).into_owned(),
    };
    let chunk: Chunk<'_> = match parse_json(json) {
        Ok(chunk) => chunk,
        // Valid JSON of another shape (no `type`, not an object) is an unknown chunk.
        Err(error) if error.is_data() => return Ok(unknown()),
        Err(error) => return Err(error),
    };
    Ok(typed(chunk).unwrap_or_else(unknown))
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
        "reset-step" => AgentEvent::ResetStep,
        "custom" => AgentEvent::Custom {
            kind: owned(chunk.custom_kind)?,
        },
        "reasoning-file" => AgentEvent::ReasoningFile {
            url: owned(chunk.url)?,
            media_type: owned(chunk.media_type)?,
        },
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
            input: value(chunk.input.or(chunk.raw_input)),
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
    #[serde(borrow)]
    args: Option<&'a RawValue>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
}

/// A v4 data item, possibly written as a `data-<name>` part.
#[derive(Deserialize)]
struct DataItem<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

/// Reads one AI SDK 4 data stream part (`code`, its JSON) into `out`. `step_message_id` is the
/// last start-step's message id (`None` before the first): a start-step part also starts the
/// message when it is the first or brings a new id (AI SDK 4 keeps the last step's id). `Err` only for JSON
/// that does not parse; a part of another shape is [`AgentEvent::Unknown`].
pub(crate) fn from_data_stream_part(
    code: u8,
    json: &[u8],
    raw_line: &[u8],
    step_message_id: &mut Option<Option<String>>,
    out: &mut impl Extend<AgentEvent>,
) -> Result<(), serde_json::Error> {
    let unknown = || AgentEvent::Unknown {
        raw: String::from_utf8_lossy(raw_line).into_owned(),
    };
    match code {
        b'0' | b'g' | b'3' => {
            let Some(text) = parse_json::<Cow<'_, str>>(json)
                .map(Some)
                .or_else(shape)?
            else {
                out.extend([unknown()]);
                return Ok(());
            };
            let text = text.into_owned();
            out.extend([match code {
                b'0' => AgentEvent::TextDelta {
                    id: String::new(),
                    delta: text,
                },
                b'g' => AgentEvent::ReasoningDelta {
                    id: String::new(),
                    delta: text,
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
            let Some(part) = parse_json::<Part<'_>>(json)
                .map(Some)
                .or_else(shape)?
            else {
                out.extend([unknown()]);
                return Ok(());
            };
            if code == b'f' {
                let id = owned(part.message_id.clone());
                let new = match step_message_id {
                    None => true,
                    Some(last) => id.is_some() && *last != id,
                };
                if new {
                    out.extend([AgentEvent::Start {
                        message_id: id.clone(),
                        metadata: None,
                    }]);
                    *step_message_id = Some(id);
                }
            }
            out.extend([typed_part(code, part).unwrap_or_else(unknown)]);
        }
        _ => out.extend([unknown()]),
    }
    Ok(())
}

/// JSON of the wrong shape (a number for text, a string for an object) is an unknown part, not
/// an error: `Ok(None)`.
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

fn shape<T>(error: serde_json::Error) -> Result<Option<T>, serde_json::Error> {
    if error.is_data() {
        Ok(None)
    } else {
        Err(error)
    }
}

/// The event of an object part, or `None` when a required field is missing.
fn typed_part(code: u8, part: Part<'_>) -> Option<AgentEvent> {
    Some(match code {
        b'f' => AgentEvent::StartStep,
        b'e' => AgentEvent::FinishStep,
        b'd' => AgentEvent::Finish {
            finish_reason: owned(part.finish_reason),
            metadata: None,
        },
        b'b' => AgentEvent::ToolInputStart {
            tool_call_id: owned(part.tool_call_id)?,
            tool_name: owned(part.tool_name)?,
        },
        b'c' => AgentEvent::ToolInputDelta {
            tool_call_id: owned(part.tool_call_id)?,
            delta: owned(part.args_text_delta)?,
        },
        b'9' => AgentEvent::ToolInputAvailable {
            tool_call_id: owned(part.tool_call_id)?,
            tool_name: owned(part.tool_name)?,
            input: value(part.args),
        },
        b'a' => AgentEvent::ToolOutputAvailable {
            tool_call_id: owned(part.tool_call_id)?,
            output: value(part.result),
            preliminary: false,
        },
        b'h' => AgentEvent::SourceUrl {
            source_id: owned(part.id)?,
            url: owned(part.url)?,
            title: owned(part.title),
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
            data: value(Some(data)),
            transient: false,
        };
    }
    AgentEvent::Data {
        name: "data".to_owned(),
        id: None,
        data: value(Some(item)),
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
            from_ui_chunk(
                br#"{"type":"text-delta","id":"t","delta":"Hi \"you\"","extra":{"a":1}}"#
            )
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
                from_ui_chunk(raw.as_bytes()).unwrap(),
                AgentEvent::Unknown {
                    raw: raw.to_owned()
                },
                "{raw}"
            );
        }
        assert!(from_ui_chunk(br#"{"type":"text-delta","#).is_err());
        assert_eq!(
            from_ui_chunk(
                br#"{"type":"data-todos","id":"todos","data":[{"id":"1"}],"transient":true}"#
            )
            .unwrap(),
            AgentEvent::Data {
                name: "todos".into(),
                id: Some("todos".into()),
                data: json!([{ "id": "1" }]).into(),
                transient: true
            }
        );
    }

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
            ),
            [
                AgentEvent::Data {
                    name: "todos".into(),
                    id: Some("t".into()),
                    data: json!([1]).into(),
                    transient: false
                },
                AgentEvent::Data {
                    name: "data".into(),
                    id: None,
                    data: json!(5).into(),
                    transient: false
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
                input: json!({ "x": 1 }).into()
            }]
        );
        assert_eq!(
            part(b'a', json!({ "toolCallId": "c", "result": 2 }), false),
            [AgentEvent::ToolOutputAvailable {
                tool_call_id: "c".into(),
                output: json!(2).into(),
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
                AgentEvent::Start {
                    message_id: Some("m2".into()),
                    metadata: None
                },
                AgentEvent::StartStep
            ],
            "a step with a new message id"
        );
    }

    #[test]
    fn deep_values_never_panic_nor_overflow() {
        for depth in [127, 128, 200, 100_000] {
            let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            let chunks = [
                format!(
                    r#"{{"type":"tool-input-available","toolCallId":"c","toolName":"t","input":{deep}}}"#
                ),
                format!(r#"{{"type":"tool-output-available","toolCallId":"c","output":{deep}}}"#),
                format!(r#"{{"type":"data-x","data":{deep}}}"#),
                format!(r#"{{"type":"finish","messageMetadata":{deep}}}"#),
                format!(r#"{{"type":"brand-new","x":{deep}}}"#),
            ];
            for chunk in &chunks {
                let event = from_ui_chunk(chunk.as_bytes()).unwrap();
                let value = event.to_ui_chunk();
                assert!(value.is_object(), "{depth}");
                let text = serde_json::to_string(&event).unwrap();
                assert!(text.contains(&deep), "serialized whole: {depth}");
                let mut transcript = crate::stream::Transcript::new();
                transcript.apply(&event);
                let _ = transcript.to_ui_message();
            }
            let mut out = Vec::new();
            from_data_stream_part(
                b'9',
                format!(r#"{{"toolCallId":"c","toolName":"t","args":{deep}}}"#).as_bytes(),
                b"raw",
                &mut None,
                &mut out,
            )
            .unwrap();
            from_data_stream_part(
                b'2',
                format!("[{deep}]").as_bytes(),
                b"raw",
                &mut None,
                &mut out,
            )
            .unwrap();
            let raw = RawJson::from(&*RawValue::from_string(deep.clone()).unwrap());
            assert_eq!(raw.to_value().is_null(), depth >= 128, "{depth}");
            assert_eq!(raw.parse::<Value>().is_err(), depth >= 128, "{depth}");
            // A delta-streamed input of the same depth.
            let mut transcript = crate::stream::Transcript::new();
            transcript.apply(&AgentEvent::ToolInputStart {
                tool_call_id: "c".into(),
                tool_name: "t".into(),
            });
            transcript.apply(&AgentEvent::ToolInputDelta {
                tool_call_id: "c".into(),
                delta: deep.clone(),
            });
            let _ = transcript.to_ui_message();
        }
    }

    #[test]
    fn ai_sdk_7_chunks_and_the_ai_sdk_6_spelling() {
        assert_eq!(
            from_ui_chunk(br#"{"type":"reset-step"}"#).unwrap(),
            AgentEvent::ResetStep
        );
        assert_eq!(
            from_ui_chunk(br#"{"type":"custom","kind":"openai.compaction"}"#).unwrap(),
            AgentEvent::Custom {
                kind: "openai.compaction".into()
            }
        );
        assert_eq!(
            from_ui_chunk(br#"{"type":"reasoning-file","url":"data:image/png;base64,AA==","mediaType":"image/png"}"#).unwrap(),
            AgentEvent::ReasoningFile {
                url: "data:image/png;base64,AA==".into(),
                media_type: "image/png".into()
            }
        );
        for field in ["input", "rawInput"] {
            let chunk = format!(
                r#"{{"type":"tool-input-error","toolCallId":"c","toolName":"t","{field}":"{{bad","errorText":"no"}}"#
            );
            assert_eq!(
                from_ui_chunk(chunk.as_bytes()).unwrap(),
                AgentEvent::ToolInputError {
                    tool_call_id: "c".into(),
                    tool_name: "t".into(),
                    input: json!("{bad").into(),
                    error_text: "no".into()
                },
                "{field}"
            );
        }
    }
}
