//! [`AgentEvent`] written as the UI message stream chunk it stands for.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::stream::event::{AgentEvent, ToolMeta};
use crate::stream::raw_json::RawJson;
use crate::stream::schema::Fields;

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
