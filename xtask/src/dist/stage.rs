//! What the npm, PyPI and MCPB packagers share: the folder each lays its package out in before
//! packing it (`target/dist-stage/<channel>/`, emptied first), the README the registries show,
//! file writes that keep the binary executable, and running their tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{DistError, Release, shown};

/// The README of the npm and PyPI packages, with the version, repository and MCP name filled in.
const README: &str = include_str!("package_readme.md");

/// `target/dist-stage/<channel>/`, emptied: where a packager lays out its package.
pub fn dir(release: &Release, channel: &str) -> Result<PathBuf, DistError> {
    let dir = release.out_dir.with_file_name("dist-stage").join(channel);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(DistError::io(&dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(DistError::io(&dir))?;
    Ok(dir)
}

/// The packages' README (`package_readme.md`), with `{{tag}}`, `{{version}}`, `{{repository}}`
/// and `{{mcp_name}}` filled in. Its last line carries the `mcp-name:` marker
/// that the MCP Registry looks for in the PyPI description.
pub fn readme(release: &Release) -> String {
    README
        .replace("{{tag}}", &release.tag())
        .replace("{{version}}", &release.version)
        .replace("{{repository}}", &release.repository)
        .replace("{{mcp_name}}", &super::registry::mcp_name(release))
}

/// Runs a packaging tool (npm, maturin, the MCPB CLI), its output shown as it goes; an error
/// names the command and how it ended.
pub fn run(command: &mut Command) -> Result<(), DistError> {
    let shown = shown(command);
    let status = command.status().map_err(|e| DistError::Command {
        command: shown.clone(),
        detail: e.to_string(),
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(DistError::Command {
            command: shown,
            detail: status.to_string(),
        })
    }
}

/// Writes `bytes` to `path`.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), DistError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(DistError::io(parent))?;
    }
    std::fs::write(path, bytes).map_err(DistError::io(path))
}

/// Writes `bytes` to `path`, executable by everyone (a launcher script).
pub fn write_executable(path: &Path, bytes: &[u8]) -> Result<(), DistError> {
    write(path, bytes)?;
    make_executable(path)
}

/// Copies the binary `from` to `to`, byte for byte, executable by everyone.
pub fn copy_executable(from: &Path, to: &Path) -> Result<(), DistError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(DistError::io(parent))?;
    }
    std::fs::copy(from, to).map_err(DistError::io(from))?;
    make_executable(to)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), DistError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(DistError::io(path))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), DistError> {
    Ok(())
}

/// A release of version 0.1.0 by `mintlify-agent`, for the packagers' tests.
#[cfg(test)]
pub fn test_release(target: &str) -> Release {
    Release {
        root: PathBuf::from("/ws"),
        version: "0.1.0".to_owned(),
        repository: "https://github.com/mintlify-agent/mintlify-agent".to_owned(),
        owner: "mintlify-agent".to_owned(),
        name: "mintlify-agent".to_owned(),
        target: target.to_owned(),
        binary: PathBuf::from("/ws/target")
            .join(target)
            .join("dist/mintlify-agent"),
        out_dir: PathBuf::from("/ws/target/dist-artifacts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_is_filled_in_and_carries_the_mcp_name() {
        let mut release = test_release("x86_64-unknown-linux-gnu");
        release.version = "2.3.4".to_owned();
        let text = readme(&release);
        assert!(!text.contains("{{"), "{text}");
        assert!(text.contains("releases/tag/v2.3.4"));
        assert!(text.contains("mcp-name: io.github.mintlify-agent/mintlify-agent"));
    }
}
