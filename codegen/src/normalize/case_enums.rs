//! String enums whose values differ only in case are plain strings.
//!
//! typify names an enum's variants in Pascal case, so `[ASC, DESC, asc, desc]` gives `Asc`
//! twice; it then panics, and because it does so while generating the component schemas, no
//! part of the document can be generated. Such an enum is read as the string it is (Box's public
//! spec has one for sort orders); a warning names its values.

use std::collections::HashSet;

use openapiv3::{OpenAPI, SchemaKind, Type};

use super::schemas;
use crate::Warning;

/// Drops the `enum` of every string schema whose values are not unique but for case.
pub fn to_strings(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    schemas::for_each_mut(spec, &mut |schema| {
        let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind else {
            return;
        };
        let mut seen = HashSet::new();
        let collides = string
            .enumeration
            .iter()
            .flatten()
            .any(|value| !seen.insert(value.to_lowercase()));
        if collides {
            let values: Vec<&str> = string
                .enumeration
                .iter()
                .flatten()
                .map(String::as_str)
                .collect();
            warnings.push(Warning::new(
                format!("enum [{}]", values.join(", ")),
                "its values differ only in case, which Rust variant names cannot tell apart; it \
                 is generated as a plain string",
            ));
            string.enumeration.clear();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    #[test]
    fn only_enums_with_values_equal_but_for_case_become_strings() {
        let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /files:
    get:
      operationId: list
      parameters:
        - {name: direction, in: query, schema: {type: string, enum: [ASC, DESC, asc, desc]}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Status: {type: string, enum: [queued, running, Queued_Later]}
"#;
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        let mut warnings = Vec::new();
        to_strings(&mut spec, &mut warnings);
        let json = serde_json::to_value(&spec).unwrap();
        assert_eq!(
            json["paths"]["/files"]["get"]["parameters"][0]["schema"],
            serde_json::json!({"type": "string"})
        );
        assert_eq!(
            json["components"]["schemas"]["Status"]["enum"],
            serde_json::json!(["queued", "running", "Queued_Later"])
        );
        assert_eq!(
            warnings,
            [Warning::new(
                "enum [ASC, DESC, asc, desc]",
                "its values differ only in case, which Rust variant names cannot tell apart; it is generated as a plain string"
            )]
        );
    }
}
