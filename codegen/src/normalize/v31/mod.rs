//! OpenAPI 3.1 documents made into 3.0 ones, on the document value before it is typed:
//! `openapiv3` and progenitor model 3.0 only. Each pass converts one thing 3.1 added, keeping
//! its meaning where 3.0 can say it, with its own unit tests.
//!
//! The schema keywords that 3.0 has no other reading for (a `type` list, `const`, a numeric
//! `exclusiveMinimum`, an `examples` list) are converted in 3.0 documents too: tools that think
//! in JSON Schema write them there (Mintlify's discovery spec has `exclusiveMinimum: 0` under
//! `openapi: 3.0.1`). A `$ref`'s siblings are not: 3.0 says to ignore them.
//!
//! Schemas are reached through [`crate::walk`], so example payloads and other data that happen
//! to hold `type` or `$ref` keys are left as they are.

mod const_values;
mod document_fields;
mod exclusive_bounds;
mod nullable_types;
mod path_item_refs;
mod ref_siblings;
mod schema_examples;

use serde_norway::Value;

use crate::Warning;
use crate::validate::Version;

/// Converts a 3.1 `document` to 3.0 in place; of a 3.0 one, only the 3.1 schema keywords.
pub fn upgrade(version: Version, document: &mut Value, warnings: &mut Vec<Warning>) {
    if version == Version::V31 {
        document_fields::convert(document, warnings);
        path_item_refs::inline(document);
        // `$ref` siblings first: they may be any of the keywords the later passes convert.
        ref_siblings::wrap(document);
    }
    nullable_types::convert(document);
    const_values::convert(document);
    exclusive_bounds::convert(document);
    schema_examples::convert(document);
}

/// A document value from YAML text, for the passes' tests.
#[cfg(test)]
fn document(yaml: &str) -> Value {
    serde_norway::from_str(yaml).unwrap()
}

/// The schema at `pointer` as compact JSON, for the passes' tests.
#[cfg(test)]
fn json_at(document: &Value, pointer: &str) -> String {
    let value = crate::validate::resolve(document, pointer).unwrap();
    serde_json::to_string(value).unwrap()
}
