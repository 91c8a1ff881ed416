//! What a v1 run streams, typed: one enum for the AI SDK UI message stream (5+) and the older
//! data stream (4.x), whose parts map onto the same events where they mean the same thing.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// One event of an agent run.
///
/// Chunk types this client does not know, and chunks the AI SDK's `uiMessageChunkSchema` (or AI
/// SDK 4's part parser) rejects (a required field missing, a field of the wrong type, an
/// optional field sent as `null`, a `finish` with a reason outside its list), come through as
/// [`AgentEvent::Unknown`] with the raw JSON: they never end a lenient stream.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AgentEvent {
    /// The assistant message begins (`start`; v4: the first `f` part). A `start` with another
    /// message id than the one so far starts the message over, as `readUIMessageStream` does.
    Start {
        /// The message's id.
        message_id: Option<String>,
        /// Message metadata sent with it.
        metadata: Option<RawJson>,
    },
    /// The message's id changes and its parts stay (v4: a later step's `f` part with another
    /// `messageId`; AI SDK 4's chat client ends with the last step's id).
    MessageId {
        /// The new id.
        message_id: String,
    },
    /// A step (one model call) begins (`start-step`; v4 `f`).
    StartStep,
    /// A step ends (`finish-step`; v4 `e`).
    FinishStep,
    /// A step ends and the next one continues its text (v4 `e` with `isContinued: true`): AI
    /// SDK 4 appends the next step's text to the same text part.
    ContinuedStep,
    /// The current step is discarded: the parts since its start go (`reset-step`, AI SDK 7).
    ResetStep,
    /// A provider-specific part (`custom`, AI SDK 7).
    Custom {
        /// What it is, e.g. `openai.compaction`.
        kind: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A file the model produced while reasoning (`reasoning-file`, AI SDK 7).
    ReasoningFile {
        /// Where it is (possibly a `data:` URL).
        url: String,
        /// Its media type.
        media_type: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A message the user sent while the run was going (`steering-message`, AI SDK 7).
    SteeringMessage {
        /// The message's id.
        id: String,
        /// Its parts (`text` and `file` objects), as sent.
        parts: RawJson,
    },
    /// A text part begins.
    TextStart {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// More text for the user (`text-delta`; v4 `0`, whose id is empty).
    TextDelta {
        /// The part's id.
        id: String,
        /// The text.
        delta: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
    },
    /// A text part ends.
    TextEnd {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
        /// The sources the text cites (`citations`, AI SDK 7), as the AI SDK's schema keeps
        /// them (fields it does not know are dropped).
        citations: Option<RawJson>,
    },
    /// A reasoning part begins.
    ReasoningStart {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// More of the model's reasoning (`reasoning-delta`; v4 `g`, whose id is empty).
    ReasoningDelta {
        /// The part's id.
        id: String,
        /// The text.
        delta: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
    },
    /// A reasoning part ends.
    ReasoningEnd {
        /// The part's id.
        id: String,
        /// Provider metadata (`providerMetadata`): replaces the part's when given.
        provider_metadata: Option<RawJson>,
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
        /// What else the chunk said (title, provider metadata…); `None` when nothing.
        meta: Option<Box<ToolMeta>>,
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
        /// The input; `None` when the chunk has none.
        input: Option<RawJson>,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool input could not be used.
    ToolInputError {
        /// The call's id.
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// The input as given (`input`, or AI SDK 6's `rawInput`); `None` when the chunk has
        /// none.
        input: Option<RawJson>,
        /// Why.
        error_text: String,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool's output (`tool-output-available`; v4 `a`).
    ToolOutputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The output; `None` when the chunk has none.
        output: Option<RawJson>,
        /// Whether more output will follow for this call (`preliminary`), when said.
        preliminary: Option<bool>,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool failed.
    ToolOutputError {
        /// The call's id.
        tool_call_id: String,
        /// Why.
        error_text: String,
        /// What else the chunk said; `None` when nothing.
        meta: Option<Box<ToolMeta>>,
    },
    /// The tool call waits for approval.
    ToolApprovalRequest {
        /// The approval's id.
        approval_id: String,
        /// The call's id.
        tool_call_id: String,
        /// What else the chunk said (reason, descriptor…); `None` when nothing.
        request: Option<Box<ApprovalRequest>>,
    },
    /// The tool call was approved or not.
    ToolApprovalResponse {
        /// The approval's id.
        approval_id: String,
        /// Whether it was approved.
        approved: bool,
        /// Why, when given.
        reason: Option<String>,
        /// Whether the provider ran the tool (`providerExecuted`), when said.
        provider_executed: Option<bool>,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
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
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
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
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A file (`file`; v4 `k` as a `data:` URL).
    File {
        /// Where it is (possibly a `data:` URL).
        url: String,
        /// Its media type.
        media_type: String,
        /// Provider metadata (`providerMetadata`).
        provider_metadata: Option<RawJson>,
    },
    /// A custom data part, `data-<name>` (v4 `2`). Mintlify's agent sends its todos this way.
    Data {
        /// The name after `data-`.
        name: String,
        /// The part's id; a later part with the same id replaces its data.
        id: Option<String>,
        /// The data; `None` when the chunk has none (the AI SDK's schema allows that).
        data: Option<RawJson>,
        /// Whether it is only for now (not kept in the message), when said.
        transient: Option<bool>,
        /// The chunk's other fields, as a JSON object (the AI SDK keeps them on the part);
        /// `None` when there are none.
        extra: Option<RawJson>,
    },
    /// Message annotations (v4 `8`): AI SDK 4 appends them to the message's list.
    Annotations {
        /// The annotations of one part, in order.
        annotations: Vec<RawJson>,
    },
    /// Message metadata (`message-metadata`).
    MessageMetadata {
        /// The metadata; `None` when the chunk has none.
        metadata: Option<RawJson>,
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
        /// `stop`, `length`, `content-filter`, `tool-calls`, `error`, `interrupted` or `other`
        /// (v4: any string).
        finish_reason: Option<String>,
        /// Message metadata sent with it.
        metadata: Option<RawJson>,
    },
    /// A chunk this client does not know, or one the AI SDK's schema rejects, as received.
    Unknown {
        /// The chunk's JSON text (UI message stream) or the whole line (data stream).
        raw: String,
    },
}

/// What a tool chunk may say besides its call, each field `None` when not sent. Which fields a
/// chunk type can carry is the AI SDK's `uiMessageChunkSchema`: `input_encoding` only on
/// `tool-input-start`, `title` on the `tool-input-*` chunks.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ToolMeta {
    /// Whether the provider runs the tool (`providerExecuted`).
    pub provider_executed: Option<bool>,
    /// Provider metadata (`providerMetadata`): the call's on input chunks, the result's on
    /// output chunks.
    pub provider_metadata: Option<RawJson>,
    /// The tool's own metadata (`toolMetadata`), a JSON object.
    pub tool_metadata: Option<RawJson>,
    /// Whether the tool is dynamic (`dynamic`): its part is a `dynamic-tool` part.
    pub dynamic: Option<bool>,
    /// The tool's title for people (`title`).
    pub title: Option<String>,
    /// How the input streams (`inputEncoding`).
    pub input_encoding: Option<InputEncoding>,
}

/// How a tool's input streams (`inputEncoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputEncoding {
    /// JSON text: the partial input is its partial parse.
    Json,
    /// Plain text: the partial input is the text itself.
    Text,
}

/// What a `tool-approval-request` may say besides its ids, each field `None` when not sent.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ApprovalRequest {
    /// Why approval is asked (`reason`).
    pub reason: Option<String>,
    /// What is to be approved (`approvalDescriptor`).
    pub descriptor: Option<RawJson>,
    /// The input as the tool's input schema sees it (`inputSchemaInput`).
    pub input_schema_input: Option<RawJson>,
    /// Whether the approval is automatic (`isAutomatic`).
    pub is_automatic: Option<bool>,
    /// A signature over the request (`signature`).
    pub signature: Option<String>,
}

impl AgentEvent {
    /// The event as an AI SDK UI message stream chunk (`{"type": "text-delta", …}`), as a
    /// [`Value`]: the same JSON as its [`serde::Serialize`] form, fields that are `None` left
    /// out as the AI SDK leaves them out. Data stream parts without a UI chunk (redacted
    /// reasoning, signatures, annotations, a later step's message id) and unknown events keep
    /// their own shape (`{"type": "unknown", "raw": …}`); a continued v4 step is a
    /// `finish-step` with `isContinued: true`.
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
/// let event = AgentEvent::TextDelta {
///     id: "t".into(),
///     delta: "Hi".into(),
///     provider_metadata: None,
/// };
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
fn to_json(parse: bool, raw: &RawValue) -> Json<'_> {
    if parse {
        Json::Parsed(serde_json::from_str(raw.get()).unwrap_or(Value::Null))
    } else {
        Json::Raw(raw)
    }
}

fn opt_json(parse: bool, raw: &Option<RawJson>) -> Option<Json<'_>> {
    raw.as_ref().map(|raw| to_json(parse, &raw.0))
}

/// The fields of a tool chunk's [`ToolMeta`], written into its map.
fn tool_meta<M: serde::ser::SerializeMap>(
    map: &mut M,
    meta: Option<&ToolMeta>,
    parse: bool,
) -> Result<(), M::Error> {
    let Some(meta) = meta else { return Ok(()) };
    if let Some(encoding) = &meta.input_encoding {
        map.serialize_entry("inputEncoding", encoding)?;
    }
    if let Some(value) = &meta.provider_executed {
        map.serialize_entry("providerExecuted", value)?;
    }
    if let Some(value) = opt_json(parse, &meta.provider_metadata) {
        map.serialize_entry("providerMetadata", &value)?;
    }
    if let Some(value) = opt_json(parse, &meta.tool_metadata) {
        map.serialize_entry("toolMetadata", &value)?;
    }
    if let Some(value) = &meta.dynamic {
        map.serialize_entry("dynamic", value)?;
    }
    if let Some(value) = &meta.title {
        map.serialize_entry("title", value)?;
    }
    Ok(())
}

/// A JSON object's fields in order, values as their text.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    fields.push((key.0, map.next_value::<&RawValue>()?));
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A string borrowed from the input where it has no escapes.
#[derive(Deserialize, PartialEq, Eq, Hash)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

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
                optional!("messageMetadata" => &opt_json(parse, metadata));
            }
            AgentEvent::MessageId { message_id } => {
                entries!("message-id", "messageId" => message_id)
            }
            AgentEvent::StartStep => entries!("start-step"),
            AgentEvent::FinishStep => entries!("finish-step"),
            AgentEvent::ContinuedStep => entries!("finish-step", "isContinued" => &true),
            AgentEvent::ResetStep => entries!("reset-step"),
            AgentEvent::Custom {
                kind,
                provider_metadata,
            } => {
                entries!("custom", "kind" => kind);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::ReasoningFile {
                url,
                media_type,
                provider_metadata,
            } => {
                entries!("reasoning-file", "url" => url, "mediaType" => media_type);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::SteeringMessage { id, parts } => {
                entries!("steering-message", "id" => id, "parts" => &to_json(parse, &parts.0))
            }
            AgentEvent::TextStart {
                id,
                provider_metadata,
            } => {
                entries!("text-start", "id" => id);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::TextDelta {
                id,
                delta,
                provider_metadata,
            } => {
                entries!("text-delta", "id" => id, "delta" => delta);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::TextEnd {
                id,
                provider_metadata,
                citations,
            } => {
                entries!("text-end", "id" => id);
                optional!("citations" => &opt_json(parse, citations));
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::ReasoningStart {
                id,
                provider_metadata,
            } => {
                entries!("reasoning-start", "id" => id);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::ReasoningDelta {
                id,
                delta,
                provider_metadata,
            } => {
                entries!("reasoning-delta", "id" => id, "delta" => delta);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::ReasoningEnd {
                id,
                provider_metadata,
            } => {
                entries!("reasoning-end", "id" => id);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::RedactedReasoning { data } => {
                entries!("redacted-reasoning", "data" => data)
            }
            AgentEvent::ReasoningSignature { signature } => {
                entries!("reasoning-signature", "signature" => signature)
            }
            AgentEvent::ToolInputStart {
                tool_call_id,
                tool_name,
                meta,
            } => {
                entries!("tool-input-start", "toolCallId" => tool_call_id, "toolName" => tool_name);
                tool_meta(&mut map, meta.as_deref(), parse)?;
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
                meta,
            } => {
                entries!(
                    "tool-input-available", "toolCallId" => tool_call_id, "toolName" => tool_name
                );
                optional!("input" => &opt_json(parse, input));
                tool_meta(&mut map, meta.as_deref(), parse)?;
            }
            AgentEvent::ToolInputError {
                tool_call_id,
                tool_name,
                input,
                error_text,
                meta,
            } => {
                entries!(
                    "tool-input-error", "toolCallId" => tool_call_id, "toolName" => tool_name
                );
                optional!("input" => &opt_json(parse, input));
                map.serialize_entry("errorText", error_text)?;
                tool_meta(&mut map, meta.as_deref(), parse)?;
            }
            AgentEvent::ToolOutputAvailable {
                tool_call_id,
                output,
                preliminary,
                meta,
            } => {
                entries!("tool-output-available", "toolCallId" => tool_call_id);
                optional!("output" => &opt_json(parse, output));
                optional!("preliminary" => preliminary);
                tool_meta(&mut map, meta.as_deref(), parse)?;
            }
            AgentEvent::ToolOutputError {
                tool_call_id,
                error_text,
                meta,
            } => {
                entries!(
                    "tool-output-error", "toolCallId" => tool_call_id, "errorText" => error_text
                );
                tool_meta(&mut map, meta.as_deref(), parse)?;
            }
            AgentEvent::ToolApprovalRequest {
                approval_id,
                tool_call_id,
                request,
            } => {
                entries!(
                    "tool-approval-request", "approvalId" => approval_id, "toolCallId" => tool_call_id
                );
                if let Some(request) = request.as_deref() {
                    optional!("reason" => &request.reason);
                    optional!("approvalDescriptor" => &opt_json(parse, &request.descriptor));
                    optional!("inputSchemaInput" => &opt_json(parse, &request.input_schema_input));
                    optional!("isAutomatic" => &request.is_automatic);
                    optional!("signature" => &request.signature);
                }
            }
            AgentEvent::ToolApprovalResponse {
                approval_id,
                approved,
                reason,
                provider_executed,
                provider_metadata,
            } => {
                entries!(
                    "tool-approval-response", "approvalId" => approval_id, "approved" => approved
                );
                optional!("reason" => reason);
                optional!("providerExecuted" => provider_executed);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                entries!("tool-output-denied", "toolCallId" => tool_call_id)
            }
            AgentEvent::SourceUrl {
                source_id,
                url,
                title,
                provider_metadata,
            } => {
                entries!("source-url", "sourceId" => source_id, "url" => url);
                optional!("title" => title);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::SourceDocument {
                source_id,
                media_type,
                title,
                filename,
                provider_metadata,
            } => {
                entries!(
                    "source-document", "sourceId" => source_id, "mediaType" => media_type,
                    "title" => title
                );
                optional!("filename" => filename);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::File {
                url,
                media_type,
                provider_metadata,
            } => {
                entries!("file", "url" => url, "mediaType" => media_type);
                optional!("providerMetadata" => &opt_json(parse, provider_metadata));
            }
            AgentEvent::Data {
                name,
                id,
                data,
                transient,
                extra,
            } => {
                entries!(&format!("data-{name}"));
                optional!("id" => id);
                optional!("data" => &opt_json(parse, data));
                optional!("transient" => transient);
                // The other fields of the chunk, at its top level.
                if let Some(extra) = extra
                    && let Ok(Fields(fields)) = serde_json::from_str::<Fields<'_>>(extra.get())
                {
                    for (key, value) in fields {
                        map.serialize_entry(&key, &to_json(parse, value))?;
                    }
                }
            }
            AgentEvent::Annotations { annotations } => {
                let annotations: Vec<Json<'_>> = annotations
                    .iter()
                    .map(|raw| to_json(parse, &raw.0))
                    .collect();
                entries!("message-annotations", "annotations" => &annotations)
            }
            AgentEvent::MessageMetadata { metadata } => {
                entries!("message-metadata");
                optional!("messageMetadata" => &opt_json(parse, metadata));
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
                optional!("messageMetadata" => &opt_json(parse, metadata));
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

/// A UI message stream chunk, read in one pass; every field any chunk type has. The fields of
/// the frequent chunks (`id`, `delta`, `toolCallId`, `inputTextDelta`) are read as strings,
/// borrowed where they have no escapes; the others as raw JSON, checked for the chunk's type
/// after, so that a field of another type's schema does not refuse a chunk (the schema's objects
/// are loose) and an optional field sent as `null` does (the schema wants it absent or typed).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    /// Read once, borrowed where it can be (it is on every text chunk); `null` refuses the
    /// chunk, as every type with an `id` wants a string.
    #[serde(borrow, default, deserialize_with = "string")]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    delta: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    message_id: Option<&'a RawValue>,
    #[serde(borrow)]
    tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    tool_name: Option<&'a RawValue>,
    #[serde(borrow)]
    input_text_delta: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    error_text: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    finish_reason: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    reason: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    approval_id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    source_id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    url: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    title: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    media_type: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    filename: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    input: Option<&'a RawValue>,
    /// AI SDK 6's name for a `tool-input-error`'s input.
    #[serde(borrow, default, deserialize_with = "present")]
    raw_input: Option<&'a RawValue>,
    /// A `custom` chunk's kind.
    #[serde(rename = "kind", borrow, default, deserialize_with = "present")]
    custom_kind: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    output: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    data: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    message_metadata: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    provider_metadata: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    provider_executed: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    tool_metadata: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    dynamic: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    input_encoding: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    citations: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    approval_descriptor: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    input_schema_input: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    is_automatic: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    signature: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    parts: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    transient: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    preliminary: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    approved: Option<&'a RawValue>,
}

/// A raw field: `Some` when present, `null` included (serde reads `null` as `None` otherwise).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// A string field that must not be `null` when present.
fn string<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    Key::deserialize(deserializer).map(|key| Some(key.0))
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

/// An optional field as the AI SDK's schema reads it: absent is `Some(None)`; present, it must
/// be `T` (`null` is not: `None`, the chunk is refused).
fn optional<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) => serde_json::from_str(raw.get()).ok().map(Some),
    }
}

/// An optional string field; see [`optional`].
fn optional_string(raw: Option<&RawValue>) -> Option<Option<String>> {
    optional::<Key<'_>>(raw).map(|key| key.map(|key| key.0.into_owned()))
}

/// A required string field kept as raw JSON.
fn required_string(raw: Option<&RawValue>) -> Option<String> {
    optional_string(raw).flatten()
}

/// An optional field of any JSON value (`z.unknown()`, `null` included).
fn any_value(raw: Option<&RawValue>) -> Option<RawJson> {
    raw.map(RawJson::from)
}

/// `providerMetadata`: an object of objects (`Record<string, Record<string, JSONValue>>`).
fn provider_metadata(raw: Option<&RawValue>) -> Option<Option<RawJson>> {
    optional::<std::collections::HashMap<Key<'_>, IgnoredObject>>(raw)
        .map(|valid| valid.and(raw).map(RawJson::from))
}

/// A JSON object, its fields skipped.
struct IgnoredObject;

impl<'de> Deserialize<'de> for IgnoredObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = IgnoredObject;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(IgnoredObject)
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// `toolMetadata`: an object (`Record<string, JSONValue>`).
fn object(raw: Option<&RawValue>) -> Option<Option<RawJson>> {
    optional::<IgnoredObject>(raw).map(|valid| valid.and(raw).map(RawJson::from))
}

/// The [`ToolMeta`] of a tool chunk, with the fields its type has (`title`, `encoding`);
/// `None` when one is invalid, `Some(None)` when none is sent.
fn tool_meta_of(chunk: &Chunk<'_>, title: bool, encoding: bool) -> Option<Option<Box<ToolMeta>>> {
    let meta = ToolMeta {
        provider_executed: optional(chunk.provider_executed)?,
        provider_metadata: provider_metadata(chunk.provider_metadata)?,
        tool_metadata: object(chunk.tool_metadata)?,
        dynamic: optional(chunk.dynamic)?,
        title: if title {
            optional_string(chunk.title)?
        } else {
            None
        },
        input_encoding: if encoding {
            match optional::<Key<'_>>(chunk.input_encoding)? {
                None => None,
                Some(Key(encoding)) => Some(match encoding.as_ref() {
                    "json" => InputEncoding::Json,
                    "text" => InputEncoding::Text,
                    _ => return None,
                }),
            }
        } else {
            None
        },
    };
    Some((meta != ToolMeta::default()).then(|| Box::new(meta)))
}

/// The finish reasons of the AI SDK's schema.
const FINISH_REASONS: [&str; 7] = [
    "stop",
    "length",
    "content-filter",
    "tool-calls",
    "error",
    "interrupted",
    "other",
];

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
    // A data chunk, its type first as servers write it, is read in one pass with all its
    // fields: the AI SDK keeps the ones it does not know on the part.
    if json.starts_with(br#"{"type":"data-"#) {
        return match parse_json::<Fields<'_>>(json) {
            Ok(Fields(fields)) => Ok(data_chunk(fields).unwrap_or_else(unknown)),
            Err(error) if error.is_data() => Ok(unknown()),
            Err(error) => Err(error),
        };
    }
    let mut chunk: Chunk<'_> = match parse_json(json) {
        Ok(chunk) => chunk,
        // Valid JSON of another shape (no `type`, not an object) is an unknown chunk.
        Err(error) if error.is_data() => return Ok(unknown()),
        Err(error) => return Err(error),
    };
    // By reference: the chunk, with a field for everything any type has, is large to move.
    Ok(typed(&mut chunk, json).unwrap_or_else(unknown))
}

/// The event of a chunk, or `None` when its type is unknown or the AI SDK's schema refuses it.
fn typed(chunk: &mut Chunk<'_>, json: &[u8]) -> Option<AgentEvent> {
    // Strings are moved out of the chunk, never copied twice.
    macro_rules! take {
        ($field:ident) => {
            owned(chunk.$field.take())
        };
    }
    let metadata = provider_metadata(chunk.provider_metadata);
    let kind = std::mem::take(&mut chunk.kind);
    Some(match kind.as_ref() {
        "start" => AgentEvent::Start {
            message_id: optional_string(chunk.message_id)?,
            metadata: any_value(chunk.message_metadata),
        },
        "start-step" => AgentEvent::StartStep,
        "finish-step" => AgentEvent::FinishStep,
        "reset-step" => AgentEvent::ResetStep,
        "custom" => AgentEvent::Custom {
            kind: required_string(chunk.custom_kind)?,
            provider_metadata: metadata?,
        },
        "reasoning-file" => AgentEvent::ReasoningFile {
            url: required_string(chunk.url)?,
            media_type: required_string(chunk.media_type)?,
            provider_metadata: metadata?,
        },
        "steering-message" => AgentEvent::SteeringMessage {
            id: take!(id)?,
            parts: steering_parts(chunk.parts?)?,
        },
        "text-start" => AgentEvent::TextStart {
            id: take!(id)?,
            provider_metadata: metadata?,
        },
        "text-delta" => AgentEvent::TextDelta {
            id: take!(id)?,
            delta: take!(delta)?,
            provider_metadata: metadata?,
        },
        "text-end" => AgentEvent::TextEnd {
            id: take!(id)?,
            provider_metadata: metadata?,
            citations: match chunk.citations {
                None => None,
                Some(raw) => Some(citations(raw)?),
            },
        },
        "reasoning-start" => AgentEvent::ReasoningStart {
            id: take!(id)?,
            provider_metadata: metadata?,
        },
        "reasoning-delta" => AgentEvent::ReasoningDelta {
            id: take!(id)?,
            delta: take!(delta)?,
            provider_metadata: metadata?,
        },
        "reasoning-end" => AgentEvent::ReasoningEnd {
            id: take!(id)?,
            provider_metadata: metadata?,
        },
        "tool-input-start" => AgentEvent::ToolInputStart {
            tool_call_id: take!(tool_call_id)?,
            tool_name: required_string(chunk.tool_name)?,
            meta: tool_meta_of(chunk, true, true)?,
        },
        "tool-input-delta" => AgentEvent::ToolInputDelta {
            tool_call_id: take!(tool_call_id)?,
            delta: take!(input_text_delta)?,
        },
        "tool-input-available" => AgentEvent::ToolInputAvailable {
            tool_call_id: take!(tool_call_id)?,
            tool_name: required_string(chunk.tool_name)?,
            input: any_value(chunk.input),
            meta: tool_meta_of(chunk, true, false)?,
        },
        "tool-input-error" => AgentEvent::ToolInputError {
            tool_call_id: take!(tool_call_id)?,
            tool_name: required_string(chunk.tool_name)?,
            input: any_value(chunk.input.or(chunk.raw_input)),
            error_text: required_string(chunk.error_text)?,
            meta: tool_meta_of(chunk, true, false)?,
        },
        "tool-output-available" => AgentEvent::ToolOutputAvailable {
            tool_call_id: take!(tool_call_id)?,
            output: any_value(chunk.output),
            preliminary: optional(chunk.preliminary)?,
            meta: tool_meta_of(chunk, false, false)?,
        },
        "tool-output-error" => AgentEvent::ToolOutputError {
            tool_call_id: take!(tool_call_id)?,
            error_text: required_string(chunk.error_text)?,
            meta: tool_meta_of(chunk, false, false)?,
        },
        "tool-approval-request" => {
            let request = ApprovalRequest {
                reason: optional_string(chunk.reason)?,
                descriptor: any_value(chunk.approval_descriptor),
                input_schema_input: any_value(chunk.input_schema_input),
                is_automatic: optional(chunk.is_automatic)?,
                signature: optional_string(chunk.signature)?,
            };
            AgentEvent::ToolApprovalRequest {
                approval_id: required_string(chunk.approval_id)?,
                tool_call_id: take!(tool_call_id)?,
                request: (request != ApprovalRequest::default()).then(|| Box::new(request)),
            }
        }
        "tool-approval-response" => AgentEvent::ToolApprovalResponse {
            approval_id: required_string(chunk.approval_id)?,
            approved: optional(chunk.approved)??,
            reason: optional_string(chunk.reason)?,
            provider_executed: optional(chunk.provider_executed)?,
            provider_metadata: metadata?,
        },
        "tool-output-denied" => AgentEvent::ToolOutputDenied {
            tool_call_id: take!(tool_call_id)?,
        },
        "source-url" => AgentEvent::SourceUrl {
            source_id: required_string(chunk.source_id)?,
            url: required_string(chunk.url)?,
            title: optional_string(chunk.title)?,
            provider_metadata: metadata?,
        },
        "source-document" => AgentEvent::SourceDocument {
            source_id: required_string(chunk.source_id)?,
            media_type: required_string(chunk.media_type)?,
            title: required_string(chunk.title)?,
            filename: optional_string(chunk.filename)?,
            provider_metadata: metadata?,
        },
        "file" => AgentEvent::File {
            url: required_string(chunk.url)?,
            media_type: required_string(chunk.media_type)?,
            provider_metadata: metadata?,
        },
        "message-metadata" => AgentEvent::MessageMetadata {
            metadata: any_value(chunk.message_metadata),
        },
        "error" => AgentEvent::Error {
            error_text: required_string(chunk.error_text)?,
        },
        "abort" => AgentEvent::Abort {
            reason: optional_string(chunk.reason)?,
        },
        "finish" => AgentEvent::Finish {
            finish_reason: match optional_string(chunk.finish_reason)? {
                Some(reason) if !FINISH_REASONS.contains(&reason.as_str()) => return None,
                reason => reason,
            },
            metadata: any_value(chunk.message_metadata),
        },
        data if data.starts_with("data-") => AgentEvent::Data {
            name: data["data-".len()..].to_owned(),
            id: take!(id),
            data: any_value(chunk.data),
            transient: optional(chunk.transient)?,
            extra: data_extra(json)?,
        },
        _ => return None,
    })
}

/// A `data-*` chunk from its fields, in order; `None` when the schema refuses it.
fn data_chunk(fields: Vec<(Cow<'_, str>, &RawValue)>) -> Option<AgentEvent> {
    let (mut kind, mut id, mut data, mut transient) = (None, None, None, None);
    let mut extra: Vec<(Cow<'_, str>, &RawValue)> = Vec::new();
    for (key, value) in fields {
        // A key sent twice counts once, with its last value, as in `JSON.parse`.
        match key.as_ref() {
            "type" => kind = Some(value),
            "id" => id = Some(value),
            "data" => data = Some(value),
            "transient" => transient = Some(value),
            _ => {
                extra.retain(|(k, _)| *k != key);
                extra.push((key, value));
            }
        }
    }
    let name = required_string(kind)?.strip_prefix("data-")?.to_owned();
    Some(AgentEvent::Data {
        name,
        id: optional_string(id)?,
        data: any_value(data),
        transient: optional(transient)?,
        extra: object_of(&extra)?,
    })
}

/// The fields of a `data-*` chunk besides `type`, `id`, `data` and `transient`, as an object;
/// `Some(None)` when there are none.
fn data_extra(json: &[u8]) -> Option<Option<RawJson>> {
    let Fields(fields) = parse_json(json).ok()?;
    let mut extra: Vec<(Cow<'_, str>, &RawValue)> = Vec::new();
    for (key, value) in fields {
        if !matches!(key.as_ref(), "type" | "id" | "data" | "transient") {
            // A key sent twice counts once, with its last value, as in `JSON.parse`.
            extra.retain(|(k, _)| *k != key);
            extra.push((key, value));
        }
    }
    object_of(&extra)
}

/// A JSON object of the given fields; `Some(None)` when there are none.
fn object_of(fields: &[(Cow<'_, str>, &RawValue)]) -> Option<Option<RawJson>> {
    if fields.is_empty() {
        return Some(None);
    }
    let mut text = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(key).ok()?);
        text.push(':');
        text.push_str(value.get());
    }
    text.push('}');
    RawValue::from_string(text)
        .ok()
        .map(|raw| Some(RawJson(raw)))
}

/// A `steering-message`'s parts, checked as the AI SDK's schema checks them: `text` parts with
/// a `text`, `file` parts with a `mediaType` and `url`, optional fields of their types.
fn steering_parts(raw: &RawValue) -> Option<RawJson> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SteeringPart<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        text: Option<&'a RawValue>,
        #[serde(borrow)]
        media_type: Option<&'a RawValue>,
        #[serde(borrow)]
        url: Option<&'a RawValue>,
        #[serde(borrow)]
        filename: Option<&'a RawValue>,
        #[serde(borrow)]
        provider_reference: Option<&'a RawValue>,
        #[serde(borrow)]
        provider_metadata: Option<&'a RawValue>,
    }
    let parts: Vec<SteeringPart<'_>> = serde_json::from_str(raw.get()).ok()?;
    for part in &parts {
        provider_metadata(part.provider_metadata)?;
        match part.kind.as_ref() {
            "text" => {
                required_string(part.text)?;
            }
            "file" => {
                required_string(part.media_type)?;
                required_string(part.url)?;
                optional_string(part.filename)?;
                optional::<std::collections::HashMap<Key<'_>, Key<'_>>>(part.provider_reference)?;
            }
            _ => return None,
        }
    }
    Some(RawJson::from(raw))
}

/// `citations`, checked as the AI SDK's schema checks them, and written as it returns them:
/// without the fields it does not know.
fn citations(raw: &RawValue) -> Option<RawJson> {
    #[derive(Deserialize, serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Citation {
        source: CitationSource,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        start_index: Option<u64>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        end_index: Option<u64>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        cited_text: Option<String>,
    }
    #[derive(Deserialize, serde::Serialize)]
    #[serde(tag = "sourceType", rename_all = "camelCase")]
    enum CitationSource {
        Url {
            #[serde(rename = "type")]
            kind: SourceLiteral,
            id: String,
            url: String,
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "present"
            )]
            title: Option<String>,
            #[serde(
                default,
                rename = "providerMetadata",
                skip_serializing_if = "Option::is_none",
                deserialize_with = "present"
            )]
            provider_metadata:
                Option<std::collections::BTreeMap<String, serde_json::Map<String, Value>>>,
        },
        Document {
            #[serde(rename = "type")]
            kind: SourceLiteral,
            id: String,
            #[serde(rename = "mediaType")]
            media_type: String,
            title: String,
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "present"
            )]
            filename: Option<String>,
            #[serde(
                default,
                rename = "providerMetadata",
                skip_serializing_if = "Option::is_none",
                deserialize_with = "present"
            )]
            provider_metadata:
                Option<std::collections::BTreeMap<String, serde_json::Map<String, Value>>>,
        },
    }
    #[derive(Deserialize, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum SourceLiteral {
        Source,
    }
    fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
    let citations: Vec<Citation> = serde_json::from_str(raw.get()).ok()?;
    serde_json::value::to_raw_value(&citations)
        .ok()
        .map(RawJson)
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
                delta: "Hi \"you\"".into(),
                provider_metadata: None
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
                data: Some(json!([{ "id": "1" }]).into()),
                transient: Some(true),
                extra: None
            }
        );
    }

    /// What `uiMessageChunkSchema` (ai 7.0.173) accepts and refuses, as its `validate` said.
    #[test]
    fn schema_strictness_matches_the_ai_sdk() {
        let accepted = [
            r#"{"type":"data-x"}"#,
            r#"{"type":"data-x","data":null}"#,
            r#"{"type":"tool-input-available","toolCallId":"c","toolName":"t"}"#,
            r#"{"type":"tool-output-available","toolCallId":"c"}"#,
            r#"{"type":"text-delta","id":"t","delta":"x","title":5,"toolName":6,"approved":"no"}"#,
            r#"{"type":"text-start","id":"t","providerMetadata":{"a":{"b":[1,{"c":null}]}}}"#,
            r#"{"type":"message-metadata"}"#,
        ];
        for chunk in accepted {
            let event = from_ui_chunk(chunk.as_bytes()).unwrap();
            assert!(!matches!(event, AgentEvent::Unknown { .. }), "{chunk}");
        }
        let refused = [
            r#"{"type":"finish","finishReason":"weird"}"#,
            r#"{"type":"text-start","id":"t","providerMetadata":{"a":1}}"#,
            r#"{"type":"text-end","id":"t","citations":[{"source":{"type":"source","sourceType":"url","id":"s","url":"u"},"startIndex":-1}]}"#,
            r#"{"type":"custom","kind":5}"#,
            r#"{"type":"start","messageId":null}"#,
            r#"{"type":"data-x","id":null}"#,
            r#"{"type":"tool-input-start","toolCallId":"c","toolName":"t","inputEncoding":"xml"}"#,
        ];
        for chunk in refused {
            assert_eq!(
                from_ui_chunk(chunk.as_bytes()).unwrap(),
                AgentEvent::Unknown {
                    raw: chunk.to_owned()
                },
                "{chunk}"
            );
        }
        // Absent stays absent; `null` where any value goes stays `null`.
        assert_eq!(
            serde_json::to_string(&from_ui_chunk(br#"{"type":"data-x"}"#).unwrap()).unwrap(),
            r#"{"type":"data-x"}"#
        );
        assert_eq!(
            serde_json::to_string(
                &from_ui_chunk(br#"{"type":"data-x","data":null,"extra":[1]}"#).unwrap()
            )
            .unwrap(),
            r#"{"type":"data-x","data":null,"extra":[1]}"#
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
                meta: None,
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
                kind: "openai.compaction".into(),
                provider_metadata: None
            }
        );
        assert_eq!(
            from_ui_chunk(br#"{"type":"reasoning-file","url":"data:image/png;base64,AA==","mediaType":"image/png"}"#).unwrap(),
            AgentEvent::ReasoningFile {
                url: "data:image/png;base64,AA==".into(),
                media_type: "image/png".into(), provider_metadata: None 
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
                    input: Some(json!("{bad").into()),
                    error_text: "no".into(),
                    meta: None
                },
                "{field}"
            );
        }
    }
}
