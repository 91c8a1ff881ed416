//! `cargo xtask dist --check`: the checked-in files that repeat the version or the owner agree
//! with `[workspace.package]` (`version`, `repository`), the only places they are set.
//!
//! - every `github.com/OWNER/NAME` and `OWNER/NAME@REF` of this repository's NAME, in every
//!   tracked text file, names the owner of `repository` (a fork that changes `repository`
//!   is told each line to change), and every `OWNER/NAME@vX.Y.Z` and
//!   `…/releases/download/vX.Y.Z` names the version;
//! - `action.yml` installs this version by default, from this repository's releases;
//! - path dependencies between the published crates ask for this version;
//! - `CHANGELOG.md` has a section for this version;
//! - release.yml is what dist generates from dist-workspace.toml (`dist plan` fails if not).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{DistError, Release, shown, tool};

/// Files and folders where any owner may appear: the history, and these checks' own tests.
const NOT_SCANNED: [&str; 3] = ["CHANGELOG.md", "Cargo.lock", "xtask/src/dist/"];

/// Every disagreement, one line each.
pub fn check(release: &Release) -> Result<Vec<String>, DistError> {
    let mut problems = Vec::new();
    for file in tracked_files(&release.root)? {
        if NOT_SCANNED.iter().any(|skip| file.starts_with(skip)) {
            continue;
        }
        let path = release.root.join(&file);
        // Binary files and files that vanished from the work tree are not ours to read.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for reference in references(&text, &release.name) {
            if let Some(problem) = reference.problem(release) {
                let line = text[..reference.offset].matches('\n').count() + 1;
                problems.push(format!("{file}:{line}: {problem}"));
            }
        }
    }
    problems.extend(action(release)?);
    problems.extend(path_dependencies(release)?);
    problems.extend(changelog(release)?);
    problems.extend(workflow(release)?);
    Ok(problems)
}

/// One mention of this repository in a file: `OWNER/NAME`, and the `@REF` after it if any.
#[derive(Debug, PartialEq)]
pub struct Reference {
    /// The owner it names.
    pub owner: String,
    /// What follows `@` in an action reference (`v0.1.0`, `main`), or the tag in a release's
    /// URL (`…/releases/download/v0.1.0/…`).
    pub at: Option<String>,
    /// The text as found, for the message.
    pub text: String,
    /// Where it starts in the file (bytes).
    pub offset: usize,
}

impl Reference {
    /// Why this reference disagrees with the release, if it does.
    fn problem(&self, release: &Release) -> Option<String> {
        if self.owner != release.owner {
            return Some(format!(
                "`{}` names the owner {:?}, but [workspace.package] repository is {}",
                self.text, self.owner, release.repository
            ));
        }
        match &self.at {
            Some(at)
                if at.starts_with('v') && at[1..].starts_with(|c: char| c.is_ascii_digit()) =>
            {
                (at[1..] != release.version).then(|| {
                    format!(
                        "`{}` names the version {}, but [workspace.package] version is {}",
                        self.text,
                        &at[1..],
                        release.version
                    )
                })
            }
            _ => None,
        }
    }
}

/// Every `github.com/OWNER/NAME` and `OWNER/NAME@REF` in `text` whose NAME is `name`.
pub fn references(text: &str, name: &str) -> Vec<Reference> {
    let is_part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let needle = format!("/{name}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find(&needle) {
        let slash = from + offset;
        from = slash + needle.len();
        // The name must end here: `mintlify-agent-cli` and `mintlify-agent.js` are other
        // names; `.git` and a full stop are not.
        let after = &text[from..];
        let after = after.strip_prefix(".git").unwrap_or(after);
        let mut next = after.chars();
        let another_name = match (next.next(), next.next()) {
            (Some('.'), Some(c)) => c.is_ascii_alphanumeric(),
            (Some(c), _) => is_part(c) && c != '.',
            (None, _) => false,
        };
        if another_name {
            continue;
        }
        let owner_start = text[..slash]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(0, |i| i + 1);
        let owner = &text[owner_start..slash];
        if owner.is_empty() {
            continue;
        }
        let before = &text[..owner_start];
        // `@REF` of an action, or the tag of a release's download URL.
        let tag = |rest: &str| {
            rest.chars()
                .take_while(|c| is_part(*c) || *c == '/')
                .collect::<String>()
        };
        let at = after.strip_prefix('@').map(tag);
        let release_tag = ["/releases/download/", "/releases/tag/"]
            .iter()
            .find_map(|p| after.strip_prefix(p))
            .map(|rest| tag(rest).split('/').next().unwrap_or_default().to_owned());
        // `github.com/OWNER/NAME`, or an action reference `OWNER/NAME@REF`; paths such as
        // `../mintlify-agent` or `target/mintlify-agent` are neither.
        if !(before.ends_with("github.com/") || at.is_some()) {
            continue;
        }
        let end = text.len() - after.len() + at.as_ref().map_or(0, |a| a.len() + 1);
        found.push(Reference {
            owner: owner.to_owned(),
            at: at.or(release_tag),
            text: text[owner_start..end].to_owned(),
            offset: owner_start,
        });
    }
    found
}

/// action.yml's default version and download URL.
fn action(release: &Release) -> Result<Vec<String>, DistError> {
    let path = release.root.join("action.yml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(vec!["action.yml is missing".to_owned()]);
    };
    let mut problems = Vec::new();
    let default_version = format!("default: \"{}\"", release.version);
    if !input_block(&text, "version").contains(&default_version) {
        problems.push(format!(
            "action.yml: the input `version` must have {default_version} (the workspace's version)"
        ));
    }
    let releases = format!("\"{}/releases\"", release.repository);
    if !text.contains(&releases) {
        problems.push(format!(
            "action.yml: downloads must come from {releases} (the workspace's repository)"
        ));
    }
    Ok(problems)
}

/// The lines of the input `name` in action.yml: after `  name:`, those indented deeper.
fn input_block(text: &str, name: &str) -> String {
    let header = format!("  {name}:");
    text.lines()
        .skip_while(|line| *line != header)
        .skip(1)
        .take_while(|line| line.trim().is_empty() || line.starts_with("   "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Path dependencies between workspace packages, except dev-dependencies (cargo leaves
/// path-only ones out of a published crate), ask for the workspace's version.
fn path_dependencies(release: &Release) -> Result<Vec<String>, DistError> {
    let metadata = super::cargo_metadata(&release.root)?;
    let wanted = format!("^{}", release.version);
    let mut problems = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        if package["publish"] == Value::Array(Vec::new()) {
            continue; // publish = false: never on crates.io
        }
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            if dep["path"].is_null() || dep["kind"] == "dev" {
                continue;
            }
            if dep["req"] != wanted.as_str() {
                problems.push(format!(
                    "{}: the dependency on {} asks for {}, not the workspace's version {}",
                    package["name"].as_str().unwrap_or("?"),
                    dep["name"].as_str().unwrap_or("?"),
                    dep["req"],
                    release.version
                ));
            }
        }
    }
    Ok(problems)
}

/// CHANGELOG.md has a `## [VERSION]` section.
fn changelog(release: &Release) -> Result<Vec<String>, DistError> {
    let path = release.root.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&path).map_err(DistError::io(&path))?;
    let heading = format!("## [{}]", release.version);
    Ok(if text.lines().any(|l| l.starts_with(&heading)) {
        Vec::new()
    } else {
        vec![format!("CHANGELOG.md has no `{heading}` section")]
    })
}

/// `dist plan`: fails when release.yml is not what dist-workspace.toml generates.
fn workflow(release: &Release) -> Result<Vec<String>, DistError> {
    let dist = tool::find(&release.root)?;
    let mut command = Command::new(dist);
    command
        .current_dir(&release.root)
        .args(["plan", "--output-format=json"]);
    let output = command.output().map_err(|e| DistError::Command {
        command: shown(&command),
        detail: e.to_string(),
    })?;
    Ok(if output.status.success() {
        Vec::new()
    } else {
        vec![format!(
            ".github/workflows/release.yml or {}: `dist plan` refused them (run `dist generate`): {}",
            tool::CONFIG,
            String::from_utf8_lossy(&output.stderr).trim()
        )]
    })
}

/// The files git tracks (and those added but not committed), relative to `root`.
fn tracked_files(root: &Path) -> Result<Vec<String>, DistError> {
    let mut command = Command::new("git");
    command.current_dir(root).args([
        "ls-files",
        "--cached",
        "--others",
        "--exclude-standard",
        "-z",
    ]);
    let output = command.output().map_err(|e| DistError::Command {
        command: shown(&command),
        detail: e.to_string(),
    })?;
    if !output.status.success() {
        return Err(DistError::Command {
            command: shown(&command),
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Option<String>)> {
        references(text, "mintlify-agent")
            .into_iter()
            .map(|r| (r.owner, r.at))
            .collect()
    }

    #[test]
    fn references_to_this_repository_and_nothing_else() {
        assert_eq!(
            found(
                "see https://github.com/acme/mintlify-agent/releases and \
                 `uses: acme/mintlify-agent@v0.1.0`, git clone https://github.com/OWNER/mintlify-agent.git \
                 curl https://github.com/acme/mintlify-agent/releases/download/v0.3.0/x.sh"
            ),
            [
                ("acme".to_owned(), None),
                ("acme".to_owned(), Some("v0.1.0".to_owned())),
                ("OWNER".to_owned(), None),
                ("acme".to_owned(), Some("v0.3.0".to_owned())),
            ]
        );
        for other in [
            "https://github.com/acme/mintlify-agent-cli",
            "cargo add --path ../mintlify-agent/generated-client",
            "target/mintlify-agent",
            "https://github.com/acme/other",
            "npm i @scope/mintlify-agent",
        ] {
            assert_eq!(found(other), [], "{other}");
        }
    }

    fn release() -> Release {
        Release {
            root: "/w".into(),
            version: "0.2.0".to_owned(),
            repository: "https://github.com/acme/mintlify-agent".to_owned(),
            owner: "acme".to_owned(),
            name: "mintlify-agent".to_owned(),
            target: "x86_64-unknown-linux-gnu".to_owned(),
            binary: "/w/b".into(),
            out_dir: "/w/target/dist-artifacts".into(),
        }
    }

    #[test]
    fn a_reference_must_name_the_owner_and_the_version() {
        let problems = |text: &str| {
            references(text, "mintlify-agent")
                .iter()
                .filter_map(|r| r.problem(&release()))
                .count()
        };
        assert_eq!(problems("uses: acme/mintlify-agent@v0.2.0"), 0);
        assert_eq!(problems("uses: acme/mintlify-agent@main"), 0);
        assert_eq!(problems("uses: acme/mintlify-agent@v0.1.0"), 1);
        assert_eq!(problems("uses: OWNER/mintlify-agent@v0.2.0"), 1);
        assert_eq!(problems("https://github.com/mintlify/mintlify-agent"), 1);
        assert_eq!(
            problems("https://github.com/acme/mintlify-agent/releases/download/v0.2.0/i.sh"),
            0
        );
        assert_eq!(
            problems("https://github.com/acme/mintlify-agent/releases/download/v0.1.0/i.sh"),
            1
        );
    }

    #[test]
    fn an_inputs_block_ends_at_the_next_input() {
        let text = "inputs:\n  version:\n    description: x\n    default: \"0.2.0\"\n  run:\n    default: \"9\"\n";
        assert!(input_block(text, "version").contains("default: \"0.2.0\""));
        assert!(!input_block(text, "version").contains("\"9\""));
        assert_eq!(input_block(text, "nothing"), "");
    }
}
