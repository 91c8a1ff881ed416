//! One error type for every call, keyed by what went wrong, and the error of building a client.

use std::time::Duration;

use bytes::Bytes;

/// What the server said when it refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
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
/// the server's message and the request id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400: the request does not fit the API.
    #[error("bad request: {0}")]
    BadRequest(ApiFailure),
    /// 401: the key is missing, unknown or expired.
    #[error("unauthorized (check the admin API key): {0}")]
    Unauthorized(ApiFailure),
    /// 403: the key may not do this (read-only key, IP allowlist).
    #[error("forbidden: {0}")]
    Forbidden(ApiFailure),
    /// 404: no such project, job or session.
    #[error("not found: {0}")]
    NotFound(ApiFailure),
    /// 429 from the server, or the client-side budget: too many creations and messages.
    #[error("rate limited{}: {failure}", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// What the server (or the budget) said.
        failure: ApiFailure,
        /// How long to wait, from `Retry-After`/`retry-after-ms` or the budget.
        retry_after: Option<Duration>,
    },
    /// 5xx: the server failed.
    #[error("server error: {0}")]
    Server(ApiFailure),
    /// Any other status the API does not document.
    #[error("unexpected status: {0}")]
    UnexpectedStatus(ApiFailure),
    /// The request could not be sent or the connection broke.
    #[error("connection failed: {source}")]
    Connection {
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },
    /// The connect, read or per-call deadline passed.
    #[error("timed out: {source}")]
    Timeout {
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },
    /// A successful status with a body that is not what the API documents.
    #[error("invalid response body (HTTP {status}): {source}")]
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// The body, as received.
        body: Bytes,
        /// The request id header, when present.
        request_id: Option<String>,
        /// Why it did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// A v1 stream broke off before the run ended. The run goes on at Mintlify: wait for the
    /// session to learn the outcome ([`crate::V1::wait_for_session`]).
    #[error("the run's stream broke off{}: {source}", session_id.as_ref().map(|id| format!(" (session {id})")).unwrap_or_default())]
    Stream {
        /// The session, from the `X-Session-Id` header.
        session_id: Option<String>,
        /// What arrived before the break.
        partial: Box<crate::stream::Transcript>,
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },
    /// A wait passed its deadline before the job (or session) reached a final state.
    #[error("gave up waiting after {waited:?}{}", describe_last(last_seen.as_deref()))]
    WaitDeadline {
        /// How long it waited.
        waited: Duration,
        /// What the last successful poll saw.
        last_seen: Option<Box<crate::LastSeen>>,
    },
    /// The request was refused before sending (e.g. an empty prompt, a path parameter that no
    /// URL can carry).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl Error {
    /// The HTTP status of the reply, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::InvalidResponse { status, .. } => Some(*status),
            _ => self.failure().and_then(|f| f.status),
        }
    }

    /// The server's `{ "error" }` message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        self.failure().and_then(|f| f.message.as_deref())
    }

    /// The request id of the reply, when present.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => self.failure().and_then(|f| f.request_id.as_deref()),
        }
    }

    /// How long the server asked to wait, for a rate-limited call.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
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
            | Error::RateLimited { failure: f, .. } => Some(f),
            _ => None,
        }
    }
}

fn describe_last(last: Option<&crate::LastSeen>) -> String {
    match last {
        None => "; no poll succeeded".to_owned(),
        Some(last) => match last.unknown_status() {
            Some(status) => {
                format!("; the last status, {status:?}, is one this client does not know")
            }
            None => match last {
                crate::LastSeen::Job(job) => format!(
                    "; the job was still {:?}",
                    job.status.as_ref().map(|s| s.as_str())
                ),
                crate::LastSeen::Session(session) => {
                    format!(
                        "; the session was still {:?}",
                        session.hault_reason.as_ref().map(|s| s.as_str())
                    )
                }
            },
        },
    }
}

/// Why a [`crate::Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A required environment variable is not set.
    #[error("environment variable {0} is not set")]
    MissingEnv(&'static str),
    /// A required setting was not given to the builder.
    #[error("no {0} was given to the client builder")]
    Missing(&'static str),
    /// The key is not an admin key; the message says why without showing it.
    #[error("invalid API key: {0}")]
    InvalidApiKey(&'static str),
    /// The base URL is not an absolute `http(s)` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (e.g. no TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}
