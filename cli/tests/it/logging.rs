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
    let span = format!(
        "mintlify_agent.request{{method=POST http.route=\"/v2/agent/{{projectId}}/job\" \
         url.path=\"/v2/agent/{}/job\" attempt=1 status=201 request_id=\"req_000001\"}}",
        server.project_id()
    );
    for part in [" DEBUG ", &span, "elapsed_ms=", "outcome=\"done\""] {
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
    // Which job a request was for: its path beside the template, the key still nowhere.
    let created = run(cli(&server, &["job", "create", "x"])).await;
    let id = String::from_utf8_lossy(&created.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let mut command = cli(&server, &["job", "get", &id]);
    command.env("MINTLIFY_LOG", "mintlify_agent=trace");
    let output = run(command).await;
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let path = format!("/v2/agent/{}/job/{id}", server.project_id());
    assert!(
        text.contains(&format!(
            "http.route=\"/v2/agent/{{projectId}}/job/{{id}}\" url.path=\"{path}\""
        )),
        "{text}"
    );
    assert!(!text.contains(KEY) && !text.contains("SECRET"), "{text}");

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

/// An id or a prompt is the user's text, and may come from anywhere (a pull request's title in
/// CI): a line break, an escape or `../` in it cannot make a log line of its own, nor a line
/// that reads as one, and the path shows the id percent-encoded, in one segment.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_id_or_prompt_cannot_forge_a_log_line() {
    const FORGED: &str = "2026-01-01T00:00:00.000000Z DEBUG forged";
    let server = server().await;
    let hostile = format!("job_x\n{FORGED} \x1b[31m../../admin\r");
    let output = run(cli(&server, &["-vv", "job", "get", &hostile])).await;
    let got = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{got}");
    let encoded =
        "job_x%0A2026-01-01T00%3A00%3A00.000000Z%20DEBUG%20forged%20%1B%5B31m..%2F..%2Fadmin%0D";
    let path = format!("/v2/agent/{}/job/{encoded}", server.project_id());
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 2, "one log line, one error line: {got}");
    assert!(
        lines[0].contains(" DEBUG ") && lines[0].contains(&format!("url.path=\"{path}\"")),
        "{got}"
    );
    assert!(lines[1].starts_with("error: "), "{got}");

    // A prompt at trace level, where it is shown.
    let prompt = format!("Fix the page\n{FORGED} \x1b[2J");
    let mut command = cli(&server, &["job", "create", &prompt]);
    command.env("MINTLIFY_LOG", "mintlify_agent=trace");
    let output = run(command).await;
    let created = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{created}");
    assert!(created.contains("Fix the page"), "{created}");

    for text in [got, created] {
        assert!(!text.contains('\x1b') && !text.contains('\r'), "{text:?}");
        assert!(text.lines().all(|line| !line.starts_with(FORGED)), "{text}");
    }
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
