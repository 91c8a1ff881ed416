//! In GitHub Actions the runner reads workflow commands (`::add-mask::`, `::stop-commands::`)
//! from a step's standard output and error: server text the CLI prints must never become one.
//! The sinks pass every line through here; the Actions module writes its own commands
//! straight to standard error, past this guard.

use std::sync::OnceLock;

/// Whether the CLI runs in GitHub Actions (`GITHUB_ACTIONS=true`), read once.
pub fn in_actions() -> bool {
    static IN_ACTIONS: OnceLock<bool> = OnceLock::new();
    *IN_ACTIONS.get_or_init(|| std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true"))
}

/// In Actions, a line that starts (after spaces) with `:` is written with that colon escaped
/// (`\u{3a}`), so that server text printed by the CLI cannot be a workflow command
/// (`::add-mask::`, `::stop-commands::`). `at_line_start` carries across calls.
pub fn neutralize_commands(text: &str, at_line_start: &mut bool) -> Option<String> {
    in_actions().then(|| neutralize(text, at_line_start))
}

/// [`neutralize_commands`] in and out of Actions. The runner reads lines as .NET does (ended by
/// LF, CR or CRLF) and trims leading white space before looking for `::`.
fn neutralize(text: &str, at_line_start: &mut bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ':' if *at_line_start => {
                out.push_str("\\u{3a}");
                *at_line_start = false;
            }
            '\n' | '\r' => {
                out.push(c);
                *at_line_start = true;
            }
            c if c.is_whitespace() => out.push(c),
            c => {
                out.push(c);
                *at_line_start = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn no_line_of_output_is_a_workflow_command(
            pieces in proptest::collection::vec("(::|:|\\r|\\n|\\r\\n| |\u{a0}|\u{3000}|\t|x|warning|add-mask)*", 0..12),
        ) {
            // Written in pieces, as a live run's text arrives, with the state carried over.
            let mut at_line_start = true;
            let written: String = pieces
                .iter()
                .map(|piece| neutralize(piece, &mut at_line_start))
                .collect();
            // As the runner reads it: lines ended by LF, CR or CRLF, leading white space trimmed.
            for line in written.split(['\n', '\r']) {
                prop_assert!(!line.trim_start().starts_with(':'), "{line:?} in {written:?}");
            }
            // Nothing but the colons changed.
            let original: String = pieces.concat();
            prop_assert_eq!(written.replace("\\u{3a}", ":"), original);
        }
    }
}
