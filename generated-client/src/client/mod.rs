//! The client users hold: key, project, base URL, one HTTP client, and the call options; its
//! builder (`builder.rs`), the base URL rules (`base_url.rs`), the key (`api_key.rs`) and TLS
//! (`tls.rs`). The operations are with their API generation: `Client::v2` in `crate::v2`,
//! `Client::v1` in `crate::v1`.

pub(crate) mod api_key;
mod base_url;
pub(crate) mod builder;
mod tls;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::call::Caller;
use crate::call::budget::Budget;
use crate::call::options::{CallOptions, Limits};
use crate::call::retry::RetryPolicy;
use crate::wait::shared::PollHub;

/// Where the API lives unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.mintlify.com";

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("mintlify-agent-rust/", env!("CARGO_PKG_VERSION"));

/// A client of Mintlify's agent API for one project.
///
/// Cheap to clone (the HTTP connection pool is shared). [`Client::v2`] (and `Client::v1`, feature
/// `v1`) give the operations, with the project id filled in.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = mintlify_agent::Client::from_env()?; // MINTLIFY_API_KEY, MINTLIFY_PROJECT_ID
/// let job = client.v2().create_job("Add a quickstart guide").await?;
/// println!("{:?}", job.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    options: CallOptions,
}

/// What every clone and derived client shares.
pub(crate) struct Shared {
    pub project_id: String,
    pub base_url: String,
    #[cfg(feature = "v1")]
    pub v1: crate::v1::Client,
    pub v2: crate::v2::Client,
    pub budget: Option<Budget>,
    pub limits: Limits,
    /// `Authorization` (sensitive) and `User-Agent`, set on every request of a call.
    pub identity: Arc<HeaderMap>,
    /// Polls shared by the waits on one job, or one session.
    pub job_polls: PollHub<crate::response::Response<crate::v2::types::AgentJob>>,
    #[cfg(feature = "v1")]
    pub session_polls: PollHub<crate::response::Response<crate::v1::types::AgentSession>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("project_id", &self.shared.project_id)
            .field("api_key", &"<redacted>")
            .field("retry", &self.options.retry)
            .field("deadline", &self.options.deadline)
            .field("extra_headers", &self.options.extra_headers)
            .finish()
    }
}

impl Client {
    /// A client over what the builder checked, with the default call options but `retry`.
    pub(super) fn new(shared: Shared, retry: RetryPolicy) -> Self {
        Self {
            shared: Arc::new(shared),
            options: CallOptions {
                retry,
                ..CallOptions::default()
            },
        }
    }

    /// The project every call is for.
    pub fn project_id(&self) -> &str {
        &self.shared.project_id
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// A client whose calls must each finish within `deadline`, retries included.
    pub fn with_deadline(&self, deadline: Duration) -> Self {
        let mut client = self.clone();
        client.options.deadline = Some(deadline);
        client
    }

    /// A client whose calls retry by `policy`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        let mut client = self.clone();
        client.options.retry = policy;
        client
    }

    /// A client whose calls also send `headers` (e.g. a tracing header, or a `User-Agent` of
    /// your own instead of [`USER_AGENT`]), replacing earlier extra headers. `Authorization`
    /// among them is ignored: the client's key is always the one sent.
    ///
    /// ```
    /// use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
    /// # let client = mintlify_agent::Client::builder().api_key("mint_0123456789").project_id("p").build().unwrap();
    /// let traced = client.with_extra_headers(HeaderMap::from_iter([(
    ///     HeaderName::from_static("x-trace-id"),
    ///     HeaderValue::from_static("build-1234"),
    /// )]));
    /// # let _ = traced;
    /// ```
    pub fn with_extra_headers(&self, headers: HeaderMap) -> Self {
        let mut client = self.clone();
        client.options.extra_headers = Arc::new(headers);
        client
    }

    /// What the operations share: generated clients, poll hubs.
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// What one call of this client is sent with.
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller {
            options: &self.options,
            limits: self.shared.limits,
            identity: &self.shared.identity,
            budget: self.shared.budget.as_ref(),
        }
    }
}
