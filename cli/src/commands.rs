//! The commands, each a function from its arguments to what it prints.

use std::time::Duration;

use futures::StreamExt;
use mintlify_agent::stream::StreamError;
use mintlify_agent::v1::types::{
    CreateJobRequest, HaltReason, Message, MessageRole, Model as ApiModel,
};
use mintlify_agent::{Client, Error, JobOutcome, PollEvent, RetryPolicy, WaitOptions};
use serde_json::{Value, json};

use crate::args::{JobCommand, Model, SessionCommand};
use crate::input::{self, PromptSource};
use crate::outcome::Failure;
use crate::output::{LiveRun, Printer, Spinner, describe_session, status_of};
use crate::progress::{Kind, Progress, Tracker};

/// A wait's deadline when the user gives none (the library's default).
const DEFAULT_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// What a command needs, and where it records what it set in motion (for errors and Ctrl-C).
pub struct Context {
    /// The API client.
    pub client: Client,
    /// Where output goes.
    pub printer: Printer,
    /// How often waits poll (the deadline is each command's own).
    pub wait: WaitOptions,
    /// What has been started.
    pub progress: Tracker,
    /// The key comes from standard input, so a prompt cannot.
    pub stdin_taken: bool,
}

/// `job …`
pub async fn job(context: &Context, command: JobCommand) -> Result<(), Failure> {
    let v2 = context.client.v2();
    match command {
        JobCommand::Create { prompt, file, wait } => {
            let prompt = read_prompt(context, prompt, file.as_deref(), "PROMPT").await?;
            tracing::trace!(%prompt, "creating a job");
            crate::github::asked(&prompt);
            context.progress.set(Progress::Creating(Kind::Job));
            let reply = v2.create_job_with_response(prompt.clone()).await?;
            crate::history::started("create", reply.value(), &prompt);
            let id = reply.value().id.clone();
            context.progress.set(Progress::Job(id.clone()));
            if !wait.wait {
                return context.printer.job(&reply);
            }
            wait_job(context, &id, wait.timeout).await
        }
        JobCommand::Get { id } => {
            let id = input::id(&id, "the job id (ID)")?;
            context.printer.job(&v2.get_job_with_response(id).await?)
        }
        JobCommand::Message {
            id,
            prompt,
            file,
            wait,
        } => {
            let id = input::id(&id, "the job id (ID)")?;
            let prompt = read_prompt(context, prompt, file.as_deref(), "PROMPT").await?;
            tracing::trace!(%prompt, job = id, "sending a message");
            crate::github::asked(&prompt);
            context.progress.set(Progress::Messaging(id.to_owned()));
            let reply = v2.send_message_with_response(id, prompt.clone()).await?;
            crate::history::started("message", reply.value(), &prompt);
            context.progress.set(Progress::Job(id.to_owned()));
            if !wait.wait {
                return context.printer.job(&reply);
            }
            wait_job(context, id, wait.timeout).await
        }
        // Run by `main` before a client is built: it needs none.
        JobCommand::List(_) => Ok(()),
        JobCommand::Wait { id, timeout, .. } => {
            // Without an id, clap has made sure that --last was given.
            let newest = match id {
                Some(id) => id,
                None => last_job(context)?,
            };
            let id = input::id(&newest, "the job id (ID)")?;
            context.progress.set(Progress::Job(id.to_owned()));
            wait_job(context, id, timeout).await
        }
    }
}

/// `job list`: the local history's jobs for this base URL and project; no request is made.
pub fn list_jobs(
    global: &crate::args::Global,
    printer: Printer,
    args: &crate::args::ListArgs,
) -> Result<(), Failure> {
    let project = global.project.as_deref().ok_or_else(|| {
        Failure::Usage("no project: set MINTLIFY_PROJECT_ID or --project".to_owned())
    })?;
    let base_url = crate::history::normalized_base_url(
        global
            .base_url
            .as_deref()
            .unwrap_or(mintlify_agent::DEFAULT_BASE_URL),
    );
    let mut jobs = crate::history::jobs(&base_url, project);
    jobs.truncate(args.limit);
    if printer.json {
        return printer.json_line(&json!({ "jobs": jobs }));
    }
    if jobs.is_empty() {
        printer.note(&format!(
            "no jobs started from this machine for project {project} at {base_url}"
        ));
    }
    for job in &jobs {
        printer.text_line(&format!(
            "{}  {}  {}  {}",
            job.id,
            job.status.as_deref().unwrap_or("unknown"),
            job.started_at,
            job.prompt.as_deref().unwrap_or("")
        ))?;
    }
    Ok(())
}

/// The newest job of the history for this client's base URL and project (`job wait --last`).
fn last_job(context: &Context) -> Result<String, Failure> {
    let (base_url, project) = (context.client.base_url(), context.client.project_id());
    crate::history::jobs(base_url, project)
        .into_iter()
        .next()
        .map(|job| job.id)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--last: the history holds no job for project {project} at {base_url}                  (see: mintlify-agent job list)"
            ))
        })
}

/// The prompt from the argument (`-`: standard input) or `--file`.
async fn read_prompt(
    context: &Context,
    prompt: Option<String>,
    file: Option<&std::path::Path>,
    name: &str,
) -> Result<String, Failure> {
    let words: Vec<String> = prompt.into_iter().collect();
    let source = match file {
        Some(path) => PromptSource::File(path),
        None => PromptSource::Words(&words),
    };
    input::prompt(source, name, context.stdin_taken).await
}

/// Waits for a job with a spinner showing its status (or why polls fail); prints the final job.
async fn wait_job(context: &Context, id: &str, timeout: Option<Duration>) -> Result<(), Failure> {
    // The wait is the retry: each failed poll is shown, then polled again on schedule.
    let polls = context.client.with_retry_policy(RetryPolicy::disabled());
    let spinner = context.printer.spinner(&format!("{id}: waiting"));
    let reply = polls
        .v2()
        .wait_observed(id, &wait_options(context, timeout), |event| {
            show_poll(context, &spinner, id, seen(event, status_of))
        })
        .await;
    drop(spinner);
    let reply = reply?;
    let completed = matches!(reply.value(), JobOutcome::Completed(_));
    context.printer.job(&reply.map(JobOutcome::into_job))?;
    if completed {
        Ok(())
    } else {
        Err(Failure::JobFailed)
    }
}

/// How a command's wait polls: the client's pace, and the user's timeout (else 30 minutes).
fn wait_options(context: &Context, timeout: Option<Duration>) -> WaitOptions {
    context
        .wait
        .clone()
        .deadline(timeout.unwrap_or(DEFAULT_DEADLINE))
}

/// What the display shows of one poll: `shown` of what it saw, or its error.
fn seen<'a, T>(
    event: PollEvent<'a, T>,
    shown: impl FnOnce(&'a T) -> &'a str,
) -> Option<Result<&'a str, &'a Error>> {
    match event {
        PollEvent::Seen(value) => Some(Ok(shown(value))),
        PollEvent::Failed(error) => Some(Err(error)),
        _ => None,
    }
}

/// Shows one poll of a wait: the status on the spinner, a failed poll on the spinner or, off a
/// terminal, as a line on standard error.
fn show_poll(context: &Context, spinner: &Spinner, id: &str, seen: Option<Result<&str, &Error>>) {
    match seen {
        Some(Ok(status)) => spinner.set(&format!("{id}: {status}")),
        Some(Err(error)) => {
            let line = format!("{id}: poll failed: {error}; retrying");
            if spinner.shown() {
                spinner.set(&line);
            } else {
                context.printer.note(&line);
            }
        }
        None => {}
    }
}

/// `session …`
pub async fn session(context: &Context, command: SessionCommand) -> Result<(), Failure> {
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
            crate::github::asked(&task);
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
            context
                .printer
                .session(&v1.get_job_with_response(id).await?)
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
            context.printer.json_line(&json!({ "sessions": sessions }))
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
    crate::github::saw_session(reply.value());
    if printer.json {
        printer
            .json_line(&json!({ "type": "outcome", "session": crate::output::as_sent(&reply) }))?;
    } else {
        printer.text_line(&describe_session(reply.value()))?;
    }
    match reply.value().hault_reason {
        Some(HaltReason::Completed) => Ok(()),
        _ => Err(Failure::JobFailed),
    }
}
