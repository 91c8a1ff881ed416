//! One session's replay buffer: every message of a call's SSE stream gets an event id, and a
//! client that comes back with `Last-Event-ID` gets what it missed while it was away.
//!
//! A call's messages (its progress, then its result) are recorded here as the session makes
//! them, whether or not the client is connected, and sent to the one connection that listens
//! to that call's stream, if any. A reconnection with `Last-Event-ID` becomes the stream's new
//! listener: it first gets the recorded messages after that id, then the rest as they come. The
//! buffer keeps the last [`REPLAY_EVENTS`] messages and at most [`REPLAY_BYTES`] of them per
//! session; a result pushed out before its client came back is answered with a JSON-RPC error
//! for that request ([`LOST_RESULT`]), so that the client's call ends instead of waiting on.
//!
//! Event ids are `SESSION-STREAM-EVENT` (three decimal numbers): the session's number in this
//! process, the call's stream in the session, the message in the stream (0: the priming event
//! that opens it). An id from another session, one this session never sent, or one that is not
//! an id at all is refused by [`Replay::resume`] with a [`Refusal`] that says which.
//!
//! Sans-IO but for the listeners' channels: no clock, no locks, no tasks (see `session.rs`).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{ErrorCode, ErrorData, RequestId, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_server::session::ServerSseMessage;
use serde_json::json;
use tokio::sync::mpsc;

/// The most messages one session keeps for clients that come back.
pub(crate) const REPLAY_EVENTS: usize = 64;
/// The most bytes (as JSON) of messages one session keeps; the newest message is kept even
/// when it alone is larger.
pub(crate) const REPLAY_BYTES: usize = 256 * 1024;
/// How many finished calls whose messages are all gone a session remembers (their request ids,
/// and how far their streams went), so that a late `Last-Event-ID` for one of them gets the
/// right answer: a lost result, not a forgotten call.
const KEEP_FINISHED: usize = 64;
/// Messages a listener may have unread before it is dropped (it can come back with
/// `Last-Event-ID`): the whole buffer, and room for what comes next.
const LISTENER_SLACK: usize = REPLAY_EVENTS + 16;
/// How long a client should wait before it reconnects (the SSE `retry` field).
pub(crate) const RETRY: Duration = Duration::from_secs(3);
/// The JSON-RPC error code of a result that was dropped from the buffer before the client came
/// back for it (a server error code: JSON-RPC leaves -32000 to -32099 to servers).
pub(crate) const LOST_RESULT: ErrorCode = ErrorCode(-32001);

/// An event id of a call's stream: `SESSION-STREAM-EVENT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EventId {
    /// The session's number in this process (from 1).
    pub(crate) session: u64,
    /// The call's stream in the session (from 1).
    pub(crate) stream: u64,
    /// The message in the stream (from 1; 0 is the priming event).
    pub(crate) event: u64,
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.session, self.stream, self.event)
    }
}

/// What a `Last-Event-ID` header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LastEventId {
    /// An event of a call's stream (ours).
    Call(EventId),
    /// An event of the standalone GET stream, which rmcp numbers itself (`0`, `1`, …).
    Standalone(u64),
}

impl LastEventId {
    /// Reads a header value; `None` when it is neither form.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let number = |part: &str| {
            // Digits only: no sign, no spaces, no empty part; at most a u64.
            if part.is_empty() || part.len() > 20 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse::<u64>().ok()
        };
        let mut parts = text.split('-');
        let first = number(parts.next()?)?;
        let Some(stream) = parts.next() else {
            return Some(Self::Standalone(first));
        };
        let stream = number(stream)?;
        let event = number(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self::Call(EventId {
            session: first,
            stream,
            event,
        }))
    }
}

/// Why a `Last-Event-ID` cannot be resumed from: each is an HTTP answer in `http.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not an event id this server makes.
    Malformed,
    /// An id of another session.
    OtherSession,
    /// An event (or stream) this session has not sent yet.
    NotSent,
    /// A stream so old that the session no longer remembers it.
    Forgotten,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Malformed => {
                "Last-Event-ID is not an event id of this server (SESSION-STREAM-EVENT, three \
                 numbers, as its events carry)"
            }
            Refusal::OtherSession => {
                "Last-Event-ID names an event of another session: resume with an id that a \
                 stream of this session (Mcp-Session-Id) sent"
            }
            Refusal::NotSent => "Last-Event-ID names an event this session has not sent",
            Refusal::Forgotten => {
                "Last-Event-ID names a call that ended so long ago that this session no longer \
                 keeps its messages; call the tool again (for a job, get_job)"
            }
        })
    }
}

/// One call's stream.
struct Stream {
    /// The JSON-RPC request it answers.
    request: RequestId,
    /// The newest message recorded (0: none yet).
    last: u64,
    /// The newest message pushed out of the buffer (0: none).
    dropped: u64,
    /// The message that is the result, once recorded.
    result: Option<u64>,
    /// No more messages will come (the result was recorded, or the call was cancelled).
    ended: bool,
    /// The connection that gets its messages as they come.
    listener: Option<mpsc::Sender<ServerSseMessage>>,
}

/// A recorded message.
struct Recorded {
    stream: u64,
    event: u64,
    message: Arc<ServerJsonRpcMessage>,
    bytes: usize,
}

/// One session's calls and the messages kept for them.
pub(crate) struct Replay {
    session: u64,
    streams: BTreeMap<u64, Stream>,
    next_stream: u64,
    kept: VecDeque<Recorded>,
    bytes: usize,
}

/// A listener: the messages of one stream, in order, until the stream ends or another
/// connection takes it over.
pub(crate) type Listener = mpsc::Receiver<ServerSseMessage>;

impl Replay {
    /// The empty buffer of session number `session`.
    pub(crate) fn new(session: u64) -> Self {
        Self {
            session,
            streams: BTreeMap::new(),
            next_stream: 1,
            kept: VecDeque::new(),
            bytes: 0,
        }
    }

    /// A new stream for the call `request`: its number, its priming event, and the listener
    /// that gets its messages.
    pub(crate) fn open(&mut self, request: RequestId) -> (u64, ServerSseMessage, Listener) {
        let stream = self.next_stream;
        self.next_stream += 1;
        let (sender, listener) = mpsc::channel(LISTENER_SLACK);
        self.streams.insert(
            stream,
            Stream {
                request,
                last: 0,
                dropped: 0,
                result: None,
                ended: false,
                listener: Some(sender),
            },
        );
        let priming = self.priming(stream, 0);
        (stream, priming, listener)
    }

    /// Records the next message of `stream` and sends it to its listener. A result ends the
    /// stream: the listener's connection closes once it has read it.
    pub(crate) fn record(&mut self, stream: u64, message: ServerJsonRpcMessage) {
        let Some(state) = self.streams.get_mut(&stream) else {
            return; // Forgotten: only an ended stream is, and nothing follows a result.
        };
        if state.ended {
            return;
        }
        state.last += 1;
        let event = state.last;
        let is_result = matches!(
            message,
            ServerJsonRpcMessage::Response(_) | ServerJsonRpcMessage::Error(_)
        );
        let message = Arc::new(message);
        let id = EventId {
            session: self.session,
            stream,
            event,
        };
        if let Some(listener) = &state.listener {
            let sent = listener.try_send(sse(Some(id.to_string()), message.clone()));
            // Gone, or not reading: it can come back with Last-Event-ID.
            if sent.is_err() {
                state.listener = None;
            }
        }
        if is_result {
            state.result = Some(event);
            state.ended = true;
            state.listener = None;
        }
        let bytes = json_size(&message);
        self.kept.push_back(Recorded {
            stream,
            event,
            message,
            bytes,
        });
        self.bytes += bytes;
        self.evict();
    }

    /// The stream's call ended without a result (cancelled, or its session closed).
    pub(crate) fn end(&mut self, stream: u64) {
        if let Some(state) = self.streams.get_mut(&stream) {
            state.ended = true;
            state.listener = None;
        }
        self.forget_finished();
    }

    /// Whether a `Last-Event-ID` can be resumed from, without changing anything.
    pub(crate) fn check(&self, id: &EventId) -> Result<(), Refusal> {
        if id.session != self.session {
            return Err(Refusal::OtherSession);
        }
        if id.stream == 0 || id.stream >= self.next_stream {
            return Err(Refusal::NotSent);
        }
        let Some(state) = self.streams.get(&id.stream) else {
            return Err(Refusal::Forgotten);
        };
        if id.event > state.last {
            return Err(Refusal::NotSent);
        }
        Ok(())
    }

    /// A listener for the stream `id` names: the kept messages after it, then the rest as they
    /// come. It takes the stream over from the connection that had it, which closes. If the
    /// stream's result was pushed out of the buffer, the listener gets a JSON-RPC error for the
    /// request instead ([`LOST_RESULT`]).
    pub(crate) fn resume(&mut self, id: &EventId) -> Result<Listener, Refusal> {
        self.check(id)?;
        let Some(state) = self.streams.get_mut(&id.stream) else {
            return Err(Refusal::Forgotten);
        };
        let (sender, listener) = mpsc::channel(LISTENER_SLACK);
        state.listener = None;
        let result_lost = state.result.is_some_and(|result| result <= state.dropped);
        if result_lost && id.event < state.result.unwrap_or(0) {
            let error = ErrorData::new(
                LOST_RESULT,
                "The result of this call was sent while the client was away, and has since \
                 been pushed out of this session's replay buffer (it keeps the last \
                 messages: see data). If it was wait_for_job, call get_job or wait_for_job \
                 again with the job's id; the job itself goes on at Mintlify.",
                Some(json!({
                    "replay_events": REPLAY_EVENTS,
                    "replay_bytes": REPLAY_BYTES,
                    "request_id": state.request.to_string(),
                })),
            );
            let message = ServerJsonRpcMessage::error(error, Some(state.request.clone()));
            // The channel is new and empty.
            let event_id = state.result.map(|event| {
                EventId {
                    session: self.session,
                    stream: id.stream,
                    event,
                }
                .to_string()
            });
            let _ = sender.try_send(sse(event_id, Arc::new(message)));
            return Ok(listener);
        }
        for kept in self
            .kept
            .iter()
            .filter(|k| k.stream == id.stream && k.event > id.event)
        {
            let event_id = EventId {
                session: self.session,
                stream: id.stream,
                event: kept.event,
            };
            // At most REPLAY_EVENTS kept, fewer than the channel holds.
            let _ = sender.try_send(sse(Some(event_id.to_string()), kept.message.clone()));
        }
        if !state.ended {
            state.listener = Some(sender);
        }
        Ok(listener)
    }

    /// Closes the connection that listens to `request`'s stream, after a priming event that
    /// names where it was, so that the client reconnects and resumes (SEP-1699's polling).
    /// False when no open stream answers that request.
    pub(crate) fn disconnect(&mut self, request: &RequestId, retry: Duration) -> bool {
        let Some((&stream, state)) = self
            .streams
            .iter_mut()
            .find(|(_, s)| !s.ended && &s.request == request)
        else {
            return false;
        };
        let last = state.last;
        if let Some(listener) = state.listener.take() {
            let _ = listener.try_send(ServerSseMessage::priming(
                EventId {
                    session: self.session,
                    stream,
                    event: last,
                }
                .to_string(),
                retry,
            ));
        }
        true
    }

    /// How many calls are still running.
    pub(crate) fn running(&self) -> usize {
        self.streams.values().filter(|s| !s.ended).count()
    }

    /// How many messages are kept, and their size.
    #[cfg(test)]
    fn kept(&self) -> (usize, usize) {
        (self.kept.len(), self.bytes)
    }

    fn priming(&self, stream: u64, event: u64) -> ServerSseMessage {
        ServerSseMessage::priming(
            EventId {
                session: self.session,
                stream,
                event,
            }
            .to_string(),
            RETRY,
        )
    }

    /// Pushes the oldest messages out past the bounds; the newest always stays.
    fn evict(&mut self) {
        while self.kept.len() > REPLAY_EVENTS || (self.bytes > REPLAY_BYTES && self.kept.len() > 1)
        {
            let Some(oldest) = self.kept.pop_front() else {
                break;
            };
            self.bytes -= oldest.bytes;
            if let Some(state) = self.streams.get_mut(&oldest.stream) {
                state.dropped = state.dropped.max(oldest.event);
            }
        }
        self.forget_finished();
    }

    /// Forgets the oldest ended streams past [`KEEP_FINISHED`] whose messages are all gone.
    fn forget_finished(&mut self) {
        // At most REPLAY_EVENTS of them.
        let mut with_messages: Vec<u64> = self.kept.iter().map(|k| k.stream).collect();
        with_messages.sort_unstable();
        with_messages.dedup();
        let gone = |number: &u64, state: &Stream| {
            state.ended && with_messages.binary_search(number).is_err()
        };
        let forgettable = self.streams.iter().filter(|(n, s)| gone(n, s)).count();
        let mut excess = forgettable.saturating_sub(KEEP_FINISHED);
        if excess == 0 {
            return;
        }
        self.streams.retain(|number, state| {
            if excess > 0 && gone(number, state) {
                excess -= 1;
                return false;
            }
            true
        });
    }
}

/// An SSE event carrying a message.
fn sse(event_id: Option<String>, message: Arc<ServerJsonRpcMessage>) -> ServerSseMessage {
    let mut event = ServerSseMessage::default();
    event.event_id = event_id;
    event.message = Some(message);
    event
}

/// The size of a message as JSON, without keeping the text.
fn json_size(message: &ServerJsonRpcMessage) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail; a message that would not serialize counts as empty.
    let _ = serde_json::to_writer(&mut count, message);
    count.0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rmcp::model::{
        CallToolResult, ContentBlock, NumberOrString, ProgressNotificationParam, ProgressToken,
        ServerNotification, ServerResult,
    };

    use super::*;

    fn progress(n: u32) -> ServerJsonRpcMessage {
        ServerJsonRpcMessage::notification(ServerNotification::ProgressNotification(
            rmcp::model::Notification::new(ProgressNotificationParam::new(
                ProgressToken(NumberOrString::Number(1)),
                f64::from(n),
            )),
        ))
    }

    fn result(request: i64, text: &str) -> ServerJsonRpcMessage {
        ServerJsonRpcMessage::response(
            ServerResult::CallToolResult(CallToolResult::success(vec![ContentBlock::text(text)])),
            NumberOrString::Number(request),
        )
    }

    fn drain(listener: &mut Listener) -> Vec<ServerSseMessage> {
        let mut seen = Vec::new();
        while let Ok(message) = listener.try_recv() {
            seen.push(message);
        }
        seen
    }

    fn ids(messages: &[ServerSseMessage]) -> Vec<String> {
        messages
            .iter()
            .map(|m| m.event_id.clone().unwrap_or_default())
            .collect()
    }

    fn request(n: i64) -> RequestId {
        NumberOrString::Number(n)
    }

    fn id(text: &str) -> EventId {
        match LastEventId::parse(text) {
            Some(LastEventId::Call(id)) => id,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn event_ids_read_back_and_malformed_ones_do_not() {
        assert_eq!(
            LastEventId::parse("7-2-15"),
            Some(LastEventId::Call(EventId {
                session: 7,
                stream: 2,
                event: 15
            }))
        );
        assert_eq!(LastEventId::parse("0"), Some(LastEventId::Standalone(0)));
        assert_eq!(LastEventId::parse("12"), Some(LastEventId::Standalone(12)));
        for bad in [
            "",
            "-",
            "1-2",
            "1-2-3-4",
            "1--3",
            "+1-2-3",
            " 1-2-3",
            "1-2-3 ",
            "a-b-c",
            "1-2-99999999999999999999",
            "0/0",
            "1/0",
            "１-2-3",
        ] {
            assert_eq!(LastEventId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_listener_gets_the_priming_event_then_each_message_then_the_end() {
        let mut replay = Replay::new(3);
        let (stream, priming, mut listener) = replay.open(request(9));
        assert_eq!(priming.event_id.as_deref(), Some("3-1-0"));
        assert_eq!(priming.retry, Some(RETRY));
        assert!(priming.message.is_none());
        replay.record(stream, progress(1));
        replay.record(stream, result(9, "done"));
        let seen = drain(&mut listener);
        assert_eq!(ids(&seen), ["3-1-1", "3-1-2"]);
        // The result ends the stream: the sender is gone.
        assert!(listener.is_closed() || listener.try_recv().is_err());
        assert_eq!(replay.running(), 0);
        // Nothing is recorded past a result.
        replay.record(stream, progress(2));
        assert_eq!(replay.kept().0, 2);
    }

    #[test]
    fn a_client_that_comes_back_gets_what_it_missed_and_then_the_rest() {
        let mut replay = Replay::new(1);
        let (stream, _, first) = replay.open(request(4));
        replay.record(stream, progress(1));
        // The connection drops.
        drop(first);
        replay.record(stream, progress(2));
        replay.record(stream, progress(3));
        let mut again = replay.resume(&id("1-1-1")).unwrap();
        assert_eq!(ids(&drain(&mut again)), ["1-1-2", "1-1-3"]);
        replay.record(stream, result(4, "done"));
        let rest = drain(&mut again);
        assert_eq!(ids(&rest), ["1-1-4"]);
        assert!(matches!(
            rest[0].message.as_deref(),
            Some(ServerJsonRpcMessage::Response(_))
        ));
        // Once more, later: the result is still kept.
        let mut late = replay.resume(&id("1-1-3")).unwrap();
        assert_eq!(ids(&drain(&mut late)), ["1-1-4"]);
        // The whole stream, from its priming event.
        let mut all = replay.resume(&id("1-1-0")).unwrap();
        assert_eq!(drain(&mut all).len(), 4);
    }

    #[test]
    fn a_new_connection_takes_the_stream_over() {
        let mut replay = Replay::new(1);
        let (stream, _, mut first) = replay.open(request(4));
        let mut second = replay.resume(&id("1-1-0")).unwrap();
        replay.record(stream, progress(1));
        assert!(
            drain(&mut first).is_empty(),
            "the old connection gets nothing"
        );
        assert_eq!(ids(&drain(&mut second)), ["1-1-1"]);
    }

    #[test]
    fn bad_ids_are_refused_with_the_reason() {
        let mut replay = Replay::new(5);
        let (stream, _, _listener) = replay.open(request(1));
        replay.record(stream, progress(1));
        assert_eq!(replay.check(&id("5-1-1")), Ok(()));
        assert_eq!(replay.check(&id("6-1-1")), Err(Refusal::OtherSession));
        assert_eq!(replay.check(&id("5-1-2")), Err(Refusal::NotSent));
        assert_eq!(replay.check(&id("5-2-0")), Err(Refusal::NotSent));
        assert_eq!(replay.check(&id("5-0-0")), Err(Refusal::NotSent));
        assert_eq!(
            replay.resume(&id("5-9-0")).err(),
            Some(Refusal::NotSent),
            "resume refuses as check does"
        );
    }

    #[test]
    fn a_result_pushed_out_of_the_buffer_is_answered_with_an_error_for_its_request() {
        let mut replay = Replay::new(1);
        let (waited, _, away) = replay.open(request(7));
        drop(away);
        replay.record(waited, progress(1));
        replay.record(waited, result(7, "done"));
        // Other calls of the session push it out.
        let (other, _, _listener) = replay.open(request(8));
        for n in 0..REPLAY_EVENTS as u32 {
            replay.record(other, progress(n));
        }
        assert_eq!(replay.kept().0, REPLAY_EVENTS);
        let mut back = replay.resume(&id("1-1-1")).unwrap();
        let seen = drain(&mut back);
        assert_eq!(seen.len(), 1);
        let Some(ServerJsonRpcMessage::Error(error)) = seen[0].message.as_deref() else {
            panic!("{:?}", seen[0].message)
        };
        assert_eq!(error.id, Some(request(7)));
        assert_eq!(error.error.code, LOST_RESULT);
        assert!(error.error.message.contains("get_job"));
        // A client that had the result already gets nothing more.
        let mut had = replay.resume(&id("1-1-2")).unwrap();
        assert!(drain(&mut had).is_empty());
    }

    #[test]
    fn the_buffer_keeps_the_newest_message_even_when_it_alone_is_too_big() {
        let mut replay = Replay::new(1);
        let (stream, _, _listener) = replay.open(request(1));
        replay.record(stream, progress(1));
        replay.record(stream, result(1, &"x".repeat(REPLAY_BYTES + 10)));
        let (count, bytes) = replay.kept();
        assert_eq!(count, 1);
        assert!(bytes > REPLAY_BYTES);
        let mut back = replay.resume(&id("1-1-1")).unwrap();
        assert_eq!(ids(&drain(&mut back)), ["1-1-2"]);
    }

    #[test]
    fn a_listener_that_does_not_read_is_dropped_and_can_come_back() {
        let mut replay = Replay::new(1);
        let (stream, _, mut slow) = replay.open(request(1));
        for n in 0..(LISTENER_SLACK as u32 + 5) {
            replay.record(stream, progress(n));
        }
        assert_eq!(drain(&mut slow).len(), LISTENER_SLACK);
        assert!(slow.try_recv().is_err(), "dropped when full");
        replay.record(stream, result(1, "done"));
        let mut back = replay
            .resume(&id(&format!("1-1-{LISTENER_SLACK}")))
            .unwrap();
        let seen = drain(&mut back);
        assert_eq!(seen.len(), 6);
        assert!(matches!(
            seen.last().and_then(|m| m.message.as_deref()),
            Some(ServerJsonRpcMessage::Response(_))
        ));
    }

    #[test]
    fn a_server_side_disconnect_primes_where_the_stream_was_and_closes() {
        let mut replay = Replay::new(2);
        let (stream, _, mut listener) = replay.open(request(3));
        replay.record(stream, progress(1));
        assert!(replay.disconnect(&request(3), Duration::from_millis(500)));
        let seen = drain(&mut listener);
        assert_eq!(ids(&seen), ["2-1-1", "2-1-1"]);
        assert_eq!(seen[1].retry, Some(Duration::from_millis(500)));
        assert!(seen[1].message.is_none());
        replay.record(stream, result(3, "done"));
        assert!(drain(&mut listener).is_empty(), "closed");
        let mut back = replay.resume(&id("2-1-1")).unwrap();
        assert_eq!(ids(&drain(&mut back)), ["2-1-2"]);
        assert!(!replay.disconnect(&request(3), RETRY), "ended");
        assert!(!replay.disconnect(&request(4), RETRY), "unknown");
    }

    #[test]
    fn finished_calls_are_forgotten_past_a_bound_and_said_so() {
        let mut replay = Replay::new(1);
        for n in 0..(KEEP_FINISHED as i64 + REPLAY_EVENTS as i64 + 10) {
            let (stream, _, _) = replay.open(request(n));
            replay.record(stream, result(n, "done"));
        }
        assert!(replay.streams.len() <= KEEP_FINISHED + REPLAY_EVENTS);
        assert_eq!(replay.check(&id("1-1-0")), Err(Refusal::Forgotten));
        let newest = replay.next_stream - 1;
        assert_eq!(replay.check(&id(&format!("1-{newest}-0"))), Ok(()));
    }

    proptest! {
        /// An id the server writes reads back as itself; any other text is read without a
        /// panic, and what reads as an id is the id its own writing names.
        #[test]
        fn event_ids_round_trip_and_any_text_is_judged(
            session in any::<u64>(),
            stream in any::<u64>(),
            event in any::<u64>(),
            text in "(0|00|7|18446744073709551615|18446744073709551616|-|/| |\\+|a){0,8}|.{0,40}",
        ) {
            let id = EventId { session, stream, event };
            prop_assert_eq!(LastEventId::parse(&id.to_string()), Some(LastEventId::Call(id)));
            match LastEventId::parse(&text) {
                Some(LastEventId::Call(id)) => {
                    prop_assert_eq!(LastEventId::parse(&id.to_string()), Some(LastEventId::Call(id)));
                    prop_assert_eq!(text.split('-').count(), 3);
                }
                Some(LastEventId::Standalone(n)) => prop_assert_eq!(text.parse::<u64>().ok(), Some(n)),
                None => {}
            }
        }

        /// Whatever the calls and disconnections, a client that resumes from the last id it saw
        /// gets every later message still kept, in order, and its result unless told it was lost;
        /// the buffer never holds more than its bounds (but the newest message).
        #[test]
        fn resuming_from_the_last_seen_id_loses_no_result(
            steps in proptest::collection::vec((0u8..4, 0usize..4, 1usize..3000), 1..300),
        ) {
            let mut replay = Replay::new(1);
            // Per call: its stream, the listener if connected, the last id it saw, its result.
            let mut calls: Vec<(u64, Option<Listener>, u64, bool)> = Vec::new();
            for (n, (action, which, size)) in steps.into_iter().enumerate() {
                if calls.len() < 4 {
                    let (stream, _, listener) = replay.open(request(n as i64));
                    calls.push((stream, Some(listener), 0, false));
                    continue;
                }
                let (stream, listener, seen, done) = &mut calls[which];
                if let Some(l) = listener.as_mut() {
                    for message in drain(l) {
                        if let Some(id) = message.event_id.as_deref() { *seen = id_event(id); }
                        *done |= matches!(message.message.as_deref(), Some(ServerJsonRpcMessage::Response(_)));
                    }
                }
                match action {
                    0 => replay.record(*stream, progress(size as u32)),
                    1 => replay.record(*stream, result(0, &"r".repeat(size * 40))),
                    2 => *listener = None,
                    _ => {
                        let mut back = replay.resume(&EventId { session: 1, stream: *stream, event: *seen }).map_err(|r| TestCaseError::fail(r.to_string()))?;
                        let mut last = *seen;
                        for message in drain(&mut back) {
                            match message.message.as_deref() {
                                Some(ServerJsonRpcMessage::Error(e)) => {
                                    prop_assert_eq!(e.error.code, LOST_RESULT);
                                    *done = true;
                                }
                                Some(ServerJsonRpcMessage::Response(_)) => *done = true,
                                _ => {}
                            }
                            let event = id_event(message.event_id.as_deref().unwrap_or_default());
                            prop_assert!(event > last, "in order");
                            last = event;
                        }
                        *seen = last;
                        *listener = Some(back);
                    }
                }
                let (count, bytes) = replay.kept();
                prop_assert!(count <= REPLAY_EVENTS);
                prop_assert!(bytes <= REPLAY_BYTES || count == 1);
            }
            // Every ended call's client, coming back, learns its outcome.
            for (stream, _, seen, done) in &calls {
                let ended = replay.streams.get(stream).is_some_and(|s| s.result.is_some());
                if ended && !done {
                    let mut back = replay.resume(&EventId { session: 1, stream: *stream, event: *seen }).map_err(|r| TestCaseError::fail(r.to_string()))?;
                    let outcome = drain(&mut back).into_iter().any(|m| matches!(m.message.as_deref(), Some(ServerJsonRpcMessage::Response(_) | ServerJsonRpcMessage::Error(_))));
                    prop_assert!(outcome, "stream {} ended but its client learns nothing", stream);
                }
            }
        }
    }

    fn id_event(id: &str) -> u64 {
        match LastEventId::parse(id) {
            Some(LastEventId::Call(id)) => id.event,
            _ => 0,
        }
    }
}
