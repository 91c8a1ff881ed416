//! The MCP Registry's entry: `server.json` at the repository's root (where the registry's
//! publisher reads it), listing the npm and PyPI packages, derived from the workspace's version
//! and owner. `package` writes the same file into `target/dist-artifacts/`; `check` fails when the
//! checked-in one differs, or breaks a rule of the registry's schema.
//!
//! The schema (2025-12-11, `internal/validators/schemas/2025-12-11.json` in
//! modelcontextprotocol/registry) is not vendored: [`validate`] holds our entry to the rules of
//! it that apply to a package-only server (required fields, lengths, the name's pattern, a
//! specific version, transports, arguments, environment variables), plus the registry's own
//! semantic checks of the same fields (no version ranges, no `latest`, stdio without a URL). The
//! file was validated once by hand against the real schema with check-jsonschema, when this
//! module was written; at each release the registry itself validates it again
//! (`mcp-publisher publish` in `.github/workflows/publish-packages.yml`).

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{BINARY, DistError, Release};

/// The schema `server.json` is written against.
pub const SCHEMA: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/// The checked-in file, relative to the workspace root.
pub const FILE: &str = "server.json";

/// The server's name in the registry: `io.github.OWNER/NAME`, the namespace that publishing
/// with GitHub authentication proves. The npm package's `mcpName` and the PyPI description's
/// `mcp-name:` line carry the same name (the registry's ownership checks).
pub fn mcp_name(release: &Release) -> String {
    format!("io.github.{}/{}", release.owner, release.name)
}

/// The version as PyPI spells it (PEP 440): `1.2.0-rc.1` is `1.2.0rc1`; what the wheel and
/// its registry entry carry. `None` for a pre-release PEP 440 has no spelling for.
pub fn pypi_version(version: &str) -> Option<String> {
    let Some((release, pre)) = version.split_once('-') else {
        return Some(version.to_owned());
    };
    let (kind, number) = pre.split_once('.').unwrap_or((pre, "0"));
    let kind = match kind {
        "alpha" | "a" => "a",
        "beta" | "b" => "b",
        "rc" => "rc",
        _ => return None,
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{release}{kind}{}",
        number.trim_start_matches('0').max("0")
    ))
}

/// `server.json` for `release`.
pub fn server_json(release: &Release) -> Result<Value, DistError> {
    let pypi = pypi_version(&release.version).ok_or_else(|| {
        DistError::Metadata(format!(
            "version {} has no PyPI spelling: use -alpha.N, -beta.N or -rc.N for a pre-release",
            release.version
        ))
    })?;
    let package = |registry: &str, base: &str, runtime: &str, version: &str| {
        json!({
            "registryType": registry,
            "registryBaseUrl": base,
            "identifier": BINARY,
            "version": version,
            "runtimeHint": runtime,
            "transport": { "type": "stdio" },
            "packageArguments": [{ "type": "positional", "value": "mcp" }],
            "environmentVariables": environment(),
        })
    };
    Ok(json!({
        "$schema": SCHEMA,
        "name": mcp_name(release),
        "title": "Mintlify agent",
        "description": "Hand documentation work to Mintlify's agent: start a job, follow up, wait for the pull request",
        "version": release.version,
        "repository": { "url": release.repository, "source": "github" },
        "websiteUrl": format!("{}#readme", release.repository),
        "packages": [
            package("npm", "https://registry.npmjs.org", "npx", &release.version),
            package("pypi", "https://pypi.org", "uvx", &pypi),
        ],
    }))
}

/// The environment the server reads: the key (secret), the project, the base URL (optional).
fn environment() -> Value {
    json!([
        {
            "name": "MINTLIFY_API_KEY",
            "description": "Mintlify admin API key (mint_…), from the dashboard's API keys page",
            "isRequired": true,
            "isSecret": true,
            "format": "string",
        },
        {
            "name": "MINTLIFY_PROJECT_ID",
            "description": "The Mintlify project id",
            "isRequired": true,
            "format": "string",
        },
        {
            "name": "MINTLIFY_BASE_URL",
            "description": "The API's base URL; Mintlify's when not set",
            "isRequired": false,
            "format": "string",
        },
    ])
}

/// The file's text: pretty JSON with its keys sorted, and a final newline.
pub fn render(release: &Release) -> Result<String, DistError> {
    let value = sorted(server_json(release)?);
    Ok(serde_json::to_string_pretty(&value).expect("a JSON value serializes") + "\n")
}

/// The value with every object's keys in sorted order. serde_json keeps insertion order when
/// any crate in the build turns on its `preserve_order` (the SDK's `v1` does, and `cargo test
/// --workspace` unifies features), so the text would otherwise depend on what else was built.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let entries: std::collections::BTreeMap<String, Value> = map
                .into_iter()
                .map(|(key, value)| (key, sorted(value)))
                .collect();
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Writes `server.json` into `target/dist-artifacts/` (the one to publish; the checked-in one must equal it).
pub fn package(release: &Release) -> Result<Vec<PathBuf>, DistError> {
    let text = render(release)?;
    let problems = validate(&serde_json::from_str(&text).expect("rendered JSON parses"));
    if !problems.is_empty() {
        return Err(DistError::Metadata(format!(
            "server.json breaks the registry's schema: {}",
            problems.join("; ")
        )));
    }
    let path = release.out_dir.join(FILE);
    super::stage::write(&path, text.as_bytes())?;
    Ok(vec![path])
}

/// The checked-in `server.json` against the workspace: one line per disagreement.
pub fn check(release: &Release) -> Result<Vec<String>, DistError> {
    let path = release.root.join(FILE);
    let expected = render(release)?;
    let mut problems: Vec<String> = validate(&serde_json::from_str(&expected).expect("parses"))
        .into_iter()
        .map(|p| format!("server.json as rendered: {p}"))
        .collect();
    match std::fs::read_to_string(&path) {
        Ok(found) if found == expected => {}
        Ok(found) => {
            let what = match serde_json::from_str::<Value>(&found) {
                Ok(value) => difference(&value, release),
                Err(error) => format!("is not JSON ({error})"),
            };
            problems.push(format!(
                "{FILE} {what}: `cargo xtask dist` writes the right one to target/dist-artifacts/{FILE}; \
                 copy it to the root"
            ));
        }
        Err(error) => problems.push(format!("{}: {error}", path.display())),
    }
    Ok(problems)
}

/// What is wrong with a checked-in `server.json`, in the words a person fixes it by.
fn difference(found: &Value, release: &Release) -> String {
    if found["version"] != json!(release.version) {
        format!(
            "says version {} where the workspace says {}",
            found["version"], release.version
        )
    } else if found["name"] != json!(mcp_name(release)) {
        format!(
            "names {} where the owner gives {}",
            found["name"],
            mcp_name(release)
        )
    } else {
        "differs from what the workspace gives".to_owned()
    }
}

/// The schema's rules (and the registry's semantic checks of the same fields) that a
/// package-only `server.json` can break: one line per broken rule, none when it holds.
pub fn validate(server: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |what: String| problems.push(what);
    let Some(object) = server.as_object() else {
        return vec!["not a JSON object".to_owned()];
    };
    if server["$schema"] != SCHEMA {
        problem(format!("$schema is not {SCHEMA}"));
    }
    match object.get("name").and_then(Value::as_str) {
        Some(name) if valid_name(name) => {}
        Some(name) => problem(format!(
            "name {name:?} is not NAMESPACE/NAME (3 to 200 characters of [a-zA-Z0-9.-], one slash, \
             [a-zA-Z0-9._-], each part starting and ending with a letter or digit)"
        )),
        None => problem("name: missing, or not a string".to_owned()),
    }
    for (field, required) in [("description", true), ("title", false)] {
        match object.get(field) {
            None if !required => {}
            Some(Value::String(text)) if (1..=100).contains(&text.chars().count()) => {}
            _ => problem(format!("{field}: a string of 1 to 100 characters")),
        }
    }
    match object.get("version").and_then(Value::as_str) {
        Some(version) if specific_version(version) && version.len() <= 255 => {}
        _ => problem("version: a specific version (not a range, not `latest`)".to_owned()),
    }
    if let Some(repository) = object.get("repository")
        && !(is_url(&repository["url"], false) && repository["source"].is_string())
    {
        problem("repository: `url` (a URL) and `source` are required".to_owned());
    }
    if let Some(url) = object.get("websiteUrl")
        && !is_url(url, true)
    {
        problem("websiteUrl: an https URL".to_owned());
    }
    match object.get("packages") {
        None => {}
        Some(Value::Array(packages)) => {
            for (i, package) in packages.iter().enumerate() {
                for p in validate_package(package) {
                    problem(format!("packages[{i}]: {p}"));
                }
            }
        }
        Some(_) => problem("packages: an array".to_owned()),
    }
    problems
}

fn validate_package(package: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if !package.is_object() {
        return vec!["not an object".to_owned()];
    }
    for field in ["registryType", "identifier"] {
        match package[field].as_str() {
            Some(text) if !text.is_empty() && !text.contains(char::is_whitespace) => {}
            _ => problems.push(format!("{field}: a string without spaces")),
        }
    }
    if let Some(version) = package.get("version") {
        match version.as_str() {
            Some(v) if specific_version(v) => {}
            _ => {
                problems.push("version: a specific version (not a range, not `latest`)".to_owned())
            }
        }
    }
    if let Some(url) = package.get("registryBaseUrl")
        && !is_url(url, false)
    {
        problems.push("registryBaseUrl: a URL".to_owned());
    }
    if let Some(sha) = package.get("fileSha256") {
        let hex = sha.as_str().is_some_and(|s| {
            s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if !hex {
            problems.push("fileSha256: 64 lower-case hex digits".to_owned());
        }
    }
    let transport = &package["transport"];
    match transport["type"].as_str() {
        Some("stdio") if transport.get("url").is_none() => {}
        Some("stdio") => problems.push("transport: stdio takes no url".to_owned()),
        Some("streamable-http" | "sse") if is_url(&transport["url"], false) => {}
        _ => problems.push("transport: stdio, or streamable-http/sse with a url".to_owned()),
    }
    for field in ["packageArguments", "runtimeArguments"] {
        let Some(arguments) = package.get(field) else {
            continue;
        };
        let Some(arguments) = arguments.as_array() else {
            problems.push(format!("{field}: an array"));
            continue;
        };
        for (i, argument) in arguments.iter().enumerate() {
            let ok = match argument["type"].as_str() {
                Some("positional") => {
                    argument["value"].is_string() || argument["valueHint"].is_string()
                }
                Some("named") => argument["name"]
                    .as_str()
                    .is_some_and(|name| !name.is_empty() && !name.contains(['<', '>', ' ', '$'])),
                _ => false,
            };
            if !ok {
                problems.push(format!(
                    "{field}[{i}]: positional with a value or valueHint, or named with a flag name"
                ));
            }
        }
    }
    if let Some(variables) = package.get("environmentVariables") {
        let Some(variables) = variables.as_array() else {
            return [problems, vec!["environmentVariables: an array".to_owned()]].concat();
        };
        for (i, variable) in variables.iter().enumerate() {
            let named = variable["name"].as_str().is_some_and(|n| !n.is_empty());
            let flags = ["isRequired", "isSecret"]
                .iter()
                .all(|f| variable.get(*f).is_none_or(Value::is_boolean));
            let format = variable.get("format").is_none_or(|f| {
                matches!(
                    f.as_str(),
                    Some("string" | "number" | "boolean" | "filepath")
                )
            });
            if !(named && flags && format) {
                problems.push(format!(
                    "environmentVariables[{i}]: a name, boolean isRequired/isSecret, and a format \
                     of string, number, boolean or filepath"
                ));
            }
        }
    }
    problems
}

/// The schema's name pattern and length, with the registry's rule that each part starts and
/// ends with a letter or digit.
fn valid_name(name: &str) -> bool {
    let part = |text: &str, extra: &[u8]| {
        let bytes = text.as_bytes();
        !bytes.is_empty()
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || extra.contains(b))
    };
    (3..=200).contains(&name.len())
        && name
            .split_once('/')
            .is_some_and(|(namespace, server)| part(namespace, b".-") && part(server, b"._-"))
}

/// A version the registry takes: not `latest`, and no range (`^1`, `~1`, `>=1`, `1.x`, `1 - 2`,
/// `1 || 2`): only the characters of a semantic version, PEP 440's included.
fn specific_version(version: &str) -> bool {
    !version.is_empty()
        && version != "latest"
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        && version.starts_with(|c: char| c.is_ascii_digit())
        && !version
            .split(['.', '-', '+'])
            .any(|part| matches!(part, "x" | "X" | ""))
}

fn is_url(value: &Value, https_only: bool) -> bool {
    value.as_str().is_some_and(|url| {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://").filter(|_| !https_only));
        rest.is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::stage::test_release;
    use proptest::prelude::*;

    fn ours() -> Value {
        server_json(&test_release("x86_64-unknown-linux-gnu")).unwrap()
    }

    #[test]
    fn the_checked_in_server_json_is_what_the_workspace_gives() {
        let root = crate::regen::workspace_root();
        let release = crate::dist::Release::from_workspace(&root, None).unwrap();
        assert_eq!(check(&release).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn our_entry_holds_to_the_schema_and_lists_both_packages() {
        let server = ours();
        assert_eq!(validate(&server), Vec::<String>::new());
        assert_eq!(server["name"], "io.github.mintlify-agent/mintlify-agent");
        let packages = server["packages"].as_array().unwrap();
        let types: Vec<&str> = packages
            .iter()
            .map(|p| p["registryType"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["npm", "pypi"]);
        for package in packages {
            assert_eq!(package["identifier"], "mintlify-agent");
            assert_eq!(package["packageArguments"][0]["value"], "mcp");
            let secret: Vec<&str> = package["environmentVariables"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["isSecret"] == true)
                .map(|v| v["name"].as_str().unwrap())
                .collect();
            assert_eq!(secret, ["MINTLIFY_API_KEY"]);
        }
    }

    #[test]
    fn a_stale_file_names_what_differs() {
        let release = test_release("x86_64-unknown-linux-gnu");
        let mut old = ours();
        old["version"] = json!("0.0.9");
        assert!(difference(&old, &release).contains("0.0.9"));
        let mut moved = ours();
        moved["name"] = json!("io.github.someone/mintlify-agent");
        assert!(difference(&moved, &release).contains("io.github.mintlify-agent/mintlify-agent"));
    }

    #[test]
    fn pre_releases_are_spelled_as_pypi_spells_them() {
        assert_eq!(pypi_version("0.1.0").as_deref(), Some("0.1.0"));
        assert_eq!(pypi_version("1.2.0-rc.1").as_deref(), Some("1.2.0rc1"));
        assert_eq!(pypi_version("1.2.0-alpha.10").as_deref(), Some("1.2.0a10"));
        assert_eq!(pypi_version("1.2.0-beta").as_deref(), Some("1.2.0b0"));
        assert_eq!(pypi_version("1.2.0-dev.1"), None);
        assert_eq!(pypi_version("1.2.0-rc.x"), None);
    }

    #[test]
    fn each_broken_rule_is_named() {
        let cases: [(&str, Value, &str); 11] = [
            ("/name", json!("mintlify-agent"), "name"),
            ("/name", json!("io.github.a/b/c"), "name"),
            ("/name", json!("-io.github.a/b"), "name"),
            ("/description", json!("x".repeat(101)), "description"),
            ("/description", json!(""), "description"),
            ("/version", json!("latest"), "version"),
            ("/version", json!("^1.2.3"), "version"),
            ("/packages/0/version", json!("1.x"), "packages[0]: version"),
            (
                "/packages/0/transport",
                json!({"type": "stdio", "url": "http://a"}),
                "stdio",
            ),
            (
                "/packages/1/packageArguments/0",
                json!({"type": "positional"}),
                "packageArguments[0]",
            ),
            (
                "/packages/0/environmentVariables/0/isSecret",
                json!("yes"),
                "environmentVariables[0]",
            ),
        ];
        for (pointer, value, words) in cases {
            let mut server = ours();
            *server.pointer_mut(pointer).unwrap() = value.clone();
            let problems = validate(&server);
            assert!(
                problems.iter().any(|p| p.contains(words)),
                "{pointer} = {value}: {problems:?}"
            );
        }
        let mut server = ours();
        server.as_object_mut().unwrap().remove("description");
        assert_eq!(
            validate(&server),
            ["description: a string of 1 to 100 characters"]
        );
        assert_eq!(validate(&json!([1])), ["not a JSON object"]);
    }

    proptest! {
        #[test]
        fn a_name_without_exactly_one_slash_is_refused(name in "[a-z./-]{0,40}") {
            let mut server = ours();
            server["name"] = json!(name);
            let accepted = validate(&server).is_empty();
            prop_assert!(!accepted || name.matches('/').count() == 1, "{}", name);
        }

        #[test]
        fn a_range_is_never_a_version(
            op in prop::sample::select(vec!["^", "~", ">=", "<", "="]),
            version in "[0-9]{1,3}(\\.[0-9]{1,3}){0,2}",
        ) {
            let mut server = ours();
            server["version"] = json!(format!("{op}{version}"));
            prop_assert!(!validate(&server).is_empty());
        }
    }
}
