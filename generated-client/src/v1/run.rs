//! A started v1 run: its session headers at once, then its events as they stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::error::Error;
use crate::stream::decoder::Decoder;
use crate::stream::error::StreamError;
use crate::stream::event::AgentEvent;
use crate::stream::position::Position;
use crate::stream::protocol::Protocol;
use crate::stream::transcript::Transcript;

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A v1 run in progress, as [`crate::V1::create_job`] returns it.
///
/// The session id and branch are known before the first event. Read it as a
/// `Stream<Item = Result<AgentEvent, StreamError>>` (memory stays constant however long the run),
/// as text only with [`AgentRun::text_stream`], or whole with [`AgentRun::collect`].
///
/// ```no_run
/// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
/// use futures::StreamExt;
/// use mintlify_agent::stream::AgentEvent;
/// use mintlify_agent::v1::types::{CreateJobRequest, Message, MessageRole};
///
/// let request = CreateJobRequest::builder()
///     .messages(vec![Message { role: MessageRole::User, content: "Add a quickstart".into() }]);
/// let mut run = client.v1().create_job(request).await?;
/// println!("session {:?} on branch {:?}", run.session_id(), run.branch());
/// while let Some(event) = run.next().await {
///     if let Ok(AgentEvent::TextDelta { delta, .. }) = event {
///         print!("{delta}");
///     }
/// }
/// # Ok(()) }
/// ```
pub struct AgentRun {
    session_id: Option<String>,
    branch: Option<String>,
    body: Body,
    decoder: Decoder,
    ended: bool,
    /// Goes on past what ends the AI SDK's message ([`AgentRun::continue_after_missing_part`]).
    go_on: bool,
}

impl std::fmt::Debug for AgentRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentRun")
            .field("session_id", &self.session_id)
            .field("branch", &self.branch)
            .field("protocol", &self.decoder.protocol())
            .finish_non_exhaustive()
    }
}

impl AgentRun {
    /// A run over `body`; `protocol` as the headers announced it, if they did.
    pub(crate) fn new(
        session_id: Option<String>,
        branch: Option<String>,
        protocol: Option<Protocol>,
        body: impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
    ) -> Self {
        Self {
            session_id,
            branch,
            body: Box::pin(body),
            decoder: protocol.map_or_else(Decoder::new, Decoder::with_protocol),
            ended: false,
            go_on: false,
        }
    }

    /// Strict mode: the first decoding error (invalid JSON, an unknown or invalid chunk, …) is
    /// the stream's last item, as the AI SDK's `useChat` stops at the first invalid chunk. By
    /// default such errors are yielded and the stream goes on, but for
    /// [`StreamError::MissingPart`] (a chunk for a part the SDK's reader does not have open),
    /// which ends the stream as it ends the SDK's message.
    #[must_use]
    pub fn strict(mut self) -> Self {
        self.decoder = std::mem::take(&mut self.decoder).strict(true);
        self
    }

    /// Goes on past a [`StreamError::MissingPart`] (the chunk is dropped, the error yielded)
    /// instead of ending the stream there, and [`AgentRun::collect`] builds a
    /// [`Transcript::continuing`], which also goes on past a merge the SDK would throw on. A
    /// difference from the AI SDK, whose message ends at such a chunk: for reading as much of a
    /// damaged run as there is.
    #[must_use]
    pub fn continue_after_missing_part(mut self) -> Self {
        self.decoder = std::mem::take(&mut self.decoder).continue_after_missing_part(true);
        self.go_on = true;
        self
    }

    /// `X-Session-Id`: the session to read back with [`crate::V1::get_job`].
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// `X-Branch-Name`: the branch the agent works on.
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// Where in the body the item the stream gave last came from; see [`Decoder::position`].
    pub fn position(&self) -> Position {
        self.decoder.position()
    }

    /// The stream's protocol, once known (from the headers, or from the first bytes).
    pub fn protocol(&self) -> Option<Protocol> {
        self.decoder.protocol()
    }

    /// The text for the user alone, delta by delta.
    pub fn text_stream(self) -> impl Stream<Item = Result<String, StreamError>> + Send {
        self.filter_map(|event| async move {
            match event {
                Ok(AgentEvent::TextDelta { delta, .. }) => Some(Ok(delta)),
                Ok(_) => None,
                Err(error) => Some(Err(error)),
            }
        })
    }

    /// Reads the run to its end and returns the message it built.
    ///
    /// Events that do not decode are skipped (the stream goes on) and counted in
    /// [`Transcript::unknown`] when their type is unknown; a chunk for a part never started ends
    /// the message where the AI SDK's reader ends it (see
    /// [`AgentRun::continue_after_missing_part`]). If the connection breaks or times out
    /// first, the error is [`Error::Stream`] with the session id and the partial transcript: the
    /// run goes on at Mintlify, and [`crate::V1::wait_for_session`] learns how it ends.
    pub async fn collect(mut self) -> Result<Transcript, Error> {
        let mut transcript = if self.go_on {
            Transcript::continuing()
        } else {
            Transcript::new()
        };
        while let Some(event) = self.next().await {
            match event {
                Ok(event) => {
                    transcript.set_protocol(self.protocol());
                    transcript.apply(&event);
                }
                Err(StreamError::Transport { source }) => {
                    return Err(Error::Stream {
                        session_id: self.session_id,
                        partial: Box::new(transcript),
                        source: source.into(),
                    });
                }
                Err(_) => {}
            }
        }
        Ok(transcript)
    }

    /// The same as [`AgentRun::collect`].
    pub async fn finish(self) -> Result<Transcript, Error> {
        self.collect().await
    }
}

impl Stream for AgentRun {
    type Item = Result<AgentEvent, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(event) = self.decoder.next_event() {
                return Poll::Ready(Some(event));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            match self.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => self.decoder.push(&bytes),
                Poll::Ready(Some(Err(source))) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(StreamError::Transport { source })));
                }
                Poll::Ready(None) => {
                    self.decoder.finish();
                    self.ended = true;
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text delta for a part never started, then more text: the SDK's message ends at the
    /// stray delta; asked to go on, the run reads the rest.
    const BODY: &str = "data: {\"type\":\"start\"}\n\n\
        data: {\"type\":\"text-start\",\"id\":\"t1\"}\n\n\
        data: {\"type\":\"text-delta\",\"id\":\"t1\",\"delta\":\"one \"}\n\n\
        data: {\"type\":\"text-delta\",\"id\":\"nope\",\"delta\":\"stray\"}\n\n\
        data: {\"type\":\"text-delta\",\"id\":\"t1\",\"delta\":\"two\"}\n\n\
        data: {\"type\":\"text-end\",\"id\":\"t1\"}\n\n\
        data: [DONE]\n\n";

    fn run() -> AgentRun {
        let body = futures_util::stream::iter([Ok(Bytes::from_static(BODY.as_bytes()))]);
        AgentRun::new(
            Some("s1".into()),
            None,
            Some(Protocol::UiMessageStream),
            body,
        )
    }

    #[tokio::test]
    async fn a_run_ends_where_the_sdk_ends_unless_asked_to_go_on() {
        let items: Vec<_> = StreamExt::collect::<Vec<_>>(run()).await;
        assert!(
            matches!(items.last(), Some(Err(StreamError::MissingPart { .. }))),
            "{items:?}"
        );
        assert_eq!(run().collect().await.unwrap().text(), "one ");

        let items: Vec<_> = StreamExt::collect::<Vec<_>>(run().continue_after_missing_part()).await;
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Err(StreamError::MissingPart { .. })))
        );
        assert!(matches!(items.last(), Some(Ok(_))), "{items:?}");
        let transcript = run().continue_after_missing_part().collect().await.unwrap();
        assert_eq!(transcript.text(), "one two");
    }
}
