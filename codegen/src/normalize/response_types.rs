//! One type for the success responses of an operation, and one for its error responses.
//!
//! Progenitor gives each method one success type and one error type, and panics (without naming
//! the operation) when the responses of a group differ: 200 JSON beside 204 without a body, a
//! JSON 400 beside a 429 without a schema. Each group is made to agree, keeping what a caller
//! can use:
//!
//! - `default` beside declared success responses of another type means "any error": it becomes
//!   `4XX` and `5XX`, so it no longer joins the success group (progenitor counts `default` in
//!   both);
//! - success responses that still differ are all read as raw bytes (`ByteStream`): a success
//!   must never turn into an error, and the caller still has the status and the body;
//! - error responses that differ keep the most common JSON type (else raw bytes, else none);
//!   the others are left undeclared, so they come back as `Error::UnexpectedResponse` with the
//!   response, whose body the client's error layer reads as text.
//!
//! Both last cases add a warning naming the operation. Responses shared through
//! `components.responses` are changed in a copy for the operation only.

use openapiv3::{MediaType, OpenAPI, ReferenceOr, Response, Schema, StatusCode};

use super::missing_schemas::is_json;
use crate::{Warning, operations, refs};

/// How progenitor reads one response.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// An `application/json` body, keyed by its `$ref` or its inline schema.
    Json(Box<ReferenceOr<Schema>>),
    /// Any other content type: raw bytes.
    Raw,
    /// No content.
    Empty,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kind::Json(schema) => match schema.as_ref() {
                ReferenceOr::Reference { reference } => {
                    let name = reference.rsplit('/').next().unwrap_or(reference);
                    write!(f, "JSON `{name}`")
                }
                ReferenceOr::Item(_) => f.write_str("JSON (inline schema)"),
            },
            Kind::Raw => f.write_str("raw bytes"),
            Kind::Empty => f.write_str("no body"),
        }
    }
}

/// One declared response: `None` is `default`.
#[derive(Clone, Debug)]
struct Entry {
    status: Option<StatusCode>,
    kind: Kind,
}

impl Entry {
    fn label(&self) -> String {
        self.status
            .as_ref()
            .map_or_else(|| "default".to_owned(), StatusCode::to_string)
    }

    fn is_success(&self) -> bool {
        match &self.status {
            None => true,
            Some(StatusCode::Code(code)) => (200..300).contains(code) || *code == 101,
            Some(StatusCode::Range(range)) => *range == 2,
        }
    }

    fn is_error(&self) -> bool {
        match &self.status {
            None => true,
            Some(StatusCode::Code(code)) => (400..600).contains(code),
            Some(StatusCode::Range(range)) => (4..=5).contains(range),
        }
    }
}

/// What to change in one operation's responses.
#[derive(Debug, Default)]
struct Plan {
    /// `default` becomes `4XX` and `5XX`.
    split_default: bool,
    /// Success responses to read as raw bytes.
    raw: Vec<Option<StatusCode>>,
    /// Error responses to leave undeclared.
    undeclared: Vec<Option<StatusCode>>,
}

/// Makes the success responses and the error responses of every operation agree on a type.
pub fn one_per_group(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    let mut plans = Vec::new();
    for (route, method, operation) in operations::list(spec) {
        let entries = operation
            .responses
            .default
            .iter()
            .map(|r| (None, r))
            .chain(
                operation
                    .responses
                    .responses
                    .iter()
                    .map(|(s, r)| (Some(s.clone()), r)),
            )
            .filter_map(|(status, response)| {
                let kind = kind(refs::resolve(spec, response)?);
                Some(Entry { status, kind })
            })
            .collect();
        let plan = plan(entries, &operations::display_name(method, route), warnings);
        if plan.split_default || !plan.raw.is_empty() || !plan.undeclared.is_empty() {
            // The raw copies are made here, where the components can be read.
            let raw: Vec<(Option<StatusCode>, Response)> = plan
                .raw
                .iter()
                .filter_map(|status| {
                    let response = match status {
                        None => operation.responses.default.as_ref(),
                        Some(status) => operation.responses.responses.get(status),
                    }?;
                    Some((status.clone(), as_raw(refs::resolve(spec, response)?)))
                })
                .collect();
            plans.push(((route.to_owned(), method), plan, raw));
        }
    }
    operations::for_each_mut(spec, |route, method, operation| {
        let Some(index) = plans
            .iter()
            .position(|((r, m), _, _)| r == route && *m == method)
        else {
            return;
        };
        let (_, plan, raw) = plans.swap_remove(index);
        let responses = &mut operation.responses;
        if plan.split_default
            && let Some(default) = responses.default.take()
        {
            for range in [4, 5] {
                responses
                    .responses
                    .entry(StatusCode::Range(range))
                    .or_insert_with(|| default.clone());
            }
        }
        for (status, response) in raw {
            let response = ReferenceOr::Item(response);
            match status {
                None => responses.default = Some(response),
                Some(status) => {
                    responses.responses.insert(status, response);
                }
            }
        }
        for status in plan.undeclared {
            match status {
                None => responses.default = None,
                Some(status) => {
                    responses.responses.shift_remove(&status);
                }
            }
        }
    });
}

/// Works out the changes for one operation's `entries`, warning under `operation`'s name.
fn plan(mut entries: Vec<Entry>, operation: &str, warnings: &mut Vec<Warning>) -> Plan {
    let mut plan = Plan::default();

    let default = entries.iter().position(|e| e.status.is_none());
    if let Some(index) = default {
        let default_kind = entries[index].kind.clone();
        let differs = entries
            .iter()
            .any(|e| e.status.is_some() && e.is_success() && e.kind != default_kind);
        if differs {
            plan.split_default = true;
            let default = entries.remove(index);
            for range in [4, 5] {
                let status = Some(StatusCode::Range(range));
                if !entries.iter().any(|e| e.status == status) {
                    entries.push(Entry {
                        status,
                        kind: default.kind.clone(),
                    });
                }
            }
        }
    }

    // With a 2XX range, progenitor leaves `default` out of the success group.
    let has_2xx = entries
        .iter()
        .any(|e| e.status == Some(StatusCode::Range(2)));
    let success: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.is_success() && !(has_2xx && e.status.is_none()))
        .collect();
    if let Some(first) = success.first()
        && let Some(other) = success.iter().find(|o| o.kind != first.kind)
    {
        warnings.push(Warning::new(
            operation,
            format!(
                "its success responses differ in type ({}: {}, {}: {}); the method returns the \
                 body as raw bytes (`ByteStream`)",
                first.label(),
                first.kind,
                other.label(),
                other.kind
            ),
        ));
        plan.raw = success
            .iter()
            .filter(|e| e.kind != Kind::Raw)
            .map(|e| e.status.clone())
            .collect();
    }

    let errors: Vec<&Entry> = entries.iter().filter(|e| e.is_error()).collect();
    if let Some(keep) = error_kind(&errors) {
        let left: Vec<&&Entry> = errors.iter().filter(|e| e.kind != keep).collect();
        if !left.is_empty() {
            let labels: Vec<String> = left
                .iter()
                .map(|e| format!("{} ({})", e.label(), e.kind))
                .collect();
            warnings.push(Warning::new(
                operation,
                format!(
                    "its error responses differ in type; the error type is {keep}, and {} {} \
                     left undeclared: {} as `Error::UnexpectedResponse`, with the response \
                     and its body as sent",
                    labels.join(", "),
                    if left.len() == 1 { "is" } else { "are" },
                    if left.len() == 1 {
                        "it comes back"
                    } else {
                        "they come back"
                    },
                ),
            ));
            plan.undeclared = left.iter().map(|e| e.status.clone()).collect();
        }
    }
    plan
}

/// The kind the error group keeps: `default`'s when it is in the group (it is a success
/// response too, and must stay), else the most common JSON type (the first on a tie), else raw
/// bytes, else none. `None` when there are no error responses.
fn error_kind(errors: &[&Entry]) -> Option<Kind> {
    if let Some(default) = errors.iter().find(|e| e.status.is_none()) {
        return Some(default.kind.clone());
    }
    let count = |kind: &Kind| errors.iter().filter(|e| e.kind == *kind).count();
    let mut best: Option<&Kind> = None;
    for entry in errors {
        if matches!(entry.kind, Kind::Json(_)) && best.is_none_or(|b| count(&entry.kind) > count(b))
        {
            best = Some(&entry.kind);
        }
    }
    best.cloned()
        .or_else(|| {
            errors
                .iter()
                .any(|e| e.kind == Kind::Raw)
                .then_some(Kind::Raw)
        })
        .or_else(|| errors.first().map(|e| e.kind.clone()))
}

/// How progenitor reads `response`.
fn kind(response: &Response) -> Kind {
    let json = response
        .content
        .iter()
        .find(|(media, _)| is_json(media))
        .and_then(|(_, content)| content.schema.clone());
    match json {
        Some(schema) => Kind::Json(Box::new(schema)),
        None if response.content.is_empty() => Kind::Empty,
        None => Kind::Raw,
    }
}

/// A copy of `response` that progenitor reads as raw bytes: no JSON media type, and at least
/// one other.
fn as_raw(response: &Response) -> Response {
    let mut response = response.clone();
    response.content.retain(|media, _| !is_json(media));
    if response.content.is_empty() {
        response
            .content
            .insert("*/*".to_owned(), MediaType::default());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    /// The operation's responses after the pass, as `label: kind`, and the warnings.
    fn run(responses: &str) -> (Vec<String>, Vec<String>) {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /jobs:\n    post:\n      responses:\n{responses}components:\n  schemas:\n    Job: {{type: object}}\n    Error: {{type: object}}\n    Problem: {{type: object}}\n  responses:\n    Failed: {{description: failed, {ERROR}}}\n"
        );
        let mut spec = parse(Path::new("t.yaml"), &yaml).unwrap();
        let mut warnings = Vec::new();
        one_per_group(&mut spec, &mut warnings);
        let (_, _, operation) = operations::list(&spec)[0];
        let mut shown: Vec<String> = Vec::new();
        if let Some(default) = &operation.responses.default {
            shown.push(format!(
                "default: {}",
                kind(refs::resolve(&spec, default).unwrap())
            ));
        }
        for (status, response) in &operation.responses.responses {
            shown.push(format!(
                "{status}: {}",
                kind(refs::resolve(&spec, response).unwrap())
            ));
        }
        // The shared component is never changed.
        let failed = &spec.components.as_ref().unwrap().responses["Failed"];
        assert_eq!(kind(failed.as_item().unwrap()).to_string(), "JSON `Error`");
        (shown, warnings.iter().map(ToString::to_string).collect())
    }

    const JOB: &str = "content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}";
    const ERROR: &str =
        "content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}";
    const PROBLEM: &str =
        "content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}";

    #[test]
    fn groups_of_one_type_are_left_alone() {
        let (shown, warnings) = run(&format!(
            "        '200': {{description: a, {JOB}}}\n        '201': {{description: b, {JOB}}}\n        '400': {{description: c, {ERROR}}}\n        '429': {{$ref: '#/components/responses/Failed'}}\n"
        ));
        assert_eq!(
            shown,
            [
                "200: JSON `Job`",
                "201: JSON `Job`",
                "400: JSON `Error`",
                "429: JSON `Error`"
            ]
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn mixed_error_responses_keep_the_json_type() {
        let (shown, warnings) = run(&format!(
            "        '201': {{description: a, {JOB}}}\n        '400': {{description: b, {ERROR}}}\n        '429': {{description: c}}\n        '500': {{description: d, content: {{text/plain: {{schema: {{type: string}}}}}}}}\n        '502': {{$ref: '#/components/responses/Failed'}}\n        '503': {{description: e, {PROBLEM}}}\n"
        ));
        assert_eq!(
            shown,
            ["201: JSON `Job`", "400: JSON `Error`", "502: JSON `Error`"]
        );
        assert_eq!(
            warnings,
            [
                "`POST /jobs`: its error responses differ in type; the error type is JSON `Error`, and 429 (no body), 500 (raw bytes), 503 (JSON `Problem`) are left undeclared: they come back as `Error::UnexpectedResponse`, with the response and its body as sent"
            ]
        );
    }

    #[test]
    fn without_json_errors_raw_bytes_win_over_no_body() {
        let (shown, warnings) = run(&format!(
            "        '200': {{description: a, {JOB}}}\n        '404': {{description: b}}\n        '500': {{description: c, content: {{text/html: {{}}}}}}\n"
        ));
        assert_eq!(shown, ["200: JSON `Job`", "500: raw bytes"]);
        assert!(warnings[0].contains("the error type is raw bytes, and 404 (no body) is left undeclared: it comes back as"), "{warnings:?}");
    }

    #[test]
    fn a_default_beside_other_successes_is_any_error() {
        let (shown, warnings) = run(&format!(
            "        '200': {{description: a, {JOB}}}\n        default: {{description: b, {ERROR}}}\n"
        ));
        assert_eq!(
            shown,
            ["200: JSON `Job`", "4XX: JSON `Error`", "5XX: JSON `Error`"]
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        // A declared range stays as it is.
        let (shown, _) = run(&format!(
            "        '200': {{description: a, {JOB}}}\n        4XX: {{description: c, {ERROR}}}\n        default: {{description: b, {ERROR}}}\n"
        ));
        assert_eq!(
            shown,
            ["200: JSON `Job`", "4XX: JSON `Error`", "5XX: JSON `Error`"]
        );
        // Of the successes' type, it stays `default`.
        let (shown, _) = run(&format!(
            "        '200': {{description: a, {JOB}}}\n        default: {{description: b, {JOB}}}\n"
        ));
        assert_eq!(shown, ["default: JSON `Job`", "200: JSON `Job`"]);
    }

    #[test]
    fn mixed_success_responses_are_raw_bytes() {
        let (shown, warnings) = run(&format!(
            "        '200': {{description: a, {JOB}}}\n        '202': {{description: b, content: {{text/plain: {{schema: {{type: string}}}}}}}}\n        '204': {{description: c}}\n        '400': {{description: d, {ERROR}}}\n"
        ));
        assert_eq!(
            shown,
            [
                "200: raw bytes",
                "202: raw bytes",
                "204: raw bytes",
                "400: JSON `Error`"
            ]
        );
        assert_eq!(
            warnings,
            [
                "`POST /jobs`: its success responses differ in type (200: JSON `Job`, 202: raw bytes); the method returns the body as raw bytes (`ByteStream`)"
            ]
        );
    }

    #[test]
    fn a_default_that_is_the_only_success_is_kept_in_the_error_group() {
        let (shown, warnings) = run(&format!(
            "        '400': {{description: a, {PROBLEM}}}\n        default: {{description: b, {ERROR}}}\n"
        ));
        assert_eq!(shown, ["default: JSON `Error`"]);
        assert_eq!(warnings.len(), 1);
    }
}
