//! `-v` and `MINTLIFY_LOG`: one line per attempt on standard error, with what a person
//! debugging needs, the proxy when there is one; never the key, and prompts only at trace.

use std::process::Command;

use mintlify_agent_testkit::{Fault, Operation, TestServer};

use crate::harness::{self, run, stderr};

const KEY: &str = "mint_log_test_SECRET_key";
const PROMPT: &str = "Rewrite the PRIVATE_PROMPT_words page";

fn cli(server: &TestServer, args: &[&str]) -> Command {
    harness::cli_on(server, KEY, args)
}

async fn server() -> TestServer {
    TestServer::builder().key(KEY).start().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_prints_one_line_per_attempt_and_nothing_secret() {
    let server = server().await;
    let output = run(cli(&server, &["-v", "job", "create", PROMPT])).await;
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line = lines[0];
    for part in [
        " DEBUG ",
        "mintlify_agent.request{method=POST path=\"/v2/agent/{projectId}/job\" attempt=1 status=201 request_id=\"req_000001\"}",
        "elapsed_ms=",
        "outcome=\"done\"",
    ] {
        assert!(line.contains(part), "{part} not in {line}");
    }
    assert!(
        !text.contains(KEY) && !text.contains("PRIVATE_PROMPT"),
        "{text}"
    );

    // A retried read: the wait before the next attempt, then the attempt that answered.
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(1));
    let id = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let output = run(cli(&server, &["--verbose", "job", "get", &id])).await;
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].contains("attempt=1 status=503") && lines[0].contains("retry_in="),
        "{text}"
    );
    assert!(
        lines[1].contains("attempt=2 status=200") && lines[1].contains("outcome=\"done\""),
        "{text}"
    );

    // A final refusal says it is not retried.
    let output = run(cli(&server, &["-v", "job", "get", "job_missing"])).await;
    assert!(
        stderr(&output).contains("status=404")
            && stderr(&output).contains("not retried: the status is final"),
        "{}",
        stderr(&output)
    );

    // Nothing without -v or MINTLIFY_LOG.
    let output = run(cli(&server, &["job", "get", &id])).await;
    assert_eq!(stderr(&output), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn at_trace_the_prompt_shows_and_the_key_never_does() {
    let server = server().await;
    for (filter, prompt_shown) in [
        ("debug", false),
        ("mintlify_agent=trace", true),
        ("trace", true),
    ] {
        let mut command = cli(&server, &["job", "create", PROMPT]);
        command.env("MINTLIFY_LOG", filter);
        let output = run(command).await;
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{text}");
        assert!(text.contains("status=201"), "{filter}: {text}");
        assert_eq!(
            text.contains("PRIVATE_PROMPT"),
            prompt_shown,
            "{filter}: {text}"
        );
        assert!(
            !text.contains(KEY) && !text.contains("SECRET"),
            "{filter}: {text}"
        );
    }
    // `trace` is every library's: hyper's own events are there too.
    let mut command = cli(&server, &["job", "get", "job_1"]);
    command.env("MINTLIFY_LOG", "trace");
    assert!(stderr(&run(command).await).contains("hyper"));

    let mut command = cli(&server, &["job", "get", "job_1"]);
    command.env("MINTLIFY_LOG", "mintlify_agent=loud");
    let text = stderr(&run(command).await);
    assert!(
        text.starts_with("warning: MINTLIFY_LOG is not a valid filter"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_proxy_is_in_each_line() {
    let server = server().await;
    // The test kit serves absolute-form requests too, so it can stand in for a plain proxy.
    let proxy = format!("http://{}", server.address());
    let mut command = cli(&server, &["-v", "job", "create", PROMPT]);
    command.env(
        "HTTP_PROXY",
        proxy.replace("http://", "http://user:proxy_SECRET@"),
    );
    let output = run(command).await;
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("proxy=\"{proxy}\"")), "{text}");
    assert!(!text.contains("proxy_SECRET"), "{text}");
}
