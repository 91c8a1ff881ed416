//! Every event the decoder gives says where in the body it came from
//! ([`Decoder::position`]): the offset of its SSE event's first data line or of its data
//! stream line, and that line's number; the same for any chunking.

#![allow(clippy::unwrap_used)]

use mintlify_agent::stream::{AgentEvent, Decoder, Position, Protocol};
use mintlify_agent_testkit::stream::script::{Task, agent_run};
use mintlify_agent_testkit::stream::{Encoder, Protocol as Wire};
use proptest::prelude::*;

/// The test server's agent run, encoded in `wire`.
fn body(wire: Wire) -> Vec<u8> {
    let events = agent_run(&Task {
        request: "Add a quickstart guide with \"examples\" é 日本 🦀",
        message_id: "msg_1",
        pull_request: Some("https://github.com/acme/docs/pull/1"),
    });
    Encoder::new(wire, false).body(&events)
}

/// Every item of `body` pushed in pieces cut at `cuts`, with the position it was given.
fn decode(body: &[u8], cuts: &[usize]) -> Vec<(Position, Result<AgentEvent, String>)> {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    let mut last = 0;
    for &cut in cuts.iter().chain([&body.len()]) {
        decoder.push(&body[last..cut]);
        last = cut;
        while let Some(event) = decoder.next_event() {
            out.push((decoder.position(), event.map_err(|e| e.to_string())));
        }
    }
    decoder.finish();
    while let Some(event) = decoder.next_event() {
        out.push((decoder.position(), event.map_err(|e| e.to_string())));
    }
    out
}

/// The number of the line that starts at `offset`: one more than the line breaks before it,
/// `\r\n` counted once.
fn line_at(body: &[u8], offset: usize) -> u64 {
    let before = &body[..offset];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

/// Plain text deltas joined, so that bodies cut differently compare equal.
fn join_text(items: Vec<(Position, Result<AgentEvent, String>)>) -> Vec<(Position, String)> {
    items
        .into_iter()
        .map(|(at, event)| (at, format!("{event:?}")))
        .collect()
}

/// Checks that each position points at the start of a line that holds the event, with its
/// number, and that positions never go back.
fn check_lines(
    body: &[u8],
    items: &[(Position, Result<AgentEvent, String>)],
    prefix: impl Fn(&AgentEvent) -> Option<&'static [u8]>,
) -> Result<(), TestCaseError> {
    let mut last = Position::default();
    for (at, event) in items {
        let offset = usize::try_from(at.offset).unwrap();
        prop_assert!(*at >= last, "{:?} after {:?}", at, last);
        last = *at;
        let bom = usize::from(body.starts_with(b"\xEF\xBB\xBF")) * 3;
        prop_assert!(
            offset == bom || matches!(body[offset - 1], b'\n' | b'\r'),
            "{:?} starts a line",
            at
        );
        prop_assert_eq!(at.line, line_at(body, offset), "{:?}", event);
        if let Ok(event) = event
            && let Some(prefix) = prefix(event)
        {
            prop_assert!(
                body[offset..].starts_with(prefix),
                "{:?} at {:?}",
                event,
                at
            );
        }
    }
    Ok(())
}

fn cuts(body_len: usize, at: &[prop::sample::Index]) -> Vec<usize> {
    let mut cuts: Vec<usize> = at.iter().map(|i| i.index(body_len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// UI message stream: every event is at its `data:` line, with comments, CRLF and a
    /// byte order mark in the way; any chunking gives the same positions.
    #[test]
    fn ui_message_stream_events_point_at_their_data_line(
        at in proptest::collection::vec(any::<prop::sample::Index>(), 0..30),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut text = String::from_utf8(body(Wire::UiMessageStream)).unwrap()
            .replace("\n\ndata: {\"type\":\"start-step\"", "\n\n: keep-alive\n\ndata: {\"type\":\"start-step\"");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let mut body = text.into_bytes();
        if bom {
            body.splice(0..0, *b"\xEF\xBB\xBF");
        }
        let whole = decode(&body, &[]);
        prop_assert!(whole.iter().all(|(_, e)| e.is_ok()), "{:?}", whole);
        check_lines(&body, &whole, |_| Some(b"data: {"))?;
        if bom {
            prop_assert_eq!(whole[0].0, Position { offset: 3, line: 1 });
        }
        prop_assert_eq!(decode(&body, &cuts(body.len(), &at)), whole);
    }

    /// Data stream: every event is at its `CODE:` line; a message start a step implies is at
    /// the step's line.
    #[test]
    fn data_stream_events_point_at_their_line(
        at in proptest::collection::vec(any::<prop::sample::Index>(), 0..30),
        crlf in any::<bool>(),
    ) {
        let mut body = body(Wire::DataStream);
        if crlf {
            body = String::from_utf8(body).unwrap().replace('\n', "\r\n").into_bytes();
        }
        let whole = decode(&body, &[]);
        prop_assert!(whole.iter().all(|(_, e)| e.is_ok()), "{:?}", whole);
        check_lines(&body, &whole, |event| match event {
            AgentEvent::TextDelta { .. } => Some(b"0:"),
            AgentEvent::ReasoningDelta { .. } => Some(b"g:"),
            AgentEvent::Data { .. } => Some(b"2:"),
            AgentEvent::Start { .. } | AgentEvent::StartStep => Some(b"f:"),
            AgentEvent::FinishStep => Some(b"e:"),
            AgentEvent::Finish { .. } => Some(b"d:"),
            AgentEvent::ToolInputStart { .. } => Some(b"b:"),
            AgentEvent::ToolInputDelta { .. } => Some(b"c:"),
            AgentEvent::ToolInputAvailable { .. } => Some(b"9:"),
            AgentEvent::ToolOutputAvailable { .. } => Some(b"a:"),
            _ => None,
        })?;
        prop_assert_eq!(decode(&body, &cuts(body.len(), &at)), whole);
    }

    /// Plain text: a delta is at its first byte, line 0; the closing frame is at the end.
    #[test]
    fn plain_text_deltas_point_at_their_bytes(
        at in proptest::collection::vec(any::<prop::sample::Index>(), 0..30),
    ) {
        let body = body(Wire::Text);
        let items = decode(&body, &cuts(body.len(), &at));
        for (position, event) in &items {
            prop_assert_eq!(position.line, 0);
            let offset = usize::try_from(position.offset).unwrap();
            match event {
                Ok(AgentEvent::TextDelta { delta, .. }) => {
                    prop_assert_eq!(&body[offset..offset + delta.len()], delta.as_bytes());
                }
                Ok(AgentEvent::Start { .. } | AgentEvent::StartStep | AgentEvent::TextStart { .. }) => {
                    prop_assert_eq!(offset, 0);
                }
                Ok(_) => prop_assert_eq!(offset, body.len(), "{:?}", event),
                Err(error) => prop_assert!(false, "{error}"),
            }
        }
        prop_assert!(!join_text(items).is_empty());
    }
}

/// A last data stream line without its line break that holds several events keeps their
/// order and its position.
#[test]
fn a_last_line_without_a_break_keeps_its_events_in_order() {
    let body = b"0:\"a\"\n2:[{\"x\":1},{\"x\":2}]";
    let items = decode(body, &[]);
    let data: Vec<_> = items
        .iter()
        .filter_map(|(at, event)| match event {
            Ok(AgentEvent::Data {
                data: Some(data), ..
            }) => Some((*at, data.get().to_owned())),
            _ => None,
        })
        .collect();
    let at = Position { offset: 6, line: 2 };
    assert_eq!(
        data,
        [(at, r#"{"x":1}"#.to_owned()), (at, r#"{"x":2}"#.to_owned())]
    );
}

/// Errors have a position too: the same as the one they name. (A missing part ends the stream
/// by default, as it ends the AI SDK's reader: the decoder is asked to go on, to see the error
/// after it.)
#[test]
fn errors_are_where_they_say() {
    let body = b"data: {\"type\":\"text-start\",\"id\":\"t\"}\n\ndata: {oops\n\ndata: {\"type\":\"text-delta\",\"id\":\"u\",\"delta\":\"x\"}\n\ndata: {\"type\":\"text-end\"";
    let mut decoder =
        Decoder::with_protocol(Protocol::UiMessageStream).continue_after_missing_part(true);
    decoder.push(body);
    decoder.finish();
    let mut seen = Vec::new();
    while let Some(event) = decoder.next_event() {
        seen.push((decoder.position(), event.is_ok()));
    }
    let at = |needle: &str, line| Position {
        offset: body
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .unwrap() as u64,
        line,
    };
    assert_eq!(
        seen,
        [
            (at("data: {\"type\":\"text-start", 1), true),
            (at("data: {oops", 3), false),
            (at("data: {\"type\":\"text-delta", 5), false),
            (at("data: {\"type\":\"text-end", 7), false),
        ]
    );
}
