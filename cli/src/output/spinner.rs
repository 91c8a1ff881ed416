//! A spinner on standard error showing what a wait is doing and the time elapsed, or nothing
//! (off a terminal, with `--json`, or under `-v`, whose log lines it would draw over).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::terminal::clean;

/// A spinner, or nothing.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// A spinner showing `message` and the time elapsed when `shown`, else nothing.
    pub fn new(shown: bool, message: &str) -> Self {
        if !shown {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(clean(message).into_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    /// Shows `message` (made safe for the terminal).
    pub fn set(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(clean(message).into_owned());
        }
    }

    /// Whether it is shown (else progress goes to standard error as lines).
    pub fn shown(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
