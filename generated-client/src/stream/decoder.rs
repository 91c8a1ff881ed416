//! The sans-IO stream decoder: bytes in, [`AgentEvent`]s out, for all three protocols.
//!
//! No sockets, no async, no clock: push bytes as they arrive, however they are chunked, and take
//! events. The output is the same for any chunking: only complete lines are read (a line never
//! splits a UTF-8 character, since `\n` and `\r` are never part of one), and plain text keeps an
//! incomplete character until its last byte arrives. Events are decoded as they are asked for,
//! straight from the pushed bytes; memory holds what was pushed and not yet read, plus one SSE
//! event, whatever the length of the stream.

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
    /// Bytes pushed and not yet read; `buffer[..start]` is read.
    buffer: Vec<u8>,
    start: usize,
    /// Absolute offset in the stream of `buffer[0]`.
    buffer_offset: u64,
    /// Lines read so far.
    lines: u64,
    /// The data lines of the SSE event being read, joined by `\n`, once copied out of `buffer`.
    sse_data: Vec<u8>,
    /// The event's only data line so far, where it sits in `buffer` (not copied yet).
    sse_line: Option<(usize, usize)>,
    sse_has_data: bool,
    /// Where the SSE event being read started: (offset, line).
    sse_start: (u64, u64),
    /// Whether a data stream start-step was seen (the first one also starts the message).
    started: bool,
    /// `data: [DONE]` was read.
    done: bool,
    /// No more bytes will come; `flushed`: what that implies was done.
    finished: bool,
    flushed: bool,
    /// Events decoded ahead (a data stream line can hold several).
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

    /// Feeds the next bytes of the body. Events are decoded as [`Decoder::next_event`] asks.
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop what has been read, keeping the data line of an event still open.
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            if let Some((from, to)) = self.sse_line.take() {
                self.sse_data.extend_from_slice(&self.buffer[from..to]);
            }
            self.buffer.drain(..self.start);
            self.buffer_offset += self.start as u64;
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// Ends the input: a last line without a line break, a last SSE event without its blank
    /// line, and an incomplete character at the end of plain text are dealt with.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// The next decoded event, or `None` until more bytes are pushed (or, after
    /// [`Decoder::finish`], at the end).
    pub fn next_event(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.protocol.is_none() {
                self.protocol = Some(sniff(&self.buffer[self.start..], self.finished)?);
            }
            if self.protocol == Some(Protocol::Text) {
                return self.next_text();
            }
            match self.next_line() {
                Some((from, to)) => {
                    if let Some(event) = self.line(from, to) {
                        return Some(event);
                    }
                }
                None if self.finished && !self.flushed => {
                    self.flushed = true;
                    let end = self.buffer.len();
                    if self.start < end {
                        let from = std::mem::replace(&mut self.start, end);
                        if let Some(event) = self.line(from, end) {
                            self.queue.push_back(event);
                        }
                    }
                    if self.protocol == Some(Protocol::UiMessageStream)
                        && let Some(event) = self.dispatch_sse()
                    {
                        self.queue.push_back(event);
                    }
                }
                None => return None,
            }
        }
    }

    /// The next complete line, without its line break, as a range of `buffer`.
    fn next_line(&mut self) -> Option<(usize, usize)> {
        let rest = &self.buffer[self.start..];
        let at = memchr::memchr2(b'\n', b'\r', rest)?;
        // A `\r` at the very end may be the first half of `\r\n`.
        if rest[at] == b'\r' && at + 1 == rest.len() && !self.finished {
            return None;
        }
        let skip = if rest[at] == b'\r' && rest.get(at + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        let from = self.start;
        self.start += at + skip;
        Some((from, from + at))
    }

    /// Handles the line `buffer[from..to]`; returns an event when it completes one.
    fn line(&mut self, from: usize, to: usize) -> Option<Result<AgentEvent, StreamError>> {
        self.lines += 1;
        let offset = self.buffer_offset + from as u64;
        match self.protocol {
            Some(Protocol::DataStream) => self.data_stream_line(from, to, offset),
            _ => self.sse_line(from, to, offset),
        }
    }

    fn sse_line(
        &mut self,
        from: usize,
        to: usize,
        offset: u64,
    ) -> Option<Result<AgentEvent, StreamError>> {
        let line = &self.buffer[from..to];
        if line.is_empty() {
            return self.dispatch_sse();
        }
        if line[0] == b':' {
            return None; // a comment, e.g. `: keep-alive`
        }
        let (field, value_start) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let skip = usize::from(line.get(colon + 1) == Some(&b' '));
                (&line[..colon], from + colon + 1 + skip)
            }
            None => (line, to),
        };
        // `event`, `id` and `retry` are valid fields, but a UI message stream does not use them.
        if field != b"data" {
            return None;
        }
        if !self.sse_has_data {
            // The usual case, one data line: read it where it is, at dispatch.
            self.sse_start = (offset, self.lines);
            self.sse_has_data = true;
            self.sse_line = Some((value_start, to));
            return None;
        }
        if let Some((a, b)) = self.sse_line.take() {
            self.sse_data.extend_from_slice(&self.buffer[a..b]);
        }
        self.sse_data.push(b'\n');
        self.sse_data
            .extend_from_slice(&self.buffer[value_start..to]);
        None
    }

    fn dispatch_sse(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        if !self.sse_has_data {
            return None;
        }
        self.sse_has_data = false;
        let (offset, line) = self.sse_start;
        let data = match self.sse_line.take() {
            Some((from, to)) => &self.buffer[from..to],
            None => &self.sse_data[..],
        };
        let event = if data == b"[DONE]" {
            self.done = true;
            None
        } else {
            Some(from_ui_chunk(data).map_err(|source| StreamError::Json {
                offset,
                line,
                source,
            }))
        };
        self.sse_data.clear();
        event
    }

    fn data_stream_line(
        &mut self,
        from: usize,
        to: usize,
        offset: u64,
    ) -> Option<Result<AgentEvent, StreamError>> {
        let line = self.lines;
        let bytes = &self.buffer[from..to];
        if bytes.is_empty() {
            return None;
        }
        if bytes.get(1) != Some(&b':') {
            let text = String::from_utf8_lossy(bytes).into_owned();
            return Some(Err(StreamError::InvalidLine { offset, line, text }));
        }
        let code = bytes[0];
        let first_step = code == b'f' && !self.started;
        self.started |= code == b'f';
        // The whole line is kept only for parts this client does not know.
        let raw = String::from_utf8_lossy(bytes);
        let mut events = Events(&mut self.queue);
        if let Err(source) = from_data_stream_part(code, &bytes[2..], &raw, first_step, &mut events)
        {
            return Some(Err(StreamError::Json {
                offset,
                line,
                source,
            }));
        }
        self.queue.pop_front()
    }

    /// The valid UTF-8 text pushed so far, as one event; an incomplete character waits.
    fn next_text(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        let rest = &self.buffer[self.start..];
        if rest.is_empty() {
            return None;
        }
        let offset = self.buffer_offset + self.start as u64;
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(_) => (rest.len(), None),
            Err(error) => (error.valid_up_to(), Some(error.error_len())),
        };
        let text = String::from_utf8_lossy(&rest[..valid]).into_owned();
        match bad {
            None => self.start += valid,
            // An incomplete character: wait for its other bytes.
            Some(None) if !self.finished => self.start += valid,
            Some(bad) => {
                self.start += valid + bad.unwrap_or(rest.len() - valid);
                let error = Err(StreamError::Utf8 {
                    offset: offset + valid as u64,
                    line: 0,
                });
                if valid == 0 {
                    return Some(error);
                }
                self.queue.push_back(error);
            }
        }
        (!text.is_empty()).then(|| {
            Ok(AgentEvent::TextDelta {
                id: String::new(),
                delta: text,
            })
        })
    }
}

/// Appends decoded events to the queue.
struct Events<'a>(&'a mut VecDeque<Result<AgentEvent, StreamError>>);

impl Extend<AgentEvent> for Events<'_> {
    fn extend<I: IntoIterator<Item = AgentEvent>>(&mut self, events: I) {
        self.0.extend(events.into_iter().map(Ok));
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
