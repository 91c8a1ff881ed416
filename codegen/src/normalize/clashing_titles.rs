//! A schema keeps its `title` only when it names no other type.
//!
//! typify names a schema it has to define after its `title` (an inline object, or the inner
//! type of a nullable component), and does not check that the name is free: Box's public spec
//! has the component `File` titled `File` and nullable through its `allOf`, and inline schemas
//! titled like other components, and the generated module defines those types twice, which
//! does not compile. A title that is a component's name, or another schema's title, is dropped
//! (typify then names the type after where it sits; components are named after their key
//! anyway); a title that names nothing else still names its type.

use std::collections::HashMap;

use openapiv3::OpenAPI;

use super::schemas;

/// Drops every schema's `title` whose name would be another type's too.
pub fn drop_clashing(spec: &mut OpenAPI) {
    let taken: Vec<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|name| name_key(name))
        .collect();
    let mut titles: HashMap<String, usize> = HashMap::new();
    schemas::for_each_mut(spec, &mut |schema| {
        if let Some(title) = &schema.schema_data.title {
            *titles.entry(name_key(title)).or_default() += 1;
        }
    });
    schemas::for_each_mut(spec, &mut |schema| {
        if let Some(title) = &schema.schema_data.title {
            let key = name_key(title);
            if taken.contains(&key) || titles.get(&key).is_some_and(|n| *n > 1) {
                schema.schema_data.title = None;
            }
        }
    });
}

/// What a name becomes as a Rust type name, near enough to tell two apart: `Collaboration item`
/// and `CollaborationItem`, `File--Mini` and `FileMini` are the same.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    #[test]
    fn titles_that_clash_go_and_the_others_stay() {
        let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    File:
      title: File
      type: object
      properties:
        parent: {title: File, nullable: true, allOf: [{$ref: '#/components/schemas/File'}]}
        shared: {title: Collaboration item, type: object}
        owner: {title: Owner, type: object}
        a: {title: Pair, type: object}
        b: {title: pair, type: object}
    CollaborationItem: {title: Collaboration item, type: object}
    Folder: {title: A folder, type: object}
"#;
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        drop_clashing(&mut spec);
        let json = serde_json::to_value(&spec).unwrap();
        let schemas = &json["components"]["schemas"];
        let title =
            |v: &serde_json::Value| v.get("title").and_then(|t| t.as_str()).map(str::to_owned);
        let properties = &schemas["File"]["properties"];
        assert_eq!(title(&properties["parent"]), None);
        assert_eq!(title(&properties["shared"]), None);
        assert_eq!(title(&properties["owner"]).as_deref(), Some("Owner"));
        assert_eq!(
            (title(&properties["a"]), title(&properties["b"])),
            (None, None)
        );
        // A component's title that is a component's name goes too; any other stays.
        assert_eq!(title(&schemas["File"]), None);
        assert_eq!(title(&schemas["CollaborationItem"]), None);
        assert_eq!(title(&schemas["Folder"]).as_deref(), Some("A folder"));
    }
}
