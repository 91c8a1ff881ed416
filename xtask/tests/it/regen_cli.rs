//! `cargo xtask regen` as a maintainer runs it, on a scratch copy of the workspace: what it
//! writes, what it refuses, and that a refusal leaves every generated file as it was.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GENERATED: [&str; 2] = [
    "generated-client/src/v1/generated.rs",
    "generated-client/src/v2/generated.rs",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A temporary root holding copies of `specs/` and the generated modules.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["specs/v1.yaml", "specs/v2.yaml"].iter().chain(&GENERATED) {
        let target = dir.path().join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(workspace().join(file), target).unwrap();
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn generated(root: &Path) -> Vec<Vec<u8>> {
    GENERATED
        .iter()
        .map(|f| std::fs::read(root.join(f)).unwrap())
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn regen_on_an_up_to_date_tree_changes_nothing_and_reports() {
    let root = scratch();
    let before = generated(root.path());
    let output = xtask(root.path(), &["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("unchanged generated-client/src/v1/generated.rs ("),
        "{stdout}"
    );
    assert!(stdout.contains("regenerated 2 modules in "), "{stdout}");
    assert_eq!(generated(root.path()), before);
}

#[test]
fn check_names_each_stale_file_and_regen_repairs_it() {
    let root = scratch();
    let v2 = root.path().join(GENERATED[1]);
    let fresh = std::fs::read_to_string(&v2).unwrap();
    std::fs::write(
        &v2,
        fresh.replace("pub enum JobStatus", "pub enum JobState"),
    )
    .unwrap();

    for args in [&["regen", "--check"][..], &["check"][..]] {
        let output = xtask(root.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = stderr(&output);
        assert!(
            stderr.contains("stale: generated-client/src/v2/generated.rs differs from its spec"),
            "{stderr}"
        );
        assert!(!stderr.contains("v1.rs"), "{stderr}");
        assert!(stderr.contains("run `cargo xtask regen`"), "{stderr}");
    }

    let output = xtask(root.path(), &["regen"]);
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("wrote generated-client/src/v2/generated.rs (")
    );
    assert_eq!(std::fs::read_to_string(&v2).unwrap(), fresh);
    assert!(xtask(root.path(), &["check"]).status.success());
}

/// A rewritten file keeps its mode and a new one is 0644: never tempfile's owner-only 0600.
#[cfg(unix)]
#[test]
fn regen_keeps_each_files_mode_and_creates_new_files_0644() {
    use std::os::unix::fs::PermissionsExt as _;
    // In octal, so that a failure reads as a mode.
    let mode = |path: &Path| {
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        format!("{:o}", mode & 0o7777)
    };
    let root = scratch();
    let v1 = root.path().join(GENERATED[0]);
    let v2 = root.path().join(GENERATED[1]);
    std::fs::remove_file(&v1).unwrap();
    std::fs::write(&v2, "// stale\n").unwrap();
    std::fs::set_permissions(&v2, std::fs::Permissions::from_mode(0o664)).unwrap();

    let output = xtask(root.path(), &["regen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for file in GENERATED {
        assert!(stdout.contains(&format!("wrote {file} (")), "{stdout}");
    }
    assert_eq!(mode(&v1), "644", "a new file");
    assert_eq!(mode(&v2), "664", "a rewritten file");
}

/// Every kind of bad input: non-zero exit, a message naming the file (and the place), and not
/// one byte of the generated modules changed, even those of the other, good spec.
#[test]
fn bad_specs_fail_cleanly_and_touch_nothing() {
    let v2 = std::fs::read_to_string(workspace().join("specs/v2.yaml")).unwrap();
    let cases: Vec<(&str, Option<String>, &str)> = vec![
        (
            "missing file",
            None,
            "specs/v2.yaml: cannot read the spec: ",
        ),
        (
            "YAML syntax",
            Some(v2.replacen("tags: [agent]", "tags: [agent", 1)),
            ": YAML does not parse: ",
        ),
        (
            "not OpenAPI 3.0 or 3.1",
            Some(v2.replacen("openapi: 3.0.3", "openapi: 3.2.0", 1)),
            "specs/v2.yaml:6: not a valid OpenAPI document at `openapi`: version `3.2.0` is not supported",
        ),
        (
            "a reference to nothing",
            Some(v2.replacen(
                "$ref: '#/components/schemas/AgentJob'",
                "$ref: '#/components/schemas/AgentJb'",
                1,
            )),
            "`$ref: #/components/schemas/AgentJb` points at nothing in this document",
        ),
        (
            "a schema progenitor cannot generate",
            Some(v2.replacen(
                "    ErrorBody:\n      type: object",
                "    ErrorBody:\n      type: objekt",
                1,
            )),
            "a schema under `components.schemas` cannot be generated: progenitor panicked: not yet implemented: invalid type: objekt",
        ),
        (
            "schemas aliasing each other in a cycle",
            Some(v2.replacen(
                "    ErrorBody:\n",
                "    Root:\n      $ref: '#/components/schemas/Root'\n    ErrorBody:\n",
                1,
            )),
            "`components.schemas`: `Root` -> `Root` is a cycle of pure aliases",
        ),
    ];
    for (name, spec, expected) in cases {
        let root = scratch();
        // Make both modules stale first, so that a regen that wrote anything would show.
        for file in GENERATED {
            std::fs::write(root.path().join(file), format!("// stale: {name}\n")).unwrap();
        }
        let before = generated(root.path());
        match &spec {
            Some(text) => {
                assert!(text != &v2, "{name}: the edit did not apply");
                std::fs::write(root.path().join("specs/v2.yaml"), text).unwrap();
            }
            None => std::fs::remove_file(root.path().join("specs/v2.yaml")).unwrap(),
        }
        let output = xtask(root.path(), &["regen"]);
        let stderr = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(
            stderr.contains("specs/v2.yaml"),
            "{name}: the file is not named: {stderr}"
        );
        assert!(
            stderr.contains("nothing under generated-client/ was changed"),
            "{name}"
        );
        // No panic noise: progenitor's panics are caught and reported as errors.
        assert!(!stderr.contains("thread '"), "{name}: {stderr}");
        assert_eq!(
            generated(root.path()),
            before,
            "{name}: a generated file changed"
        );
    }
}

/// An operation progenitor cannot generate is left out with a warning naming it, and the rest
/// of the module is written: one operation never blocks a regeneration.
#[test]
fn an_operation_that_cannot_be_generated_is_left_out_and_the_rest_written() {
    let root = scratch();
    let v2 = root.path().join("specs/v2.yaml");
    let text = std::fs::read_to_string(&v2).unwrap();
    let edited = text.replacen(
        "paths:\n",
        "paths:\n  /v2/session:\n    get:\n      operationId: getSession\n      parameters:\n        - {name: session, in: cookie, required: true, schema: {type: string}}\n      responses: {'204': {description: ok}}\n",
        1,
    );
    assert!(edited != text, "the edit did not apply");
    std::fs::write(&v2, edited).unwrap();

    let output = xtask(root.path(), &["regen"]);
    let stderr = stderr(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        "warning: specs/v2.yaml: `GET /v2/session`: not generated: progenitor cannot send cookies (its required parameter `session`)\n"
    );
    let written = std::fs::read_to_string(root.path().join(GENERATED[1])).unwrap();
    assert!(written.contains("pub fn create_job(") && !written.contains("get_session"));
    // The spec as it is now is what the module matches.
    assert!(xtask(root.path(), &["check"]).status.success());
}

#[test]
fn usage_errors_exit_2() {
    let root = scratch();
    for args in [
        &[][..],
        &["regenerate"][..],
        &["check", "--check"][..],
        &["msrv", "x"][..],
    ] {
        let output = xtask(root.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).starts_with("usage: cargo xtask"));
    }
}
