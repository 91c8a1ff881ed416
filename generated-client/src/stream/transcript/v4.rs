//! What the AI SDK 4 data stream does to the message where the UI message stream differs: text
//! and reasoning parts no chunk opens, reasoning details, steps that continue, annotations.

use super::Transcript;
use super::types::{Part, PartState, ReasoningDetail};
use crate::stream::event::AgentEvent;
use crate::stream::js_order::js_ordered;

impl Transcript {
    /// Adds one v4 event; others are not for this module.
    pub(super) fn apply_v4(&mut self, event: &AgentEvent) {
        match event {
            AgentEvent::RedactedReasoning { data } => {
                // As AI SDK 4: on the open reasoning part, or a new one; text after it is a
                // new detail.
                let index = self.v4_reasoning_part();
                if let Some(Part::Reasoning { details, .. }) = self.parts.get_mut(index) {
                    details.push(ReasoningDetail::Redacted { data: data.clone() });
                }
                self.v4.detail = None;
            }
            AgentEvent::ReasoningSignature { signature } => {
                if let (Some(part), Some(detail)) = (self.v4.reasoning, self.v4.detail)
                    && let Some(Part::Reasoning { details, .. }) = self.parts.get_mut(part)
                    && let Some(ReasoningDetail::Text {
                        signature: slot, ..
                    }) = details.get_mut(detail)
                {
                    *slot = Some(signature.clone());
                }
            }
            AgentEvent::Annotations { annotations } => self
                .annotations
                .extend(annotations.iter().map(|a| js_ordered(a.to_value()))),
            _ => {}
        }
    }

    /// AI SDK 4 text (a `0` part): appended to the step's text part, or a new one.
    pub(super) fn v4_text(&mut self, delta: &str) {
        let index = match self.v4.text {
            Some(index) => index,
            None => {
                self.parts.push(Part::Text {
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: None,
                    citations: None,
                });
                self.v4.text = Some(self.parts.len() - 1);
                self.parts.len() - 1
            }
        };
        if let Some(Part::Text { text, .. }) = self.parts.get_mut(index) {
            text.push_str(delta);
        }
    }

    /// The step's AI SDK 4 reasoning part, opened if none is.
    pub(super) fn v4_reasoning_part(&mut self) -> usize {
        match self.v4.reasoning {
            Some(index) => index,
            None => {
                self.parts.push(Part::Reasoning {
                    id: String::new(),
                    text: String::new(),
                    state: PartState::Streaming,
                    provider_metadata: None,
                    details: Vec::new(),
                });
                self.v4.reasoning = Some(self.parts.len() - 1);
                self.parts.len() - 1
            }
        }
    }

    /// AI SDK 4 reasoning (a `g` part): appended to the step's reasoning part and its text
    /// detail, or to new ones.
    pub(super) fn v4_reasoning(&mut self, delta: &str) {
        let index = self.v4_reasoning_part();
        let Some(Part::Reasoning { text, details, .. }) = self.parts.get_mut(index) else {
            return;
        };
        text.push_str(delta);
        match self.v4.detail.and_then(|d| details.get_mut(d)) {
            Some(ReasoningDetail::Text { text, .. }) => text.push_str(delta),
            _ => {
                details.push(ReasoningDetail::Text {
                    text: delta.to_owned(),
                    signature: None,
                });
                self.v4.detail = Some(details.len() - 1);
            }
        }
    }

    /// The end of an AI SDK 4 step (`e`): its text part stays open when the next step
    /// continues it, its reasoning part closes.
    pub(super) fn end_v4_step(&mut self, continued: bool) {
        if !continued && let Some(index) = self.v4.text.take() {
            self.set_done(index);
        }
        if let Some(index) = self.v4.reasoning.take() {
            self.set_done(index);
        }
        self.v4.detail = None;
    }

    /// The end of the message (`d`): the data stream's parts have no end, the message's is
    /// theirs.
    pub(super) fn end_v4_message(&mut self) {
        for index in [self.v4.text, self.v4.reasoning].into_iter().flatten() {
            self.set_done(index);
        }
    }
}
