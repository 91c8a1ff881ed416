//! Reading a spec file into [`openapiv3::OpenAPI`], with errors that point into the file.

use std::path::Path;

use openapiv3::OpenAPI;
use serde::de::IgnoredAny;

use crate::Error;

/// Reads and parses the spec at `path`. YAML and JSON are both accepted (JSON is YAML).
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
        let mut at = error.path().to_string();
        let inner = error.into_inner();
        let mut message = strip_location(&inner.to_string());
        if at == "paths"
            && let Some((deeper, deeper_message)) = locate_in_paths(text)
        {
            (at, message) = (deeper, deeper_message);
        }
        Error::Invalid {
            path: path.to_owned(),
            line: inner.location().map(|l| l.line()),
            at: if at == "." {
                "(document root)".to_owned()
            } else {
                at
            },
            message,
        }
    })
}

/// `paths` is a flattened map in `openapiv3`, which hides the path to a fault below it. Reading
/// each path item on its own finds it: `paths./x.get.responses` instead of `paths`.
fn locate_in_paths(text: &str) -> Option<(String, String)> {
    let document: serde_norway::Value = serde_norway::from_str(text).ok()?;
    let paths = document.get("paths")?.as_mapping()?;
    paths.iter().find_map(|(route, item)| {
        let route = route.as_str()?;
        let error =
            serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item.clone()).err()?;
        let message = error.inner().to_string();
        let inner_path = error.path().to_string();
        let at = match inner_path.as_str() {
            "." => format!("paths.{route}"),
            inner => format!("paths.{route}.{inner}"),
        };
        Some((at, strip_location(&message)))
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
