//! Tool calls: their parts, and the AI SDK's `updateToolPart` for every tool chunk.

use serde_json::Value;

use super::types::{Approval, Part, PartialCall, ToolCall, ToolState};
use super::{Transcript, to_value};
use crate::stream::event::{AgentEvent, ApprovalRequest, InputEncoding, ToolMeta};
use crate::stream::partial_json::parse_partial_json;

/// A change to a tool part, as the AI SDK's `updateToolPart` takes it: `None` fields clear the
/// part's, except where said.
#[derive(Default)]
struct ToolUpdate {
    state: Option<ToolState>,
    input: Option<Value>,
    /// The input is the partial parse of `raw_input`.
    input_pending: bool,
    input_encoding: Option<InputEncoding>,
    raw_input: Option<String>,
    output: Option<Value>,
    error_text: Option<String>,
    preliminary: Option<bool>,
    /// Kept when `None`.
    title: Option<String>,
    /// Kept when `None`.
    tool_metadata: Option<Value>,
    /// Kept when `None`.
    provider_executed: Option<bool>,
    /// Kept when `None`; the result's for output states, else the call's.
    provider_metadata: Option<Value>,
}

impl Transcript {
    /// Adds one tool event; others are not for this module.
    pub(super) fn apply_tool(&mut self, event: &AgentEvent) {
        match event {
            AgentEvent::ToolInputStart {
                tool_call_id,
                tool_name,
                meta,
            } => {
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let dynamic = meta.dynamic == Some(true);
                let partial = PartialCall {
                    text: String::new(),
                    tool_name: tool_name.clone(),
                    dynamic,
                    input_encoding: meta.input_encoding,
                    title: meta.title.clone(),
                    tool_metadata: to_value(&meta.tool_metadata),
                };
                self.partial_calls.insert(tool_call_id.clone(), partial);
                let update = ToolUpdate {
                    state: Some(ToolState::InputStreaming),
                    input_encoding: meta.input_encoding,
                    ..Self::meta_update(&meta)
                };
                self.update_tool(tool_call_id, tool_name, dynamic, None, update);
            }
            AgentEvent::ToolInputDelta {
                tool_call_id,
                delta,
            } => {
                let Some(partial) = self.partial_calls.get_mut(tool_call_id) else {
                    return;
                };
                partial.text.push_str(delta);
                let partial = partial.clone_without_text();
                let index = self.find_in_step(tool_call_id, Some(partial.dynamic));
                // The part's raw input is the text before this piece nearly always: append
                // to it instead of copying the whole text again.
                let text_len = self.partial_text_len(tool_call_id);
                let appended = index.and_then(|i| self.tool_at_mut(i)).and_then(|call| {
                    let raw = call.raw_input.as_mut()?;
                    (raw.len() + delta.len() == text_len).then(|| {
                        raw.push_str(delta);
                        std::mem::take(raw)
                    })
                });
                let raw_input = appended.unwrap_or_else(|| {
                    self.partial_calls
                        .get(tool_call_id)
                        .map(|p| p.text.clone())
                        .unwrap_or_default()
                });
                let mut update = ToolUpdate {
                    state: Some(ToolState::InputStreaming),
                    input_pending: true,
                    input_encoding: partial.input_encoding,
                    raw_input: Some(raw_input),
                    title: partial.title,
                    tool_metadata: partial.tool_metadata,
                    ..ToolUpdate::default()
                };
                if index.is_none() && partial.dynamic {
                    // A dynamic part this piece makes (its call's part is in an older step)
                    // has its input but no raw input, as `updateDynamicToolPart` makes it.
                    let text = update.raw_input.take().unwrap_or_default();
                    update.input_pending = false;
                    update.input = match partial.input_encoding {
                        Some(InputEncoding::Text) => Some(Value::String(text)),
                        _ => parse_partial_json(&text),
                    };
                }
                let tool_name = partial.tool_name;
                self.update_tool(tool_call_id, &tool_name, partial.dynamic, index, update);
            }
            AgentEvent::ToolInputAvailable {
                tool_call_id,
                tool_name,
                input,
                meta,
            } => {
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let update = ToolUpdate {
                    state: Some(ToolState::InputAvailable),
                    input: to_value(input),
                    ..Self::meta_update(&meta)
                };
                let dynamic = meta.dynamic == Some(true);
                self.update_tool(tool_call_id, tool_name, dynamic, None, update);
            }
            AgentEvent::ToolInputError {
                tool_call_id,
                tool_name,
                input,
                error_text,
                meta,
            } => {
                let meta = meta.as_deref().cloned().unwrap_or_default();
                // Dynamic when the step's part for the call is, else as the chunk says.
                let dynamic = match self.find_in_step(tool_call_id, None) {
                    Some(index) => self.tool_at(index).is_some_and(|call| call.dynamic),
                    None => meta.dynamic == Some(true),
                };
                let update = ToolUpdate {
                    state: Some(ToolState::OutputError),
                    input: to_value(input),
                    error_text: Some(error_text.clone()),
                    title: None,
                    ..Self::meta_update(&meta)
                };
                self.update_tool(tool_call_id, tool_name, dynamic, None, update);
            }
            AgentEvent::ToolOutputAvailable {
                tool_call_id,
                output,
                preliminary,
                meta,
            } => {
                let Some(index) = self.find_tool(tool_call_id) else {
                    return;
                };
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let Some(call) = self.tool_at_mut(index) else {
                    return;
                };
                call.settle_input();
                let update = ToolUpdate {
                    state: Some(ToolState::OutputAvailable),
                    input: call.input.clone(),
                    output: to_value(output),
                    preliminary: *preliminary,
                    title: call.title.clone(),
                    tool_metadata: to_value(&meta.tool_metadata).or(call.tool_metadata.clone()),
                    provider_executed: meta.provider_executed,
                    provider_metadata: to_value(&meta.provider_metadata),
                    ..ToolUpdate::default()
                };
                let (name, dynamic) = (call.tool_name.clone(), call.dynamic);
                self.update_tool(tool_call_id, &name, dynamic, Some(index), update);
            }
            AgentEvent::ToolOutputError {
                tool_call_id,
                error_text,
                meta,
            } => {
                let Some(index) = self.find_tool(tool_call_id) else {
                    return;
                };
                let meta = meta.as_deref().cloned().unwrap_or_default();
                let Some(call) = self.tool_at_mut(index) else {
                    return;
                };
                call.settle_input();
                let update = ToolUpdate {
                    state: Some(ToolState::OutputError),
                    input: call.input.clone(),
                    // The static tool's part keeps its raw input, the dynamic one's does not.
                    raw_input: if call.dynamic {
                        None
                    } else {
                        call.raw_input.clone()
                    },
                    error_text: Some(error_text.clone()),
                    title: call.title.clone(),
                    tool_metadata: to_value(&meta.tool_metadata).or(call.tool_metadata.clone()),
                    provider_executed: meta.provider_executed,
                    provider_metadata: to_value(&meta.provider_metadata),
                    ..ToolUpdate::default()
                };
                let (name, dynamic) = (call.tool_name.clone(), call.dynamic);
                self.update_tool(tool_call_id, &name, dynamic, Some(index), update);
            }
            AgentEvent::ToolApprovalRequest {
                approval_id,
                tool_call_id,
                request,
            } => {
                let request = request.as_deref().cloned().unwrap_or_default();
                if let Some(call) = self
                    .find_tool(tool_call_id)
                    .and_then(|i| self.tool_at_mut(i))
                {
                    call.state = ToolState::ApprovalRequested;
                    call.approval = Some(approval_of(approval_id, request));
                }
            }
            AgentEvent::ToolApprovalResponse {
                approval_id,
                approved,
                reason,
                provider_executed,
                provider_metadata,
            } => {
                let call = self.parts.iter_mut().find_map(|part| match part {
                    Part::Tool(call)
                        if call.approval.as_ref().is_some_and(|a| a.id == *approval_id) =>
                    {
                        Some(&mut **call)
                    }
                    _ => None,
                });
                if let Some(call) = call {
                    call.state = ToolState::ApprovalResponded;
                    let approval = call.approval.get_or_insert_with(Approval::default);
                    approval.id.clone_from(approval_id);
                    approval.approved = Some(*approved);
                    if reason.is_some() {
                        approval.reason.clone_from(reason);
                    }
                    if provider_executed.is_some() {
                        call.provider_executed = *provider_executed;
                    }
                    if let Some(metadata) = to_value(provider_metadata) {
                        call.call_provider_metadata = Some(metadata);
                    }
                }
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                if let Some(call) = self
                    .find_tool(tool_call_id)
                    .and_then(|i| self.tool_at_mut(i))
                {
                    call.state = ToolState::OutputDenied;
                }
            }
            _ => {}
        }
    }

    fn tool_at(&self, index: usize) -> Option<&ToolCall> {
        match self.parts.get(index) {
            Some(Part::Tool(call)) => Some(&**call),
            _ => None,
        }
    }

    fn tool_at_mut(&mut self, index: usize) -> Option<&mut ToolCall> {
        match self.parts.get_mut(index) {
            Some(Part::Tool(call)) => Some(&mut **call),
            _ => None,
        }
    }

    fn partial_text_len(&self, tool_call_id: &str) -> usize {
        self.partial_calls
            .get(tool_call_id)
            .map_or(0, |partial| partial.text.len())
    }

    /// The current step's part for the call, of the kind asked (dynamic or not; any: `None`).
    /// From an AI SDK 4 data stream: the message's first part for the call, in any step.
    fn find_in_step(&self, tool_call_id: &str, dynamic: Option<bool>) -> Option<usize> {
        let start = if self.data_stream {
            0
        } else {
            self.step_start()
        };
        (start..self.parts.len()).find(|&i| {
            self.tool_at(i).is_some_and(|call| {
                call.tool_call_id == tool_call_id && dynamic.is_none_or(|d| call.dynamic == d)
            })
        })
    }

    /// The call's part: the current step's, else the last one (`getToolInvocation`).
    fn find_tool(&self, tool_call_id: &str) -> Option<usize> {
        self.find_in_step(tool_call_id, None).or_else(|| {
            (0..self.parts.len()).rev().find(|&i| {
                self.tool_at(i)
                    .is_some_and(|c| c.tool_call_id == tool_call_id)
            })
        })
    }

    /// The [`ToolUpdate`] fields a tool chunk's [`ToolMeta`] sets.
    fn meta_update(meta: &ToolMeta) -> ToolUpdate {
        ToolUpdate {
            title: meta.title.clone(),
            tool_metadata: to_value(&meta.tool_metadata),
            provider_executed: meta.provider_executed,
            provider_metadata: to_value(&meta.provider_metadata),
            ..ToolUpdate::default()
        }
    }

    /// The AI SDK's `updateToolPart`/`updateDynamicToolPart`: changes the part at `index`, or
    /// the current step's part for the call, or adds one.
    fn update_tool(
        &mut self,
        tool_call_id: &str,
        tool_name: &str,
        dynamic: bool,
        index: Option<usize>,
        update: ToolUpdate,
    ) {
        let index = index.or_else(|| self.find_in_step(tool_call_id, Some(dynamic)));
        let state = update.state.unwrap_or(ToolState::InputStreaming);
        let output_state = matches!(state, ToolState::OutputAvailable | ToolState::OutputError);
        match index.and_then(|i| self.tool_at_mut(i)) {
            Some(call) => {
                call.state = state;
                call.tool_name = tool_name.to_owned();
                call.input = update.input;
                call.input_pending = update.input_pending;
                call.output = update.output;
                call.error_text = update.error_text;
                call.raw_input = update.raw_input;
                call.input_encoding = update.input_encoding;
                call.preliminary = update.preliminary;
                if update.title.is_some() {
                    call.title = update.title;
                }
                if update.tool_metadata.is_some() {
                    call.tool_metadata = update.tool_metadata;
                }
                if update.provider_executed.is_some() {
                    call.provider_executed = update.provider_executed;
                }
                if let Some(metadata) = update.provider_metadata {
                    if output_state {
                        call.result_provider_metadata = Some(metadata);
                    } else {
                        call.call_provider_metadata = Some(metadata);
                    }
                }
            }
            None => {
                let (call_metadata, result_metadata) = if output_state {
                    (None, update.provider_metadata)
                } else {
                    (update.provider_metadata, None)
                };
                self.parts.push(Part::Tool(Box::new(ToolCall {
                    tool_call_id: tool_call_id.to_owned(),
                    tool_name: tool_name.to_owned(),
                    dynamic,
                    state,
                    title: update.title,
                    tool_metadata: update.tool_metadata,
                    input: update.input,
                    input_encoding: update.input_encoding,
                    raw_input: update.raw_input,
                    output: update.output,
                    error_text: update.error_text,
                    provider_executed: update.provider_executed,
                    preliminary: update.preliminary,
                    call_provider_metadata: call_metadata,
                    result_provider_metadata: result_metadata,
                    approval: None,
                    input_pending: update.input_pending,
                })));
            }
        }
    }
}

fn approval_of(approval_id: &str, request: ApprovalRequest) -> Approval {
    Approval {
        id: approval_id.to_owned(),
        // As the SDK: a `null` descriptor is no descriptor.
        descriptor: to_value(&request.descriptor).filter(|d| !d.is_null()),
        input_schema_input: to_value(&request.input_schema_input),
        request_reason: request.reason,
        is_automatic: request.is_automatic == Some(true),
        signature: request.signature,
        approved: None,
        reason: None,
    }
}
