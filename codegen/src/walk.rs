//! The objects of a raw OpenAPI 3.x document, each with what it is.
//!
//! Passes that treat schemas or references differently from data walk the document with this
//! instead of a blind recursion. Example payloads (`example`, `examples`, an Example's `value`),
//! `default`, `enum`, `const` and `x-` extensions hold the API's data, where a key named `$ref`
//! or `type` is not a keyword; they are never entered. Only the fields each kind of object can
//! hold objects in are followed, so a property named `example` is still a schema.

use serde_norway::{Mapping, Value};

/// What an object of the document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The document root.
    Document,
    /// `components`.
    Components,
    /// A Path Item (under `paths`, `webhooks`, a callback or `components.pathItems`).
    PathItem,
    /// An Operation.
    Operation,
    /// A Parameter.
    Parameter,
    /// A Header.
    Header,
    /// A Request Body.
    RequestBody,
    /// A Media Type, under `content`.
    MediaType,
    /// An Encoding, under a media type's `encoding`.
    Encoding,
    /// A Response.
    Response,
    /// A Callback: a map of expressions to path items.
    Callback,
    /// An Example: its `value` is data.
    Example,
    /// A Link.
    Link,
    /// A Security Scheme.
    SecurityScheme,
    /// A Schema (or a Reference Object in its place).
    Schema,
}

/// How a field holds objects.
#[derive(Clone, Copy)]
enum Holds {
    /// One object (a sequence of them is also followed: draft-4 tuple `items`).
    One(Kind),
    /// A sequence of objects.
    List(Kind),
    /// A map of names to objects.
    Map(Kind),
    /// A map of names to objects beside `x-` extensions (`paths`, `responses`, callbacks).
    MapWithExtensions(Kind),
}

use Holds::{List, Map, MapWithExtensions, One};

/// The fields of each kind that hold other objects of the document.
fn fields(kind: Kind) -> &'static [(&'static str, Holds)] {
    match kind {
        Kind::Document => &[
            ("paths", MapWithExtensions(Kind::PathItem)),
            ("webhooks", MapWithExtensions(Kind::PathItem)),
            ("components", One(Kind::Components)),
        ],
        Kind::Components => &[
            ("schemas", Map(Kind::Schema)),
            ("responses", Map(Kind::Response)),
            ("parameters", Map(Kind::Parameter)),
            ("examples", Map(Kind::Example)),
            ("requestBodies", Map(Kind::RequestBody)),
            ("headers", Map(Kind::Header)),
            ("securitySchemes", Map(Kind::SecurityScheme)),
            ("links", Map(Kind::Link)),
            ("callbacks", Map(Kind::Callback)),
            ("pathItems", Map(Kind::PathItem)),
        ],
        Kind::PathItem => &[
            ("get", One(Kind::Operation)),
            ("put", One(Kind::Operation)),
            ("post", One(Kind::Operation)),
            ("delete", One(Kind::Operation)),
            ("options", One(Kind::Operation)),
            ("head", One(Kind::Operation)),
            ("patch", One(Kind::Operation)),
            ("trace", One(Kind::Operation)),
            ("parameters", List(Kind::Parameter)),
        ],
        Kind::Operation => &[
            ("parameters", List(Kind::Parameter)),
            ("requestBody", One(Kind::RequestBody)),
            ("responses", MapWithExtensions(Kind::Response)),
            ("callbacks", Map(Kind::Callback)),
        ],
        Kind::Parameter | Kind::Header => &[
            ("schema", One(Kind::Schema)),
            ("content", Map(Kind::MediaType)),
            ("examples", Map(Kind::Example)),
        ],
        Kind::RequestBody => &[("content", Map(Kind::MediaType))],
        Kind::MediaType => &[
            ("schema", One(Kind::Schema)),
            ("examples", Map(Kind::Example)),
            ("encoding", Map(Kind::Encoding)),
        ],
        Kind::Encoding => &[("headers", Map(Kind::Header))],
        Kind::Response => &[
            ("headers", Map(Kind::Header)),
            ("content", Map(Kind::MediaType)),
            ("links", Map(Kind::Link)),
        ],
        // Handled in `children`: every key but an extension is an expression.
        Kind::Callback => &[],
        Kind::Example | Kind::Link | Kind::SecurityScheme => &[],
        Kind::Schema => &[
            ("properties", Map(Kind::Schema)),
            ("patternProperties", Map(Kind::Schema)),
            ("additionalProperties", One(Kind::Schema)),
            ("items", One(Kind::Schema)),
            ("prefixItems", List(Kind::Schema)),
            ("allOf", List(Kind::Schema)),
            ("oneOf", List(Kind::Schema)),
            ("anyOf", List(Kind::Schema)),
            ("not", One(Kind::Schema)),
            ("if", One(Kind::Schema)),
            ("then", One(Kind::Schema)),
            ("else", One(Kind::Schema)),
            ("contains", One(Kind::Schema)),
            ("propertyNames", One(Kind::Schema)),
            ("additionalItems", One(Kind::Schema)),
            ("unevaluatedItems", One(Kind::Schema)),
            ("unevaluatedProperties", One(Kind::Schema)),
            ("dependentSchemas", Map(Kind::Schema)),
            ("$defs", Map(Kind::Schema)),
            ("definitions", Map(Kind::Schema)),
        ],
    }
}

/// A key as a path segment: strings as they are, other scalars (`200`) as written.
pub fn segment(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => "null".to_owned(),
        _ => "?".to_owned(),
    }
}

fn is_extension(key: &Value) -> bool {
    key.as_str().is_some_and(|k| k.starts_with("x-"))
}

/// Calls `f(kind, trail, object)` on every object of `document`, parents before children;
/// `trail` holds the keys (and sequence indices) from the root. Children are read after `f`
/// returns, so `f` may rewrite an object's fields and the walk follows the new ones.
pub fn for_each_mut(document: &mut Value, f: &mut dyn FnMut(Kind, &[String], &mut Mapping)) {
    visit_mut(document, Kind::Document, &mut Vec::new(), f);
}

/// Calls `f(trail, schema)` on every schema object of `document`, parents before children.
pub fn schemas_mut(document: &mut Value, f: &mut dyn FnMut(&[String], &mut Mapping)) {
    for_each_mut(document, &mut |kind, trail, object| {
        if kind == Kind::Schema {
            f(trail, object);
        }
    });
}

/// Calls `f(kind, trail, object)` on every object of `document`, parents before children.
pub fn for_each(document: &Value, f: &mut dyn FnMut(Kind, &[String], &Mapping)) {
    visit(document, Kind::Document, &mut Vec::new(), f);
}

fn visit_mut(
    value: &mut Value,
    kind: Kind,
    trail: &mut Vec<String>,
    f: &mut dyn FnMut(Kind, &[String], &mut Mapping),
) {
    let Value::Mapping(object) = value else {
        return;
    };
    f(kind, trail, object);
    for (key, child) in object.iter_mut() {
        let Some(holds) = holds(kind, key) else {
            continue;
        };
        trail.push(segment(key));
        match (holds, child) {
            (One(kind), Value::Sequence(items)) | (List(kind), Value::Sequence(items)) => {
                for (index, item) in items.iter_mut().enumerate() {
                    trail.push(index.to_string());
                    visit_mut(item, kind, trail, f);
                    trail.pop();
                }
            }
            (One(kind), child) => visit_mut(child, kind, trail, f),
            (Map(kind), Value::Mapping(map)) | (MapWithExtensions(kind), Value::Mapping(map)) => {
                let skip_extensions = matches!(holds, MapWithExtensions(_));
                for (name, item) in map.iter_mut() {
                    if skip_extensions && is_extension(name) {
                        continue;
                    }
                    trail.push(segment(name));
                    visit_mut(item, kind, trail, f);
                    trail.pop();
                }
            }
            _ => {}
        }
        trail.pop();
    }
}

fn visit(
    value: &Value,
    kind: Kind,
    trail: &mut Vec<String>,
    f: &mut dyn FnMut(Kind, &[String], &Mapping),
) {
    let Value::Mapping(object) = value else {
        return;
    };
    f(kind, trail, object);
    for (key, child) in object {
        let Some(holds) = holds(kind, key) else {
            continue;
        };
        trail.push(segment(key));
        match (holds, child) {
            (One(kind), Value::Sequence(items)) | (List(kind), Value::Sequence(items)) => {
                for (index, item) in items.iter().enumerate() {
                    trail.push(index.to_string());
                    visit(item, kind, trail, f);
                    trail.pop();
                }
            }
            (One(kind), child) => visit(child, kind, trail, f),
            (Map(kind), Value::Mapping(map)) | (MapWithExtensions(kind), Value::Mapping(map)) => {
                let skip_extensions = matches!(holds, MapWithExtensions(_));
                for (name, item) in map {
                    if skip_extensions && is_extension(name) {
                        continue;
                    }
                    trail.push(segment(name));
                    visit(item, kind, trail, f);
                    trail.pop();
                }
            }
            _ => {}
        }
        trail.pop();
    }
}

/// How the field `key` of an object of `kind` holds objects, if it does.
fn holds(kind: Kind, key: &Value) -> Option<Holds> {
    if kind == Kind::Callback {
        // A callback is itself a map of expressions to path items.
        return (!is_extension(key)).then_some(One(Kind::PathItem));
    }
    let key = key.as_str()?;
    fields(kind)
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, holds)| *holds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(yaml: &str) -> Value {
        serde_norway::from_str(yaml).unwrap()
    }

    /// Every object visited, as `Kind at.dotted.trail`.
    fn visited(yaml: &str) -> Vec<String> {
        let mut seen = Vec::new();
        for_each(&document(yaml), &mut |kind, trail, _| {
            seen.push(format!("{kind:?} {}", trail.join(".")));
        });
        seen
    }

    const SPEC: &str = r#"
openapi: 3.1.0
paths:
  x-internal: {get: {}}
  /pets/{id}:
    parameters:
      - {name: id, in: path, schema: {type: string}, example: {$ref: not-a-reference}}
    get:
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                default: {type: [string, 'null']}
                properties:
                  example: {$ref: '#/components/schemas/Pet'}
                  tags: {type: array, items: {type: string}, enum: [[{$ref: x}]]}
              examples:
                one: {value: {$ref: 'https://example.com/data'}}
        x-note: {content: {}}
      callbacks:
        done:
          '{$request.body#/url}': {post: {requestBody: {content: {text/plain: {schema: {}}}}}}
components:
  schemas:
    Pet: {allOf: [{$ref: '#/components/schemas/Base'}], x-data: {type: object}}
    Base: {const: {$ref: '#/not/walked'}}
  examples:
    Sample: {value: {properties: {a: {$ref: '#/not/walked'}}}}
"#;

    #[test]
    fn objects_are_visited_by_kind_and_data_is_never_entered() {
        assert_eq!(
            visited(SPEC),
            [
                "Document ",
                "PathItem paths./pets/{id}",
                "Parameter paths./pets/{id}.parameters.0",
                "Schema paths./pets/{id}.parameters.0.schema",
                "Operation paths./pets/{id}.get",
                "Response paths./pets/{id}.get.responses.200",
                "MediaType paths./pets/{id}.get.responses.200.content.application/json",
                "Schema paths./pets/{id}.get.responses.200.content.application/json.schema",
                "Schema paths./pets/{id}.get.responses.200.content.application/json.schema.properties.example",
                "Schema paths./pets/{id}.get.responses.200.content.application/json.schema.properties.tags",
                "Schema paths./pets/{id}.get.responses.200.content.application/json.schema.properties.tags.items",
                "Example paths./pets/{id}.get.responses.200.content.application/json.examples.one",
                "Callback paths./pets/{id}.get.callbacks.done",
                "PathItem paths./pets/{id}.get.callbacks.done.{$request.body#/url}",
                "Operation paths./pets/{id}.get.callbacks.done.{$request.body#/url}.post",
                "RequestBody paths./pets/{id}.get.callbacks.done.{$request.body#/url}.post.requestBody",
                "MediaType paths./pets/{id}.get.callbacks.done.{$request.body#/url}.post.requestBody.content.text/plain",
                "Schema paths./pets/{id}.get.callbacks.done.{$request.body#/url}.post.requestBody.content.text/plain.schema",
                "Components components",
                "Schema components.schemas.Pet",
                "Schema components.schemas.Pet.allOf.0",
                "Schema components.schemas.Base",
                "Example components.examples.Sample",
            ]
        );
    }

    #[test]
    fn the_mutable_walk_follows_what_the_visitor_wrote() {
        let mut value = document(
            "paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/B', description: d}}}\n",
        );
        let mut seen = Vec::new();
        schemas_mut(&mut value, &mut |trail, schema| {
            seen.push(trail.join("."));
            if schema.contains_key("description")
                && let Some(reference) = schema.remove("$ref")
            {
                let mut inner = Mapping::new();
                inner.insert("$ref".into(), reference);
                schema.insert("allOf".into(), Value::Sequence(vec![Value::Mapping(inner)]));
            }
        });
        assert_eq!(
            seen,
            ["components.schemas.A", "components.schemas.A.allOf.0"]
        );
    }

    #[test]
    fn tuple_items_and_non_string_keys_are_followed() {
        let yaml = "paths:\n  /x:\n    get:\n      responses:\n        200:\n          content: {application/json: {schema: {items: [{type: string}, {type: integer}]}}}\n";
        let seen = visited(yaml);
        assert!(seen.contains(
            &"Schema paths./x.get.responses.200.content.application/json.schema.items.1".to_owned()
        ));
    }
}
