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

/// How each target the release may be built for is named on npm. Which are published is
/// `dist-workspace.toml`'s `targets` ([`published`]); each must be here.
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

/// The platforms of the release's targets (`targets` in `dist-workspace.toml`, what the
/// release workflow builds): the main package lists exactly these.
pub fn published(release: &Release) -> Result<Vec<Platform>, DistError> {
    let path = release.root.join(super::tool::CONFIG);
    let text = std::fs::read_to_string(&path).map_err(DistError::io(&path))?;
    let targets = targets_of(&text).ok_or_else(|| {
        DistError::Metadata(format!("{} has no `targets = [...]`", path.display()))
    })?;
    targets
        .iter()
        .map(|target| {
            Platform::of(target).ok_or_else(|| {
                DistError::Metadata(format!(
                    "{} builds {target}, which has no npm name: add it to PLATFORMS in \
                     xtask/src/dist/npm.rs",
                    path.display()
                ))
            })
        })
        .collect()
}

/// The strings of the `targets = [ ... ]` array of a TOML file (one line or several).
fn targets_of(text: &str) -> Option<Vec<String>> {
    let start = text
        .lines()
        .position(|line| line.trim_start().starts_with("targets") && line.contains('['))?;
    let mut array = String::new();
    for line in text.lines().skip(start) {
        let line = line.split('#').next().unwrap_or_default();
        array.push_str(line);
        if line.contains(']') {
            break;
        }
    }
    let inside = array.split_once('[')?.1.split_once(']')?.0;
    Some(
        inside
            .split(',')
            .map(|item| item.trim().trim_matches('"').to_owned())
            .filter(|item| !item.is_empty())
            .collect(),
    )
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

/// The main package's `package.json`, listing the `published` platforms' packages.
pub fn main_manifest(release: &Release, published: &[Platform]) -> Value {
    let optional: serde_json::Map<String, Value> = published
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
    let published = published(release)?;
    let platform = published
        .iter()
        .copied()
        .find(|p| p.target == release.target)
        .ok_or_else(|| {
            DistError::Metadata(format!(
                "{} is not among the release's targets ({})",
                release.target,
                super::tool::CONFIG
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
    write_package(
        release,
        &main_dir,
        &main_manifest(release, &published),
        &readme,
    )?;
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
    fn every_target_of_the_release_has_an_npm_name() {
        let mut release = super::stage::test_release("x86_64-unknown-linux-gnu");
        release.root = crate::regen::workspace_root();
        let published = published(&release).unwrap();
        assert!(published.contains(&Platform::of("x86_64-unknown-linux-gnu").unwrap()));
        assert!(published.len() >= 5, "{published:?}");
    }

    #[test]
    fn targets_are_read_from_one_line_or_several() {
        let several =
            "[dist]\nci = \"github\"\ntargets = [\n    \"a-b\",  # first\n    \"c-d\",\n]\nx = 1\n";
        assert_eq!(targets_of(several).unwrap(), ["a-b", "c-d"]);
        assert_eq!(targets_of("targets = [\"x\", \"y\"]").unwrap(), ["x", "y"]);
        assert_eq!(targets_of("[dist]\nci = \"github\"\n"), None);
    }

    #[test]
    fn the_main_package_lists_every_platform_at_its_own_version() {
        let release = super::stage::test_release("x86_64-unknown-linux-gnu");
        let manifest = main_manifest(&release, PLATFORMS);
        assert_eq!(manifest["name"], "mintlify-agent");
        assert_eq!(manifest["bin"]["mintlify-agent"], "bin/mintlify-agent.js");
        assert_eq!(
            manifest["mcpName"],
            "io.github.mintlify-agent/mintlify-agent"
        );
        let optional = manifest["optionalDependencies"].as_object().unwrap();
        assert_eq!(optional.len(), PLATFORMS.len());
        let two = main_manifest(&release, &PLATFORMS[..2]);
        assert_eq!(two["optionalDependencies"].as_object().unwrap().len(), 2);
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
