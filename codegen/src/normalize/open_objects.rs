//! Objects accept fields they do not know.
//!
//! typify turns `additionalProperties: false` into `#[serde(deny_unknown_fields)]`, so one new
//! field on the server would break every reply. A client must ignore what it does not know.

use openapiv3::{AdditionalProperties, OpenAPI, SchemaKind, Type};

use super::schemas;

/// Drops `additionalProperties: false` from every schema of the document.
pub fn allow_unknown_fields(spec: &mut OpenAPI) {
    schemas::for_each_mut(spec, &mut |schema| {
        let additional = match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => &mut object.additional_properties,
            SchemaKind::Any(any) => &mut any.additional_properties,
            _ => return,
        };
        if matches!(additional, Some(AdditionalProperties::Any(false))) {
            *additional = None;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    #[test]
    fn closed_objects_become_open_at_every_depth() {
        let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    get:
      operationId: x
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                properties:
                  inner:
                    type: object
                    additionalProperties: false
                  list:
                    type: array
                    items: {type: object, additionalProperties: false}
                  map:
                    type: object
                    additionalProperties: {type: string}
components:
  schemas:
    Thing:
      allOf:
        - type: object
          additionalProperties: false
"#;
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        let before = serde_json::to_string(&spec).unwrap();
        assert_eq!(before.matches("\"additionalProperties\":false").count(), 4);
        allow_unknown_fields(&mut spec);
        let after = serde_json::to_string(&spec).unwrap();
        assert_eq!(after.matches("\"additionalProperties\":false").count(), 0);
        // A typed map keeps its value schema.
        assert!(
            after.contains("\"additionalProperties\":{\"type\":\"string\"}"),
            "{after}"
        );
    }
}
