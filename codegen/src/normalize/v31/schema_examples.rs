//! A schema's `examples` list.
//!
//! 3.1 schemas carry `examples: [..]` (JSON Schema's); 3.0 schemas one `example`. The first
//! example is kept as `example` unless there is one already. Only schemas: a parameter's or a
//! media type's `examples` is a map of Example Objects in both versions, and stays.

use serde_norway::Value;

use crate::walk;

/// Turns every schema's `examples` list into its `example`.
pub fn convert(document: &mut Value) {
    walk::schemas_mut(document, &mut |_, schema| {
        if !matches!(schema.get("examples"), Some(Value::Sequence(_))) {
            return;
        }
        let Some(Value::Sequence(examples)) = schema.shift_remove("examples") else {
            return;
        };
        if !schema.contains_key("example")
            && let Some(first) = examples.into_iter().next()
        {
            schema.insert("example".into(), first);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::{document, json_at};

    #[test]
    fn the_first_example_is_kept() {
        let mut value = document(
            r#"
paths:
  /x:
    get:
      parameters:
        - name: q
          in: query
          schema: {type: string, examples: [first, second]}
          examples: {one: {value: kept}}
components:
  schemas:
    Both: {type: integer, example: 1, examples: [2]}
    Empty: {type: integer, examples: []}
"#,
        );
        convert(&mut value);
        assert_eq!(
            json_at(&value, "#/paths/~1x/get/parameters/0"),
            r#"{"name":"q","in":"query","schema":{"type":"string","example":"first"},"examples":{"one":{"value":"kept"}}}"#
        );
        assert_eq!(
            json_at(&value, "#/components/schemas/Both"),
            r#"{"type":"integer","example":1}"#
        );
        assert_eq!(
            json_at(&value, "#/components/schemas/Empty"),
            r#"{"type":"integer"}"#
        );
    }
}
