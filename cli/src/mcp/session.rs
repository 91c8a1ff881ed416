//! The sessions of `mcp --http`, bounded: at most [`Limits::max`] at once, an idle one ended
//! after [`Limits::idle`], and a call's stream kept for a client that reconnects.
//!
//! rmcp's own session worker (`create_local_session`) runs each session: the handshake, and
//! which stream each message of the server belongs to. What this adds around it:
//!
//! - A table with a bound. When it is full, a new session ends the idle session that was
//!   active least recently; when every session is busy, the new one is refused (`admit`, 503
//!   in `http.rs`). A session is idle when no call of it is running and no stream of it is
//!   open; an idle session is ended once it has been idle for [`Limits::idle`]
//!   ([`Sessions::expire_idle`]). A request for an ended session gets rmcp's 404, so that
//!   the client starts a new one.
//! - A replay buffer per session (`replay.rs`): each call's messages are recorded as the
//!   session makes them, whether the client is connected or not, by a task that reads the
//!   call's channel to its end; `Last-Event-ID` resumes from it.

use std::collections::HashMap;
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::WorkerTransport;
use rmcp::transport::common::server_side_http::session_id;
use rmcp::transport::streamable_http_server::SessionManager;
use rmcp::transport::streamable_http_server::session::local::{
    self, LocalSessionHandle, LocalSessionWorker, SessionConfig,
};
use rmcp::transport::streamable_http_server::session::{ServerSseMessage, SessionId};
use tokio::time::Instant;

use super::replay::{LastEventId, Listener, Refusal, Replay};

/// How many sessions, and how long an idle one lives.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The most sessions at once.
    pub(crate) max: usize,
    /// How long a session may stay idle (no call running, no stream open) before it ends.
    pub(crate) idle: Duration,
}

/// Every session of the server.
pub(crate) struct Sessions {
    limits: Limits,
    /// rmcp's settings for each session's worker.
    worker: SessionConfig,
    table: Mutex<Table>,
    /// The number of the next session, for its event ids.
    numbers: AtomicU64,
}

struct Table {
    live: HashMap<SessionId, Arc<Session>>,
    /// `initialize` requests admitted and not yet answered: each may add a session.
    admitting: usize,
}

/// One session.
struct Session {
    /// rmcp's worker, which runs the session.
    handle: LocalSessionHandle,
    replay: Mutex<Replay>,
    /// Standalone (GET) streams open.
    listening: AtomicUsize,
    /// The last request, or the end of the last call or stream.
    last_active: Mutex<Instant>,
}

/// Why a session request failed: rmcp answers each with a status (404 when not found).
#[derive(Debug)]
pub(crate) enum SessionError {
    /// No session has that id (any more).
    NotFound,
    /// Every session is busy and there are `max` of them.
    Full {
        /// The bound.
        max: usize,
    },
    /// A `Last-Event-ID` that cannot be resumed from.
    Resume(Refusal),
    /// rmcp's session worker failed (it ended).
    Worker(local::SessionError),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::NotFound => f.write_str("no session with that id"),
            SessionError::Full { max } => write!(
                f,
                "all {max} sessions are busy (--max-sessions {max}): none can be ended for a \
                 new one"
            ),
            SessionError::Resume(refusal) => write!(f, "{refusal}"),
            SessionError::Worker(error) => write!(f, "the session ended: {error}"),
        }
    }
}

impl std::error::Error for SessionError {}

impl From<local::SessionError> for SessionError {
    fn from(error: local::SessionError) -> Self {
        SessionError::Worker(error)
    }
}

/// A place for one new session, held while its `initialize` is answered.
pub(crate) struct Admission {
    sessions: Arc<Sessions>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut table = self.sessions.table();
        table.admitting = table.admitting.saturating_sub(1);
    }
}

/// A stream of SSE messages, as rmcp's transport takes it.
pub(crate) type SseStream = Pin<Box<dyn Stream<Item = ServerSseMessage> + Send + Sync>>;

impl Sessions {
    /// No sessions yet.
    pub(crate) fn new(limits: Limits) -> Arc<Self> {
        let mut worker = SessionConfig::default();
        // Idle sessions are ended here, where a call that is still running is known: rmcp's
        // own timer counts only messages, and would end a quiet wait_for_job.
        worker.keep_alive = None;
        // The priming event of a call's stream is ours, with our event id (replay.rs).
        worker.sse_retry = None;
        // rmcp keeps a closed call's channel for late resumption; the replay buffer does that.
        worker.completed_cache_ttl = Duration::ZERO;
        Arc::new(Self {
            limits,
            worker,
            table: Mutex::new(Table {
                live: HashMap::new(),
                admitting: 0,
            }),
            numbers: AtomicU64::new(1),
        })
    }

    /// Makes room for a new session: ends the idle session active least recently if the table
    /// is full; refuses when every session is busy.
    pub(crate) fn admit(self: &Arc<Self>) -> Result<Admission, SessionError> {
        let mut table = self.table();
        if table.live.len() + table.admitting >= self.limits.max && !self.end_one_idle(&mut table) {
            return Err(SessionError::Full {
                max: self.limits.max,
            });
        }
        table.admitting += 1;
        Ok(Admission {
            sessions: self.clone(),
        })
    }

    /// Whether a session with this id is live (and counts as activity).
    pub(crate) fn knows(&self, id: &SessionId) -> bool {
        self.session(id).is_ok()
    }

    /// Whether a `Last-Event-ID` can be resumed in session `id`; `Ok` also when the session is
    /// unknown (rmcp answers that with 404).
    pub(crate) fn check_resume(&self, id: &SessionId, last_event_id: &str) -> Result<(), Refusal> {
        let Ok(session) = self.session(id) else {
            return Ok(());
        };
        match LastEventId::parse(last_event_id) {
            None => Err(Refusal::Malformed),
            Some(LastEventId::Standalone(_)) => Ok(()),
            Some(LastEventId::Call(event)) => session.replay().check(&event),
        }
    }

    /// Closes the stream of the call `request` in session `id`, after a priming event, so that
    /// the client reconnects with `Last-Event-ID` (what the conformance suite's
    /// `test_reconnection` asks for). False when there is no such call.
    pub(crate) fn disconnect(&self, id: &SessionId, request: &rmcp::model::RequestId) -> bool {
        self.session(id).is_ok_and(|session| {
            session
                .replay()
                .disconnect(request, Duration::from_millis(200))
        })
    }

    /// Ends the sessions that have been idle for longer than [`Limits::idle`], every so often,
    /// for as long as the server runs.
    pub(crate) async fn expire_idle(self: Arc<Self>) {
        let period =
            (self.limits.idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let expired: Vec<Arc<Session>> = {
                let mut table = self.table();
                let ids: Vec<SessionId> = table
                    .live
                    .iter()
                    .filter(|(_, s)| s.idle() && s.last_active().elapsed() >= self.limits.idle)
                    .map(|(id, _)| id.clone())
                    .collect();
                ids.iter().filter_map(|id| table.live.remove(id)).collect()
            };
            for session in expired {
                session.close();
            }
        }
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session, touched.
    fn session(&self, id: &SessionId) -> Result<Arc<Session>, SessionError> {
        let session = self
            .table()
            .live
            .get(id)
            .cloned()
            .ok_or(SessionError::NotFound)?;
        session.touch();
        Ok(session)
    }

    /// Ends the idle session active least recently, if there is one.
    fn end_one_idle(&self, table: &mut Table) -> bool {
        let oldest = table
            .live
            .iter()
            .filter(|(_, s)| s.idle())
            .min_by_key(|(_, s)| s.last_active())
            .map(|(id, _)| id.clone());
        match oldest.and_then(|id| table.live.remove(&id)) {
            Some(session) => {
                session.close();
                true
            }
            None => false,
        }
    }
}

impl Session {
    fn replay(&self) -> MutexGuard<'_, Replay> {
        self.replay.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn touch(&self) {
        *self
            .last_active
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn last_active(&self) -> Instant {
        *self
            .last_active
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// No call running, no stream open.
    fn idle(&self) -> bool {
        self.listening.load(Ordering::Acquire) == 0 && self.replay().running() == 0
    }

    /// Tells rmcp's worker to stop (its calls are cancelled, its streams end).
    fn close(&self) {
        let handle = self.handle.clone();
        // The worker's queue may be full: do not wait for it here.
        tokio::spawn(async move {
            let _ = handle.close().await;
        });
    }
}

impl SessionManager for Sessions {
    type Error = SessionError;
    type Transport = WorkerTransport<LocalSessionWorker>;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        let id = session_id();
        let number = self.numbers.fetch_add(1, Ordering::Relaxed);
        let (handle, worker) = local::create_local_session(id.clone(), self.worker.clone());
        let session = Arc::new(Session {
            handle,
            replay: Mutex::new(Replay::new(number)),
            listening: AtomicUsize::new(0),
            last_active: Mutex::new(Instant::now()),
        });
        {
            let mut table = self.table();
            // `admit` made room; this holds for a caller that did not ask it.
            if table.live.len() >= self.limits.max && !self.end_one_idle(&mut table) {
                return Err(SessionError::Full {
                    max: self.limits.max,
                });
            }
            table.live.insert(id.clone(), session);
        }
        Ok((id, WorkerTransport::spawn(worker)))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        let session = self.session(id)?;
        Ok(session.handle.initialize(message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        Ok(self.knows(id))
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        let removed = self.table().live.remove(id);
        if let Some(session) = removed {
            match session.handle.close().await {
                Ok(()) | Err(local::SessionError::SessionServiceTerminated) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let session = self.session(id)?;
        let ClientJsonRpcMessage::Request(request) = &message else {
            // rmcp sends only requests here; anything else has no stream to answer on.
            session.handle.push_message(message, None).await?;
            return Ok(Box::pin(futures::stream::empty()) as SseStream);
        };
        let channel = session.handle.establish_request_wise_channel().await?;
        let (stream, priming, listener) = session.replay().open(request.id.clone());
        if let Err(error) = session
            .handle
            .push_message(message, channel.http_request_id)
            .await
        {
            session.replay().end(stream);
            return Err(error.into());
        }
        // Records the call's messages until its channel ends: after its result, or when it is
        // cancelled or the session ends. Whether a client listens or not.
        let mut messages = channel.inner;
        let recorder = session.clone();
        tokio::spawn(async move {
            while let Some(message) = messages.recv().await {
                if let Some(message) = message.message {
                    recorder
                        .replay()
                        .record(stream, Arc::unwrap_or_clone(message));
                }
            }
            recorder.replay().end(stream);
            recorder.touch();
        });
        let stream =
            futures::stream::once(futures::future::ready(priming)).chain(Messages(listener));
        Ok(Box::pin(stream) as SseStream)
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        let session = self.session(id)?;
        Ok(session.handle.push_message(message, None).await?)
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let session = self.session(id)?;
        let channel = session.handle.establish_common_channel().await?;
        Ok(Standalone::new(session, channel.inner))
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let session = self.session(id)?;
        match LastEventId::parse(&last_event_id) {
            None => Err(SessionError::Resume(Refusal::Malformed)),
            Some(LastEventId::Standalone(index)) => {
                // rmcp's own numbering of the standalone stream: its worker resumes it.
                let index = index
                    .to_string()
                    .parse::<local::EventId>()
                    .map_err(|_| SessionError::Resume(Refusal::Malformed))?;
                let channel = session.handle.resume(index).await?;
                Ok(Box::pin(Standalone::new(session, channel.inner)) as SseStream)
            }
            Some(LastEventId::Call(event)) => {
                let listener = session
                    .replay()
                    .resume(&event)
                    .map_err(SessionError::Resume)?;
                Ok(Box::pin(Messages(listener)) as SseStream)
            }
        }
    }
}

/// A listener's messages as a stream.
struct Messages(Listener);

impl Stream for Messages {
    type Item = ServerSseMessage;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// A standalone (GET) stream, counted as open while the connection lasts.
struct Standalone {
    messages: tokio::sync::mpsc::Receiver<ServerSseMessage>,
    session: Arc<Session>,
}

impl Standalone {
    fn new(session: Arc<Session>, messages: tokio::sync::mpsc::Receiver<ServerSseMessage>) -> Self {
        session.listening.fetch_add(1, Ordering::AcqRel);
        Self { messages, session }
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        self.session.listening.fetch_sub(1, Ordering::AcqRel);
        self.session.touch();
    }
}

impl Stream for Standalone {
    type Item = ServerSseMessage;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.messages.poll_recv(cx)
    }
}
