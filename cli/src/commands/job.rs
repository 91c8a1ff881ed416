//! `job create|get|message|wait|list`: v2 agent jobs, and the local history's list of them.

use std::time::Duration;

use mintlify_agent::v2::types::AgentJob;
use mintlify_agent::{JobOutcome, Response, RetryPolicy};
use serde_json::json;

use super::{Context, seen, show_poll, wait_options};
use crate::args::{Global, JobCommand, ListArgs};
use crate::input::{self, PromptSource};
use crate::outcome::Failure;
use crate::outcome::progress::{Kind, Progress};
use crate::output::{Printer, status_of};
use crate::report::{self, actions, history};

/// `job …`
pub async fn run(context: &Context, command: JobCommand) -> Result<(), Failure> {
    let v2 = context.client.v2();
    match command {
        JobCommand::Create { prompt, file, wait } => {
            let prompt = read_prompt(context, prompt, file.as_deref(), "PROMPT").await?;
            tracing::trace!(%prompt, "creating a job");
            actions::asked(&prompt);
            context.progress.set(Progress::Creating(Kind::Job));
            let reply = v2.create_job_with_response(prompt.clone()).await?;
            history::started("create", reply.value(), &prompt);
            let id = reply.value().id.clone();
            context.progress.set(Progress::Job(id.clone()));
            if !wait.wait {
                return show(context, &reply);
            }
            wait_job(context, &id, wait.timeout).await
        }
        JobCommand::Get { id } => {
            let id = input::id(&id, "the job id (ID)")?;
            show(context, &v2.get_job_with_response(id).await?)
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
            actions::asked(&prompt);
            context.progress.set(Progress::Messaging(id.to_owned()));
            let reply = v2.send_message_with_response(id, prompt.clone()).await?;
            history::started("message", reply.value(), &prompt);
            context.progress.set(Progress::Job(id.to_owned()));
            if !wait.wait {
                return show(context, &reply);
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
pub fn list(global: &Global, printer: Printer, args: &ListArgs) -> Result<(), Failure> {
    let project = global.project.as_deref().ok_or_else(|| {
        Failure::Usage("no project: set MINTLIFY_PROJECT_ID or --project".to_owned())
    })?;
    let base_url = history::normalized_base_url(
        global
            .base_url
            .as_deref()
            .unwrap_or(mintlify_agent::DEFAULT_BASE_URL),
    );
    let mut jobs = history::jobs(&base_url, project);
    jobs.truncate(args.limit);
    if printer.json {
        return Ok(printer.json_line(&json!({ "jobs": jobs }))?);
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
    history::jobs(base_url, project)
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

/// Records the job as the command saw it last (Actions outputs, the history's status), then
/// prints it.
fn show(context: &Context, reply: &Response<AgentJob>) -> Result<(), Failure> {
    report::saw_job(reply.value());
    Ok(context.printer.job(reply)?)
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
    show(context, &reply.map(JobOutcome::into_job))?;
    if completed {
        Ok(())
    } else {
        Err(Failure::JobFailed)
    }
}
