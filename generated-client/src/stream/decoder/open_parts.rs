//! What the AI SDK's message reader has open, so that a chunk it would fail on
//! (`UIMessageStreamError`) is refused here too: text and reasoning parts, tool calls whose input
//! streams, tool parts (this step's and older ones) and approvals, all forgotten where the
//! reader forgets them (`reset-step` drops the step's parts, a `start` with another message id
//! starts the message over).

use crate::stream::event::AgentEvent;

/// How many ids of each kind the decoder remembers to check chunks.
pub(in crate::stream) const MAX_REMEMBERED_IDS: usize = 4096;

/// The reader's state, by id. Lists, searched from the newest: a chunk is nearly always for the
/// part opened last.
#[derive(Debug, Default)]
pub(super) struct OpenParts {
    /// The message's id (`""` until a `start` gives one).
    message_id: String,
    text: Vec<String>,
    reasoning: Vec<String>,
    /// Calls a `tool-input-start` began (the reader's `partialToolCalls`).
    partial: Vec<String>,
    /// Calls with a tool part in the current step, and in the steps before.
    step_tools: Vec<String>,
    old_tools: Vec<String>,
    /// Approvals asked: (approval id, call id, whether the call's part is in this step).
    approvals: Vec<(String, String, bool)>,
}

/// What AI SDK 4's chat client has of the data stream's tool calls: a `c` delta needs its `b`
/// start, an `a` result a call (`b` or `9`), or it throws.
#[derive(Debug, Default)]
pub(super) struct V4Calls {
    partial: Vec<String>,
    calls: Vec<String>,
}

impl V4Calls {
    /// As [`OpenParts::check`], for a data stream part's event.
    pub(super) fn check<'e>(&mut self, event: &'e AgentEvent) -> Option<(&'static str, &'e str)> {
        match event {
            AgentEvent::ToolInputStart { tool_call_id, .. } => {
                open(&mut self.partial, tool_call_id);
                open(&mut self.calls, tool_call_id);
            }
            AgentEvent::ToolInputAvailable { tool_call_id, .. } => {
                open(&mut self.calls, tool_call_id)
            }
            AgentEvent::ToolInputDelta { tool_call_id, .. }
                if !known(&self.partial, tool_call_id) =>
            {
                return Some(("tool_call_delta", tool_call_id));
            }
            AgentEvent::ToolOutputAvailable { tool_call_id, .. }
                if !known(&self.calls, tool_call_id) =>
            {
                return Some(("tool_result", tool_call_id));
            }
            _ => {}
        }
        None
    }
}

impl OpenParts {
    /// Takes note of what `event` opens or closes; for a chunk the reader would fail on, its
    /// chunk type and id instead (nothing is noted then).
    pub(super) fn check<'e>(&mut self, event: &'e AgentEvent) -> Option<(&'static str, &'e str)> {
        let missing = match event {
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
                (!known(&self.partial, tool_call_id)).then_some(("tool-input-delta", tool_call_id))
            }
            AgentEvent::ToolOutputAvailable { tool_call_id, .. } => {
                (!self.has_part(tool_call_id)).then_some(("tool-output-available", tool_call_id))
            }
            AgentEvent::ToolOutputError { tool_call_id, .. } => {
                (!self.has_part(tool_call_id)).then_some(("tool-output-error", tool_call_id))
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                (!self.has_part(tool_call_id)).then_some(("tool-output-denied", tool_call_id))
            }
            AgentEvent::ToolApprovalRequest { tool_call_id, .. } => {
                (!self.has_part(tool_call_id)).then_some(("tool-approval-request", tool_call_id))
            }
            AgentEvent::ToolApprovalResponse { approval_id, .. } => {
                let asked = self.approvals.len() >= MAX_REMEMBERED_IDS
                    || self.approvals.iter().any(|(id, ..)| id == approval_id);
                (!asked).then_some(("tool-approval-response", approval_id))
            }
            _ => None,
        };
        if missing.is_some() {
            return missing.map(|(kind, id)| (kind, id.as_str()));
        }
        self.note(event);
        None
    }

    /// The reader's state after `event`, which it accepts.
    fn note(&mut self, event: &AgentEvent) {
        match event {
            AgentEvent::Start {
                message_id: Some(id),
                ..
            } if *id != self.message_id => {
                *self = Self {
                    message_id: id.clone(),
                    ..Self::default()
                };
            }
            AgentEvent::StartStep => {
                let step = std::mem::take(&mut self.step_tools);
                for id in step {
                    open(&mut self.old_tools, &id);
                }
                for approval in &mut self.approvals {
                    approval.2 = false;
                }
            }
            AgentEvent::ResetStep => {
                self.text.clear();
                self.reasoning.clear();
                self.partial.clear();
                self.step_tools.clear();
                self.approvals.retain(|(_, _, in_step)| !in_step);
            }
            AgentEvent::TextStart { id, .. } => open(&mut self.text, id),
            AgentEvent::ReasoningStart { id, .. } => open(&mut self.reasoning, id),
            AgentEvent::TextEnd { id, .. } => close(&mut self.text, id),
            AgentEvent::ReasoningEnd { id, .. } => close(&mut self.reasoning, id),
            AgentEvent::ToolInputStart { tool_call_id, .. } => {
                open(&mut self.partial, tool_call_id);
                open(&mut self.step_tools, tool_call_id);
            }
            // A delta for a call whose part is in an older step makes one in this step.
            AgentEvent::ToolInputDelta { tool_call_id, .. }
            | AgentEvent::ToolInputAvailable { tool_call_id, .. }
            | AgentEvent::ToolInputError { tool_call_id, .. } => {
                open(&mut self.step_tools, tool_call_id);
            }
            AgentEvent::ToolApprovalRequest {
                approval_id,
                tool_call_id,
                ..
            } => {
                // The approval goes on the step's part for the call, else on its last one, and
                // replaces the one that part had.
                let in_step = self.step_tools.iter().any(|id| id == tool_call_id);
                self.approvals
                    .retain(|(_, call, step)| !(call == tool_call_id && *step == in_step));
                if self.approvals.len() < MAX_REMEMBERED_IDS {
                    self.approvals
                        .push((approval_id.clone(), tool_call_id.clone(), in_step));
                }
            }
            _ => {}
        }
    }

    fn has_part(&self, tool_call_id: &str) -> bool {
        known(&self.step_tools, tool_call_id) || known(&self.old_tools, tool_call_id)
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
