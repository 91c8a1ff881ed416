//! `cargo xtask upstream` as CI runs it: specs as published generate clients that compile.
//!
//! Compiling is slow, so the test that does it is `#[ignore]`d and CI runs it on its own:
//! `cargo test -p xtask --test it -- --ignored upstream::`. It builds in the workspace's `target/`
//! (the scratch crate `target/upstream-client`), so the generated code's dependencies are built
//! once and reused by every later run.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    specs.sort();
    specs
}

fn upstream(specs: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("upstream")
        .args(specs)
        .output()
        .unwrap()
}

/// A 3.1 document, operations with mixed response types, and `$ref` keys in example payloads:
/// each generates, and the clients compile with the crates the generator reported.
#[test]
#[ignore = "compiles the generated clients; CI runs it with --ignored"]
fn the_fixture_specs_generate_clients_that_compile() {
    let specs = fixtures();
    let names: Vec<String> = specs
        .iter()
        .map(|s| s.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "analytics-3.1.json",
            "example-refs.yaml",
            "mixed-errors.yaml"
        ]
    );
    let output = upstream(&specs);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("compiled 3 client(s) in "), "{stdout}");
    for crate_name in ["uuid", "regress", "serde_json", "chrono"] {
        assert!(
            stdout.contains(crate_name),
            "`{crate_name}` was not added: {stdout}"
        );
    }
    assert!(
        stderr.contains("mixed-errors.yaml: `GET /v2/session`: not generated: "),
        "{stderr}"
    );
}

#[test]
fn a_spec_that_cannot_be_read_fails_naming_it() {
    let output = upstream(&[PathBuf::from("no/such/spec.json")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: no/such/spec.json: cannot read the spec: "),
        "{stderr}"
    );
}
