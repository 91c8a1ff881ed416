//! [`StreamError`]: why part of a stream could not be read.

/// Why part of a stream could not be read. Decoding faults are per event: the stream goes on
/// (in [`Decoder::strict`](crate::stream::Decoder::strict) mode, or with [`AgentRun::strict`](crate::stream::AgentRun::strict), the first one ends it).
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// An event's JSON does not parse.
    Json {
        /// Byte offset of the event's first line in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
        /// What the parser said.
        source: serde_json::Error,
    },
    /// A data stream line that is not `CODE:JSON`.
    InvalidLine {
        /// Byte offset of the line in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
        /// The line.
        text: String,
    },
    /// A line longer than [`Decoder::max_event_bytes`](crate::stream::Decoder::max_event_bytes): it was skipped up to its line break,
    /// and in a UI message stream the event it was part of was dropped.
    LineTooLong {
        /// Byte offset of the line in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
        /// The limit.
        limit: usize,
    },
    /// A UI message stream event whose data lines join to more than
    /// [`Decoder::max_event_bytes`](crate::stream::Decoder::max_event_bytes): it was dropped up to its blank line.
    EventTooLarge {
        /// Byte offset of the event's first data line in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
        /// The limit.
        limit: usize,
    },
    /// The body ended inside a UI message stream event (no blank line after it): the event is
    /// dropped, as the AI SDK's event stream parser drops it.
    Unterminated {
        /// Byte offset of the event's first data line in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
    },
    /// A UI message stream chunk for a part that was never started or has ended (a
    /// `text-delta` without its `text-start`, a tool output for an unknown call): the AI SDK
    /// rejects it (`UIMessageStreamError`). The event is not delivered.
    MissingPart {
        /// The chunk's type, e.g. `text-delta`.
        chunk_type: &'static str,
        /// The part's or tool call's id.
        id: String,
        /// Byte offset of the event in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
    },
    /// In [`Decoder::strict`](crate::stream::Decoder::strict) mode: a chunk of a type this client does not know, or one the AI
    /// SDK's schema (AI SDK 4: its part parser) rejects, which leniently is
    /// [`AgentEvent::Unknown`](crate::stream::AgentEvent::Unknown); `useChat` fails on it.
    InvalidChunk {
        /// Byte offset of the event or line in the body.
        offset: u64,
        /// Its line number, from 1.
        line: u64,
        /// The chunk's JSON text, or the data stream line.
        raw: String,
    },
    /// Bytes that are not UTF-8.
    Utf8 {
        /// Byte offset in the body.
        offset: u64,
        /// Line number, from 1 (0 for plain text).
        line: u64,
    },
    /// The connection broke or timed out before the run ended.
    Transport {
        /// The transport's error.
        source: reqwest::Error,
    },
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Json {
                offset,
                line,
                source,
            } => write!(f, "invalid JSON at line {line} (byte {offset}): {source}"),
            StreamError::InvalidLine { offset, line, text } => write!(
                f,
                "not a data stream part at line {line} (byte {offset}): {:?}",
                Shortened(text)
            ),
            StreamError::LineTooLong {
                offset,
                line,
                limit,
            } => write!(
                f,
                "line {line} (byte {offset}) is longer than {limit} bytes; skipped"
            ),
            StreamError::EventTooLarge {
                offset,
                line,
                limit,
            } => write!(
                f,
                "event at line {line} (byte {offset}) is larger than {limit} bytes; skipped"
            ),
            StreamError::Unterminated { offset, line } => write!(
                f,
                "the body ended inside the event at line {line} (byte {offset}); dropped"
            ),
            StreamError::MissingPart {
                chunk_type,
                id,
                offset,
                line,
            } => write!(
                f,
                "{chunk_type} for missing part {:?} at line {line} (byte {offset})",
                Shortened(id)
            ),
            StreamError::InvalidChunk { offset, line, raw } => write!(
                f,
                "invalid chunk at line {line} (byte {offset}): {}",
                Shortened(raw)
            ),
            StreamError::Utf8 { offset, .. } => write!(f, "invalid UTF-8 at byte {offset}"),
            StreamError::Transport { source } => write!(f, "the stream broke off: {source}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Json { source, .. } => Some(source),
            StreamError::Transport { source } => Some(source),
            _ => None,
        }
    }
}

/// Server text in a message, cut to its first [`Shortened::MAX_CHARS`] characters: a chunk or
/// line may be megabytes long. The error's field keeps all of it.
struct Shortened<'a>(&'a str);

impl<'a> Shortened<'a> {
    const MAX_CHARS: usize = 200;

    /// The text shown, and the whole length when it was cut.
    fn cut(&self) -> (&'a str, Option<usize>) {
        match self.0.char_indices().nth(Self::MAX_CHARS) {
            None => (self.0, None),
            Some((end, _)) => (&self.0[..end], Some(self.0.len())),
        }
    }

    fn write(&self, f: &mut std::fmt::Formatter<'_>, quoted: bool) -> std::fmt::Result {
        let (shown, whole) = self.cut();
        if quoted {
            write!(f, "{shown:?}")?;
        } else {
            f.write_str(shown)?;
        }
        match whole {
            Some(len) => write!(f, "… ({len} bytes)"),
            None => Ok(()),
        }
    }
}

impl std::fmt::Display for Shortened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write(f, false)
    }
}

/// Quoted and escaped, as `{:?}` shows a string: for ids and lines, whose control characters
/// must not reach a terminal as they are.
impl std::fmt::Debug for Shortened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write(f, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cut_long_server_text_and_keep_the_cause() {
        use std::error::Error as _;
        let raw = format!("{{\"type\":\"x\",\"pad\":\"{}\"}}", "é".repeat(10_000));
        let error = StreamError::InvalidChunk {
            offset: 7,
            line: 2,
            raw: raw.clone(),
        };
        let text = error.to_string();
        assert!(
            text.starts_with("invalid chunk at line 2 (byte 7): {\"type\":\"x\""),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("… ({} bytes)", raw.len())),
            "{text}"
        );
        assert!(text.chars().count() < 300, "{}", text.len());
        let short = StreamError::InvalidLine {
            offset: 0,
            line: 1,
            text: "zz".into(),
        };
        assert_eq!(
            short.to_string(),
            "not a data stream part at line 1 (byte 0): \"zz\""
        );
        let missing = StreamError::MissingPart {
            chunk_type: "text-delta",
            id: "\u{1b}[2J".into(),
            offset: 0,
            line: 1,
        };
        assert_eq!(
            missing.to_string(),
            "text-delta for missing part \"\\u{1b}[2J\" at line 1 (byte 0)"
        );
        let long_id = StreamError::MissingPart {
            chunk_type: "text-end",
            id: "x".repeat(1_000),
            offset: 0,
            line: 1,
        };
        assert!(
            long_id
                .to_string()
                .contains(&format!("\"{}\"… (1000 bytes)", "x".repeat(200)))
        );
        let source = serde_json::from_str::<u8>("x").unwrap_err();
        let json = StreamError::Json {
            offset: 0,
            line: 1,
            source,
        };
        assert!(json.source().unwrap().is::<serde_json::Error>());
    }
}
