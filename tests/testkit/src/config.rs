//! What a server is started with: its keys, projects, job lifecycle and stream settings.

use std::time::Duration;

use crate::stream::protocol::Protocol;

/// The key a server accepts when none is configured.
pub const DEFAULT_KEY: &str = "mint_testkit_local_admin_key";

/// What an admin key may do (Mintlify's key scopes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyScope {
    /// Every endpoint.
    ReadWrite,
    /// `GET` only; other methods get 403.
    ReadOnly,
}

/// An accepted key.
#[derive(Clone)]
pub struct ApiKey {
    pub(crate) secret: String,
    pub(crate) scope: KeyScope,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("secret", &"<redacted>")
            .field("scope", &self.scope)
            .finish()
    }
}

/// When an `active` v2 job finishes: at the first of these that is reached.
#[derive(Clone, Copy, Debug)]
pub struct JobLifecycle {
    /// Finishes on this poll (`GET`) since it became active; `Some(1)`: the first poll sees it done.
    pub polls: Option<u32>,
    /// Finishes once this much time (by the server's clock) has passed since it became active.
    pub after: Option<Duration>,
}

impl Default for JobLifecycle {
    fn default() -> Self {
        Self {
            polls: Some(3),
            after: None,
        }
    }
}

/// Everything a server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) keys: Vec<ApiKey>,
    /// `None`: any project id exists.
    pub(crate) projects: Option<Vec<String>>,
    pub(crate) lifecycle: JobLifecycle,
    /// Creations and messages per project per rolling hour.
    pub(crate) rate_limit: usize,
    pub(crate) protocol: Protocol,
    /// Pause before each frame of a v1 stream.
    pub(crate) frame_delay: Duration,
    /// Extra text streamed in each v1 run, in bytes (for long-stream tests).
    pub(crate) stream_padding: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            projects: None,
            lifecycle: JobLifecycle::default(),
            rate_limit: 100,
            protocol: Protocol::UiMessageStream,
            frame_delay: Duration::from_millis(5),
            stream_padding: 0,
        }
    }
}
