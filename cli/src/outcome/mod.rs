//! How a command ended: its exit code, and what it says on standard error (a line for people,
//! or one JSON object with `--json`): given what it had set in motion (`progress.rs`), and for a
//! failed connection the cause and its fix (`diagnose.rs`).

pub(crate) mod diagnose;
pub(crate) mod progress;

use std::process::ExitCode;

use mintlify_agent::{BuildError, Error};
use serde_json::{Value, json};

use self::progress::Progress;
use crate::output::sink::{WriteError, err_line};
use crate::output::terminal::{self, clean};
use crate::report::actions;

/// The end of a command other than success.
#[derive(Debug)]
pub enum Failure {
    /// The job failed or was archived, or a session ended in an error (exit 1); what it
    /// printed says so.
    JobFailed,
    /// The command line or the settings are wrong, found before any request (exit 2).
    Usage(String),
    /// A call failed (exit 2 for requests refused before sending, 3 for refusals, 4 for
    /// transient failures and ended waits).
    Api(Error),
    /// Ctrl-C (exit 130).
    Interrupted,
    /// Standard output was closed by its reader (`| head`): the command ends quietly (exit 141,
    /// as a process killed by SIGPIPE reports itself in a shell).
    StdoutClosed,
    /// Standard output could not be written for another reason (exit 4).
    Output(String),
    /// The server's reply was not what the API documents, after it may have acted (exit 4).
    Protocol(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Api(error)
    }
}

impl From<WriteError> for Failure {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Closed => Failure::StdoutClosed,
            WriteError::Failed(message) => Failure::Output(message),
        }
    }
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Self {
        Failure::Usage(error.to_string())
    }
}

impl Failure {
    /// Tells the user (given what the command had set in motion) and gives the exit code.
    pub fn report(self, progress: &Progress, json_output: bool) -> ExitCode {
        let (code, kind, message, error) = match &self {
            Failure::JobFailed => return ExitCode::from(1),
            Failure::StdoutClosed => return ExitCode::from(141),
            Failure::Usage(message) => (2, "usage", message.clone(), None),
            Failure::Output(message) => (
                4,
                "output",
                format!("cannot write to standard output: {message}"),
                None,
            ),
            Failure::Protocol(message) => (4, "invalid_response", message.clone(), None),
            Failure::Interrupted => (130, "interrupted", "interrupted".to_owned(), None),
            Failure::Api(error) => (
                exit_code(error),
                kind(error),
                error.to_string(),
                Some(error),
            ),
        };
        let hint = match (&self, error) {
            (Failure::Interrupted, _) => Some(progress.describe()),
            (_, Some(error)) if error.connection_cause().is_some() => {
                let fix = diagnose::hint(error);
                let going_on = may_go_on(progress, error).then(|| progress.describe());
                match (fix, going_on) {
                    (Some(fix), Some(going_on)) => Some(format!("{fix}\n{going_on}")),
                    (fix, going_on) => fix.or(going_on),
                }
            }
            (_, Some(error)) if may_go_on(progress, error) => Some(progress.describe()),
            (Failure::Protocol(_), _) => Some(progress.describe()),
            _ => None,
        };
        if let Failure::Api(Error::WaitDeadline {
            last_seen: Some(seen),
            ..
        }) = &self
        {
            actions::saw_last(seen);
        }
        actions::failed(kind, &message);
        if json_output {
            let mut object = json!({
                "kind": kind,
                "message": message,
                "status": error.and_then(Error::status),
                "request_id": error.and_then(Error::request_id),
                "job_id": progress.job_id(),
            });
            if let Some(cause) = error.and_then(Error::connection_cause) {
                object["cause"] = json!(diagnose::cause_name(&cause));
            }
            if let Some(id) = progress.session_id() {
                object["session_id"] = json!(id);
            }
            if let Some(hint) = hint {
                object["hint"] = Value::String(hint);
                object["resume"] = json!(progress.resume_command());
            }
            err_line(&terminal::json(&json!({ "error": object })));
        } else {
            match (&self, hint) {
                (Failure::Interrupted, Some(hint)) => {
                    err_line(&clean(&format!("interrupted; {hint}")))
                }
                (_, hint) => {
                    err_line(&clean(&format!("error: {message}")));
                    if let Some(hint) = hint {
                        err_line(&clean(&hint));
                    }
                }
            }
        }
        ExitCode::from(code)
    }
}

/// Whether, after `error`, something the command started may go on at Mintlify.
fn may_go_on(progress: &Progress, error: &Error) -> bool {
    match progress {
        Progress::Nothing => false,
        // A job waited for that does not exist does not go on.
        Progress::Job(_) | Progress::Session(_) => !matches!(error, Error::NotFound(_)),
        Progress::Creating(_) | Progress::Messaging(_) => may_have_acted(error),
    }
}

/// Whether the server may have acted on a request that ended in `error`: it failed in the
/// middle (500, 502, 504, no answer in time) or answered success in a way that could not be
/// read. Those are never sent again, so the job may exist without the client knowing.
pub(crate) fn may_have_acted(error: &Error) -> bool {
    match error {
        Error::Server(_) => matches!(error.status(), Some(500 | 502 | 504)),
        Error::Timeout { .. }
        | Error::Connection { .. }
        | Error::InvalidResponse { .. }
        | Error::ResponseTooLarge { .. }
        | Error::UnexpectedStatus(_) => true,
        _ => false,
    }
}

/// The exit code for a failed call.
fn exit_code(error: &Error) -> u8 {
    match error {
        // Refused before sending: the arguments are wrong.
        Error::InvalidRequest(_) | Error::Build(_) => 2,
        // The same every time until the configuration changes (a certificate not trusted).
        _ if diagnose::is_configuration(error) => 5,
        Error::BadRequest(_)
        | Error::Unauthorized(_)
        | Error::Forbidden(_)
        | Error::NotFound(_)
        | Error::Redirected { .. } => 3,
        _ => 4,
    }
}

/// The error's kind, as `--json` names it.
pub(crate) fn kind(error: &Error) -> &'static str {
    match error {
        Error::BadRequest(_) => "bad_request",
        Error::Unauthorized(_) => "unauthorized",
        Error::Forbidden(_) => "forbidden",
        Error::NotFound(_) => "not_found",
        Error::RateLimited { .. } => "rate_limited",
        Error::Server(_) => "server",
        Error::UnexpectedStatus(_) => "unexpected_status",
        Error::Redirected { .. } => "redirected",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::Connection { .. } => "connection",
        Error::Timeout { .. } => "timeout",
        Error::InvalidResponse { .. } => "invalid_response",
        Error::Stream { .. } => "stream",
        Error::WaitDeadline { .. } => "wait_deadline",
        Error::WaitFailed { .. } => "wait_failed",
        Error::Build(_) => "build",
        Error::InvalidRequest(_) => "invalid_request",
        _ => "other",
    }
}
