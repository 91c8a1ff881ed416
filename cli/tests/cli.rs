//! The built `mintlify-agent` binary against the local server: every command, JSON output,
//! exit codes, `--fake`, Ctrl-C, the key kept secret, and memory on a long stream.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use mintlify_agent_testkit::{Fault, JobLifecycle, Operation, TestServer};
use serde_json::Value;

const KEY: &str = "mint_cli_test_SECRET_key";

async fn server() -> TestServer {
    TestServer::builder()
        .key(KEY)
        .lifecycle(JobLifecycle {
            polls: Some(2),
            after: None,
        })
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

fn command(server: &TestServer, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mintlify-agent"));
    command
        .args([
            "--base-url",
            server.base_url(),
            "--project",
            server.project_id(),
        ])
        .args(args)
        .env("MINTLIFY_API_KEY", KEY)
        .env_remove("MINTLIFY_PROJECT_ID")
        .env_remove("MINTLIFY_BASE_URL");
    command
}

/// Runs the binary off the async runtime, so that the in-process server keeps serving.
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_str(stdout(output).trim())
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

#[tokio::test(flavor = "multi_thread")]
async fn fake_mode_needs_no_key() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mintlify-agent"));
    command
        .args(["--fake", "job", "create", "Add a quickstart", "--wait"])
        .env_remove("MINTLIFY_API_KEY");
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("job_000001  completed  https://github.com/testkit/"),
        "{}",
        stdout(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn job_commands_in_json() {
    let server = server().await;
    let created = run(command(
        &server,
        &["--json", "job", "create", "Add a quickstart"],
    ))
    .await;
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let job = json(&created);
    assert_eq!(job["status"], "active");
    let id = job["id"].as_str().unwrap().to_owned();

    let got = json(&run(command(&server, &["--json", "job", "get", &id])).await);
    assert_eq!(got["id"], id.as_str());

    let waited = run(command(&server, &["--json", "job", "wait", &id])).await;
    assert_eq!(waited.status.code(), Some(0), "{}", stderr(&waited));
    assert_eq!(json(&waited)["status"], "completed");

    let followed = run(command(
        &server,
        &[
            "--json",
            "job",
            "message",
            &id,
            "Also add errors",
            "--wait",
            "--timeout",
            "30s",
        ],
    ))
    .await;
    assert_eq!(followed.status.code(), Some(0), "{}", stderr(&followed));
    assert_eq!(json(&followed)["status"], "completed");
    assert_eq!(
        stdout(&followed).lines().count(),
        1,
        "one JSON object per command"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes() {
    let server = server().await;
    let failed = run(command(
        &server,
        &["job", "create", "Break it #fail", "--wait"],
    ))
    .await;
    assert_eq!(
        failed.status.code(),
        Some(1),
        "failed job: {}",
        stderr(&failed)
    );
    assert!(stdout(&failed).contains("  failed"), "{}", stdout(&failed));

    let usage = run(command(&server, &["job", "frobnicate"])).await;
    assert_eq!(usage.status.code(), Some(2));
    let mut no_key = command(&server, &["job", "get", "x"]);
    no_key.env_remove("MINTLIFY_API_KEY");
    let no_key = run(no_key).await;
    assert_eq!(no_key.status.code(), Some(2));
    assert_eq!(
        stderr(&no_key).trim(),
        "error: MINTLIFY_API_KEY is not set (or use --api-key-stdin, or --fake to try it)"
    );

    let missing = run(command(&server, &["job", "get", "job_missing"])).await;
    assert_eq!(missing.status.code(), Some(3));
    let line = stderr(&missing);
    assert!(
        line.starts_with(
            "error: not found: HTTP 404: Agent job job_missing not found (request id req_"
        ),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1, "one line, no backtrace");

    let created = json(&run(command(&server, &["--json", "job", "create", "x"])).await);
    server.inject(Fault::status(500).on(Operation::V2GetJob));
    let transient = run(command(
        &server,
        &["job", "get", created["id"].as_str().unwrap()],
    ))
    .await;
    assert_eq!(transient.status.code(), Some(4), "{}", stderr(&transient));
    server.clear_faults();

    let slow = TestServer::builder()
        .key(KEY)
        .lifecycle(JobLifecycle {
            polls: None,
            after: None,
        })
        .start()
        .await
        .unwrap();
    let id = json(&run(command(&slow, &["--json", "job", "create", "x"])).await)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let timed_out = run(command(&slow, &["job", "wait", &id, "--timeout", "1s"])).await;
    assert_eq!(timed_out.status.code(), Some(4), "{}", stderr(&timed_out));
    assert!(
        stderr(&timed_out).contains(&format!("job {id} is still active after 1s")),
        "{}",
        stderr(&timed_out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn session_commands() {
    let server = server().await;
    let human = run(command(
        &server,
        &[
            "session",
            "run",
            "Add",
            "a",
            "quickstart",
            "--model",
            "opus",
            "--draft",
            "--system",
            "Be brief",
        ],
    ))
    .await;
    assert_eq!(human.status.code(), Some(0), "{}", stderr(&human));
    let text = stdout(&human);
    assert!(
        text.starts_with("☐ todos 0/3: Read the existing pages\nI'll take care of that."),
        "{text}"
    );
    assert!(
        text.contains("→ read_file {\"path\":\"docs/introduction.mdx\"}"),
        "{text}"
    );
    assert!(text.contains("☐ todos 1/3: Write the change"), "{text}");
    assert!(
        text.trim_end().ends_with(
            "completed  https://github.com/testkit/testkit-project/pull/1  Add a quickstart"
        ),
        "{text}"
    );
    assert!(
        stderr(&human).starts_with("session sess_000001 on branch mintlify/add-a-quickstart-1"),
        "{}",
        stderr(&human)
    );

    let lines = run(command(
        &server,
        &[
            "--json",
            "session",
            "run",
            "Second",
            "--branch",
            "docs/second",
        ],
    ))
    .await;
    let events: Vec<Value> = stdout(&lines)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[0]["type"], "start");
    assert!(events.iter().any(|e| e["type"] == "tool-input-available"));
    let outcome = events.last().unwrap();
    assert_eq!(outcome["type"], "outcome");
    assert_eq!(outcome["session"]["branch"], "docs/second");

    let got = json(
        &run(command(
            &server,
            &["--json", "session", "get", "sess_000001"],
        ))
        .await,
    );
    assert_eq!(got["haultReason"], "completed");
    let listed = json(
        &run(command(
            &server,
            &["--json", "session", "list", "--limit", "1"],
        ))
        .await,
    );
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(listed["sessions"][0]["branch"], "docs/second");
    let all = stdout(&run(command(&server, &["session", "list"])).await);
    assert_eq!(all.lines().count(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_and_says_how_to_resume() {
    let server = TestServer::builder()
        .key(KEY)
        .lifecycle(JobLifecycle {
            polls: None,
            after: None,
        })
        .start()
        .await
        .unwrap();
    let mut waiting = command(&server, &["job", "create", "x", "--wait"]);
    waiting.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = waiting.spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(
        stderr(&output).trim(),
        "interrupted; job job_000001 goes on; resume with: mintlify-agent job wait job_000001"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_is_never_printed() {
    let server = server().await;
    let mut wrong = command(&server, &["job", "get", "x"]);
    wrong.env("MINTLIFY_API_KEY", "mint_wrong_SECRET_value");
    let output = run(wrong).await;
    assert_eq!(output.status.code(), Some(3));
    assert!(
        !stderr(&output).contains("SECRET") && !stdout(&output).contains("SECRET"),
        "{}",
        stderr(&output)
    );
    let mut assistant = command(&server, &["job", "get", "x"]);
    assistant.env("MINTLIFY_API_KEY", "mint_dsc_SECRET_value");
    let output = run(assistant).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("assistant key") && !stderr(&output).contains("SECRET"),
        "{}",
        stderr(&output)
    );
    let help = stdout(&run(command(&server, &["--help"])).await);
    assert!(
        help.contains("MINTLIFY_API_KEY") && help.contains("130"),
        "{help}"
    );
    assert!(!help.contains("--api-key "), "no flag takes the key");
}

/// Memory stays flat however long the run: a long stream, printed as it comes. The size is
/// `MINTLIFY_AGENT_LONG_STREAM_BYTES` (default 64 MiB; the closing note reports 1 GiB).
#[tokio::test(flavor = "multi_thread")]
async fn a_long_stream_runs_in_little_memory() {
    let bytes: u64 = std::env::var("MINTLIFY_AGENT_LONG_STREAM_BYTES")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(64 << 20);
    let server = TestServer::builder()
        .key(KEY)
        .frame_delay(Duration::ZERO)
        .stream_padding(bytes)
        .start()
        .await
        .unwrap();
    let mut long = command(&server, &["session", "run", "A long one"]);
    long.env("MINTLIFY_AGENT_REPORT_PEAK_RSS", "1")
        .stdout(Stdio::null());
    let output = run(long).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stderr(&output);
    let peak_kb: u64 = report
        .lines()
        .find_map(|l| l.strip_prefix("peak RSS: "))
        .and_then(|v| v.trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no report: {report}"));
    eprintln!("session run over {bytes} bytes: peak RSS {peak_kb} kB");
    assert!(peak_kb < 32 * 1024, "{peak_kb} kB");
}

/// What a hostile server sends (here: the test kit echoing a prompt into a session's title, and
/// an id into its 404 message) reaches the terminal with its control characters shown, not run.
#[tokio::test(flavor = "multi_thread")]
async fn server_text_cannot_drive_the_terminal() {
    const HOSTILE: &str = "Pwn \x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}txt.exe\r";
    let server = server().await;
    let run_output = run(command(&server, &["session", "run", HOSTILE])).await;
    assert_eq!(run_output.status.code(), Some(0), "{}", stderr(&run_output));
    let missing = run(command(&server, &["job", "get", HOSTILE])).await;
    assert_eq!(missing.status.code(), Some(3));
    for output in [&run_output, &missing] {
        for text in [stdout(output), stderr(output)] {
            assert!(
                !text
                    .chars()
                    .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}'),
                "{text:?}"
            );
        }
    }
    assert!(
        stdout(&run_output).contains("Pwn \\u{1b}]0;pwned\\u{7}\\u{1b}[2J"),
        "the title, shown: {}",
        stdout(&run_output)
    );
    assert!(
        stderr(&missing).contains("Pwn \\u{1b}]0;pwned"),
        "the server's message, shown: {}",
        stderr(&missing)
    );
    let json_lines = run(command(
        &server,
        &["--json", "session", "get", "sess_000001"],
    ))
    .await;
    assert_eq!(
        json(&json_lines)["title"],
        "Pwn \x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}txt.exe",
        "JSON keeps the text, escaped"
    );
}
