//! Path items given by reference.
//!
//! 3.1 lets `paths./x` be a `$ref` to `components.pathItems`; progenitor refuses a referenced
//! path item, and for the whole document. The item is copied in its place.

use serde_norway::Value;

const PREFIX: &str = "#/components/pathItems/";

/// Replaces each `paths` entry that is a `$ref` into `components.pathItems` by the item itself.
pub fn inline(document: &mut Value) {
    let items = document
        .get("components")
        .and_then(|c| c.get("pathItems"))
        .and_then(Value::as_mapping)
        .cloned();
    let (Some(items), Some(Value::Mapping(paths))) = (items, document.get_mut("paths")) else {
        return;
    };
    for item in paths.values_mut() {
        let target = item
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(PREFIX))
            .and_then(|name| items.get(name));
        // One level, like every other reference here; a reference to a reference stays one.
        if let Some(target) = target {
            *item = target.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::{document, json_at};

    #[test]
    fn referenced_path_items_are_copied_in() {
        let mut value = document(
            "paths:\n  /a: {$ref: '#/components/pathItems/A'}\n  /b: {$ref: '#/components/pathItems/Missing'}\n  /c: {get: {}}\ncomponents:\n  pathItems:\n    A: {get: {operationId: a}}\n",
        );
        inline(&mut value);
        assert_eq!(
            json_at(&value, "#/paths/~1a"),
            r#"{"get":{"operationId":"a"}}"#
        );
        // A dangling one is left for validation to report.
        assert_eq!(
            json_at(&value, "#/paths/~1b"),
            r##"{"$ref":"#/components/pathItems/Missing"}"##
        );
        assert_eq!(json_at(&value, "#/paths/~1c"), r#"{"get":{}}"#);
    }
}
