//! `auth check`: the key's shape, the project and base URL (checked when the client is built),
//! then one free request whose answer says whether the server takes the key for the project.
//! Never creates a job or sends a message.

use std::time::Duration;

use mintlify_agent::{Access, Client};
use serde_json::json;

use crate::outcome::Failure;
use crate::output::Printer;

/// How long the check may take, retries included.
const DEADLINE: Duration = Duration::from_secs(30);

/// Runs the check and says what it learned; a key that is not accepted ends in its error
/// (refused or unknown project: exit 3; unreachable: 4, or 5 for a certificate not trusted).
pub async fn check(client: &Client, printer: Printer) -> Result<(), Failure> {
    let report = client.with_deadline(DEADLINE).check_access().await;
    let proxy = mintlify_agent::proxy_for(&report.base_url);
    let (verdict, request_id) = match &report.access {
        Access::Accepted { request_id } => ("accepted", request_id.clone()),
        Access::UnknownProject(_) => ("unknown_project", None),
        Access::Refused(_) => ("refused", None),
        Access::Unreachable(_) => ("unreachable", None),
        _ => ("inconclusive", None),
    };
    let error = report.access.error();
    if printer.json {
        printer.json_line(&json!({
            "accepted": report.access.is_accepted(),
            "verdict": verdict,
            "project": report.project_id,
            "base_url": report.base_url,
            "proxy": proxy,
            "request_id": request_id.or_else(|| error.and_then(|e| e.request_id()).map(str::to_owned)),
            "status": error.and_then(|e| e.status()),
            "message": error.map(ToString::to_string),
            "scopes_checked": ["read"],
        }))?;
    } else {
        printer.text_line("key: the shape of an admin key (mint_…)")?;
        printer.text_line(&format!("project: {}", report.project_id))?;
        printer.text_line(&format!(
            "base URL: {}{}",
            report.base_url,
            proxy.map_or_else(String::new, |p| format!(" (through the proxy {p})"))
        ))?;
        if report.access.is_accepted() {
            let id = request_id.map_or_else(String::new, |id| format!(" (request id {id})"));
            printer.text_line(&format!("{report}{id}"))?;
            printer.text_line(
                "checked by reading a job that cannot exist: read access holds; whether the key \
                 may create jobs (write scope) is not checked, as that would create one",
            )?;
        }
    }
    match report.access {
        Access::Accepted { .. } => Ok(()),
        Access::UnknownProject(error)
        | Access::Refused(error)
        | Access::Unreachable(error)
        | Access::Inconclusive(error) => {
            if !printer.json {
                // The error line that follows says why; this says what it means.
                let meaning = match verdict {
                    "unknown_project" => format!(
                        "the server took the key but knows no project {}: check --project / \
                         MINTLIFY_PROJECT_ID (the dashboard's project id)",
                        report.project_id
                    ),
                    "refused" => "the server refused the key: check MINTLIFY_API_KEY (an admin \
                                  key from the dashboard's API keys page, not expired, allowed \
                                  from this IP address)"
                        .to_owned(),
                    "unreachable" => format!("cannot reach {}", report.base_url),
                    _ => "the answer says nothing certain about the key".to_owned(),
                };
                printer.text_line(&format!("server: {meaning}"))?;
            }
            Err(Failure::Api(error))
        }
        _ => Ok(()),
    }
}
