//! The pipeline end to end: real spec files in, Rust source or a precise error out.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::{Path, PathBuf};

use mintlify_agent_codegen::{Error, Generated, generate, generate_from_str, generate_named};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn spec_text(name: &str) -> String {
    std::fs::read_to_string(workspace().join("specs").join(name)).unwrap()
}

fn generate_text(text: &str) -> Result<Generated, Error> {
    generate_from_str(Path::new("specs/bad.yaml"), text, "specs/bad.yaml")
}

/// A spec under `codegen/tests/fixtures/`, generated.
fn fixture(name: &str) -> Generated {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    generate_named(&path, name).unwrap()
}

fn warnings(generated: &Generated) -> Vec<String> {
    generated.warnings.iter().map(ToString::to_string).collect()
}

fn crates(generated: &Generated) -> Vec<&'static str> {
    generated.dependencies.iter().map(|d| d.name).collect()
}

#[test]
fn a_missing_spec_names_the_file() {
    let error = generate(Path::new("specs/nope.yaml")).unwrap_err();
    assert!(matches!(error, Error::Read { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("specs/nope.yaml: cannot read the spec: "),
        "{error}"
    );
}

#[test]
fn yaml_that_does_not_parse_names_line_and_column() {
    let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /x: {get: [unclosed\n";
    let error = generate_text(text).unwrap_err();
    let Error::Syntax { line, column, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*line, *column), (Some(7), Some(1)));
    assert!(
        error
            .to_string()
            .starts_with("specs/bad.yaml:7:1: YAML does not parse: "),
        "{error}"
    );
}

#[test]
fn a_document_that_is_not_openapi_names_the_place() {
    // `responses` must be a map of status codes to responses, not a list.
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n      responses: [200]\n";
    let error = generate_text(text).unwrap_err();
    let Error::Invalid { at, line, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(at, "paths./x.get.responses");
    assert_eq!(*line, Some(7), "the line of `responses`");
    assert_eq!(
        error.to_string(),
        "specs/bad.yaml:7: not a valid OpenAPI document at `paths./x.get.responses`: invalid type: sequence, expected struct Responses"
    );

    let swagger = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let error = generate_text(swagger).unwrap_err();
    assert!(
        error.to_string().contains("missing field `openapi`"),
        "{error}"
    );

    let v32 = "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
    assert!(generate_text(v32).unwrap_err().to_string().contains(
        "version `3.2.0` is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"
    ));
}

#[test]
fn json_that_does_not_parse_names_line_and_column() {
    let text = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}\n";
    let error = generate_from_str(Path::new("specs/bad.json"), text, "specs/bad.json").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("specs/bad.json:3:13: JSON does not parse: "),
        "{error}"
    );
}

#[test]
fn success_responses_of_different_types_are_read_as_raw_bytes() {
    let text = spec_text("v2.yaml").replace(
        "        '201':\n          description: The job was created and is running.",
        "        '202':\n          description: Accepted, as text.\n          content:\n            text/plain:\n              schema: {type: string}\n        '201':\n          description: The job was created and is running.",
    );
    let generated = generate_text(&text).unwrap();
    assert_eq!(
        warnings(&generated),
        [
            "`POST /v2/agent/{projectId}/job`: its success responses differ in type (202: raw bytes, 201: JSON `AgentJob`); the method returns the body as raw bytes (`ByteStream`)"
        ]
    );
    let create = generated
        .source
        .split("impl<'a> CreateJob<'a> {")
        .nth(1)
        .unwrap();
    assert!(
        create.contains("Result<ResponseValue<ByteStream>, Error<types::ErrorBody>>"),
        "{}",
        &create[..2000.min(create.len())]
    );
}

#[test]
fn an_operation_progenitor_panics_on_is_left_out_and_named() {
    // Progenitor asserts that a JSON media type has no `encoding`; nothing checks this before it.
    let text = spec_text("v2.yaml").replace(
        "            schema:\n              $ref: '#/components/schemas/SendMessageRequest'",
        "            schema:\n              $ref: '#/components/schemas/SendMessageRequest'\n            encoding:\n              prompt: {contentType: text/plain}",
    );
    assert!(
        text != spec_text("v2.yaml"),
        "the fixture edit did not apply"
    );
    let generated = generate_text(&text).unwrap();
    let warnings = warnings(&generated);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "`POST /v2/agent/{projectId}/job/{id}/message`: not generated: progenitor panicked: "
        ),
        "{warnings:?}"
    );
    assert!(!generated.source.contains("pub fn send_message("));
    assert!(generated.source.contains("pub fn create_job("));
    assert!(generated.source.contains("pub fn get_job("));
}

#[test]
fn output_starts_with_a_header_naming_spec_and_command() {
    let source = generate_from_str(Path::new("x"), &spec_text("v1.yaml"), "specs/v1.yaml")
        .unwrap()
        .source;
    let header: Vec<&str> = source.lines().take(2).collect();
    assert_eq!(
        header,
        [
            "// @generated by mintlify-agent-codegen from `specs/v1.yaml`. Do not edit by hand:",
            "// change the spec and run `cargo xtask regen` (`cargo xtask regen --check` finds drift).",
        ]
    );
}

#[test]
fn the_same_spec_gives_byte_identical_output() {
    for name in ["v1.yaml", "v2.yaml"] {
        let text = spec_text(name);
        let first = generate_from_str(Path::new(name), &text, name)
            .unwrap()
            .source;
        let second = generate_from_str(Path::new(name), &text, name)
            .unwrap()
            .source;
        assert!(first == second, "{name} generated differently twice");
    }
}

#[test]
fn generated_code_has_open_enums_and_no_timeout_constructor() {
    let source = generate_from_str(Path::new("x"), &spec_text("v2.yaml"), "specs/v2.yaml")
        .unwrap()
        .source;
    assert!(source.contains("pub enum JobStatus {"));
    assert!(source.contains("Unknown(::std::string::String),"));
    assert!(
        !source.contains("Duration::from_secs(15)"),
        "the 15 s constructor is still there"
    );
    assert!(source.contains("pub fn new_with_client("));
}

#[test]
fn generated_code_encodes_path_segments_with_its_own_strict_encoder() {
    for name in ["v1.yaml", "v2.yaml"] {
        let source = generate_from_str(Path::new("x"), &spec_text(name), name)
            .unwrap()
            .source;
        assert!(
            source.contains(
                "use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt};"
            ),
            "{name}: progenitor's encoder is still imported"
        );
        assert_eq!(
            source
                .matches("\nfn encode_path(segment: &str) -> ::std::string::String {")
                .count(),
            1,
            "{name}"
        );
        assert!(source.contains("encode_path(& id.to_string())"), "{name}");
    }
}

#[test]
fn a_schema_progenitor_cannot_handle_is_blamed_on_the_components() {
    let text = spec_text("v2.yaml").replace(
        "    ErrorBody:\n      type: object",
        "    ErrorBody:\n      type: objekt",
    );
    assert!(
        text != spec_text("v2.yaml"),
        "the fixture edit did not apply"
    );
    let error = generate_text(&text).unwrap_err();
    assert!(
        matches!(error, Error::UnsupportedSchemas { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "specs/bad.yaml: a schema under `components.schemas` cannot be generated: progenitor panicked: not yet implemented: invalid type: objekt"
    );
}

/// Adds `schemas` to v2.yaml's `components.schemas`, before `ErrorBody`.
fn v2_with_schemas(schemas: &str) -> String {
    let text =
        spec_text("v2.yaml").replace("    ErrorBody:\n", &format!("{schemas}    ErrorBody:\n"));
    assert!(
        text != spec_text("v2.yaml"),
        "the fixture edit did not apply"
    );
    text
}

#[test]
fn schemas_that_are_aliases_of_each_other_in_a_cycle_are_named() {
    let text = v2_with_schemas(
        "    Thread:\n      allOf:\n        - $ref: '#/components/schemas/Reply'\n    Reply:\n      oneOf:\n        - type: string\n        - $ref: '#/components/schemas/Thread'\n",
    );
    let error = generate_text(&text).unwrap_err();
    let Error::AliasCycle { path, cycle } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (path.as_path(), cycle.as_slice()),
        (
            Path::new("specs/bad.yaml"),
            &["Thread".to_owned(), "Reply".to_owned(), "Thread".to_owned()][..]
        )
    );
    assert_eq!(
        error.to_string(),
        "specs/bad.yaml: `components.schemas`: `Thread` -> `Reply` -> `Thread` is a cycle of pure aliases (each schema is only a `$ref` to the next, or has it as an `allOf`/`oneOf`/`anyOf` member), so the generated deserializer would call itself without reading input until the stack overflows; make one hop an object property or array item"
    );
    let itself = v2_with_schemas("    Root:\n      $ref: '#/components/schemas/Root'\n");
    assert!(
        generate_text(&itself)
            .unwrap_err()
            .to_string()
            .contains(": `components.schemas`: `Root` -> `Root` is a cycle of pure aliases"),
    );
}

#[test]
fn recursive_schemas_through_properties_and_items_are_generated() {
    let text = v2_with_schemas(
        "    Tree:\n      type: object\n      properties:\n        children:\n          type: array\n          items: {$ref: '#/components/schemas/Tree'}\n        parent:\n          nullable: true\n          allOf: [{$ref: '#/components/schemas/Subtree'}]\n    Subtree:\n      allOf: [{$ref: '#/components/schemas/Tree'}]\n",
    );
    let source = generate_text(&text).unwrap().source;
    assert!(source.contains("pub struct Tree {"), "no `Tree` type");
    assert!(source.contains("pub struct Subtree("), "no `Subtree` type");
}

/// Mintlify's published spec, as it is: no operation ids, inline schemas, OpenAPI 3.0.1. It lives
/// beside the repository (`../shared/`), which CI has; a plain clone may not.
#[test]
fn mintlify_published_spec_is_accepted_unchanged() {
    let path = std::env::var_os("MINTLIFY_UPSTREAM_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/api-docs/upstream/admin-openapi.json"));
    if !path.exists() {
        eprintln!("skipped: {} is not here", path.display());
        return;
    }
    let generated = generate_from_str(
        &path,
        &std::fs::read_to_string(&path).unwrap(),
        "admin-openapi.json",
    )
    .unwrap();
    let source = &generated.source;
    for method in [
        "pub fn post_v1_agent_job(",
        "pub fn get_v1_agent_job_by_id(",
        "pub fn get_v1_agent_jobs(",
        "pub fn post_v2_agent_job(",
        "pub fn get_v2_agent_job_by_id(",
        "pub fn post_v2_agent_job_message(",
    ] {
        assert!(
            source.contains(method),
            "no `{method}` in the generated client"
        );
    }
    assert!(source.contains("\"github_missconfigured\" => Self::GithubMissconfigured"));
}

/// The runtime crates of our own specs: what `generated-client/Cargo.toml` must provide.
#[test]
fn the_workspace_specs_report_the_crates_their_code_names() {
    for name in ["v1.yaml", "v2.yaml"] {
        let generated = generate_from_str(Path::new(name), &spec_text(name), name).unwrap();
        assert_eq!(
            crates(&generated),
            ["progenitor-client", "reqwest", "serde", "chrono"],
            "{name}"
        );
        assert!(
            generated.warnings.is_empty(),
            "{name}: {:?}",
            generated.warnings
        );
    }
}

/// OpenAPI 3.1, in JSON with surrogate pairs: every 3.1 addition the issue lists is converted.
#[test]
fn an_openapi_31_document_is_converted_and_generated() {
    let generated = fixture("analytics-3.1.json");
    assert_eq!(
        warnings(&generated),
        [
            "`webhooks`: not generated: this webhook (feedbackCreated) is a request the API sends to your server, not a call a client makes"
        ]
    );
    let source = &generated.source;
    for expected in [
        // Operations, one of them from a referenced path item.
        "pub fn list_feedback(",
        "pub fn get_thread(",
        // Surrogate pairs read as the characters they encode.
        "Feedback on the docs — newest first 📝",
        // `type: [string, "null"]`, and `anyOf` with a null member.
        "pub comment: ::std::option::Option<FeedbackComment>,",
        "pub reply: ::std::option::Option<Reply>,",
        "pub next_cursor: ::std::option::Option<::std::string::String>,",
        // `const` → a one-value enum, open like every other.
        "pub enum FeedbackKind {",
        // A `$ref` with a sibling description keeps both.
        "///Where the team is with it; absent until triaged.",
        "pub status: ::std::option::Option<FeedbackStatus>,",
        // `type: [integer, string]` → one of both.
        "pub enum FeedbackPageTotal {",
    ] {
        assert!(source.contains(expected), "no `{expected}` in the client");
    }
    assert!(crates(&generated).contains(&"uuid"));
}

/// The operation Mintlify's admin spec added on 2026-07-20 (a JSON 400, a 429 without a schema)
/// and its kin: every operation but the one progenitor cannot send is generated.
#[test]
fn operations_with_mixed_response_types_are_generated() {
    let generated = fixture("mixed-errors.yaml");
    assert_eq!(
        warnings(&generated),
        [
            "`POST /v2/agent/{projectId}/job`: the request body is sent as `application/json` only; `multipart/form-data` is not generated (progenitor sends one media type per body)",
            "`GET /v2/session`: not generated: progenitor cannot send cookies (its required parameter `session`)",
            "`POST /v1/deslop/{projectId}`: its error responses differ in type; the error type is JSON `Error`, and 429 (raw bytes), 500 (no body) are left undeclared: they come back as `Error::UnexpectedResponse`, with the response and its body as sent",
            "`GET /v2/agent/{projectId}/job/{id}`: its success responses differ in type (200: JSON `Job`, 202: no body); the method returns the body as raw bytes (`ByteStream`)",
            "`PUT /v2/files/{name}`: not generated: progenitor refused it: unexpected or unhandled format in the OpenAPI document invalid schema for application/octet-stream: Item(Schema { schema …",
        ]
    );
    let source = &generated.source;
    let method = |name: &str| {
        source
            .split(&format!("pub fn {name}(&self) -> builder::"))
            .nth(1)
            .is_some()
    };
    for name in [
        "post_v1_deslop_by_project_id",
        "get_job",
        "delete_job",
        "create_job",
    ] {
        assert!(method(name), "no `{name}`");
    }
    assert!(!method("get_session"), "the cookie operation is generated");
    assert!(
        !method("put_file"),
        "the operation progenitor refused is generated"
    );
    // The deslop call's errors are the JSON `Error`; `default` became 4XX/5XX beside a success.
    assert!(source.contains("Result<ResponseValue<types::DeslopResult>, Error<types::Error>>"));
    assert!(source.contains("Result<ResponseValue<()>, Error<types::Error>>"));
    assert!(source.contains(
        "204u16 => Ok(ResponseValue::empty(response)),\n                400u16..=499u16 => {"
    ));
    assert_eq!(
        crates(&generated),
        [
            "progenitor-client",
            "reqwest",
            "serde",
            "serde_json",
            "chrono",
            "uuid",
            "regress"
        ]
    );
}

/// `$ref` keys inside example payloads, defaults and extensions are data: the spec is valid,
/// and only its real references are followed.
#[test]
fn refs_inside_examples_are_not_references() {
    let generated = fixture("example-refs.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert!(generated.source.contains("pub fn put_schema("));
    assert!(generated.source.contains("pub struct Document {"));
}
