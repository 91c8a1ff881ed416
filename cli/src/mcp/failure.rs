//! Every way a tool call fails, as a tool result with `isError` that an agent can act on: what
//! failed, whether retrying can help, and the job id when one exists. Never a protocol error:
//! a client shows those opaquely, and the agent could not correct itself.

use mintlify_agent::Error;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use crate::outcome::{kind, may_have_acted};

/// A tool's failure, before it becomes a result.
#[derive(Debug)]
pub(super) struct ToolFailure {
    /// The kind, for programs: `invalid_arguments`, `cap_reached`, or the API error's kind.
    pub(super) kind: &'static str,
    /// What failed and what to do, in words.
    pub(super) message: String,
    /// Whether the same call may succeed later.
    pub(super) retryable: bool,
    /// The job (or session) the failure is about, when one exists.
    pub(super) job_id: Option<String>,
    /// The HTTP status, when the server answered.
    pub(super) status: Option<u16>,
    /// How long the server asked to wait, for a rate limit.
    pub(super) retry_after_seconds: Option<u64>,
    /// The reply's request id, for Mintlify's support.
    pub(super) request_id: Option<String>,
}

impl ToolFailure {
    /// The arguments are wrong: nothing was sent.
    pub(super) fn arguments(tool: &str, why: impl std::fmt::Display) -> Self {
        Self::plain(
            "invalid_arguments",
            format!(
                "{tool}: invalid arguments: {why}. Nothing was sent; fix the arguments and call \
                 again."
            ),
        )
    }

    /// A failure that is not about the API.
    pub(super) fn plain(kind: &'static str, message: String) -> Self {
        Self {
            kind,
            message,
            retryable: false,
            job_id: None,
            status: None,
            retry_after_seconds: None,
            request_id: None,
        }
    }

    /// A failed call of `tool`. `write` says it created a job or sent a message (and so may
    /// have acted although it failed); `job_id` is the job it was about, if known.
    pub(super) fn api(tool: &str, error: &Error, write: bool, job_id: Option<&str>) -> Self {
        let retry_after = error.retry_after().map(|d| d.as_secs().max(1));
        let acted = write && may_have_acted(error);
        let advice = match error {
            Error::InvalidRequest(_) | Error::BadRequest(_) => {
                "Fix the arguments; the same call will fail again.".to_owned()
            }
            Error::Unauthorized(_) => "The Mintlify API key this server runs with was refused: \
                                       retrying will not help. Ask the user to check \
                                       MINTLIFY_API_KEY (an admin key) and restart the server."
                .to_owned(),
            Error::Forbidden(_) => "The key may not do this (a read-only key, or an IP \
                                    allowlist): retrying will not help. Ask the user."
                .to_owned(),
            Error::NotFound(_) => match job_id {
                Some(_) => "No such job in this project: check the id (create_job returns it). \
                            Retrying will not help."
                    .to_owned(),
                None => "The project was not found: check MINTLIFY_PROJECT_ID (auth_check \
                         tells). Retrying will not help."
                    .to_owned(),
            },
            Error::RateLimited { .. } => match retry_after {
                Some(seconds) => {
                    format!("Mintlify's limit was reached: retrying can help after {seconds} s.")
                }
                None => "Mintlify's limit was reached: retrying can help later.".to_owned(),
            },
            Error::Redirected { .. } => {
                "The server answered with a redirect, which is not followed: check the base \
                 URL. Retrying will not help."
                    .to_owned()
            }
            Error::WaitDeadline { .. } => "The job goes on: wait for it again.".to_owned(),
            _ if acted => "The server may have acted on it before failing: do not repeat the \
                           call blindly (it could start a second job); check with get_job, or \
                           ask the user to look at the project's jobs."
                .to_owned(),
            _ if error.is_transient() => "This is transient: retrying can help.".to_owned(),
            _ => "Retrying will not help.".to_owned(),
        };
        let subject = match job_id {
            Some(id) => format!("{tool} failed for job {id}"),
            None => format!("{tool} failed"),
        };
        Self {
            kind: kind(error),
            message: format!("{subject}: {error}. {advice}"),
            retryable: error.is_transient() && !acted,
            job_id: job_id.map(str::to_owned),
            status: error.status(),
            retry_after_seconds: retry_after,
            request_id: error.request_id().map(str::to_owned),
        }
    }

    /// The tool result: the message as text, and the same as structured content.
    pub(super) fn into_result(self) -> CallToolResult {
        let mut result = CallToolResult::error(vec![ContentBlock::text(self.message.clone())]);
        result.structured_content = Some(json!({ "error": self.to_json() }));
        result
    }

    fn to_json(&self) -> Value {
        json!({
            "kind": self.kind,
            "message": self.message,
            "retryable": self.retryable,
            "job_id": self.job_id,
            "status": self.status,
            "retry_after_seconds": self.retry_after_seconds,
            "request_id": self.request_id,
        })
    }
}
