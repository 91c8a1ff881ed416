//! The wire formats of a v1 stream, and the headers each is sent with.

/// The wire format of a v1 stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// AI SDK 5+ UI message stream: server-sent events `data: {json}`, then `data: [DONE]`.
    UiMessageStream,
    /// AI SDK 4 data stream: one `CODE:JSON` line per part, `text/plain`.
    DataStream,
    /// The text deltas alone, as plain text.
    Text,
}

impl Protocol {
    /// The header a request may carry to choose the protocol: `ui-message-stream`,
    /// `data-stream` or `text`.
    pub const REQUEST_HEADER: &'static str = "x-testkit-stream-protocol";

    /// Reads the value of [`Self::REQUEST_HEADER`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim() {
            "ui-message-stream" => Some(Protocol::UiMessageStream),
            "data-stream" => Some(Protocol::DataStream),
            "text" => Some(Protocol::Text),
            _ => None,
        }
    }

    /// The response headers the AI SDK sends with this protocol (besides the session's own).
    pub fn headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Protocol::UiMessageStream => &[
                ("content-type", "text/event-stream"),
                ("cache-control", "no-cache"),
                ("connection", "keep-alive"),
                ("x-vercel-ai-ui-message-stream", "v1"),
                ("x-accel-buffering", "no"),
            ],
            Protocol::DataStream => &[
                ("content-type", "text/plain; charset=utf-8"),
                ("x-vercel-ai-data-stream", "v1"),
            ],
            Protocol::Text => &[("content-type", "text/plain; charset=utf-8")],
        }
    }
}
