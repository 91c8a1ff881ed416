//! Every operation has an `operationId` of its own.
//!
//! Progenitor refuses a document with an operation without an id, and Mintlify's published spec
//! has none. The name comes from the method and the literal path segments only
//! (`GET /v2/agent/{projectId}/job/{id}` becomes `get_v2_agent_job_by_id`), so it does not
//! change when summaries or docs are reworded. Progenitor also refuses the whole document when
//! two operations share an id; the later one gets a numbered suffix, with a warning.

use std::collections::HashSet;

use openapiv3::OpenAPI;

use crate::{Warning, operations};

/// Gives every operation without an id a name derived from its method and path, and every
/// operation whose id an earlier one has a numbered one.
pub fn fill_missing(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    // Names given in the spec are kept first; a generated name never takes one.
    let mut taken: HashSet<String> = operations::list(spec)
        .into_iter()
        .filter_map(|(_, _, operation)| operation.operation_id.clone())
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    operations::for_each_mut(spec, |path, method, operation| {
        let base = match &operation.operation_id {
            Some(id) if seen.insert(id.clone()) => return,
            Some(id) => id.clone(),
            None => derive(method, path),
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        if operation.operation_id.is_some() {
            warnings.push(Warning::new(
                operations::display_name(method, path),
                format!("its operationId `{base}` is an earlier operation's too; this one is generated as `{name}`"),
            ));
        }
        taken.insert(name.clone());
        seen.insert(name.clone());
        operation.operation_id = Some(name);
    });
}

/// `method` + the literal segments of `path` in snake case, + `_by_<param>` when the path ends
/// in a parameter (so that `GET /jobs/{id}` and `GET /jobs` differ).
fn derive(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for segment in &segments {
        if !is_parameter(segment) {
            words.push(snake_case(segment));
        }
    }
    if let Some(last) = segments.last().filter(|s| is_parameter(s)) {
        words.push(format!("by_{}", snake_case(last.trim_matches(['{', '}']))));
    }
    words.retain(|w| !w.is_empty());
    words.join("_")
}

fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// `projectId` → `project_id`, `agent-jobs.v2` → `agent_jobs_v2`.
fn snake_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    fn ids(yaml: &str) -> Vec<String> {
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        fill_missing(&mut spec, &mut Vec::new());
        operations::list(&spec)
            .into_iter()
            .map(|(_, _, op)| op.operation_id.clone().unwrap())
            .collect()
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn names_come_from_method_and_literal_segments() {
        assert_eq!(
            derive("post", "/v2/agent/{projectId}/job"),
            "post_v2_agent_job"
        );
        assert_eq!(
            derive("get", "/v2/agent/{projectId}/job/{id}"),
            "get_v2_agent_job_by_id"
        );
        assert_eq!(
            derive("post", "/v2/agent/{projectId}/job/{id}/message"),
            "post_v2_agent_job_message"
        );
        assert_eq!(
            derive("get", "/v1/agent/{projectId}/jobs"),
            "get_v1_agent_jobs"
        );
        assert_eq!(derive("get", "/"), "get");
        assert_eq!(
            derive("delete", "/apiKeys/{keyId}"),
            "delete_api_keys_by_key_id"
        );
        assert_eq!(derive("get", "/a-b.c/x"), "get_a_b_c_x");
    }

    #[test]
    fn existing_ids_are_kept_and_missing_ones_filled() {
        let yaml = format!(
            "{HEAD}paths:\n  /jobs:\n    get: {{operationId: listJobs, responses: {{'200': {{description: ok}}}}}}\n    post: {{responses: {{'200': {{description: ok}}}}}}\n"
        );
        assert_eq!(ids(&yaml), ["listJobs", "post_jobs"]);
    }

    #[test]
    fn collisions_get_a_numbered_suffix_in_document_order() {
        let yaml = format!(
            "{HEAD}paths:\n  /a/b:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n  /a-b:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n  /x:\n    get: {{operationId: get_a_b_3, responses: {{'200': {{description: ok}}}}}}\n  /a.b:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n"
        );
        assert_eq!(
            ids(&yaml),
            ["get_a_b", "get_a_b_2", "get_a_b_3", "get_a_b_4"]
        );
    }

    #[test]
    fn a_shared_id_is_numbered_from_the_second_operation_on() {
        let yaml = format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: list, responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: list, responses: {{'200': {{description: ok}}}}}}\n  /c:\n    get: {{operationId: list_2, responses: {{'200': {{description: ok}}}}}}\n"
        );
        let mut spec = parse(Path::new("t.yaml"), &yaml).unwrap();
        let mut warnings = Vec::new();
        fill_missing(&mut spec, &mut warnings);
        let ids: Vec<&str> = operations::list(&spec)
            .into_iter()
            .filter_map(|(_, _, op)| op.operation_id.as_deref())
            .collect();
        assert_eq!(ids, ["list", "list_3", "list_2"]);
        assert_eq!(
            warnings,
            [Warning::new(
                "GET /b",
                "its operationId `list` is an earlier operation's too; this one is generated as `list_3`"
            )]
        );
    }

    #[test]
    fn the_same_document_always_gets_the_same_names() {
        let yaml = format!(
            "{HEAD}paths:\n  /v1/{{p}}/jobs:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n"
        );
        assert_eq!(ids(&yaml), ids(&yaml));
        assert_eq!(ids(&yaml), ["get_v1_jobs"]);
    }
}
