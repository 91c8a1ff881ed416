//! GitHub Actions through the built binary: with `GITHUB_ACTIONS=true` and the runner's files
//! pointed at temporary files, step outputs (read back as the runner parses them), the summary
//! and workflow commands; hostile server text that cannot add an output or a command; and
//! nothing at all outside Actions.

use std::path::{Path, PathBuf};
use std::process::Command;

use mintlify_agent_testkit::{Fault, FaultKind, Operation, TestServer};

use crate::harness::{self, done_after, run, stderr, stdout};

const KEY: &str = "mint_gha_test_SECRET_key";

struct Runner {
    _dir: tempfile::TempDir,
    output: PathBuf,
    summary: PathBuf,
}

impl Runner {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("github_output");
        let summary = dir.path().join("step_summary");
        // The runner creates both files empty before the step.
        std::fs::write(&output, "").unwrap();
        std::fs::write(&summary, "").unwrap();
        Self {
            _dir: dir,
            output,
            summary,
        }
    }

    fn outputs(&self) -> Vec<(String, String)> {
        parse_outputs(&std::fs::read_to_string(&self.output).unwrap())
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(&self.summary).unwrap()
    }
}

/// `$GITHUB_OUTPUT` as the runner reads it: `name=value` lines and `name<<DELIM` blocks.
fn parse_outputs(file: &str) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    let mut lines = file.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            let mut closed = false;
            for line in lines.by_ref() {
                if line == delimiter {
                    closed = true;
                    break;
                }
                value.push(line);
            }
            assert!(closed, "unterminated output {name}: {file}");
            outputs.push((name.to_owned(), value.join("\n")));
        } else {
            let (name, value) = line.split_once('=').unwrap();
            outputs.push((name.to_owned(), value.to_owned()));
        }
    }
    outputs
}

fn step_output<'a>(outputs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    outputs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn cli(server: &TestServer, runner: Option<&Runner>, args: &[&str]) -> Command {
    let mut command = harness::cli_on(server, KEY, args);
    if let Some(runner) = runner {
        command
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &runner.output)
            .env("GITHUB_STEP_SUMMARY", &runner.summary);
    }
    command
}

async fn kit(polls: u32) -> TestServer {
    harness::server(KEY, done_after(polls)).await
}

fn untouched(path: &Path) -> bool {
    std::fs::read_to_string(path).unwrap().is_empty()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_writes_outputs_and_a_summary() {
    let server = kit(1).await;
    let runner = Runner::new();
    let output = run(cli(
        &server,
        Some(&runner),
        &[
            "job",
            "create",
            "Add a quickstart | <b>now</b>\nsecond line",
            "--wait",
            "--timeout",
            "15m",
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = runner.outputs();
    let id = output_of(&outputs, "job-id");
    assert!(id.starts_with("job_"), "{outputs:?}");
    assert_eq!(step_output(&outputs, "status"), Some("completed"));
    let link = output_of(&outputs, "pr-link");
    assert!(link.starts_with("https://github.com/"), "{link}");
    assert!(step_output(&outputs, "branch").is_some(), "{outputs:?}");
    let summary = runner.summary();
    assert!(
        summary.starts_with(&format!(
            "### mintlify-agent: job {} completed",
            id.replace('_', "\\_")
        )),
        "{summary}"
    );
    assert!(
        summary.contains("| Asked | Add a quickstart \\| &lt;b&gt;now&lt;/b&gt; |"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("| Pull request | <{link}> |")),
        "{summary}"
    );
    assert!(summary.contains("| Took | "), "{summary}");
    assert!(!stderr(&output).contains("::"), "{}", stderr(&output));

    // `job get` rewrites the outputs for a later step; `session get` gives the v1 names.
    let runner = Runner::new();
    let output = run(cli(&server, Some(&runner), &["job", "get", id])).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(step_output(&runner.outputs(), "job-id"), Some(id));

    let runner = Runner::new();
    let output = run(cli(
        &server,
        Some(&runner),
        &["session", "run", "Fix the typo"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = runner.outputs();
    assert!(output_of(&outputs, "session-id").len() > 3, "{outputs:?}");
    assert_eq!(step_output(&outputs, "halt-reason"), Some("completed"));
    assert!(step_output(&outputs, "pr-link").is_some());
}

fn output_of<'a>(outputs: &'a [(String, String)], name: &str) -> &'a str {
    step_output(outputs, name).unwrap_or_else(|| panic!("no {name} in {outputs:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_timeouts_and_archived_jobs_are_annotated() {
    let server = kit(1).await;
    let runner = Runner::new();
    let output = run(cli(
        &server,
        Some(&runner),
        &["job", "create", "Break it #fail", "--wait"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("::error title=Mintlify agent job failed::job job_"),
        "{}",
        stderr(&output)
    );
    assert_eq!(step_output(&runner.outputs(), "status"), Some("failed"));
    assert!(
        runner.summary().contains("| Result | failed |"),
        "{}",
        runner.summary()
    );

    let created = run(cli(&server, None, &["job", "create", "Archive me"])).await;
    let id = stdout(&created)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert!(server.archive_job(server.project_id(), &id));
    let runner = Runner::new();
    let output = run(cli(&server, Some(&runner), &["job", "wait", &id])).await;
    assert!(
        stderr(&output).contains("::warning title=Mintlify agent job archived::"),
        "{}",
        stderr(&output)
    );

    let endless = kit(u32::MAX).await;
    let created = run(cli(&endless, None, &["job", "create", "Take forever"])).await;
    let id = stdout(&created)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let runner = Runner::new();
    let output = run(cli(
        &endless,
        Some(&runner),
        &["job", "wait", &id, "--timeout", "1s"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("::error title=Mintlify agent%3A timed out::"),
        "{}",
        stderr(&output)
    );
    assert_eq!(step_output(&runner.outputs(), "status"), Some("active"));

    // A refusal is an error annotation titled by its kind.
    let runner = Runner::new();
    let output = run(cli(&server, Some(&runner), &["job", "get", "job_missing"])).await;
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("::error title=mintlify-agent%3A not found::not found%3A")
            || stderr(&output).contains("::error title=mintlify-agent%3A not found::not found: "),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_text_cannot_add_an_output_or_a_command() {
    let server = kit(1).await;
    let created = run(cli(&server, None, &["job", "create", "x"])).await;
    let id = stdout(&created)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let hostile = "completed\nstatus=hacked\n::warning::pwned\r\n  ::add-mask::x\nghadelimiter_\n%0A::error::y";
    server.inject(Fault::new(FaultKind::UnknownStatus(hostile.to_owned())).on(Operation::V2GetJob));
    let runner = Runner::new();
    let output = run(cli(&server, Some(&runner), &["job", "get", &id])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = runner.outputs();
    assert_eq!(
        outputs.iter().filter(|(n, _)| n == "status").count(),
        1,
        "{outputs:?}"
    );
    assert_eq!(step_output(&outputs, "status"), Some(hostile));
    // No line the runner would read as a command, on either stream.
    for line in stdout(&output).lines().chain(stderr(&output).lines()) {
        assert!(!line.trim_start().starts_with("::"), "{line:?}");
    }
    let summary = runner.summary();
    assert!(
        !summary
            .lines()
            .any(|l| l.starts_with("status=") || l.trim_start().starts_with("::")),
        "{summary}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_without_a_job_write_no_outputs() {
    let server = kit(1).await;
    let runner = Runner::new();
    let output = run(cli(&server, Some(&runner), &["auth", "check"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run(cli(&server, Some(&runner), &["job", "list"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(untouched(&runner.output) && untouched(&runner.summary));
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_changes_outside_actions() {
    let server = kit(1).await;
    let runner = Runner::new();
    let mut command = cli(
        &server,
        None,
        &["job", "create", "Break it #fail", "--wait"],
    );
    // The files exist but GITHUB_ACTIONS is not `true`.
    command
        .env("GITHUB_ACTIONS", "false")
        .env("GITHUB_OUTPUT", &runner.output)
        .env("GITHUB_STEP_SUMMARY", &runner.summary);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(untouched(&runner.output) && untouched(&runner.summary));
    assert!(!stderr(&output).contains("::"), "{}", stderr(&output));
}
