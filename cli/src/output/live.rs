//! A live v1 run for a person: text as it arrives, tool calls and todos as short lines, and how
//! the run ended when it was not a normal stop.

use mintlify_agent::stream::AgentEvent;
use serde_json::Value;

use super::sink::{WriteError, out, out_line};
use super::terminal::clean;

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
    pub fn show(&mut self, event: &AgentEvent) -> Result<(), WriteError> {
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
        out_line(&clean(&line))
    }

    /// Ends the text in progress, and says how the run ended if it did not stop normally.
    pub fn end(&mut self) -> Result<(), WriteError> {
        self.break_line()?;
        match self.ending.take() {
            Some(ending) => out_line(&clean(&format!("✗ {ending}"))),
            None => Ok(()),
        }
    }

    fn break_line(&mut self) -> Result<(), WriteError> {
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
