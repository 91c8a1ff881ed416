//! npm: the package `mintlify-agent`, whose `bin` is a small Node launcher (`npm/launcher.js`),
//! and one package per platform that carries the binary itself (the biome and codex pattern).
//!
//! The platform packages are `@OWNER/cli-<os>-<cpu>[-musl]`, listed as `optionalDependencies`
//! of the main package at the same version, each with `os`, `cpu` (and `libc` on Linux): npm
//! installs only the one that matches, so nothing is downloaded at install time and mirrors
//! and offline caches work. Scoped rather than `mintlify-agent-linux-x64`: one npm
//! organisation owns every name under the scope, so nobody else can publish a platform package
//! that the launcher would pick up (an unscoped name is first come, first served). The scope is
//! the repository's owner, lower-cased as npm requires.
//!
//! `package` writes the host's platform package and the main package as `npm pack` tarballs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::{BINARY, DistError, Release, stage};

/// The launcher: finds the platform package and runs its binary.
const LAUNCHER: &str = include_str!("npm/launcher.js");

/// One platform a package is published for, as npm names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// Rust's target triple.
    pub target: &'static str,
    /// Node's `process.platform`.
    pub os: &'static str,
    /// Node's `process.arch`.
    pub cpu: &'static str,
    /// `glibc` or `musl` on Linux (npm's `libc` field).
    pub libc: Option<&'static str>,
}

/// Every platform the release is built for (the release workflow's targets).
pub const PLATFORMS: &[Platform] = &[
    linux("x86_64-unknown-linux-gnu", "x64", "glibc"),
    linux("aarch64-unknown-linux-gnu", "arm64", "glibc"),
    linux("x86_64-unknown-linux-musl", "x64", "musl"),
    linux("aarch64-unknown-linux-musl", "arm64", "musl"),
    other("x86_64-apple-darwin", "darwin", "x64"),
    other("aarch64-apple-darwin", "darwin", "arm64"),
    other("x86_64-pc-windows-msvc", "win32", "x64"),
];

const fn linux(target: &'static str, cpu: &'static str, libc: &'static str) -> Platform {
    Platform {
        target,
        os: "linux",
        cpu,
        libc: Some(libc),
    }
}

const fn other(target: &'static str, os: &'static str, cpu: &'static str) -> Platform {
    Platform {
        target,
        os,
        cpu,
        libc: None,
    }
}

impl Platform {
    /// The platform of a target triple, if a package is published for it.
    pub fn of(target: &str) -> Option<Platform> {
        PLATFORMS.iter().copied().find(|p| p.target == target)
    }

    /// `linux-x64`, `linux-x64-musl`, `win32-x64`: what the launcher computes from Node's
    /// `process.platform` and `process.arch` (and libc) to find the package.
    pub fn key(&self) -> String {
        match self.libc {
            Some("musl") => format!("{}-{}-musl", self.os, self.cpu),
            _ => format!("{}-{}", self.os, self.cpu),
        }
    }

    /// The binary's file name on this platform.
    pub fn binary_name(&self) -> String {
        if self.os == "win32" {
            format!("{BINARY}.exe")
        } else {
            BINARY.to_owned()
        }
    }
}

/// The npm scope of the platform packages: `@OWNER`.
pub fn scope(release: &Release) -> String {
    format!("@{}", release.owner.to_ascii_lowercase())
}

/// A platform package's name: `@OWNER/cli-linux-x64`.
pub fn platform_package(release: &Release, platform: &Platform) -> String {
    format!("{}/cli-{}", scope(release), platform.key())
}

/// The name `npm pack` gives a package's tarball: the scope's `@` dropped and its `/` a `-`.
pub fn tarball_name(package: &str, version: &str) -> String {
    format!(
        "{}-{version}.tgz",
        package.trim_start_matches('@').replace('/', "-")
    )
}

/// The main package's `package.json`.
pub fn main_manifest(release: &Release) -> Value {
    let optional: serde_json::Map<String, Value> = PLATFORMS
        .iter()
        .map(|p| (platform_package(release, p), json!(release.version)))
        .collect();
    let mut manifest = common_fields(release, BINARY);
    let fields = json!({
        "description": "Drive Mintlify's agent API from a terminal, a CI script or an AI coding \
                        agent (MCP server): a native binary, no download at install time",
        "keywords": ["mintlify", "documentation", "mcp", "mcp-server", "cli", "ai-agent"],
        "mcpName": super::registry::mcp_name(release),
        "bin": { BINARY: format!("bin/{BINARY}.js") },
        "files": ["bin/", "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
        "engines": { "node": ">=14" },
        "optionalDependencies": optional,
    });
    merge(&mut manifest, fields);
    manifest
}

/// A platform package's `package.json`: no `bin` (the main package's launcher runs it).
pub fn platform_manifest(release: &Release, platform: &Platform) -> Value {
    let mut manifest = common_fields(release, &platform_package(release, platform));
    let mut fields = json!({
        "description": format!(
            "The {BINARY} binary for {} ({}); installed by the `{BINARY}` package",
            platform.key(),
            platform.target
        ),
        "os": [platform.os],
        "cpu": [platform.cpu],
        "files": [format!("bin/{}", platform.binary_name()), "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
        // Yarn PnP would otherwise keep the binary inside a zip, where it cannot be run.
        "preferUnplugged": true,
    });
    if let Some(libc) = platform.libc {
        fields["libc"] = json!([libc]);
    }
    merge(&mut manifest, fields);
    manifest
}

fn common_fields(release: &Release, name: &str) -> Value {
    json!({
        "name": name,
        "version": release.version,
        "license": "MIT OR Apache-2.0",
        "homepage": format!("{}#readme", release.repository),
        "bugs": format!("{}/issues", release.repository),
        "repository": { "type": "git", "url": format!("git+{}.git", release.repository) },
    })
}

fn merge(into: &mut Value, fields: Value) {
    if let (Value::Object(into), Value::Object(fields)) = (into, fields) {
        into.extend(fields);
    }
}

/// Writes the host's platform package and the main package into `target/dist-artifacts/` as `npm pack`
/// tarballs; returns their paths.
pub fn package(release: &Release) -> Result<Vec<PathBuf>, DistError> {
    let platform = Platform::of(&release.target).ok_or_else(|| {
        DistError::Metadata(format!(
            "no npm platform package for {}: add it to PLATFORMS in xtask/src/dist/npm.rs",
            release.target
        ))
    })?;
    let stage = stage::dir(release, "npm")?;
    let readme = stage::readme(release);

    let platform_dir = stage.join(platform.key());
    let binary = platform_dir.join("bin").join(platform.binary_name());
    write_package(
        release,
        &platform_dir,
        &platform_manifest(release, &platform),
        &readme,
    )?;
    stage::copy_executable(&release.binary, &binary)?;

    let main_dir = stage.join(BINARY);
    write_package(release, &main_dir, &main_manifest(release), &readme)?;
    let launcher = main_dir.join("bin").join(format!("{BINARY}.js"));
    stage::write_executable(&launcher, LAUNCHER.as_bytes())?;

    let mut written = Vec::new();
    for (dir, name) in [
        (platform_dir, platform_package(release, &platform)),
        (main_dir, BINARY.to_owned()),
    ] {
        pack(&dir, &release.out_dir)?;
        let tarball = release.out_dir.join(tarball_name(&name, &release.version));
        if !tarball.is_file() {
            return Err(DistError::Metadata(format!(
                "npm pack did not write {}",
                tarball.display()
            )));
        }
        written.push(tarball);
    }
    Ok(written)
}

fn write_package(
    release: &Release,
    dir: &Path,
    manifest: &Value,
    readme: &str,
) -> Result<(), DistError> {
    std::fs::create_dir_all(dir.join("bin")).map_err(DistError::io(dir))?;
    let json = serde_json::to_string_pretty(manifest).expect("a JSON value serializes") + "\n";
    stage::write(&dir.join("package.json"), json.as_bytes())?;
    stage::write(&dir.join("README.md"), readme.as_bytes())?;
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let from = release.root.join(license);
        std::fs::copy(&from, dir.join(license)).map_err(DistError::io(&from))?;
    }
    Ok(())
}

/// `npm pack` of `dir` into `out`.
fn pack(dir: &Path, out: &Path) -> Result<(), DistError> {
    let mut command = Command::new(npm());
    command
        .current_dir(dir)
        .args(["pack", "--silent", "--pack-destination"])
        .arg(out);
    stage::run(&mut command)
}

/// npm's command: a batch file on Windows, which `Command` does not find by its bare name.
pub fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_a_distinct_key_and_name() {
        let release = super::stage::test_release("x86_64-unknown-linux-gnu");
        let mut names: Vec<String> = PLATFORMS
            .iter()
            .map(|p| platform_package(&release, p))
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PLATFORMS.len());
        assert_eq!(
            platform_package(
                &release,
                &Platform::of("x86_64-unknown-linux-musl").unwrap()
            ),
            "@mintlify-agent/cli-linux-x64-musl"
        );
        assert_eq!(
            Platform::of("x86_64-pc-windows-msvc")
                .unwrap()
                .binary_name(),
            "mintlify-agent.exe"
        );
        assert_eq!(Platform::of("riscv64gc-unknown-linux-gnu"), None);
    }

    #[test]
    fn tarballs_are_named_as_npm_pack_names_them() {
        assert_eq!(
            tarball_name("@mintlify-agent/cli-linux-x64", "0.1.0"),
            "mintlify-agent-cli-linux-x64-0.1.0.tgz"
        );
        assert_eq!(
            tarball_name("mintlify-agent", "1.2.3-rc.1"),
            "mintlify-agent-1.2.3-rc.1.tgz"
        );
    }

    #[test]
    fn the_main_package_lists_every_platform_at_its_own_version() {
        let release = super::stage::test_release("x86_64-unknown-linux-gnu");
        let manifest = main_manifest(&release);
        assert_eq!(manifest["name"], "mintlify-agent");
        assert_eq!(manifest["bin"]["mintlify-agent"], "bin/mintlify-agent.js");
        assert_eq!(
            manifest["mcpName"],
            "io.github.mintlify-agent/mintlify-agent"
        );
        let optional = manifest["optionalDependencies"].as_object().unwrap();
        assert_eq!(optional.len(), PLATFORMS.len());
        assert!(optional.values().all(|v| *v == json!(release.version)));
        // The launcher finds packages by this naming; a rename must change both.
        assert!(LAUNCHER.contains("base.startsWith(\"cli-\")"));
    }

    #[test]
    fn platform_packages_say_where_they_run_and_carry_no_bin() {
        let release = super::stage::test_release("x86_64-unknown-linux-gnu");
        let musl = platform_manifest(
            &release,
            &Platform::of("aarch64-unknown-linux-musl").unwrap(),
        );
        assert_eq!(musl["os"], json!(["linux"]));
        assert_eq!(musl["cpu"], json!(["arm64"]));
        assert_eq!(musl["libc"], json!(["musl"]));
        assert!(musl.get("bin").is_none());
        let mac = platform_manifest(&release, &Platform::of("aarch64-apple-darwin").unwrap());
        assert_eq!(mac["name"], "@mintlify-agent/cli-darwin-arm64");
        assert!(mac.get("libc").is_none());
        assert_eq!(mac["files"][0], "bin/mintlify-agent");
    }
}
