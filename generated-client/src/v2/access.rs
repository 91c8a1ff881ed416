//! Checking a key, project and base URL without starting anything: [`Client::check_access`].
//!
//! The check reads a job that cannot exist (`GET /v2/agent/{projectId}/job/{id}`), which costs
//! nothing against the hourly limit of creations and messages. A `404` for that job means the
//! server took the key and found the project; a `404` that names the project means it took the
//! key and knows no such project; `401`/`403` refuse the key; no answer is a connection failure.

use crate::client::Client;
use crate::error::Error;

/// The job id the check reads: no job has it (real ids and the test kit's are `job_…`, and
/// this one is not a shape any server hands out), so the answer is about the key and project.
pub const ACCESS_CHECK_JOB_ID: &str = "mintlify-agent-access-check";

/// What [`Client::check_access`] learned about the client's key, project and base URL.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AccessReport {
    /// The project checked.
    pub project_id: String,
    /// The base URL the request went to.
    pub base_url: String,
    /// What the server's answer (or its absence) means.
    pub access: Access,
}

/// The verdict of an access check.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Access {
    /// The server took the key for this project: a read of a job that cannot exist was answered
    /// "job not found". A key with the `read` scope alone passes too (Mintlify derives the scope
    /// from the method): whether it may create jobs is not checked, as that would create one.
    Accepted {
        /// The request id of the answer, when it had one.
        request_id: Option<String>,
    },
    /// The server took the key but knows no such project (a `404` naming the project).
    UnknownProject(Error),
    /// The server refused the key: `401` (missing, unknown or expired key) or `403` (IP
    /// allowlist, scope).
    Refused(Error),
    /// No answer came: DNS, connection refused, TLS, proxy, timeout. The error says which
    /// ([`Error::connection_cause`]).
    Unreachable(Error),
    /// An answer that says nothing certain about the key: a server error, a rate limit, a
    /// redirect, a body that is not the API's.
    Inconclusive(Error),
}

impl Access {
    /// Whether the key was accepted for the project.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Access::Accepted { .. })
    }

    /// The error behind a verdict other than [`Access::Accepted`].
    pub fn error(&self) -> Option<&Error> {
        match self {
            Access::Accepted { .. } => None,
            Access::UnknownProject(error)
            | Access::Refused(error)
            | Access::Unreachable(error)
            | Access::Inconclusive(error) => Some(error),
        }
    }

    /// The verdict for the error a read of [`ACCESS_CHECK_JOB_ID`] ended in.
    fn from_error(error: Error) -> Self {
        match &error {
            Error::NotFound(_) if names_the_project(error.message()) => {
                Access::UnknownProject(error)
            }
            Error::NotFound(_) => Access::Accepted {
                request_id: error.request_id().map(str::to_owned),
            },
            Error::Unauthorized(_) | Error::Forbidden(_) => Access::Refused(error),
            Error::Connection { .. } | Error::Timeout { .. } => Access::Unreachable(error),
            _ => Access::Inconclusive(error),
        }
    }
}

/// Whether a 404's message is about the project rather than the job: "Project acme not found".
/// A message about the job ("Agent job … not found"), or none, is the job's.
fn names_the_project(message: Option<&str>) -> bool {
    let Some(message) = message else {
        return false;
    };
    let lower = message.to_ascii_lowercase();
    lower.contains("project") && !lower.contains("job")
}

impl std::fmt::Display for AccessReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (project, url) = (&self.project_id, &self.base_url);
        match &self.access {
            Access::Accepted { .. } => {
                write!(f, "key accepted for project {project} at {url}")
            }
            Access::UnknownProject(error) => write!(
                f,
                "key accepted at {url}, but the server knows no project {project}: {error}"
            ),
            Access::Refused(error) => {
                write!(f, "key refused for project {project} at {url}: {error}")
            }
            Access::Unreachable(error) => write!(f, "cannot reach {url}: {error}"),
            Access::Inconclusive(error) => write!(
                f,
                "the answer from {url} says nothing certain about the key: {error}"
            ),
        }
    }
}

impl Client {
    /// Checks this client's key, project and base URL without starting anything: reads a job
    /// that cannot exist and says what the answer means. The key's shape, the project id and the
    /// base URL were checked when the client was built ([`crate::ClientBuilder::build`]); this
    /// asks the server. It never creates a job or sends a message, so it costs nothing against
    /// the hourly limit; a key with the `read` scope alone is [`Access::Accepted`] too.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = mintlify_agent::Client::from_env()?;
    /// let report = client.check_access().await;
    /// println!("{report}"); // key accepted for project acme at https://api.mintlify.com
    /// if !report.access.is_accepted() {
    ///     std::process::exit(1);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_access(&self) -> AccessReport {
        let reply = self.v2().get_job_with_response(ACCESS_CHECK_JOB_ID).await;
        let access = match reply {
            // No job has that id; a server that answers anyway took the key.
            Ok(response) => Access::Accepted {
                request_id: response.request_id().map(str::to_owned),
            },
            Err(error) => Access::from_error(error),
        };
        AccessReport {
            project_id: self.project_id().to_owned(),
            base_url: self.base_url().to_owned(),
            access,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiFailure;

    fn failure(status: u16, message: Option<&str>) -> ApiFailure {
        ApiFailure {
            status: Some(status),
            message: message.map(str::to_owned),
            request_id: Some("req_9".to_owned()),
            raw_body: None,
        }
    }

    #[test]
    fn a_404_is_the_project_only_when_it_names_the_project_and_not_the_job() {
        let verdict = |message| Access::from_error(Error::NotFound(failure(404, message)));
        assert!(matches!(
            verdict(Some("Project acme not found")),
            Access::UnknownProject(_)
        ));
        for message in [
            Some("Agent job mintlify-agent-access-check not found"),
            Some("Job not found"),
            Some("not found"),
            None,
        ] {
            assert!(
                matches!(verdict(message), Access::Accepted { request_id: Some(ref id) } if id == "req_9"),
                "{message:?}"
            );
        }
        assert!(matches!(
            Access::from_error(Error::Unauthorized(failure(401, None))),
            Access::Refused(_)
        ));
        assert!(matches!(
            Access::from_error(Error::Forbidden(failure(403, None))),
            Access::Refused(_)
        ));
        assert!(matches!(
            Access::from_error(Error::Server(failure(503, None))),
            Access::Inconclusive(_)
        ));
    }
}
