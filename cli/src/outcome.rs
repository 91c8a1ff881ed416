//! How a command ended, as an exit code and one line for the user.

use std::process::ExitCode;

use mintlify_agent::{BuildError, Error};

/// The end of a command other than success.
#[derive(Debug)]
pub enum Failure {
    /// The job failed or was archived, or a session ended in an error (exit 1).
    JobFailed,
    /// The settings are wrong: no key, no project, a bad key (exit 2).
    Usage(String),
    /// A call failed (exit 3 for refusals, 4 for transient failures).
    Api(Error),
    /// Ctrl-C; the message says how to resume (exit 130).
    Interrupted(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Api(error)
    }
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Self {
        Failure::Usage(error.to_string())
    }
}

impl Failure {
    /// Prints the one line and gives the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Failure::JobFailed => ExitCode::from(1),
            Failure::Usage(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Failure::Api(error) => {
                eprintln!("error: {error}");
                ExitCode::from(if is_refusal(&error) { 3 } else { 4 })
            }
            Failure::Interrupted(message) => {
                eprintln!("{message}");
                ExitCode::from(130)
            }
        }
    }
}

/// Whether the API refused the request, which trying again will not change.
fn is_refusal(error: &Error) -> bool {
    matches!(
        error,
        Error::BadRequest(_)
            | Error::Unauthorized(_)
            | Error::Forbidden(_)
            | Error::NotFound(_)
            | Error::InvalidRequest(_)
    )
}
