//! Configuring a client: required settings, timeouts and bounds, the HTTP client underneath.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT as USER_AGENT_HEADER};

use super::api_key::ApiKey;
use super::{Client, DEFAULT_BASE_URL, Shared, USER_AGENT, base_url, tls};
use crate::call::budget::Budget;
use crate::call::options::Limits;
use crate::call::path_value::unfit_path_value;
use crate::call::retry::RetryPolicy;
use crate::error::build::BuildError;
use crate::wait::shared::PollHub;

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
    request_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    retry: Option<RetryPolicy>,
    budget: Option<usize>,
    allow_insecure_http: bool,
    user_agent_suffix: Option<String>,
    http_client: Option<reqwest::Client>,
    http2_prior_knowledge: bool,
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

    /// How long a single read may wait for bytes (default 120 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The longest one attempt of a call may take, from sending to the last byte of the reply
    /// (default 60 s), so that a server that trickles bytes cannot hold a call forever. A v1 run's
    /// stream is exempt: it lasts as long as the agent works; bound it with
    /// [`Client::with_deadline`], which also bounds every call with its retries.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The largest successful reply body read (default 8 MiB, far above any real reply). A
    /// larger one is not read, and the call fails with [`crate::Error::ResponseTooLarge`].
    /// Error replies are read up to 16 KiB, which the error keeps.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Allows a plain `http://` base URL on a host other than loopback, which sends the key in
    /// clear text over the network. Without it [`ClientBuilder::build`] refuses such a URL.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// How calls are retried (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Refuses creations and messages beyond `per_hour` within any hour, before sending, with
    /// [`crate::Error::RateLimited`]. Mintlify's own limit is 100. Off by default.
    pub fn client_side_budget(mut self, per_hour: usize) -> Self {
        self.budget = Some(per_hour);
        self
    }

    /// Speaks HTTP/2 from the first byte, for a server that offers it without TLS (h2c), such
    /// as the test kit. Over TLS, HTTP/2 is negotiated by itself (ALPN) and this is not needed:
    /// many calls at once then share a few connections instead of opening one each.
    pub fn http2_prior_knowledge(mut self) -> Self {
        self.http2_prior_knowledge = true;
        self
    }

    /// Adds to the `User-Agent` of every request, after [`USER_AGENT`] and a space: your tool's
    /// name and version, so that Mintlify's logs can tell it apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sends through this HTTP client instead of one built here: for proxies, your own root
    /// certificates, middleware or telemetry. The key and `User-Agent` are added to each
    /// request. Its own settings then apply instead of [`ClientBuilder::connect_timeout`] and
    /// [`ClientBuilder::read_timeout`], and so does its redirect policy. Start from
    /// [`http_client_builder`], which has this crate's TLS and never follows redirects (a
    /// redirect would replay a prompt elsewhere; with the `rustls-ring` feature, a
    /// `reqwest::Client::builder()` from scratch also lacks a TLS provider). The request
    /// timeout, the body limits and the retries still apply.
    ///
    /// ```
    /// let http = mintlify_agent::http_client_builder()
    ///     .unwrap()
    ///     .no_proxy()
    ///     .build()
    ///     .unwrap();
    /// let client = mintlify_agent::Client::builder()
    ///     .api_key("mint_0123456789")
    ///     .project_id("acme")
    ///     .http_client(http)
    ///     .build()
    ///     .unwrap();
    /// # let _ = client;
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Fills what is not set yet from environment variables read by `lookup`.
    pub(super) fn env_vars(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, BuildError> {
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
        if let Some(reason) = unfit_path_value(&project_id) {
            return Err(BuildError::InvalidProjectId(reason));
        }
        let base_url = base_url::checked(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;

        let mut auth = HeaderValue::try_from(format!("Bearer {}", key.expose())).map_err(|_| {
            BuildError::InvalidApiKey("the key holds characters a header cannot carry")
        })?;
        auth.set_sensitive(true);
        let user_agent = match &self.user_agent_suffix {
            None => HeaderValue::from_static(USER_AGENT),
            Some(suffix) => HeaderValue::try_from(format!("{USER_AGENT} {suffix}"))
                .map_err(|_| BuildError::InvalidUserAgent)?,
        };
        let identity =
            HeaderMap::from_iter([(AUTHORIZATION, auth), (USER_AGENT_HEADER, user_agent)]);
        let env_proxy = self.http_client.is_none();
        let http = match self.http_client {
            Some(http) => http,
            None => {
                let builder = http_client_builder()?;
                let builder = if self.http2_prior_knowledge {
                    builder.http2_prior_knowledge()
                } else {
                    builder
                };
                builder
                    // For the generated clients used directly ([`crate::V2::generated`]); the
                    // calls of this client set both on each request.
                    .default_headers(identity.clone())
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                    .read_timeout(self.read_timeout.unwrap_or(Duration::from_secs(120)))
                    .build()
                    .map_err(|e| BuildError::Http(e.into()))?
            }
        };
        let shared = Shared {
            #[cfg(feature = "v1")]
            v1: crate::v1::Client::new_with_client(&base_url, http.clone()),
            v2: crate::v2::Client::new_with_client(&base_url, http),
            project_id,
            base_url,
            budget: self.budget.map(Budget::new),
            limits: Limits {
                request_timeout: self.request_timeout.unwrap_or(Duration::from_secs(60)),
                max_response_bytes: self.max_response_bytes.unwrap_or(8 * 1024 * 1024),
                env_proxy,
            },
            identity: Arc::new(identity),
            job_polls: PollHub::default(),
            #[cfg(feature = "v1")]
            session_polls: PollHub::default(),
        };
        Ok(Client::new(shared, self.retry.unwrap_or_default()))
    }
}

/// A `reqwest` client builder set up as the client's own: this crate's TLS (see the features),
/// no redirects followed, no `Referer`. Add your proxy,
/// root certificates or timeouts, build it, and hand it to [`ClientBuilder::http_client`].
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
    Ok(tls::configure(reqwest::Client::builder())?
        .redirect(reqwest::redirect::Policy::none())
        .referer(false))
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
            Client::builder().api_key("mint_a").project_id("..").build(),
            Err(BuildError::InvalidProjectId(_))
        ));
        assert!(matches!(
            Client::builder().api_key("mint_a").build(),
            Err(BuildError::Missing("project id"))
        ));
    }

    #[test]
    fn plain_http_is_for_loopback_unless_allowed() {
        let build = |url: &str, allow: bool| {
            let builder = Client::builder()
                .api_key("mint_a")
                .project_id("p")
                .base_url(url);
            if allow {
                builder.allow_insecure_http()
            } else {
                builder
            }
            .build()
        };
        for url in [
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://localhost:1/",
            "http://LOCALHOST",
            "http://[::1]:8080",
            "https://api.mintlify.com",
            "https://10.0.0.1",
        ] {
            assert!(build(url, false).is_ok(), "{url}");
        }
        for url in [
            "http://api.mintlify.com",
            "http://10.0.0.1:8080",
            "http://[::2]",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
        ] {
            let error = build(url, false).unwrap_err();
            assert!(error.to_string().contains("clear text"), "{url}: {error}");
            assert!(build(url, true).is_ok(), "{url}");
        }
    }

    #[test]
    fn a_bad_base_url_is_shown_as_scheme_and_host_only() {
        for url in [
            "mint_secret_key_pasted_here",
            "https://user:mint_secret@api.mintlify.com",
            "https://mint_secret@api.mintlify.com",
            "https://api.mintlify.com/?key=mint_secret",
            "https://api.mintlify.com/#mint_secret",
            "ftp://api.mintlify.com/mint_secret",
            "http://example.com/mint_secret",
            "http://[mint_secret",
        ] {
            let error = Client::builder()
                .api_key("mint_a")
                .project_id("p")
                .base_url(url)
                .build()
                .unwrap_err();
            let text = format!("{error} {error:?}");
            assert!(matches!(error, BuildError::InvalidBaseUrl { .. }), "{url}");
            assert!(!text.contains("secret"), "{url}: {text}");
        }
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
