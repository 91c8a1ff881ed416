//! What progenitor cannot send: left out, the parameter if it is optional, else the operation.
//!
//! Progenitor refuses the whole document over one cookie parameter, one `deepObject` query
//! parameter, one parameter given by `content`, or one request body of a media type it cannot
//! write (`multipart/form-data`, `application/json-patch+json`). Checking here, rather than
//! finding the operation by running progenitor on parts of the document, is fast and says why:
//! an optional parameter is left out (the call works without it), and an operation that cannot
//! be called without what progenitor cannot send is left out; a warning names each.

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr};

use crate::{Warning, operations, refs};

/// Request body media types progenitor can write.
const SENDABLE: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// What to do with one operation.
enum Fix {
    /// Leave the operation out, for this reason.
    Skip(String),
    /// Leave these optional parameters (`name`, `in`) out.
    Drop(Vec<(String, &'static str)>),
}

/// Leaves out what progenitor cannot send, with a warning for each.
pub fn drop_unsendable(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    let mut fixes: Vec<((String, &'static str), Fix)> = Vec::new();
    for (route, method, operation) in operations::list(spec) {
        let name = operations::display_name(method, route);
        let body_media = operation
            .request_body
            .as_ref()
            .and_then(|body| refs::resolve(spec, body))
            .and_then(|body| body.content.keys().next());
        if let Some(media) = body_media {
            let essence = media.split(';').next().unwrap_or(media).trim();
            if !SENDABLE.contains(&essence) {
                fixes.push((
                    (route.to_owned(), method),
                    Fix::Skip(format!(
                        "progenitor cannot send a request body of type `{media}`"
                    )),
                ));
                continue;
            }
        }
        let mut dropped = Vec::new();
        let mut skip = None;
        for parameter in operations::parameters(spec, route, &operation.parameters) {
            let Some(problem) = problem(parameter) else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            let place = location(parameter);
            if data.required || place == "path" {
                skip = Some(format!(
                    "progenitor cannot send {problem} (its required parameter `{}`)",
                    data.name
                ));
                break;
            }
            warnings.push(Warning::new(
                name.clone(),
                format!(
                    "its optional parameter `{}` is left out: progenitor cannot send {problem}",
                    data.name
                ),
            ));
            dropped.push((data.name.clone(), place));
        }
        match skip {
            Some(reason) => fixes.push(((route.to_owned(), method), Fix::Skip(reason))),
            None if !dropped.is_empty() => {
                fixes.push(((route.to_owned(), method), Fix::Drop(dropped)));
            }
            None => {}
        }
    }

    for ((route, method), fix) in &fixes {
        if let Fix::Skip(reason) = fix {
            warnings.push(Warning::new(
                operations::display_name(method, route),
                format!("not generated: {reason}"),
            ));
        }
    }
    // Parameters of the path item apply to each of its operations: where one is left out, each
    // operation of the item gets its own copy of them.
    let materialize: Vec<String> = fixes
        .iter()
        .filter(|(_, fix)| matches!(fix, Fix::Drop(_)))
        .map(|((route, _), _)| route.clone())
        .collect();
    for (route, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        if !materialize.contains(route) || item.parameters.is_empty() {
            continue;
        }
        let shared = std::mem::take(&mut item.parameters);
        operations::for_each_operation_of_item_mut(item, |operation| {
            let mut all = shared.clone();
            all.append(&mut operation.parameters);
            operation.parameters = all;
        });
    }
    let resolved = spec.clone();
    operations::for_each_mut(spec, |route, method, operation| {
        let fix = fixes
            .iter()
            .find(|((r, m), _)| r == route && *m == method)
            .map(|(_, fix)| fix);
        if let Some(Fix::Drop(dropped)) = fix {
            operation.parameters.retain(|parameter| {
                refs::resolve(&resolved, parameter).is_none_or(|p| {
                    !dropped.contains(&(p.parameter_data_ref().name.clone(), location(p)))
                })
            });
        }
    });
    operations::retain(spec, |route, method| {
        !fixes
            .iter()
            .any(|((r, m), fix)| r == route && *m == method && matches!(fix, Fix::Skip(_)))
    });
}

/// What progenitor cannot send that `parameter` is, if it is one.
fn problem(parameter: &Parameter) -> Option<String> {
    if matches!(
        parameter.parameter_data_ref().format,
        ParameterSchemaOrContent::Content(_)
    ) {
        return Some("parameters given by `content`".to_owned());
    }
    let style = match parameter {
        Parameter::Cookie { .. } => return Some("cookies".to_owned()),
        Parameter::Query { style, .. } => match style {
            QueryStyle::Form => return None,
            QueryStyle::SpaceDelimited => "spaceDelimited",
            QueryStyle::PipeDelimited => "pipeDelimited",
            QueryStyle::DeepObject => "deepObject",
        },
        Parameter::Path { style, .. } => match style {
            PathStyle::Simple => return None,
            PathStyle::Matrix => "matrix",
            PathStyle::Label => "label",
        },
        Parameter::Header { .. } => return None,
    };
    Some(format!(
        "{} parameters of style `{style}`",
        location(parameter)
    ))
}

fn location(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /files/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: session, in: cookie, schema: {type: string}}
    get:
      operationId: get_file
      parameters:
        - {name: filter, in: query, style: deepObject, schema: {type: object}}
        - {name: fields, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
    delete:
      operationId: delete_file
      responses: {'204': {description: ok}}
  /upload:
    post:
      operationId: upload
      requestBody: {content: {multipart/form-data: {schema: {type: object}}}}
      responses: {'204': {description: ok}}
  /me:
    get:
      operationId: me
      parameters: [{$ref: '#/components/parameters/Session'}]
      responses: {'204': {description: ok}}
  /patch:
    patch:
      operationId: patch
      parameters: [{name: q, in: query, content: {application/json: {schema: {type: object}}}}]
      requestBody: {content: {'text/plain; charset=utf-8': {schema: {type: string}}}}
      responses: {'204': {description: ok}}
components:
  parameters:
    Session: {name: session, in: cookie, required: true, schema: {type: string}}
"#;

    #[test]
    fn optional_parameters_go_and_operations_that_need_them_are_left_out() {
        let mut spec = parse(Path::new("t.yaml"), SPEC).unwrap();
        let mut warnings = Vec::new();
        drop_unsendable(&mut spec, &mut warnings);
        let left: Vec<(String, Vec<String>)> = operations::list(&spec)
            .into_iter()
            .map(|(route, _, operation)| {
                let names = operations::parameters(&spec, route, &operation.parameters)
                    .iter()
                    .map(|p| p.parameter_data_ref().name.clone())
                    .collect();
                (operation.operation_id.clone().unwrap(), names)
            })
            .collect();
        assert_eq!(
            left,
            [
                (
                    "get_file".to_owned(),
                    vec!["id".to_owned(), "fields".to_owned()]
                ),
                ("delete_file".to_owned(), vec!["id".to_owned()]),
                ("patch".to_owned(), vec![]),
            ]
        );
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "`GET /files/{id}`: its optional parameter `session` is left out: progenitor cannot send cookies",
                "`GET /files/{id}`: its optional parameter `filter` is left out: progenitor cannot send query parameters of style `deepObject`",
                "`DELETE /files/{id}`: its optional parameter `session` is left out: progenitor cannot send cookies",
                "`PATCH /patch`: its optional parameter `q` is left out: progenitor cannot send parameters given by `content`",
                "`POST /upload`: not generated: progenitor cannot send a request body of type `multipart/form-data`",
                "`GET /me`: not generated: progenitor cannot send cookies (its required parameter `session`)",
            ]
        );
    }
}
