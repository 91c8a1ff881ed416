//! What progenitor 0.15 cannot generate, checked before it runs.
//!
//! Progenitor panics (`assert!`/`todo!`) on these shapes instead of returning an error, and its
//! panic does not say which operation was at fault. Checking first lets the error name the
//! operation and the reason; `generate` still catches any panic we did not foresee.

use std::path::Path;

use openapiv3::{OpenAPI, Operation, ReferenceOr, Response, StatusCode};

use crate::{Error, operations, refs};

/// How progenitor will treat one response: the kinds of one group must all be the same.
#[derive(Clone, Debug, PartialEq)]
enum Kind<'a> {
    /// An `application/json` body, keyed by its `$ref` or its inline schema.
    Json(&'a ReferenceOr<openapiv3::Schema>),
    /// Any other content type: raw bytes.
    Raw,
    /// No content.
    Empty,
}

impl std::fmt::Display for Kind<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kind::Json(ReferenceOr::Reference { reference }) => {
                let name = reference.rsplit('/').next().unwrap_or(reference);
                write!(f, "JSON `{name}`")
            }
            Kind::Json(ReferenceOr::Item(_)) => f.write_str("JSON (inline schema)"),
            Kind::Raw => f.write_str("raw bytes"),
            Kind::Empty => f.write_str("no body"),
        }
    }
}

/// Fails with [`Error::Unsupported`] on the first operation progenitor cannot take.
pub fn check(path: &Path, spec: &OpenAPI) -> Result<(), Error> {
    for (route, method, operation) in operations::list(spec) {
        if let Err(reason) = check_operation(spec, operation) {
            return Err(Error::Unsupported {
                path: path.to_owned(),
                operation: operations::display_name(method, route),
                reason,
            });
        }
    }
    Ok(())
}

fn check_operation(spec: &OpenAPI, operation: &Operation) -> Result<(), String> {
    if let Some(body) = &operation.request_body
        && let Some(body) = refs::resolve(spec, body).filter(|b| b.content.len() > 1)
    {
        let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
        return Err(format!(
            "its request body offers {} media types ({}); progenitor takes exactly one",
            types.len(),
            types.join(", ")
        ));
    }

    let mut success: Vec<(String, Kind)> = Vec::new();
    let mut failure: Vec<(String, Kind)> = Vec::new();
    let default = operation.responses.default.iter().map(|r| (None, r));
    let coded = operation
        .responses
        .responses
        .iter()
        .map(|(c, r)| (Some(c), r));
    for (code, response) in default.chain(coded) {
        let Some(response) = refs::resolve(spec, response) else {
            continue;
        };
        let label = code.map_or_else(|| "default".to_owned(), |c| c.to_string());
        let kind = kind(response)
            .map_err(|media| format!("response {label} has `{media}` content without a schema"))?;
        // Progenitor counts `default` as both a success and an error response.
        let (is_success, is_error) = match code {
            None => (true, true),
            Some(StatusCode::Code(c)) => {
                ((200..300).contains(c) || *c == 101, (400..600).contains(c))
            }
            Some(StatusCode::Range(r)) => (*r == 2, (4..=5).contains(r)),
        };
        if is_success {
            success.push((label.clone(), kind.clone()));
        }
        if is_error {
            failure.push((label, kind));
        }
    }
    // With a 2XX range, progenitor drops `default` from the success group.
    if success.iter().any(|(label, _)| label == "2XX") {
        success.retain(|(label, _)| label != "default");
    }
    same_kind("success", &success)?;
    same_kind("error", &failure)
}

fn same_kind(group: &str, responses: &[(String, Kind)]) -> Result<(), String> {
    let Some((first_label, first)) = responses.first() else {
        return Ok(());
    };
    match responses.iter().find(|(_, kind)| kind != first) {
        None => Ok(()),
        Some((label, kind)) => Err(format!(
            "its {group} responses differ in type ({first_label}: {first}, {label}: {kind}); \
             progenitor needs one type for all {group} responses"
        )),
    }
}

/// The kind progenitor gives a response, or the JSON media type that has no schema.
fn kind(response: &Response) -> Result<Kind<'_>, String> {
    let json = response
        .content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
    match json {
        Some((media, content)) => content
            .schema
            .as_ref()
            .map(Kind::Json)
            .ok_or_else(|| media.clone()),
        None if response.content.is_empty() => Ok(Kind::Empty),
        None => Ok(Kind::Raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;

    fn check_yaml(operation: &str) -> Result<(), Error> {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /v2/agent/{{projectId}}/job:\n    post:\n{operation}components:\n  schemas:\n    AgentJob: {{type: object}}\n    Error: {{type: object}}\n"
        );
        let spec = parse(Path::new("specs/v2.yaml"), &yaml).unwrap();
        check(Path::new("specs/v2.yaml"), &spec)
    }

    const JOB: &str =
        "content: {application/json: {schema: {$ref: '#/components/schemas/AgentJob'}}}";
    const ERROR: &str =
        "content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}";

    #[test]
    fn one_type_per_group_is_fine() {
        let op = format!(
            "      responses:\n        '200': {{description: a, {JOB}}}\n        '201': {{description: b, {JOB}}}\n        '400': {{description: c, {ERROR}}}\n        '429': {{description: d, {ERROR}}}\n"
        );
        check_yaml(&op).unwrap();
    }

    #[test]
    fn success_responses_of_different_types_name_the_operation() {
        let op = format!(
            "      responses:\n        '201': {{description: a, {JOB}}}\n        '202': {{description: b, content: {{text/plain: {{schema: {{type: string}}}}}}}}\n"
        );
        assert_eq!(
            check_yaml(&op).unwrap_err().to_string(),
            "specs/v2.yaml: operation `POST /v2/agent/{projectId}/job` cannot be generated: its success responses differ in type (201: JSON `AgentJob`, 202: raw bytes); progenitor needs one type for all success responses"
        );
    }

    #[test]
    fn error_responses_of_different_types_are_refused() {
        let op = format!(
            "      responses:\n        '201': {{description: a, {JOB}}}\n        '400': {{description: b, {ERROR}}}\n        '500': {{description: c}}\n"
        );
        let message = check_yaml(&op).unwrap_err().to_string();
        assert!(message.ends_with("its error responses differ in type (400: JSON `Error`, 500: no body); progenitor needs one type for all error responses"), "{message}");
    }

    #[test]
    fn default_counts_in_both_groups() {
        let op = format!(
            "      responses:\n        '201': {{description: a, {JOB}}}\n        default: {{description: b, {ERROR}}}\n"
        );
        assert!(
            check_yaml(&op)
                .unwrap_err()
                .to_string()
                .contains("success responses differ")
        );
    }

    #[test]
    fn two_request_media_types_are_refused() {
        let op = "      requestBody:\n        content:\n          application/json: {schema: {type: object}}\n          application/x-www-form-urlencoded: {schema: {type: object}}\n      responses: {'204': {description: ok}}\n";
        assert!(check_yaml(op).unwrap_err().to_string().ends_with(
            "its request body offers 2 media types (application/json, application/x-www-form-urlencoded); progenitor takes exactly one"
        ));
    }

    #[test]
    fn json_without_schema_is_refused() {
        let op = "      responses: {'200': {description: ok, content: {application/json: {}}}}\n";
        assert!(
            check_yaml(op)
                .unwrap_err()
                .to_string()
                .ends_with("response 200 has `application/json` content without a schema")
        );
    }

    #[test]
    fn two_raw_media_types_on_one_response_are_fine() {
        let op = "      responses: {'200': {description: ok, content: {text/event-stream: {schema: {type: string}}, text/plain: {schema: {type: string}}}}}\n";
        check_yaml(op).unwrap();
    }
}
