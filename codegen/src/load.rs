//! Reading a spec file into [`openapiv3::OpenAPI`], with errors that point into the file.

use std::path::Path;

use openapiv3::OpenAPI;
use serde::de::IgnoredAny;

use crate::Error;

/// Reads and parses the spec at `path`. YAML and JSON are both accepted (JSON is YAML).
pub fn load(path: &Path) -> Result<OpenAPI, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses spec text; `path` is only used to name the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<OpenAPI, Error> {
    // Parse twice: first for well-formedness, so that a syntax fault is reported as one, then
    // into the typed document with the path to any field that does not fit. Specs are small.
    if let Err(error) = serde_norway::from_str::<IgnoredAny>(text) {
        let location = error.location();
        return Err(Error::Syntax {
            path: path.to_owned(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: strip_location(&error.to_string()),
        });
    }
    let deserializer = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let at = match error.path().to_string() {
            root if root == "." => "(document root)".to_owned(),
            at => at,
        };
        let inner = error.into_inner();
        Error::Invalid {
            path: path.to_owned(),
            line: inner.location().map(|l| l.line()),
            at,
            message: strip_location(&inner.to_string()),
        }
    })
}

/// The YAML library appends ` at line L column C` to its messages; our errors carry the
/// position in their own fields, so the message should not say it twice.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}
