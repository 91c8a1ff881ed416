//! The local history of jobs this machine started: `job create` and `job message` append one
//! JSON line each to `$XDG_STATE_HOME/mintlify-agent/history.jsonl` (by default
//! `~/.local/state/…`), mode 0600, and a line with the status whenever a job started here is
//! seen again. `job list` and `job wait --last` read it. v2 has no list endpoint: this is how an
//! id that scrolled away is found again.
//!
//! Each line is written with one `write` on a file opened with `O_APPEND`, so that two CLIs
//! appending at once never interleave their lines. The key is never written (the base URL the
//! client uses holds none: it refuses user names, passwords and queries). `MINTLIFY_NO_HISTORY=1`
//! turns it off; `--fake` runs do not write it. A history that cannot be read or written is a
//! warning, never a failed command.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mintlify_agent::v2::types::AgentJob;
use serde::{Deserialize, Serialize};

use crate::output::sink::err_line;

/// The longest prompt line kept, in characters.
const PROMPT_CHARS: usize = 200;

/// One line of the history.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// `create`, `message` (something was started) or `seen` (a status read later).
    pub event: String,
    /// The job id.
    pub id: String,
    /// The API's base URL, as the client uses it.
    pub base_url: String,
    /// The project.
    pub project: String,
    /// The first line of the prompt (for `create` and `message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// The status the command saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A job in `job list`: what started it and the last status seen.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Job {
    /// The job id.
    pub id: String,
    /// The last status seen.
    pub status: Option<String>,
    /// The first line of the prompt that created it (or of the last follow-up, when its
    /// creation is not in the history).
    pub prompt: Option<String>,
    /// When it was last started here (created or sent a message).
    pub started_at: String,
    /// When its status was last seen.
    pub seen_at: String,
    /// The base URL.
    pub base_url: String,
    /// The project.
    pub project: String,
}

/// Where the history goes for this command, when it is on.
struct Place {
    file: PathBuf,
    base_url: String,
    project: String,
}

static PLACE: OnceLock<Option<Place>> = OnceLock::new();

/// Whether `MINTLIFY_NO_HISTORY` turns the history off: any value but empty, `0`, `false`, `no`.
pub fn disabled_by_env() -> bool {
    std::env::var("MINTLIFY_NO_HISTORY").is_ok_and(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no" | "off"
        )
    })
}

/// The history file: `$XDG_STATE_HOME/mintlify-agent/history.jsonl`, or under
/// `~/.local/state` when that is unset or not absolute (as the XDG spec says to ignore it).
pub fn file() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|home| home.join(".local").join("state"))
        })?;
    Some(state.join("mintlify-agent").join("history.jsonl"))
}

/// Turns the history on for this command's base URL and project (unless disabled or fake).
pub fn configure(base_url: &str, project: &str, write: bool) {
    let place = (write && !disabled_by_env())
        .then(file)
        .flatten()
        .map(|file| Place {
            file,
            base_url: base_url.to_owned(),
            project: project.to_owned(),
        });
    let _ = PLACE.set(place);
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

fn first_line(prompt: &str) -> String {
    let line = prompt.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().chars().take(PROMPT_CHARS).collect()
}

/// Records that `event` (`create`, `message`) started `job` with `prompt`.
pub fn started(event: &str, job: &AgentJob, prompt: &str) {
    let Some(Some(place)) = PLACE.get() else {
        return;
    };
    append_entry(
        &place.file,
        &Entry {
            event: event.to_owned(),
            id: job.id.clone(),
            base_url: place.base_url.clone(),
            project: place.project.clone(),
            prompt: Some(first_line(prompt)),
            at: now(),
            status: job.status.as_ref().map(|s| s.as_str().to_owned()),
        },
    );
}

/// Records the status of `job`, if it was started here and the status changed.
pub fn seen(job: &AgentJob) {
    let Some(Some(place)) = PLACE.get() else {
        return;
    };
    let status = job.status.as_ref().map(|s| s.as_str().to_owned());
    let (entries, _) = read(&place.file);
    let known = list(&entries, &place.base_url, &place.project)
        .into_iter()
        .find(|j| j.id == job.id);
    if known.is_some_and(|known| known.status != status) {
        append_entry(
            &place.file,
            &Entry {
                event: "seen".to_owned(),
                id: job.id.clone(),
                base_url: place.base_url.clone(),
                project: place.project.clone(),
                prompt: None,
                at: now(),
                status,
            },
        );
    }
}

/// Appends one entry as one line, in one write; a failure is a warning.
fn append_entry(file: &Path, entry: &Entry) {
    if let Err(error) = append(file, entry) {
        err_line(&format!(
            "warning: cannot write the history {}: {error} (MINTLIFY_NO_HISTORY=1 turns it off)",
            file.display()
        ));
    }
}

/// Appends `entry` to `file`: the directory made 0700 and the file 0600 when new, the line
/// written by one `write` with `O_APPEND`.
pub fn append(file: &Path, entry: &Entry) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut handle = options.open(file)?;
    // One call: with O_APPEND the kernel places the whole buffer at the end at once.
    let written = handle.write(&line)?;
    if written != line.len() {
        return Err(std::io::Error::other("the line was written only in part"));
    }
    Ok(())
}

/// The entries of `file` and how many lines could not be read; a missing file is empty.
pub fn read(file: &Path) -> (Vec<Entry>, usize) {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), 0),
        Err(error) => {
            err_line(&format!(
                "warning: cannot read the history {}: {error}",
                file.display()
            ));
            return (Vec::new(), 0);
        }
    };
    let mut bad = 0;
    let entries = bytes
        .split(|b| *b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .filter_map(|line| {
            let entry = serde_json::from_slice::<Entry>(line).ok();
            bad += usize::from(entry.is_none());
            entry
        })
        .collect();
    (entries, bad)
}

/// The jobs started for `base_url` and `project`, newest first.
pub fn list(entries: &[Entry], base_url: &str, project: &str) -> Vec<Job> {
    let mut jobs: HashMap<&str, Job> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for entry in entries
        .iter()
        .filter(|e| e.base_url == base_url && e.project == project)
    {
        let starts = entry.event != "seen";
        match jobs.get_mut(entry.id.as_str()) {
            Some(job) => {
                if starts {
                    job.started_at = entry.at.clone();
                    if job.prompt.is_none() || entry.event == "create" {
                        job.prompt = entry.prompt.clone().or(job.prompt.take());
                    }
                    order.retain(|id| *id != entry.id);
                    order.push(&entry.id);
                }
                job.status = entry.status.clone().or(job.status.take());
                job.seen_at = entry.at.clone();
            }
            None if starts => {
                jobs.insert(
                    &entry.id,
                    Job {
                        id: entry.id.clone(),
                        status: entry.status.clone(),
                        prompt: entry.prompt.clone(),
                        started_at: entry.at.clone(),
                        seen_at: entry.at.clone(),
                        base_url: entry.base_url.clone(),
                        project: entry.project.clone(),
                    },
                );
                order.push(&entry.id);
            }
            // A status of a job not started here is not listed.
            None => {}
        }
    }
    order
        .iter()
        .rev()
        .filter_map(|id| jobs.remove(id))
        .collect()
}

/// The jobs for this base URL and project from the history file, newest first; a corrupt or
/// unreadable file is a warning and gives what could be read.
pub fn jobs(base_url: &str, project: &str) -> Vec<Job> {
    let Some(file) = file() else {
        err_line("warning: no history: neither XDG_STATE_HOME nor HOME is set");
        return Vec::new();
    };
    let (entries, bad) = read(&file);
    if bad > 0 {
        err_line(&format!(
            "warning: skipped {bad} unreadable line(s) of the history {}",
            file.display()
        ));
    }
    list(&entries, base_url, project)
}

/// A base URL as the client writes it (no trailing slash), for a command that builds no client.
pub fn normalized_base_url(url: &str) -> String {
    match mintlify_agent::reqwest::Url::parse(url.trim()) {
        Ok(url) => url.as_str().trim_end_matches('/').to_owned(),
        Err(_) => url.trim().trim_end_matches('/').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(event: &str, id: &str, at: &str, status: Option<&str>, prompt: Option<&str>) -> Entry {
        Entry {
            event: event.into(),
            id: id.into(),
            base_url: "https://api".into(),
            project: "p".into(),
            prompt: prompt.map(Into::into),
            at: at.into(),
            status: status.map(Into::into),
        }
    }

    #[test]
    fn the_newest_start_comes_first_and_the_last_status_wins() {
        let mut other = entry("create", "job_x", "t0", Some("active"), Some("other"));
        other.project = "q".into();
        let entries = vec![
            entry("create", "job_1", "t1", Some("active"), Some("first")),
            entry("create", "job_2", "t2", Some("active"), Some("second")),
            other,
            entry("seen", "job_1", "t3", Some("completed"), None),
            entry("seen", "job_9", "t3", Some("failed"), None),
            entry("message", "job_1", "t4", Some("active"), Some("follow-up")),
        ];
        let jobs = list(&entries, "https://api", "p");
        let ids: Vec<_> = jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["job_1", "job_2"]);
        assert_eq!(jobs[0].status.as_deref(), Some("active"));
        assert_eq!(jobs[0].prompt.as_deref(), Some("first"));
        assert_eq!(jobs[0].started_at, "t4");
    }

    #[test]
    fn a_prompt_keeps_its_first_line_only() {
        assert_eq!(first_line("\n\n  Add docs  \nmore"), "Add docs");
        assert_eq!(first_line(&"x".repeat(500)).len(), PROMPT_CHARS);
    }

    proptest! {
        #[test]
        fn any_entry_is_one_line_that_reads_back(
            id in any::<String>(), prompt in any::<String>(), status in any::<String>()
        ) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("h.jsonl");
            let written = entry("create", &id, "t", Some(&status), Some(&prompt));
            append(&file, &written).unwrap();
            let text = std::fs::read(&file).unwrap();
            prop_assert_eq!(text.iter().filter(|b| **b == b'\n').count(), 1);
            let (entries, bad) = read(&file);
            prop_assert_eq!(bad, 0);
            prop_assert_eq!(entries, vec![written]);
        }

        #[test]
        fn garbage_lines_are_skipped_not_fatal(junk in proptest::collection::vec(any::<Vec<u8>>(), 0..5)) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("h.jsonl");
            let good = entry("create", "job_1", "t", None, None);
            let mut bytes = Vec::new();
            for line in &junk {
                bytes.extend(line.iter().filter(|b| **b != b'\n'));
                bytes.push(b'\n');
            }
            std::fs::write(&file, &bytes).unwrap();
            append(&file, &good).unwrap();
            let (entries, _) = read(&file);
            prop_assert_eq!(entries.last(), Some(&good));
        }
    }
}
