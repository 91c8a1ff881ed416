//! The commands, one file per command group, each a function from its arguments to what it
//! prints: `job` (`job.rs`), `session` (`session.rs`), `auth` (`auth.rs`), `completions`
//! (`completions.rs`); `mcp` serves the same client to agents (`crate::mcp`). Here: the
//! [`Context`] a command runs in, and how a wait shows its polls.

pub(crate) mod auth;
pub(crate) mod completions;
pub(crate) mod job;
pub(crate) mod session;

use std::time::Duration;

use mintlify_agent::{Client, Error, PollEvent, WaitOptions};

use crate::outcome::progress::Tracker;
use crate::output::Printer;
use crate::output::spinner::Spinner;

/// A wait's deadline when the user gives none (the library's default).
const DEFAULT_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// What a command needs, and where it records what it set in motion (for errors and Ctrl-C).
pub struct Context {
    /// The API client.
    pub client: Client,
    /// Where output goes.
    pub printer: Printer,
    /// How often waits poll (the deadline is each command's own).
    pub wait: WaitOptions,
    /// What has been started.
    pub progress: Tracker,
    /// The key comes from standard input, so a prompt cannot.
    pub stdin_taken: bool,
}

/// How a command's wait polls: the client's pace, and the user's timeout (else 30 minutes).
fn wait_options(context: &Context, timeout: Option<Duration>) -> WaitOptions {
    context
        .wait
        .clone()
        .deadline(timeout.unwrap_or(DEFAULT_DEADLINE))
}

/// What the display shows of one poll: `shown` of what it saw, or its error.
fn seen<'a, T>(
    event: PollEvent<'a, T>,
    shown: impl FnOnce(&'a T) -> &'a str,
) -> Option<Result<&'a str, &'a Error>> {
    match event {
        PollEvent::Seen(value) => Some(Ok(shown(value))),
        PollEvent::Failed(error) => Some(Err(error)),
        _ => None,
    }
}

/// Shows one poll of a wait: the status on the spinner, a failed poll on the spinner or, off a
/// terminal, as a line on standard error.
fn show_poll(context: &Context, spinner: &Spinner, id: &str, seen: Option<Result<&str, &Error>>) {
    match seen {
        Some(Ok(status)) => spinner.set(&format!("{id}: {status}")),
        Some(Err(error)) => {
            let line = format!("{id}: poll failed: {error}; retrying");
            if spinner.shown() {
                spinner.set(&line);
            } else {
                context.printer.note(&line);
            }
        }
        None => {}
    }
}
