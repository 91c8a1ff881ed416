//! A [`Transcript`] as AI SDK 4's chat client (`processChatResponse`) shapes its message: the
//! shape both AI SDK 4 suites compare with (the fixtures in `stream_decoding`, the random cases
//! in `stream_differential_v4`). What differs between them (a tool invocation's step and
//! arguments, the message's id, the `toolInvocations` list) is the caller's.

use mintlify_agent::stream::{Part, ReasoningDetail, ToolCall, ToolState, Transcript};
use serde_json::{Value, json};

/// The message's parts, each tool call's invocation made by `invocation` from the call and its
/// AI SDK 4 state (`partial-call`, `call`, `result`), and the reasoning text that AI SDK 4 keeps
/// beside the parts. `2` data parts are left out: AI SDK 4 keeps them apart from the message
/// (useChat's `data`).
pub fn parts(
    transcript: &Transcript,
    mut invocation: impl FnMut(&ToolCall, &str) -> Value,
) -> (Vec<Value>, Option<String>) {
    let mut reasoning: Option<String> = None;
    let parts = transcript
        .parts
        .iter()
        .filter(|part| !matches!(part, Part::Data { .. }))
        .map(|part| match part {
            Part::StepStart => json!({ "type": "step-start" }),
            Part::Text { text, .. } => json!({ "type": "text", "text": text }),
            Part::Reasoning { text, details, .. } => {
                if details
                    .iter()
                    .any(|d| matches!(d, ReasoningDetail::Text { .. }))
                {
                    reasoning.get_or_insert_default().push_str(text);
                }
                let details: Vec<Value> = details.iter().map(reasoning_detail).collect();
                json!({ "type": "reasoning", "reasoning": text, "details": details })
            }
            Part::Tool(call) => {
                let state = match call.state {
                    ToolState::InputStreaming => "partial-call",
                    ToolState::InputAvailable => "call",
                    ToolState::OutputAvailable => "result",
                    other => panic!("no AI SDK 4 state: {other:?}"),
                };
                json!({ "type": "tool-invocation", "toolInvocation": invocation(call, state) })
            }
            Part::SourceUrl {
                source_id,
                url,
                title,
                provider_metadata,
            } => {
                let mut source = json!({ "sourceType": "url", "id": source_id, "url": url });
                if let Some(title) = title {
                    source["title"] = json!(title);
                }
                if let Some(metadata) = provider_metadata {
                    source["providerMetadata"] = metadata.clone();
                }
                json!({ "type": "source", "source": source })
            }
            Part::File {
                media_type, url, ..
            } => {
                let data = url.split_once(";base64,").map_or(url.as_str(), |(_, d)| d);
                json!({ "type": "file", "mimeType": media_type, "data": data })
            }
            other => panic!("not in AI SDK 4: {other:?}"),
        })
        .collect();
    (parts, reasoning)
}

/// A tool invocation as AI SDK 4 writes it: its state and step, and the arguments and result
/// it has so far.
pub fn invocation(call: &ToolCall, state: &str, step: u64) -> Value {
    let mut invocation = json!({
        "state": state, "step": step,
        "toolCallId": call.tool_call_id, "toolName": call.tool_name,
    });
    if let Some(args) = call.partial_input() {
        invocation["args"] = args;
    }
    if let Some(output) = &call.output {
        invocation["result"] = output.clone();
    }
    invocation
}

/// The message with `id` (`null` when none): `parts` and `reasoning` from [`parts`], the text
/// of the transcript, and the
/// `toolInvocations` and `annotations` lists when they are not empty.
pub fn message(
    id: Value,
    transcript: &Transcript,
    (parts, reasoning): (Vec<Value>, Option<String>),
    invocations: &[Value],
) -> Value {
    let mut message = json!({
        "id": id, "role": "assistant", "content": transcript.text(), "parts": parts
    });
    if !invocations.is_empty() {
        message["toolInvocations"] = json!(invocations);
    }
    if !transcript.annotations.is_empty() {
        message["annotations"] = json!(transcript.annotations);
    }
    if let Some(reasoning) = reasoning {
        message["reasoning"] = json!(reasoning);
    }
    message
}

fn reasoning_detail(detail: &ReasoningDetail) -> Value {
    match detail {
        ReasoningDetail::Text { text, signature } => {
            let mut detail = json!({ "type": "text", "text": text });
            if let Some(signature) = signature {
                detail["signature"] = json!(signature);
            }
            detail
        }
        ReasoningDetail::Redacted { data } => json!({ "type": "redacted", "data": data }),
        other => panic!("{other:?}"),
    }
}
