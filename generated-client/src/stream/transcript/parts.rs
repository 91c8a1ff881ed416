//! The message's parts: text, reasoning, sources, files, data, and what the events do to them.

use serde_json::{Map, Value};

use super::types::{Part, PartState};
use super::{Transcript, to_value};
use crate::stream::event::AgentEvent;
use crate::stream::js_order::js_ordered;
use crate::stream::raw_json::RawJson;

impl Transcript {
    /// Adds one part event; others are not for this module.
    pub(super) fn apply_part(&mut self, event: &AgentEvent) {
        match event {
            AgentEvent::Custom {
                kind,
                provider_metadata,
            } => self.parts.push(Part::Custom {
                kind: kind.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::ReasoningFile {
                url,
                media_type,
                provider_metadata,
            } => self.parts.push(Part::ReasoningFile {
                media_type: media_type.clone(),
                url: url.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::SteeringMessage { id, parts } => self.parts.push(Part::SteeringMessage {
                id: id.clone(),
                parts: js_ordered(parts.to_value()),
            }),
            AgentEvent::TextStart {
                id,
                provider_metadata,
            } => {
                self.parts.push(Part::Text {
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: to_value(provider_metadata),
                    citations: None,
                });
                self.open_text.insert(id.clone(), self.parts.len() - 1);
            }
            AgentEvent::ReasoningStart {
                id,
                provider_metadata,
            } => {
                self.parts.push(Part::Reasoning {
                    id: id.clone(),
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: to_value(provider_metadata),
                    details: Vec::new(),
                });
                self.open_reasoning.insert(id.clone(), self.parts.len() - 1);
            }
            AgentEvent::TextDelta {
                id,
                delta,
                provider_metadata,
            } => match self.open_text.get(id) {
                Some(&index) => self.update_text(index, Some(delta), provider_metadata, None),
                None => self.v4_text(delta),
            },
            AgentEvent::ReasoningDelta {
                id,
                delta,
                provider_metadata,
            } => match self.open_reasoning.get(id) {
                Some(&index) => self.update_text(index, Some(delta), provider_metadata, None),
                None => self.v4_reasoning(delta),
            },
            AgentEvent::TextEnd {
                id,
                provider_metadata,
                citations,
            } => {
                if let Some(index) = self.open_text.remove(id) {
                    self.update_text(index, None, provider_metadata, Some(citations));
                }
            }
            AgentEvent::ReasoningEnd {
                id,
                provider_metadata,
            } => {
                if let Some(index) = self.open_reasoning.remove(id) {
                    self.update_text(index, None, provider_metadata, Some(&None));
                }
            }
            AgentEvent::SourceUrl {
                source_id,
                url,
                title,
                provider_metadata,
            } => self.parts.push(Part::SourceUrl {
                source_id: source_id.clone(),
                url: url.clone(),
                title: title.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::SourceDocument {
                source_id,
                media_type,
                title,
                filename,
                provider_metadata,
            } => self.parts.push(Part::SourceDocument {
                source_id: source_id.clone(),
                media_type: media_type.clone(),
                title: title.clone(),
                filename: filename.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::File {
                url,
                media_type,
                provider_metadata,
            } => self.parts.push(Part::File {
                media_type: media_type.clone(),
                url: url.clone(),
                provider_metadata: to_value(provider_metadata),
            }),
            AgentEvent::Data {
                transient: Some(true),
                ..
            } => {}
            AgentEvent::Data {
                name,
                id,
                data,
                transient,
                extra,
            } => {
                // A part with the same type and id gets the new data; its other fields stay.
                let existing = id.as_ref().and_then(|id| {
                    self.parts.iter_mut().find_map(|part| match part {
                        Part::Data {
                            name: n,
                            id: Some(i),
                            data,
                            ..
                        } if n == name && i == id => Some(data),
                        _ => None,
                    })
                });
                match existing {
                    Some(slot) => *slot = to_value(data),
                    None => {
                        let mut fields = match to_value(extra) {
                            Some(Value::Object(fields)) => fields,
                            _ => Map::new(),
                        };
                        if let Some(transient) = transient {
                            fields.insert("transient".into(), Value::Bool(*transient));
                        }
                        self.parts.push(Part::Data {
                            name: name.clone(),
                            id: id.clone(),
                            data: to_value(data),
                            extra: fields,
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// A text or reasoning part's change: more text, provider metadata (kept when `None`),
    /// and at its end (`citations` given) done.
    pub(super) fn update_text(
        &mut self,
        index: usize,
        delta: Option<&str>,
        metadata: &Option<RawJson>,
        end: Option<&Option<RawJson>>,
    ) {
        if let Some(
            Part::Text {
                text,
                provider_metadata,
                state,
                ..
            }
            | Part::Reasoning {
                text,
                provider_metadata,
                state,
                ..
            },
        ) = self.parts.get_mut(index)
        {
            if let Some(delta) = delta {
                text.push_str(delta);
            }
            if let Some(metadata) = to_value(metadata) {
                *provider_metadata = Some(metadata);
            }
            if end.is_some() {
                *state = PartState::Done;
            }
        }
        if let Some(Some(new)) = end
            && let Some(Part::Text { citations, .. }) = self.parts.get_mut(index)
        {
            *citations = Some(js_ordered(new.to_value()));
        }
    }

    pub(super) fn set_done(&mut self, index: usize) {
        if let Some(Part::Text { state, .. } | Part::Reasoning { state, .. }) =
            self.parts.get_mut(index)
        {
            *state = PartState::Done;
        }
    }
}
