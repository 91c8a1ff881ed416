//! `cargo xtask upstream [SPEC…]`: proves that specs taken unchanged (Mintlify's published one by
//! default) generate clients that compile. Each client is a module of one throw-away crate under
//! `target/`, whose `[dependencies]` are the crates the generator says its output needs; it is
//! checked with the workspace's lockfile and target directory, so dependencies are built once.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mintlify_agent_codegen::Dependency;

/// Where the published spec sits beside this repository (the team's shared folder).
pub fn default_spec(root: &Path) -> PathBuf {
    root.join("../shared/api-docs/upstream/admin-openapi.json")
}

/// The scratch crate, relative to the workspace root.
pub const SCRATCH: &str = "target/upstream-client";

/// Generates a client from each of `specs` and runs `cargo check` on them together. Returns the
/// lines to print: each spec's warnings, size and time, then the compile time.
pub fn check(root: &Path, specs: &[PathBuf]) -> Result<Vec<String>, String> {
    let dir = root.join(SCRATCH);
    let clients = dir.join("clients");
    std::fs::create_dir_all(&clients).map_err(|e| format!("{}: {e}", clients.display()))?;
    let write = |name: &str, contents: &[u8]| {
        std::fs::write(dir.join(name), contents)
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };

    let mut report = Vec::new();
    let mut modules: Vec<String> = Vec::new();
    let mut dependencies: Vec<Dependency> = Vec::new();
    for spec in specs {
        let name = spec.file_name().map_or_else(
            || spec.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let started = Instant::now();
        let generated =
            mintlify_agent_codegen::generate_named(spec, &name).map_err(|e| e.to_string())?;
        let generated_in = started.elapsed();
        for warning in &generated.warnings {
            report.push(format!("warning: {}: {warning}", spec.display()));
        }
        let module = module_name(&name, &modules);
        write(&format!("clients/{module}.rs"), generated.source.as_bytes())?;
        report.push(format!(
            "{}: {} lines generated in {generated_in:.0?} (module `{module}`)",
            spec.display(),
            generated.source.lines().count(),
        ));
        modules.push(module);
        for dependency in generated.dependencies {
            if !dependencies.contains(&dependency) {
                dependencies.push(dependency);
            }
        }
    }

    write("Cargo.toml", manifest(&dependencies).as_bytes())?;
    write("lib.rs", lib(&modules).as_bytes())?;
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
            "the clients generated from {} do not compile (see {})",
            specs
                .iter()
                .map(|s| s.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            dir.display()
        ));
    }
    report.push(format!(
        "compiled {} client(s) in {:.1?} with {}",
        modules.len(),
        compiling.elapsed(),
        dependencies
            .iter()
            .map(|d| d.name)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(report)
}

/// The scratch crate's manifest: the generated code's own dependencies and nothing else.
fn manifest(dependencies: &[Dependency]) -> String {
    let mut manifest = String::from(
        "[package]\nname = \"upstream-client\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n# Not a member of the surrounding workspace.\n[workspace]\n\n\
         [lib]\npath = \"lib.rs\"\n\n[dependencies]\n",
    );
    for dependency in dependencies {
        let _ = writeln!(manifest, "{}", dependency.manifest_entry());
    }
    manifest
}

/// The crate root: one module per client, out of clippy's and rustc's lints' reach.
fn lib(modules: &[String]) -> String {
    let mut lib = String::new();
    for module in modules {
        let _ = writeln!(
            lib,
            "#[allow(clippy::all, unused, missing_docs)]\n#[path = \"clients/{module}.rs\"]\npub mod {module};"
        );
    }
    lib
}

/// Rust's keywords, which cannot name a module.
const KEYWORDS: [&str; 51] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A Rust module name for a spec file name (`admin-openapi.json` → `admin_openapi`), not one of
/// `taken`.
fn module_name(file_name: &str, taken: &[String]) -> String {
    let stem = file_name.split('.').next().unwrap_or(file_name);
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "spec_");
    }
    let base = name.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_are_rust_identifiers_and_unique() {
        assert_eq!(module_name("admin-openapi.json", &[]), "admin_openapi");
        assert_eq!(module_name("analytics.openapi.json", &[]), "analytics");
        assert_eq!(module_name("3.1-sample.yaml", &[]), "spec_3");
        assert_eq!(module_name("type.yaml", &[]), "spec_type");
        assert_eq!(
            module_name("v2.yaml", &["v2".to_owned(), "v2_2".to_owned()]),
            "v2_3"
        );
    }

    #[test]
    fn the_manifest_lists_what_the_generator_reported() {
        let dependencies = [Dependency {
            name: "uuid",
            version: "1",
            default_features: true,
            features: &["serde"],
        }];
        let manifest = manifest(&dependencies);
        assert!(
            manifest
                .ends_with("[dependencies]\nuuid = { version = \"1\", features = [\"serde\"] }\n"),
            "{manifest}"
        );
    }
}
