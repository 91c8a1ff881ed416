//! What the commands print: plain lines for people (made safe for a terminal), JSON for scripts
//! (objects as the server sent them), a spinner on a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use mintlify_agent::Response;
use mintlify_agent::stream::AgentEvent;
use mintlify_agent::v1::types::AgentSession;
use mintlify_agent::v2::types::AgentJob;
use serde::Serialize;
use serde_json::{Value, json};

use crate::outcome::Failure;
use crate::sink::{err_line, out, out_line};
use crate::terminal::clean;

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
    pub fn json_line(&self, value: &impl serde::Serialize) -> Result<(), Failure> {
        Ok(out_line(&crate::terminal::json(value))?)
    }

    /// A line for people, with control characters shown rather than obeyed.
    pub fn text_line(&self, line: &str) -> Result<(), Failure> {
        Ok(out_line(&clean(line))?)
    }

    /// A note on standard error for people; nothing with `--json`, whose standard error holds
    /// only the error object.
    pub fn note(&self, line: &str) {
        if !self.json {
            err_line(&clean(line));
        }
    }

    /// A job: the object as the server sent it, or a line.
    pub fn job(&self, reply: &Response<AgentJob>) -> Result<(), Failure> {
        crate::github::saw_job(reply.value());
        crate::history::seen(reply.value());
        if self.json {
            self.json_line(&as_sent(reply))
        } else {
            self.text_line(&describe_job(reply.value()))
        }
    }

    /// A session: the object as the server sent it, or a line.
    pub fn session(&self, reply: &Response<AgentSession>) -> Result<(), Failure> {
        crate::github::saw_session(reply.value());
        if self.json {
            self.json_line(&as_sent(reply))
        } else {
            self.text_line(&describe_session(reply.value()))
        }
    }

    /// A spinner showing `message` and the time elapsed, when decorating.
    pub fn spinner(&self, message: &str) -> Spinner {
        if !self.decorate {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(clean(message).into_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }
}

/// The reply's body as the server sent it, every field kept (unknown ones and `null`s too);
/// the typed value only if the body is not JSON, which a successful reply always is.
pub fn as_sent<T: Serialize>(reply: &Response<T>) -> Value {
    serde_json::from_slice(reply.body()).unwrap_or_else(|_| json!(reply.value()))
}

/// A spinner, or nothing.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Shows `message` (made safe for the terminal).
    pub fn set(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(clean(message).into_owned());
        }
    }

    /// Whether it is shown (else progress goes to standard error as lines).
    pub fn shown(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
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

/// Prints the events of a live run for a person: text as it comes, tools and todos as short
/// lines, and how the run ended when it was not a normal stop.
#[derive(Default)]
pub struct LiveRun {
    mid_line: bool,
    /// How the run ended when that was not a normal stop.
    ending: Option<String>,
}

impl LiveRun {
    /// Prints one event.
    pub fn show(&mut self, event: &AgentEvent) -> Result<(), Failure> {
        if let Some(ending) = ending_of(event) {
            self.ending = Some(ending);
        }
        let line = match event {
            AgentEvent::TextDelta { delta, .. } => {
                out(&clean(delta))?;
                self.mid_line = !delta.ends_with('\n');
                return Ok(());
            }
            AgentEvent::ToolInputAvailable {
                tool_name, input, ..
            } => format!(
                "→ {tool_name} {}",
                short(input.as_ref().map_or("", |input| input.get()))
            ),
            AgentEvent::ToolOutputError { error_text, .. } => {
                format!("✗ tool failed: {error_text}")
            }
            AgentEvent::Data {
                name,
                data: Some(data),
                ..
            } if name == "todos" => todos_line(&data.to_value()),
            AgentEvent::Error { error_text } => format!("✗ {error_text}"),
            _ => return Ok(()),
        };
        self.break_line()?;
        Ok(out_line(&clean(&line))?)
    }

    /// Ends the text in progress, and says how the run ended if it did not stop normally.
    pub fn end(&mut self) -> Result<(), Failure> {
        self.break_line()?;
        match self.ending.take() {
            Some(ending) => Ok(out_line(&clean(&format!("✗ {ending}")))?),
            None => Ok(()),
        }
    }

    fn break_line(&mut self) -> Result<(), Failure> {
        if std::mem::take(&mut self.mid_line) {
            out("\n")?;
        }
        Ok(())
    }
}

/// How an event says the run ended, when not by a normal stop: aborted, or finished for a
/// reason other than `stop` (`length`, `error`, …).
pub fn ending_of(event: &AgentEvent) -> Option<String> {
    match event {
        AgentEvent::Abort { reason } => Some(match reason {
            Some(reason) => format!("the run was aborted: {reason}"),
            None => "the run was aborted".to_owned(),
        }),
        AgentEvent::Finish {
            finish_reason: Some(reason),
            ..
        } if reason != "stop" => Some(format!("the run ended early (finish reason {reason})")),
        _ => None,
    }
}

fn short(text: &str) -> String {
    let mut short: String = text.chars().take(100).collect();
    if text.chars().count() > 100 {
        short.push('…');
    }
    short
}

fn todos_line(todos: &Value) -> String {
    let items = todos.as_array().map(Vec::as_slice).unwrap_or_default();
    let done = items.iter().filter(|t| t["status"] == "completed").count();
    let current = items
        .iter()
        .find(|t| t["status"] == "in_progress")
        .and_then(|t| t["content"].as_str());
    match current {
        Some(current) => format!("☐ todos {done}/{}: {current}", items.len()),
        None => format!("☑ todos {done}/{}", items.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_did_not_stop_normally_says_how_it_ended() {
        let finish = |reason: &str| AgentEvent::Finish {
            finish_reason: Some(reason.to_owned()),
            metadata: None,
        };
        assert_eq!(ending_of(&finish("stop")), None);
        assert_eq!(
            ending_of(&finish("length")).as_deref(),
            Some("the run ended early (finish reason length)")
        );
        assert_eq!(
            ending_of(&AgentEvent::Abort { reason: None }).as_deref(),
            Some("the run was aborted")
        );
        assert_eq!(
            ending_of(&AgentEvent::Abort {
                reason: Some("user".to_owned())
            })
            .as_deref(),
            Some("the run was aborted: user")
        );
    }
}
