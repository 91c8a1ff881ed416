//! The client users hold: key, project, base URL, one HTTP client, and the call options.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::api_v1::V1;
use crate::api_v2::V2;
use crate::budget::Budget;
use crate::operation::Operation;
use crate::reply::{self, ErrorBody};
use crate::transport::{self, Call};
use crate::{ApiKey, BuildError, Error, RetryPolicy};

/// Where the API lives unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.mintlify.com";

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("mintlify-agent-rust/", env!("CARGO_PKG_VERSION"));

/// A client of Mintlify's agent API for one project.
///
/// Cheap to clone (the HTTP connection pool is shared). [`Client::v2`] and [`Client::v1`] give
/// the operations, with the project id filled in.
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
    retry: RetryPolicy,
    deadline: Option<Duration>,
}

struct Shared {
    project_id: String,
    base_url: String,
    v1: crate::v1::Client,
    v2: crate::v2::Client,
    budget: Option<Budget>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("project_id", &self.shared.project_id)
            .field("api_key", &"<redacted>")
            .field("retry", &self.retry)
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl Client {
    /// A builder; `api_key` and `project_id` are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `MINTLIFY_API_KEY`, `MINTLIFY_PROJECT_ID` and, optionally,
    /// `MINTLIFY_BASE_URL`; the error names a missing variable.
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder()
            .env_vars(|name| std::env::var(name).ok())?
            .build()
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
        Self {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// A client whose calls retry by `policy`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        Self {
            retry: policy,
            ..self.clone()
        }
    }

    /// The v2 operations: jobs that are polled.
    pub fn v2(&self) -> V2<'_> {
        V2::new(self)
    }

    /// The v1 operations (deprecated by Mintlify): streamed runs and sessions.
    pub fn v1(&self) -> V1<'_> {
        V1::new(self)
    }

    pub(crate) fn generated_v1(&self) -> &crate::v1::Client {
        &self.shared.v1
    }

    pub(crate) fn generated_v2(&self) -> &crate::v2::Client {
        &self.shared.v2
    }

    /// Runs one generated call with this client's options, and turns its result into ours.
    /// `ids` are the path values besides the project id (a job or session id).
    pub(crate) async fn call<T, E, F>(
        &self,
        operation: Operation,
        ids: &[&str],
        send: F,
    ) -> Result<T, Error>
    where
        E: ErrorBody,
        F: Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
    {
        Ok(self.call_raw(operation, ids, send).await?.into_inner())
    }

    /// Like [`Client::call`], keeping the reply's status and headers.
    pub(crate) async fn call_raw<T, E, F>(
        &self,
        operation: Operation,
        ids: &[&str],
        send: F,
    ) -> Result<progenitor_client::ResponseValue<T>, Error>
    where
        E: ErrorBody,
        F: Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
    {
        // `.` and `..` as a whole segment are resolved away by every URL parser on the way.
        let mut path_values = std::iter::once(self.project_id()).chain(ids.iter().copied());
        if let Some(bad) = path_values.find(|v| *v == "." || *v == "..") {
            return Err(Error::InvalidRequest(format!(
                "a path parameter cannot be {bad:?}: no URL can carry it"
            )));
        }
        if operation.is_write()
            && let Some(budget) = &self.shared.budget
        {
            budget.take(Instant::now()).map_err(reply::budget_spent)?;
        }
        let call = Call::new(operation, self.retry.clone(), self.deadline);
        let result = transport::scope(call.clone(), send).await;
        reply::value(result, &call.record()).await
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// let client = mintlify_agent::Client::builder()
///     .api_key("mint_0123456789")
///     .project_id("acme")
///     .base_url("http://127.0.0.1:8080")
///     .read_timeout(Duration::from_secs(300))
///     .client_side_budget(100)
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    project_id: Option<String>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    budget: Option<usize>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("project_id", &self.project_id)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The admin API key (`mint_…`). Checked by [`ClientBuilder::build`].
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The project every call is for.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Where the API lives (default [`DEFAULT_BASE_URL`]), e.g. a local test server.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long a single read may wait for bytes (default 120 s). There is no total timeout, so
    /// that a v1 stream can run for as long as the agent works; see [`Client::with_deadline`].
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// How calls are retried (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Refuses creations and messages beyond `per_hour` within any hour, before sending, with
    /// [`Error::RateLimited`]. Mintlify's own limit is 100. Off by default.
    pub fn client_side_budget(mut self, per_hour: usize) -> Self {
        self.budget = Some(per_hour);
        self
    }

    /// Fills what is not set yet from environment variables read by `lookup`.
    fn env_vars(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, BuildError> {
        self.api_key =
            Some(lookup("MINTLIFY_API_KEY").ok_or(BuildError::MissingEnv("MINTLIFY_API_KEY"))?);
        self.project_id = Some(
            lookup("MINTLIFY_PROJECT_ID").ok_or(BuildError::MissingEnv("MINTLIFY_PROJECT_ID"))?,
        );
        if let Some(url) = lookup("MINTLIFY_BASE_URL").filter(|u| !u.trim().is_empty()) {
            self.base_url = Some(url);
        }
        Ok(self)
    }

    /// Checks the settings and builds the client and its HTTP connection pool.
    pub fn build(self) -> Result<Client, BuildError> {
        let key = ApiKey::new(self.api_key.ok_or(BuildError::Missing("API key"))?)?;
        let project_id = self.project_id.ok_or(BuildError::Missing("project id"))?;
        if project_id.trim().is_empty() {
            return Err(BuildError::Missing("project id"));
        }
        let base_url = base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;

        let mut auth = HeaderValue::try_from(format!("Bearer {}", key.expose())).map_err(|_| {
            BuildError::InvalidApiKey("the key holds characters a header cannot carry")
        })?;
        auth.set_sensitive(true);
        let http = reqwest::Client::builder()
            .default_headers(HeaderMap::from_iter([(AUTHORIZATION, auth)]))
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
            .read_timeout(self.read_timeout.unwrap_or(Duration::from_secs(120)))
            .build()
            .map_err(BuildError::Http)?;
        Ok(Client {
            shared: Arc::new(Shared {
                v1: crate::v1::Client::new_with_client(&base_url, http.clone()),
                v2: crate::v2::Client::new_with_client(&base_url, http),
                project_id,
                base_url,
                budget: self.budget.map(Budget::new),
            }),
            retry: self.retry.unwrap_or_default(),
            deadline: None,
        })
    }
}

/// An absolute http(s) URL without a trailing slash (the generated code appends `/v2/…`).
fn base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let error = Client::builder()
            .env_vars(env(&[("MINTLIFY_PROJECT_ID", "p")]))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable MINTLIFY_API_KEY is not set"
        );
        let error = Client::builder()
            .env_vars(env(&[("MINTLIFY_API_KEY", "mint_x")]))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable MINTLIFY_PROJECT_ID is not set"
        );
        let client = Client::builder()
            .env_vars(env(&[
                ("MINTLIFY_API_KEY", "mint_x"),
                ("MINTLIFY_PROJECT_ID", "p"),
                ("MINTLIFY_BASE_URL", "http://127.0.0.1:9/"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            (client.project_id(), client.base_url()),
            ("p", "http://127.0.0.1:9")
        );
        let default = Client::builder()
            .env_vars(env(&[
                ("MINTLIFY_API_KEY", "mint_x"),
                ("MINTLIFY_PROJECT_ID", "p"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(default.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn bad_settings_are_refused_at_build_time() {
        let build = |key: &str, url: &str| {
            Client::builder()
                .api_key(key)
                .project_id("p")
                .base_url(url)
                .build()
        };
        assert!(matches!(
            build("mint_dsc_abc", DEFAULT_BASE_URL),
            Err(BuildError::InvalidApiKey(_))
        ));
        assert!(
            build("mint_a", "ftp://x")
                .unwrap_err()
                .to_string()
                .contains("http or https")
        );
        assert!(build("mint_a", "not a url").is_err());
        assert!(matches!(
            Client::builder().api_key("mint_a").build(),
            Err(BuildError::Missing("project id"))
        ));
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let client = Client::builder()
            .api_key("mint_supersecret")
            .project_id("p")
            .build()
            .unwrap();
        let builder = Client::builder().api_key("mint_supersecret");
        for text in [
            format!("{client:?}"),
            format!("{client:#?}"),
            format!("{builder:?}"),
        ] {
            assert!(!text.contains("supersecret"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }
}
