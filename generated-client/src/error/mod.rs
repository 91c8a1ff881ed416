//! One error type for every call, keyed by what went wrong (`Error`), the error of building a
//! client (`build.rs`), what an ended wait or broken stream names (`target.rs`), and how a
//! generated call's result becomes one of them (`reply.rs`).

pub(crate) mod build;
pub(crate) mod reply;
pub(crate) mod target;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use self::build::BuildError;
use self::target::{LastSeen, WaitTarget};
use crate::call::connection::ConnectionCause;

/// What the server said when it refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiFailure {
    /// The HTTP status; `None` only for the client-side budget, which answers before sending.
    pub status: Option<u16>,
    /// The server's `{ "error": "…" }` message, when it sent one.
    pub message: Option<String>,
    /// The request id header of the reply, when present.
    pub request_id: Option<String>,
    /// The body as received when it was not the usual `{ "error" }` object (e.g. an HTML page).
    pub raw_body: Option<String>,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(status) = self.status {
            write!(f, "HTTP {status}")?;
        }
        match (&self.message, &self.raw_body) {
            (Some(message), _) => write!(f, ": {message}")?,
            (None, Some(body)) if !body.is_empty() => {
                let short: String = body.chars().take(200).collect();
                write!(f, ": {short}")?;
            }
            _ => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Why a call failed. Match on the kind; every kind that comes from a reply keeps its status,
/// the server's message and the request id. Cheap to clone (the transport's errors are shared),
/// so that one poll's result can serve many waiters.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// 400: the request does not fit the API.
    BadRequest(ApiFailure),
    /// 401: the key is missing, unknown or expired.
    Unauthorized(ApiFailure),
    /// 403: the key may not do this (read-only key, IP allowlist).
    Forbidden(ApiFailure),
    /// 404: no such project, job or session.
    NotFound(ApiFailure),
    /// 429 from the server, or the client-side budget: too many creations and messages.
    RateLimited {
        /// What the server (or the budget) said.
        failure: ApiFailure,
        /// How long to wait, from `Retry-After`/`retry-after-ms` or the budget.
        retry_after: Option<Duration>,
    },
    /// 5xx: the server failed.
    Server(ApiFailure),
    /// Any other status the API does not document.
    UnexpectedStatus(ApiFailure),
    /// 3xx: the server answered with a redirect. This API never redirects, and following one
    /// would send the request (a prompt, the key) elsewhere, so it is not followed.
    Redirected {
        /// The status and what else the reply said.
        failure: ApiFailure,
        /// The `Location` header, when present.
        location: Option<String>,
    },
    /// A successful reply's body was larger than the client reads
    /// ([`crate::ClientBuilder::max_response_bytes`]); it was not read.
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit it passed.
        limit: usize,
        /// The request id header, when present.
        request_id: Option<String>,
    },
    /// The request could not be sent or the connection broke.
    Connection {
        /// The transport's error.
        source: Arc<reqwest::Error>,
    },
    /// The connect, read or per-call deadline passed.
    Timeout {
        /// The transport's error.
        source: Arc<reqwest::Error>,
    },
    /// A successful status with a body that is not what the API documents.
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// The body as received, its first 16 KiB at most.
        body: Bytes,
        /// The request id header, when present.
        request_id: Option<String>,
        /// Why it did not parse.
        source: Arc<serde_json::Error>,
    },
    #[cfg(feature = "v1")]
    /// A v1 stream broke off before the run ended. The run goes on at Mintlify: wait for the
    /// session to learn the outcome ([`crate::V1::wait_for_session`]).
    Stream {
        /// The session, from the `X-Session-Id` header.
        session_id: Option<String>,
        /// What arrived before the break.
        partial: Box<crate::stream::transcript::Transcript>,
        /// The transport's error.
        source: Arc<reqwest::Error>,
    },
    /// A wait passed its deadline before the job (or session) reached a final state. The job
    /// goes on at Mintlify: wait for it again with its id.
    WaitDeadline {
        /// What was waited for.
        target: WaitTarget,
        /// How long it waited.
        waited: Duration,
        /// What the last successful poll saw.
        last_seen: Option<Box<LastSeen>>,
        /// The last poll's error, when the last poll failed.
        last_error: Option<Box<Error>>,
    },
    /// Waiting for a job failed after it was created or sent a message (by
    /// [`crate::V2::create_and_wait`] or [`crate::V2::send_message_and_wait`]): the job exists;
    /// `source` says why the wait ended.
    WaitFailed {
        /// The job.
        target: WaitTarget,
        /// Why the wait ended.
        source: Box<Error>,
    },
    /// The client could not be built (from [`BuildError`], for `?` in functions that return
    /// [`Error`]).
    Build(BuildError),
    /// The request was refused before sending (e.g. an empty prompt, a path parameter that no
    /// URL can carry).
    InvalidRequest(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadRequest(failure) => write!(f, "bad request: {failure}"),
            Error::Unauthorized(failure) => {
                write!(f, "unauthorized (check the admin API key): {failure}")
            }
            Error::Forbidden(failure) => write!(f, "forbidden: {failure}"),
            Error::NotFound(failure) => write!(f, "not found: {failure}"),
            Error::RateLimited {
                failure,
                retry_after,
            } => match retry_after {
                Some(after) => write!(
                    f,
                    "rate limited (retry after {} s): {failure}",
                    after.as_secs()
                ),
                None => write!(f, "rate limited: {failure}"),
            },
            Error::Server(failure) => write!(f, "server error: {failure}"),
            Error::UnexpectedStatus(failure) => write!(f, "unexpected status: {failure}"),
            Error::Redirected { failure, location } => write!(
                f,
                "the server redirected to {}, which is not followed: {failure}",
                location.as_deref().unwrap_or("nowhere")
            ),
            Error::ResponseTooLarge { status, limit, .. } => write!(
                f,
                "the reply's body (HTTP {status}) is larger than {limit} bytes; not read"
            ),
            Error::Connection { source } => match ConnectionCause::of(source.as_ref()) {
                Some(cause) => write!(f, "connection failed: {cause} ({source})"),
                None => write!(f, "connection failed: {source}"),
            },
            Error::Timeout { source } => write!(f, "timed out: {source}"),
            Error::InvalidResponse { status, source, .. } => {
                write!(f, "invalid response body (HTTP {status}): {source}")
            }
            #[cfg(feature = "v1")]
            Error::Stream {
                session_id, source, ..
            } => match session_id {
                Some(id) => write!(f, "the run's stream broke off (session {id}): {source}"),
                None => write!(f, "the run's stream broke off: {source}"),
            },
            Error::WaitDeadline {
                target,
                waited,
                last_seen,
                last_error,
            } => f.write_str(&describe_deadline(
                target,
                *waited,
                last_seen.as_deref(),
                last_error.as_deref(),
            )),
            Error::WaitFailed { target, source } => {
                write!(f, "waiting for {target} failed: {source}")
            }
            Error::Build(error) => error.fmt(f),
            Error::InvalidRequest(why) => write!(f, "invalid request: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection { source } | Error::Timeout { source } => Some(source.as_ref()),
            #[cfg(feature = "v1")]
            Error::Stream { source, .. } => Some(source.as_ref()),
            Error::InvalidResponse { source, .. } => Some(source.as_ref()),
            Error::WaitFailed { source, .. } => Some(source.as_ref()),
            // Transparent: the build error's own source.
            Error::Build(error) => error.source(),
            _ => None,
        }
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        Error::Build(error)
    }
}

impl Error {
    /// The HTTP status of the reply, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::InvalidResponse { status, .. } | Error::ResponseTooLarge { status, .. } => {
                Some(*status)
            }
            Error::WaitFailed { source, .. } => source.status(),
            _ => self.failure().and_then(|f| f.status),
        }
    }

    /// Whether trying again later may succeed: server errors, rate limits, connection failures,
    /// timeouts, and replies that were garbled or of a status the API does not document.
    /// Refusals (4xx), redirects, invalid requests, ended waits, broken v1 streams (the run
    /// goes on at Mintlify; starting it again would make a second one) and connections that
    /// fail the same way until the configuration changes (a certificate that is not trusted, a
    /// proxy that wants credentials: [`ConnectionCause::is_transient`]) are not.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Connection { source } => {
                ConnectionCause::of(source.as_ref()).is_none_or(|cause| cause.is_transient())
            }
            Error::Server(_)
            | Error::RateLimited { .. }
            | Error::Timeout { .. }
            | Error::InvalidResponse { .. }
            | Error::UnexpectedStatus(_) => true,
            Error::WaitFailed { source, .. } => source.is_transient(),
            _ => false,
        }
    }

    /// Why no answer came, for a connection failure or a timeout (also one a wait ended in):
    /// DNS, refused, TLS and what was wrong with the certificate, the proxy, a timeout.
    pub fn connection_cause(&self) -> Option<ConnectionCause> {
        match self {
            Error::Connection { source } => {
                Some(ConnectionCause::of(source.as_ref()).unwrap_or(ConnectionCause::Other))
            }
            Error::Timeout { .. } => Some(ConnectionCause::Timeout),
            #[cfg(feature = "v1")]
            Error::Stream { source, .. } => ConnectionCause::of(source.as_ref()),
            Error::WaitFailed { source, .. } => source.connection_cause(),
            Error::WaitDeadline { last_error, .. } => {
                last_error.as_deref().and_then(Error::connection_cause)
            }
            _ => None,
        }
    }

    /// The job or session the error is about, when it knows one the caller may not: a wait
    /// that ended, a stream that broke off. Wait for it again to learn how it ends.
    pub fn target(&self) -> Option<WaitTarget> {
        match self {
            Error::WaitDeadline { target, .. } | Error::WaitFailed { target, .. } => {
                Some(target.clone())
            }
            #[cfg(feature = "v1")]
            Error::Stream {
                session_id: Some(id),
                ..
            } => Some(WaitTarget::Session(id.clone())),
            _ => None,
        }
    }

    /// The server's `{ "error" }` message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        self.failure().and_then(|f| f.message.as_deref())
    }

    /// The request id of the reply, when present.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::InvalidResponse { request_id, .. }
            | Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            Error::WaitFailed { source, .. } => source.request_id(),
            _ => self.failure().and_then(|f| f.request_id.as_deref()),
        }
    }

    /// How long the server asked to wait, for a rate-limited call.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::WaitFailed { source, .. } => source.retry_after(),
            _ => None,
        }
    }

    fn failure(&self) -> Option<&ApiFailure> {
        match self {
            Error::BadRequest(f)
            | Error::Unauthorized(f)
            | Error::Forbidden(f)
            | Error::NotFound(f)
            | Error::Server(f)
            | Error::UnexpectedStatus(f)
            | Error::Redirected { failure: f, .. }
            | Error::RateLimited { failure: f, .. } => Some(f),
            Error::WaitFailed { source, .. } => source.failure(),
            _ => None,
        }
    }
}

/// "job job_6 is still active after 1s", in words for people.
fn describe_deadline(
    target: &WaitTarget,
    waited: Duration,
    last: Option<&LastSeen>,
    last_error: Option<&Error>,
) -> String {
    let waited = rounded(waited);
    let mut text = match last {
        None => format!("no poll of {target} succeeded in {waited}"),
        Some(last) => match (last.unknown_status(), last) {
            (Some(status), _) => format!(
                "{target} reports status {status:?}, which this client does not know, after {waited}"
            ),
            (None, LastSeen::Job(job)) => match &job.status {
                Some(status) => format!("{target} is still {status} after {waited}"),
                None => format!("{target} has no status after {waited}"),
            },
            #[cfg(feature = "v1")]
            (None, LastSeen::Session(_)) => {
                format!("{target} has not halted after {waited}")
            }
        },
    };
    if let Some(error) = last_error {
        text.push_str(&format!(" (last poll: {error})"));
    }
    text
}

/// A duration as people read it: `450ms`, `12s`, `3m 5s`, `1h 2m`.
fn rounded(duration: Duration) -> String {
    let seconds = duration.as_secs_f64().round() as u64;
    match seconds {
        0 => format!("{}ms", duration.as_millis()),
        1..60 => format!("{seconds}s"),
        60..3600 => match seconds % 60 {
            0 => format!("{}m", seconds / 60),
            s => format!("{}m {s}s", seconds / 60),
        },
        _ => match (seconds % 3600) / 60 {
            0 => format!("{}h", seconds / 3600),
            m => format!("{}h {m}m", seconds / 3600),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_sentences_and_chain_their_causes() {
        use std::error::Error as _;
        let failure = ApiFailure {
            status: Some(429),
            message: Some("slow down".into()),
            request_id: Some("req_1".into()),
            raw_body: None,
        };
        let limited = Error::RateLimited {
            failure: failure.clone(),
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(
            limited.to_string(),
            "rate limited (retry after 3 s): HTTP 429: slow down (request id req_1)"
        );
        let failed = Error::WaitFailed {
            target: WaitTarget::Job("job_1".into()),
            source: Box::new(limited),
        };
        assert!(
            failed
                .to_string()
                .starts_with("waiting for job job_1 failed: rate limited")
        );
        assert_eq!(
            failed.source().map(ToString::to_string),
            Some("rate limited (retry after 3 s): HTTP 429: slow down (request id req_1)".into())
        );
        // A build error is shown as itself, with its own cause.
        let build = Error::from(BuildError::InvalidBaseUrl {
            shown: "ftp://host".into(),
            reason: "not http(s)".into(),
        });
        assert_eq!(
            build.to_string(),
            "invalid base URL ftp://host: not http(s)"
        );
        assert!(build.source().is_none());
        let parse = serde_json::from_str::<u8>("x").unwrap_err();
        let invalid = Error::InvalidResponse {
            status: 200,
            body: Bytes::from_static(b"x"),
            request_id: None,
            source: Arc::new(parse),
        };
        assert!(
            invalid
                .to_string()
                .starts_with("invalid response body (HTTP 200): expected")
        );
        assert!(invalid.source().unwrap().is::<serde_json::Error>());
    }

    #[test]
    fn durations_are_rounded_for_people() {
        for (duration, text) in [
            (Duration::from_millis(300), "300ms"),
            (Duration::from_millis(1_002), "1s"),
            (Duration::from_millis(59_400), "59s"),
            (Duration::from_secs(60), "1m"),
            (Duration::from_secs(185), "3m 5s"),
            (Duration::from_secs(3_600), "1h"),
            (Duration::from_secs(3_725), "1h 2m"),
            (Duration::MAX, "5124095576030431h"),
        ] {
            assert_eq!(rounded(duration), text, "{duration:?}");
        }
    }
}
