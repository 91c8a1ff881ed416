//! Helpers shared by the SDK's end-to-end suites: clients for the test kit's server that retry
//! fast, request counts, `raw`, a bare TCP server that sends what no real server would, and
//! `differential`, which runs the AI SDK's differential samples.

#![allow(dead_code, clippy::unwrap_used)]

pub mod differential;
pub mod raw;

use mintlify_agent_testkit::TestServer;

/// An SDK client for `server`, retrying fast so that tests do not wait.
pub fn client_for(server: &TestServer) -> mintlify_agent::Client {
    client_builder(server).build().unwrap()
}

/// A builder for `server` with a fast retry schedule (2 retries, 10 ms apart, no jitter).
pub fn client_builder(server: &TestServer) -> mintlify_agent::ClientBuilder {
    mintlify_agent::Client::builder()
        .api_key(server.api_key())
        .project_id(server.project_id())
        .base_url(server.base_url())
        .retry_policy(fast_retries())
}

/// 2 retries, 10 ms apart, no jitter.
pub fn fast_retries() -> mintlify_agent::RetryPolicy {
    mintlify_agent::RetryPolicy::default()
        .delays(
            std::time::Duration::from_millis(10),
            std::time::Duration::from_millis(10),
        )
        .jitter(false)
}

/// How many requests the server answered for `operation`.
pub fn count(server: &TestServer, operation: mintlify_agent_testkit::Operation) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.operation == Some(operation))
        .count()
}

/// What the crate logs on this thread (every level, spans as they close) while it lives: for
/// `#[tokio::test]`s on the current thread.
pub struct Logs {
    written: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl Logs {
    pub fn capture() -> Self {
        let written = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = written.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || LogWriter(sink.clone()))
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Tests on other threads of the binary may be registering the crate's callsites at
        // this moment with no subscriber of their own, and so cache them as never wanted: ask
        // every callsite again, now that this subscriber is there.
        tracing::callsite::rebuild_interest_cache();
        Self {
            written,
            _guard: guard,
        }
    }

    /// The lines written so far.
    pub fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.written.lock().unwrap())
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

struct LogWriter(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
