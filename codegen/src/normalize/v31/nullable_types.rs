//! `null` as a type.
//!
//! 3.1 writes a nullable value as `type: [string, "null"]`, or as `anyOf`/`oneOf` with a
//! `{type: "null"}` member; 3.0 has `nullable: true` and one type per schema. So:
//! - `type: [X, "null"]` → `type: X, nullable: true`;
//! - `type: [X, Y, …]` → `anyOf` of one schema per type, each with the keywords that apply to
//!   it (`minLength` to strings, `items` to arrays, the `enum` values of its type, …);
//! - a `{type: "null"}` member of `anyOf`/`oneOf` → `nullable: true` on the schema, and a lone
//!   member left is the schema's `allOf`;
//! - `type: "null"` alone → `nullable: true, enum: [null]`, the one value it allows.

use serde_norway::{Mapping, Value};

use crate::walk;

/// The keywords that constrain values of one JSON type, moved with it into its own schema.
fn keywords_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "string" => &[
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "contentMediaType",
            "contentEncoding",
        ],
        "number" | "integer" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
        "array" => &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
        ],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "minProperties",
            "maxProperties",
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
        ],
        _ => &[],
    }
}

/// Keywords a `{type: "null"}` member may carry and still be nothing but `null`.
const ANNOTATIONS: [&str; 3] = ["title", "description", "$comment"];

/// Rewrites every schema's `null` types in the 3.0 way.
pub fn convert(document: &mut Value) {
    walk::schemas_mut(document, &mut |_, schema| {
        type_list(schema);
        null_members(schema);
    });
}

/// `type: [..]` and `type: "null"`.
fn type_list(schema: &mut Mapping) {
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(kind)) if kind == "null" => vec![kind.clone()],
        Some(Value::Sequence(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => return,
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut others: Vec<String> = Vec::new();
    for kind in types.into_iter().filter(|t| t != "null") {
        if !others.contains(&kind) {
            others.push(kind);
        }
    }
    match others.as_slice() {
        [] => only_null(schema),
        [kind] => {
            schema.insert("type".into(), kind.as_str().into());
        }
        _ => split(schema, &others),
    }
    if nullable {
        schema.insert("nullable".into(), true.into());
    }
}

/// One `anyOf` member per type, each with its keywords and its `enum` values.
fn split(schema: &mut Mapping, kinds: &[String]) {
    schema.shift_remove("type");
    let values = schema.shift_remove("enum");
    let mut members = Vec::new();
    for kind in kinds {
        let mut member = Mapping::new();
        member.insert("type".into(), kind.as_str().into());
        for keyword in keywords_of(kind) {
            if let Some(value) = schema.get(*keyword) {
                member.insert((*keyword).into(), value.clone());
            }
        }
        if let Some(Value::Sequence(values)) = &values {
            let own: Vec<Value> = values.iter().filter(|v| is_of(v, kind)).cloned().collect();
            if own.is_empty() {
                // The enum allows no value of this type.
                continue;
            }
            member.insert("enum".into(), Value::Sequence(own));
        }
        members.push(Value::Mapping(member));
    }
    for kind in kinds {
        for keyword in keywords_of(kind) {
            schema.shift_remove(*keyword);
        }
    }
    if values
        .as_ref()
        .and_then(Value::as_sequence)
        .is_some_and(|v| v.contains(&Value::Null))
    {
        schema.insert("nullable".into(), true.into());
    }
    append(schema, "anyOf", members);
}

/// Whether `value` is a JSON value of type `kind`.
fn is_of(value: &Value, kind: &str) -> bool {
    match (kind, value) {
        ("string", Value::String(_)) | ("boolean", Value::Bool(_)) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("array", Value::Sequence(_)) | ("object", Value::Mapping(_)) => true,
        _ => false,
    }
}

/// `{type: "null"}` members of `anyOf` and `oneOf`.
fn null_members(schema: &mut Mapping) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Sequence(members)) = schema.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|member| !is_null_schema(member));
        if members.len() == before {
            continue;
        }
        schema.insert("nullable".into(), true.into());
        let Some(Value::Sequence(members)) = schema.get(key) else {
            continue;
        };
        match members.len() {
            0 => {
                schema.shift_remove(key);
                only_null(schema);
            }
            // One alternative left is the schema itself.
            1 => {
                if let Some(Value::Sequence(members)) = schema.shift_remove(key) {
                    append(schema, "allOf", members);
                }
            }
            _ => {}
        }
    }
}

/// `{type: "null"}` (or `["null"]`), with nothing but annotations beside it.
fn is_null_schema(member: &Value) -> bool {
    let Value::Mapping(member) = member else {
        return false;
    };
    let null_type = match member.get("type") {
        Some(Value::String(kind)) => kind == "null",
        Some(Value::Sequence(kinds)) => kinds.iter().all(|k| k.as_str() == Some("null")),
        _ => false,
    };
    null_type
        && member
            .keys()
            .filter_map(Value::as_str)
            .all(|k| k == "type" || ANNOTATIONS.contains(&k))
}

/// A schema that allows only `null`.
fn only_null(schema: &mut Mapping) {
    schema.shift_remove("type");
    schema.insert("nullable".into(), true.into());
    schema.insert("enum".into(), Value::Sequence(vec![Value::Null]));
}

/// Adds `members` to the schema's `key` list, creating it if needed.
fn append(schema: &mut Mapping, key: &str, members: Vec<Value>) {
    match schema.get_mut(key) {
        Some(Value::Sequence(existing)) => existing.extend(members),
        _ => {
            schema.insert(key.into(), Value::Sequence(members));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::{document, json_at};

    fn converted(schemas: &str) -> Value {
        let mut value = document(&format!("components:\n  schemas:\n{schemas}"));
        convert(&mut value);
        value
    }

    fn at(value: &Value, name: &str) -> String {
        json_at(value, &format!("#/components/schemas/{name}"))
    }

    #[test]
    fn a_type_and_null_is_nullable() {
        let value = converted(
            "    A: {type: [string, 'null'], minLength: 1}\n    B: {type: ['null', integer]}\n    C: {type: [string]}\n",
        );
        assert_eq!(
            at(&value, "A"),
            r#"{"type":"string","minLength":1,"nullable":true}"#
        );
        assert_eq!(at(&value, "B"), r#"{"type":"integer","nullable":true}"#);
        assert_eq!(at(&value, "C"), r#"{"type":"string"}"#);
    }

    #[test]
    fn several_types_become_any_of_with_their_own_keywords() {
        let value = converted(
            "    A:\n      description: An id or a list of ids\n      type: [string, array, 'null']\n      minLength: 3\n      items: {type: string}\n      enum: [abc, [x], null]\n",
        );
        assert_eq!(
            at(&value, "A"),
            r#"{"description":"An id or a list of ids","nullable":true,"anyOf":[{"type":"string","minLength":3,"enum":["abc"]},{"type":"array","items":{"type":"string"},"enum":[["x"]]}]}"#
        );
        let value = converted("    B: {type: [integer, boolean], enum: [1, 2]}\n");
        assert_eq!(
            at(&value, "B"),
            r#"{"anyOf":[{"type":"integer","enum":[1,2]}]}"#
        );
    }

    #[test]
    fn a_null_member_of_any_of_or_one_of_is_nullable() {
        let value = converted(
            r#"    A:
      anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null', description: none}]
      description: A B or nothing
    B:
      oneOf: [{type: string}, {type: integer}, {type: ['null']}]
    C:
      anyOf: [{type: 'null'}]
    D:
      allOf: [{required: [x]}]
      oneOf: [{type: 'null'}, {$ref: '#/components/schemas/B'}]
    E:
      anyOf: [{type: 'null', minimum: 1}, {type: string}]
"#,
        );
        assert_eq!(
            at(&value, "A"),
            r##"{"description":"A B or nothing","nullable":true,"allOf":[{"$ref":"#/components/schemas/B"}]}"##
        );
        assert_eq!(
            at(&value, "B"),
            r#"{"oneOf":[{"type":"string"},{"type":"integer"}],"nullable":true}"#
        );
        assert_eq!(at(&value, "C"), r#"{"nullable":true,"enum":[null]}"#);
        assert_eq!(
            at(&value, "D"),
            r##"{"allOf":[{"required":["x"]},{"$ref":"#/components/schemas/B"}],"nullable":true}"##
        );
        // Not only `null` (a keyword beside it): the member stays, as a null-only schema.
        assert_eq!(
            at(&value, "E"),
            r#"{"anyOf":[{"minimum":1,"nullable":true,"enum":[null]},{"type":"string"}]}"#
        );
    }

    #[test]
    fn only_null_and_nested_schemas() {
        let value = converted(
            "    A: {type: 'null'}\n    B:\n      type: object\n      properties:\n        c: {type: [number, 'null'], example: {type: [x, 'null']}}\n",
        );
        assert_eq!(at(&value, "A"), r#"{"nullable":true,"enum":[null]}"#);
        assert_eq!(
            at(&value, "B"),
            r#"{"type":"object","properties":{"c":{"type":"number","example":{"type":["x","null"]},"nullable":true}}}"#
        );
    }
}
