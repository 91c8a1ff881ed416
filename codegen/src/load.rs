//! Reading a spec file: its text into a document value (JSON by a JSON parser, YAML by a YAML
//! one), and a document value into [`openapiv3::OpenAPI`], with errors that point into the file.
//!
//! The value in between is a [`serde_norway::Value`] for both: its maps keep the document's
//! order (which decides the order of the generated methods) and take non-string keys (YAML's
//! `200:`), and OpenAPI 3.1 documents are turned into 3.0 ones on it before they are typed.

use std::path::Path;

use openapiv3::OpenAPI;
use serde_norway::Value;

use crate::locate::invalid;
use crate::{Error, Warning, normalize, validate};

/// Reads the spec at `path` into the OpenAPI 3.0 model; a 3.1 document is converted.
pub fn load(path: &Path) -> Result<OpenAPI, Error> {
    parse(path, &read(path)?)
}

/// The spec file's text.
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })
}

/// Parses spec text into the OpenAPI 3.0 model, converting a 3.1 document; `path` names the
/// file in errors (and a `.json` name makes it read as JSON).
pub fn parse(path: &Path, text: &str) -> Result<OpenAPI, Error> {
    spec(path, text, &mut Vec::new())
}

/// [`parse`], adding what the 3.1 conversion leaves out to `warnings`. Every `$ref` is checked
/// on the converted value, before typing drops what the model has no field for.
pub(crate) fn spec(path: &Path, text: &str, warnings: &mut Vec<Warning>) -> Result<OpenAPI, Error> {
    let mut document = document(path, text)?;
    let version = validate::version(path, text, &document)?;
    normalize::v31::upgrade(version, &mut document, warnings);
    validate::references(path, text, &document)?;
    typed(path, text, document)
}

/// The document value of `text`. JSON (a `.json` file, or text that starts with `{`) is read by
/// a JSON parser: YAML 1.2 is a superset of JSON only in theory, and YAML parsers refuse the
/// surrogate pairs (`"\ud83d\ude80"`) that Python's and JavaScript's JSON writers emit.
pub(crate) fn document(path: &Path, text: &str) -> Result<Value, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let named_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if named_json || text.trim_start().starts_with('{') {
        let error = match serde_json::from_str::<Value>(text) {
            Ok(document) => return Ok(document),
            Err(error) => error,
        };
        // A YAML flow mapping also starts with `{`: only a `.json` file must be JSON.
        if !named_json && let Ok(document) = serde_norway::from_str::<Value>(text) {
            return Ok(document);
        }
        return Err(Error::Syntax {
            path: path.to_owned(),
            format: "JSON",
            line: Some(error.line()),
            column: Some(error.column()),
            message: strip_location(&error.to_string()),
        });
    }
    serde_norway::from_str::<Value>(text).map_err(|error| {
        let location = error.location();
        Error::Syntax {
            path: path.to_owned(),
            format: "YAML",
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: strip_location(&error.to_string()),
        }
    })
}

/// Deserializes a document value into the OpenAPI 3.0 model, naming the field that does not fit
/// by its dotted path and, found again in `text`, its line.
pub(crate) fn typed(path: &Path, text: &str, document: Value) -> Result<OpenAPI, Error> {
    // `paths` is a flattened map in `openapiv3`, which hides the path to a fault below it; it is
    // looked for first, by reading each path item on its own.
    if let Some((trail, message)) = fault_in_paths(&document) {
        return Err(invalid(path, text, &trail, message));
    }
    serde_path_to_error::deserialize(document).map_err(|error| {
        let trail: Vec<String> = error
            .path()
            .iter()
            .map(|segment| segment.to_string())
            .filter(|segment| !segment.is_empty() && segment != ".")
            .collect();
        let message = strip_location(&error.into_inner().to_string());
        invalid(path, text, &trail, message)
    })
}

/// The first path item that does not fit the model, as its trail and the reason.
fn fault_in_paths(document: &Value) -> Option<(Vec<String>, String)> {
    let paths = document.get("paths")?.as_mapping()?;
    paths.iter().find_map(|(route, item)| {
        let route = route.as_str()?;
        if route.starts_with("x-") {
            return None;
        }
        // A reference is resolved (or reported) elsewhere.
        if item.get("$ref").is_some() {
            return None;
        }
        let error =
            serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item.clone()).err()?;
        let mut trail = vec!["paths".to_owned(), route.to_owned()];
        trail.extend(
            error
                .path()
                .iter()
                .map(|segment| segment.to_string())
                .filter(|segment| !segment.is_empty() && segment != "."),
        );
        Some((trail, strip_location(&error.into_inner().to_string())))
    })
}

/// Parsers append ` at line L column C` to their messages; our errors carry the position in
/// their own fields, so the message should not say it twice.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_with_surrogate_pairs_is_read_by_a_json_parser() {
        let text = r#"{"openapi": "3.0.3", "info": {"title": "Rocket \ud83d\ude80", "version": "1"}, "paths": {}}"#;
        let spec = parse(Path::new("spec.yaml"), text).unwrap();
        assert_eq!(spec.info.title, "Rocket 🚀");
        // YAML parsers refuse it: this is why JSON is not read as YAML.
        assert!(serde_norway::from_str::<Value>(text).is_err());
    }

    #[test]
    fn document_order_is_kept() {
        let text = r#"{"paths": {"/z": {}, "/a": {}, "/m": {}}}"#;
        let document = document(Path::new("s.json"), text).unwrap();
        let keys: Vec<&str> = document["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(keys, ["/z", "/a", "/m"]);
    }

    #[test]
    fn json_syntax_errors_name_line_and_column() {
        let error = document(
            Path::new("s.json"),
            "{\n  \"openapi\": \"3.0.3\",\n  oops\n}\n",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "s.json:3:3: JSON does not parse: key must be a string"
        );
    }

    #[test]
    fn a_yaml_flow_mapping_is_still_yaml() {
        let text = "{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}";
        assert_eq!(parse(Path::new("s.yaml"), text).unwrap().openapi, "3.0.3");
        // A `.json` file must be JSON.
        assert!(matches!(
            document(Path::new("s.json"), text),
            Err(Error::Syntax { format: "JSON", .. })
        ));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "\u{feff}{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}";
        parse(Path::new("s.json"), text).unwrap();
    }
}
