//! `mintlify-agent`: Mintlify's agent API from a terminal or a CI script, on the SDK.
//!
//! Where things live:
//! - `main.rs`: the runtime, Ctrl-C, which command runs, and the exit code.
//! - `args.rs`: the command line as clap reads it; `input.rs`: prompts and ids, checked
//!   before any request; `client.rs`: the client from the key and settings, or `--fake`.
//! - `commands/`: one file per command group (`job`, `session`, `auth`, `completions`).
//! - `output/`: what goes to standard output and error (the printer, the sinks and their
//!   guard, terminal safety, the spinner, a live run, log lines).
//! - `report/`: what a command records after it acted (GitHub Actions, the local history).
//! - `outcome/`: how a command ended: exit codes, the error said, what it had set in motion.
//! - `mcp/` (feature `mcp`): the same client served to AI agents over MCP.

mod args;
mod client;
mod commands;
mod input;
#[cfg(feature = "mcp")]
mod mcp;
mod outcome;
mod output;
mod report;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{AuthCommand, Cli, Command, JobCommand};
use crate::commands::{Context, auth, completions, job, session};
use crate::outcome::Failure;
use crate::outcome::progress::{Progress, Tracker};
use crate::output::sink::err_line;
use crate::output::{Printer, logging};
use crate::report::{actions, history};

/// Environment variables clap reads for flags; a value that is not UTF-8 is named here rather
/// than in clap's words about arguments.
const CLAP_ENV: [&str; 3] = [
    "MINTLIFY_PROJECT_ID",
    "MINTLIFY_BASE_URL",
    "MINTLIFY_ALLOW_INSECURE_HTTP",
];

fn main() -> ExitCode {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => {
            let code = runtime.block_on(command());
            // A read of standard input may still block a thread: do not wait for it.
            runtime.shutdown_background();
            code
        }
        Err(error) => {
            Failure::Usage(format!("cannot start: {error}")).report(&Progress::Nothing, false)
        }
    }
}

/// Parses the command line, runs the command (until Ctrl-C) and reports how it ended.
async fn command() -> ExitCode {
    let json = std::env::args_os().any(|a| a == "--json");
    if let Some(name) = CLAP_ENV
        .iter()
        .find(|name| not_utf8(std::env::var_os(name)))
    {
        return Failure::Usage(format!("{name} is not valid UTF-8"))
            .report(&Progress::Nothing, json);
    }
    let cli = Cli::parse();
    let json = cli.global.json;
    actions::start(&cli.command.name());
    let progress = Tracker::default();
    let result = tokio::select! {
        result = run(cli, progress.clone()) => result,
        _ = tokio::signal::ctrl_c() => Err(Failure::Interrupted),
    };
    report_peak_memory();
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(&progress.get(), json),
    };
    actions::finish();
    code
}

fn not_utf8(value: Option<OsString>) -> bool {
    value.is_some_and(|v| v.into_string().is_err())
}

async fn run(cli: Cli, progress: Tracker) -> Result<(), Failure> {
    if let Command::Completions { shell } = cli.command {
        return completions::print(shell);
    }
    let (logging, warning) = logging::install(cli.global.verbose);
    if let Some(warning) = warning {
        err_line(&warning);
    }
    #[cfg(feature = "mcp")]
    if let Command::Mcp(args) = &cli.command {
        mcp::check(args, cli.global.api_key_stdin)?;
    }
    let mut printer = Printer::new(cli.global.json);
    // A spinner would draw over the log lines.
    printer.decorate &= !logging;
    if let Command::Job(JobCommand::List(list)) = &cli.command {
        // Local only: no key, no request.
        return job::list(&cli.global, printer, list);
    }
    // Kept alive for the whole command: a `--fake` server stops when dropped.
    let (client, _server, wait) = client::connect(&cli.global, printer).await?;
    history::configure(client.base_url(), client.project_id(), !cli.global.fake);
    let context = Context {
        client,
        printer,
        wait,
        progress,
        stdin_taken: cli.global.api_key_stdin,
    };
    match cli.command {
        Command::Job(command) => job::run(&context, command).await,
        Command::Session(command) => session::run(&context, command).await,
        Command::Auth(AuthCommand::Check) => auth::check(&context.client, printer).await,
        Command::Completions { shell } => completions::print(shell),
        #[cfg(feature = "mcp")]
        Command::Mcp(args) => mcp::serve(context.client, context.wait, args).await,
    }
}

/// With `MINTLIFY_AGENT_REPORT_PEAK_RSS` set, prints the process's peak memory to stderr
/// (how the test suite measures a long `session run`).
fn report_peak_memory() {
    if std::env::var_os("MINTLIFY_AGENT_REPORT_PEAK_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        err_line(&format!(
            "peak RSS: {}",
            line.trim_start_matches("VmHWM:").trim()
        ));
    }
}
