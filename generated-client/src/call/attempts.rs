//! The attempts of one call: send, read the body within bounds, decide whether to send again
//! and after how long, within the call's deadline.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{AUTHORIZATION, HeaderMap};
use tracing::Span;

use super::connection::ConnectionCause;
use super::context::Call;
use super::retry::{is_retryable_status, server_delay, write_not_acted_on};
use crate::response::REQUEST_ID_HEADERS;

impl Call {
    /// Sends `request`, again while the policy allows and the deadline has room.
    pub(super) async fn send(
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

/// One line per attempt, at debug level, inside the request's span (method, path template and
/// path, attempt, status, request id, proxy): how long it took, what failed, what comes next.
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
