//! The chunks a run sends most (deltas, part starts and ends, tool input and output, steps),
//! read into small structs that know only their type's fields: the full chunk struct, with a
//! field for everything any type has, costs about twice as much to fill and move. The type is
//! read first, as servers write it (`{"type":"text-delta",…`); a chunk with any other field, a
//! duplicate key or a field of another type is left to the full reader (`None`), which then
//! decides as the schema does.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::stream::event::AgentEvent;
use crate::stream::raw_json::RawJson;
use crate::stream::schema::{present, prototype_poisoned, provider_metadata, string};

/// `text-delta`, `reasoning-delta`; `text-start`, `text-end` (without citations),
/// `reasoning-start`, `reasoning-end` (no `delta`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Text<'a> {
    /// Read only to refuse a second `type` key (duplicates are the full reader's).
    #[serde(rename = "type")]
    _kind: IgnoredAny,
    #[serde(borrow, default, deserialize_with = "string")]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "string")]
    delta: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    provider_metadata: Option<&'a RawValue>,
}

/// `tool-input-delta`, `tool-input-start`, `tool-input-available`, `tool-output-available`,
/// without the fields of their `ToolMeta`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Tool<'a> {
    #[serde(rename = "type")]
    _kind: IgnoredAny,
    #[serde(borrow, default, deserialize_with = "string")]
    tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "string")]
    tool_name: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "string")]
    input_text_delta: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    input: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    output: Option<&'a RawValue>,
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

/// The event of a frequent chunk, when a small struct settles it.
pub(super) fn frequent(json: &str) -> Option<AgentEvent> {
    let rest = json.strip_prefix(r#"{"type":""#)?;
    let kind = &rest[..rest.find('"')?];
    if rest.as_bytes().get(kind.len() + 1) == Some(&b'}') {
        // `{"type":"…"}`: nothing else to read.
        return match kind {
            "start-step" => Some(AgentEvent::StartStep),
            "finish-step" => Some(AgentEvent::FinishStep),
            "reset-step" => Some(AgentEvent::ResetStep),
            _ => None,
        };
    }
    match kind {
        "text-delta" | "reasoning-delta" | "text-start" | "text-end" | "reasoning-start"
        | "reasoning-end" => {
            let chunk: Text<'_> = serde_json::from_str(json).ok()?;
            // Only a value kept as it came can hide a poisoned key (`prototype_poisoned`).
            if chunk
                .provider_metadata
                .is_some_and(|m| prototype_poisoned(m.get().as_bytes()))
            {
                return None;
            }
            let provider_metadata = provider_metadata(chunk.provider_metadata)?;
            let id = owned(chunk.id)?;
            Some(match kind {
                "text-delta" => AgentEvent::TextDelta {
                    id,
                    delta: owned(chunk.delta)?,
                    provider_metadata,
                },
                "reasoning-delta" => AgentEvent::ReasoningDelta {
                    id,
                    delta: owned(chunk.delta)?,
                    provider_metadata,
                },
                "text-start" => AgentEvent::TextStart {
                    id,
                    provider_metadata,
                },
                "text-end" => AgentEvent::TextEnd {
                    id,
                    provider_metadata,
                    citations: None,
                },
                "reasoning-start" => AgentEvent::ReasoningStart {
                    id,
                    provider_metadata,
                },
                _ => AgentEvent::ReasoningEnd {
                    id,
                    provider_metadata,
                },
            })
        }
        "tool-input-delta"
        | "tool-input-start"
        | "tool-input-available"
        | "tool-output-available" => {
            let chunk: Tool<'_> = serde_json::from_str(json).ok()?;
            // Only values kept as they came can hide a poisoned key (`prototype_poisoned`).
            if [chunk.input, chunk.output]
                .iter()
                .flatten()
                .any(|raw| prototype_poisoned(raw.get().as_bytes()))
            {
                return None;
            }
            let tool_call_id = owned(chunk.tool_call_id)?;
            Some(match kind {
                "tool-input-delta" => AgentEvent::ToolInputDelta {
                    tool_call_id,
                    delta: owned(chunk.input_text_delta)?,
                },
                "tool-input-start" => AgentEvent::ToolInputStart {
                    tool_call_id,
                    tool_name: owned(chunk.tool_name)?,
                    meta: None,
                },
                "tool-input-available" => AgentEvent::ToolInputAvailable {
                    tool_call_id,
                    tool_name: owned(chunk.tool_name)?,
                    // Absent, the schema refuses it (zod 4): the full reader says so.
                    input: Some(RawJson::from(chunk.input?)),
                    meta: None,
                },
                _ => AgentEvent::ToolOutputAvailable {
                    tool_call_id,
                    output: Some(RawJson::from(chunk.output?)),
                    preliminary: None,
                    meta: None,
                },
            })
        }
        _ => None,
    }
}
