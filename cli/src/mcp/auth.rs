//! `auth_check`: what `Client::check_access` learns (the library call `mintlify-agent auth
//! check` uses too): whether the key, the project and the base URL work, without creating
//! anything.

use mintlify_agent::{Access, Client};
use rmcp::model::CallToolResult;
use serde_json::json;

use super::result::structured;

/// The check, as a result whatever the verdict: the tool worked, and its answer says whether
/// the settings do (`ok`), and whether checking again later can change that (`retryable`).
pub async fn check(client: &Client) -> CallToolResult {
    let report = client.check_access().await;
    let (verdict, retryable, advice) = match &report.access {
        Access::Accepted { .. } => ("accepted", false, ""),
        Access::UnknownProject(_) => (
            "unknown_project",
            false,
            " Retrying will not help: ask the user to check MINTLIFY_PROJECT_ID and restart the \
             server.",
        ),
        Access::Refused(_) => (
            "refused",
            false,
            " Retrying will not help: ask the user to check MINTLIFY_API_KEY (an admin key) and \
             restart the server.",
        ),
        Access::Unreachable(_) => (
            "unreachable",
            true,
            " Retrying can help if the network or the server comes back; else ask the user to \
             check MINTLIFY_BASE_URL and the network.",
        ),
        _ => ("inconclusive", true, " Retrying later can help."),
    };
    let ok = report.access.is_accepted();
    let message = format!("{report}.{advice}");
    let text = if ok {
        format!("OK: {message}")
    } else {
        format!("Not OK: {message}")
    };
    structured(
        json!({
            "ok": ok,
            "verdict": verdict,
            "retryable": retryable,
            "base_url": report.base_url,
            "project_id": report.project_id,
            "message": message,
        }),
        &text,
    )
}
