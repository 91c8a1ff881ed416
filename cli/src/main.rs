//! `mintlify-agent`: Mintlify's agent API from a terminal or a CI script, on the SDK.

mod args;
mod commands;
mod outcome;
mod output;

use std::io::Read;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use clap::Parser;
use mintlify_agent::{Client, WaitOptions};
use mintlify_agent_testkit::{JobLifecycle, TestServer};

use crate::args::{Cli, Command, Global};
use crate::commands::Context;
use crate::outcome::Failure;
use crate::output::Printer;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let resume = Arc::new(Mutex::new(None));
    let result = tokio::select! {
        result = run(cli, resume.clone()) => result,
        _ = tokio::signal::ctrl_c() => {
            let hint = resume.lock().unwrap_or_else(PoisonError::into_inner).take();
            Err(Failure::Interrupted(format!("interrupted; {}", hint.unwrap_or_else(|| "nothing was started".to_owned()))))
        }
    };
    report_peak_memory();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

async fn run(cli: Cli, resume: Arc<Mutex<Option<String>>>) -> Result<(), Failure> {
    // Kept alive for the whole command: a `--fake` server stops when dropped.
    let (client, _server, wait) = connect(&cli.global).await?;
    let context = Context {
        client,
        printer: Printer::new(cli.global.json),
        wait,
        resume,
    };
    match cli.command {
        Command::Job(command) => commands::job(&context, command).await,
        Command::Session(command) => commands::session(&context, command).await,
    }
}

/// The client: against a `--fake` server started here, or from the key and settings given.
async fn connect(global: &Global) -> Result<(Client, Option<TestServer>, WaitOptions), Failure> {
    if global.fake {
        let server = TestServer::builder()
            .lifecycle(JobLifecycle {
                polls: None,
                after: Some(Duration::from_secs(2)),
            })
            .frame_delay(Duration::from_millis(20))
            .start()
            .await
            .map_err(|e| Failure::Usage(format!("cannot start the fake server: {e}")))?;
        let client = Client::builder()
            .api_key(server.api_key())
            .project_id(server.project_id())
            .base_url(server.base_url())
            .build()?;
        let wait = WaitOptions::default()
            .first_delay(Duration::from_millis(250))
            .max_delay(Duration::from_secs(1));
        return Ok((client, Some(server), wait));
    }
    let key = if global.api_key_stdin {
        let mut key = String::new();
        std::io::stdin()
            .read_to_string(&mut key)
            .map_err(|e| Failure::Usage(format!("cannot read the key from standard input: {e}")))?;
        key
    } else {
        std::env::var("MINTLIFY_API_KEY").map_err(|_| {
            Failure::Usage(
                "MINTLIFY_API_KEY is not set (or use --api-key-stdin, or --fake to try it)"
                    .to_owned(),
            )
        })?
    };
    let project = global.project.clone().ok_or_else(|| {
        Failure::Usage("no project: set MINTLIFY_PROJECT_ID or --project".to_owned())
    })?;
    let mut builder = Client::builder().api_key(key).project_id(project);
    if let Some(base_url) = &global.base_url {
        builder = builder.base_url(base_url);
    }
    Ok((builder.build()?, None, WaitOptions::default()))
}

/// With `MINTLIFY_AGENT_REPORT_PEAK_RSS` set, prints the process's peak memory to stderr
/// (how the test suite measures a long `session run`).
fn report_peak_memory() {
    if std::env::var_os("MINTLIFY_AGENT_REPORT_PEAK_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        eprintln!("peak RSS: {}", line.trim_start_matches("VmHWM:").trim());
    }
}
