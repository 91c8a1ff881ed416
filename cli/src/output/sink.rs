//! Where output goes: standard output through one handle that reports a closed pipe instead of
//! panicking, and standard error, which never fails a command.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::guard::neutralize_commands;

/// Why standard output could not be written (the command's failure is made from it).
#[derive(Debug)]
pub enum WriteError {
    /// The reader went away (`… | head`).
    Closed,
    /// Any other write error, as the system said it.
    Failed(String),
}

/// Whether standard output is at the start of a line (for [`neutralize_commands`]).
static OUT_AT_LINE_START: AtomicBool = AtomicBool::new(true);

/// Writes `text` to standard output and flushes it, so that a reader sees it at once (a live
/// run's text) and a closed pipe is noticed at the write that hit it.
pub fn out(text: &str) -> Result<(), WriteError> {
    let mut stdout = std::io::stdout().lock();
    // In GitHub Actions, no line of server text may be read as a workflow command.
    let mut at_line_start = OUT_AT_LINE_START.load(Ordering::Relaxed);
    let neutral = neutralize_commands(text, &mut at_line_start);
    OUT_AT_LINE_START.store(at_line_start, Ordering::Relaxed);
    let text = neutral.as_deref().unwrap_or(text);
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| match error.kind() {
            // `… | head`: the reader has all it wanted; the command ends quietly.
            ErrorKind::BrokenPipe => WriteError::Closed,
            _ => WriteError::Failed(error.to_string()),
        })
}

/// Writes `line` and a newline to standard output.
pub fn out_line(line: &str) -> Result<(), WriteError> {
    out(&format!("{line}\n"))
}

/// Writes `line` and a newline to standard error. A failure there has nowhere to be told,
/// so it is ignored (`eprintln!` would panic).
pub fn err_line(line: &str) {
    let neutral = neutralize_commands(line, &mut true);
    let line = neutral.as_deref().unwrap_or(line);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
