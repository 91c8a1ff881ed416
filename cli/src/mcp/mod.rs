//! `mintlify-agent mcp`: a Model Context Protocol server, so that AI coding agents (Claude
//! Code, Cursor, VS Code, Codex, Zed) can hand documentation work to Mintlify's agent.
//!
//! - `server.rs`: the tools on the SDK's client, their arguments checked as the CLI checks
//!   them, and the cap on creations; `tools.rs`: names, descriptions, schemas, annotations;
//!   `failure.rs`: every failure as a tool result an agent can act on; `wait.rs`:
//!   `wait_for_job` with progress, heartbeat and cancellation; `auth.rs`: `auth_check`;
//!   `result.rs`: the results they answer with (structured content, a job in words).
//! - `stdio.rs` (the default) and `http.rs` (`--http ADDR`): the transports.
//!
//! Standard output is the protocol on stdio: everything else goes to standard error.

mod auth;
mod failure;
mod http;
mod result;
mod server;
mod stdio;
mod tools;
mod wait;

use std::net::SocketAddr;

use clap::Args;
use mintlify_agent::{Client, WaitOptions};

use crate::outcome::Failure;
use crate::output::sink::err_line;

/// `mcp [--http ADDR [--allow-remote]] [--max-creations N]`
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio: a port (on 127.0.0.1) or
    /// IP:PORT. With MINTLIFY_MCP_TOKEN set, every request must carry it as a bearer token.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub http: Option<SocketAddr>,
    /// Allow --http on an address other than loopback; needs MINTLIFY_MCP_TOKEN (at least 16
    /// characters), which every request must then carry.
    #[arg(long, requires = "http")]
    pub allow_remote: bool,
    /// How many create_job and send_message calls this server makes in its life; past it they
    /// are refused (Mintlify's own limit is 100 per project per hour).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_creations: u32,
}

/// The bearer token's variable.
const TOKEN_VAR: &str = "MINTLIFY_MCP_TOKEN";

/// Settings refused before anything starts (before the key is read: on stdio, standard input
/// is the protocol and cannot also hold the key).
pub fn check(args: &McpArgs, api_key_stdin: bool) -> Result<(), Failure> {
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
pub async fn serve(client: Client, wait: WaitOptions, args: McpArgs) -> Result<(), Failure> {
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
    let server = server::Server::new(client, wait, args.max_creations);
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
                "mintlify-agent mcp: serving Streamable HTTP on http://{local}/mcp ({summary}{guarded})"
            ));
            http::serve(server, listener, remote, token)
                .await
                .map_err(|e| Failure::Output(format!("the HTTP server stopped: {e}")))
        }
    }
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
