//! `mintlify-agent mcp`: a Model Context Protocol server, so that AI coding agents (Claude
//! Code, Cursor, VS Code, Codex, Zed) can hand documentation work to Mintlify's agent.
//!
//! - `server.rs`: the tools on the SDK's client, their arguments checked as the CLI checks
//!   them, and the cap on creations; `tools.rs`: names, descriptions, schemas, annotations;
//!   `failure.rs`: every failure as a tool result an agent can act on; `wait.rs`:
//!   `wait_for_job` with progress, heartbeat and cancellation; `auth.rs`: `auth_check`;
//!   `result.rs`: the results they answer with (structured content, a job in words).
//! - `stdio.rs` (the default) and `http.rs` (`--http ADDR`): the transports; `session.rs`:
//!   the HTTP sessions, bounded in number and idle time; `replay.rs`: each session's replay
//!   buffer, for clients that reconnect with `Last-Event-ID`.
//!
//! Standard output is the protocol on stdio: everything else goes to standard error.
//!
//! Why a module of the CLI and not a crate of its own: it serves the client the CLI builds
//! (`crate::client::connect`: the key from the environment or `--fake`, the project, the base
//! URL, the hourly budget) with the CLI's `WaitOptions`, checks ids and prompts with the CLI's
//! `crate::input`, names errors as `--json` does (`crate::outcome`), and ships in the same
//! `mintlify-agent` binary that agents' configurations already start (`mintlify-agent mcp`).
//! The `mcp` feature keeps its dependencies (rmcp, axum, tokio-util) optional, which is what a
//! crate of its own would have bought; a second crate would have to export all of the above
//! from the CLI for no one else to use.

mod auth;
mod conformance;
mod connections;
mod failure;
mod http;
mod replay;
mod result;
mod server;
mod session;
mod stdio;
mod tools;
mod wait;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use mintlify_agent::{Client, WaitOptions};

use crate::outcome::Failure;
use crate::output::sink::err_line;

/// `mcp [--http ADDR [--allow-remote] [--max-sessions N] [--session-idle-timeout DURATION]]
/// [--max-creations N]`
#[derive(Debug, Args)]
pub(crate) struct McpArgs {
    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio: a port (on 127.0.0.1) or
    /// IP:PORT. With MINTLIFY_MCP_TOKEN set, every request must carry it as a bearer token.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub(crate) http: Option<SocketAddr>,
    /// Allow --http on an address other than loopback; needs MINTLIFY_MCP_TOKEN (at least 16
    /// characters), which every request must then carry.
    #[arg(long, requires = "http")]
    pub(crate) allow_remote: bool,
    /// How many create_job and send_message calls this server makes in its life; past it they
    /// are refused (Mintlify's own limit is 100 per project per hour).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) max_creations: u32,
    /// With --http: the most MCP sessions at once. When all are taken, a new session ends the
    /// one idle longest (no call running, no stream open); when none is idle, it is refused
    /// with 503. Each session keeps its last 64 messages (at most 256 KiB) for a client that
    /// reconnects with Last-Event-ID.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100,
        requires = "http",
        value_parser = clap::value_parser!(u32).range(1..=100_000)
    )]
    pub(crate) max_sessions: u32,
    /// With --http: how long a session may stay idle (no call running, no stream open) before
    /// it ends; its client then gets 404 and starts a new session. E.g. 90s, 10m, 2h.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "30m",
        requires = "http",
        value_parser = parse_idle_timeout
    )]
    pub(crate) session_idle_timeout: Duration,
    /// Adds the tools the official MCP conformance suite calls (test_reconnection); for its
    /// runs in CI only.
    #[arg(long, hide = true, requires = "http")]
    pub(crate) conformance_tools: bool,
}

/// The bearer token's variable.
const TOKEN_VAR: &str = "MINTLIFY_MCP_TOKEN";

/// Settings refused before anything starts (before the key is read: on stdio, standard input
/// is the protocol and cannot also hold the key).
pub(crate) fn check(args: &McpArgs, api_key_stdin: bool) -> Result<(), Failure> {
    if api_key_stdin && args.http.is_none() {
        return Err(Failure::Usage(
            "mcp on stdio reads the protocol from standard input: give the key in \
             MINTLIFY_API_KEY instead of --api-key-stdin (or serve with --http)"
                .to_owned(),
        ));
    }
    if let Some(address) = &args.http
        && !http::is_loopback(address)
        && !args.allow_remote
    {
        return Err(Failure::Usage(format!(
            "--http {address} is not a loopback address: anyone who can reach it could start \
             jobs. Add --allow-remote and set {TOKEN_VAR}, or serve on 127.0.0.1"
        )));
    }
    Ok(())
}

/// Serves until standard input ends (stdio) or the process is stopped (HTTP).
pub(crate) async fn serve(client: Client, wait: WaitOptions, args: McpArgs) -> Result<(), Failure> {
    let token = match std::env::var_os(TOKEN_VAR).map(std::ffi::OsString::into_string) {
        None => None,
        Some(Ok(token)) if token.is_empty() => None,
        Some(Ok(token)) => Some(token),
        Some(Err(_)) => return Err(Failure::Usage(format!("{TOKEN_VAR} is not valid UTF-8"))),
    };
    let remote = args.http.as_ref().is_some_and(|a| !http::is_loopback(a));
    if remote {
        match &token {
            None => {
                return Err(Failure::Usage(format!(
                    "--allow-remote needs {TOKEN_VAR}: the bearer token every request must \
                     carry"
                )));
            }
            Some(token) if token.chars().count() < 16 => {
                return Err(Failure::Usage(format!(
                    "{TOKEN_VAR} is too short to guard a server off this machine: use at \
                     least 16 characters (e.g. `openssl rand -hex 32`)"
                )));
            }
            Some(_) => {}
        }
    }
    let summary = format!(
        "project {}, {}; at most {} create_job/send_message calls",
        client.project_id(),
        client.base_url(),
        args.max_creations
    );
    let mut server = server::Server::new(client, wait, args.max_creations);
    if args.conformance_tools {
        server = server.with_conformance_tools();
    }
    match args.http {
        None => {
            err_line(&format!("mintlify-agent mcp: serving on stdio ({summary})"));
            stdio::serve(server)
                .await
                .map_err(|e| Failure::Output(format!("the stdio transport broke: {e}")))
        }
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| Failure::Usage(format!("cannot listen on {address}: {e}")))?;
            let local = listener
                .local_addr()
                .map_err(|e| Failure::Usage(format!("cannot listen on {address}: {e}")))?;
            let guarded = if token.is_some() {
                ", bearer token required"
            } else {
                ""
            };
            err_line(&format!(
                "mintlify-agent mcp: serving Streamable HTTP on http://{local}/mcp ({summary}; at \
                 most {} sessions, an idle one ends after {}{guarded})",
                args.max_sessions,
                humantime::format_duration(args.session_idle_timeout)
            ));
            let limits = session::Limits {
                max: args.max_sessions as usize,
                idle: args.session_idle_timeout,
            };
            http::serve(server, listener, remote, token, limits).await;
            Ok(())
        }
    }
}

/// A duration of at least a second.
fn parse_idle_timeout(text: &str) -> Result<Duration, String> {
    let duration =
        humantime::parse_duration(text).map_err(|e| format!("{e} (try 90s, 10m or 2h)"))?;
    if duration < Duration::from_secs(1) {
        return Err("at least 1s".to_owned());
    }
    Ok(duration)
}

/// `8848` (on 127.0.0.1) or `IP:PORT`.
fn parse_address(text: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    text.parse().map_err(|_| {
        format!("{text:?} is not a port or IP:PORT (e.g. 8848, 127.0.0.1:8848, [::1]:8848)")
    })
}
