//! `$ref` with sibling keywords.
//!
//! In 3.1 a schema's `$ref` is one keyword among others (`{$ref: Pet, description: …}` is a
//! `Pet` with that description); in 3.0 a Reference Object's siblings are ignored, and
//! `openapiv3` drops them. The reference moves into an `allOf` of its own, which 3.0 reads the
//! same way and progenitor turns into the referenced type, keeping the description.

use serde_norway::{Mapping, Value};

use crate::walk;

/// Keywords that say nothing about the value, dropped rather than worth a wrapper.
const NOTES: [&str; 1] = ["$comment"];

/// Moves the `$ref` of every schema with siblings into `allOf`.
pub fn wrap(document: &mut Value) {
    walk::schemas_mut(document, &mut |_, schema| {
        if !schema.contains_key("$ref") {
            return;
        }
        for note in NOTES {
            schema.shift_remove(note);
        }
        if schema.len() == 1 {
            return;
        }
        let Some(reference) = schema.shift_remove("$ref") else {
            return;
        };
        let mut alone = Mapping::new();
        alone.insert("$ref".into(), reference);
        match schema.get_mut("allOf") {
            Some(Value::Sequence(members)) => members.insert(0, Value::Mapping(alone)),
            _ => {
                schema.insert("allOf".into(), Value::Sequence(vec![Value::Mapping(alone)]));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::v31::{document, json_at};

    #[test]
    fn siblings_keep_their_meaning_through_all_of() {
        let mut value = document(
            r#"
components:
  schemas:
    Plain: {$ref: '#/components/schemas/Pet'}
    Described: {$ref: '#/components/schemas/Pet', description: The pet, nullable: true}
    Both: {$ref: '#/components/schemas/Pet', allOf: [{required: [name]}]}
    Commented: {$ref: '#/components/schemas/Pet', $comment: why}
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Person', readOnly: true}
      example: {$ref: 'not touched', description: data}
"#,
        );
        wrap(&mut value);
        let at = |name: &str| json_at(&value, &format!("#/components/schemas/{name}"));
        assert_eq!(at("Plain"), r##"{"$ref":"#/components/schemas/Pet"}"##);
        assert_eq!(
            at("Described"),
            r##"{"description":"The pet","nullable":true,"allOf":[{"$ref":"#/components/schemas/Pet"}]}"##
        );
        assert_eq!(
            at("Both"),
            r##"{"allOf":[{"$ref":"#/components/schemas/Pet"},{"required":["name"]}]}"##
        );
        assert_eq!(at("Commented"), r##"{"$ref":"#/components/schemas/Pet"}"##);
        assert_eq!(
            at("Pet"),
            r##"{"type":"object","properties":{"owner":{"readOnly":true,"allOf":[{"$ref":"#/components/schemas/Person"}]}},"example":{"$ref":"not touched","description":"data"}}"##
        );
    }
}
