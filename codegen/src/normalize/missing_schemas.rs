//! Bodies without a schema get the one their media type implies.
//!
//! Progenitor panics on a JSON response without a schema and refuses (for the whole document) a
//! request body without one. JSON and form bodies take any value (`serde_json::Value`); a
//! `text/plain` body is a string and an `application/octet-stream` one raw bytes, the only
//! schemas progenitor takes for those. Other media types are left as they are.

use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, StringType,
    Type, VariantOrUnknownOrEmpty,
};

use crate::operations;

/// Gives every request and response body without a schema the one its media type implies.
pub fn fill(spec: &mut OpenAPI) {
    if let Some(components) = &mut spec.components {
        for response in components.responses.values_mut() {
            if let ReferenceOr::Item(response) = response {
                fill_responses(&mut response.content);
            }
        }
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                fill_requests(&mut body.content);
            }
        }
    }
    operations::for_each_mut(spec, |_, _, operation| {
        if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
            fill_requests(&mut body.content);
        }
        let responses = &mut operation.responses;
        for response in responses
            .default
            .iter_mut()
            .chain(responses.responses.values_mut())
        {
            if let ReferenceOr::Item(response) = response {
                fill_responses(&mut response.content);
            }
        }
    });
}

/// Whether progenitor reads `media` as JSON.
pub(crate) fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

fn fill_responses(content: &mut IndexMap<String, MediaType>) {
    for (media, body) in content.iter_mut() {
        if body.schema.is_none() && is_json(media) {
            body.schema = Some(ReferenceOr::Item(any_value()));
        }
    }
}

fn fill_requests(content: &mut IndexMap<String, MediaType>) {
    for (media, body) in content.iter_mut() {
        if body.schema.is_some() {
            continue;
        }
        let essence = media.split(';').next().unwrap_or(media).trim();
        body.schema = match essence {
            "application/json" | "application/x-www-form-urlencoded" => Some(any_value()),
            "text/plain" | "text/x-markdown" => Some(string(VariantOrUnknownOrEmpty::Empty)),
            "application/octet-stream" => {
                Some(string(VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
            }
            _ => None,
        }
        .map(ReferenceOr::Item);
    }
}

/// `{}`: any JSON value.
fn any_value() -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Any(Default::default()),
    }
}

fn string(format: VariantOrUnknownOrEmpty<StringFormat>) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format,
            ..Default::default()
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    #[test]
    fn bodies_get_the_schema_their_media_type_implies() {
        let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      operationId: x
      requestBody:
        content:
          application/json: {}
          text/plain; charset=utf-8: {}
          application/octet-stream: {}
          multipart/form-data: {}
      responses:
        '200': {description: ok, content: {application/json: {}, text/csv: {}}}
        default: {$ref: '#/components/responses/Oops'}
components:
  responses:
    Oops: {description: oops, content: {'application/json; charset=utf-8': {}}}
"#;
        let mut spec = parse(Path::new("t.yaml"), yaml).unwrap();
        fill(&mut spec);
        let json = serde_json::to_value(&spec).unwrap();
        let body = &json["paths"]["/x"]["post"]["requestBody"]["content"];
        assert_eq!(body["application/json"]["schema"], serde_json::json!({}));
        assert_eq!(
            body["text/plain; charset=utf-8"]["schema"],
            serde_json::json!({"type": "string"})
        );
        assert_eq!(
            body["application/octet-stream"]["schema"],
            serde_json::json!({"type": "string", "format": "binary"})
        );
        assert!(body["multipart/form-data"].get("schema").is_none());
        let ok = &json["paths"]["/x"]["post"]["responses"]["200"]["content"];
        assert_eq!(ok["application/json"]["schema"], serde_json::json!({}));
        assert!(
            ok["text/csv"].get("schema").is_none(),
            "raw bytes need none"
        );
        assert_eq!(
            json["components"]["responses"]["Oops"]["content"]["application/json; charset=utf-8"]["schema"],
            serde_json::json!({})
        );
    }
}
