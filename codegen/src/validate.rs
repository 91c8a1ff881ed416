//! Checks that make a parsed document a valid OpenAPI 3.0 one, beyond what its shape alone says:
//! the version, that every `$ref` points at something, and that path templates and path
//! parameters agree. Each failure names the place in the document.

use std::path::Path;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use serde_json::Value;

use crate::{Error, operations, refs};

/// Validates `spec`, parsed from `text` (used to find the line of a fault).
pub fn validate(path: &Path, text: &str, spec: &OpenAPI) -> Result<(), Error> {
    let invalid = |at: String, message: String, needle: Option<&str>| Error::Invalid {
        path: path.to_owned(),
        line: needle.and_then(|n| line_of(text, n)),
        at,
        message,
    };

    if !is_openapi_30(&spec.openapi) {
        return Err(invalid(
            "openapi".to_owned(),
            format!(
                "version `{}` is not supported; progenitor reads OpenAPI 3.0.x only",
                spec.openapi
            ),
            Some(&spec.openapi),
        ));
    }

    let document = serde_json::to_value(spec).map_err(|e| Error::Internal {
        path: path.to_owned(),
        message: format!("cannot re-serialize the document: {e}"),
    })?;
    let mut dangling = None;
    find_refs(&document, &mut Vec::new(), &mut |at, reference| {
        if dangling.is_none() && resolve(&document, reference).is_none() {
            dangling = Some((at, reference.to_owned()));
        }
    });
    if let Some((at, reference)) = dangling {
        let message = if reference.starts_with("#/") {
            format!("`$ref: {reference}` points at nothing in this document")
        } else {
            format!(
                "`$ref: {reference}` is external; only references into this document are supported"
            )
        };
        return Err(invalid(at, message, Some(&reference)));
    }

    for (route, method, operation) in operations::list(spec) {
        let mut declared: Vec<&str> = Vec::new();
        let item_parameters = match spec.paths.paths.get(route) {
            Some(ReferenceOr::Item(item)) => item.parameters.as_slice(),
            _ => &[],
        };
        for parameter in item_parameters.iter().chain(&operation.parameters) {
            if let Some(Parameter::Path { parameter_data, .. }) = refs::resolve(spec, parameter) {
                declared.push(&parameter_data.name);
            }
        }
        let in_template = template_names(route);
        let at = format!("paths.{route}.{method}");
        if let Some(missing) = in_template.iter().find(|n| !declared.contains(n)) {
            return Err(invalid(
                at,
                format!(
                    "path template names `{{{missing}}}` but no `in: path` parameter declares it"
                ),
                Some(route),
            ));
        }
        if let Some(extra) = declared.iter().find(|n| !in_template.contains(n)) {
            return Err(invalid(
                format!("{at}.parameters"),
                format!("path parameter `{extra}` does not appear in the path template `{route}`"),
                Some(route),
            ));
        }
    }
    Ok(())
}

/// `3.0.0` … `3.0.4`; progenitor and openapiv3 model nothing else.
fn is_openapi_30(version: &str) -> bool {
    version
        .strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// The names inside `{…}` of a path template.
fn template_names(route: &str) -> Vec<&str> {
    route
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Calls `f(at, reference)` for every `$ref` in `value`; `at` is a dotted path.
fn find_refs(value: &Value, trail: &mut Vec<String>, f: &mut dyn FnMut(String, &str)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let (true, Value::String(reference)) = (key == "$ref", child) {
                    f(trail.join("."), reference);
                } else {
                    trail.push(key.clone());
                    find_refs(child, trail, f);
                    trail.pop();
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                trail.push(index.to_string());
                find_refs(child, trail, f);
                trail.pop();
            }
        }
        _ => {}
    }
}

/// Follows a local JSON pointer (`#/components/schemas/AgentJob`).
fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    document.pointer(pointer)
}

/// The 1-based line of the first line of `text` containing `needle`, as a hint for the reader.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.contains(needle))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;

    fn check(yaml: &str) -> Result<(), Error> {
        let spec = parse(Path::new("specs/t.yaml"), yaml).unwrap();
        validate(Path::new("specs/t.yaml"), yaml, &spec)
    }

    #[test]
    fn accepts_3_0_versions_only() {
        assert!(is_openapi_30("3.0.0") && is_openapi_30("3.0.3"));
        assert!(!is_openapi_30("3.1.0") && !is_openapi_30("2.0") && !is_openapi_30("3.0."));
        let error =
            check("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "specs/t.yaml:1: not a valid OpenAPI 3.0 document at `openapi`: version `3.1.0` is not supported; progenitor reads OpenAPI 3.0.x only"
        );
    }

    #[test]
    fn a_dangling_ref_is_named_with_its_place() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n";
        let error = check(yaml).unwrap_err();
        assert_eq!(
            error.to_string(),
            "specs/t.yaml:12: not a valid OpenAPI 3.0 document at `paths./x.get.responses.200.content.application/json.schema`: `$ref: #/components/schemas/Nope` points at nothing in this document"
        );
    }

    #[test]
    fn path_template_and_parameters_must_agree() {
        let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n";
        let undeclared = format!(
            "{head}  /jobs/{{id}}:\n    get: {{operationId: x, responses: {{'200': {{description: ok}}}}}}\n"
        );
        assert!(check(&undeclared).unwrap_err().to_string().contains(
            "at `paths./jobs/{id}.get`: path template names `{id}` but no `in: path` parameter declares it"
        ));
        let extra = format!(
            "{head}  /jobs:\n    get:\n      operationId: x\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok}}}}\n"
        );
        assert!(
            check(&extra)
                .unwrap_err()
                .to_string()
                .contains("path parameter `id` does not appear in the path template `/jobs`")
        );
        let declared_on_item = format!(
            "{head}  /jobs/{{id}}:\n    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n    get: {{operationId: x, responses: {{'200': {{description: ok}}}}}}\n"
        );
        check(&declared_on_item).unwrap();
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
