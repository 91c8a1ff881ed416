//! GitHub Actions: with `GITHUB_ACTIONS=true`, step outputs in `$GITHUB_OUTPUT`, a Markdown
//! summary in `$GITHUB_STEP_SUMMARY`, and `::error`/`::warning` workflow commands. Outside
//! Actions nothing here does anything.
//!
//! Everything from the server (and the prompt) is data that must not become a command or an
//! output: outputs are always written with a random delimiter that the value does not hold,
//! workflow command text is escaped as the runner's own toolkit does (`%`, CR, LF; in properties
//! also `:` and `,`), the summary escapes Markdown and HTML, and in Actions the CLI's other
//! lines never start with `::` (`crate::output::guard`, through which every line is written).

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use mintlify_agent::v1::types::AgentSession;
use mintlify_agent::v2::types::AgentJob;

use crate::output::guard::in_actions;
use crate::output::sink::err_line;

/// What the command saw, gathered for the outputs and the summary written at its end.
#[derive(Default)]
struct Record {
    command: String,
    asked: Option<String>,
    outputs: Vec<(&'static str, String)>,
    headline: Option<String>,
    pr_link: Option<String>,
    status: Option<String>,
}

struct Actions {
    started: Instant,
    record: Mutex<Record>,
}

static ACTIONS: OnceLock<Option<Actions>> = OnceLock::new();

fn actions() -> Option<&'static Actions> {
    ACTIONS
        .get_or_init(|| {
            in_actions().then(|| Actions {
                started: Instant::now(),
                record: Mutex::new(Record::default()),
            })
        })
        .as_ref()
}

fn record(change: impl FnOnce(&mut Record)) {
    if let Some(actions) = actions() {
        change(
            &mut actions
                .record
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
    }
}

/// The commands that write outputs and a summary; every command annotates its failure.
const REPORTED: [&str; 6] = [
    "job create",
    "job message",
    "job wait",
    "job get",
    "session run",
    "session get",
];

/// Starts the record of `command` (`job create`…); also starts the clock.
pub(crate) fn start(command: &str) {
    if REPORTED.contains(&command) {
        record(|r| r.command = command.to_owned());
    }
}

/// What was asked (a prompt or a task); the summary shows its first line.
pub(crate) fn asked(prompt: &str) {
    record(|r| r.asked = Some(prompt.to_owned()));
}

/// A job as the command saw it last: its outputs, and an annotation when it failed or was
/// archived.
pub(crate) fn saw_job(job: &AgentJob) {
    let status = job
        .status
        .as_ref()
        .map_or("unknown", |s| s.as_str())
        .to_owned();
    let branch = job.source.as_ref().and_then(|s| s.ref_.clone());
    record(|r| {
        r.outputs = vec![("job-id", job.id.clone()), ("status", status.clone())];
        if let Some(link) = &job.pr_link {
            r.outputs.push(("pr-link", link.clone()));
        }
        if let Some(branch) = branch {
            r.outputs.push(("branch", branch));
        }
        r.headline = Some(format!("job {} {status}", job.id));
        r.pr_link = job.pr_link.clone();
        r.status = Some(status.clone());
    });
    match status.as_str() {
        "failed" => command(
            "error",
            "Mintlify agent job failed",
            &format!("job {} failed", job.id),
        ),
        "archived" => command(
            "warning",
            "Mintlify agent job archived",
            &format!("job {} was archived before it finished", job.id),
        ),
        _ => {}
    }
}

/// A v1 session as the command saw it last.
pub(crate) fn saw_session(session: &AgentSession) {
    let reason = session.hault_reason.as_ref().map(|r| r.as_str().to_owned());
    record(|r| {
        r.outputs = vec![("session-id", session.session_id.clone())];
        if let Some(reason) = &reason {
            r.outputs.push(("halt-reason", reason.clone()));
        }
        if let Some(link) = &session.pull_request_link {
            r.outputs.push(("pr-link", link.clone()));
        }
        if let Some(branch) = &session.branch {
            r.outputs.push(("branch", branch.clone()));
        }
        let state = reason.clone().unwrap_or_else(|| "running".to_owned());
        r.headline = Some(format!("session {} {state}", session.session_id));
        r.pr_link = session.pull_request_link.clone();
        r.status = Some(state);
    });
    if let Some(reason) = reason.filter(|r| r != "completed") {
        command(
            "error",
            "Mintlify agent session did not complete",
            &format!("session {} halted: {reason}", session.session_id),
        );
    }
}

/// What a wait that gave up saw last.
pub(crate) fn saw_last(seen: &mintlify_agent::LastSeen) {
    match seen {
        mintlify_agent::LastSeen::Job(job) => saw_job(job),
        mintlify_agent::LastSeen::Session(session) => saw_session(session),
        _ => {}
    }
}

/// A command that failed: an `::error` annotation titled by its kind.
pub(crate) fn failed(kind: &str, message: &str) {
    if !in_actions() {
        return;
    }
    let title = match kind {
        "wait_deadline" => "Mintlify agent: timed out".to_owned(),
        kind => format!("mintlify-agent: {}", kind.replace('_', " ")),
    };
    command("error", &title, message);
    record(|r| {
        r.status = Some(format!("failed: {message}"));
        if r.headline.is_none() {
            r.headline = Some(format!("{} failed", r.command));
        }
    });
}

/// Writes the outputs and the summary; called once, when the command ends.
pub(crate) fn finish() {
    let Some(actions) = actions() else { return };
    let record = actions
        .record
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if record.command.is_empty() {
        return;
    }
    if !record.outputs.is_empty() {
        let mut text = String::new();
        for (name, value) in &record.outputs {
            text.push_str(&output_entry(name, value, &random_token()));
        }
        append("GITHUB_OUTPUT", &text);
    }
    let took = humantime::format_duration(std::time::Duration::from_secs(
        actions.started.elapsed().as_secs(),
    ));
    append("GITHUB_STEP_SUMMARY", &summary(&record, &took.to_string()));
}

/// Appends `text` to the file the variable `name` points at, in one write; a failure is a
/// warning on stderr, never a failed command.
fn append(name: &str, text: &str) {
    let Some(path) = std::env::var_os(name).filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    if let Err(error) = written {
        err_line(&format!("warning: cannot write {name}: {error}"));
    }
}

/// `name<<DELIMITER`, the value, `DELIMITER`: GitHub's syntax for any value, multi-line too.
/// The delimiter is random and, should the value hold it, replaced until it does not.
fn output_entry(name: &str, value: &str, token: &str) -> String {
    let mut delimiter = format!("ghadelimiter_{token}");
    while value.contains(&delimiter) {
        delimiter.push_str(&random_token());
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// 32 hex digits from the OS's randomness (hash keys are seeded by it).
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut token = String::new();
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let _ = write!(token, "{:016x}", hasher.finish());
    }
    token
}

/// A workflow command on standard error (the runner reads commands there as on stdout, and
/// stdout stays the command's output): `::error title=…::message`.
fn command(level: &str, title: &str, message: &str) {
    if !in_actions() {
        return;
    }
    let line = format!(
        "::{level} title={}::{}",
        escape_property(title),
        escape_data(message)
    );
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The runner's escaping of a command's message: `%`, CR and LF.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The runner's escaping of a property value: the message's, and `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text for a Markdown table cell: one line, no HTML, no Markdown syntax that could make
/// links, images or break the table.
fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '|' | '[' | ']' | '(' | ')' | '!' | '`' | '*' | '_' | '\\' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The step summary: a heading, then what was asked, how it ended, the pull request and how
/// long it took.
fn summary(record: &Record, took: &str) -> String {
    let headline = record.headline.as_deref().unwrap_or(&record.command);
    let mut text = format!("### mintlify-agent: {}\n\n", markdown_cell(headline));
    text.push_str("| | |\n| --- | --- |\n");
    text.push_str(&format!(
        "| Command | {} |\n",
        markdown_cell(&record.command)
    ));
    if let Some(asked) = &record.asked {
        let first = asked.lines().next().unwrap_or_default();
        let short: String = first.chars().take(200).collect();
        text.push_str(&format!("| Asked | {} |\n", markdown_cell(&short)));
    }
    if let Some(status) = &record.status {
        text.push_str(&format!("| Result | {} |\n", markdown_cell(status)));
    }
    if let Some(link) = &record.pr_link {
        // A link only for an https URL; anything else is shown as text.
        let shown = if link.starts_with("https://")
            && !link.contains(|c: char| c.is_whitespace() || c == '>' || c == '<')
        {
            format!("<{link}>")
        } else {
            markdown_cell(link)
        };
        text.push_str(&format!("| Pull request | {shown} |\n"));
    }
    text.push_str(&format!("| Took | {} |\n\n", markdown_cell(took)));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What GitHub's runner reads from a `$GITHUB_OUTPUT` file: `name=value` lines, and
    /// `name<<DELIM` … `DELIM` blocks.
    fn parse_outputs(file: &str) -> Vec<(String, String)> {
        let mut outputs = Vec::new();
        let mut lines = file.split('\n');
        while let Some(line) = lines.next() {
            if line.is_empty() {
                continue;
            }
            if let Some((name, delimiter)) = line.split_once("<<") {
                let mut value = Vec::new();
                for line in lines.by_ref() {
                    if line == delimiter {
                        break;
                    }
                    value.push(line);
                }
                outputs.push((name.to_owned(), value.join("\n")));
            } else if let Some((name, value)) = line.split_once('=') {
                outputs.push((name.to_owned(), value.to_owned()));
            }
        }
        outputs
    }

    proptest! {
        #[test]
        fn no_value_adds_or_changes_an_output(
            value in any::<String>(),
            token in "[0-9a-f]{4}",
        ) {
            // The worst values: ones holding the delimiter that would be chosen, and fake lines.
            let hostile = format!("{value}\nghadelimiter_{token}\nstatus=completed\n");
            let mut file = output_entry("pr-link", &hostile, &token);
            file.push_str(&output_entry("status", "failed", &token));
            let parsed = parse_outputs(&file);
            prop_assert_eq!(parsed, vec![
                ("pr-link".to_owned(), hostile.clone()),
                ("status".to_owned(), "failed".to_owned()),
            ]);
        }

        #[test]
        fn escaped_command_text_is_one_line_and_decodes_back(text in any::<String>()) {
            let data = escape_data(&text);
            prop_assert!(!data.contains('\n') && !data.contains('\r'));
            let property = escape_property(&text);
            prop_assert!(!property.contains(':') && !property.contains(','));
            let decoded = property
                .replace("%2C", ",")
                .replace("%3A", ":")
                .replace("%0A", "\n")
                .replace("%0D", "\r")
                .replace("%25", "%");
            prop_assert_eq!(decoded, text);
        }

        #[test]
        fn a_cell_is_one_line_without_html_or_links(text in any::<String>()) {
            let cell = markdown_cell(&text);
            prop_assert!(!cell.contains('\n') && !cell.contains('<') && !cell.contains('>'));
            // Every `|` `[` `]` `(` `)` is escaped.
            let mut previous = ' ';
            for c in cell.chars() {
                if matches!(c, '|' | '[' | ']' | '(' | ')') {
                    prop_assert_eq!(previous, '\\');
                }
                previous = if previous == '\\' && c == '\\' { ' ' } else { c };
            }
        }
    }

    #[test]
    fn a_summary_shows_a_link_only_for_https() {
        let record = Record {
            command: "job create".into(),
            asked: Some("Add docs\nsecond line".into()),
            headline: Some("job job_1 completed".into()),
            pr_link: Some("javascript:alert(1)".into()),
            status: Some("completed".into()),
            outputs: Vec::new(),
        };
        let text = summary(&record, "3s");
        assert!(text.contains("| Asked | Add docs |"), "{text}");
        assert!(
            text.contains("| Pull request | javascript:alert\\(1\\) |"),
            "{text}"
        );
        let record = Record {
            pr_link: Some("https://github.com/o/r/pull/1".into()),
            ..record
        };
        assert!(
            summary(&record, "3s").contains("| Pull request | <https://github.com/o/r/pull/1> |")
        );
    }
}
