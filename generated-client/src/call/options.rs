//! What one call is sent with: the options a derived [`crate::Client`] changes, and the bounds
//! every call of a client keeps.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use super::retry::RetryPolicy;

/// What a [`crate::Client`] derived by `with_*` changes for its calls.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    pub retry: RetryPolicy,
    pub deadline: Option<Duration>,
    pub extra_headers: Arc<HeaderMap>,
}

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
