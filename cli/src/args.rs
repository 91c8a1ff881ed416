//! The command line, as clap reads it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0    success (a job that completed)
  1    the job failed or was archived, or a v1 session ended in an error
  2    usage error: a wrong command line (clap's own), a missing or invalid key, project,
       base URL, id or prompt; nothing was sent
  3    the API refused the request (4xx: bad request, key, permission, not found; a redirect)
  4    transient failure: server error, rate limit, connection, timeout, a wait's deadline,
       or standard output could not be written
  5    the connection cannot succeed as configured: the server's TLS certificate is not
       trusted (a private CA: SSL_CERT_FILE=/path/to/ca.pem, or the system store), not valid
       for the host, or expired; or the proxy wants credentials. Not retried; nothing was sent
  130  interrupted (Ctrl-C); says whether anything was started, and how to resume
  141  standard output was closed by its reader (`| head`): the command stops quietly, as
       a process killed by SIGPIPE does
After a job or session was created, every error names its id and the command to resume with.

Environment:
  MINTLIFY_API_KEY              admin API key (mint_…); never given as a flag
  MINTLIFY_PROJECT_ID           project id (or --project)
  MINTLIFY_BASE_URL             API base URL (or --base-url)
  MINTLIFY_ALLOW_INSECURE_HTTP  1: allow a plain http:// base URL off loopback
  MINTLIFY_NO_HISTORY           1: do not record started jobs in the local history
  XDG_STATE_HOME                where the history lives (default ~/.local/state)
  MINTLIFY_LOG                  log filter in tracing's syntax (debug, mintlify_agent=trace);
                                logs go to standard error and never hold the key
  SSL_CERT_FILE, SSL_CERT_DIR   trusted roots instead of the system store (a private CA)
  HTTPS_PROXY, NO_PROXY         the proxy, and hosts that bypass it";

/// Drive Mintlify's documentation agent from a terminal or a CI script.
///
/// Try it with no key: `mintlify-agent --fake job create "Add a quickstart" --wait`.
#[derive(Debug, Parser)]
#[command(name = "mintlify-agent", version, about, long_about = None, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options of every command.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// API base URL.
    #[arg(long, global = true, env = "MINTLIFY_BASE_URL", value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Project id.
    #[arg(long, global = true, env = "MINTLIFY_PROJECT_ID", value_name = "ID")]
    pub(crate) project: Option<String>,
    /// Read the admin API key from standard input instead of MINTLIFY_API_KEY.
    #[arg(long, global = true)]
    pub(crate) api_key_stdin: bool,
    /// Print JSON: one object per command, or JSON lines of events for `session run`.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Run against a local fake Mintlify server started in-process (no key needed; needs the
    /// `fake` feature, on by default).
    #[arg(long, global = true)]
    pub(crate) fake: bool,
    /// Log each request to standard error: method, path, status, time, request id, retries,
    /// proxy (-vv: also what was sent at trace level, prompts included; -vvv: every library's
    /// trace). MINTLIFY_LOG takes tracing's filter syntax instead (e.g. MINTLIFY_LOG=debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Allow a plain http:// base URL off loopback: the key then travels in clear text.
    #[arg(
        long,
        global = true,
        env = "MINTLIFY_ALLOW_INSECURE_HTTP",
        action = clap::ArgAction::SetTrue,
        // `1`, `true`, `yes` allow; `0`, `false`, `no`, `off` or empty do not.
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub(crate) allow_insecure_http: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// v2 agent jobs: create, read, follow up, wait.
    #[command(subcommand)]
    Job(JobCommand),
    /// v1 agent sessions (deprecated by Mintlify): run with a live stream, read, list.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Check the key, project and base URL without creating anything.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Serve the Model Context Protocol (stdio, or Streamable HTTP with --http), so that AI
    /// coding agents can hand documentation work to Mintlify's agent.
    #[cfg(feature = "mcp")]
    Mcp(crate::mcp::McpArgs),
    /// Print a shell completion script, e.g. `mintlify-agent completions bash > ~/.local/share/bash-completion/completions/mintlify-agent`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `auth …`
#[derive(Debug, Subcommand)]
pub(crate) enum AuthCommand {
    /// Check the key's shape, the project and the base URL, then ask the server something that
    /// costs nothing (a job that cannot exist): key accepted (exit 0), refused or unknown
    /// project (exit 3), or unreachable with the cause (exit 4, or 5). Never creates a job.
    Check,
}

impl Command {
    /// The command as typed, without its arguments: `job create`.
    pub(crate) fn name(&self) -> String {
        let sub = match self {
            Command::Job(command) => match command {
                JobCommand::Create { .. } => "create",
                JobCommand::Get { .. } => "get",
                JobCommand::Message { .. } => "message",
                JobCommand::Wait { .. } => "wait",
                JobCommand::List(_) => "list",
            },
            Command::Session(command) => match command {
                SessionCommand::Run { .. } => "run",
                SessionCommand::Get { .. } => "get",
                SessionCommand::List { .. } => "list",
            },
            Command::Auth(AuthCommand::Check) => "check",
            Command::Completions { .. } => "",
            #[cfg(feature = "mcp")]
            Command::Mcp(_) => "",
        };
        match self {
            Command::Job(_) => format!("job {sub}"),
            Command::Session(_) => format!("session {sub}"),
            Command::Auth(_) => format!("auth {sub}"),
            Command::Completions { .. } => "completions".to_owned(),
            #[cfg(feature = "mcp")]
            Command::Mcp(_) => "mcp".to_owned(),
        }
    }
}

/// `job …`
#[derive(Debug, Subcommand)]
pub(crate) enum JobCommand {
    /// Start a job; with --wait, wait until it finishes.
    Create {
        /// What the agent should do; `-` reads it from standard input.
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        prompt: Option<String>,
        /// Read the prompt from this file (for prompts longer than a command line takes).
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// List the jobs this machine started for this base URL and project, newest first, from
    /// the local history ($XDG_STATE_HOME/mintlify-agent/history.jsonl; v2 has no list
    /// endpoint). Needs no key.
    List(ListArgs),
    /// Show a job.
    Get {
        /// The job id.
        id: String,
    },
    /// Send a follow-up to a job; with --wait, wait until it finishes.
    Message {
        /// The job id.
        id: String,
        /// The follow-up instruction; `-` reads it from standard input.
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        prompt: Option<String>,
        /// Read the follow-up from this file.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Wait until a job finishes.
    Wait {
        /// The job id.
        #[arg(required_unless_present = "last")]
        id: Option<String>,
        /// Wait for the newest job this machine started for this base URL and project (from
        /// the local history).
        #[arg(long, conflicts_with = "id")]
        last: bool,
        /// Give up after this long (e.g. 90s, 10m).
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        timeout: Option<Duration>,
    },
}

/// `job list`
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// How many to show at most.
    #[arg(long, default_value_t = 20)]
    pub(crate) limit: usize,
}

/// `--wait [--timeout D]`
#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// Wait until the job finishes.
    #[arg(long)]
    pub(crate) wait: bool,
    /// With --wait: give up after this long (e.g. 90s, 10m).
    #[arg(long, requires = "wait", value_parser = parse_duration, value_name = "DURATION")]
    pub(crate) timeout: Option<Duration>,
}

/// `session …`
#[derive(Debug, Subcommand)]
pub(crate) enum SessionCommand {
    /// Start a v1 run and stream it live: text as it arrives, tool calls and todos as lines.
    Run {
        /// The task, as one or more words; `-` reads it from standard input.
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        message: Vec<String>,
        /// Read the task from this file.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// Give up waiting for the session's outcome after the stream after this long.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        timeout: Option<Duration>,
        /// The branch to work on (created if missing).
        #[arg(long)]
        branch: Option<String>,
        /// The model.
        #[arg(long, value_enum)]
        model: Option<Model>,
        /// Open the pull request as a draft.
        #[arg(long)]
        draft: bool,
        /// Extra instructions, after Mintlify's own system prompt.
        #[arg(long, value_name = "TEXT")]
        system: Option<String>,
    },
    /// Show a session.
    Get {
        /// The session id.
        id: String,
    },
    /// List sessions, newest first.
    List {
        /// How many to show at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

/// The v1 models.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Model {
    /// Faster and cheaper.
    Sonnet,
    /// More capable, slower.
    Opus,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (try 90s or 10m)"))
}
