//! The local history through the built binary: what `job create` and `job message` append
//! (mode 0600, one JSON line each, no key), `job list` newest first for this base URL and
//! project, `job wait --last`, appends from many processes at once, `MINTLIFY_NO_HISTORY`,
//! `--fake`, and a corrupt or unreadable history that only warns.

use std::path::{Path, PathBuf};
use std::process::Command;

use mintlify_agent_testkit::TestServer;
use serde_json::Value;

use crate::harness::{self, done_after, run, stderr, stdout};

const KEY: &str = "mint_history_test_SECRET_key";

fn cli(server: &TestServer, state: &Path, args: &[&str]) -> Command {
    cli_for(server, server.project_id(), state, args)
}

/// The harness's command with the history on, kept under `state`.
fn cli_for(server: &TestServer, project: &str, state: &Path, args: &[&str]) -> Command {
    let mut command = harness::cli(server.base_url(), project, KEY, args);
    command
        .env("XDG_STATE_HOME", state)
        .env_remove("MINTLIFY_NO_HISTORY");
    command
}

fn history(state: &Path) -> PathBuf {
    state.join("mintlify-agent").join("history.jsonl")
}

async fn kit() -> TestServer {
    harness::server(KEY, done_after(1)).await
}

async fn create(server: &TestServer, state: &Path, prompt: &str) -> String {
    let output = run(cli(server, state, &["job", "create", prompt])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn started_jobs_are_listed_newest_first_and_wait_last_takes_the_newest() {
    use std::os::unix::fs::PermissionsExt;
    let server = kit().await;
    let state = tempfile::tempdir().unwrap();
    let first = create(&server, state.path(), "Add a quickstart\nwith details").await;
    let second = create(&server, state.path(), "Fix the typos").await;
    let output = run(cli(
        &server,
        state.path(),
        &["job", "message", &first, "Also the FAQ"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let file = history(state.path());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(KEY) && !text.contains("SECRET"), "{text}");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0]["event"], "create");
    assert_eq!(lines[0]["prompt"], "Add a quickstart");
    assert_eq!(lines[0]["base_url"], server.base_url());
    assert_eq!(lines[0]["project"], server.project_id());
    assert_eq!(lines[0]["status"], "active");
    assert_eq!(lines[2]["event"], "message");

    // No key needed to list; the job with the newest start (the follow-up) first.
    let mut list = cli(&server, state.path(), &["job", "list", "--json"]);
    list.env_remove("MINTLIFY_API_KEY");
    let output = run(list).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listed: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let ids: Vec<&str> = listed["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [first.as_str(), second.as_str()]);
    assert_eq!(listed["jobs"][0]["prompt"], "Add a quickstart");

    // `--last` waits for the newest; the status it saw is the history's afterwards.
    let output = run(cli(&server, state.path(), &["job", "wait", "--last"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(&format!("{first}  completed")),
        "{}",
        stdout(&output)
    );
    let output = run(cli(&server, state.path(), &["job", "list"])).await;
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert!(
        lines[0].starts_with(&format!("{first}  completed  ")),
        "{lines:?}"
    );
    assert!(lines[0].ends_with("Add a quickstart"), "{lines:?}");
    assert!(
        lines[1].starts_with(&format!("{second}  active  ")),
        "{lines:?}"
    );

    // Another project, or another base URL, has its own list.
    let output = run(cli_for(
        &server,
        "other",
        state.path(),
        &["job", "list", "--json"],
    ))
    .await;
    assert_eq!(stdout(&output).trim(), r#"{"jobs":[]}"#);
    let output = run(cli_for(
        &server,
        "other",
        state.path(),
        &["job", "wait", "--last"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the history holds no job for project other"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn many_processes_append_at_once_without_mixing_lines() {
    let server = kit().await;
    let state = tempfile::tempdir().unwrap();
    let long = "Rewrite everything ".repeat(20);
    let runs: Vec<_> = (0..12)
        .map(|i| {
            let command = cli(
                &server,
                state.path(),
                &["job", "create", &format!("{i} {long}")],
            );
            tokio::spawn(run(command))
        })
        .collect();
    for output in runs {
        let output = output.await.unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let text = std::fs::read_to_string(history(state.path())).unwrap();
    let entries: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 12, "{text}");
    let mut ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn off_by_env_and_a_bad_history_only_warns() {
    let server = kit().await;
    let state = tempfile::tempdir().unwrap();
    let mut command = cli(&server, state.path(), &["job", "create", "x"]);
    command.env("MINTLIFY_NO_HISTORY", "1");
    assert_eq!(run(command).await.status.code(), Some(0));
    assert!(!history(state.path()).exists());

    // Corrupt lines are skipped with a warning; the good ones are listed.
    let id = create(&server, state.path(), "Good one").await;
    let file = history(state.path());
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.splice(0..0, b"not json\n\xff\xfe{\"half\":\n".iter().copied());
    std::fs::write(&file, bytes).unwrap();
    let output = run(cli(&server, state.path(), &["job", "list"])).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with(&id), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("warning: skipped 2 unreadable line(s)"),
        "{}",
        stderr(&output)
    );

    // A history that cannot be written (its path is a directory) does not fail a creation.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    let output = run(cli(&server, state.path(), &["job", "create", "y"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: cannot write the history"),
        "{}",
        stderr(&output)
    );
    let output = run(cli(&server, state.path(), &["job", "list"])).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("warning: cannot read the history"),
        "{}",
        stderr(&output)
    );

    // Without XDG_STATE_HOME, under $HOME/.local/state.
    let home = tempfile::tempdir().unwrap();
    let mut command = cli(&server, state.path(), &["job", "create", "z"]);
    command
        .env_remove("XDG_STATE_HOME")
        .env("HOME", home.path());
    assert_eq!(run(command).await.status.code(), Some(0));
    assert!(history(&home.path().join(".local").join("state")).exists());
}

#[cfg(feature = "fake")]
#[tokio::test(flavor = "multi_thread")]
async fn fake_runs_write_no_history() {
    let state = tempfile::tempdir().unwrap();
    let mut command = harness::binary();
    command
        .args(["--fake", "job", "create", "Try it"])
        .env("XDG_STATE_HOME", state.path())
        .env_remove("MINTLIFY_NO_HISTORY");
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!state.path().join("mintlify-agent").exists());
}
