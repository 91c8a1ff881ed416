use super::*;

fn decode(protocol: Option<Protocol>, chunks: &[&[u8]]) -> Vec<Result<AgentEvent, String>> {
    let mut decoder = protocol.map_or_else(Decoder::new, Decoder::with_protocol);
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        while let Some(event) = decoder.next_event() {
            out.push(event.map_err(|e| e.to_string()));
        }
    }
    decoder.finish();
    while let Some(event) = decoder.next_event() {
        out.push(event.map_err(|e| e.to_string()));
    }
    out
}

fn delta(text: &str) -> Result<AgentEvent, String> {
    Ok(AgentEvent::TextDelta {
        id: "t".into(),
        delta: text.into(),
        provider_metadata: None,
    })
}

#[test]
fn sse_framing_in_all_its_forms() {
    let body = b"data: {\"type\":\"text-start\",\"id\":\"t\"}\n\n: keep-alive\r\nevent: message\r\nid: 7\r\nretry: 1000\r\ndata:{\"type\":\"text-delta\",\r\ndata: \"id\":\"t\",\"delta\":\"a\"}\r\n\r\ndata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"b\"}\r\rdata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"c\"}\n\ndata: [DONE]\n\ndata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"after\"}";
    assert_eq!(
        decode(None, &[body]),
        [
            Ok(AgentEvent::TextStart {
                id: "t".into(),
                provider_metadata: None,
            }),
            delta("a"),
            delta("b"),
            delta("c"),
            Err("the body ended inside the event at line 16 (byte 261); dropped".into())
        ],
        "an event without its blank line is dropped, as the AI SDK drops it"
    );
    // Every split point gives the same events.
    let whole = decode(None, &[body]);
    for at in 0..body.len() {
        assert_eq!(
            decode(None, &[&body[..at], &body[at..]]),
            whole,
            "split at {at}"
        );
    }
}

#[test]
fn malformed_json_is_an_error_that_says_where() {
    let body = b"data: {\"type\":\"start\"}\n\ndata: {\"type\":\n\ndata: {\"type\":\"finish\"}\n\n";
    let events = decode(None, &[body]);
    assert_eq!(events.len(), 3);
    let error = events[1].clone().unwrap_err();
    assert!(
        error.starts_with("invalid JSON at line 3 (byte 24): "),
        "{error}"
    );
    assert_eq!(
        events[2],
        Ok(AgentEvent::Finish {
            finish_reason: None,
            metadata: None
        }),
        "the stream goes on"
    );
}

#[test]
fn data_stream_lines() {
    let body = "f:{\"messageId\":\"m\"}\n0:\"Hé\"\r\n0:\"llo\"\nnot a part\nz:{\"new\":1}\nd:{\"finishReason\":\"stop\"}";
    let events = decode(None, &[body.as_bytes()]);
    assert_eq!(
        events[0],
        Ok(AgentEvent::Start {
            message_id: Some("m".into()),
            metadata: None
        })
    );
    assert_eq!(events[1], Ok(AgentEvent::StartStep));
    assert_eq!(
        events[2],
        Ok(AgentEvent::TextDelta {
            id: String::new(),
            delta: "Hé".into(),
            provider_metadata: None,
        })
    );
    assert!(
        events[4].clone().unwrap_err().contains("line 4"),
        "{:?}",
        events[4]
    );
    assert_eq!(
        events[5],
        Ok(AgentEvent::Unknown {
            raw: "z:{\"new\":1}".into()
        })
    );
    assert_eq!(
        events[6],
        Ok(AgentEvent::Finish {
            finish_reason: Some("stop".into()),
            metadata: None
        })
    );
}

#[test]
fn plain_text_waits_for_whole_characters() {
    let text = "Hé 🦀!".as_bytes();
    let mut joined = String::new();
    for at in 0..text.len() {
        let events = decode(Some(Protocol::Text), &[&text[..at], &text[at..]]);
        joined.clear();
        for event in events {
            if let Ok(AgentEvent::TextDelta { delta, .. }) = event {
                joined.push_str(&delta);
            }
        }
        assert_eq!(joined, "Hé 🦀!", "split at {at}");
    }
    let broken = decode(Some(Protocol::Text), &[b"ok\xff", b"\xf0\x9f"]);
    assert_eq!(
        broken[3],
        Ok(AgentEvent::TextDelta {
            id: TEXT_ID.into(),
            delta: "ok".into(),
            provider_metadata: None,
        })
    );
    assert!(broken[4].is_err() && broken[5].is_err(), "{broken:?}");
    assert_eq!(
        broken[6..],
        [
            Ok(AgentEvent::TextEnd {
                id: TEXT_ID.into(),
                provider_metadata: None,
                citations: None,
            }),
            Ok(AgentEvent::FinishStep),
            Ok(AgentEvent::Finish {
                finish_reason: None,
                metadata: None
            })
        ]
    );
}

#[test]
fn the_protocol_is_sniffed_from_the_first_line() {
    assert_eq!(sniff(b"data: {}", false), Some(Protocol::UiMessageStream));
    assert_eq!(sniff(b"\n: ping\n", false), Some(Protocol::UiMessageStream));
    assert_eq!(sniff(b"0:\"hi\"\n", false), Some(Protocol::DataStream));
    assert_eq!(sniff(b"0:\"h", false), None);
    assert_eq!(sniff(b"eve", false), None, "could still become `event:`");
    assert_eq!(sniff(b"Hel", false), Some(Protocol::Text), "cannot");
    assert_eq!(sniff(b"eve", true), Some(Protocol::Text));
    assert_eq!(
        sniff(b"Hello there, I will", false),
        Some(Protocol::Text),
        "six bytes tell"
    );
    assert_eq!(sniff(b"Hello\n", false), Some(Protocol::Text));
    assert_eq!(sniff(b"a: not json\n", false), Some(Protocol::Text));
}

/// Events as strings (plain text joined: it comes as it is pushed), to compare runs.
fn decode_with(decoder: Decoder, body: &[u8], chunk: usize) -> (Vec<String>, u64) {
    let mut decoder = decoder;
    let mut out: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut take = |event: Result<AgentEvent, StreamError>, out: &mut Vec<String>| match event {
        Ok(AgentEvent::TextDelta { id, delta, .. }) if id.is_empty() || id == TEXT_ID => {
            text.push_str(&delta)
        }
        other => {
            if !text.is_empty() {
                out.push(format!("text {:?}", std::mem::take(&mut text)));
            }
            out.push(format!("{other:?}"));
        }
    };
    for piece in body.chunks(chunk.max(1)) {
        decoder.push(piece);
        while let Some(event) = decoder.next_event() {
            take(event, &mut out);
        }
    }
    decoder.finish();
    while let Some(event) = decoder.next_event() {
        take(event, &mut out);
    }
    take(Ok(AgentEvent::StartStep), &mut out);
    out.pop();
    (out, decoder.scanned)
}

#[test]
fn line_ends_are_searched_once_whatever_the_chunking() {
    // One 4 MiB line pushed a byte at a time: each byte is searched once, not once per push.
    let mut body = b"data: \"".to_vec();
    body.resize(4 << 20, b'x');
    body.extend_from_slice(b"\"\n\ndata: {\"type\":\"start-step\"}\n\n");
    for protocol in [Protocol::UiMessageStream, Protocol::DataStream] {
        let (events, scanned) = decode_with(Decoder::with_protocol(protocol), &body, 1);
        assert!(!events.is_empty());
        assert!(
            scanned <= 2 * body.len() as u64,
            "{protocol:?}: {scanned} bytes searched for {}",
            body.len()
        );
    }
    // A line too long to keep: the bytes skipped are searched once too.
    let decoder = Decoder::with_protocol(Protocol::UiMessageStream).max_event_bytes(1024);
    let (events, scanned) = decode_with(decoder, &body, 1);
    assert!(events[0].contains("LineTooLong"), "{events:?}");
    assert!(events[1].contains("StartStep"), "{events:?}");
    assert!(scanned <= 2 * body.len() as u64, "{scanned}");
}

#[test]
fn a_line_longer_than_the_limit_is_an_error_and_skipped() {
    let long = "x".repeat(300);
    let after = "data: {\"type\":\"error\",\"errorText\":\"after\"}\n\n";
    // In the middle of an SSE event (which goes with it), alone, or cut off by the end.
    let bodies = [
        format!("data: {{\"type\":\n: {long}\ndata: \"start-step\"}}\n\n{after}"),
        format!("data: \"{long}\"\r\n\r\n{after}"),
        format!("{after}data: \"{long}\""),
    ];
    for body in &bodies {
        let whole = decode_with(
            Decoder::new().max_event_bytes(256),
            body.as_bytes(),
            usize::MAX,
        )
        .0;
        for chunk in [1, 7, 255, 256, 257] {
            let chunked =
                decode_with(Decoder::new().max_event_bytes(256), body.as_bytes(), chunk).0;
            assert_eq!(chunked, whole, "{body:?} in {chunk}-byte pushes");
        }
        let errors: Vec<_> = whole.iter().filter(|e| e.starts_with("Err")).collect();
        assert_eq!(errors.len(), 1, "{whole:?}");
        assert!(
            errors[0].contains("LineTooLong") && errors[0].contains("limit: 256"),
            "{whole:?}"
        );
        assert!(whole.iter().any(|e| e.contains("\"after\"")), "{whole:?}");
        assert!(
            !whole.iter().any(|e| e.contains("StartStep")),
            "the event goes with its line: {whole:?}"
        );
    }
    let (events, _) = decode_with(Decoder::new().max_event_bytes(256), bodies[0].as_bytes(), 1);
    assert!(events[0].contains("offset: 15, line: 2"), "{events:?}");

    // The data stream: the line alone goes (after the message start the first part implies).
    let body = format!("0:\"a\"\n0:\"{long}\"\n0:\"b\"\n");
    let (events, _) = decode_with(Decoder::new().max_event_bytes(256), body.as_bytes(), 3);
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(events[0].contains("Start"), "{events:?}");
    assert!(
        events[2].contains("LineTooLong { offset: 6, line: 2"),
        "{events:?}"
    );
    assert!(events[3].contains("\"b\""), "{events:?}");
}

#[test]
fn an_endless_event_is_dropped_and_memory_stays_bounded() {
    let mut decoder = Decoder::with_protocol(Protocol::UiMessageStream).max_event_bytes(1 << 16);
    let mut errors = 0;
    for _ in 0..100_000 {
        decoder.push(b"data: 0123456789012345678901234567890123456789\n");
        while let Some(event) = decoder.next_event() {
            assert!(matches!(
                event,
                Err(StreamError::EventTooLarge {
                    offset: 0,
                    line: 1,
                    ..
                })
            ));
            errors += 1;
        }
        assert!(decoder.buffer.len() + decoder.sse_data.capacity() < 3 << 16);
    }
    assert_eq!(errors, 1, "one error per event");
    decoder.push(b"\ndata: {\"type\":\"start-step\"}\n\n");
    assert!(matches!(
        decoder.next_event(),
        Some(Ok(AgentEvent::StartStep))
    ));

    // An endless line, pushed in big pieces: its bytes are dropped as they come.
    let mut decoder = Decoder::new().max_event_bytes(1 << 16);
    decoder.push(b"data: ");
    let piece = vec![b'x'; 1 << 15];
    for _ in 0..1000 {
        decoder.push(&piece);
        while decoder.next_event().is_some() {}
        assert!(decoder.buffer.len() < 3 << 16);
    }
}

#[test]
fn a_byte_order_mark_is_dropped() {
    let bodies: [&[u8]; 3] = [
        b"\xEF\xBB\xBFdata: {\"type\":\"start-step\"}\n\n",
        b"\xEF\xBB\xBFf:{\"messageId\":\"m\"}\n",
        b"\xEF\xBB\xBFhi",
    ];
    for (body, protocol) in bodies.iter().zip([
        Protocol::UiMessageStream,
        Protocol::DataStream,
        Protocol::Text,
    ]) {
        for decoder in [Decoder::new(), Decoder::with_protocol(protocol)] {
            for chunk in [1, 2, usize::MAX] {
                let mut decoder = decoder_like(&decoder);
                decoder.push(&body[..body.len().min(chunk)]);
                let (events, _) = decode_with(decoder, &body[body.len().min(chunk)..], chunk);
                assert!(
                    !events.is_empty() && !events.iter().any(|e| e.starts_with("Err")),
                    "{events:?}"
                );
                assert!(!events.iter().any(|e| e.contains('\u{feff}')), "{events:?}");
            }
        }
    }
}

fn decoder_like(decoder: &Decoder) -> Decoder {
    decoder
        .protocol
        .map_or_else(Decoder::new, Decoder::with_protocol)
}

#[test]
fn sniffing_reads_the_same_bytes_whatever_the_split() {
    let json = format!("[\"{}\"]", "y".repeat(600));
    let bodies = [
        format!("0:{json}\n0:\"z\"\n"),
        format!("2:{json} trailing\n"),
        format!("Hello {}\n", "h".repeat(600)),
        format!("{}data: {{}}\n\n", "\n".repeat(600)),
    ];
    for body in &bodies {
        let whole = decode_with(Decoder::new(), body.as_bytes(), usize::MAX).0;
        for chunk in [1, 5, 100, 511, 512, 513, 600] {
            assert_eq!(
                decode_with(Decoder::new(), body.as_bytes(), chunk).0,
                whole,
                "{chunk}"
            );
        }
    }
}

/// A chunk the SDK's reader would fail on ends the stream by default; with
/// `continue_after_missing_part` (the old lenient behaviour, asked for) it goes on.
#[test]
fn chunks_for_parts_never_started_are_errors_and_strict_mode_stops() {
    let body = b"data: {\"type\":\"text-delta\",\"id\":\"x\",\"delta\":\"a\"}\n\n\
data: {\"type\":\"text-start\",\"id\":\"t\"}\n\n\
data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"b\"}\n\n\
data: {\"type\":\"text-end\",\"id\":\"t\"}\n\n\
data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"late\"}\n\n\
data: {\"type\":\"reasoning-delta\",\"id\":\"r\",\"delta\":\"c\"}\n\n\
data: {\"type\":\"tool-input-delta\",\"toolCallId\":\"c\",\"inputTextDelta\":\"{\"}\n\n\
data: {\"type\":\"tool-output-available\",\"toolCallId\":\"c\",\"output\":1}\n\n\
data: {\"type\":\"tool-input-start\",\"toolCallId\":\"c\",\"toolName\":\"t\"}\n\n\
data: {\"type\":\"tool-input-delta\",\"toolCallId\":\"c\",\"inputTextDelta\":\"{\"}\n\n";
    // By default the stream ends at the first, as the AI SDK's message reader does.
    let mut decoder = Decoder::new();
    decoder.push(body);
    decoder.finish();
    assert!(matches!(
        decoder.next_event(),
        Some(Err(StreamError::MissingPart {
            chunk_type: "text-delta",
            ..
        }))
    ));
    assert!(decoder.next_event().is_none());
    // Asked to go on (a difference from the SDK), every one is reported.
    let mut decoder = Decoder::new().continue_after_missing_part(true);
    decoder.push(body);
    decoder.finish();
    let events: Vec<Result<AgentEvent, String>> = std::iter::from_fn(|| decoder.next_event())
        .map(|e| e.map_err(|e| e.to_string()))
        .collect();
    let missing: Vec<&str> = events
        .iter()
        .filter_map(|e| e.as_ref().err())
        .map(|e| e.split(" for missing part").next().unwrap_or_default())
        .collect();
    assert_eq!(
        missing,
        [
            "text-delta",
            "text-delta",
            "reasoning-delta",
            "tool-input-delta",
            "tool-output-available"
        ],
        "{events:?}"
    );
    assert_eq!(events.iter().filter(|e| e.is_ok()).count(), 5);

    let mut strict = Decoder::new().strict(true);
    strict.push(body);
    strict.finish();
    assert!(strict.next_event().is_some_and(|e| e.is_err()));
    assert!(
        strict.next_event().is_none(),
        "nothing after the first error"
    );
    strict.push(body);
    assert!(strict.next_event().is_none());
}
