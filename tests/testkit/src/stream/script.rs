//! A realistic agent run for a task: it plans with todos, reads a page, writes one, and reports
//! the pull request, the way Mintlify's agent works through a docs change.

use serde::Serialize;
use serde_json::value::{RawValue, to_raw_value};

use super::event::{RunEvent, Usage};
use crate::store::Todo;

/// What the run is about and how it ends.
pub struct Task<'a> {
    /// The user's request (the last `user` message).
    pub request: &'a str,
    /// The id of the streamed message.
    pub message_id: &'a str,
    /// The pull request the run ends with; `None` when it fails.
    pub pull_request: Option<&'a str>,
}

fn raw(value: &impl Serialize) -> Box<RawValue> {
    to_raw_value(value).expect("todos and JSON values always serialize")
}

fn todos(statuses: [&str; 3]) -> Box<RawValue> {
    let items = [
        "Read the existing pages",
        "Write the change",
        "Open a pull request",
    ];
    let todos: Vec<Todo> = items
        .iter()
        .zip(statuses)
        .enumerate()
        .map(|(i, (content, status))| Todo {
            id: (i + 1).to_string(),
            content: (*content).to_owned(),
            status: status.to_owned(),
            priority: if i == 0 { "medium" } else { "high" }.to_owned(),
        })
        .collect();
    raw(&todos)
}

fn usage(prompt_tokens: u64, completion_tokens: u64) -> Usage {
    Usage {
        prompt_tokens,
        completion_tokens,
    }
}

/// The events of a run for `task`.
pub fn agent_run(task: &Task<'_>) -> Vec<RunEvent> {
    let page = "docs/quickstart.mdx";
    let content = format!("---\ntitle: Quickstart\n---\n\n{}\n", task.request);
    let edit_input = serde_json::json!({ "path": page, "content": content });
    let edit_json = edit_input.to_string();
    let (first, second) = edit_json.split_at(edit_json.len() / 2);

    let mut events = vec![
        RunEvent::Start {
            message_id: task.message_id.to_owned(),
        },
        RunEvent::StepStart,
        RunEvent::Reasoning {
            id: "reasoning_1".to_owned(),
            deltas: vec![
                "The user asks: ".to_owned(),
                task.request.to_owned(),
                ". I will read the introduction, then write the page.".to_owned(),
            ],
        },
        RunEvent::Data {
            name: "todos".to_owned(),
            id: "todos".to_owned(),
            data: todos(["in_progress", "pending", "pending"]),
        },
        RunEvent::Text {
            id: "text_1".to_owned(),
            deltas: vec![
                "I'll take care of that. ".to_owned(),
                "First, a look at the docs.".to_owned(),
            ],
        },
        RunEvent::ToolCall {
            tool_call_id: "call_1".to_owned(),
            tool_name: "read_file".to_owned(),
            input_deltas: vec![
                "{\"path\":".to_owned(),
                "\"docs/introduction.mdx\"}".to_owned(),
            ],
            input: raw(&serde_json::json!({ "path": "docs/introduction.mdx" })),
            output: raw(
                &serde_json::json!({ "content": "---\ntitle: Introduction\n---\n\nWelcome." }),
            ),
        },
        RunEvent::StepFinish {
            finish_reason: "tool-calls".to_owned(),
            usage: usage(1800, 90),
        },
        RunEvent::StepStart,
        RunEvent::Data {
            name: "todos".to_owned(),
            id: "todos".to_owned(),
            data: todos(["completed", "in_progress", "pending"]),
        },
        RunEvent::ToolCall {
            tool_call_id: "call_2".to_owned(),
            tool_name: "edit_file".to_owned(),
            input_deltas: vec![first.to_owned(), second.to_owned()],
            input: raw(&edit_input),
            output: raw(&serde_json::json!({ "success": true })),
        },
        RunEvent::StepFinish {
            finish_reason: "tool-calls".to_owned(),
            usage: usage(2400, 310),
        },
        RunEvent::StepStart,
    ];
    match task.pull_request {
        Some(link) => {
            events.push(RunEvent::Data {
                name: "todos".to_owned(),
                id: "todos".to_owned(),
                data: todos(["completed", "completed", "completed"]),
            });
            events.push(RunEvent::Text {
                id: "text_2".to_owned(),
                deltas: vec![
                    format!("I wrote {page} and opened a pull request: "),
                    link.to_owned(),
                ],
            });
            // `#length` in the task: the model ran out of tokens on its last step.
            let reason = if task.request.contains("#length") {
                "length"
            } else {
                "stop"
            };
            events.push(RunEvent::StepFinish {
                finish_reason: reason.to_owned(),
                usage: usage(2700, 60),
            });
            events.push(RunEvent::Finish {
                finish_reason: reason.to_owned(),
                usage: usage(6900, 460),
            });
        }
        None => {
            events.push(RunEvent::Error {
                message: "The agent could not push its branch.".to_owned(),
            });
            events.push(RunEvent::Finish {
                finish_reason: "error".to_owned(),
                usage: usage(4200, 400),
            });
        }
    }
    events
}

/// The text the user sees at the end of a run (the session's `messageToUser`): the last text part.
pub fn closing_text(events: &[RunEvent]) -> Option<String> {
    events.iter().rev().find_map(|event| match event {
        RunEvent::Text { deltas, .. } => Some(deltas.concat()),
        _ => None,
    })
}
