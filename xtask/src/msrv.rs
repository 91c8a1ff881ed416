//! `cargo xtask msrv`: no dependency of the client may need a newer Rust than the workspace's
//! `rust-version`. Clippy's `incompatible_msrv` lint checks our own code against it; this checks
//! what the client pulls in, from `cargo metadata`, since no older toolchain is installed to try.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The crate whose dependencies are checked: the one users depend on.
pub const CLIENT: &str = "mintlify-agent";

/// What the dependencies of one crate declare.
#[derive(Debug, PartialEq)]
pub struct Audit {
    /// The crate's own `rust-version`.
    pub rust_version: String,
    /// How many packages its normal dependencies reach.
    pub dependencies: usize,
    /// The highest `rust-version` among them, with the package (`tokio 1.49.0`).
    pub newest: Option<(String, String)>,
    /// Packages whose `rust-version` is above the crate's, with theirs.
    pub too_new: Vec<(String, String)>,
}

/// Runs `cargo metadata` on the workspace at `root` (all features, so that optional
/// dependencies such as the `native-tls` ones are in) and audits [`CLIENT`].
pub fn check(root: &Path) -> Result<Audit, String> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata wrote something that is not JSON: {e}"))?;
    audit(&metadata, CLIENT)
}

/// Audits the normal dependencies of the package named `name` in `cargo metadata` output:
/// those reached from it through dependencies of kind "normal", on any target.
pub fn audit(metadata: &Value, name: &str) -> Result<Audit, String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata has no `packages`")?;
    let package = |id: &str| packages.iter().find(|p| p["id"] == id);
    let root = packages
        .iter()
        .find(|p| p["name"] == name && p["source"].is_null())
        .ok_or_else(|| format!("no workspace package named `{name}`"))?;
    let rust_version = root["rust_version"]
        .as_str()
        .ok_or_else(|| format!("`{name}` declares no rust-version"))?
        .to_owned();
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata has no `resolve.nodes`")?;

    let mut reached: Vec<&str> = Vec::new();
    let mut queue: Vec<&str> = vec![root["id"].as_str().unwrap_or_default()];
    while let Some(id) = queue.pop() {
        let Some(node) = nodes.iter().find(|n| n["id"] == id) else {
            continue;
        };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            let Some(pkg) = dep["pkg"].as_str() else {
                continue;
            };
            if normal && !reached.contains(&pkg) {
                reached.push(pkg);
                queue.push(pkg);
            }
        }
    }

    let limit = parse(&rust_version)?;
    let mut newest: Option<(Vec<u64>, String, String)> = None;
    let mut too_new = Vec::new();
    for id in &reached {
        let Some(package) = package(id) else {
            continue;
        };
        let Some(declared) = package["rust_version"].as_str() else {
            continue;
        };
        let label = format!(
            "{} {}",
            package["name"].as_str().unwrap_or("?"),
            package["version"].as_str().unwrap_or("?")
        );
        let version = parse(declared)?;
        if version > limit {
            too_new.push((label.clone(), declared.to_owned()));
        }
        if newest.as_ref().is_none_or(|(v, _, _)| version > *v) {
            newest = Some((version, label, declared.to_owned()));
        }
    }
    too_new.sort();
    Ok(Audit {
        rust_version,
        dependencies: reached.len(),
        newest: newest.map(|(_, label, declared)| (label, declared)),
        too_new,
    })
}

/// `1.85` or `1.85.0` as `[1, 85, 0]`, for comparing.
fn parse(version: &str) -> Result<Vec<u64>, String> {
    let mut parts = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<Vec<u64>, _>>()
        .map_err(|_| format!("`{version}` is not a rust-version"))?;
    parts.resize(3, 0);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `cargo metadata` for: client -> a (normal), a -> b (normal), client -> t (dev only),
    /// client -> w (normal on Windows only), b -> old (normal).
    fn metadata(b_rust_version: &str) -> Value {
        let package = |name: &str, rust_version: Option<&str>, source: Option<&str>| {
            json!({"id": format!("{name}-id"), "name": name, "version": "1.0.0",
                   "rust_version": rust_version, "source": source})
        };
        let registry = Some("registry+https://github.com/rust-lang/crates.io-index");
        let dep = |name: &str, kind: Option<&str>, target: Option<&str>| json!({"pkg": format!("{name}-id"), "dep_kinds": [{"kind": kind, "target": target}]});
        json!({
            "packages": [
                package("client", Some("1.80"), None),
                package("a", Some("1.70"), registry),
                package("b", Some(b_rust_version), registry),
                package("t", Some("1.99"), registry),
                package("w", Some("1.75.1"), registry),
                package("old", None, registry),
            ],
            "resolve": {"nodes": [
                {"id": "client-id", "deps": [dep("a", None, None), dep("t", Some("dev"), None), dep("w", None, Some("cfg(windows)"))]},
                {"id": "a-id", "deps": [dep("b", None, None)]},
                {"id": "b-id", "deps": [dep("old", None, None)]},
                {"id": "t-id", "deps": []},
                {"id": "w-id", "deps": []},
                {"id": "old-id", "deps": []},
            ]}
        })
    }

    #[test]
    fn normal_dependencies_on_any_target_are_audited() {
        let audit = audit(&metadata("1.79"), "client").unwrap();
        assert_eq!(
            audit,
            Audit {
                rust_version: "1.80".to_owned(),
                dependencies: 4,
                newest: Some(("b 1.0.0".to_owned(), "1.79".to_owned())),
                too_new: Vec::new(),
            }
        );
    }

    #[test]
    fn a_newer_rust_version_is_named_and_dev_dependencies_do_not_count() {
        let audit = audit(&metadata("1.80.1"), "client").unwrap();
        assert_eq!(audit.too_new, [("b 1.0.0".to_owned(), "1.80.1".to_owned())]);
        assert_eq!(
            audit.newest,
            Some(("b 1.0.0".to_owned(), "1.80.1".to_owned()))
        );
    }

    #[test]
    fn versions_compare_by_number() {
        assert!(parse("1.9").unwrap() < parse("1.10").unwrap());
        assert_eq!(parse("1.88").unwrap(), parse("1.88.0").unwrap());
        assert!(parse("1.x").is_err());
    }
}
