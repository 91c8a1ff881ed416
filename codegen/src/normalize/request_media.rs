//! One media type per request body.
//!
//! Progenitor panics on a request body offered in several media types. The client sends one:
//! JSON if offered, else the first that progenitor can send (form, raw bytes, text), else the
//! first; a warning names the others. A body shared through `components.requestBodies` is
//! narrowed in a copy for the operation, so that the component stays as written.

use openapiv3::{OpenAPI, ReferenceOr};

use crate::{Warning, operations, refs};

/// Media types progenitor can send, in the order one is preferred over the next.
const PREFERRED: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Leaves one media type on every request body, naming the dropped ones in `warnings`.
pub fn one_per_body(spec: &mut OpenAPI, warnings: &mut Vec<Warning>) {
    // The narrowed bodies are worked out first: a referenced one is read from the components.
    let mut narrowed = Vec::new();
    for (route, method, operation) in operations::list(spec) {
        let Some(body) = operation
            .request_body
            .as_ref()
            .and_then(|body| refs::resolve(spec, body))
            .filter(|body| body.content.len() > 1)
        else {
            continue;
        };
        let keep = chosen(body.content.keys().map(String::as_str));
        let mut body = body.clone();
        let dropped: Vec<String> = body
            .content
            .keys()
            .filter(|media| **media != keep)
            .map(|media| format!("`{media}`"))
            .collect();
        body.content.retain(|media, _| *media == keep);
        warnings.push(Warning::new(
            operations::display_name(method, route),
            format!(
                "the request body is sent as `{keep}` only; {} not generated (progenitor sends \
                 one media type per body)",
                match dropped.as_slice() {
                    [one] => format!("{one} is"),
                    many => format!("{} are", many.join(", ")),
                }
            ),
        ));
        narrowed.push(((route.to_owned(), method), body));
    }
    operations::for_each_mut(spec, |route, method, operation| {
        if let Some(index) = narrowed
            .iter()
            .position(|((r, m), _)| r == route && *m == method)
        {
            let (_, body) = narrowed.swap_remove(index);
            operation.request_body = Some(ReferenceOr::Item(body));
        }
    });
}

/// The media type to keep among `offered`.
fn chosen<'a>(offered: impl Iterator<Item = &'a str> + Clone) -> String {
    let essence = |media: &str| media.split(';').next().unwrap_or(media).trim().to_owned();
    PREFERRED
        .iter()
        .find_map(|preferred| offered.clone().find(|media| essence(media) == *preferred))
        .or_else(|| offered.clone().next())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    fn narrowed(yaml: &str) -> (OpenAPI, Vec<Warning>) {
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        let mut warnings = Vec::new();
        one_per_body(&mut spec, &mut warnings);
        (spec, warnings)
    }

    fn media_of(spec: &OpenAPI, route: &str) -> Vec<String> {
        let operation = operations::list(spec)
            .into_iter()
            .find(|(r, _, _)| *r == route)
            .unwrap()
            .2;
        let body = refs::resolve(spec, operation.request_body.as_ref().unwrap()).unwrap();
        body.content.keys().cloned().collect()
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /upload:
    post:
      requestBody:
        content:
          multipart/form-data: {schema: {type: object}}
          application/x-www-form-urlencoded: {schema: {type: object}}
          'application/json; charset=utf-8': {schema: {type: object}}
      responses: {'204': {description: ok}}
  /shared:
    put:
      requestBody: {$ref: '#/components/requestBodies/Note'}
      responses: {'204': {description: ok}}
  /one:
    put:
      requestBody: {content: {text/csv: {schema: {type: string}}}}
      responses: {'204': {description: ok}}
components:
  requestBodies:
    Note:
      content:
        application/xml: {schema: {type: string}}
        text/plain: {schema: {type: string}}
"#;

    #[test]
    fn json_is_preferred_then_what_progenitor_can_send() {
        let (spec, warnings) = narrowed(SPEC);
        assert_eq!(
            media_of(&spec, "/upload"),
            ["application/json; charset=utf-8"]
        );
        assert_eq!(media_of(&spec, "/shared"), ["text/plain"]);
        assert_eq!(media_of(&spec, "/one"), ["text/csv"]);
        assert_eq!(
            warnings,
            [
                Warning::new(
                    "POST /upload",
                    "the request body is sent as `application/json; charset=utf-8` only; `multipart/form-data`, `application/x-www-form-urlencoded` are not generated (progenitor sends one media type per body)"
                ),
                Warning::new(
                    "PUT /shared",
                    "the request body is sent as `text/plain` only; `application/xml` is not generated (progenitor sends one media type per body)"
                ),
            ]
        );
        // The shared component is left as written.
        let component = &spec.components.as_ref().unwrap().request_bodies["Note"];
        assert_eq!(component.as_item().unwrap().content.len(), 2);
    }

    #[test]
    fn with_nothing_preferred_the_first_is_kept() {
        assert_eq!(
            chosen(["application/xml", "multipart/form-data"].into_iter()),
            "application/xml"
        );
    }
}
