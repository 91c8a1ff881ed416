//! Finding the line of a place in the document, given as the keys that lead to it.
//!
//! The document is checked as a value, after parsing, so its errors know the dotted path of a
//! fault but not the line. The line is found again in the text: each key of the path is looked
//! for, as a key (`name:`, `"name":`, `'name':`), after the one before it. It is a hint for the
//! reader, exact for documents whose keys are each written once per object, as specs are.

use std::path::Path;

use crate::Error;

/// The 1-based line of the place `trail` leads to in `text`, or of the deepest key of it that
/// was found; `None` when not even the first was.
pub fn line(text: &str, trail: &[impl AsRef<str>]) -> Option<usize> {
    let mut offset = 0;
    let mut found = None;
    for segment in trail {
        let segment = segment.as_ref();
        // Sequence indices are not written in the text.
        if segment.bytes().all(|b| b.is_ascii_digit()) && !segment.is_empty() {
            if let Some(at) = find_key(text, offset, segment) {
                offset = at;
                found = Some(at);
            }
            continue;
        }
        match find_key(text, offset, segment) {
            Some(at) => {
                offset = at;
                found = Some(at);
            }
            None => break,
        }
    }
    found.map(|at| text[..at].matches('\n').count() + 1)
}

/// The byte offset of the first occurrence, at or after `from`, of `key` written as a key:
/// preceded by the start of a line, indentation, `{`, `,` or a quote, and followed by an
/// optional quote, optional spaces and `:`.
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let mut start = from;
    while let Some(relative) = text.get(start..)?.find(key) {
        let at = start + relative;
        let before = text[..at].chars().next_back();
        let after = &text[at + key.len()..];
        let opened = matches!(
            before,
            None | Some(' ' | '\t' | '\n' | '{' | ',' | '"' | '\'')
        );
        let closed = after
            .trim_start_matches(['"', '\''])
            .trim_start_matches([' ', '\t'])
            .starts_with(':');
        // `key` must not be the tail of a longer name (`xget:` for `get`).
        if opened && closed && quotes_match(before, after) {
            return Some(at);
        }
        start = at + key.len().max(1);
    }
    None
}

/// A quote before the key needs the same quote after it, and a bare key none.
fn quotes_match(before: Option<char>, after: &str) -> bool {
    match before {
        Some(quote @ ('"' | '\'')) => after.starts_with(quote),
        _ => !after.starts_with(['"', '\'']),
    }
}

/// An [`Error::Invalid`] at `trail`, with its line in `text`.
pub(crate) fn invalid(path: &Path, text: &str, trail: &[String], message: String) -> Error {
    Error::Invalid {
        path: path.to_owned(),
        line: line(text, trail),
        at: if trail.is_empty() {
            "(document root)".to_owned()
        } else {
            trail.join(".")
        },
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses: {}\n  /b:\n    get:\n      operationId: b\n      responses:\n        '200':\n          description: ok\n";
    const JSON: &str = "{\n  \"paths\": {\n    \"/a\": {\"get\": {\"responses\": {}}},\n    \"/b\": {\n      \"get\": {\n        \"responses\": {\n          \"200\": {\"description\": \"ok\"}\n        }\n      }\n    }\n  }\n}\n";

    #[test]
    fn each_key_is_found_after_the_one_before() {
        assert_eq!(line(YAML, &["paths", "/b", "get", "responses"]), Some(9));
        assert_eq!(
            line(YAML, &["paths", "/b", "get", "responses", "200"]),
            Some(10)
        );
        assert_eq!(line(YAML, &["paths", "/a", "get", "responses"]), Some(5));
        assert_eq!(
            line(JSON, &["paths", "/b", "get", "responses", "200"]),
            Some(7)
        );
        assert_eq!(line(JSON, &["paths", "/a", "get"]), Some(3));
    }

    #[test]
    fn a_missing_key_gives_the_deepest_one_found() {
        assert_eq!(line(YAML, &["paths", "/b", "post"]), Some(6));
        assert_eq!(line(YAML, &["nothing"]), None);
    }

    #[test]
    fn a_value_or_a_longer_name_is_not_a_key() {
        let text = "description: get it\nxget: 1\n'get': 2\n";
        assert_eq!(line(text, &["get"]), Some(3));
        let text = "summary: see /b\n/b: {}\n";
        assert_eq!(line(text, &["/b"]), Some(2));
    }

    #[test]
    fn sequence_indices_are_skipped() {
        let text = "parameters:\n  - name: a\n  - name: b\n    schema: {type: objekt}\n";
        assert_eq!(line(text, &["parameters", "1", "schema"]), Some(4));
    }
}
