//! The sans-IO stream decoder: bytes in, [`AgentEvent`]s out, for all three protocols.
//!
//! No sockets, no async, no clock: push bytes as they arrive, however they are chunked, and take
//! events. The output is the same for any chunking: only complete lines are read (a line never
//! splits a UTF-8 character, since `\n` and `\r` are never part of one), and plain text keeps an
//! incomplete character until its last byte arrives. Memory stays the size of one line (or SSE
//! event), whatever the length of the stream.

use std::collections::VecDeque;

use super::event::{AgentEvent, from_data_stream_part, from_ui_chunk};
use super::{Protocol, StreamError};

/// How many bytes to look at, when no line has ended yet, before deciding the protocol.
const SNIFF_LIMIT: usize = 512;

/// Decodes one run's body.
///
/// ```
/// use mintlify_agent::stream::{AgentEvent, Decoder};
/// let mut decoder = Decoder::new();
/// decoder.push(b"data: {\"type\":\"text-delta\",\"id\":\"t\",\"del");
/// assert!(decoder.next_event().is_none());
/// decoder.push(b"ta\":\"Hi\"}\n\n");
/// let event = decoder.next_event().unwrap().unwrap();
/// assert_eq!(event, AgentEvent::TextDelta { id: "t".into(), delta: "Hi".into() });
/// ```
#[derive(Debug, Default)]
pub struct Decoder {
    protocol: Option<Protocol>,
    buffer: Vec<u8>,
    /// Absolute offset in the stream of `buffer[0]`.
    buffer_offset: u64,
    /// Lines read so far.
    lines: u64,
    /// The data lines of the SSE event being read, joined by `\n`.
    sse_data: Vec<u8>,
    sse_has_data: bool,
    /// Where the SSE event being read started: (offset, line).
    sse_start: (u64, u64),
    /// Whether a data stream start-step was seen (the first one also starts the message).
    started: bool,
    /// `data: [DONE]` was read.
    done: bool,
    finished: bool,
    queue: VecDeque<Result<AgentEvent, StreamError>>,
}

impl Decoder {
    /// A decoder that detects the protocol from the first bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder for a known protocol.
    pub fn with_protocol(protocol: Protocol) -> Self {
        Self {
            protocol: Some(protocol),
            ..Self::default()
        }
    }

    /// The protocol, once known.
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocol
    }

    /// Whether the UI message stream's `data: [DONE]` has been read.
    pub fn saw_done(&self) -> bool {
        self.done
    }

    /// Feeds the next bytes of the body.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
        self.process(false);
    }

    /// Ends the input: a last line without a line break, a last SSE event without its blank
    /// line, and an incomplete character at the end of plain text are dealt with.
    pub fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.process(true);
        }
    }

    /// The next decoded event, or `None` until more bytes are pushed.
    pub fn next_event(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        self.queue.pop_front()
    }

    fn process(&mut self, at_end: bool) {
        if self.protocol.is_none() {
            match sniff(&self.buffer, at_end) {
                Some(protocol) => self.protocol = Some(protocol),
                None => return,
            }
        }
        let consumed = match self.protocol {
            Some(Protocol::Text) => self.process_text(at_end),
            _ => self.process_lines(at_end),
        };
        self.buffer.drain(..consumed);
        self.buffer_offset += consumed as u64;
    }

    /// Reads every complete line; returns how many bytes were used.
    fn process_lines(&mut self, at_end: bool) -> usize {
        let mut start = 0;
        loop {
            let rest = &self.buffer[start..];
            let Some(at) = memchr::memchr2(b'\n', b'\r', rest) else {
                break;
            };
            // A `\r` at the very end may be the first half of `\r\n`.
            if rest[at] == b'\r' && at + 1 == rest.len() && !at_end {
                break;
            }
            let skip = if rest[at] == b'\r' && rest.get(at + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            let line_start = start;
            start += at + skip;
            self.line(line_start, line_start + at);
        }
        if at_end {
            if start < self.buffer.len() {
                let end = self.buffer.len();
                self.line(start, end);
                start = end;
            }
            if self.protocol == Some(Protocol::UiMessageStream) {
                self.dispatch_sse();
            }
        }
        start
    }

    /// Handles the line `buffer[from..to]` (without its line break).
    fn line(&mut self, from: usize, to: usize) {
        self.lines += 1;
        let offset = self.buffer_offset + from as u64;
        match self.protocol {
            Some(Protocol::DataStream) => self.data_stream_line(from, to, offset),
            _ => self.sse_line(from, to, offset),
        }
    }

    fn sse_line(&mut self, from: usize, to: usize, offset: u64) {
        let line = &self.buffer[from..to];
        if line.is_empty() {
            self.dispatch_sse();
            return;
        }
        if line[0] == b':' {
            return; // a comment, e.g. `: keep-alive`
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // `event`, `id` and `retry` are valid fields, but a UI message stream does not use them.
        if field == b"data" {
            if self.sse_has_data {
                self.sse_data.push(b'\n');
            } else {
                self.sse_start = (offset, self.lines);
                self.sse_has_data = true;
            }
            self.sse_data.extend_from_slice(value);
        }
    }

    fn dispatch_sse(&mut self) {
        if !self.sse_has_data {
            return;
        }
        self.sse_has_data = false;
        let (offset, line) = self.sse_start;
        let event = match std::str::from_utf8(&self.sse_data) {
            Err(_) => Some(Err(StreamError::Utf8 { offset, line })),
            Ok("[DONE]") => {
                self.done = true;
                None
            }
            Ok(json) => Some(from_ui_chunk(json).map_err(|source| StreamError::Json {
                offset,
                line,
                source,
            })),
        };
        self.sse_data.clear();
        if let Some(event) = event {
            self.queue.push_back(event);
        }
    }

    fn data_stream_line(&mut self, from: usize, to: usize, offset: u64) {
        let line = self.lines;
        let Ok(text) = std::str::from_utf8(&self.buffer[from..to]) else {
            self.queue
                .push_back(Err(StreamError::Utf8 { offset, line }));
            return;
        };
        if text.is_empty() {
            return;
        }
        let Some((code, json)) = text.split_once(':').filter(|(code, _)| code.len() == 1) else {
            self.queue.push_back(Err(StreamError::InvalidLine {
                offset,
                line,
                text: text.to_owned(),
            }));
            return;
        };
        match serde_json::from_str(json) {
            Ok(value) => {
                let code = code.as_bytes()[0];
                let first_step = code == b'f' && !self.started;
                self.started |= code == b'f';
                let events = from_data_stream_part(code, value, text, first_step);
                self.queue.extend(events.into_iter().map(Ok));
            }
            Err(source) => self.queue.push_back(Err(StreamError::Json {
                offset,
                line,
                source,
            })),
        }
    }

    /// Emits the valid UTF-8 text in the buffer; returns how many bytes were used.
    fn process_text(&mut self, at_end: bool) -> usize {
        let mut used = 0;
        loop {
            let rest = &self.buffer[used..];
            if rest.is_empty() {
                return used;
            }
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.queue.push_back(Ok(AgentEvent::TextDelta {
                        id: String::new(),
                        delta: text.to_owned(),
                    }));
                    return self.buffer.len();
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    if valid > 0 {
                        // Safe to index: `valid_up_to` bytes are valid UTF-8.
                        let text = String::from_utf8_lossy(&rest[..valid]).into_owned();
                        self.queue.push_back(Ok(AgentEvent::TextDelta {
                            id: String::new(),
                            delta: text,
                        }));
                    }
                    match error.error_len() {
                        // An incomplete character: wait for its other bytes.
                        None if !at_end => return used + valid,
                        bad => {
                            let offset = self.buffer_offset + (used + valid) as u64;
                            self.queue
                                .push_back(Err(StreamError::Utf8 { offset, line: 0 }));
                            used += valid + bad.unwrap_or(rest.len() - valid);
                        }
                    }
                }
            }
        }
    }
}

/// The protocol of a body from its first bytes, or `None` while it cannot tell yet.
fn sniff(buffer: &[u8], at_end: bool) -> Option<Protocol> {
    let start = buffer.iter().position(|b| !matches!(b, b'\n' | b'\r'))?;
    let first = &buffer[start..];
    let line_end = memchr::memchr2(b'\n', b'\r', first);
    if line_end.is_none() && first.len() < SNIFF_LIMIT && !at_end {
        // `data:` or `0:` can be told from a few bytes; anything else needs the whole line.
        if first.len() < 6 {
            return None;
        }
    }
    let line = &first[..line_end.unwrap_or(first.len())];
    let sse_field = [&b"data:"[..], b"event:", b"id:", b"retry:", b":"]
        .iter()
        .any(|p| line.starts_with(p));
    if sse_field {
        return Some(Protocol::UiMessageStream);
    }
    let data_part =
        line.len() >= 2 && line[1] == b':' && matches!(line[0], b'0'..=b'9' | b'a'..=b'z');
    if data_part && serde_json::from_slice::<serde::de::IgnoredAny>(&line[2..]).is_ok() {
        return Some(Protocol::DataStream);
    }
    if data_part && line_end.is_none() && !at_end && first.len() < SNIFF_LIMIT {
        return None; // the part's JSON has not ended yet
    }
    Some(Protocol::Text)
}

#[cfg(test)]
mod tests {
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
        })
    }

    #[test]
    fn sse_framing_in_all_its_forms() {
        let body = b": keep-alive\r\nevent: message\r\nid: 7\r\nretry: 1000\r\ndata:{\"type\":\"text-delta\",\r\ndata: \"id\":\"t\",\"delta\":\"a\"}\r\n\r\ndata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"b\"}\r\rdata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"c\"}\n\ndata: [DONE]\n\ndata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"after\"}";
        assert_eq!(
            decode(None, &[body]),
            [delta("a"), delta("b"), delta("c"), delta("after")],
            "a missing final blank line still ends the event"
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
        let body =
            b"data: {\"type\":\"start\"}\n\ndata: {\"type\":\n\ndata: {\"type\":\"finish\"}\n\n";
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
                delta: "Hé".into()
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
                let Ok(AgentEvent::TextDelta { delta, .. }) = event else {
                    panic!("{event:?}")
                };
                joined.push_str(&delta);
            }
            assert_eq!(joined, "Hé 🦀!", "split at {at}");
        }
        let broken = decode(Some(Protocol::Text), &[b"ok\xff", b"\xf0\x9f"]);
        assert_eq!(
            broken[0],
            Ok(AgentEvent::TextDelta {
                id: String::new(),
                delta: "ok".into()
            })
        );
        assert!(broken[1].is_err() && broken[2].is_err(), "{broken:?}");
    }

    #[test]
    fn the_protocol_is_sniffed_from_the_first_line() {
        assert_eq!(sniff(b"data: {}", false), Some(Protocol::UiMessageStream));
        assert_eq!(sniff(b"\n: ping\n", false), Some(Protocol::UiMessageStream));
        assert_eq!(sniff(b"0:\"hi\"\n", false), Some(Protocol::DataStream));
        assert_eq!(sniff(b"0:\"h", false), None);
        assert_eq!(sniff(b"Hel", false), None, "could still become `event:`");
        assert_eq!(sniff(b"Hel", true), Some(Protocol::Text));
        assert_eq!(
            sniff(b"Hello there, I will", false),
            Some(Protocol::Text),
            "six bytes tell"
        );
        assert_eq!(sniff(b"Hello\n", false), Some(Protocol::Text));
        assert_eq!(sniff(b"a: not json\n", false), Some(Protocol::Text));
    }
}
