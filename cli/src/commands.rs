//! The commands, each a function from its arguments to what it prints.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use mintlify_agent::v1::types::{
    CreateJobRequest, HaltReason, Message, MessageRole, Model as ApiModel,
};
use mintlify_agent::{Client, Error, JobOutcome, WaitOptions};
use serde_json::json;

use crate::args::{JobCommand, Model, SessionCommand};
use crate::outcome::Failure;
use crate::output::{LiveRun, Printer, status_of};

/// What a command needs, and where it leaves the id to resume with after Ctrl-C.
pub struct Context {
    pub client: Client,
    pub printer: Printer,
    pub wait: WaitOptions,
    pub resume: Arc<Mutex<Option<String>>>,
}

impl Context {
    fn resume_with(&self, hint: String) {
        *self.resume.lock().unwrap_or_else(PoisonError::into_inner) = Some(hint);
    }

    fn wait_options(&self, timeout: Option<Duration>) -> WaitOptions {
        match timeout {
            Some(timeout) => self.wait.clone().deadline(timeout),
            None => self.wait.clone(),
        }
    }
}

pub async fn job(context: &Context, command: JobCommand) -> Result<(), Failure> {
    let v2 = context.client.v2();
    match command {
        JobCommand::Create { prompt, wait } => {
            let job = v2.create_job(prompt).await?;
            let id = job.id.clone();
            if !wait.wait {
                context.printer.job(&job);
                return Ok(());
            }
            wait_job(context, &id, wait.timeout).await
        }
        JobCommand::Get { id } => {
            context.printer.job(&v2.get_job(&id).await?);
            Ok(())
        }
        JobCommand::Message { id, prompt, wait } => {
            let job = v2.send_message(&id, prompt).await?;
            if !wait.wait {
                context.printer.job(&job);
                return Ok(());
            }
            wait_job(context, &id, wait.timeout).await
        }
        JobCommand::Wait { id, timeout } => wait_job(context, &id, timeout).await,
    }
}

/// Waits for a job with a spinner showing its status; prints the final job.
async fn wait_job(context: &Context, id: &str, timeout: Option<Duration>) -> Result<(), Failure> {
    context.resume_with(format!(
        "the job goes on; resume with: mintlify-agent job wait {id}"
    ));
    let spinner = context.printer.spinner(format!("{id}: waiting"));
    let options = context.wait_options(timeout);
    let mut changes = Box::pin(context.client.v2().watch_with(id, &options));
    let mut last = None;
    while let Some(job) = changes.next().await {
        let job = job?;
        spinner.set(format!("{id}: {}", status_of(&job)));
        last = Some(job);
    }
    drop(spinner);
    let Some(job) = last else {
        return Err(Failure::Usage(format!("no state seen for job {id}")));
    };
    context.printer.job(&job);
    match JobOutcome::from_final(&job) {
        Some(JobOutcome::Completed(_)) => Ok(()),
        _ => Err(Failure::JobFailed),
    }
}

pub async fn session(context: &Context, command: SessionCommand) -> Result<(), Failure> {
    let v1 = context.client.v1();
    match command {
        SessionCommand::Run {
            message,
            branch,
            model,
            draft,
            system,
        } => {
            let mut messages = Vec::new();
            if let Some(system) = system {
                messages.push(Message {
                    role: MessageRole::System,
                    content: system,
                });
            }
            messages.push(Message {
                role: MessageRole::User,
                content: message.join(" "),
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
            run_session(context, request).await
        }
        SessionCommand::Get { id } => {
            context.printer.session(&v1.get_job(&id).await?);
            Ok(())
        }
        SessionCommand::List { limit } => {
            let page = limit.clamp(1, 100) as u64;
            let sessions: Vec<_> = v1.list_all(page).take(limit).collect().await;
            let sessions = sessions.into_iter().collect::<Result<Vec<_>, Error>>()?;
            if context.printer.json {
                println!("{}", json!({ "sessions": sessions }));
            } else {
                for session in &sessions {
                    println!("{}", crate::output::describe_session(session));
                }
            }
            Ok(())
        }
    }
}

/// Streams a run live, then reads the session for its outcome (also after a broken stream).
async fn run_session(
    context: &Context,
    request: mintlify_agent::v1::types::builder::CreateJobRequest,
) -> Result<(), Failure> {
    let v1 = context.client.v1();
    let mut run = v1.create_job(request).await?;
    let id = run.session_id().unwrap_or_default().to_owned();
    context.resume_with(format!(
        "the session goes on; see it with: mintlify-agent session get {id}"
    ));
    if !context.printer.json {
        eprintln!("session {id} on branch {}", run.branch().unwrap_or("?"));
    }
    let mut live = LiveRun::new();
    let mut broke = None;
    while let Some(event) = run.next().await {
        match event {
            Ok(event) if context.printer.json => println!("{}", event.to_ui_chunk()),
            Ok(event) => live.show(&event),
            Err(mintlify_agent::stream::StreamError::Transport { source }) => broke = Some(source),
            Err(error) => eprintln!("skipped an event: {error}"),
        }
    }
    live.end();
    if let Some(error) = &broke {
        eprintln!("the stream broke off ({error}); waiting for the session to end");
    }
    let session = v1.wait_for_session_with(&id, &context.wait).await?;
    if context.printer.json {
        println!("{}", json!({ "type": "outcome", "session": session }));
    } else {
        println!("{}", crate::output::describe_session(&session));
    }
    match session.hault_reason {
        Some(HaltReason::Completed) => Ok(()),
        _ => Err(Failure::JobFailed),
    }
}
