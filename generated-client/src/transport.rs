//! Sending one call: attempts, waits between them, the per-call deadline, and a span.
//!
//! The generated clients send every request through `ClientHooks::exec`; the impls here route it
//! to [`execute`]. What a call needs to know (which operation, its retry policy, its deadline)
//! travels in a task-local [`Call`] that [`scope`] sets around the generated future, and what
//! happened (attempts, last status, request id) is written back into it for the error.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use tracing::{Instrument, Span, field};

use crate::client::CallOptions;
use crate::connection::ConnectionCause;
use crate::operation::Operation;
use crate::retry::{RetryPolicy, is_retryable_status, server_delay, write_not_acted_on};

tokio::task_local! {
    static CALL: Arc<Call>;
}

/// Headers that carry a request id, in order of preference.
pub(crate) const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-vercel-id"];

/// How much of an error reply's body is read and kept: enough for any message a person reads.
pub(crate) const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// The bounds every call of a client keeps, whatever the server does.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The longest one attempt of a non-streaming call may take, body included.
    pub request_timeout: Duration,
    /// The largest successful JSON body read.
    pub max_response_bytes: usize,
    /// The HTTP client is this crate's own, so its proxy is the environment's (for the logs).
    pub env_proxy: bool,
}

/// One call of the API, across its attempts.
pub(crate) struct Call {
    operation: Operation,
    policy: RetryPolicy,
    limits: Limits,
    deadline: Option<Instant>,
    /// The client's key and `User-Agent`, and the caller's extra headers.
    identity: Arc<HeaderMap>,
    extra_headers: Arc<HeaderMap>,
    record: Mutex<Record>,
}

/// What the attempts of a call saw.
#[derive(Clone, Debug, Default)]
pub(crate) struct Record {
    pub attempts: usize,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    /// The `Location` of a redirect (which is never followed).
    pub location: Option<String>,
    /// A successful body was larger than this limit ([`Limits::max_response_bytes`]); it was
    /// not read.
    pub body_too_large: Option<usize>,
    /// The successful body, as received (shared with the response, not copied).
    pub body: bytes::Bytes,
}

impl Call {
    pub(crate) fn new(
        operation: Operation,
        options: &CallOptions,
        limits: Limits,
        identity: Arc<HeaderMap>,
    ) -> Arc<Self> {
        Arc::new(Self {
            operation,
            policy: options.retry.clone(),
            limits,
            // A deadline too far to represent is no deadline.
            deadline: options.deadline.and_then(|d| Instant::now().checked_add(d)),
            identity,
            extra_headers: options.extra_headers.clone(),
            record: Mutex::new(Record::default()),
        })
    }

    pub(crate) fn record(&self) -> Record {
        self.record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn update(&self, change: impl FnOnce(&mut Record)) {
        change(&mut self.record.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// Sends `request`, again while the policy allows and the deadline has room.
    async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let mut schedule = self.policy.schedule();
        let mut pending = request;
        self.stamp(pending.headers_mut());
        loop {
            let copy = pending.try_clone();
            *pending.timeout_mut() = self.attempt_timeout();
            self.update(|r| r.attempts += 1);
            Span::current().record("attempt", self.record().attempts);
            let started = Instant::now();
            let result = match http.execute(pending).await {
                Ok(response) => {
                    self.note_response(response.status().as_u16(), response.headers());
                    self.read_body(response).await
                }
                Err(error) => Err(error),
            };
            let next_wait = self.next_wait(copy.is_some(), &result, &mut schedule);
            log_attempt(started.elapsed(), &result, next_wait);
            match (copy, next_wait) {
                (Some(next), Ok(wait)) => {
                    tokio::time::sleep(wait).await;
                    pending = next;
                }
                _ => return result,
            }
        }
    }

    /// How long to wait before sending again, or why not to: `resendable` is whether the
    /// request could be copied (its body was not a stream).
    fn next_wait(
        &self,
        resendable: bool,
        result: &reqwest::Result<reqwest::Response>,
        schedule: &mut impl Iterator<Item = Duration>,
    ) -> Result<Duration, &'static str> {
        if result.as_ref().is_ok_and(|r| r.status().is_success()) {
            return Err("done");
        }
        // A body that cannot be copied (never the case for this API) cannot be sent again.
        if !resendable {
            return Err("not resent: the body cannot be sent twice");
        }
        let Some(asked) = self.retry_wait(result) else {
            return Err(match result {
                Ok(_) => "not retried: the status is final",
                Err(error) if ConnectionCause::of(error).is_some_and(|c| !c.is_transient()) => {
                    "not retried: it fails the same way until the configuration changes"
                }
                Err(_) => "not retried: the server may have acted on it",
            });
        };
        let Some(scheduled) = schedule.next() else {
            return Err("not retried: the retries are spent");
        };
        let wait = asked.unwrap_or(scheduled);
        if wait > self.policy.max_retry_after {
            return Err("not retried: the server asks to wait longer than the policy allows");
        }
        let past_deadline = self.deadline.is_some_and(|deadline| {
            Instant::now()
                .checked_add(wait)
                .is_none_or(|then| then >= deadline)
        });
        if past_deadline {
            return Err("not retried: the wait would pass the call's deadline");
        }
        Ok(wait)
    }

    /// Sets the caller's extra headers, then the key and (unless the caller gave one) the
    /// `User-Agent`: whatever the extra headers hold, the client's key is the one sent.
    fn stamp(&self, headers: &mut HeaderMap) {
        for name in self.extra_headers.keys() {
            headers.remove(name);
        }
        for (name, value) in self.extra_headers.iter() {
            headers.append(name, value.clone());
        }
        for (name, value) in self.identity.iter() {
            if name == AUTHORIZATION || !self.extra_headers.contains_key(name) {
                headers.insert(name, value.clone());
            }
        }
    }

    /// The time one attempt may take: the request timeout (not for a v1 stream, which runs for
    /// as long as the agent works), and never past the call's deadline.
    fn attempt_timeout(&self) -> Option<Duration> {
        let left = self
            .deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        let own = (!self.operation.streams()).then_some(self.limits.request_timeout);
        match (own, left) {
            (Some(own), Some(left)) => Some(own.min(left)),
            (own, left) => own.or(left),
        }
    }

    /// Reads the body into memory, within bounds, so that a read that breaks off is retried too:
    /// an error reply's first [`ERROR_BODY_LIMIT`] bytes, a successful one up to
    /// [`Limits::max_response_bytes`] (beyond that, nothing, and the call fails). A v1 stream's
    /// successful body is the caller's to read.
    async fn read_body(&self, response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
        let success = response.status().is_success();
        if success && self.operation.streams() {
            return Ok(response);
        }
        if !success {
            return Ok(buffered(response, ERROR_BODY_LIMIT).await?.0);
        }
        let limit = self.limits.max_response_bytes;
        // An announced length over the limit is believed: nothing is read that would be dropped.
        if response
            .content_length()
            .is_none_or(|length| length <= limit as u64)
        {
            let (response, body, complete) = buffered(response, limit).await?;
            if complete {
                self.update(|r| r.body = body);
                return Ok(response);
            }
        }
        self.update(|r| r.body_too_large = Some(limit));
        // What was read is useless (a cut JSON document), and is dropped now.
        Ok(reqwest::Response::from(http::Response::new(
            bytes::Bytes::new(),
        )))
    }

    fn note_response(&self, status: u16, headers: &HeaderMap) {
        let request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
            .map(str::to_owned);
        let span = Span::current();
        span.record("status", status);
        if let Some(id) = &request_id {
            span.record("request_id", id.as_str());
        }
        let retry_after = server_delay(headers, SystemTime::now());
        let location = (300..400)
            .contains(&status)
            .then(|| headers.get(reqwest::header::LOCATION))
            .flatten()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        self.update(|r| {
            r.status = Some(status);
            r.request_id = request_id;
            r.retry_after = retry_after;
            r.location = location;
        });
    }

    /// `None`: do not send again. `Some(wait)`: send again, after `wait` if the server asked.
    fn retry_wait(&self, result: &reqwest::Result<reqwest::Response>) -> Option<Option<Duration>> {
        let write = self.operation.is_write();
        match result {
            Ok(response) => {
                let status = response.status();
                let again = if write {
                    write_not_acted_on(status, response.headers())
                } else {
                    is_retryable_status(status)
                };
                again.then(|| server_delay(response.headers(), SystemTime::now()))
            }
            // The same every time until the configuration changes (a certificate that is not
            // trusted): not sent again.
            Err(error) if ConnectionCause::of(error).is_some_and(|c| !c.is_transient()) => None,
            // Refused before anything was sent: safe for every call. Anything later (a timeout,
            // a connection cut mid-reply) may follow a server that acted: reads only.
            Err(error) if error.is_connect() => Some(None),
            Err(_) if !write => Some(None),
            Err(_) => None,
        }
    }
}

/// One line per attempt, at debug level, inside the request's span (method, path template,
/// attempt, status, request id, proxy): how long it took, what failed, what comes next.
fn log_attempt(
    elapsed: Duration,
    result: &reqwest::Result<reqwest::Response>,
    next: Result<Duration, &'static str>,
) {
    let elapsed_ms = elapsed.as_millis() as u64;
    match (result, next) {
        (Ok(_), Ok(wait)) => {
            tracing::debug!(elapsed_ms, retry_in = ?wait, "attempt failed; retrying")
        }
        (Ok(_), Err(outcome)) => tracing::debug!(elapsed_ms, outcome, "attempt answered"),
        (Err(error), next) => {
            let cause = ConnectionCause::of(error)
                .map_or_else(|| "unknown".to_owned(), |cause| cause.to_string());
            match next {
                Ok(wait) => tracing::debug!(
                    elapsed_ms,
                    %cause,
                    error = %error,
                    retry_in = ?wait,
                    "attempt failed; retrying"
                ),
                Err(outcome) => tracing::debug!(
                    elapsed_ms,
                    %cause,
                    error = %error,
                    outcome,
                    "attempt failed"
                ),
            }
        }
    }
}

/// The same response with at most `limit` bytes of its body read into memory, those bytes (a
/// shared handle, not a copy), and whether that was all of it.
async fn buffered(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<(reqwest::Response, bytes::Bytes, bool)> {
    let mut body = Vec::new();
    let mut complete = true;
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            complete = false;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    let body = bytes::Bytes::from(body);
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = response.headers().clone();
    Ok((reqwest::Response::from(rebuilt), body, complete))
}

/// Runs `future` (a generated call) with `call` as its context.
pub(crate) async fn scope<F: Future>(call: Arc<Call>, future: F) -> F::Output {
    CALL.scope(call, future).await
}

/// Sends a request of a generated client: with retries and a span inside a [`scope`], as a plain
/// send outside one (someone using the generated client directly).
async fn execute(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let Ok(call) = CALL.try_with(Arc::clone) else {
        return http.execute(request).await;
    };
    let span = tracing::info_span!(
        "mintlify_agent.request",
        method = %request.method(),
        path = call.operation.path_template(),
        attempt = field::Empty,
        status = field::Empty,
        request_id = field::Empty,
        proxy = field::Empty,
    );
    if call.limits.env_proxy
        && let Some(proxy) = crate::connection::proxy_for(request.url().as_str())
    {
        span.record("proxy", proxy);
    }
    call.send(http, request).instrument(span).await
}

#[cfg(feature = "v1")]
impl ClientHooks for crate::v1::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        execute(self.client(), request).await
    }
}

impl ClientHooks for crate::v2::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        execute(self.client(), request).await
    }
}
