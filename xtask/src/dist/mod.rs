//! `cargo xtask dist`: every artifact of a release, built for this machine's target (or the
//! one `--target` names) into `target/dist-artifacts/`, each file printed with its size;
//! `--check` instead fails when a checked-in file disagrees with the workspace's version or
//! owner.
//!
//! One [`Release`] describes what is shipped (read from the root `Cargo.toml`'s
//! `[workspace.package]`: `version` and `repository`, the only places they are set). The CLI is
//! built once, by cargo-dist's `dist build --artifacts=local` for the target (profile `dist`,
//! default features); each packager then turns it into its artifacts. Each runner of the release
//! workflow runs this same command for its own target (`.github/workflows/build-release.yml`), so
//! what CI tests here is what the workflow builds:
//!
//! | module | writes |
//! | --- | --- |
//! | `archive` | `mintlify-agent-cli-<triple>.tar.gz` (`.zip` on Windows) and its `.sha256` |
//! | `installers` | the shell and PowerShell installers, `sha256.sum`, `dist-manifest.json` |
//! | `npm` | `mintlify-agent-<version>.tgz` and the host's `mintlify-agent-cli-<os>-<cpu>-<version>.tgz` (`npm pack`) |
//! | `wheel` | `mintlify_agent-<version>-py3-none-<platform>.whl` (maturin), its binary the archive's |
//! | `mcpb` | `mintlify-agent-<triple>.mcpb` (the MCPB CLI) |
//! | `registry` | `server.json`, which must equal the checked-in one at the root |
//!
//! `stage` is what the npm, PyPI and MCPB packagers share: the folder each lays its package out
//! in (`target/dist-stage/`), the README the registries show, executable file writes. Their
//! tools (maturin, the MCPB CLI) are pinned and installed into `target/dist-tools/`.
//!
//! A packager is `fn package(release: &Release) -> Result<Vec<PathBuf>, DistError>` (the files
//! it wrote); one that derives checked-in files from the version or the owner also has
//! `fn check(release: &Release) -> Result<Vec<String>, DistError>` (one line per disagreement).

mod archive;
mod derived;
mod installers;
mod mcpb;
mod npm;
mod registry;
mod stage;
mod tool;
mod wheel;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The package whose binary is shipped.
pub const CLI_PACKAGE: &str = "mintlify-agent-cli";
/// The shipped binary's name (without `.exe`).
pub const BINARY: &str = "mintlify-agent";
/// The Cargo profile that builds the shipped binary (root `Cargo.toml`, `[profile.dist]`).
pub const PROFILE: &str = "dist";

/// What one release ships, as every packager needs it.
#[derive(Debug, Clone)]
pub struct Release {
    /// The workspace root.
    pub root: PathBuf,
    /// The version of every artifact (`0.1.0`), from `[workspace.package] version`.
    pub version: String,
    /// The repository URL, from `[workspace.package] repository`
    /// (`https://github.com/OWNER/NAME`).
    pub repository: String,
    /// The repository's owner (`OWNER` above).
    pub owner: String,
    /// The repository's name (`NAME` above).
    pub name: String,
    /// The target triple the binary is built for (this machine's unless `--target` says).
    pub target: String,
    /// The built binary (it exists once [`build`] has run).
    pub binary: PathBuf,
    /// Where the artifacts go: `target/dist-artifacts/` (`target/dist/` is cargo's folder for
    /// the `dist` profile, which cargo-dist builds with).
    pub out_dir: PathBuf,
}

impl Release {
    /// The release described by the workspace at `root`, for `target` (this machine's when
    /// `None`).
    pub fn from_workspace(root: &Path, target: Option<&str>) -> Result<Release, DistError> {
        let metadata = cargo_metadata(root)?;
        let target = match target {
            Some(target) => target.to_owned(),
            None => host_target()?,
        };
        Release::from_metadata(root, &metadata, &target)
    }

    /// The release from `cargo metadata`'s output: the CLI package's version and repository
    /// (both inherited from `[workspace.package]`), for `target`.
    pub fn from_metadata(
        root: &Path,
        metadata: &Value,
        target: &str,
    ) -> Result<Release, DistError> {
        let package = metadata["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == CLI_PACKAGE && p["source"].is_null())
            .ok_or_else(|| DistError::Metadata(format!("no workspace package `{CLI_PACKAGE}`")))?;
        let version = package["version"]
            .as_str()
            .ok_or_else(|| DistError::Metadata(format!("`{CLI_PACKAGE}` has no version")))?
            .to_owned();
        let repository = package["repository"]
            .as_str()
            .ok_or_else(|| {
                DistError::Metadata(format!(
                    "`{CLI_PACKAGE}` has no repository: set `repository.workspace = true` and \
                     `[workspace.package] repository`"
                ))
            })?
            .to_owned();
        let (owner, name) = github_owner_and_name(&repository)?;
        let target_dir = metadata["target_directory"]
            .as_str()
            .map_or_else(|| root.join("target"), PathBuf::from);
        let exe = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };
        Ok(Release {
            root: root.to_owned(),
            version,
            owner,
            name,
            binary: target_dir
                .join(target)
                .join(PROFILE)
                .join(format!("{BINARY}{exe}")),
            out_dir: target_dir.join("dist-artifacts"),
            target: target.to_owned(),
            repository,
        })
    }

    /// The tag a release is published under: `v0.1.0`.
    pub fn tag(&self) -> String {
        format!("v{}", self.version)
    }
}

/// Why `cargo xtask dist` could not build or check a release.
#[derive(Debug)]
pub enum DistError {
    /// The workspace's metadata is not what a release needs.
    Metadata(String),
    /// A command (cargo, a packaging tool) could not start, or failed.
    Command {
        /// The command, as a person would type it.
        command: String,
        /// What went wrong: its standard error, or why it did not start.
        detail: String,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

impl fmt::Display for DistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DistError::Metadata(message) => write!(f, "{message}"),
            DistError::Command { command, detail } => write!(f, "`{command}` failed: {detail}"),
            DistError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for DistError {}

impl DistError {
    /// A failed read or write of `path`.
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DistError + '_ {
        move |source| DistError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// A packager: the files it wrote into `target/dist-artifacts/`.
type Packager = fn(&Release) -> Result<Vec<PathBuf>, DistError>;
/// A check of checked-in files: one line per disagreement.
type Check = fn(&Release) -> Result<Vec<String>, DistError>;

/// Builds the release for `target` (this machine's when `None`) into `target/dist-artifacts/`;
/// returns each file written with its size, as lines to print.
pub fn run(root: &Path, target: Option<&str>) -> Result<Vec<String>, DistError> {
    let release = Release::from_workspace(root, target)?;
    let started = std::time::Instant::now();
    build(&release)?;
    let built = started.elapsed();
    // Each packager in turn; the order matters only for the printed list.
    let packagers: [Packager; 6] = [
        archive::package,
        installers::package,
        npm::package,
        wheel::package,
        mcpb::package,
        registry::package,
    ];
    let mut written = Vec::new();
    for package in packagers {
        written.extend(package(&release)?);
    }
    let mut lines = Vec::new();
    for path in &written {
        let size = std::fs::metadata(path).map_err(DistError::io(path))?.len();
        lines.push(format!("{:>12}  {}", size, path.display()));
    }
    lines.push(format!(
        "{} {} for {}: {} files in {} (built in {:.0?}, packaged in {:.0?})",
        BINARY,
        release.version,
        release.target,
        written.len(),
        release.out_dir.display(),
        built,
        started.elapsed() - built,
    ));
    Ok(lines)
}

/// Checks that the checked-in files derived from the version and the owner agree with them;
/// returns one line per disagreement (none: all agree).
pub fn check(root: &Path) -> Result<Vec<String>, DistError> {
    let release = Release::from_workspace(root, None)?;
    let checks: [Check; 2] = [derived::check, registry::check];
    let mut problems = Vec::new();
    for check in checks {
        problems.extend(check(&release)?);
    }
    Ok(problems)
}

/// Builds the CLI with the `dist` profile for the release's target, and its archive, with
/// `dist build --artifacts=local` (into `target/distrib/`); empties `target/dist-artifacts/` and
/// `target/distrib/` first, so that nothing of an earlier build is taken for this one.
pub fn build(release: &Release) -> Result<(), DistError> {
    let dist = tool::find(&release.root)?;
    for dir in [tool::distrib_dir(release), release.out_dir.clone()] {
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DistError::io(&dir)(e)),
        }
        std::fs::create_dir_all(&dir).map_err(DistError::io(&dir))?;
    }
    tool::build(&dist, release, tool::Artifacts::Local)?;
    if release.binary.is_file() {
        Ok(())
    } else {
        Err(DistError::Metadata(format!(
            "dist built no {} (profile {PROFILE}?)",
            release.binary.display()
        )))
    }
}

/// A command as a person would type it.
fn shown(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn cargo_metadata(root: &Path) -> Result<Value, DistError> {
    let mut command = Command::new(cargo());
    command
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"));
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
    serde_json::from_slice(&output.stdout).map_err(|e| {
        DistError::Metadata(format!(
            "cargo metadata wrote something that is not JSON: {e}"
        ))
    })
}

/// This machine's target triple, as rustc names it.
fn host_target() -> Result<String, DistError> {
    let mut command = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    command.arg("-vV");
    let output = command.output().map_err(|e| DistError::Command {
        command: shown(&command),
        detail: e.to_string(),
    })?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| DistError::Metadata("`rustc -vV` names no host".to_owned()))
}

/// `OWNER` and `NAME` of `https://github.com/OWNER/NAME`; anything else is refused, since the
/// installers and the action download from GitHub releases.
pub fn github_owner_and_name(repository: &str) -> Result<(String, String), DistError> {
    let refused = || {
        DistError::Metadata(format!(
            "[workspace.package] repository = {repository:?}: expected https://github.com/OWNER/NAME"
        ))
    };
    let rest = repository
        .strip_prefix("https://github.com/")
        .ok_or_else(refused)?;
    let (owner, name) = rest.split_once('/').ok_or_else(refused)?;
    let valid = |s: &str| {
        !s.is_empty()
            && !s.starts_with(['.', '-'])
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if valid(owner) && valid(name) && owner != "OWNER" {
        Ok((owner.to_owned(), name.to_owned()))
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_and_name_of_a_github_url() {
        assert_eq!(
            github_owner_and_name("https://github.com/mintlify-agent/mintlify-agent").unwrap(),
            ("mintlify-agent".to_owned(), "mintlify-agent".to_owned())
        );
        for bad in [
            "https://github.com/OWNER/mintlify-agent",
            "https://github.com/mintlify-agent",
            "https://github.com/a/b/c",
            "https://github.com//b",
            "http://github.com/a/b",
            "https://gitlab.com/a/b",
            "https://github.com/a/b c",
            "https://github.com/a/$(reboot)",
            "https://github.com/../b",
        ] {
            assert!(github_owner_and_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_release_from_metadata() {
        let metadata = serde_json::json!({
            "target_directory": "/w/target",
            "packages": [
                {"name": "mintlify-agent-cli", "source": null, "version": "1.2.3",
                 "repository": "https://github.com/acme/agent"},
            ],
        });
        let release =
            Release::from_metadata(Path::new("/w"), &metadata, "x86_64-pc-windows-msvc").unwrap();
        assert_eq!(release.version, "1.2.3");
        assert_eq!(
            (release.owner.as_str(), release.name.as_str()),
            ("acme", "agent")
        );
        assert_eq!(
            release.binary,
            Path::new("/w/target/x86_64-pc-windows-msvc/dist/mintlify-agent.exe")
        );
        assert_eq!(release.out_dir, Path::new("/w/target/dist-artifacts"));
        assert_eq!(release.tag(), "v1.2.3");
    }
}
