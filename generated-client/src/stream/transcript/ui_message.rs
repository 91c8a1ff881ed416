//! The message as the AI SDK's `UIMessage` JSON.

use serde_json::{Value, json};

use super::Transcript;
use super::types::{Part, PartState};

impl Transcript {
    /// The message as the AI SDK's `UIMessage` JSON (`{ id, metadata, role, parts }`, in the
    /// SDK's order), for comparing with what `readUIMessageStream` builds from the same bytes:
    /// fields the SDK leaves `undefined` are left out. Metadata, tool input and output, data
    /// and provider metadata have their keys in the order the server sent them, integer-like
    /// keys first (as JavaScript lists them).
    pub fn to_ui_message(&self) -> Value {
        let mut message = serde_json::Map::new();
        message.insert(
            "id".into(),
            json!(self.message_id.clone().unwrap_or_default()),
        );
        if let Some(metadata) = &self.metadata {
            message.insert("metadata".into(), metadata.clone());
        }
        message.insert("role".into(), json!("assistant"));
        let parts: Vec<Value> = self.parts.iter().map(part_json).collect();
        message.insert("parts".into(), Value::Array(parts));
        Value::Object(message)
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
