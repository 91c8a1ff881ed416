//! Schemas that are aliases of each other in a cycle, refused before progenitor runs.
//!
//! Progenitor turns `Root: {$ref: '#/components/schemas/Root'}` into `struct Root(Box<Root>)`,
//! and `A: {allOf: [$ref B]}`, `B: {allOf: [$ref A]}` into `struct A(B)`, `struct B(Box<A>)`:
//! code that compiles, but whose deserializer calls itself without reading any input until the
//! stack overflows. A `oneOf`/`anyOf` cycle is no better: the untagged enum tries the cyclic
//! member, which tries the enum again, on the same input.
//!
//! A hop from one schema to another is a *pure alias* when a value of the first is read by
//! reading a value of the second at the same place in the JSON:
//! - the schema is a bare `$ref`;
//! - the other schema is a member of its `allOf` (the value must be each member), `oneOf` or
//!   `anyOf` (the value may be that member: an alternative that ends the cycle does not help
//!   when the cyclic member is tried first, or when the input fits no other);
//! - through inline schemas in those same places (`allOf: [{oneOf: [$ref A]}]`), and whatever
//!   the schema's `nullable` says: a non-null value still reads the next schema.
//!
//! Object properties (optional, nullable or required), `additionalProperties` and array `items`
//! are not aliases: reading them first enters a nested JSON object or array, so the recursion
//! is bounded by the input, and a cycle through one of them is an ordinary recursive type (a
//! tree). `not` does not read the schema it names as the value, so it is not followed either.

use std::collections::HashMap;
use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind};

use crate::Error;

const PREFIX: &str = "#/components/schemas/";

/// Fails with [`Error::AliasCycle`] naming the schemas of the first alias cycle, in document
/// order of the schema where the search entered it.
pub fn check(path: &Path, spec: &OpenAPI) -> Result<(), Error> {
    match find_cycle(spec) {
        Some(cycle) => Err(Error::AliasCycle {
            path: path.to_owned(),
            cycle,
        }),
        None => Ok(()),
    }
}

/// The first cycle of pure aliases among `components.schemas`, as names from a schema back to
/// itself (`["A", "B", "A"]`); `None` if there is none.
fn find_cycle(spec: &OpenAPI) -> Option<Vec<String>> {
    let schemas = &spec.components.as_ref()?.schemas;
    let aliases: Vec<(&str, Vec<&str>)> = schemas
        .iter()
        .map(|(name, schema)| (name.as_str(), alias_targets(schema)))
        .collect();
    let index: HashMap<&str, usize> = aliases
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, i))
        .collect();

    // Depth-first search without recursion, so that a long chain of schemas cannot overflow
    // this process's stack either.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; aliases.len()];
    for start in 0..aliases.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Each entry: a schema on the current path and how many of its targets were followed.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some((node, followed)) = path.last_mut() {
            let targets = &aliases[*node].1;
            let Some(target) = targets.get(*followed) else {
                marks[*node] = Mark::Done;
                path.pop();
                continue;
            };
            *followed += 1;
            // A target that is not a schema component is reported by `validate`, not here.
            let Some(&next) = index.get(target) else {
                continue;
            };
            match marks[next] {
                Mark::Done => {}
                Mark::New => {
                    marks[next] = Mark::OnPath;
                    path.push((next, 0));
                }
                Mark::OnPath => {
                    let entered = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    let mut cycle: Vec<String> = path[entered..]
                        .iter()
                        .map(|(n, _)| aliases[*n].0.to_owned())
                        .collect();
                    cycle.push(aliases[next].0.to_owned());
                    return Some(cycle);
                }
            }
        }
    }
    None
}

/// The schema components that `schema` is a pure alias of, in document order.
fn alias_targets(schema: &ReferenceOr<Schema>) -> Vec<&str> {
    let mut targets = Vec::new();
    collect(schema, &mut targets);
    targets
}

fn collect<'a>(schema: &'a ReferenceOr<Schema>, targets: &mut Vec<&'a str>) {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            // Pointers into a schema (`…/A/properties/b`) name no component as a whole.
            if let Some(name) = reference.strip_prefix(PREFIX).filter(|n| !n.contains('/')) {
                targets.push(name);
            }
            return;
        }
        ReferenceOr::Item(schema) => schema,
    };
    let members: Vec<&Vec<ReferenceOr<Schema>>> = match &schema.schema_kind {
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::OneOf { one_of: list }
        | SchemaKind::AnyOf { any_of: list } => vec![list],
        SchemaKind::Any(any) => vec![&any.all_of, &any.one_of, &any.any_of],
        SchemaKind::Type(_) | SchemaKind::Not { .. } => Vec::new(),
    };
    for member in members.into_iter().flatten() {
        collect(member, targets);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;

    fn cycle_in(schemas: &str) -> Option<Vec<String>> {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        find_cycle(&parse(Path::new("t.yaml"), &yaml).unwrap())
    }

    fn names(cycle: &[&str]) -> Option<Vec<String>> {
        Some(cycle.iter().map(|n| (*n).to_owned()).collect())
    }

    #[test]
    fn a_schema_that_is_a_ref_to_itself() {
        assert_eq!(
            cycle_in("    Root: {$ref: '#/components/schemas/Root'}\n"),
            names(&["Root", "Root"])
        );
    }

    #[test]
    fn bare_refs_in_a_ring() {
        let schemas = "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/C'}\n    C: {$ref: '#/components/schemas/A'}\n";
        assert_eq!(cycle_in(schemas), names(&["A", "B", "C", "A"]));
    }

    #[test]
    fn all_of_one_of_and_any_of_members_are_aliases() {
        let all_of = "    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n";
        assert_eq!(cycle_in(all_of), names(&["A", "B", "A"]));
        // Another alternative that ends the cycle does not save it.
        let one_of = "    A: {oneOf: [{$ref: '#/components/schemas/B'}, {type: string}]}\n    B: {$ref: '#/components/schemas/A'}\n";
        assert_eq!(cycle_in(one_of), names(&["A", "B", "A"]));
        let any_of =
            "    A: {type: object, anyOf: [{type: string}, {$ref: '#/components/schemas/A'}]}\n";
        assert_eq!(cycle_in(any_of), names(&["A", "A"]));
        // Alongside properties (openapiv3's "any" schema) the member is still the value itself.
        let mixed = "    A:\n      properties: {x: {type: string}}\n      allOf: [{$ref: '#/components/schemas/A'}]\n";
        assert_eq!(cycle_in(mixed), names(&["A", "A"]));
    }

    #[test]
    fn inline_combinators_and_nullable_wrappers_are_followed() {
        let nested = "    A: {allOf: [{oneOf: [{type: integer}, {anyOf: [{$ref: '#/components/schemas/B'}]}]}]}\n    B: {nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}\n";
        assert_eq!(cycle_in(nested), names(&["A", "B", "A"]));
    }

    #[test]
    fn the_cycle_is_named_without_the_schemas_that_lead_to_it() {
        let schemas = "    Start: {$ref: '#/components/schemas/A'}\n    A: {$ref: '#/components/schemas/B'}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n";
        assert_eq!(cycle_in(schemas), names(&["A", "B", "A"]));
    }

    #[test]
    fn recursion_through_properties_items_and_maps_is_a_tree() {
        let schemas = "    Node:
      type: object
      required: [children]
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {nullable: true, allOf: [{$ref: '#/components/schemas/Node'}]}
        next: {$ref: '#/components/schemas/Alias'}
        byName: {type: object, additionalProperties: {$ref: '#/components/schemas/Node'}}
    Alias: {allOf: [{$ref: '#/components/schemas/Node'}]}
    List: {type: array, items: {$ref: '#/components/schemas/Choice'}}
    Choice: {oneOf: [{type: string}, {$ref: '#/components/schemas/List'}]}
    NotMe: {not: {$ref: '#/components/schemas/NotMe'}}
";
        assert_eq!(cycle_in(schemas), None);
    }

    #[test]
    fn shared_targets_are_not_cycles() {
        let diamond = "    A: {oneOf: [{$ref: '#/components/schemas/B'}, {$ref: '#/components/schemas/C'}]}\n    B: {$ref: '#/components/schemas/D'}\n    C: {allOf: [{$ref: '#/components/schemas/D'}]}\n    D: {type: string}\n";
        assert_eq!(cycle_in(diamond), None);
        assert_eq!(cycle_in("    A: {type: string}\n"), None);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let mut schemas = String::new();
        for i in 0..20_000 {
            schemas.push_str(&format!(
                "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
                i + 1
            ));
        }
        schemas.push_str("    S20000: {$ref: '#/components/schemas/S0'}\n");
        let cycle = cycle_in(&schemas).unwrap();
        assert_eq!(cycle.len(), 20_002);
        assert_eq!((cycle[0].as_str(), cycle[20_001].as_str()), ("S0", "S0"));
    }

    #[test]
    fn the_error_names_the_file_and_the_schemas() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n";
        let spec = parse(Path::new("specs/t.yaml"), yaml).unwrap();
        let error = check(Path::new("specs/t.yaml"), &spec).unwrap_err();
        assert!(
            matches!(&error, Error::AliasCycle { cycle, .. } if cycle == &["A", "B", "A"]),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("specs/t.yaml: `components.schemas`: `A` -> `B` -> `A` "),
            "{error}"
        );
    }
}
