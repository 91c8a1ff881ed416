//! What the user hands the command, checked before any request: prompts (as an argument, `-`
//! for standard input, or `--file`), ids and the project id.

use std::io::Read;
use std::path::Path;

use crate::outcome::Failure;

/// Where a prompt comes from.
#[derive(Debug)]
pub(crate) enum PromptSource<'a> {
    /// The words on the command line (`-` alone: standard input).
    Words(&'a [String]),
    /// A file.
    File(&'a Path),
}

/// The prompt, read and checked: not empty or blank. `name` is the argument as `--help` shows
/// it (`PROMPT`), for the message. `stdin_taken` says the key already comes from standard input.
pub(crate) async fn prompt(
    source: PromptSource<'_>,
    name: &str,
    stdin_taken: bool,
) -> Result<String, Failure> {
    let text = match source {
        PromptSource::Words([dash]) if dash == "-" => {
            if stdin_taken {
                return Err(Failure::Usage(format!(
                    "{name} is `-` (standard input), but --api-key-stdin reads the key from \
                     there: give the prompt with --file PATH, or the key in MINTLIFY_API_KEY"
                )));
            }
            let bytes = read_stdin().await.map_err(|e| {
                Failure::Usage(format!("cannot read {name} from standard input: {e}"))
            })?;
            String::from_utf8(bytes).map_err(|_| {
                Failure::Usage(format!("{name} on standard input is not valid UTF-8"))
            })?
        }
        PromptSource::Words(words) => words.join(" "),
        PromptSource::File(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                Failure::Usage(format!("cannot read {name} from {}: {e}", path.display()))
            })?;
            String::from_utf8(bytes).map_err(|_| {
                Failure::Usage(format!("{name} in {} is not valid UTF-8", path.display()))
            })?
        }
    };
    checked_prompt(text, name)
}

/// A prompt given as text (not read from anywhere), checked as [`prompt`] checks it.
pub(crate) fn checked_prompt(text: String, name: &str) -> Result<String, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::Usage(format!(
            "{name} is empty: say what the agent should do"
        )));
    }
    Ok(text)
}

/// `id` checked as a path segment: not empty, `.` or `..` (no URL can carry those).
pub(crate) fn id<'a>(id: &'a str, name: &str) -> Result<&'a str, Failure> {
    if matches!(id, "" | "." | "..") {
        return Err(Failure::Usage(format!(
            "{name} cannot be empty, `.` or `..` (got {id:?})"
        )));
    }
    Ok(id)
}

/// All of standard input, read on a blocking thread so that Ctrl-C is still heard meanwhile.
pub(crate) async fn read_stdin() -> std::io::Result<Vec<u8>> {
    let read = tokio::task::spawn_blocking(|| {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    });
    read.await.map_err(std::io::Error::other)?
}
