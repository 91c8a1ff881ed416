//! The server binary as a person runs it, and where servers listen.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use mintlify_agent_testkit::TestServer;

#[tokio::test]
async fn a_library_server_listens_on_loopback_only() {
    let server = TestServer::start().await.unwrap();
    assert!(server.address().ip().is_loopback());
    assert_ne!(server.address().port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", server.address().port())
    );
}

#[tokio::test]
async fn the_binary_prints_its_url_and_key_and_serves() {
    let (mut child, base_url, mut lines) =
        start_binary(&["--port", "0", "--key", "mint_from_the_command_line"]);
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    let printed: Vec<String> = lines.by_ref().take(3).map(Result::unwrap).collect();
    assert_eq!(printed[0], format!("  MINTLIFY_BASE_URL={base_url}"));
    assert_eq!(printed[1], "  MINTLIFY_API_KEY=mint_from_the_command_line");
    assert_eq!(printed[2], "  MINTLIFY_PROJECT_ID=testkit-project");

    let reply = reqwest::Client::new()
        .post(format!("{base_url}/v2/agent/testkit-project/job"))
        .bearer_auth("mint_from_the_command_line")
        .json(&serde_json::json!({ "prompt": "Add a quickstart" }))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn the_binary_takes_a_rate_limit_and_a_job_duration_and_reports_stats() {
    let (mut child, base_url, _lines) = start_binary(&["--rate-limit", "1", "--job-seconds", "0"]);
    let http = reqwest::Client::new();
    let create = || {
        http.post(format!("{base_url}/v2/agent/testkit-project/job"))
            .bearer_auth(mintlify_agent_testkit::DEFAULT_KEY)
            .json(&serde_json::json!({ "prompt": "Add a quickstart" }))
            .send()
    };
    let created: serde_json::Value = create().await.unwrap().json().await.unwrap();
    assert_eq!(
        create().await.unwrap().status(),
        429,
        "one creation an hour"
    );
    let id = created["id"].as_str().unwrap();
    let job: serde_json::Value = http
        .get(format!("{base_url}/v2/agent/testkit-project/job/{id}"))
        .bearer_auth(mintlify_agent_testkit::DEFAULT_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["status"], "completed", "{job}");
    let stats: serde_json::Value = http
        .get(format!("{base_url}{}", mintlify_agent_testkit::STATS_ROUTE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["operations"]["V2CreateJob"], 2, "{stats}");
    assert_eq!(stats["operations"]["V2GetJob"], 1, "{stats}");
    assert!(stats["connections"].as_u64().unwrap() >= 1, "{stats}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn the_binary_keeps_serving_when_its_output_is_closed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mintlify-agent-testkit"))
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the server writes its banner: every write to stdout fails.
    drop(child.stdout.take());
    let mut reply = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if let Ok(answer) = reqwest::Client::new()
            .get(format!(
                "http://127.0.0.1:{port}{}",
                mintlify_agent_testkit::STATS_ROUTE
            ))
            .send()
            .await
        {
            reply = Some(answer.status());
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    assert_eq!(reply.map(|s| s.as_u16()), Some(200));
    assert!(child.try_wait().unwrap().is_none(), "the server died");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The server binary with `args`, its base URL from the banner's first line, and the rest.
fn start_binary(
    args: &[&str],
) -> (
    std::process::Child,
    String,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mintlify-agent-testkit"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base_url = first
        .strip_prefix("Mintlify agent test server listening on ")
        .unwrap()
        .to_owned();
    (child, base_url, lines)
}
