//! The shell and PowerShell installers, `sha256.sum`, the source archive and the release's
//! `dist-manifest.json`: `dist build --artifacts=global`, as the workflow's global job runs it.
//!
//! The installers embed the SHA-256 of every archive whose local manifest sits in
//! `target/distrib/` (here: this machine's; in the workflow: all of them) and refuse a
//! download that differs. They download from the release on GitHub, or from
//! `MINTLIFY_AGENT_CLI_DOWNLOAD_URL` (a folder holding the release's files: a mirror).

use std::path::PathBuf;

use super::{DistError, Release, tool};

/// Builds the installers and copies every file the global build lists into `target/dist-artifacts/`,
/// with its manifest as `dist-manifest.json`.
pub fn package(release: &Release) -> Result<Vec<PathBuf>, DistError> {
    let dist = tool::find(&release.root)?;
    let files = tool::build(&dist, release, tool::Artifacts::Global)?;
    let mut written = tool::copy_into(&files, &release.out_dir)?;
    let manifest = tool::distrib_dir(release).join("global-dist-manifest.json");
    let copy = release.out_dir.join("dist-manifest.json");
    std::fs::copy(&manifest, &copy).map_err(DistError::io(&manifest))?;
    written.push(copy);
    Ok(written)
}
