//! The SDK's stream decoder against the real AI SDK: the same bytes (written by `ai` 7 and
//! `ai` 4, see `fixtures/ai-sdk/`) must give the chunks the SDK parses and the message its
//! `readUIMessageStream` builds, however the bytes are chunked.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use mintlify_agent::stream::{AgentEvent, Decoder, Protocol, Transcript};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/ai-sdk")
            .join(name),
    )
    .unwrap()
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

/// Decodes `body` pushed in the given pieces, with the protocol sniffed.
fn decode(body: &[u8], cuts: &[usize]) -> Vec<AgentEvent> {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    let mut last = 0;
    for &cut in cuts.iter().chain(std::iter::once(&body.len())) {
        decoder.push(&body[last..cut]);
        last = cut;
        while let Some(event) = decoder.next_event() {
            events.push(event.unwrap());
        }
    }
    decoder.finish();
    while let Some(event) = decoder.next_event() {
        events.push(event.unwrap());
    }
    events
}

/// An event written back as the UI message stream chunk it came from, without the `null`
/// fields the AI SDK leaves out.
fn ui_chunk(event: &AgentEvent) -> Value {
    let mut chunk = event.to_ui_chunk();
    if let Value::Object(fields) = &mut chunk {
        fields.retain(|_, value| !value.is_null());
    }
    chunk
}

#[test]
fn ui_message_stream_gives_the_chunks_the_ai_sdk_parses() {
    let events = decode(&fixture("ui-message-stream.sse"), &[]);
    let ours: Vec<Value> = events.iter().map(ui_chunk).collect();
    let theirs = fixture_json("ui-message-stream.json")["chunks"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(ours.len(), theirs.len());
    for (i, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(ours, theirs, "chunk {i}");
    }
}

#[test]
fn the_transcript_is_the_message_read_ui_message_stream_builds() {
    let mut transcript = Transcript::new();
    for event in decode(&fixture("ui-message-stream.sse"), &[]) {
        transcript.apply(&event);
    }
    assert_eq!(
        transcript.to_ui_message(),
        fixture_json("ui-message-stream.json")["message"]
    );
    assert_eq!(transcript.finish_reason.as_deref(), Some("stop"));
    let todos = transcript.todos().unwrap();
    assert_eq!(todos.len(), 2);
    assert!(
        todos
            .iter()
            .all(|t| t.status.as_ref().unwrap().as_str() == "completed")
    );
    let calls: Vec<&str> = transcript
        .tool_calls()
        .map(|c| c.tool_name.as_str())
        .collect();
    assert_eq!(calls, ["read_file", "edit_file"]);
}

/// An event as the AI SDK 4 `processDataStream` callback it corresponds to: (name, value).
fn data_stream_call(event: &AgentEvent, message_id: &str) -> Option<(String, Value)> {
    let call = |name: &str, value: Value| Some((name.to_owned(), value));
    match event {
        AgentEvent::Start { .. } => None,
        AgentEvent::StartStep => call("start_step", json!({ "messageId": message_id })),
        AgentEvent::TextDelta { delta, .. } => call("text", json!(delta)),
        AgentEvent::ReasoningDelta { delta, .. } => call("reasoning", json!(delta)),
        AgentEvent::Data { name, id, data, .. } => call(
            "data",
            json!([{ "type": format!("data-{name}"), "id": id, "data": data }]),
        ),
        AgentEvent::ToolInputStart {
            tool_call_id,
            tool_name,
        } => call(
            "tool_call_streaming_start",
            json!({ "toolCallId": tool_call_id, "toolName": tool_name }),
        ),
        AgentEvent::ToolInputDelta {
            tool_call_id,
            delta,
        } => call(
            "tool_call_delta",
            json!({ "toolCallId": tool_call_id, "argsTextDelta": delta }),
        ),
        AgentEvent::ToolInputAvailable {
            tool_call_id,
            tool_name,
            input,
        } => call(
            "tool_call",
            json!({ "toolCallId": tool_call_id, "toolName": tool_name, "args": input.to_value() }),
        ),
        AgentEvent::ToolOutputAvailable {
            tool_call_id,
            output,
            ..
        } => call(
            "tool_result",
            json!({ "toolCallId": tool_call_id, "result": output.to_value() }),
        ),
        AgentEvent::FinishStep => call("finish_step", Value::Null),
        AgentEvent::Finish { finish_reason, .. } => {
            call("finish_message", json!({ "finishReason": finish_reason }))
        }
        other => panic!("not in the fixture: {other:?}"),
    }
}

#[test]
fn data_stream_gives_the_parts_ai_sdk_4_processes() {
    let events = decode(&fixture("data-stream.txt"), &[]);
    let Some(AgentEvent::Start {
        message_id: Some(message_id),
        ..
    }) = events.first()
    else {
        panic!("{events:?}")
    };
    let ours: Vec<(String, Value)> = events
        .iter()
        .filter_map(|e| data_stream_call(e, message_id))
        .collect();
    let theirs: Vec<(String, Value)> = fixture_json("data-stream.json")["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| {
            let name = call[0].as_str().unwrap().to_owned();
            let value = match name.as_str() {
                // We keep the step and message finish reasons where the UI stream has them.
                "finish_step" => Value::Null,
                "finish_message" => json!({ "finishReason": call[1]["finishReason"] }),
                _ => call[1].clone(),
            };
            (name, value)
        })
        .collect();
    assert_eq!(ours, theirs);

    // The same run through both protocols builds the same text, tools and todos.
    let mut from_v4 = Transcript::new();
    events.iter().for_each(|e| from_v4.apply(e));
    let mut from_ui = Transcript::new();
    decode(&fixture("ui-message-stream.sse"), &[])
        .iter()
        .for_each(|e| from_ui.apply(e));
    assert_eq!(from_v4.text(), from_ui.text());
    assert_eq!(
        from_v4.tool_calls().collect::<Vec<_>>(),
        from_ui.tool_calls().collect::<Vec<_>>()
    );
    let json = |t: &Transcript| serde_json::to_value(t.todos()).unwrap();
    assert_eq!(json(&from_v4), json(&from_ui));
    assert_eq!(from_v4.message_id, from_ui.message_id);
}

#[test]
fn protocols_are_sniffed_from_the_fixtures() {
    for (name, protocol) in [
        ("ui-message-stream.sse", Protocol::UiMessageStream),
        ("data-stream.txt", Protocol::DataStream),
    ] {
        let mut decoder = Decoder::new();
        decoder.push(&fixture(name)[..40]);
        assert_eq!(
            decoder.protocol(),
            None,
            "decided when events are asked for"
        );
        let _ = decoder.next_event();
        assert_eq!(decoder.protocol(), Some(protocol), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any chunking, even inside a JSON string or a multi-byte character, gives the same events.
    #[test]
    fn rechunking_the_fixtures_changes_nothing(cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..40), crlf in any::<bool>()) {
        for name in ["ui-message-stream.sse", "data-stream.txt"] {
            let mut body = fixture(name);
            if crlf {
                body = String::from_utf8(body).unwrap().replace('\n', "\r\n").into_bytes();
            }
            let whole = decode(&body, &[]);
            let mut at: Vec<usize> = cuts.iter().map(|i| i.index(body.len() + 1)).collect();
            at.sort_unstable();
            prop_assert_eq!(decode(&body, &at), whole, "{} cut at {:?}", name, at);
        }
    }
}
