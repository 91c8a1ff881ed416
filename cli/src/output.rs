//! What the commands print: plain lines for people, JSON for scripts, a spinner on a terminal.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use mintlify_agent::stream::AgentEvent;
use mintlify_agent::v1::types::AgentSession;
use mintlify_agent::v2::types::AgentJob;
use serde_json::{Value, json};

/// Where and how output goes.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    /// JSON instead of text.
    pub json: bool,
    /// Decoration (a spinner) only on a terminal and never with JSON.
    pub decorate: bool,
}

impl Printer {
    pub fn new(json: bool) -> Self {
        Self {
            json,
            decorate: !json && std::io::stderr().is_terminal(),
        }
    }

    /// One JSON object, or `human` as a line.
    pub fn value(&self, json: &Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{json}");
        } else {
            println!("{}", human());
        }
    }

    pub fn job(&self, job: &AgentJob) {
        self.value(&json!(job), || describe_job(job));
    }

    pub fn session(&self, session: &AgentSession) {
        self.value(&json!(session), || describe_session(session));
    }

    /// A spinner showing `message` and the time elapsed, when decorating.
    pub fn spinner(&self, message: String) -> Spinner {
        if !self.decorate {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }
}

/// A spinner, or nothing.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    pub fn set(&self, message: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

pub fn status_of(job: &AgentJob) -> &str {
    job.status.as_ref().map_or("unknown", |s| s.as_str())
}

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

/// Prints an event of a live run for a person: text as it comes, tools and todos as short lines.
pub struct LiveRun {
    mid_line: bool,
}

impl LiveRun {
    pub fn new() -> Self {
        Self { mid_line: false }
    }

    pub fn show(&mut self, event: &AgentEvent) {
        let mut out = std::io::stdout().lock();
        let line = match event {
            AgentEvent::TextDelta { delta, .. } => {
                let _ = out.write_all(delta.as_bytes());
                let _ = out.flush();
                self.mid_line = !delta.ends_with('\n');
                return;
            }
            AgentEvent::ToolInputAvailable {
                tool_name, input, ..
            } => format!("→ {tool_name} {}", short(input.get())),
            AgentEvent::ToolOutputError { error_text, .. } => {
                format!("✗ tool failed: {error_text}")
            }
            AgentEvent::Data { name, data, .. } if name == "todos" => todos_line(&data.to_value()),
            AgentEvent::Error { error_text } => format!("✗ {error_text}"),
            _ => return,
        };
        if std::mem::take(&mut self.mid_line) {
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "{line}");
    }

    pub fn end(&mut self) {
        if std::mem::take(&mut self.mid_line) {
            println!();
        }
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
