//! Operations whose path template and path parameters disagree are left out.
//!
//! Progenitor cannot build the URL of `GET /jobs/{id}` without an `in: path` parameter `id` (or
//! with one the template does not name), and fails on the whole document. Such an operation is
//! a mistake in the spec, but only in that operation: it is left out with a warning, and the
//! others are generated. (Mintlify's admin spec once had `{projectID}` beside a `projectId`.)

use openapiv3::{OpenAPI, Parameter};

use crate::{Warning, operations};

/// Removes every operation whose path parameters do not match its template.
pub fn drop_mismatched(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    let mut dropped: Vec<(String, &'static str)> = Vec::new();
    for (route, method, operation) in operations::list(spec) {
        let declared: Vec<&str> = operations::parameters(spec, route, &operation.parameters)
            .into_iter()
            .filter_map(|parameter| match parameter {
                Parameter::Path { parameter_data, .. } => Some(parameter_data.name.as_str()),
                _ => None,
            })
            .collect();
        let in_template = template_names(route);
        let reason = if let Some(missing) = in_template.iter().find(|n| !declared.contains(n)) {
            format!(
                "its path template names `{{{missing}}}` but no `in: path` parameter declares it"
            )
        } else if let Some(extra) = declared.iter().find(|n| !in_template.contains(n)) {
            format!("its path parameter `{extra}` does not appear in the path template")
        } else {
            continue;
        };
        warnings.push(Warning::new(
            operations::display_name(method, route),
            format!("not generated: {reason}"),
        ));
        dropped.push((route.to_owned(), method));
    }
    operations::retain(spec, |route, method| {
        !dropped.iter().any(|(r, m)| r == route && *m == method)
    });
}

/// The names inside `{…}` of a path template.
fn template_names(route: &str) -> Vec<&str> {
    route
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    #[test]
    fn operations_whose_parameters_disagree_with_the_template_are_left_out() {
        let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /agent/{projectID}/job:
    parameters: [{$ref: '#/components/parameters/Project'}]
    post: {operationId: undeclared, responses: {'200': {description: ok}}}
  /jobs:
    get:
      operationId: extra
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /jobs/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {operationId: declared_on_item, responses: {'200': {description: ok}}}
  /projects/{projectId}:
    delete:
      operationId: by_reference
      parameters: [{$ref: '#/components/parameters/Project'}]
      responses: {'204': {description: ok}}
components:
  parameters:
    Project: {name: projectId, in: path, required: true, schema: {type: string}}
"#;
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        let mut warnings = Vec::new();
        drop_mismatched(&mut spec, &mut warnings);
        let left: Vec<&str> = operations::list(&spec)
            .iter()
            .filter_map(|(_, _, op)| op.operation_id.as_deref())
            .collect();
        assert_eq!(left, ["declared_on_item", "by_reference"]);
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "`POST /agent/{projectID}/job`: not generated: its path template names `{projectID}` but no `in: path` parameter declares it",
                "`GET /jobs`: not generated: its path parameter `id` does not appear in the path template",
            ]
        );
    }

    #[test]
    fn template_names_are_read_in_order() {
        assert_eq!(
            template_names("/v2/agent/{projectId}/job/{id}/message"),
            ["projectId", "id"]
        );
        assert!(template_names("/plain").is_empty());
    }
}
