//! The `dist` tool (cargo-dist, axodotdev) that builds the archives and installers: found, held
//! to the version the release workflow installs, and run the way that workflow runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{DistError, Release, shown};

/// The file that configures dist and pins its version (`cargo-dist-version`).
pub const CONFIG: &str = "dist-workspace.toml";

/// The `dist` executable: `$DIST`, else `dist` on `PATH`; refused unless it is the version the
/// release workflow installs, so that the archives built here are the workflow's.
pub fn find(root: &Path) -> Result<PathBuf, DistError> {
    let pinned = pinned_version(root)?;
    let program = std::env::var_os("DIST")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("dist"), PathBuf::from);
    let install = format!(
        "install it with `pip install astral-dev-toolchain-cargo-dist=={pinned}` (a build of \
         cargo-dist's tag v{pinned}; .ci/run does this in .ci/.venv) or `cargo install \
         cargo-dist --version {pinned} --locked`, then put it on PATH or set DIST=/path/to/dist"
    );
    let output = Command::new(&program)
        .arg("--version")
        .output()
        .map_err(|e| DistError::Command {
            command: format!("{} --version", program.display()),
            detail: format!("{e}: {install}"),
        })?;
    let said = String::from_utf8_lossy(&output.stdout);
    let version = said.split_whitespace().nth(1).unwrap_or_default();
    if version != pinned {
        return Err(DistError::Metadata(format!(
            "{} is dist {version:?}, but {CONFIG} pins cargo-dist-version = \"{pinned}\": {install}",
            program.display()
        )));
    }
    Ok(program)
}

/// `cargo-dist-version` from `dist-workspace.toml`.
pub fn pinned_version(root: &Path) -> Result<String, DistError> {
    let path = root.join(CONFIG);
    let text = std::fs::read_to_string(&path).map_err(DistError::io(&path))?;
    text.lines()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "cargo-dist-version").then(|| value.trim().trim_matches('"').to_owned())
        })
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            DistError::Metadata(format!("{} sets no cargo-dist-version", path.display()))
        })
}

/// Which half of the release a `dist build` makes: the archive of one target (each runner of
/// the workflow), or the files made once (installers, checksums, the source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifacts {
    /// `--artifacts=local --target=TRIPLE`: builds the CLI (profile `dist`) and its archive.
    Local,
    /// `--artifacts=global`: the installers, from the local builds' manifests beside them.
    Global,
}

/// Runs `dist build` as release.yml does, saves its manifest where the workflow does
/// (`target/distrib/<name>-dist-manifest.json`, which the global build reads for the
/// installers' checksums) and returns the files it says to upload.
pub fn build(
    dist: &Path,
    release: &Release,
    artifacts: Artifacts,
) -> Result<Vec<PathBuf>, DistError> {
    let mut command = Command::new(dist);
    command
        .current_dir(&release.root)
        .arg("build")
        .arg(format!("--tag={}", release.tag()))
        .arg("--output-format=json");
    let manifest_name = match artifacts {
        Artifacts::Local => {
            command
                .arg("--artifacts=local")
                .arg(format!("--target={}", release.target));
            format!("{}-dist-manifest.json", release.target)
        }
        Artifacts::Global => {
            command.arg("--artifacts=global");
            "global-dist-manifest.json".to_owned()
        }
    };
    let shown = shown(&command);
    // Cargo's progress and dist's own lines stay on the terminal; the manifest is stdout.
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| DistError::Command {
            command: shown.clone(),
            detail: e.to_string(),
        })?;
    if !output.status.success() {
        return Err(DistError::Command {
            command: shown,
            detail: output.status.to_string(),
        });
    }
    let distrib = distrib_dir(release);
    let manifest_path = distrib.join(manifest_name);
    std::fs::write(&manifest_path, &output.stdout).map_err(DistError::io(&manifest_path))?;
    let manifest: Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        DistError::Metadata(format!("`{shown}` wrote a manifest that is not JSON: {e}"))
    })?;
    upload_files(&manifest)
}

/// Where dist writes: `target/distrib/`.
pub fn distrib_dir(release: &Release) -> PathBuf {
    release
        .out_dir
        .parent()
        .map_or_else(|| release.root.join("target"), Path::to_owned)
        .join("distrib")
}

/// The files a dist manifest lists under `upload_files`: what the release gets.
pub fn upload_files(manifest: &Value) -> Result<Vec<PathBuf>, DistError> {
    let files = manifest["upload_files"]
        .as_array()
        .ok_or_else(|| DistError::Metadata("dist's manifest has no upload_files".to_owned()))?;
    files
        .iter()
        .map(|f| {
            f.as_str()
                .map(PathBuf::from)
                .ok_or_else(|| DistError::Metadata(format!("dist listed {f} as a file")))
        })
        .collect()
}

/// Copies `files` into `dir` under their own names; returns the copies.
pub fn copy_into(files: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>, DistError> {
    files
        .iter()
        .map(|file| {
            let name = file.file_name().ok_or_else(|| {
                DistError::Metadata(format!("dist listed {} as a file", file.display()))
            })?;
            let copy = dir.join(name);
            std::fs::copy(file, &copy).map_err(DistError::io(file))?;
            Ok(copy)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_version_is_read_from_the_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG),
            "[dist]\n# cargo-dist-version = \"0.1.0\" is not this line\ncargo-dist-version = \"0.33.0\"\n",
        )
        .unwrap();
        assert_eq!(pinned_version(dir.path()).unwrap(), "0.33.0");
        std::fs::write(dir.path().join(CONFIG), "[dist]\n").unwrap();
        assert!(pinned_version(dir.path()).is_err());
    }

    #[test]
    fn upload_files_are_the_manifests_list() {
        let manifest = serde_json::json!({"upload_files": ["/t/distrib/a.tar.gz", "/t/distrib/a.tar.gz.sha256"]});
        assert_eq!(
            upload_files(&manifest).unwrap(),
            [
                PathBuf::from("/t/distrib/a.tar.gz"),
                PathBuf::from("/t/distrib/a.tar.gz.sha256")
            ]
        );
        assert!(upload_files(&serde_json::json!({})).is_err());
        assert!(upload_files(&serde_json::json!({"upload_files": [3]})).is_err());
    }
}
