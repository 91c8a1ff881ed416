//! Visiting every inline schema of a document, wherever it sits: components, parameters, request
//! and response bodies, headers, and the schemas nested inside those.

use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr,
    Response, Schema, SchemaKind, Type,
};

/// Calls `f` on every schema written inline in `spec`, parents before children.
pub fn for_each_mut(spec: &mut OpenAPI, f: &mut dyn FnMut(&mut Schema)) {
    if let Some(components) = &mut spec.components {
        for schema in components.schemas.values_mut() {
            visit(schema, f);
        }
        for response in components.responses.values_mut() {
            visit_response(response, f);
        }
        for parameter in components.parameters.values_mut() {
            visit_parameter(parameter, f);
        }
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                body.content.values_mut().for_each(|m| visit_media(m, f));
            }
        }
    }
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for parameter in &mut item.parameters {
            visit_parameter(parameter, f);
        }
        crate::operations::for_each_operation_of_item_mut(item, |operation| {
            for parameter in &mut operation.parameters {
                visit_parameter(parameter, f);
            }
            if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
                body.content.values_mut().for_each(|m| visit_media(m, f));
            }
            let responses = &mut operation.responses;
            for response in responses
                .default
                .iter_mut()
                .chain(responses.responses.values_mut())
            {
                visit_response(response, f);
            }
        });
    }
}

fn visit_response(response: &mut ReferenceOr<Response>, f: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(response) = response {
        response
            .content
            .values_mut()
            .for_each(|m| visit_media(m, f));
        for header in response.headers.values_mut() {
            if let ReferenceOr::Item(header) = header {
                visit_format(&mut header.format, f);
            }
        }
    }
}

fn visit_parameter(parameter: &mut ReferenceOr<Parameter>, f: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(parameter) = parameter {
        let data = match parameter {
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        visit_format(&mut data.format, f);
    }
}

fn visit_format(format: &mut ParameterSchemaOrContent, f: &mut dyn FnMut(&mut Schema)) {
    match format {
        ParameterSchemaOrContent::Schema(schema) => visit(schema, f),
        ParameterSchemaOrContent::Content(content) => {
            content.values_mut().for_each(|m| visit_media(m, f));
        }
    }
}

fn visit_media(media: &mut MediaType, f: &mut dyn FnMut(&mut Schema)) {
    if let Some(schema) = &mut media.schema {
        visit(schema, f);
    }
}

fn visit_boxed(schema: &mut ReferenceOr<Box<Schema>>, f: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(schema) = schema {
        visit_schema(schema, f);
    }
}

fn visit(schema: &mut ReferenceOr<Schema>, f: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(schema) = schema {
        visit_schema(schema, f);
    }
}

fn visit_additional(additional: &mut Option<AdditionalProperties>, f: &mut dyn FnMut(&mut Schema)) {
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        visit(schema, f);
    }
}

fn visit_schema(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
    f(schema);
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object
                .properties
                .values_mut()
                .for_each(|s| visit_boxed(s, f));
            visit_additional(&mut object.additional_properties, f);
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                visit_boxed(items, f);
            }
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => list.iter_mut().for_each(|s| visit(s, f)),
        SchemaKind::Not { not } => visit(not, f),
        SchemaKind::Any(any) => {
            any.properties.values_mut().for_each(|s| visit_boxed(s, f));
            visit_additional(&mut any.additional_properties, f);
            if let Some(items) = &mut any.items {
                visit_boxed(items, f);
            }
            for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                list.iter_mut().for_each(|s| visit(s, f));
            }
            if let Some(not) = &mut any.not {
                visit(not, f);
            }
        }
    }
}
