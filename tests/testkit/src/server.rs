//! Starting, reading and stopping a server.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::config::{ApiKey, Config, DEFAULT_KEY, JobLifecycle, KeyScope};
use crate::faults::{Fault, Faults};
use crate::rate_limit::RateLimiter;
use crate::request_log::RequestRecord;
use crate::routes::router;
use crate::state::{AppState, lock};
use crate::store::Store;
use crate::stream::protocol::Protocol;

/// The project id [`TestServer::project_id`] suggests when no project is configured (any id
/// is accepted then).
pub const DEFAULT_PROJECT: &str = "testkit-project";

/// A running local Mintlify agent server. It stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let server = mintlify_agent_testkit::TestServer::start().await?;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// assert!(server.api_key().starts_with("mint_"));
/// # Ok(())
/// # }
/// ```
pub struct TestServer {
    address: SocketAddr,
    base_url: String,
    api_key: String,
    project_id: String,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// Starts a server with the defaults on an ephemeral port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder to configure a server before starting it.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A key with every scope.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// A project id that exists.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Scripts a fault; faults are tried in the order they were added.
    pub fn inject(&self, fault: Fault) {
        lock(&self.state.faults).push(fault);
    }

    /// Removes every scripted fault.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// How many connections clients have opened so far (HTTP/2 carries many requests on one).
    pub fn connections(&self) -> u64 {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.state.log).clone()
    }

    /// Archives a v2 job (the API has no call for it); `false` if there is no such job.
    pub fn archive_job(&self, project: &str, id: &str) -> bool {
        let now = self.state.clock.now();
        lock(&self.state.store).archive_job(project, id, now)
    }

    /// Stops the server and waits until it has.
    pub async fn shutdown(mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
        self.task.abort();
    }
}

/// How a server should behave; [`ServerBuilder::start`] starts it.
pub struct ServerBuilder {
    config: Config,
    clock: Arc<dyn Clock>,
    address: SocketAddr,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        Self {
            config: Config::default(),
            clock: Arc::new(SystemClock),
            address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }
}

impl ServerBuilder {
    /// Accepts this key with every scope. With no key configured, the server accepts only
    /// [`DEFAULT_KEY`].
    pub fn key(mut self, secret: impl Into<String>) -> Self {
        self.config.keys.push(ApiKey {
            secret: secret.into(),
            scope: KeyScope::ReadWrite,
        });
        self
    }

    /// Accepts this key for `GET` requests only; others get 403.
    pub fn read_only_key(mut self, secret: impl Into<String>) -> Self {
        self.config.keys.push(ApiKey {
            secret: secret.into(),
            scope: KeyScope::ReadOnly,
        });
        self
    }

    /// Makes this project exist. Once any is named, other project ids get 404; with none
    /// named, every project id exists.
    pub fn project(mut self, id: impl Into<String>) -> Self {
        self.config
            .projects
            .get_or_insert_with(Vec::new)
            .push(id.into());
        self
    }

    /// Reads time from `clock` (e.g. a [`crate::ManualClock`] a test steps).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// When `active` v2 jobs finish (default: on the third poll).
    pub fn lifecycle(mut self, lifecycle: JobLifecycle) -> Self {
        self.config.lifecycle = lifecycle;
        self
    }

    /// Creations and messages allowed per project per rolling hour (default 100).
    pub fn rate_limit(mut self, per_hour: usize) -> Self {
        self.config.rate_limit = per_hour;
        self
    }

    /// The v1 stream protocol when a request does not choose one (default: UI message stream).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.config.protocol = protocol;
        self
    }

    /// The pause before each frame of a v1 stream (default 5 ms; zero streams at once).
    pub fn frame_delay(mut self, delay: Duration) -> Self {
        self.config.frame_delay = delay;
        self
    }

    /// Streams this many extra bytes of text in every v1 run, right after its first text part
    /// (for tests of long streams; nothing is held in memory for it).
    pub fn stream_padding(mut self, bytes: u64) -> Self {
        self.config.stream_padding = bytes;
        self
    }

    /// Listens on `address` instead of an ephemeral port of 127.0.0.1.
    pub fn bind(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<TestServer> {
        let listener = tokio::net::TcpListener::bind(self.address).await?;
        let address = listener.local_addr()?;
        let api_key = self
            .config
            .keys
            .iter()
            .find(|k| k.scope == KeyScope::ReadWrite)
            .map_or_else(|| DEFAULT_KEY.to_owned(), |k| k.secret.clone());
        let project_id = self
            .config
            .projects
            .as_ref()
            .and_then(|p| p.first().cloned())
            .unwrap_or_else(|| DEFAULT_PROJECT.to_owned());
        let state = Arc::new(AppState {
            config: self.config,
            clock: self.clock,
            store: Mutex::new(Store::default()),
            limiter: Mutex::new(RateLimiter::default()),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Vec::new()),
            requests_seen: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        });
        let app = router(state.clone());
        let counted = state.clone();
        // HTTP/1.1 and, with prior knowledge, HTTP/2 in clear text (h2c) on the same port.
        let listener = listener.tap_io(move |_| {
            counted.connections.fetch_add(1, Ordering::Relaxed);
        });
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(TestServer {
            address,
            base_url: format!("http://{address}"),
            api_key,
            project_id,
            state,
            shutdown: Some(shutdown),
            task,
        })
    }
}
