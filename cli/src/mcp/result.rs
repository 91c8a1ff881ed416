//! What a tool call answers: a structured result (a sentence for the agent, then the value),
//! a job in words, and how a message quotes what the caller sent. The tools (`server.rs`), the
//! wait (`wait.rs`) and the check (`auth.rs`) all build their results from here.

use mintlify_agent::v2::types::{AgentJob, JobStatus};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

use crate::outcome::Failure;

/// A job as the tool's result: the typed job as structured content, with a sentence first.
pub(super) fn job_result(job: &AgentJob, text: &str) -> CallToolResult {
    structured(to_value(job), text)
}

/// A structured result: a sentence for the agent, then the value as JSON text (the spec's
/// advice for clients that read only text), and the value as structured content.
pub(super) fn structured(value: Value, text: &str) -> CallToolResult {
    let mut result = CallToolResult::structured(value);
    result.content.insert(0, ContentBlock::text(text));
    result
}

/// The value as JSON (typed values always serialize; `null` would be a bug shown, not hidden).
pub(super) fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The job's status in words.
pub(super) fn status(job: &AgentJob) -> String {
    job.status
        .as_ref()
        .map_or_else(|| "status unknown".to_owned(), ToString::to_string)
}

/// A sentence about a job as it is.
pub(super) fn describe(job: &AgentJob) -> String {
    match (&job.status, &job.pr_link) {
        (_, Some(link)) => format!("Job {} is {}; pull request: {link}", job.id, status(job)),
        (Some(JobStatus::Active), None) => format!(
            "Job {} is active; call wait_for_job to wait for it.",
            job.id
        ),
        _ => format!("Job {} is {}; no pull request.", job.id, status(job)),
    }
}

/// The words of a check's refusal.
pub(super) fn usage(failure: Failure) -> String {
    match failure {
        Failure::Usage(message) => message,
        other => format!("{other:?}"),
    }
}

/// What a JSON value is, for a message.
pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// At most `max` characters of `text`, for a message that quotes what the caller sent.
pub(super) fn clip(text: &str, max: usize) -> String {
    let mut clipped: String = text.chars().take(max).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
}
