//! Which parts and tool calls of a UI message stream are open, so that a chunk for another one
//! is refused as the AI SDK refuses it (`UIMessageStreamError`).

use crate::stream::event::AgentEvent;

/// How many part ids and tool call ids of each kind the decoder remembers to check chunks.
pub(in crate::stream) const MAX_REMEMBERED_IDS: usize = 4096;

/// Open text and reasoning parts and known tool calls, by id. Lists, searched from the newest:
/// a chunk is nearly always for the part opened last.
#[derive(Debug, Default)]
pub(super) struct OpenParts {
    text: Vec<String>,
    reasoning: Vec<String>,
    tool_calls: Vec<String>,
}

impl OpenParts {
    /// Takes note of the parts `event` opens or closes; for a chunk whose part is not open, its
    /// chunk type and id instead.
    pub(super) fn check<'e>(&mut self, event: &'e AgentEvent) -> Option<(&'static str, &'e str)> {
        let missing = match event {
            AgentEvent::TextStart { id, .. } => {
                open(&mut self.text, id);
                None
            }
            AgentEvent::ResetStep => {
                self.text.clear();
                self.reasoning.clear();
                None
            }
            AgentEvent::ReasoningStart { id, .. } => {
                open(&mut self.reasoning, id);
                None
            }
            AgentEvent::ToolInputStart { tool_call_id, .. }
            | AgentEvent::ToolInputAvailable { tool_call_id, .. }
            | AgentEvent::ToolInputError { tool_call_id, .. } => {
                open(&mut self.tool_calls, tool_call_id);
                None
            }
            AgentEvent::TextDelta { id, .. } => {
                (!known(&self.text, id)).then_some(("text-delta", id))
            }
            AgentEvent::TextEnd { id, .. } => (!known(&self.text, id)).then_some(("text-end", id)),
            AgentEvent::ReasoningDelta { id, .. } => {
                (!known(&self.reasoning, id)).then_some(("reasoning-delta", id))
            }
            AgentEvent::ReasoningEnd { id, .. } => {
                (!known(&self.reasoning, id)).then_some(("reasoning-end", id))
            }
            AgentEvent::ToolInputDelta { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-input-delta", tool_call_id))
            }
            AgentEvent::ToolOutputAvailable { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-output-available", tool_call_id))
            }
            AgentEvent::ToolOutputError { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-output-error", tool_call_id))
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-output-denied", tool_call_id))
            }
            AgentEvent::ToolApprovalRequest { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-approval-request", tool_call_id))
            }
            _ => None,
        };
        if missing.is_some() {
            return missing.map(|(kind, id)| (kind, id.as_str()));
        }
        match event {
            AgentEvent::TextEnd { id, .. } => close(&mut self.text, id),
            AgentEvent::ReasoningEnd { id, .. } => close(&mut self.reasoning, id),
            _ => {}
        }
        None
    }
}

fn open(ids: &mut Vec<String>, id: &str) {
    // An id already known stays once: a run that reuses ids does not fill the list.
    if ids.len() < MAX_REMEMBERED_IDS && !ids.iter().rev().any(|known| known == id) {
        ids.push(id.to_owned());
    }
}

/// Whether `id` is in the list; beyond the limit nothing is refused: an id may have been
/// forgotten.
fn known(ids: &[String], id: &str) -> bool {
    ids.len() >= MAX_REMEMBERED_IDS || ids.iter().rev().any(|known| known == id)
}

/// Forgets the part `id` (the newest of that id).
fn close(ids: &mut Vec<String>, id: &str) {
    if let Some(at) = ids.iter().rposition(|open| open == id) {
        ids.remove(at);
    }
}
