//! UI message stream chunks (AI SDK 5+) read into [`AgentEvent`]s, refusing (as
//! [`AgentEvent::Unknown`]) what `uiMessageChunkSchema` refuses; `write` goes the other way.

mod fast;
#[cfg(test)]
mod tests;
mod write;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::event::{AgentEvent, ApprovalRequest, InputEncoding, ToolMeta};
use super::raw_json::RawJson;
use super::schema::{
    Fields, Key, any_value, object, optional, optional_string, owned, parse_json, present,
    prototype_poisoned, provider_metadata, required_string, string, unknown,
};

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
/// Reads one UI message stream chunk. `Err` only for JSON that does not parse.
pub(super) fn from_ui_chunk(json: &[u8]) -> Result<AgentEvent, serde_json::Error> {
    let unknown = || AgentEvent::Unknown {
        raw: String::from_utf8_lossy(json).into_owned(),
    };
    // One UTF-8 check for the whole text: read from a `str`, serde_json does not check each
    // string again. Invalid UTF-8 goes the slow way, for serde_json's positioned error.
    let Ok(text) = std::str::from_utf8(json) else {
        return serde_json::from_slice::<serde::de::IgnoredAny>(json)
            .map(|_| unknown())
            .or_else(|error| {
                if error.is_data() {
                    Ok(unknown())
                } else {
                    Err(error)
                }
            });
    };
    if let Some(event) = fast::frequent(text) {
        return Ok(event);
    }
    let event = chunk_event(text)?;
    if !matches!(event, AgentEvent::Unknown { .. }) && prototype_poisoned(json) {
        return Ok(unknown());
    }
    Ok(event)
}

/// [`from_ui_chunk`] but for the SDK's prototype check.
fn chunk_event(json: &str) -> Result<AgentEvent, serde_json::Error> {
    let unknown = || AgentEvent::Unknown {
        raw: json.to_owned(),
    };
    // A data chunk, its type first as servers write it, is read in one pass with all its
    // fields: the AI SDK keeps the ones it does not know on the part.
    if json.starts_with(r#"{"type":"data-"#) {
        return match serde_json::from_str::<Fields<'_>>(json) {
            Ok(Fields(fields)) => Ok(data_chunk(fields).unwrap_or_else(unknown)),
            Err(error) if error.is_data() => Ok(unknown()),
            Err(error) => Err(error),
        };
    }
    let mut chunk: Chunk<'_> = match serde_json::from_str(json) {
        Ok(chunk) => chunk,
        // Valid JSON of another shape (no `type`, not an object) is an unknown chunk.
        Err(error) if error.is_data() => return Ok(unknown()),
        Err(error) => return Err(error),
    };
    // By reference: the chunk, with a field for everything any type has, is large to move.
    Ok(typed(&mut chunk, json.as_bytes()).unwrap_or_else(unknown))
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
            input: Some(unknown(chunk.input)?),
            meta: tool_meta_of(chunk, true, false)?,
        },
        "tool-input-error" => AgentEvent::ToolInputError {
            tool_call_id: take!(tool_call_id)?,
            tool_name: required_string(chunk.tool_name)?,
            input: Some(unknown(chunk.input)?),
            error_text: required_string(chunk.error_text)?,
            meta: tool_meta_of(chunk, true, false)?,
        },
        "tool-output-available" => AgentEvent::ToolOutputAvailable {
            tool_call_id: take!(tool_call_id)?,
            output: Some(unknown(chunk.output)?),
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
            metadata: Some(unknown(chunk.message_metadata)?),
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
            data: Some(unknown(chunk.data)?),
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
            _ => set_field(&mut extra, key, value),
        }
    }
    let name = required_string(kind)?.strip_prefix("data-")?.to_owned();
    Some(AgentEvent::Data {
        name,
        id: optional_string(id)?,
        data: Some(unknown(data)?),
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
            set_field(&mut extra, key, value);
        }
    }
    object_of(&extra)
}

/// Sets a field as `JSON.parse` does: a key sent twice keeps its first place and takes its last
/// value.
fn set_field<'a>(
    fields: &mut Vec<(Cow<'a, str>, &'a RawValue)>,
    key: Cow<'a, str>,
    value: &'a RawValue,
) {
    match fields.iter_mut().find(|(k, _)| *k == key) {
        Some(field) => field.1 = value,
        None => fields.push((key, value)),
    }
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
/// without the fields it does not know, the others in its schema's order (zod builds the
/// object it returns in the order of the schema's keys), provider metadata in the order sent.
fn citations(raw: &RawValue) -> Option<RawJson> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Citation {
        source: CitationSource,
        #[serde(default, deserialize_with = "present")]
        start_index: Option<u64>,
        #[serde(default, deserialize_with = "present")]
        end_index: Option<u64>,
        #[serde(default, deserialize_with = "present")]
        cited_text: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(tag = "sourceType", rename_all = "camelCase")]
    enum CitationSource {
        Url {
            #[serde(rename = "type")]
            _kind: SourceLiteral,
            id: String,
            url: String,
            #[serde(default, deserialize_with = "present")]
            title: Option<String>,
            #[serde(default, rename = "providerMetadata", deserialize_with = "present")]
            provider_metadata: Option<Map<String, Value>>,
        },
        Document {
            #[serde(rename = "type")]
            _kind: SourceLiteral,
            id: String,
            #[serde(rename = "mediaType")]
            media_type: String,
            title: String,
            #[serde(default, deserialize_with = "present")]
            filename: Option<String>,
            #[serde(default, rename = "providerMetadata", deserialize_with = "present")]
            provider_metadata: Option<Map<String, Value>>,
        },
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum SourceLiteral {
        Source,
    }
    fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
    /// Sets `key` when there is a value.
    fn set(fields: &mut Map<String, Value>, key: &str, value: Option<Value>) {
        if let Some(value) = value {
            fields.insert(key.to_owned(), value);
        }
    }
    let citations: Vec<Citation> = serde_json::from_str(raw.get()).ok()?;
    let mut written = Vec::with_capacity(citations.len());
    for citation in citations {
        let mut source = Map::new();
        source.insert("type".into(), Value::from("source"));
        let provider_metadata = match citation.source {
            CitationSource::Url {
                id,
                url,
                title,
                provider_metadata,
                ..
            } => {
                source.insert("sourceType".into(), Value::from("url"));
                source.insert("id".into(), Value::from(id));
                source.insert("url".into(), Value::from(url));
                set(&mut source, "title", title.map(Value::from));
                provider_metadata
            }
            CitationSource::Document {
                id,
                media_type,
                title,
                filename,
                provider_metadata,
                ..
            } => {
                source.insert("sourceType".into(), Value::from("document"));
                source.insert("id".into(), Value::from(id));
                source.insert("mediaType".into(), Value::from(media_type));
                source.insert("title".into(), Value::from(title));
                set(&mut source, "filename", filename.map(Value::from));
                provider_metadata
            }
        };
        // An object of objects (`providerMetadataSchema`).
        if provider_metadata
            .as_ref()
            .is_some_and(|m| !m.values().all(Value::is_object))
        {
            return None;
        }
        set(
            &mut source,
            "providerMetadata",
            provider_metadata.map(Value::Object),
        );
        let mut fields = Map::new();
        fields.insert("source".into(), Value::Object(source));
        set(
            &mut fields,
            "startIndex",
            citation.start_index.map(Value::from),
        );
        set(&mut fields, "endIndex", citation.end_index.map(Value::from));
        set(
            &mut fields,
            "citedText",
            citation.cited_text.map(Value::from),
        );
        written.push(Value::Object(fields));
    }
    serde_json::value::to_raw_value(&written).ok().map(RawJson)
}
