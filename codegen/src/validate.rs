//! Checks that make a document a valid OpenAPI 3.0 or 3.1 one, beyond what its shape alone says:
//! the version, and that every `$ref` points at something. Each failure names the place in the
//! document. (What is wrong in one operation only, such as path parameters that do not match
//! its template, leaves that operation out instead: see `normalize`.)

use std::path::Path;

use serde_norway::Value;

use crate::locate::{self, invalid};
use crate::{Error, walk};

/// The OpenAPI versions this generator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// 3.0.x, the model progenitor reads.
    V30,
    /// 3.1.x, converted to 3.0 before it is typed.
    V31,
}

/// The document's OpenAPI version, if it is one this generator reads.
pub fn version(path: &Path, text: &str, document: &Value) -> Result<Version, Error> {
    let fail = |trail: &[&str], message: String| {
        let trail: Vec<String> = trail.iter().map(|s| (*s).to_owned()).collect();
        invalid(path, text, &trail, message)
    };
    let version = match document.get("openapi") {
        Some(Value::String(version)) => version,
        Some(_) => {
            return Err(fail(
                &["openapi"],
                "must be a version string such as `3.0.3`".to_owned(),
            ));
        }
        None if document.is_mapping() => {
            return Err(fail(&[], "missing field `openapi`".to_owned()));
        }
        None => return Err(fail(&[], "the document is not a map of fields".to_owned())),
    };
    let patch_of = |minor: &str| {
        version
            .strip_prefix(minor)
            .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
    };
    if patch_of("3.0.") {
        Ok(Version::V30)
    } else if patch_of("3.1.") {
        Ok(Version::V31)
    } else {
        Err(fail(
            &["openapi"],
            format!(
                "version `{version}` is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"
            ),
        ))
    }
}

/// Fails on the first `$ref` that points at nothing in the document, or outside it. Only
/// references are followed: a `$ref` key inside an example, a default or an extension is data.
pub fn references(path: &Path, text: &str, document: &Value) -> Result<(), Error> {
    let mut dangling = None;
    walk::for_each(document, &mut |_, trail, object| {
        if dangling.is_some() {
            return;
        }
        if let Some(Value::String(reference)) = object.get("$ref")
            && resolve(document, reference).is_none()
        {
            dangling = Some((trail.to_vec(), reference.clone()));
        }
    });
    let Some((trail, reference)) = dangling else {
        return Ok(());
    };
    let message = if reference.starts_with('#') {
        format!("`$ref: {reference}` points at nothing in this document")
    } else {
        format!("`$ref: {reference}` is external; only references into this document are supported")
    };
    // The line of the `$ref` itself, which may sit below the key that holds it.
    let mut at_ref = trail.clone();
    at_ref.push("$ref".to_owned());
    Err(Error::Invalid {
        path: path.to_owned(),
        line: locate::line(text, &at_ref),
        at: trail.join("."),
        message,
    })
}

/// Follows a local reference (`#/components/schemas/AgentJob`), a JSON pointer in a URI
/// fragment: `~1` is `/`, `~0` is `~`, and `%xx` escapes are decoded.
pub fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(document);
    }
    let mut at = document;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = percent_decode(token)?.replace("~1", "/").replace("~0", "~");
        at = match at {
            Value::Mapping(map) => map.get(token.as_str()).or_else(|| {
                // YAML keys such as `200:` are numbers.
                let number: u64 = token.parse().ok()?;
                map.get(Value::from(number))
            })?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// `%7B` → `{`; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(token: &str) -> Option<String> {
    if !token.contains('%') {
        return Some(token.to_owned());
    }
    let bytes = token.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = token.get(index + 1..index + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    fn check(yaml: &str) -> Result<(), Error> {
        let path = Path::new("specs/t.yaml");
        let document = load::document(path, yaml).unwrap();
        version(path, yaml, &document)?;
        references(path, yaml, &document)?;
        load::typed(path, yaml, document).map(drop)
    }

    #[test]
    fn accepts_3_0_and_3_1_versions_only() {
        let head =
            |v: &str| format!("openapi: {v}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n");
        for accepted in ["3.0.0", "3.0.3", "3.1.0", "3.1.1"] {
            check(&head(accepted)).unwrap();
        }
        for refused in ["3.2.0", "'2.0'", "3.0.", "'3.1'"] {
            let message = check(&head(refused)).unwrap_err().to_string();
            assert!(
                message.contains("is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"),
                "{refused}: {message}"
            );
        }
        let error = check(&head("4.0.0")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "specs/t.yaml:1: not a valid OpenAPI document at `openapi`: version `4.0.0` is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"
        );
        let swagger = check("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(
            swagger
                .unwrap_err()
                .to_string()
                .contains("at `(document root)`: missing field `openapi`")
        );
    }

    #[test]
    fn a_dangling_ref_is_named_with_its_place() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n";
        let error = check(yaml).unwrap_err();
        assert_eq!(
            error.to_string(),
            "specs/t.yaml:13: not a valid OpenAPI document at `paths./x.get.responses.200.content.application/json.schema`: `$ref: #/components/schemas/Nope` points at nothing in this document"
        );
        let external = yaml.replace("'#/components/schemas/Nope'", "'other.yaml#/Pet'");
        assert!(check(&external).unwrap_err().to_string().ends_with(
            "`$ref: other.yaml#/Pet` is external; only references into this document are supported"
        ));
    }

    #[test]
    fn refs_inside_examples_defaults_and_extensions_are_data() {
        let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    get:
      operationId: x
      x-sample: {$ref: 'https://example.com/not/a/reference'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                default: {$ref: '#/nowhere'}
                example: {$ref: 'https://example.com/schema.json'}
                properties:
                  example: {$ref: '#/components/schemas/Thing'}
              example: {$ref: 'https://example.com/payload'}
              examples:
                one: {value: {$ref: 'https://example.com/one'}}
                two: {$ref: '#/components/examples/Two'}
components:
  schemas:
    Thing: {type: string, enum: [{$ref: x}]}
  examples:
    Two: {value: {nested: [{$ref: 'https://example.com/two'}]}}
"#;
        check(yaml).unwrap();
        // The real references beside them are still checked.
        let broken = yaml.replace("#/components/examples/Two'", "#/components/examples/Three'");
        assert!(check(&broken).unwrap_err().to_string().contains(
            "at `paths./x.get.responses.200.content.application/json.examples.two`: `$ref: #/components/examples/Three` points at nothing"
        ));
        let broken = yaml.replace(
            "example: {$ref: '#/components/schemas/Thing'}",
            "example: {$ref: '#/components/schemas/Nothing'}",
        );
        assert!(
            check(&broken)
                .unwrap_err()
                .to_string()
                .contains("properties.example`")
        );
    }

    #[test]
    fn pointers_are_unescaped() {
        let document: Value = serde_norway::from_str(
            "paths:\n  /jobs/{id}:\n    get: {responses: {200: {description: ok}}}\na~b: [x, y]\n",
        )
        .unwrap();
        assert!(resolve(&document, "#/paths/~1jobs~1%7Bid%7D/get/responses/200").is_some());
        assert_eq!(resolve(&document, "#/a~0b/1"), Some(&Value::from("y")));
        assert!(resolve(&document, "#/paths/nope").is_none());
        assert!(resolve(&document, "#/a~0b/%zz").is_none());
        assert!(resolve(&document, "other.yaml#/x").is_none());
    }
}
