//! The sans-IO stream decoder: bytes in, [`AgentEvent`]s out, for all three protocols.
//!
//! No sockets, no async, no clock: push bytes as they arrive, however they are chunked, and take
//! events. The output is the same for any chunking: only complete lines are read (a line never
//! splits a UTF-8 character, since `\n` and `\r` are never part of one), plain text keeps an
//! incomplete character until its last byte arrives, and the protocol is sniffed from the same
//! bytes whatever the split (see below). Events are decoded as they are asked for, straight
//! from the pushed bytes.
//!
//! # Bounds
//!
//! With `N` = [`Decoder::max_event_bytes`] (16 MiB unless set):
//!
//! - Time is linear in the input for any chunking: every byte is searched for a line end once.
//! - A line (UI message stream or data stream) longer than `N` bytes, without its line break,
//!   gives [`StreamError::LineTooLong`] and is skipped up to its line break; a UI message
//!   stream event whose data lines join to more than `N` bytes gives
//!   [`StreamError::EventTooLarge`]. Either way the SSE event they are part of is dropped and
//!   decoding resumes with the next event (the next line, for the data stream).
//! - Memory: what was pushed and not yet read, which [`Decoder::next_event`] keeps below `N`
//!   plus the last push, plus one SSE event's data (at most `N`). Bytes pushed while a too long
//!   line is skipped are dropped at once.
//! - Plain text has no lines, so no limit applies: every [`Decoder::next_event`] hands out all
//!   the text pushed so far, keeping at most the 3 bytes of an incomplete character. It is
//!   framed as the AI SDK's `TextStreamChatTransport` frames it: `Start`, `StartStep`,
//!   `TextStart` (id `text-1`), the deltas, and after [`Decoder::finish`] `TextEnd`,
//!   `FinishStep`, `Finish`.
//! - The protocol, when the headers do not say, is decided from at most the first 512 bytes
//!   after a UTF-8 byte order mark (the first line, cut there): until then they are held.
//! - A UI message stream event cut off by the end of the body (no blank line after it) is
//!   dropped with [`StreamError::Unterminated`], as the AI SDK's parser drops it.
//! - A UI message stream chunk the AI SDK's message reader fails on (`UIMessageStreamError`: a
//!   part never started or ended, a tool call whose part a `reset-step` or a new message
//!   removed, an approval nobody asked for) gives [`StreamError::MissingPart`] instead of its
//!   event and ends the stream, as it ends the reader's, even when not strict
//!   ([`Decoder::continue_after_missing_part`] goes on instead: a difference from the SDK).
//!   The ids are remembered up to
//!   [`MAX_REMEMBERED_IDS`](open_parts::MAX_REMEMBERED_IDS) of each kind (beyond that, chunks
//!   are no longer checked). In [`Decoder::strict`] mode the first error of any kind ends the
//!   stream, as `useChat` stops at the first invalid chunk.
//! - A leading UTF-8 byte order mark (`EF BB BF`) is dropped, as the AI SDK's decoders do;
//!   offsets in errors still count it.

use std::collections::VecDeque;

mod open_parts;

use super::data_stream::from_data_stream_part;
use super::error::StreamError;
use super::event::AgentEvent;
use super::position::Position;
use super::protocol::Protocol;
use super::ui_chunk::from_ui_chunk;
use open_parts::{OpenParts, V4Calls};

/// How many bytes to look at, when no line has ended yet, before deciding the protocol.
const SNIFF_LIMIT: usize = 512;

/// The id of plain text's one text part, as the AI SDK's TextStreamChatTransport names it.
const TEXT_ID: &str = "text-1";

/// The default for [`Decoder::max_event_bytes`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes one run's body.
///
/// ```
/// use mintlify_agent::stream::{AgentEvent, Decoder};
/// let mut decoder = Decoder::new();
/// decoder.push(b"data: {\"type\":\"text-start\",\"id\":\"t\"}\n\n");
/// assert!(matches!(decoder.next_event(), Some(Ok(AgentEvent::TextStart { id, .. })) if id == "t"));
/// decoder.push(b"data: {\"type\":\"text-delta\",\"id\":\"t\",\"del");
/// assert!(decoder.next_event().is_none());
/// decoder.push(b"ta\":\"Hi\"}\n\n");
/// let event = decoder.next_event().unwrap().unwrap();
/// assert!(matches!(event, AgentEvent::TextDelta { id, delta, .. } if id == "t" && delta == "Hi"));
/// ```
#[derive(Debug)]
pub struct Decoder {
    protocol: Option<Protocol>,
    /// Bytes pushed and not yet read; `buffer[..start]` is read.
    buffer: Vec<u8>,
    start: usize,
    /// Where the search for the next line end resumes (`>= start`): what lies before it was
    /// searched already, so no byte is searched twice.
    scan: usize,
    /// Absolute offset in the stream of `buffer[0]`.
    buffer_offset: u64,
    /// Lines read so far.
    lines: u64,
    /// The largest line or SSE event read.
    max_event_bytes: usize,
    /// A line longer than the limit is being dropped up to its line break.
    skipping: bool,
    /// Whether the byte order mark check is behind us.
    bom_checked: bool,
    /// The data lines of the SSE event being read, joined by `\n`, once copied out of `buffer`.
    sse_data: Vec<u8>,
    /// The event's only data line so far, where it sits in `buffer` (not copied yet).
    sse_line: Option<(usize, usize)>,
    sse_has_data: bool,
    /// The SSE event being read is dropped (too large); it ends at the next blank line.
    sse_discard: bool,
    /// Where the SSE event being read started.
    sse_start: Position,
    /// The message id of the last data stream step (`None` before the first step; a step
    /// with a new id starts the message again, as AI SDK 4 takes the last step's id).
    /// Plain text: whether the opening chunks were given.
    step_message_id: Option<Option<String>>,
    started: bool,
    /// `data: [DONE]` was read.
    done: bool,
    /// No more bytes will come; `flushed`: what that implies was done.
    finished: bool,
    flushed: bool,
    /// Events decoded ahead (a data stream line can hold several), with where they came from.
    queue: VecDeque<(Position, Result<AgentEvent, StreamError>)>,
    /// Where the item [`Decoder::next_event`] returned last came from.
    position: Position,
    /// Open parts and known tool calls (UI message stream; the data stream's tool calls).
    open: OpenParts,
    v4_calls: V4Calls,
    /// Stop at the first error; `stopped`: it came.
    strict: bool,
    stopped: bool,
    /// Go on past a missing part.
    continue_after_missing_part: bool,
    /// Bytes searched for line ends, to prove the search linear.
    #[cfg(test)]
    scanned: u64,
}

impl Default for Decoder {
    fn default() -> Self {
        Self {
            protocol: None,
            buffer: Vec::new(),
            start: 0,
            scan: 0,
            buffer_offset: 0,
            lines: 0,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            skipping: false,
            bom_checked: false,
            sse_data: Vec::new(),
            sse_line: None,
            sse_has_data: false,
            sse_discard: false,
            sse_start: Position { offset: 0, line: 0 },
            step_message_id: None,
            started: false,
            done: false,
            finished: false,
            flushed: false,
            queue: VecDeque::new(),
            position: Position { offset: 0, line: 0 },
            open: OpenParts::default(),
            v4_calls: V4Calls::default(),
            strict: false,
            stopped: false,
            continue_after_missing_part: false,
            #[cfg(test)]
            scanned: 0,
        }
    }
}

/// What [`Decoder::next_line`] found.
enum Line {
    /// A complete line, without its line break, as a range of `buffer`.
    Complete(usize, usize),
    /// A line longer than the limit, where it starts.
    TooLong(Position),
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

    /// Sets the largest line, and the largest SSE event's data, in bytes (default
    /// [`DEFAULT_MAX_EVENT_BYTES`], 16 MiB). Larger ones give [`StreamError::LineTooLong`] or
    /// [`StreamError::EventTooLarge`] and are skipped; memory stays within about twice this.
    ///
    /// ```
    /// use mintlify_agent::stream::{Decoder, StreamError};
    /// let mut decoder = Decoder::new().max_event_bytes(64);
    /// decoder.push(format!("data: \"{}\"\n\n", "x".repeat(100)).as_bytes());
    /// assert!(matches!(decoder.next_event(), Some(Err(StreamError::LineTooLong { limit: 64, .. }))));
    /// ```
    #[must_use]
    pub fn max_event_bytes(mut self, max: usize) -> Self {
        self.max_event_bytes = max;
        self
    }

    /// Strict mode: the first error ends the stream (no event after it), as the AI SDK's
    /// `useChat` stops at the first invalid chunk; a chunk that would be [`AgentEvent::Unknown`]
    /// is then [`StreamError::InvalidChunk`]. By default errors are reported and decoding goes
    /// on, but for [`StreamError::MissingPart`], where the AI SDK's reader ends too.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Goes on past a [`StreamError::MissingPart`] (the chunk is dropped) instead of ending the
    /// stream there as the AI SDK's message reader does. A difference from the SDK: what
    /// follows may build a message the SDK never shows. Strict mode still stops.
    ///
    /// ```
    /// use mintlify_agent::stream::{AgentEvent, Decoder, StreamError};
    /// let body = b"data: {\"type\":\"text-end\",\"id\":\"x\"}\n\ndata: {\"type\":\"start-step\"}\n\n";
    /// let mut decoder = Decoder::new();
    /// decoder.push(body);
    /// assert!(matches!(decoder.next_event(), Some(Err(StreamError::MissingPart { .. }))));
    /// assert!(decoder.next_event().is_none(), "the SDK's reader ends there");
    /// let mut decoder = Decoder::new().continue_after_missing_part(true);
    /// decoder.push(body);
    /// assert!(matches!(decoder.next_event(), Some(Err(StreamError::MissingPart { .. }))));
    /// assert!(matches!(decoder.next_event(), Some(Ok(AgentEvent::StartStep))));
    /// ```
    #[must_use]
    pub fn continue_after_missing_part(mut self, go_on: bool) -> Self {
        self.continue_after_missing_part = go_on;
        self
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
    pub fn push(&mut self, mut bytes: &[u8]) {
        if self.stopped {
            return; // strict mode ended the stream
        }
        // Drop what has been read, keeping the data line of an event still open.
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            if let Some((from, to)) = self.sse_line.take() {
                self.sse_data.extend_from_slice(&self.buffer[from..to]);
            }
            self.buffer.drain(..self.start);
            self.buffer_offset += self.start as u64;
            self.scan = self.scan.saturating_sub(self.start);
            self.start = 0;
        }
        if self.skipping && self.start == self.buffer.len() {
            // Inside a line too long to keep: drop its bytes now, not after holding them.
            let end = memchr::memchr2(b'\n', b'\r', bytes).unwrap_or(bytes.len());
            #[cfg(test)]
            {
                self.scanned += (end + 1).min(bytes.len()) as u64;
            }
            self.buffer_offset += end as u64;
            bytes = &bytes[end..];
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// Ends the input: a last line without a line break, a last SSE event without its blank
    /// line, and an incomplete character at the end of plain text are dealt with.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// Where the item [`Decoder::next_event`] returned last came from: the first data line of
    /// its SSE event (UI message stream), its line (data stream), or its first byte (plain
    /// text, whose line is 0). Events a protocol implies without a chunk of their own (plain
    /// text's framing, a data stream message start) have the position of what implied them; the
    /// framing after the end of plain text has the body's length.
    ///
    /// ```
    /// use mintlify_agent::stream::{Decoder, Position};
    /// let mut decoder = Decoder::new();
    /// decoder.push(b"data: {\"type\":\"start-step\"}\n\n: ping\n\ndata: {\"type\":\"finish-step\"}\n\n");
    /// decoder.next_event();
    /// assert_eq!(decoder.position(), Position { offset: 0, line: 1 });
    /// decoder.next_event();
    /// assert_eq!(decoder.position(), Position { offset: 37, line: 5 });
    /// ```
    pub fn position(&self) -> Position {
        self.position
    }

    /// The next decoded event, or `None` until more bytes are pushed (or, after
    /// [`Decoder::finish`], at the end). [`Decoder::position`] then says where it came from.
    pub fn next_event(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        if self.stopped {
            return None;
        }
        let mut event = self.decode_next();
        if self.strict
            && let Some(Ok(AgentEvent::Unknown { raw })) = &mut event
        {
            let Position { offset, line } = self.position;
            let raw = std::mem::take(raw);
            event = Some(Err(StreamError::InvalidChunk { offset, line, raw }));
        }
        let ends = match &event {
            Some(Err(StreamError::MissingPart { .. })) => {
                self.strict || !self.continue_after_missing_part
            }
            Some(Err(_)) => self.strict,
            _ => false,
        };
        if ends {
            self.stopped = true;
            self.buffer = Vec::new();
            self.start = 0;
            self.scan = 0;
            self.queue.clear();
        }
        event
    }

    #[inline]
    fn decode_next(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        loop {
            if let Some((position, event)) = self.queue.pop_front() {
                self.position = position;
                return Some(event);
            }
            if !self.bom_checked {
                let rest = &self.buffer[self.start..];
                if rest.len() < BOM.len() && BOM.starts_with(rest) && !self.finished {
                    return None;
                }
                if rest.starts_with(BOM) {
                    self.start += BOM.len();
                    self.scan = self.start;
                }
                self.bom_checked = true;
            }
            if self.protocol.is_none() {
                self.protocol = Some(sniff(&self.buffer[self.start..], self.finished)?);
            }
            if self.protocol == Some(Protocol::Text) {
                // Framed as the AI SDK's TextStreamChatTransport frames text: one text part.
                if !std::mem::replace(&mut self.started, true) {
                    let at = self.text_position(self.start);
                    self.queue.extend(
                        [
                            AgentEvent::Start {
                                message_id: None,
                                metadata: None,
                            },
                            AgentEvent::StartStep,
                            AgentEvent::TextStart {
                                id: TEXT_ID.into(),
                                provider_metadata: None,
                            },
                        ]
                        .map(|event| (at, Ok(event))),
                    );
                    continue;
                }
                if let Some(event) = self.next_text() {
                    return Some(event);
                }
                if self.finished && !std::mem::replace(&mut self.flushed, true) {
                    let at = self.text_position(self.buffer.len());
                    self.queue.extend(
                        [
                            AgentEvent::TextEnd {
                                id: TEXT_ID.into(),
                                provider_metadata: None,
                                citations: None,
                            },
                            AgentEvent::FinishStep,
                            AgentEvent::Finish {
                                finish_reason: None,
                                metadata: None,
                            },
                        ]
                        .map(|event| (at, Ok(event))),
                    );
                    continue;
                }
                return None;
            }
            match self.next_line() {
                Some(Line::Complete(from, to)) => {
                    if let Some(event) = self.line(from, to) {
                        return Some(event);
                    }
                }
                Some(Line::TooLong(at)) => {
                    self.discard_sse();
                    self.position = at;
                    let Position { offset, line } = at;
                    return Some(Err(StreamError::LineTooLong {
                        offset,
                        line,
                        limit: self.max_event_bytes,
                    }));
                }
                None if self.finished && !self.flushed => {
                    self.flushed = true;
                    let end = self.buffer.len();
                    if self.start < end {
                        let from = std::mem::replace(&mut self.start, end);
                        self.scan = end;
                        // First: a data stream line's other events are queued already.
                        if let Some(event) = self.line(from, end) {
                            self.queue.push_front((self.position, event));
                        }
                    }
                    // The SDK's parser only dispatches at a blank line.
                    if self.protocol == Some(Protocol::UiMessageStream) && self.sse_has_data {
                        let at = self.sse_start;
                        self.discard_sse();
                        let Position { offset, line } = at;
                        self.queue
                            .push_back((at, Err(StreamError::Unterminated { offset, line })));
                    }
                }
                None => return None,
            }
        }
    }

    /// The next complete line, or a line found too long; `None` until a line ends.
    fn next_line(&mut self) -> Option<Line> {
        loop {
            let from = self.scan.max(self.start);
            let rest = &self.buffer[from..];
            let found = memchr::memchr2(b'\n', b'\r', rest);
            #[cfg(test)]
            {
                self.scanned += found.map_or(rest.len(), |at| at + 1) as u64;
            }
            let Some(at) = found else {
                self.scan = self.buffer.len();
                if self.skipping {
                    self.start = self.buffer.len();
                    return None;
                }
                if self.buffer.len() - self.start > self.max_event_bytes {
                    return Some(self.too_long(true));
                }
                return None;
            };
            let end = from + at;
            // A `\r` at the very end may be the first half of `\r\n`: look at it again then.
            self.scan = end;
            if self.buffer[end] == b'\r' && end + 1 == self.buffer.len() && !self.finished {
                return None;
            }
            let skip = if self.buffer[end] == b'\r' && self.buffer.get(end + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            let line_start = std::mem::replace(&mut self.start, end + skip);
            self.scan = self.start;
            if self.skipping {
                self.skipping = false;
                continue;
            }
            if end - line_start > self.max_event_bytes {
                self.start = line_start;
                let too_long = self.too_long(false);
                self.start = end + skip;
                return Some(too_long);
            }
            return Some(Line::Complete(line_start, end));
        }
    }

    /// The line at `start` is too long: count it and, when it has not ended, skip the rest.
    fn too_long(&mut self, unfinished: bool) -> Line {
        self.lines += 1;
        let offset = self.buffer_offset + self.start as u64;
        if unfinished {
            self.skipping = true;
            self.start = self.buffer.len();
            self.scan = self.start;
        }
        Line::TooLong(Position {
            offset,
            line: self.lines,
        })
    }

    /// The position of plain text's byte `buffer[at]`.
    fn text_position(&self, at: usize) -> Position {
        Position {
            offset: self.buffer_offset + at as u64,
            line: 0,
        }
    }

    /// Drops the SSE event being read; the rest of its lines are ignored up to its blank line.
    fn discard_sse(&mut self) {
        if self.protocol == Some(Protocol::UiMessageStream) {
            self.sse_discard = true;
            self.sse_has_data = false;
            self.sse_line = None;
            self.sse_data = Vec::new();
        }
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
            if std::mem::take(&mut self.sse_discard) {
                return None;
            }
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
        if field != b"data" || self.sse_discard {
            return None;
        }
        if !self.sse_has_data {
            // The usual case, one data line: read it where it is, at dispatch. The line limit
            // bounds it.
            self.sse_start = Position {
                offset,
                line: self.lines,
            };
            self.sse_has_data = true;
            self.sse_line = Some((value_start, to));
            return None;
        }
        let held = self.sse_line.map_or(self.sse_data.len(), |(a, b)| b - a);
        if held + 1 + (to - value_start) > self.max_event_bytes {
            self.position = self.sse_start;
            self.discard_sse();
            let Position { offset, line } = self.position;
            return Some(Err(StreamError::EventTooLarge {
                offset,
                line,
                limit: self.max_event_bytes,
            }));
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
        self.position = self.sse_start;
        let Position { offset, line } = self.position;
        let data = match self.sse_line.take() {
            Some((from, to)) => &self.buffer[from..to],
            None => &self.sse_data[..],
        };
        let event = if data == b"[DONE]" {
            self.done = true;
            None
        } else {
            Some(match from_ui_chunk(data) {
                // Checked by reference: the event is moved as little as possible.
                Ok(event) => match self.open.check(&event) {
                    None => Ok(event),
                    Some((chunk_type, id)) => Err(StreamError::MissingPart {
                        chunk_type,
                        id: id.to_owned(),
                        offset,
                        line,
                    }),
                },
                Err(source) => Err(StreamError::Json {
                    offset,
                    line,
                    source,
                }),
            })
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
        self.position = Position { offset, line };
        if bytes.get(1) != Some(&b':') {
            let text = String::from_utf8_lossy(bytes).into_owned();
            return Some(Err(StreamError::InvalidLine { offset, line, text }));
        }
        let code = bytes[0];
        // The whole line is kept only for parts this client does not know.
        let queued = self.queue.len();
        let mut events = Events(&mut self.queue, self.position);
        if let Err(source) = from_data_stream_part(
            code,
            &bytes[2..],
            bytes,
            &mut self.step_message_id,
            &mut events,
        ) {
            return Some(Err(StreamError::Json {
                offset,
                line,
                source,
            }));
        }
        // A tool part AI SDK 4's chat client throws at is a missing part here.
        let mut missing = None;
        for (at, (_, event)) in self.queue.iter().enumerate().skip(queued) {
            if let Ok(event) = event
                && let Some((chunk_type, id)) = self.v4_calls.check(event)
            {
                missing = Some((at, chunk_type, id.to_owned()));
                break;
            }
        }
        if let Some((at, chunk_type, id)) = missing {
            self.queue.truncate(at);
            let error = StreamError::MissingPart {
                chunk_type,
                id,
                offset,
                line,
            };
            self.queue.push_back((self.position, Err(error)));
        }
        let (_, event) = self.queue.pop_front()?;
        Some(event)
    }

    /// The valid UTF-8 text pushed so far, as one event; an incomplete character waits.
    fn next_text(&mut self) -> Option<Result<AgentEvent, StreamError>> {
        let rest = &self.buffer[self.start..];
        if rest.is_empty() {
            return None;
        }
        let offset = self.buffer_offset + self.start as u64;
        self.position = Position { offset, line: 0 };
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
                let at = Position {
                    offset: offset + valid as u64,
                    line: 0,
                };
                let error = Err(StreamError::Utf8 {
                    offset: at.offset,
                    line: 0,
                });
                if valid == 0 {
                    self.position = at;
                    return Some(error);
                }
                self.queue.push_back((at, error));
            }
        }
        (!text.is_empty()).then(|| {
            Ok(AgentEvent::TextDelta {
                id: TEXT_ID.into(),
                delta: text,
                provider_metadata: None,
            })
        })
    }
}

/// Appends decoded events to the queue, all from one position.
struct Events<'a>(
    &'a mut VecDeque<(Position, Result<AgentEvent, StreamError>)>,
    Position,
);

impl Extend<AgentEvent> for Events<'_> {
    fn extend<I: IntoIterator<Item = AgentEvent>>(&mut self, events: I) {
        let position = self.1;
        self.0
            .extend(events.into_iter().map(|event| (position, Ok(event))));
    }
}

/// The protocol of a body from its first bytes (after a byte order mark), or `None` while it
/// cannot tell yet.
///
/// The answer depends only on the first [`SNIFF_LIMIT`] bytes and on whether the body is
/// shorter: it waits for the first line to end, for that many bytes, or for the end, except
/// where a prefix already settles it (`data:` is an SSE field however the line goes on).
fn sniff(buffer: &[u8], at_end: bool) -> Option<Protocol> {
    let window = &buffer[..buffer.len().min(SNIFF_LIMIT)];
    // Whether the bytes seen can still grow: more may come and the window is not full.
    let open = !at_end && buffer.len() < SNIFF_LIMIT;
    let Some(start) = window.iter().position(|b| !matches!(b, b'\n' | b'\r')) else {
        return (!open).then_some(Protocol::Text);
    };
    let first = &window[start..];
    let line_end = memchr::memchr2(b'\n', b'\r', first);
    let line = &first[..line_end.unwrap_or(first.len())];
    // The line may go on past what is seen (not ended, and not cut by the end of the body).
    let partial = line_end.is_none() && (open || buffer.len() >= SNIFF_LIMIT);
    const SSE_FIELDS: [&[u8]; 5] = [b"data:", b"event:", b"id:", b"retry:", b":"];
    if SSE_FIELDS.iter().any(|p| line.starts_with(p)) {
        return Some(Protocol::UiMessageStream);
    }
    let data_part = |line: &[u8]| matches!(line, [b'0'..=b'9' | b'a'..=b'z', b':', ..]);
    if line_end.is_none() && open {
        // Still growing: wait while it may become an SSE field or a data stream part.
        let could_be_sse = SSE_FIELDS.iter().any(|p| p.starts_with(line));
        let could_be_part = line.len() < 2 && line.first().is_none_or(u8::is_ascii_alphanumeric);
        if could_be_sse || could_be_part || data_part(line) {
            return None;
        }
        return Some(Protocol::Text);
    }
    if data_part(line) {
        let parsed = serde_json::from_slice::<serde::de::IgnoredAny>(&line[2..]);
        // A line cut at the window counts when its JSON is valid as far as it goes.
        if parsed.is_ok() || (partial && parsed.is_err_and(|e| e.is_eof())) {
            return Some(Protocol::DataStream);
        }
    }
    Some(Protocol::Text)
}

#[cfg(test)]
mod tests;
