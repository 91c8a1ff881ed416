//! Helpers shared by the SDK's end-to-end suites: clients for the test kit's server that retry
//! fast, request counts, `raw`, a bare TCP server that sends what no real server would,
//! `differential`, which runs the AI SDK's differential samples, and `ai4`, a transcript as AI
//! SDK 4's chat client shapes its message.

#![allow(dead_code, clippy::unwrap_used)]

#[cfg(feature = "v1")]
pub mod ai4;
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

/// Runs the calling test again, alone, in a child process whose whole environment is `env`: for
/// a test that needs what a process has once, which the other tests of this binary share (its
/// environment variables; tracing's callsite cache, which a test on another thread can leave
/// saying that nobody wants the crate's spans). `true` in the child, which then runs the test's
/// body; `false` in the parent once the child passed (a child that failed fails the test).
/// `module` is the test's `module_path!()`, `name` its function's name.
pub async fn alone_in_a_child_process(module: &str, name: &str, env: &[(&str, &str)]) -> bool {
    const CHILD: &str = "MINTLIFY_AGENT_TEST_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    // The test's name as the harness knows it: its path without the crate's name.
    let test = match module.split_once("::") {
        Some((_, module)) => format!("{module}::{name}"),
        None => name.to_owned(),
    };
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", &test, "--test-threads=1"])
        .env_clear()
        .env(CHILD, "1")
        .envs(env.iter().copied());
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .unwrap()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{test}, in its own process:\n{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("1 passed"), "the child ran {test}: {said}");
    false
}

/// What the crate logs on this thread (every level, spans as they close) while it lives: for
/// `#[tokio::test]`s on the current thread, run [`alone_in_a_child_process`] so that no other
/// test shares the process's callsite cache.
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
        Self {
            written,
            _guard: tracing::subscriber::set_default(subscriber),
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

/// `value` with every number as JavaScript holds it: a whole float is an integer (JSON has one
/// number type; `2.5e3` is 2500 there and `2500.0` in a serde_json value).
pub fn js_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => serde_json::json!(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(js_numbers).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, js_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}
