//! [`Protocol`]: the three wire formats of a run's body, and what response headers say.

/// The wire format of a run's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// AI SDK 5+ UI message stream: server-sent events `data: {json}`, ending `data: [DONE]`.
    UiMessageStream,
    /// AI SDK 4 data stream: one `CODE:JSON` line per part.
    DataStream,
    /// Plain text: every byte is text for the user, framed as the AI SDK's
    /// `TextStreamChatTransport` frames it (one step, one text part `text-1`).
    Text,
}

impl Protocol {
    /// The protocol the response headers announce, if they do: the AI SDK's own headers first,
    /// then `text/event-stream`. `text/plain` alone does not tell (the data stream and plain
    /// text both use it); the decoder then looks at the first bytes.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Self> {
        if headers.contains_key("x-vercel-ai-ui-message-stream") {
            return Some(Protocol::UiMessageStream);
        }
        if headers.contains_key("x-vercel-ai-data-stream") {
            return Some(Protocol::DataStream);
        }
        let content_type = headers.get(http::header::CONTENT_TYPE)?.to_str().ok()?;
        content_type
            .trim()
            .starts_with("text/event-stream")
            .then_some(Protocol::UiMessageStream)
    }
}
