//! The built `mintlify-agent` binary against the local server: every command, JSON output,
//! exit codes, `--fake`, Ctrl-C, the key kept secret, and memory on a long stream.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use mintlify_agent_testkit::{Fault, FaultKind, JobLifecycle, Operation, TestServer};
use serde_json::Value;

use crate::harness::{self, binary, done_after, json, run, stderr, stdout};

const KEY: &str = "mint_cli_test_SECRET_key";

async fn server() -> TestServer {
    harness::server(KEY, done_after(2)).await
}

fn command(server: &TestServer, args: &[&str]) -> Command {
    harness::cli_on(server, KEY, args)
}

fn command_at(base_url: &str, project: &str, args: &[&str]) -> Command {
    harness::cli(base_url, project, KEY, args)
}

#[cfg(feature = "fake")]
#[tokio::test(flavor = "multi_thread")]
async fn fake_mode_needs_no_key() {
    let mut command = binary();
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
    assert!(
        !stdout(&json_lines)
            .chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "JSON escapes C1 and bidi controls too: {:?}",
        stdout(&json_lines)
    );
    assert_eq!(
        json(&json_lines)["title"],
        "Pwn \x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}txt.exe",
        "JSON keeps the text, escaped"
    );
}

/// Runs the binary with `input` on its standard input.
async fn run_with_stdin(mut command: Command, input: Vec<u8>) -> Output {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        output
    })
    .await
    .unwrap()
}

/// Starts the binary, sends it SIGINT after `after`, and collects what it said.
async fn interrupt(mut command: Command, after: Duration) -> Output {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    // Held open until the child ends: a closed stdin would end a read of the prompt before
    // the signal does.
    let stdin = child.stdin.take();
    tokio::time::sleep(after).await;
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    tokio::task::spawn_blocking(move || {
        let output = child.wait_with_output().unwrap();
        drop(stdin);
        output
    })
    .await
    .unwrap()
}

/// A server whose jobs never finish.
async fn endless() -> TestServer {
    TestServer::builder()
        .key(KEY)
        .lifecycle(JobLifecycle {
            polls: None,
            after: None,
        })
        .start()
        .await
        .unwrap()
}

/// A wait that gives up names the job and the command to resume with, in text and in JSON,
/// also when every poll's reply was unreadable.
#[tokio::test(flavor = "multi_thread")]
async fn a_wait_that_gives_up_keeps_the_id() {
    let server = endless().await;
    let output = run(command(
        &server,
        &["job", "create", "x", "--wait", "--timeout", "1s"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "error: job job_000001 is still active after 1s\n\
         job job_000001 goes on; resume with: mintlify-agent job wait job_000001\n"
    );

    server.inject(Fault::new(FaultKind::NonJsonBody).on(Operation::V2GetJob));
    let output = run(command(
        &server,
        &["job", "create", "y", "--wait", "--timeout", "1s"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("no poll of job job_000002 succeeded in 1s (last poll: invalid response")
            && text.contains("resume with: mintlify-agent job wait job_000002"),
        "{text}"
    );

    let output = run(command(
        &server,
        &["--json", "job", "create", "z", "--wait", "--timeout", "1s"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(4));
    let error: Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert_eq!(error["error"]["kind"], "wait_deadline");
    assert_eq!(error["error"]["job_id"], "job_000003");
    assert_eq!(
        error["error"]["resume"],
        "mintlify-agent job wait job_000003"
    );
}

/// Ctrl-C says "nothing was started" only when no request left; during a creation it says the
/// job (or session) may exist, and how to find it.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_tells_whether_a_creation_may_have_happened() {
    let server = endless().await;
    // Waiting for the prompt on standard input: nothing sent yet.
    let output = interrupt(
        command(&server, &["job", "create", "-"]),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert_eq!(stderr(&output).trim(), "interrupted; nothing was started");

    server.inject(Fault::delay(Duration::from_secs(10)).on(Operation::V2CreateJob));
    server.inject(Fault::delay(Duration::from_secs(10)).on(Operation::V1CreateJob));
    let output = interrupt(
        command(&server, &["job", "create", "x"]),
        Duration::from_millis(800),
    )
    .await;
    assert_eq!(output.status.code(), Some(130));
    assert!(
        stderr(&output).contains("the job may have been created"),
        "{}",
        stderr(&output)
    );
    let output = interrupt(
        command(&server, &["session", "run", "x"]),
        Duration::from_millis(800),
    )
    .await;
    assert_eq!(output.status.code(), Some(130));
    assert!(
        stderr(&output)
            .contains("a session may have been created; find it with: mintlify-agent session list"),
        "{}",
        stderr(&output)
    );
    let operations: Vec<_> = server
        .requests()
        .iter()
        .filter_map(|r| r.operation)
        .collect();
    assert_eq!(
        operations,
        [Operation::V2CreateJob, Operation::V1CreateJob],
        "both reached the server"
    );
}

/// `--timeout` is a limit even when the server takes 30 s to answer a poll; failed polls are
/// shown; `session run` has a timeout of its own for the wait after the stream.
#[tokio::test(flavor = "multi_thread")]
async fn timeouts_are_limits_and_failed_polls_are_shown() {
    let server = endless().await;
    let id = json(&run(command(&server, &["--json", "job", "create", "x"])).await)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    server.inject(Fault::delay(Duration::from_secs(30)).on(Operation::V2GetJob));
    let started = std::time::Instant::now();
    let output = run(command(&server, &["job", "wait", &id, "--timeout", "3s"])).await;
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert!(
        stderr(&output).contains(&format!("no poll of job {id} succeeded in 3s")),
        "{}",
        stderr(&output)
    );
    server.clear_faults();

    server.inject(Fault::status(503).on(Operation::V2GetJob));
    let output = run(command(&server, &["job", "wait", &id, "--timeout", "1s"])).await;
    assert!(
        stderr(&output).contains(&format!("{id}: poll failed: server error: HTTP 503")),
        "{}",
        stderr(&output)
    );
    server.clear_faults();

    server.inject(Fault::delay(Duration::from_secs(30)).on(Operation::V1GetJob));
    let started = std::time::Instant::now();
    let output = run(command(
        &server,
        &["session", "run", "x", "--timeout", "2s"],
    ))
    .await;
    assert!(started.elapsed() < Duration::from_secs(6));
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("see it with: mintlify-agent session get sess_"),
        "{}",
        stderr(&output)
    );
}

/// A reader that stops early (`| head`) ends the command quietly with 141, never a panic.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_the_command_quietly() {
    let server = TestServer::builder()
        .key(KEY)
        .frame_delay(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    for args in [
        &["session", "run", "x"][..],
        &["--json", "session", "run", "x"],
        &["--json", "session", "list"],
    ] {
        let mut piped = command(&server, args);
        piped.stdout(Stdio::piped()).stderr(Stdio::piped());
        let output = tokio::task::spawn_blocking(move || {
            let mut child = piped.spawn().unwrap();
            // The reader takes one line and goes, as `head -n 1` does.
            let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
            let mut line = String::new();
            std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
            drop(reader);
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        let code = output.status.code();
        assert!(
            code == Some(141) || (args[2] == "list" && code == Some(0)),
            "{args:?}: {code:?} {}",
            stderr(&output)
        );
        let said = stderr(&output);
        assert!(
            !said.contains("panicked") && !said.contains("Broken pipe") && !said.contains("error"),
            "{args:?}: {said}"
        );
    }
}

/// Prompts, ids and project ids that no request can carry are usage errors (exit 2) that name
/// the argument, and nothing is sent.
#[tokio::test(flavor = "multi_thread")]
async fn client_side_checks_are_usage_errors() {
    let server = server().await;
    for (args, names) in [
        (&["job", "create", ""][..], "PROMPT is empty"),
        (&["job", "create", "  \n"], "PROMPT is empty"),
        (&["job", "message", "job_1", " "], "PROMPT is empty"),
        (&["session", "run", " "], "the task (MESSAGE) is empty"),
        (&["job", "get", ""], "the job id (ID)"),
        (&["job", "wait", ".."], "the job id (ID)"),
        (&["job", "message", ".", "x"], "the job id (ID)"),
        (&["session", "get", ".."], "the session id (ID)"),
    ] {
        let output = run(command(&server, args)).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(names),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let output = run(command_at(server.base_url(), "..", &["job", "get", "x"])).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the project id"),
        "{}",
        stderr(&output)
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

/// Prompts longer than a command line takes: `-` reads standard input, `--file` a file.
#[tokio::test(flavor = "multi_thread")]
async fn large_prompts_from_stdin_or_a_file() {
    let server = server().await;
    let prompt = "Document every endpoint. ".repeat(42_000); // over 1 MiB
    assert!(prompt.len() > 1 << 20);
    let file =
        std::env::temp_dir().join(format!("mintlify-agent-cli-prompt-{}", std::process::id()));
    std::fs::write(&file, &prompt).unwrap();
    let path = file.to_str().unwrap();

    let created = run_with_stdin(
        command(&server, &["--json", "job", "create", "-"]),
        prompt.clone().into_bytes(),
    )
    .await;
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let id = json(&created)["id"].as_str().unwrap().to_owned();
    let from_file = run(command(&server, &["job", "create", "--file", path])).await;
    assert_eq!(from_file.status.code(), Some(0), "{}", stderr(&from_file));
    let message = run_with_stdin(
        command(&server, &["job", "message", &id, "-"]),
        prompt.clone().into_bytes(),
    )
    .await;
    assert_eq!(message.status.code(), Some(0), "{}", stderr(&message));
    let message = run(command(&server, &["job", "message", &id, "--file", path])).await;
    assert_eq!(message.status.code(), Some(0), "{}", stderr(&message));
    let session = run_with_stdin(
        command(&server, &["session", "run", "-"]),
        prompt.clone().into_bytes(),
    )
    .await;
    assert_eq!(session.status.code(), Some(0), "{}", stderr(&session));
    let session = run(command(&server, &["session", "run", "--file", path])).await;
    assert_eq!(session.status.code(), Some(0), "{}", stderr(&session));
    std::fs::remove_file(&file).unwrap();

    let posts = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 6, "{:?}", server.requests());

    let mut both = command(&server, &["--api-key-stdin", "job", "create", "-"]);
    both.env_remove("MINTLIFY_API_KEY");
    let output = run_with_stdin(both, KEY.as_bytes().to_vec()).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--api-key-stdin"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        posts,
        server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    );
}

/// `--json`: an error is one object on standard error; the stream's break is an event; jobs and
/// sessions keep every field the server sent, unknown ones and nulls included.
#[tokio::test(flavor = "multi_thread")]
async fn json_keeps_everything() {
    let server = server().await;
    let missing = run(command(&server, &["--json", "job", "get", "job_missing"])).await;
    assert_eq!(missing.status.code(), Some(3));
    let error: Value = serde_json::from_str(stderr(&missing).trim()).unwrap();
    assert_eq!(error["error"]["kind"], "not_found");
    assert_eq!(error["error"]["status"], 404);
    assert!(
        error["error"]["request_id"]
            .as_str()
            .unwrap()
            .starts_with("req_")
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("job_missing")
    );

    server.inject(Fault::new(FaultKind::ExtraFields));
    let job = json(&run(command(&server, &["--json", "job", "create", "x"])).await);
    assert_eq!(
        job["x_testkit_extra"]["note"],
        "a field this client does not know"
    );
    assert_eq!(
        job["source"]["x_testkit_extra"]["note"],
        "a field this client does not know"
    );
    assert!(
        job["archivedAt"].is_null() && job.get("archivedAt").is_some(),
        "{job}"
    );
    let id = job["id"].as_str().unwrap().to_owned();
    let got = json(&run(command(&server, &["--json", "job", "get", &id])).await);
    assert!(got.get("x_testkit_extra").is_some(), "{got}");
    let waited = json(&run(command(&server, &["--json", "job", "wait", &id])).await);
    assert!(waited.get("x_testkit_extra").is_some(), "{waited}");
    let ran = run(command(&server, &["session", "run", "x"])).await;
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    let listed = json(
        &run(command(
            &server,
            &["--json", "session", "list", "--limit", "3"],
        ))
        .await,
    );
    let sessions = listed["sessions"].as_array().unwrap();
    assert!(!sessions.is_empty() && sessions.len() <= 3, "{listed}");
    assert!(
        sessions.iter().all(|s| s.get("x_testkit_extra").is_some()),
        "{listed}"
    );
    server.clear_faults();

    server.inject(Fault::new(FaultKind::CutAfterEvents(4)).on(Operation::V1CreateJob));
    let cut = run(command(&server, &["--json", "session", "run", "x"])).await;
    let events: Vec<Value> = stdout(&cut)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        events.iter().any(|e| e["type"] == "stream-broken"),
        "{}",
        stdout(&cut)
    );
    assert_eq!(events.last().unwrap()["type"], "outcome");
    assert_eq!(
        stderr(&cut),
        "",
        "no words on stderr with --json unless it fails"
    );
}

/// A variable that is not UTF-8 is named as such, not as missing nor as a bad argument.
#[tokio::test(flavor = "multi_thread")]
async fn non_utf8_environment_values_are_named() {
    use std::os::unix::ffi::OsStrExt;
    let server = server().await;
    let bad = std::ffi::OsStr::from_bytes(b"mint_\xff");
    for name in [
        "MINTLIFY_API_KEY",
        "MINTLIFY_PROJECT_ID",
        "MINTLIFY_BASE_URL",
    ] {
        let mut cmd = binary();
        cmd.args(["job", "get", "x"])
            .env("MINTLIFY_API_KEY", KEY)
            .env("MINTLIFY_PROJECT_ID", server.project_id())
            .env("MINTLIFY_BASE_URL", server.base_url())
            .env(name, bad);
        let output = run(cmd).await;
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert_eq!(
            stderr(&output).trim(),
            format!("error: {name} is not valid UTF-8")
        );
    }
}

/// A v1 run that ends other than by a normal stop says so in text mode.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_ends_badly_says_how() {
    let server = server().await;
    let output = run(command(&server, &["session", "run", "Break it #fail"])).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("✗ the run ended early (finish reason error)"),
        "{}",
        stdout(&output)
    );
    let output = run(command(&server, &["session", "run", "Write a lot #length"])).await;
    assert!(
        stdout(&output).contains("finish reason length"),
        "{}",
        stdout(&output)
    );
}

/// A creation answered with 500, 502 or 504 (never sent again) may have made the job: say so.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_creation_says_the_job_may_exist() {
    let server = server().await;
    server.inject(Fault::status(500).on(Operation::V2CreateJob).times(1));
    let output = run(command(&server, &["job", "create", "x"])).await;
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("the job may have been created"),
        "{}",
        stderr(&output)
    );
    server.inject(Fault::status(502).on(Operation::V1CreateJob).times(1));
    let output = run(command(&server, &["session", "run", "x"])).await;
    assert!(
        stderr(&output).contains("find it with: mintlify-agent session list"),
        "{}",
        stderr(&output)
    );
    server.inject(Fault::status(400).on(Operation::V2CreateJob).times(1));
    let output = run(command(&server, &["job", "create", "x"])).await;
    assert_eq!(output.status.code(), Some(3));
    assert!(!stderr(&output).contains("may have"), "{}", stderr(&output));
}

/// `--help` lists every exit code the binary returns.
#[tokio::test(flavor = "multi_thread")]
async fn help_lists_every_exit_code() {
    let server = server().await;
    let help = stdout(&run(command(&server, &["--help"])).await);
    for code in [
        "  0 ", "  1 ", "  2 ", "  3 ", "  4 ", "  5 ", "  130 ", "  141 ",
    ] {
        assert!(help.contains(code), "{code}: {help}");
    }
    for text in [
        "auth",
        "-v, --verbose",
        "MINTLIFY_LOG",
        "MINTLIFY_NO_HISTORY",
        "SSL_CERT_FILE",
    ] {
        assert!(help.contains(text), "{text}: {help}");
    }
    let help = stdout(&run(command(&server, &["job", "--help"])).await);
    assert!(
        help.contains("list ") && help.contains("local history"),
        "{help}"
    );
    let help = stdout(&run(command(&server, &["job", "wait", "--help"])).await);
    assert!(help.contains("--last"), "{help}");
    let help = stdout(&run(command(&server, &["auth", "--help"])).await);
    assert!(
        help.contains("check ") && help.contains("costs nothing"),
        "{help}"
    );
}

/// Plain http off loopback needs --allow-insecure-http (or its variable), and then warns.
#[tokio::test(flavor = "multi_thread")]
async fn plain_http_off_loopback_must_be_allowed() {
    let server = server().await;
    // 0.0.0.0 reaches this machine but is not a loopback address.
    let url = server.base_url().replace("127.0.0.1", "0.0.0.0");
    let mut refused = command_at(&url, server.project_id(), &["job", "get", "x"]);
    refused.env_remove("MINTLIFY_ALLOW_INSECURE_HTTP");
    let output = run(refused).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--allow-insecure-http"),
        "{}",
        stderr(&output)
    );
    assert!(server.requests().is_empty());

    let mut flag = command_at(
        &url,
        server.project_id(),
        &["--allow-insecure-http", "job", "get", "job_missing"],
    );
    flag.env_remove("MINTLIFY_ALLOW_INSECURE_HTTP");
    let mut variable = command_at(&url, server.project_id(), &["job", "get", "job_missing"]);
    variable.env("MINTLIFY_ALLOW_INSECURE_HTTP", "1");
    for allowed in [flag, variable] {
        let output = run(allowed).await;
        assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
        assert!(
            stderr(&output).starts_with("warning: --allow-insecure-http: the API key goes"),
            "{}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("SECRET"));
    }
    assert_eq!(server.requests().len(), 2);
}

/// `completions SHELL` prints a script for each shell, naming the binary; no key needed.
#[tokio::test(flavor = "multi_thread")]
async fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let mut cmd = binary();
        cmd.args(["completions", shell])
            .env_remove("MINTLIFY_API_KEY")
            .env_remove("MINTLIFY_PROJECT_ID");
        let output = run(cmd).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        assert!(
            script.len() > 200 && script.contains("mintlify-agent") && script.contains("session"),
            "{shell}: {script}"
        );
    }
}

/// Built without the `fake` feature, `--fake` says so instead of starting a server it lacks
/// (`cargo test -p mintlify-agent-cli --no-default-features`).
#[cfg(not(feature = "fake"))]
#[tokio::test(flavor = "multi_thread")]
async fn fake_mode_without_the_feature_says_so() {
    let mut command = binary();
    command
        .args(["--fake", "job", "create", "x"])
        .env_remove("MINTLIFY_API_KEY");
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("built without the `fake` feature"),
        "{}",
        stderr(&output)
    );
}
