//! `cargo xtask upstream`: proves that Mintlify's published spec, taken unchanged, generates a
//! client that compiles. The client is written as a throw-away crate under `target/` and checked
//! with the workspace's lockfile and target directory, so dependencies are reused.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the published spec sits beside this repository (the team's shared folder).
pub fn default_spec(root: &Path) -> PathBuf {
    root.join("../shared/api-docs/upstream/admin-openapi.json")
}

/// Mirrors the `[dependencies]` of `generated-client/Cargo.toml`: what generated code needs.
const MANIFEST: &str = r#"[package]
name = "upstream-client"
version = "0.0.0"
edition = "2024"
publish = false

# Not a member of the surrounding workspace.
[workspace]

[lib]
path = "lib.rs"

[dependencies]
progenitor-client = "=0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls"] }
serde = { version = "1", features = ["derive"] }
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
"#;

const LIB: &str =
    "#[allow(clippy::all, unused, missing_docs)]\n#[path = \"generated.rs\"]\npub mod upstream;\n";

/// Generates the client from `spec` and runs `cargo check` on it. Returns a report line.
pub fn check(root: &Path, spec: &Path) -> Result<String, String> {
    let started = Instant::now();
    let source = mintlify_agent_codegen::generate_named(
        spec,
        "admin-openapi.json (Mintlify's published spec)",
    )
    .map_err(|e| e.to_string())?;
    let generated_in = started.elapsed();

    let dir = root.join("target/upstream-client");
    let write = |name: &str, contents: &[u8]| {
        std::fs::write(dir.join(name), contents)
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write("Cargo.toml", MANIFEST.as_bytes())?;
    write("lib.rs", LIB.as_bytes())?;
    write("generated.rs", source.as_bytes())?;
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    write("Cargo.lock", &lock)?;

    let compiling = Instant::now();
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the client generated from {} does not compile (see {})",
            spec.display(),
            dir.join("generated.rs").display()
        ));
    }
    Ok(format!(
        "upstream spec: {} lines generated in {:.0?}, compiled in {:.1?}",
        source.lines().count(),
        generated_in,
        compiling.elapsed()
    ))
}
