//! What the MCP benchmarks share: the test kit's server in this process, the release binary
//! serving `mcp --http` beside it, and the server process's memory read from /proc.

#![allow(dead_code, clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use mintlify_agent_testkit::{JobLifecycle, TestServer};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const KEY: &str = "mint_mcp_bench_key";

/// The test kit's server: jobs finish `after` their creation.
pub async fn test_server(after: Duration) -> TestServer {
    TestServer::builder()
        .key(KEY)
        .rate_limit(1_000_000)
        .lifecycle(JobLifecycle {
            polls: None,
            after: Some(after),
        })
        .start()
        .await
        .unwrap()
}

/// `mintlify-agent mcp --http 127.0.0.1:0 ARGS` on `server`: the child and its URL.
pub async fn mcp_server(server: &TestServer, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mintlify-agent"))
        .args([
            "--base-url",
            server.base_url(),
            "--project",
            server.project_id(),
        ])
        .args(["mcp", "--http", "127.0.0.1:0"])
        .args(args)
        .env("MINTLIFY_API_KEY", KEY)
        .env_remove("MINTLIFY_MCP_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = stderr.next_line().await.unwrap().unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.ends_with("/mcp"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
    (child, url)
}

/// A figure of /proc/PID/status in MiB: `VmRSS` (now) or `VmHWM` (peak).
pub fn memory_mib(child: &Child, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id().unwrap())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| {
            v.trim_start_matches(':')
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// `--name N` from the command line, or `default`.
pub fn argument(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |n| {
            n.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number"))
        })
}
