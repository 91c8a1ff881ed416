//! The encoder against the real AI SDK: `tests/fixtures/ai-sdk/` holds what `ai` 4.x and a current
//! `ai` wrote for the events of `run.json` (see `generate.mjs` there).

#![allow(clippy::unwrap_used)]

use std::path::Path;

use mintlify_agent_testkit::stream::{Encoder, Protocol, RunEvent, Usage};
use serde_json::Value;
use serde_json::value::RawValue;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/ai-sdk")
            .join(name),
    )
    .unwrap()
}

/// JSON text without the white space outside strings, key order untouched.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

fn events() -> Vec<RunEvent> {
    let run: Value = serde_json::from_slice(&fixture("run.json")).unwrap();
    let text = String::from_utf8(fixture("run.json")).unwrap();
    let compacted: Value = serde_json::from_str(&compact(&text)).unwrap();
    assert_eq!(run, compacted, "compacting changed the meaning of run.json");
    #[derive(serde::Deserialize)]
    struct Run {
        events: Vec<Flat>,
    }
    serde_json::from_str::<Run>(&compact(&text))
        .unwrap()
        .events
        .into_iter()
        .map(Flat::event)
        .collect()
}

/// An event of run.json, every field optional (a flat struct can hold raw JSON values, a tagged
/// enum cannot).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Flat {
    kind: String,
    message_id: Option<String>,
    id: Option<String>,
    deltas: Option<Vec<String>>,
    name: Option<String>,
    data: Option<Box<RawValue>>,
    tool_call_id: Option<String>,
    tool_name: Option<String>,
    input_deltas: Option<Vec<String>>,
    input: Option<Box<RawValue>>,
    output: Option<Box<RawValue>>,
    message: Option<String>,
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

impl Flat {
    fn event(self) -> RunEvent {
        match self.kind.as_str() {
            "start" => RunEvent::Start {
                message_id: self.message_id.unwrap(),
            },
            "stepStart" => RunEvent::StepStart,
            "reasoning" => RunEvent::Reasoning {
                id: self.id.unwrap(),
                deltas: self.deltas.unwrap(),
            },
            "text" => RunEvent::Text {
                id: self.id.unwrap(),
                deltas: self.deltas.unwrap(),
            },
            "data" => RunEvent::Data {
                name: self.name.unwrap(),
                id: self.id.unwrap(),
                data: self.data.unwrap(),
            },
            "toolCall" => RunEvent::ToolCall {
                tool_call_id: self.tool_call_id.unwrap(),
                tool_name: self.tool_name.unwrap(),
                input_deltas: self.input_deltas.unwrap(),
                input: self.input.unwrap(),
                output: self.output.unwrap(),
            },
            "error" => RunEvent::Error {
                message: self.message.unwrap(),
            },
            "stepFinish" => RunEvent::StepFinish {
                finish_reason: self.finish_reason.unwrap(),
                usage: self.usage.unwrap(),
            },
            "finish" => RunEvent::Finish {
                finish_reason: self.finish_reason.unwrap(),
                usage: self.usage.unwrap(),
            },
            other => panic!("unknown kind {other}"),
        }
    }
}

fn encode(protocol: Protocol) -> Vec<u8> {
    Encoder::new(protocol, false).body(&events())
}

fn assert_same_bytes(ours: &[u8], theirs: &[u8]) {
    if ours != theirs {
        let ours = String::from_utf8_lossy(ours);
        let theirs = String::from_utf8_lossy(theirs);
        let line = ours
            .lines()
            .zip(theirs.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "differs from the AI SDK at line {}:\n ours:   {:?}\n theirs: {:?}",
            line + 1,
            ours.lines().nth(line),
            theirs.lines().nth(line)
        );
    }
}

fn fixture_headers(name: &str) -> Vec<(String, String)> {
    let meta: Value = serde_json::from_slice(&fixture(name)).unwrap();
    meta["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn our_headers(protocol: Protocol) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = protocol
        .headers()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    headers.sort();
    headers
}

#[test]
fn ui_message_stream_is_byte_identical_to_the_ai_sdk() {
    assert_same_bytes(
        &encode(Protocol::UiMessageStream),
        &fixture("ui-message-stream.sse"),
    );
    assert_eq!(
        our_headers(Protocol::UiMessageStream),
        fixture_headers("ui-message-stream.json")
    );
}

#[test]
fn data_stream_is_byte_identical_to_ai_sdk_4() {
    assert_same_bytes(&encode(Protocol::DataStream), &fixture("data-stream.txt"));
    assert_eq!(
        our_headers(Protocol::DataStream),
        fixture_headers("data-stream.json")
    );
}

#[test]
fn text_protocol_is_the_text_alone() {
    let text = String::from_utf8(encode(Protocol::Text)).unwrap();
    assert!(
        text.starts_with("I'll add a quickstart guide for you.\nTricky text: "),
        "{text}"
    );
    assert!(text.ends_with("https://github.com/acme/docs/pull/42"));
}

#[test]
fn extra_fields_reach_every_chunk_and_keep_it_valid_json() {
    let mut encoder = Encoder::new(Protocol::UiMessageStream, true);
    for event in events() {
        for frame in encoder.encode(&event) {
            let text = std::str::from_utf8(&frame).unwrap();
            let json: Value =
                serde_json::from_str(text.strip_prefix("data: ").unwrap().trim_end()).unwrap();
            assert!(json["x_testkit_extra"].is_object(), "{text}");
        }
    }
}
