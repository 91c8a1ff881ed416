//! PyPI: one wheel per platform with maturin's `bindings = "bin"` (as ruff and uv ship), so that
//! `uvx mintlify-agent`, `pipx install mintlify-agent` and `pip install mintlify-agent` put the
//! binary on `PATH` with no Rust and no build.
//!
//! `pyproject.toml` is written at dist time into `target/dist-stage/pypi/` from the workspace's
//! values (the version comes from Cargo through `dynamic = ["version"]`, the owner from the
//! repository), with the packages' README, whose `mcp-name:` line is the registry's ownership
//! marker. maturin (pinned, from PyPI, into `target/dist-tools/`) builds the CLI with the same
//! profile, target and features as the archives; cargo finds it fresh, so the wheel carries the
//! very binary the archive does, which `package` checks byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{BINARY, CLI_PACKAGE, DistError, PROFILE, Release, stage};

/// The maturin that builds the wheels: a prebuilt wheel from PyPI, installed in seconds.
pub const MATURIN: &str = "1.16.0";

/// The wheel's `pyproject.toml`. `manifest_path`: the CLI's `Cargo.toml`, absolute.
pub fn pyproject(release: &Release, manifest_path: &Path) -> String {
    let manifest_path = manifest_path.to_string_lossy().replace('\\', "/");
    format!(
        r#"# Written by `cargo xtask dist` from the workspace's Cargo.toml; not checked in.
[build-system]
requires = ["maturin=={MATURIN}"]
build-backend = "maturin"

[project]
name = "{BINARY}"
description = "Drive Mintlify's agent API from a terminal, a CI script or an AI coding agent (MCP server)"
readme = "README.md"
license = "MIT OR Apache-2.0"
license-files = ["LICENSE-MIT", "LICENSE-APACHE"]
requires-python = ">=3.8"
keywords = ["mintlify", "documentation", "mcp", "mcp-server", "cli"]
classifiers = [
    "Environment :: Console",
    "Intended Audience :: Developers",
    "Programming Language :: Rust",
    "Topic :: Documentation",
    "Topic :: Software Development :: Documentation",
]
dynamic = ["version"]

[project.urls]
Repository = "{repository}"
Issues = "{repository}/issues"
Releases = "{repository}/releases"

[tool.maturin]
bindings = "bin"
manifest-path = "{manifest_path}"
"#,
        repository = release.repository,
    )
}

/// The wheel's file name starts with this (`mintlify_agent-0.1.0-`), and its binary sits at
/// `mintlify_agent-0.1.0.data/scripts/mintlify-agent`.
pub fn wheel_prefix(release: &Release) -> Result<String, DistError> {
    let version = super::registry::pypi_version(&release.version).ok_or_else(|| {
        DistError::Metadata(format!("version {} has no PyPI spelling", release.version))
    })?;
    Ok(format!("{}-{version}-", BINARY.replace('-', "_")))
}

/// Builds the host's wheel into `target/dist-artifacts/`; checks that its binary is the archive's.
pub fn package(release: &Release) -> Result<Vec<PathBuf>, DistError> {
    let stage = stage::dir(release, "pypi")?;
    let manifest = release.root.join("cli").join("Cargo.toml");
    stage::write(
        &stage.join("pyproject.toml"),
        pyproject(release, &manifest).as_bytes(),
    )?;
    stage::write(&stage.join("README.md"), stage::readme(release).as_bytes())?;
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let from = release.root.join(license);
        std::fs::copy(&from, stage.join(license)).map_err(DistError::io(&from))?;
    }

    let tools = Tools::install(release)?;
    let prefix = wheel_prefix(release)?;
    remove_wheels(&release.out_dir, &prefix)?;
    let mut build = Command::new(&tools.maturin);
    build
        .current_dir(&stage)
        .args(["build", "--locked", "--compatibility", "pypi"])
        .args(["--profile", PROFILE, "--target", &release.target])
        .arg("--out")
        .arg(&release.out_dir);
    stage::run(&mut build)?;

    let wheel = only_wheel(&release.out_dir, &prefix)?;
    tools.same_binary(&wheel, &release.binary)?;
    Ok(vec![wheel])
}

/// Where maturin comes from: a venv under `target/dist-tools/`, made once.
struct Tools {
    python: PathBuf,
    maturin: PathBuf,
}

impl Tools {
    fn install(release: &Release) -> Result<Tools, DistError> {
        let venv = release.out_dir.with_file_name("dist-tools").join("maturin");
        let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
        let exe = if cfg!(windows) { ".exe" } else { "" };
        let tools = Tools {
            python: bin.join(format!("python{exe}")),
            maturin: bin.join(format!("maturin{exe}")),
        };
        let installed = Command::new(&tools.maturin)
            .arg("--version")
            .output()
            .is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout).trim() == format!("maturin {MATURIN}")
            });
        if !installed {
            let python = std::env::var_os("PYTHON")
                .unwrap_or_else(|| if cfg!(windows) { "python" } else { "python3" }.into());
            stage::run(Command::new(python).args(["-m", "venv"]).arg(&venv))?;
            stage::run(Command::new(&tools.python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                &format!("maturin=={MATURIN}"),
            ]))?;
        }
        Ok(tools)
    }

    /// Fails unless the wheel's binary is byte for byte `binary` (Python's zipfile reads the
    /// wheel: Python is here anyway, for maturin).
    fn same_binary(&self, wheel: &Path, binary: &Path) -> Result<(), DistError> {
        const SCRIPT: &str = r#"
import sys, zipfile
wheel, binary, name = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    found = [m for m in z.namelist() if m.endswith(".data/scripts/" + name)]
    if len(found) != 1:
        sys.exit(f"{wheel} has {len(found)} files named {name} in .data/scripts: {found}")
    inside = z.read(found[0])
with open(binary, "rb") as f:
    built = f.read()
if inside != built:
    sys.exit(f"{found[0]} ({len(inside)} bytes) is not {binary} ({len(built)} bytes)")
"#;
        let name = binary
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        stage::run(
            Command::new(&self.python)
                .args(["-c", SCRIPT])
                .arg(wheel)
                .arg(binary)
                .arg(name),
        )
        .map_err(|error| {
            DistError::Metadata(format!(
                "the wheel's binary is not the archive's ({error}): maturin rebuilt \
                 {CLI_PACKAGE} with other settings than `cargo build --profile {PROFILE}`"
            ))
        })
    }
}

/// Removes earlier wheels of this version, so that exactly one is found after the build.
fn remove_wheels(out: &Path, prefix: &str) -> Result<(), DistError> {
    for wheel in wheels(out, prefix)? {
        std::fs::remove_file(&wheel).map_err(DistError::io(&wheel))?;
    }
    Ok(())
}

fn only_wheel(out: &Path, prefix: &str) -> Result<PathBuf, DistError> {
    let mut found = wheels(out, prefix)?;
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(DistError::Metadata(format!(
            "expected one wheel {prefix}*.whl in {}, found {n}: did maturin spell the version \
             as PyPI does?",
            out.display()
        ))),
    }
}

fn wheels(out: &Path, prefix: &str) -> Result<Vec<PathBuf>, DistError> {
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(DistError::io(out)(error)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(DistError::io(out))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with(prefix) && name.ends_with(".whl") {
            found.push(path);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::stage::test_release;

    #[test]
    fn the_pyproject_names_the_package_and_takes_the_version_from_cargo() {
        let release = test_release("x86_64-unknown-linux-gnu");
        let text = pyproject(&release, Path::new("C:\\ws\\cli\\Cargo.toml"));
        assert!(text.contains("name = \"mintlify-agent\""));
        assert!(text.contains("bindings = \"bin\""));
        assert!(text.contains("dynamic = [\"version\"]"));
        assert!(text.contains("manifest-path = \"C:/ws/cli/Cargo.toml\""));
        assert!(text.contains("Repository = \"https://github.com/mintlify-agent/mintlify-agent\""));
        assert!(
            !text.contains("version = \""),
            "the version is Cargo's alone"
        );
    }

    #[test]
    fn wheels_are_found_by_their_version() {
        let mut release = test_release("x86_64-unknown-linux-gnu");
        assert_eq!(wheel_prefix(&release).unwrap(), "mintlify_agent-0.1.0-");
        release.version = "0.2.0-rc.2".to_owned();
        assert_eq!(wheel_prefix(&release).unwrap(), "mintlify_agent-0.2.0rc2-");

        let out = tempfile::tempdir().unwrap();
        assert!(only_wheel(out.path(), "mintlify_agent-0.2.0rc2-").is_err());
        for name in [
            "mintlify_agent-0.2.0rc2-py3-none-manylinux_2_34_x86_64.whl",
            "mintlify_agent-0.1.0-py3-none-manylinux_2_34_x86_64.whl",
            "mintlify_agent-0.2.0rc2.tar.gz",
        ] {
            std::fs::write(out.path().join(name), b"").unwrap();
        }
        let wheel = only_wheel(out.path(), "mintlify_agent-0.2.0rc2-").unwrap();
        assert!(wheel.ends_with("mintlify_agent-0.2.0rc2-py3-none-manylinux_2_34_x86_64.whl"));
        remove_wheels(out.path(), "mintlify_agent-0.2.0rc2-").unwrap();
        assert!(only_wheel(out.path(), "mintlify_agent-0.2.0rc2-").is_err());
        assert!(
            out.path()
                .join("mintlify_agent-0.1.0-py3-none-manylinux_2_34_x86_64.whl")
                .exists()
        );
    }
}
