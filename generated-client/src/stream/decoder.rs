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
//! - UI message stream chunks for parts never started (or ended) give
//!   [`StreamError::MissingPart`] instead of their event, as the AI SDK rejects them; the ids
//!   of parts and tool calls are remembered up to [`MAX_REMEMBERED_IDS`] of each kind (beyond
//!   that, chunks are no longer checked). In [`Decoder::strict`] mode the first error ends the
//!   stream, as `useChat` stops at the first invalid chunk.
//! - A leading UTF-8 byte order mark (`EF BB BF`) is dropped, as the AI SDK's decoders do;
//!   offsets in errors still count it.

use std::collections::VecDeque;

use super::event::{AgentEvent, from_data_stream_part, from_ui_chunk};
use super::{Position, Protocol, StreamError};

/// How many bytes to look at, when no line has ended yet, before deciding the protocol.
const SNIFF_LIMIT: usize = 512;

/// The id of plain text's one text part, as the AI SDK's TextStreamChatTransport names it.
const TEXT_ID: &str = "text-1";

/// The default for [`Decoder::max_event_bytes`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many part ids and tool call ids of each kind the decoder remembers to check chunks.
pub const MAX_REMEMBERED_IDS: usize = 4096;

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
    /// Open text and reasoning parts and known tool calls, by id (UI message stream). Lists,
    /// searched from the newest: a chunk is nearly always for the part opened last.
    open_text: Vec<String>,
    open_reasoning: Vec<String>,
    tool_calls: Vec<String>,
    /// Stop at the first error; `stopped`: it came.
    strict: bool,
    stopped: bool,
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
            open_text: Vec::new(),
            open_reasoning: Vec::new(),
            tool_calls: Vec::new(),
            strict: false,
            stopped: false,
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
    /// on.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
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
        if self.strict && matches!(event, Some(Err(_))) {
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
                Ok(event) => match self.check_part(&event, offset, line) {
                    None => Ok(event),
                    Some(error) => Err(error),
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

    /// Refuses a chunk for a part that is not open, as the AI SDK does; keeps track of parts.
    fn check_part(&mut self, event: &AgentEvent, offset: u64, line: u64) -> Option<StreamError> {
        fn open(ids: &mut Vec<String>, id: &str) {
            // An id already known stays once: a run that reuses ids does not fill the list.
            if ids.len() < MAX_REMEMBERED_IDS && !ids.iter().rev().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        // Beyond the limit nothing is refused: an id may have been forgotten.
        let known = |ids: &[String], id: &str| {
            ids.len() >= MAX_REMEMBERED_IDS || ids.iter().rev().any(|known| known == id)
        };
        let missing = match event {
            AgentEvent::TextStart { id, .. } => {
                open(&mut self.open_text, id);
                None
            }
            AgentEvent::ResetStep => {
                self.open_text.clear();
                self.open_reasoning.clear();
                None
            }
            AgentEvent::ReasoningStart { id, .. } => {
                open(&mut self.open_reasoning, id);
                None
            }
            AgentEvent::ToolInputStart { tool_call_id, .. }
            | AgentEvent::ToolInputAvailable { tool_call_id, .. }
            | AgentEvent::ToolInputError { tool_call_id, .. } => {
                open(&mut self.tool_calls, tool_call_id);
                None
            }
            AgentEvent::TextDelta { id, .. } => {
                (!known(&self.open_text, id)).then_some(("text-delta", id))
            }
            AgentEvent::TextEnd { id, .. } => {
                (!known(&self.open_text, id)).then_some(("text-end", id))
            }
            AgentEvent::ReasoningDelta { id, .. } => {
                (!known(&self.open_reasoning, id)).then_some(("reasoning-delta", id))
            }
            AgentEvent::ReasoningEnd { id, .. } => {
                (!known(&self.open_reasoning, id)).then_some(("reasoning-end", id))
            }
            AgentEvent::ToolInputDelta { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-input-delta", tool_call_id))
            }
            AgentEvent::ToolOutputAvailable { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-output-available", tool_call_id))
            }
            AgentEvent::ToolOutputError { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-output-error", tool_call_id))
            }
            AgentEvent::ToolOutputDenied { tool_call_id } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-output-denied", tool_call_id))
            }
            AgentEvent::ToolApprovalRequest { tool_call_id, .. } => {
                (!known(&self.tool_calls, tool_call_id))
                    .then_some(("tool-approval-request", tool_call_id))
            }
            _ => None,
        };
        if let Some((chunk_type, id)) = missing {
            return Some(StreamError::MissingPart {
                chunk_type,
                id: id.clone(),
                offset,
                line,
            });
        }
        match event {
            AgentEvent::TextEnd { id, .. } => close(&mut self.open_text, id),
            AgentEvent::ReasoningEnd { id, .. } => close(&mut self.open_reasoning, id),
            _ => {}
        }
        None
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

/// Forgets the part `id` (the newest of that id).
fn close(ids: &mut Vec<String>, id: &str) {
    if let Some(at) = ids.iter().rposition(|open| open == id) {
        ids.remove(at);
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

        // The data stream: the line alone goes.
        let body = format!("0:\"a\"\n0:\"{long}\"\n0:\"b\"\n");
        let (events, _) = decode_with(Decoder::new().max_event_bytes(256), body.as_bytes(), 3);
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(
            events[1].contains("LineTooLong { offset: 6, line: 2"),
            "{events:?}"
        );
        assert!(events[2].contains("\"b\""), "{events:?}");
    }

    #[test]
    fn an_endless_event_is_dropped_and_memory_stays_bounded() {
        let mut decoder =
            Decoder::with_protocol(Protocol::UiMessageStream).max_event_bytes(1 << 16);
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
        let events = decode(None, &[body]);
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
}
