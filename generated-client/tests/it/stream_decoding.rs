//! The SDK's stream decoder against the real AI SDK: the same bytes (written by `ai` 7 and
//! `ai` 4, see `fixtures/ai-sdk/`) must give the chunks the SDK parses and the message its
//! `readUIMessageStream` builds, however the bytes are chunked.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use mintlify_agent::stream::{AgentEvent, Decoder, Protocol, Transcript};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{ai4, js_numbers};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/ai-sdk")
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

/// An event written back as the UI message stream chunk it came from: fields it did not have
/// are left out, as the AI SDK leaves them out (`null` only where it was sent).
fn ui_chunk(event: &AgentEvent) -> Value {
    event.to_ui_chunk()
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
            ..
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
            input: Some(input),
            ..
        } => call(
            "tool_call",
            json!({ "toolCallId": tool_call_id, "toolName": tool_name, "args": input.to_value() }),
        ),
        AgentEvent::ToolOutputAvailable {
            tool_call_id,
            output: Some(output),
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

/// Every event of `body` pushed in pieces cut at `cuts`, with errors as their message and plain
/// text joined (it comes out as it is pushed); `finish` says whether the end is signalled. Also
/// builds a transcript from the events, as a reader would.
fn decode_any(
    decoder: Decoder,
    body: &[u8],
    cuts: &[usize],
    finish: bool,
) -> (Option<Protocol>, Vec<String>) {
    let mut decoder = decoder;
    let mut out = Vec::new();
    let mut text = String::new();
    let mut transcript = Transcript::new();
    let mut take = |event: Result<AgentEvent, mintlify_agent::stream::StreamError>,
                    out: &mut Vec<String>,
                    text: &mut String| {
        if let Ok(event) = &event {
            transcript.apply(event);
            // Serialized (raw values as they came) and as a Value (parsed): the same JSON,
            // unless a value is nested deeper than a Value can be parsed.
            let text = serde_json::to_string(event).unwrap();
            if let Ok(value) = serde_json::from_str::<Value>(&text) {
                assert_eq!(value, event.to_ui_chunk(), "{text}");
            }
        }
        match event {
            Ok(AgentEvent::TextDelta { id, delta, .. }) if id.is_empty() || id == "text-1" => {
                text.push_str(&delta)
            }
            other => {
                if !text.is_empty() {
                    out.push(format!("text {:?}", std::mem::take(text)));
                }
                out.push(match other {
                    Ok(event) => format!("{event:?}"),
                    Err(error) => format!("error: {error}"),
                });
            }
        }
    };
    let mut last = 0;
    for &cut in cuts.iter().chain(std::iter::once(&body.len())) {
        decoder.push(&body[last..cut]);
        last = cut;
        while let Some(event) = decoder.next_event() {
            take(event, &mut out, &mut text);
        }
    }
    if finish {
        decoder.finish();
        while let Some(event) = decoder.next_event() {
            take(event, &mut out, &mut text);
        }
    }
    if !text.is_empty() {
        out.push(format!("text {text:?}"));
    }
    let message = transcript.to_ui_message();
    let serialized = serde_json::to_value(&transcript).unwrap();
    assert_eq!(serialized["parts"], message["parts"]);
    assert_eq!(
        serialized["messageId"].as_str().unwrap_or_default(),
        message["id"]
    );
    (decoder.protocol(), out)
}

/// Cut points in `0..=len` from arbitrary indices, sorted.
fn cut_points(cuts: &[prop::sample::Index], len: usize) -> Vec<usize> {
    let mut at: Vec<usize> = cuts.iter().map(|i| i.index(len + 1)).collect();
    at.sort_unstable();
    at
}

/// A body that sniffing has to think about: first lines of every protocol, short and longer
/// than the 512 bytes sniffing looks at, with line ends of every kind, and a byte order mark.
fn sniffable_body() -> impl Strategy<Value = Vec<u8>> {
    let first = prop_oneof![
        Just("data: {\"type\":\"start\"}".to_owned()),
        Just(": ping".to_owned()),
        Just("event: x".to_owned()),
        "[0-9a-z]:\"[a-z ]{0,700}\"",
        "[0-9a-z]:\\[\"[a-z]{0,700}\"\\] ?x?",
        "[0-9a-z]:\\{\"a\":[0-9]{0,700}",
        "[a-zA-Z :]{0,700}",
        "[\r\n]{0,700}",
    ];
    let rest = prop_oneof![
        Just(String::new()),
        Just("\n\ndata: {\"type\":\"start-step\"}\n\n".to_owned()),
        Just("\n0:\"more\"\n".to_owned()),
        Just("\r\nplain text\r".to_owned()),
    ];
    (any::<bool>(), first, rest).prop_map(|(bom, first, rest)| {
        let mut body = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        body.extend_from_slice(first.as_bytes());
        body.extend_from_slice(rest.as_bytes());
        body
    })
}

/// A JSON value of any shape, some nested deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A UI message stream chunk of a known or unknown type, its fields of any type.
fn ui_chunk_json() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        Just("start"),
        Just("start-step"),
        Just("finish-step"),
        Just("text-start"),
        Just("text-delta"),
        Just("text-end"),
        Just("reasoning-start"),
        Just("reasoning-delta"),
        Just("reasoning-end"),
        Just("tool-input-start"),
        Just("tool-input-delta"),
        Just("tool-input-available"),
        Just("tool-input-error"),
        Just("tool-output-available"),
        Just("tool-output-error"),
        Just("tool-approval-request"),
        Just("tool-approval-response"),
        Just("tool-output-denied"),
        Just("source-url"),
        Just("source-document"),
        Just("file"),
        Just("data-todos"),
        Just("message-metadata"),
        Just("error"),
        Just("abort"),
        Just("finish"),
        Just("reset-step"),
        Just("custom"),
        Just("brand-new"),
    ];
    let field = prop_oneof![
        Just("id"),
        Just("delta"),
        Just("messageId"),
        Just("toolCallId"),
        Just("toolName"),
        Just("inputTextDelta"),
        Just("input"),
        Just("output"),
        Just("data"),
        Just("errorText"),
        Just("messageMetadata"),
        Just("finishReason"),
        Just("url"),
        Just("title"),
        Just("mediaType"),
        Just("approvalId"),
        Just("approved"),
        Just("preliminary"),
        Just("transient"),
        Just("sourceId"),
        Just("reason"),
    ];
    let same_ids = prop_oneof![Just(json!("a")), Just(json!("b")), Just(json!(""))];
    let value = prop_oneof![json_value(), same_ids];
    (kind, prop::collection::vec((field, value), 0..6), 0..3u8).prop_map(|(kind, fields, deep)| {
        let mut chunk = serde_json::Map::new();
        chunk.insert("type".into(), json!(kind));
        for (field, value) in fields {
            chunk.insert(field.into(), value);
        }
        let text = Value::Object(chunk).to_string();
        match deep {
            // Deeper than serde_json parses into a `Value`.
            0 => text.replacen(
                '{',
                &format!("{{\"input\":{}1{},", "[".repeat(300), "]".repeat(300)),
                1,
            ),
            _ => text,
        }
    })
}

/// SSE that is valid or nearly: data lines of random chunks, comments, `[DONE]`, broken JSON,
/// split data lines, line ends of every kind.
fn sse_body() -> impl Strategy<Value = Vec<u8>> {
    let event = prop_oneof![
        4 => ui_chunk_json().prop_map(|c| format!("data: {c}\n\n")),
        1 => ui_chunk_json().prop_map(|c| {
            let half = c.len() / 2;
            let cut = (0..=half).rev().find(|&i| c.is_char_boundary(i)).unwrap_or(0);
            format!("data:{}\r\ndata: {}\r\n\r\n", &c[..cut], &c[cut..])
        }),
        1 => Just(": keep-alive\n".to_owned()),
        1 => Just("data: [DONE]\n\n".to_owned()),
        1 => "data: \\{[a-z\":,]{0,20}\n\n",
        1 => "[a-z]{0,6}: [^\r\n]{0,20}\r",
    ];
    prop::collection::vec(event, 0..24).prop_map(|events| events.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Sniffing and decoding do not depend on how the body is split.
    #[test]
    fn any_chunking_gives_the_protocol_and_events_of_one_push(
        body in sniffable_body(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        limit in prop_oneof![Just(usize::MAX), 16..600usize],
    ) {
        let decoder = || Decoder::new().max_event_bytes(limit);
        let whole = decode_any(decoder(), &body, &[], true);
        prop_assert_eq!(decode_any(decoder(), &body, &cut_points(&cuts, body.len()), true), whole);
        // A push per byte, too.
        let every: Vec<usize> = (1..body.len()).collect();
        prop_assert_eq!(decode_any(decoder(), &body, &every, true), decode_any(decoder(), &body, &[], true));
    }

    /// Whatever the bytes, the decoder and the transcript never panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..2048),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        protocol in prop_oneof![Just(None), Just(Some(Protocol::UiMessageStream)), Just(Some(Protocol::DataStream)), Just(Some(Protocol::Text))],
        limit in prop_oneof![Just(usize::MAX), 1..300usize],
        finish in any::<bool>(),
    ) {
        let decoder = protocol.map_or_else(Decoder::new, Decoder::with_protocol).max_event_bytes(limit);
        decode_any(decoder, &body, &cut_points(&cuts, body.len()), finish);
    }

    /// Nearly valid SSE with chunks of every type and fields of any type: no panic, and the
    /// same events however it is split.
    #[test]
    fn random_ui_chunks_never_panic(
        body in sse_body(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        finish in any::<bool>(),
        sniffed in any::<bool>(),
    ) {
        let decoder = || if sniffed { Decoder::new() } else { Decoder::with_protocol(Protocol::UiMessageStream) };
        let whole = decode_any(decoder(), &body, &[], finish);
        prop_assert_eq!(decode_any(decoder(), &body, &cut_points(&cuts, body.len()), finish), whole);
    }

    /// The frequent chunks are read by a shortcut when `type` comes first, as servers write
    /// it, and by the full reader otherwise: either way the same event (or the same refusal),
    /// whatever fields of whatever type they carry.
    #[test]
    fn where_type_is_written_does_not_change_the_event(
        kind in prop_oneof![
            Just("text-delta"), Just("reasoning-delta"), Just("text-start"), Just("text-end"),
            Just("reasoning-start"), Just("reasoning-end"), Just("tool-input-delta"),
            Just("tool-input-start"), Just("tool-input-available"), Just("tool-output-available"),
            Just("start-step"), Just("finish-step"), Just("reset-step"),
        ],
        // Each field of the frequent chunks, present or not, of the right type mostly; now and
        // then a field of another chunk type.
        fields in prop::collection::vec(prop::option::weighted(0.5, prop_oneof![
            3 => Just(json!("a")),
            1 => Just(json!({ "acme": { "k": 1 } })),
            1 => Just(json!({ "acme": { "constructor": 1 } })),
            1 => Just(json!({ "constructor": { "prototype": 1 } })),
            1 => json_value(),
        ]), 8),
        foreign in prop::option::weighted(0.1, prop_oneof![Just("title"), Just("dynamic"), Just("citations")]),
    ) {
        // The fields of the kind's own family, and a foreign one now and then.
        let names: &[&str] = if kind.starts_with("tool") {
            &["toolCallId", "toolName", "inputTextDelta", "input", "output", "providerMetadata", "id", "delta"]
        } else {
            &["id", "delta", "providerMetadata", "toolCallId", "input", "output", "toolName", "inputTextDelta"]
        };
        // Mostly the first three (or five): a chunk with other fields takes the full reader.
        let keep = if kind.starts_with("tool") { 6 } else { 3 };
        let mut fields: Vec<(&str, Value)> = names
            .iter()
            .zip(fields)
            .enumerate()
            .filter(|(i, _)| *i < keep || foreign.is_some())
            .filter_map(|(_, (name, value))| value.map(|v| (*name, v)))
            .collect();
        if let Some(foreign) = foreign {
            fields.push((foreign, json!(true)));
        }
        let mut rest = serde_json::Map::new();
        for (field, value) in fields {
            rest.insert(field.into(), value);
        }
        let rest = Value::Object(rest).to_string();
        let inner = &rest[1..rest.len() - 1];
        let sep = if inner.is_empty() { "" } else { "," };
        let first = format!("{{\"type\":\"{kind}\"{sep}{inner}}}");
        let last = format!("{{{inner}{sep}\"type\":\"{kind}\"}}");
        let decode_one = |json: &str| {
            let mut decoder = Decoder::with_protocol(Protocol::UiMessageStream)
                .continue_after_missing_part(true);
            // Parts opened first, so that no chunk is refused for a missing part.
            decoder.push(b"data: {\"type\":\"text-start\",\"id\":\"a\"}\n\ndata: {\"type\":\"reasoning-start\",\"id\":\"a\"}\n\ndata: {\"type\":\"tool-input-start\",\"toolCallId\":\"a\",\"toolName\":\"t\"}\n\n");
            decoder.push(format!("data: {json}\n\n").as_bytes());
            decoder.finish();
            let events: Vec<String> = std::iter::from_fn(|| decoder.next_event())
                .skip(3)
                .map(|e| match e {
                    Ok(AgentEvent::Unknown { .. }) => "refused".to_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            events
        };
        prop_assert_eq!(decode_one(&first), decode_one(&last), "{} / {}", first, last);
    }

    /// The data stream with parts of every code and values of any type.
    #[test]
    fn random_data_stream_parts_never_panic(
        parts in prop::collection::vec(("[0-9a-k]", json_value()), 0..24),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        finish in any::<bool>(),
    ) {
        let body: String = parts.iter().map(|(code, value)| format!("{code}:{value}\n")).collect();
        let whole = decode_any(Decoder::new(), body.as_bytes(), &[], finish);
        prop_assert_eq!(decode_any(Decoder::new(), body.as_bytes(), &cut_points(&cuts, body.len()), finish), whole);
    }
}

/// Decodes `body` in one push or byte by byte, leniently or in strict mode (which stops at the
/// first error, as the AI SDK's message reader does, so it gives at most one): every event, and
/// the errors' messages.
fn decode_all(body: &[u8], strict: bool, byte_by_byte: bool) -> (Vec<AgentEvent>, Vec<String>) {
    let mut decoder = Decoder::new().strict(strict);
    let (mut events, mut errors) = (Vec::new(), Vec::new());
    let pieces: Vec<&[u8]> = if byte_by_byte {
        body.chunks(1).collect()
    } else {
        vec![body]
    };
    let mut take = |decoder: &mut Decoder| {
        while let Some(event) = decoder.next_event() {
            match event {
                Ok(event) => events.push(event),
                Err(e) => errors.push(e.to_string()),
            }
        }
    };
    for piece in pieces {
        decoder.push(piece);
        take(&mut decoder);
    }
    decoder.finish();
    take(&mut decoder);
    (events, errors)
}

/// Chunk lists equal, the first difference named.
fn assert_same_chunks(ours: &[Value], theirs: &[Value], what: &str) {
    for (i, (ours, theirs)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(ours, theirs, "{what}: chunk {i}");
    }
    assert_eq!(ours.len(), theirs.len(), "{what}: chunks");
}

/// Every case of `ui-message-stream-edge-cases.json` (among them every chunk type of the pinned
/// schema with every optional field set), in one push and byte by byte: the chunks
/// `parseJsonEventStream` gives (a refused one is `Unknown` here), the message
/// `readUIMessageStream` builds, field by field, and where strict mode stops.
#[test]
fn edge_cases_decode_as_the_ai_sdk_reads_them() {
    let fixture = fixture_json("ui-message-stream-edge-cases.json");
    for (name, case) in fixture["cases"].as_object().unwrap() {
        let body = case["body"].as_str().unwrap().as_bytes();
        let sdk_chunks = case["chunks"].as_array().unwrap();
        // The reader reports `error` chunks too; the others are processing errors, which end
        // its stream.
        let error_chunks: Vec<&Value> = sdk_chunks
            .iter()
            .filter(|c| c["type"] == "error")
            .map(|c| &c["errorText"])
            .collect();
        let processing: Vec<&Value> = case["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !error_chunks.contains(e))
            .collect();
        let refused = sdk_chunks.iter().position(|c| c.get("error").is_some());
        for byte_by_byte in [false, true] {
            let what = format!("{name}, byte by byte: {byte_by_byte}");
            if processing.is_empty() {
                let (events, errors) = decode_all(body, false, byte_by_byte);
                let ours: Vec<Value> = events
                    .iter()
                    .map(|event| match event {
                        AgentEvent::Unknown { .. } => json!("refused"),
                        event => ui_chunk(event),
                    })
                    .collect();
                let theirs: Vec<Value> = sdk_chunks
                    .iter()
                    .map(|c| match c.get("error") {
                        Some(_) => json!("refused"),
                        None => c.clone(),
                    })
                    .collect();
                assert_same_chunks(&ours, &theirs, &what);
                let mut transcript = Transcript::new();
                events.iter().for_each(|e| transcript.apply(e));
                assert_same_message(&transcript.to_ui_message(), &case["message"], &what);
                assert_eq!(json!(transcript.errors), json!(error_chunks), "{what}");
                assert!(
                    errors.iter().all(|e| name.starts_with("unterminated")
                        && e.contains("ended inside the event")),
                    "{what}: {errors:?}"
                );
            } else {
                // Where the SDK's reader failed, the run and its transcript end too.
                let (events, errors) = decode_all(body, false, byte_by_byte);
                let mut transcript = Transcript::new();
                events.iter().for_each(|e| transcript.apply(e));
                assert_same_message(&transcript.to_ui_message(), &case["message"], &what);
                assert_processing_error(processing[0], &errors, &transcript, &what);
            }
            let (events, errors) = decode_all(body, true, byte_by_byte);
            assert!(
                errors.len() <= 1,
                "strict mode stops at the first error: {errors:?}"
            );
            let error = errors.into_iter().next();
            let ours: Vec<Value> = events.iter().map(ui_chunk).collect();
            match (processing.first(), refused, &error) {
                // Strict mode stops at the first chunk the schema refuses, as useChat does.
                (None, Some(at), Some(ours_error)) => {
                    assert_eq!(
                        ours,
                        sdk_chunks[..at],
                        "{what}: chunks before the refused one"
                    );
                    assert!(
                        ours_error.starts_with("invalid chunk"),
                        "{what}: {ours_error}"
                    );
                }
                // Where the SDK's reader failed, it had parsed the chunk it failed on.
                (Some(theirs), None, Some(ours_error)) => {
                    assert_eq!(ours, sdk_chunks[..ours.len()], "{what}: chunks");
                    let mut transcript = Transcript::new();
                    events.iter().for_each(|e| transcript.apply(e));
                    assert_same_message(&transcript.to_ui_message(), &case["message"], &what);
                    let id = theirs.as_str().unwrap().split('"').nth(1).unwrap();
                    assert!(
                        ours_error.contains("for missing part") && ours_error.contains(id),
                        "{what}: {ours_error}"
                    );
                }
                // A failure only the message sees (metadata that does not merge).
                (Some(theirs), None, None) => {
                    let mut transcript = Transcript::new();
                    events.iter().for_each(|e| transcript.apply(e));
                    assert_same_message(&transcript.to_ui_message(), &case["message"], &what);
                    assert_processing_error(theirs, &[], &transcript, &what);
                }
                (None, None, error) => {
                    assert_eq!(ours, *sdk_chunks, "{what}: chunks");
                    if let Some(error) = error {
                        assert!(
                            name.starts_with("unterminated")
                                && error.contains("ended inside the event"),
                            "{what}: {error}"
                        );
                    }
                }
                other => panic!("{what}: {other:?}"),
            }
        }
    }
}

/// The message the SDK's reader built, as ours: the same JSON, and the values the server sent
/// (metadata, tool input and output, data, provider and tool metadata) with their keys in the
/// same order, JavaScript's. The keys of the message and its parts, which the readers write, are
/// compared as sets.
fn assert_same_message(ours: &Value, theirs: &Value, what: &str) {
    assert_eq!(ours, theirs, "{what}: message");
    let text = |message: &Value| {
        let mut message = message.clone();
        if let Some(fields) = message.as_object_mut() {
            fields.sort_keys();
        }
        for part in message["parts"].as_array_mut().into_iter().flatten() {
            if let Some(fields) = part.as_object_mut() {
                fields.sort_keys();
            }
        }
        message.to_string()
    };
    assert_eq!(text(ours), text(theirs), "{what}: the order of keys");
}

/// The SDK reader's processing error `theirs` is ours: a missing part (a decoding error naming
/// its id) or metadata that does not merge (the transcript's failure, naming the key
/// JavaScript's `for…in` meets first, as the SDK's `TypeError` does).
fn assert_processing_error(theirs: &Value, errors: &[String], transcript: &Transcript, what: &str) {
    let theirs = theirs.as_str().unwrap();
    if let Some(rest) = theirs.strip_prefix("Cannot use 'in' operator to search for '") {
        let key = rest.rsplit_once("' in ").unwrap().0;
        assert!(
            transcript
                .failure
                .as_deref()
                .is_some_and(|f| f.starts_with(&format!("metadata: cannot merge the key {key:?}"))),
            "{what}: {:?}, theirs {theirs:?}",
            transcript.failure
        );
        assert!(errors.is_empty(), "{what}: {errors:?}");
    } else {
        let id = theirs.split('"').nth(1).unwrap();
        assert!(
            errors.len() == 1 && errors[0].contains("for missing part") && errors[0].contains(id),
            "{what}: {errors:?}"
        );
    }
}

/// The fixtures hold every chunk type of the pinned `uiMessageChunkSchema` (generate.mjs lists
/// them from the schema itself), each parsed by the SDK, so that a type the SDK gains fails here
/// until a case covers it.
#[test]
fn the_fixtures_cover_every_chunk_type_of_the_schema() {
    let fixture = fixture_json("ui-message-stream-edge-cases.json");
    let types = fixture["schemaChunkTypes"].as_array().unwrap();
    assert!(types.len() >= 30, "{types:?}");
    let seen: Vec<&str> = fixture["cases"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|case| case["chunks"].as_array().unwrap())
        .filter_map(|chunk| chunk["type"].as_str())
        .collect();
    for kind in types {
        let kind = kind.as_str().unwrap();
        let covered = match kind.strip_suffix('*') {
            Some(prefix) => seen.iter().any(|s| s.starts_with(prefix)),
            None => seen.contains(&kind),
        };
        assert!(
            covered,
            "no fixture case has a {kind} chunk: add one to generate.mjs"
        );
    }
}

/// A streamed tool input reads as the AI SDK's `parsePartialJson` reads it, for every prefix of
/// some JSON (strings with escapes, numbers, literals cut anywhere).
#[test]
fn partial_tool_input_is_what_parse_partial_json_makes_of_it() {
    let fixture = fixture_json("ui-message-stream-edge-cases.json");
    let cases = fixture["partialJson"].as_array().unwrap();
    assert!(cases.len() > 100);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let mut transcript = Transcript::new();
        let chunks = [
            json!({ "type": "tool-input-start", "toolCallId": "c", "toolName": "t" }),
            json!({ "type": "tool-input-delta", "toolCallId": "c", "inputTextDelta": text }),
        ];
        let body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
        decode(body.as_bytes(), &[])
            .iter()
            .for_each(|e| transcript.apply(e));
        let call = transcript.tool_calls().next().unwrap();
        // JavaScript has one number type: `-12.5e3` is the integer -12500 there.
        assert_eq!(
            call.partial_input().map(js_numbers),
            case.get("value").cloned().map(js_numbers),
            "{text:?}"
        );
        assert_eq!(call.raw_input.as_deref(), Some(text));
    }
}

/// The same for AI SDK 4: every part code its parser knows appears in a case.
#[test]
fn the_fixtures_cover_every_ai_sdk_4_part_code() {
    let fixture = fixture_json("data-stream-edge-cases.json");
    let codes = fixture["partCodes"].as_array().unwrap();
    assert_eq!(codes.len(), 16, "{codes:?}");
    let lines: Vec<String> = fixture["cases"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|case| {
            let body = case["body"].as_str().unwrap().to_owned();
            body.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    for code in codes {
        let code = code.as_str().unwrap();
        assert!(
            lines
                .iter()
                .any(|line| line.starts_with(&format!("{code}:"))),
            "no fixture case has a {code}: part: add one to generate.mjs"
        );
    }
}

/// Decodes `body` (sniffed) in one push or byte by byte, dropping nothing: errors fail.
fn decode_pieces(body: &[u8], byte_by_byte: bool) -> Vec<AgentEvent> {
    let cuts: Vec<usize> = if byte_by_byte {
        (1..body.len()).collect()
    } else {
        Vec::new()
    };
    decode(body, &cuts)
}

/// The transcript as AI SDK 4's chat client (`processChatResponse`) shapes its message. The
/// step of each tool call (the count of `e` parts before its last `b` or `9`) comes from the
/// events; everything else from the transcript.
fn v4_message(transcript: &Transcript, events: &[AgentEvent]) -> Value {
    let mut step = 0;
    let mut steps = std::collections::HashMap::new();
    for event in events {
        match event {
            AgentEvent::FinishStep | AgentEvent::ContinuedStep => step += 1,
            AgentEvent::ToolInputStart { tool_call_id, .. }
            | AgentEvent::ToolInputAvailable { tool_call_id, .. } => {
                steps.insert(tool_call_id.clone(), step);
            }
            _ => {}
        }
    }
    let mut invocations = Vec::new();
    let parts = ai4::parts(transcript, |call, state| {
        let invocation = ai4::invocation(call, state, steps[&call.tool_call_id]);
        invocations.push(invocation.clone());
        invocation
    });
    ai4::message(
        json!(transcript.message_id),
        transcript,
        parts,
        &invocations,
    )
}

/// An AI SDK 4 data item as useChat's `data` list holds it (our `Data` event, written back).
fn v4_data_item(event: &AgentEvent) -> Option<Value> {
    let AgentEvent::Data { name, id, data, .. } = event else {
        return None;
    };
    let data = data.as_ref().map(|d| d.to_value());
    Some(match (name.as_str(), id) {
        ("data", None) => data.unwrap_or(Value::Null),
        (name, id) => {
            let mut item = json!({ "type": format!("data-{name}"), "data": data });
            if let Some(id) = id {
                item["id"] = json!(id);
            }
            item
        }
    })
}

#[test]
fn data_stream_edge_cases_build_what_ai_sdk_4_builds() {
    let fixture = fixture_json("data-stream-edge-cases.json");
    for (name, case) in fixture["cases"].as_object().unwrap() {
        let body = case["body"].as_str().unwrap().as_bytes();
        for byte_by_byte in [false, true] {
            let what = format!("{name}, byte by byte: {byte_by_byte}");
            let (events, errors) = decode_all(body, false, byte_by_byte);
            let mut transcript = Transcript::new();
            // The chat client throws at an error part, and at a tool part for a call it does
            // not have (a missing part here, which ends the stream): what came after is not in
            // its message.
            let upto = events
                .iter()
                .position(|e| matches!(e, AgentEvent::Error { .. }))
                .unwrap_or(events.len());
            events[..upto].iter().for_each(|e| transcript.apply(e));
            let ours_error = match (events.get(upto), errors.as_slice()) {
                (Some(error), []) => Some(ui_chunk(error)["errorText"].clone()),
                (None, [missing]) => {
                    assert!(missing.contains("for missing part"), "{what}: {missing}");
                    Some(json!("missing part"))
                }
                (None, []) => None,
                other => panic!("{what}: {other:?}"),
            };
            let theirs_error = case.get("error").map(|e| match e.as_str().unwrap() {
                "tool_result must be preceded by a tool_call"
                | "Cannot read properties of undefined (reading 'text')" => json!("missing part"),
                _ => e.clone(),
            });
            assert_eq!(ours_error, theirs_error, "{what}");
            assert_eq!(
                v4_message(&transcript, &events[..upto]),
                case["message"],
                "{what}"
            );
            let data: Vec<Value> = events[..upto].iter().filter_map(v4_data_item).collect();
            assert_eq!(json!(data), case["data"], "{what}: useChat's data");
        }
    }
}

#[test]
fn plain_text_is_framed_as_text_stream_chat_transport_frames_it() {
    let fixture = fixture_json("text-stream.json");
    let body = fixture["body"].as_str().unwrap().as_bytes();
    for byte_by_byte in [false, true] {
        let events = decode_pieces(body, byte_by_byte);
        // The SDK read the body in one piece: join the deltas to compare.
        let mut chunks: Vec<Value> = Vec::new();
        for chunk in events.iter().map(ui_chunk) {
            match chunks.last_mut() {
                Some(last) if last["type"] == "text-delta" && chunk["type"] == "text-delta" => {
                    let joined = format!(
                        "{}{}",
                        last["delta"].as_str().unwrap(),
                        chunk["delta"].as_str().unwrap()
                    );
                    last["delta"] = json!(joined);
                }
                _ => chunks.push(chunk),
            }
        }
        assert_eq!(
            json!(chunks),
            fixture["chunks"],
            "byte by byte: {byte_by_byte}"
        );
        let mut transcript = Transcript::new();
        events.iter().for_each(|e| transcript.apply(e));
        assert_eq!(transcript.to_ui_message(), fixture["message"]);
    }
}

/// One `2:` line of many tiny items must not queue an event per item without bound: past
/// `MAX_PART_ITEMS` the part is passed on whole, and the items before the limit still work.
#[test]
fn a_data_part_with_too_many_items_is_one_unknown_event() {
    use mintlify_agent::stream::MAX_PART_ITEMS;
    let items = |n: usize| vec!["0"; n].join(",");
    // A start step first, so that the message's implied start comes before the part.
    let within = format!("f:{{\"messageId\":\"m\"}}\n2:[{}]\n", items(MAX_PART_ITEMS));
    let mut decoder = Decoder::with_protocol(Protocol::DataStream);
    decoder.push(within.as_bytes());
    decoder.finish();
    let count = std::iter::from_fn(|| decoder.next_event())
        .filter(|e| matches!(e, Ok(AgentEvent::Data { .. })))
        .count();
    assert_eq!(count, MAX_PART_ITEMS);

    let beyond = format!(
        "f:{{\"messageId\":\"m\"}}\n2:[{}]\n0:\"after\"\n",
        items(2_000_000)
    );
    let mut decoder = Decoder::with_protocol(Protocol::DataStream);
    decoder.push(beyond.as_bytes());
    decoder.finish();
    let events: Vec<_> = std::iter::from_fn(|| decoder.next_event())
        .map(Result::unwrap)
        .skip(2) // the start and its step
        .collect();
    assert_eq!(events.len(), 2, "{:?}", &events[..events.len().min(3)]);
    assert!(matches!(&events[0], AgentEvent::Unknown { raw } if raw.len() > 4_000_000));
    assert!(matches!(&events[1], AgentEvent::TextDelta { delta, .. } if delta == "after"));
}
