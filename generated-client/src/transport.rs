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
use reqwest::header::HeaderMap;
use tracing::{Instrument, Span, field};

use crate::operation::Operation;
use crate::retry::{RetryPolicy, is_retryable_status, server_delay, write_not_acted_on};

tokio::task_local! {
    static CALL: Arc<Call>;
}

/// Headers that carry a request id, in order of preference.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-vercel-id"];

/// One call of the API, across its attempts.
pub(crate) struct Call {
    operation: Operation,
    policy: RetryPolicy,
    deadline: Option<Instant>,
    record: Mutex<Record>,
}

/// What the attempts of a call saw.
#[derive(Clone, Debug, Default)]
pub(crate) struct Record {
    pub attempts: usize,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
}

impl Call {
    pub(crate) fn new(
        operation: Operation,
        policy: RetryPolicy,
        deadline: Option<Duration>,
    ) -> Arc<Self> {
        Arc::new(Self {
            operation,
            policy,
            deadline: deadline.map(|d| Instant::now() + d),
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
        loop {
            let copy = pending.try_clone();
            if let Some(deadline) = self.deadline {
                *pending.timeout_mut() = Some(deadline.saturating_duration_since(Instant::now()));
            }
            self.update(|r| r.attempts += 1);
            Span::current().record("attempt", self.record().attempts);
            let result = match http.execute(pending).await {
                // Read the whole body here, so that a read that breaks off is retried too. A
                // v1 stream is the caller's to read.
                Ok(response) if self.operation != Operation::V1CreateJob => {
                    buffered(response).await
                }
                other => other,
            };
            if let Ok(response) = &result {
                self.note_response(response.status().as_u16(), response.headers());
            }
            // A body that cannot be copied (never the case for this API) cannot be sent again.
            let Some(next) = copy else { return result };
            let Some(asked) = self.retry_wait(&result) else {
                return result;
            };
            let Some(scheduled) = schedule.next() else {
                return result;
            };
            let wait = asked.unwrap_or(scheduled);
            let past_deadline = self
                .deadline
                .is_some_and(|deadline| Instant::now() + wait >= deadline);
            if wait > self.policy.max_retry_after || past_deadline {
                return result;
            }
            tracing::debug!(?wait, "retrying");
            tokio::time::sleep(wait).await;
            pending = next;
        }
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
        self.update(|r| {
            r.status = Some(status);
            r.request_id = request_id;
            r.retry_after = retry_after;
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
            // Refused before anything was sent: safe for every call. Anything later (a timeout,
            // a connection cut mid-reply) may follow a server that acted: reads only.
            Err(error) if error.is_connect() => Some(None),
            Err(_) if !write => Some(None),
            Err(_) => None,
        }
    }
}

/// The same response with its body read into memory.
async fn buffered(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let (status, version, headers) = (
        response.status(),
        response.version(),
        response.headers().clone(),
    );
    let mut rebuilt = http::Response::new(response.bytes().await?);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
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
    );
    call.send(http, request).instrument(span).await
}

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
