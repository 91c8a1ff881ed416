//! `auth_check`: whether the key, the project and the base URL work, without creating
//! anything.

use mintlify_agent::{Client, Error};
use serde_json::json;

use super::failure::ToolFailure;
use super::server::structured;

/// A job id no server gives out: its 404 says the key and project were accepted.
const NO_SUCH_JOB: &str = "mintlify-agent-auth-check-no-such-job";

/// Reads a job that cannot exist: 404 about the job means the key was accepted for the
/// project; 401, 403 or a 404 about the project say what is wrong.
pub async fn check(client: &Client) -> Result<rmcp::model::CallToolResult, ToolFailure> {
    let (base_url, project) = (client.base_url(), client.project_id());
    let (ok, message) = match client.v2().get_job(NO_SUCH_JOB).await {
        Ok(_) => (true, "the key was accepted for the project".to_owned()),
        Err(Error::NotFound(failure))
            if !failure
                .message
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("project")) =>
        {
            (true, "the key was accepted for the project".to_owned())
        }
        Err(error @ (Error::NotFound(_) | Error::Unauthorized(_) | Error::Forbidden(_))) => {
            let why = match &error {
                Error::NotFound(_) => "the project was not found: check MINTLIFY_PROJECT_ID",
                Error::Unauthorized(_) => {
                    "the key was refused: check MINTLIFY_API_KEY (an admin key, mint_…)"
                }
                _ => {
                    "the key may not read this project (a read-only key is enough to read; \
                      an IP allowlist may exclude this machine)"
                }
            };
            (false, format!("{why} ({error})"))
        }
        Err(error) => return Err(ToolFailure::api("auth_check", &error, false, None)),
    };
    let text = if ok {
        format!("OK: {message} (project {project}, {base_url}).")
    } else {
        format!("Not OK: {message}. Ask the user to fix it and restart the server.")
    };
    Ok(structured(
        json!({ "ok": ok, "base_url": base_url, "project_id": project, "message": message }),
        &text,
    ))
}
