//! The release archive of this machine's target: `mintlify-agent-cli-<triple>.tar.gz` (`.zip`
//! on Windows) with the binary, the licences and the CLI's README, and its `.sha256`, as
//! `dist build --artifacts=local` made them in [`super::build`].
//!
//! The archive is named after the package (`mintlify-agent-cli`), not the binary: dist names
//! archives by package, and its installers download them by that name.

use std::path::PathBuf;

use serde_json::Value;

use super::{DistError, Release, tool};

/// Copies the archive and its checksum into `target/dist-artifacts/`.
pub fn package(release: &Release) -> Result<Vec<PathBuf>, DistError> {
    let manifest_path =
        tool::distrib_dir(release).join(format!("{}-dist-manifest.json", release.target));
    let text = std::fs::read(&manifest_path).map_err(DistError::io(&manifest_path))?;
    let manifest: Value = serde_json::from_slice(&text)
        .map_err(|e| DistError::Metadata(format!("{}: not JSON: {e}", manifest_path.display())))?;
    let files = tool::upload_files(&manifest)?;
    let expected = archive_name(release);
    if !files
        .iter()
        .any(|f| f.file_name() == Some(expected.as_ref()))
    {
        return Err(DistError::Metadata(format!(
            "dist built no {expected} (it listed {files:?})"
        )));
    }
    tool::copy_into(&files, &release.out_dir)
}

/// `mintlify-agent-cli-<triple>.tar.gz`, or `.zip` for Windows.
pub fn archive_name(release: &Release) -> String {
    let extension = if release.target.contains("windows") {
        "zip"
    } else {
        "tar.gz"
    };
    format!("{}-{}.{extension}", super::CLI_PACKAGE, release.target)
}
