//! What the commands print: plain lines for people (made safe for a terminal), JSON for scripts
//! (objects as the server sent them), a spinner on a terminal.
//!
//! - `sink.rs`: standard output through one handle (a closed pipe ends the command quietly)
//!   and standard error; `guard.rs`: in GitHub Actions, no line they write is a workflow
//!   command; `terminal.rs`: server text made safe for a terminal.
//! - `spinner.rs`, `live.rs` (a v1 run as it streams), `logging.rs` (`-v`, `MINTLIFY_LOG`).
//!
//! The printer only prints: what a command records about what it saw (Actions outputs, the
//! history) is the command's call to `crate::report`.

pub(crate) mod guard;
pub(crate) mod live;
pub(crate) mod logging;
pub(crate) mod sink;
pub(crate) mod spinner;
pub(crate) mod terminal;

use std::io::IsTerminal;

use mintlify_agent::Response;
use mintlify_agent::v1::types::AgentSession;
use mintlify_agent::v2::types::AgentJob;
use serde::Serialize;
use serde_json::{Value, json};

use self::sink::{WriteError, err_line, out_line};
use self::spinner::Spinner;
use self::terminal::clean;

/// Where and how output goes.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    /// JSON instead of text.
    pub json: bool,
    /// Decoration (a spinner) only on a terminal and never with JSON.
    pub decorate: bool,
}

impl Printer {
    /// Text or JSON; a spinner when standard error is a terminal.
    pub fn new(json: bool) -> Self {
        Self {
            json,
            decorate: !json && std::io::stderr().is_terminal(),
        }
    }

    /// One JSON object as a line.
    pub fn json_line(&self, value: &impl serde::Serialize) -> Result<(), WriteError> {
        out_line(&terminal::json(value))
    }

    /// A line for people, with control characters shown rather than obeyed.
    pub fn text_line(&self, line: &str) -> Result<(), WriteError> {
        out_line(&clean(line))
    }

    /// A note on standard error for people; nothing with `--json`, whose standard error holds
    /// only the error object.
    pub fn note(&self, line: &str) {
        if !self.json {
            err_line(&clean(line));
        }
    }

    /// A job: the object as the server sent it, or a line.
    pub fn job(&self, reply: &Response<AgentJob>) -> Result<(), WriteError> {
        if self.json {
            self.json_line(&as_sent(reply))
        } else {
            self.text_line(&describe_job(reply.value()))
        }
    }

    /// A session: the object as the server sent it, or a line.
    pub fn session(&self, reply: &Response<AgentSession>) -> Result<(), WriteError> {
        if self.json {
            self.json_line(&as_sent(reply))
        } else {
            self.text_line(&describe_session(reply.value()))
        }
    }

    /// A spinner showing `message` and the time elapsed, when decorating.
    pub fn spinner(&self, message: &str) -> Spinner {
        Spinner::new(self.decorate, message)
    }
}

/// The reply's body as the server sent it, every field kept (unknown ones and `null`s too);
/// the typed value only if the body is not JSON, which a successful reply always is.
pub fn as_sent<T: Serialize>(reply: &Response<T>) -> Value {
    serde_json::from_slice(reply.body()).unwrap_or_else(|_| json!(reply.value()))
}

/// A job's status as the server wrote it.
pub fn status_of(job: &AgentJob) -> &str {
    job.status.as_ref().map_or("unknown", |s| s.as_str())
}

/// A job as one line: id, status, pull request, branch.
pub fn describe_job(job: &AgentJob) -> String {
    let mut line = format!("{}  {}", job.id, status_of(job));
    if let Some(link) = &job.pr_link {
        line.push_str(&format!("  {link}"));
    }
    if let Some(branch) = job.source.as_ref().and_then(|s| s.ref_.as_deref()) {
        line.push_str(&format!("  (branch {branch})"));
    }
    line
}

/// A session as one line: id, why it halted, pull request, title.
pub fn describe_session(session: &AgentSession) -> String {
    let reason = session
        .hault_reason
        .as_ref()
        .map_or("unknown", |r| r.as_str());
    let mut line = format!("{}  {reason}", session.session_id);
    if let Some(link) = &session.pull_request_link {
        line.push_str(&format!("  {link}"));
    }
    if let Some(title) = &session.title {
        line.push_str(&format!("  {title}"));
    }
    line
}
