//! `const`.
//!
//! 3.0 has no `const` (and `openapiv3` drops it); an `enum` of that one value says the same.
//! Without a `type`, the value's own type is written too, so that the generator makes a
//! one-value enum of that type rather than an untyped value.

use serde_norway::Value;

use crate::walk;

/// Turns every schema's `const: v` into `enum: [v]`.
pub fn convert(document: &mut Value) {
    walk::schemas_mut(document, &mut |_, schema| {
        let Some(value) = schema.shift_remove("const") else {
            return;
        };
        if !schema.contains_key("type")
            && let Some(kind) = type_of(&value)
        {
            schema.insert("type".into(), kind.into());
        }
        if value.is_null() {
            schema.insert("nullable".into(), true.into());
        }
        // `const` is the stricter of the two when both are given.
        schema.insert("enum".into(), Value::Sequence(vec![value]));
    });
}

/// The JSON type of a scalar value; `None` for `null`, arrays and objects (typed by schema).
fn type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::{document, json_at};

    #[test]
    fn const_is_a_one_value_enum_of_its_type() {
        let mut value = document(
            r#"
components:
  schemas:
    Kind: {const: job, description: Always `job`}
    Version: {type: integer, const: 2, enum: [1, 2]}
    Ratio: {const: 0.5}
    Nothing: {const: null}
    Event:
      type: object
      properties:
        type: {const: done}
      example: {type: {const: not-a-schema}}
"#,
        );
        convert(&mut value);
        let at = |name: &str| json_at(&value, &format!("#/components/schemas/{name}"));
        assert_eq!(
            at("Kind"),
            r#"{"description":"Always `job`","type":"string","enum":["job"]}"#
        );
        assert_eq!(at("Version"), r#"{"type":"integer","enum":[2]}"#);
        assert_eq!(at("Ratio"), r#"{"type":"number","enum":[0.5]}"#);
        assert_eq!(at("Nothing"), r#"{"nullable":true,"enum":[null]}"#);
        assert_eq!(
            at("Event"),
            r#"{"type":"object","properties":{"type":{"type":"string","enum":["done"]}},"example":{"type":{"const":"not-a-schema"}}}"#
        );
    }
}
