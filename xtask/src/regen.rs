//! Regenerating the client modules from the specs, and checking that they are up to date.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Each spec and the module generated from it, relative to the workspace root.
pub const TARGETS: [(&str, &str); 2] = [
    ("specs/v1.yaml", "generated-client/src/v1/generated.rs"),
    ("specs/v2.yaml", "generated-client/src/v2/generated.rs"),
];

/// One generated file, rendered in memory.
pub struct Output {
    /// The spec it was generated from, relative to the workspace root.
    pub spec: &'static str,
    /// Relative to the workspace root.
    pub path: PathBuf,
    pub contents: String,
    /// What the generator left out or changed, for the maintainer to read.
    pub warnings: Vec<mintlify_agent_codegen::Warning>,
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}

/// Renders every target from its spec; nothing is written. Fails on the first bad spec.
pub fn render_all(root: &Path) -> Result<Vec<Output>, mintlify_agent_codegen::Error> {
    TARGETS
        .iter()
        .map(|(spec, output)| {
            let generated = mintlify_agent_codegen::generate_named(&root.join(spec), spec)?;
            Ok(Output {
                spec,
                path: PathBuf::from(output),
                contents: generated.source,
                warnings: generated.warnings,
            })
        })
        .collect()
}

/// The outputs whose file on disk differs from the rendered text (or is missing).
pub fn stale(root: &Path, outputs: &[Output]) -> Vec<PathBuf> {
    outputs
        .iter()
        .filter(|o| {
            std::fs::read_to_string(root.join(&o.path)).ok().as_deref() != Some(&o.contents)
        })
        .map(|o| o.path.clone())
        .collect()
}

/// Writes the outputs that changed. Every new file is first written in full beside its target,
/// then all are renamed into place, so a failure leaves no half-written module behind.
/// Returns one line per file for the user.
pub fn write_all(root: &Path, outputs: &[Output]) -> std::io::Result<Vec<String>> {
    let stale = stale(root, outputs);
    let mut staged = Vec::new();
    let mut report = Vec::new();
    for output in outputs {
        let target = root.join(&output.path);
        let lines = output.contents.lines().count();
        if !stale.contains(&output.path) {
            report.push(format!(
                "unchanged {} ({lines} lines)",
                output.path.display()
            ));
            continue;
        }
        let dir = target.parent().unwrap_or(root);
        std::fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(output.contents.as_bytes())?;
        if let Some(permissions) = permissions_for(&target)? {
            temp.as_file().set_permissions(permissions)?;
        }
        temp.as_file().sync_all()?;
        staged.push((temp, target));
        report.push(format!("wrote {} ({lines} lines)", output.path.display()));
    }
    for (temp, target) in staged {
        temp.persist(&target).map_err(|e| e.error)?;
    }
    Ok(report)
}

/// The permissions a rewritten `target` gets: its old ones, so that regen never changes a
/// file's mode, else (on Unix) 0644. The staged file would otherwise keep tempfile's 0600,
/// which hides a source file from everyone but its owner.
fn permissions_for(target: &Path) -> std::io::Result<Option<std::fs::Permissions>> {
    match std::fs::metadata(target) {
        Ok(metadata) => Ok(Some(metadata.permissions())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(new_file_permissions()),
        Err(error) => Err(error),
    }
}

#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(std::fs::Permissions::from_mode(0o644))
}

/// Elsewhere a new file's default permissions are already readable by others.
#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A message for a test or CI: which files are stale and how to fix it; `None` when up to date.
    pub fn drift_message(root: &Path) -> Result<Option<String>, mintlify_agent_codegen::Error> {
        let outputs = render_all(root)?;
        let stale = stale(root, &outputs);
        if stale.is_empty() {
            return Ok(None);
        }
        let mut message = String::from("generated code differs from the specs:\n");
        for file in stale {
            let _ = writeln!(message, "  {}", file.display());
        }
        message.push_str("run `cargo xtask regen` and commit the result");
        Ok(Some(message))
    }

    /// The crate that includes the generated modules depends on every crate their code names
    /// (a spec that starts using `format: uuid` needs `uuid` there too).
    #[test]
    fn the_client_crate_depends_on_what_the_generated_modules_need() {
        let root = workspace_root();
        let manifest = std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap();
        let dependencies = manifest
            .split("\n[dependencies]\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap();
        for (spec, _) in TARGETS {
            let generated = mintlify_agent_codegen::generate_named(&root.join(spec), spec).unwrap();
            for dependency in generated.dependencies {
                let declared = dependencies.lines().any(|line| {
                    line.strip_prefix(dependency.name)
                        .is_some_and(|rest| rest.starts_with([' ', '.', '=']))
                });
                assert!(
                    declared,
                    "{spec} needs `{}`, which generated-client/Cargo.toml does not declare: {}",
                    dependency.name,
                    dependency.manifest_entry()
                );
            }
        }
    }

    /// Drift can never land: the checked-in modules must be exactly what the specs give.
    #[test]
    fn generated_client_matches_the_specs() {
        if let Some(message) = drift_message(&workspace_root()).unwrap() {
            panic!("{message}");
        }
    }
}
