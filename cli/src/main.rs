//! `mintlify-agent`: Mintlify's agent API from a terminal or a CI script, on the SDK.

mod args;
mod auth;
mod commands;
mod completions;
mod diagnose;
mod github;
mod history;
mod input;
mod logging;
#[cfg(feature = "mcp")]
mod mcp;
mod outcome;
mod output;
mod progress;
mod sink;
mod terminal;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use mintlify_agent::{BuildError, Client, WaitOptions};

use crate::args::{Cli, Command, Global};
use crate::commands::Context;
use crate::outcome::Failure;
use crate::output::Printer;
use crate::progress::{Progress, Tracker};

/// Creations and messages per rolling hour, as Mintlify counts them per project.
const HOURLY_BUDGET: usize = 100;

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
    github::start(&cli.command.name());
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
    github::finish();
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
        sink::err_line(&warning);
    }
    #[cfg(feature = "mcp")]
    if let Command::Mcp(args) = &cli.command {
        mcp::check(args, cli.global.api_key_stdin)?;
    }
    let mut printer = Printer::new(cli.global.json);
    // A spinner would draw over the log lines.
    printer.decorate &= !logging;
    if let Command::Job(args::JobCommand::List(list)) = &cli.command {
        // Local only: no key, no request.
        return commands::list_jobs(&cli.global, printer, list);
    }
    // Kept alive for the whole command: a `--fake` server stops when dropped.
    let (client, _server, wait) = connect(&cli.global, printer).await?;
    history::configure(client.base_url(), client.project_id(), !cli.global.fake);
    let context = Context {
        client,
        printer,
        wait,
        progress,
        stdin_taken: cli.global.api_key_stdin,
    };
    match cli.command {
        Command::Job(command) => commands::job(&context, command).await,
        Command::Session(command) => commands::session(&context, command).await,
        Command::Auth(args::AuthCommand::Check) => auth::check(&context.client, printer).await,
        Command::Completions { shell } => completions::print(shell),
        #[cfg(feature = "mcp")]
        Command::Mcp(args) => mcp::serve(context.client, context.wait, args).await,
    }
}

/// A `--fake` server, kept for the command's length; nothing without the `fake` feature.
#[cfg(feature = "fake")]
type FakeServer = mintlify_agent_testkit::TestServer;
#[cfg(not(feature = "fake"))]
type FakeServer = ();

/// The client: against a `--fake` server started here, or from the key and settings given.
async fn connect(
    global: &Global,
    printer: Printer,
) -> Result<(Client, Option<FakeServer>, WaitOptions), Failure> {
    if global.fake {
        return fake().await;
    }
    let key = if global.api_key_stdin {
        let key = input::read_stdin()
            .await
            .map_err(|e| Failure::Usage(format!("cannot read the key from standard input: {e}")))?;
        String::from_utf8(key).map_err(|_| {
            Failure::Usage("the key on standard input is not valid UTF-8".to_owned())
        })?
    } else {
        match std::env::var_os("MINTLIFY_API_KEY").map(OsString::into_string) {
            Some(Ok(key)) => key,
            Some(Err(_)) => {
                return Err(Failure::Usage(
                    "MINTLIFY_API_KEY is not valid UTF-8".to_owned(),
                ));
            }
            None => {
                return Err(Failure::Usage(
                    "MINTLIFY_API_KEY is not set (or use --api-key-stdin, or --fake to try it)"
                        .to_owned(),
                ));
            }
        }
    };
    let project = global.project.as_deref().ok_or_else(|| {
        Failure::Usage("no project: set MINTLIFY_PROJECT_ID or --project".to_owned())
    })?;
    let project = input::id(project, "the project id (--project or MINTLIFY_PROJECT_ID)")?;
    let mut builder = Client::builder()
        .api_key(key)
        .project_id(project)
        // Mintlify's own limit, counted before sending: only a long-running `mcp` can reach it.
        .client_side_budget(HOURLY_BUDGET);
    if let Some(base_url) = &global.base_url {
        builder = builder.base_url(base_url);
    }
    if global.allow_insecure_http {
        builder = builder.allow_insecure_http();
        if global
            .base_url
            .as_deref()
            .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("http://"))
        {
            let warning = "warning: --allow-insecure-http: the API key goes to the server in \
                           clear text over plain http";
            if printer.json {
                sink::err_line(&terminal::json(&serde_json::json!({ "warning": warning })));
            } else {
                printer.note(warning);
            }
        }
    }
    let client = builder.build().map_err(|error| match error {
        BuildError::InvalidBaseUrl { .. } => Failure::Usage(format!(
            "{error} (here: --allow-insecure-http or MINTLIFY_ALLOW_INSECURE_HTTP=1)"
        )),
        error => Failure::from(error),
    })?;
    Ok((client, None, WaitOptions::default()))
}

/// A client against the test kit's server, started in-process, with jobs that take 2 s.
#[cfg(feature = "fake")]
async fn fake() -> Result<(Client, Option<FakeServer>, WaitOptions), Failure> {
    use std::time::Duration;

    use mintlify_agent_testkit::{JobLifecycle, TestServer};

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
        .client_side_budget(HOURLY_BUDGET)
        .build()?;
    let wait = WaitOptions::default()
        .first_delay(Duration::from_millis(250))
        .max_delay(Duration::from_secs(1));
    Ok((client, Some(server), wait))
}

/// Without the `fake` feature there is no server to start.
#[cfg(not(feature = "fake"))]
async fn fake() -> Result<(Client, Option<FakeServer>, WaitOptions), Failure> {
    Err(Failure::Usage(
        "--fake is not available: this mintlify-agent was built without the `fake` feature \
         (cargo install with --features fake)"
            .to_owned(),
    ))
}

/// With `MINTLIFY_AGENT_REPORT_PEAK_RSS` set, prints the process's peak memory to stderr
/// (how the test suite measures a long `session run`).
fn report_peak_memory() {
    if std::env::var_os("MINTLIFY_AGENT_REPORT_PEAK_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        sink::err_line(&format!(
            "peak RSS: {}",
            line.trim_start_matches("VmHWM:").trim()
        ));
    }
}
