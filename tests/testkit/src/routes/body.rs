//! Reading request bodies by hand, so that every fault is a 400 that names the field.

use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::api_error::ApiError;

/// The body as a JSON object.
pub fn object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ApiError::bad_request("Request body must be a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!(
            "Request body is not valid JSON: {e}"
        ))),
    }
}

/// A required, non-empty string field.
pub fn required_text<'a>(object: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match object.get(field) {
        None | Some(Value::Null) => Err(ApiError::bad_request(format!("`{field}` is required"))),
        Some(Value::String(text)) if text.trim().is_empty() => Err(ApiError::bad_request(format!(
            "`{field}` must not be empty"
        ))),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(ApiError::bad_request(format!("`{field}` must be a string"))),
    }
}

/// An optional string field.
pub fn optional_text<'a>(
    object: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(ApiError::bad_request(format!("`{field}` must be a string"))),
    }
}

/// An optional string field whose value must be one of `allowed`.
pub fn optional_choice<'a>(
    object: &'a Map<String, Value>,
    field: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, ApiError> {
    match optional_text(object, field)? {
        Some(value) if !allowed.contains(&value) => Err(ApiError::bad_request(format!(
            "`{field}` must be one of {}, not {value:?}",
            allowed.join(", ")
        ))),
        other => Ok(other),
    }
}
