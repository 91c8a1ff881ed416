//! `session run|get|list`: v1 agent sessions (deprecated by Mintlify), a run streamed live.

use std::time::Duration;

use futures::StreamExt;
use mintlify_agent::stream::StreamError;
use mintlify_agent::v1::types::{
    CreateJobRequest, HaltReason, Message, MessageRole, Model as ApiModel,
};
use mintlify_agent::{Error, RetryPolicy};
use serde_json::{Value, json};

use super::{Context, seen, show_poll, wait_options};
use crate::args::{Model, SessionCommand};
use crate::input::{self, PromptSource};
use crate::outcome::Failure;
use crate::outcome::progress::{Kind, Progress};
use crate::output::live::LiveRun;
use crate::output::{as_sent, describe_session};
use crate::report::actions;

/// `session …`
pub async fn run(context: &Context, command: SessionCommand) -> Result<(), Failure> {
    let v1 = context.client.v1();
    match command {
        SessionCommand::Run {
            message,
            file,
            timeout,
            branch,
            model,
            draft,
            system,
        } => {
            let source = match file.as_deref() {
                Some(path) => PromptSource::File(path),
                None => PromptSource::Words(&message),
            };
            let task = input::prompt(source, "the task (MESSAGE)", context.stdin_taken).await?;
            tracing::trace!(%task, "starting a run");
            actions::asked(&task);
            let mut messages = Vec::new();
            if let Some(system) = system {
                messages.push(Message {
                    role: MessageRole::System,
                    content: system,
                });
            }
            messages.push(Message {
                role: MessageRole::User,
                content: task,
            });
            let mut request = CreateJobRequest::builder()
                .messages(messages)
                .as_draft(draft);
            if let Some(branch) = branch {
                request = request.branch(Some(branch));
            }
            if let Some(model) = model {
                request = request.model(match model {
                    Model::Sonnet => ApiModel::Sonnet,
                    Model::Opus => ApiModel::Opus,
                });
            }
            run_session(context, request, timeout).await
        }
        SessionCommand::Get { id } => {
            let id = input::id(&id, "the session id (ID)")?;
            let reply = v1.get_job_with_response(id).await?;
            actions::saw_session(reply.value());
            Ok(context.printer.session(&reply)?)
        }
        SessionCommand::List { limit } if context.printer.json => {
            // Page by page, each session as the server sent it (unknown fields and nulls kept).
            let mut sessions = Vec::new();
            while sessions.len() < limit {
                let take = (limit - sessions.len()).min(100) as u64;
                let reply = v1
                    .list_jobs_with_response(sessions.len() as u64, take)
                    .await?;
                // The typed reading of this body already succeeded: it is JSON.
                let mut page: Value = serde_json::from_slice(reply.body()).unwrap_or(Value::Null);
                let items = match page.get_mut("allSessions").map(Value::take) {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                let last_page = (items.len() as u64) < take;
                sessions.extend(items);
                if last_page {
                    break;
                }
            }
            sessions.truncate(limit);
            Ok(context
                .printer
                .json_line(&json!({ "sessions": sessions }))?)
        }
        SessionCommand::List { limit } => {
            let page = limit.clamp(1, 100) as u64;
            let sessions: Vec<_> = v1.list_all(page).take(limit).collect().await;
            let sessions = sessions.into_iter().collect::<Result<Vec<_>, Error>>()?;
            {
                for session in &sessions {
                    context.printer.text_line(&describe_session(session))?;
                }
                Ok(())
            }
        }
    }
}

/// Streams a run live, then waits for the session's outcome (also after a broken stream).
async fn run_session(
    context: &Context,
    request: mintlify_agent::v1::types::builder::CreateJobRequest,
    timeout: Option<Duration>,
) -> Result<(), Failure> {
    let v1 = context.client.v1();
    let printer = &context.printer;
    context.progress.set(Progress::Creating(Kind::Session));
    let mut run = v1.create_job(request).await?;
    let Some(id) = run.session_id().map(str::to_owned) else {
        // The run goes on, but without its id nothing can follow it: the hint says where to look.
        return Err(Failure::Protocol(
            "the server started a run without a session id (no X-Session-Id header)".to_owned(),
        ));
    };
    context.progress.set(Progress::Session(id.clone()));
    printer.note(&format!(
        "session {id} on branch {}",
        run.branch().unwrap_or("?")
    ));
    let mut live = LiveRun::default();
    while let Some(event) = run.next().await {
        match event {
            Ok(event) if printer.json => printer.json_line(&event)?,
            Ok(event) => live.show(&event)?,
            Err(StreamError::Transport { source }) => {
                let message = format!("the stream broke off ({source})");
                if printer.json {
                    printer.json_line(
                        &json!({ "type": "stream-broken", "message": message, "sessionId": id }),
                    )?;
                } else {
                    live.end()?;
                    printer.note(&format!("{message}; waiting for the session to end"));
                }
            }
            Err(error) if printer.json => {
                printer.json_line(&json!({ "type": "skipped", "message": error.to_string() }))?
            }
            Err(error) => printer.note(&format!("skipped an event: {error}")),
        }
    }
    if !printer.json {
        live.end()?;
    }
    let polls = context.client.with_retry_policy(RetryPolicy::disabled());
    let spinner = printer.spinner(&format!("{id}: waiting for the outcome"));
    let reply = polls
        .v1()
        .wait_for_session_observed(&id, &wait_options(context, timeout), |event| {
            show_poll(context, &spinner, &id, seen(event, |_| "running"))
        })
        .await;
    drop(spinner);
    let reply = reply?;
    actions::saw_session(reply.value());
    if printer.json {
        printer.json_line(&json!({ "type": "outcome", "session": as_sent(&reply) }))?;
    } else {
        printer.text_line(&describe_session(reply.value()))?;
    }
    match reply.value().hault_reason {
        Some(HaltReason::Completed) => Ok(()),
        _ => Err(Failure::JobFailed),
    }
}
