//! What every suite needs to drive the built binary: a command in a clean environment, run off
//! the async runtime, its output as text, and the test kit's server with a suite's own key.

use std::process::{Command, Output};
use std::time::Duration;

use mintlify_agent_testkit::{JobLifecycle, TestServer};
use serde_json::Value;

/// Variables of the user's or the runner's environment that would change what the binary does:
/// its settings, its logs, a GitHub Actions runner's files, an MCP token, and proxies.
const CLEARED: [&str; 17] = [
    "MINTLIFY_PROJECT_ID",
    "MINTLIFY_BASE_URL",
    "MINTLIFY_ALLOW_INSECURE_HTTP",
    "MINTLIFY_LOG",
    "MINTLIFY_MCP_TOKEN",
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "MINTLIFY_AGENT_REPORT_PEAK_RSS",
];

/// The built `mintlify-agent`, with none of [`CLEARED`] and the history off (neither the user's
/// history nor a runner's files are touched; the history suite turns it back on).
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mintlify-agent"));
    for name in CLEARED {
        command.env_remove(name);
    }
    command.env("MINTLIFY_NO_HISTORY", "1");
    command
}

/// [`binary`] with `--base-url`, `--project` and the key in `MINTLIFY_API_KEY`, then `args`.
pub fn cli(base_url: &str, project: &str, key: &str, args: &[&str]) -> Command {
    let mut command = binary();
    command
        .args(["--base-url", base_url, "--project", project])
        .args(args)
        .env("MINTLIFY_API_KEY", key);
    command
}

/// [`cli`] against `server`.
pub fn cli_on(server: &TestServer, key: &str, args: &[&str]) -> Command {
    cli(server.base_url(), server.project_id(), key, args)
}

/// Runs the binary off the async runtime, so that an in-process server keeps serving.
pub async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// Standard output, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output as one JSON value.
pub fn json(output: &Output) -> Value {
    serde_json::from_str(stdout(output).trim())
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

/// The test kit's server taking `key`, its jobs living as `lifecycle` says, streams unpaced.
pub async fn server(key: &str, lifecycle: JobLifecycle) -> TestServer {
    TestServer::builder()
        .key(key)
        .lifecycle(lifecycle)
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

/// Jobs that are done on their `polls`-th poll.
pub fn done_after(polls: u32) -> JobLifecycle {
    JobLifecycle {
        polls: Some(polls),
        after: None,
    }
}
