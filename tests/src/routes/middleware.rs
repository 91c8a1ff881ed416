//! The layers around the handlers.
//!
//! `log_request` wraps everything and records each answer. `per_operation` runs once a route has
//! matched: it names the operation and project, applies a scripted fault, checks the key and the
//! project, and hands the fault to the handler for what only a handler can do (cutting a stream
//! after N events, extra fields in stream chunks).

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::{Value, json};

use super::Operation;
use crate::api_error::ApiError;
use crate::config::{DEFAULT_KEY, KeyScope};
use crate::faults::FaultKind;
use crate::request_log::RequestRecord;
use crate::state::{Shared, lock};

/// Which operation and project a request is for; also copied onto its response for the log.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub operation: Operation,
    pub project: String,
    /// The scripted fault for this request, if any.
    pub fault: Option<FaultKind>,
}

/// Records every request with the status of its answer.
pub async fn log_request(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let at = state.clock.now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let response = next.run(request).await;
    let context = response.extensions().get::<RequestContext>();
    lock(&state.log).push(RequestRecord {
        method,
        path,
        query,
        operation: context.map(|c| c.operation),
        project: context.map(|c| c.project.clone()),
        status: response.status().as_u16(),
        at,
    });
    response
}

/// Fault, auth and project check, then the handler, then what the fault does to the answer.
pub async fn per_operation(
    State(state): State<Shared>,
    matched: MatchedPath,
    Path(params): Path<HashMap<String, String>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(operation) = Operation::from_route(matched.as_str(), request.method()) else {
        return ApiError::not_found("No such endpoint").into_response();
    };
    let project = params.get("project_id").cloned().unwrap_or_default();
    let fault = lock(&state.faults).take(Some(&project), operation);
    let context = RequestContext {
        operation,
        project: project.clone(),
        fault: fault.clone(),
    };

    let mut response = match before_handler(&state, &context, request.method(), request.headers()) {
        Some(early) => early,
        None => {
            request.extensions_mut().insert(context.clone());
            let response = next.run(request).await;
            after_handler(response, fault.as_ref()).await
        }
    };
    response.extensions_mut().insert(context);
    response
}

/// An answer that stops the request before the handler: a fault that does not act, a bad key,
/// an unknown project.
fn before_handler(
    state: &Shared,
    context: &RequestContext,
    method: &Method,
    headers: &HeaderMap,
) -> Option<Response> {
    match &context.fault {
        Some(FaultKind::Status(status)) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = format!("Injected fault: {status}");
            return Some(ApiError::new(status, message).into_response());
        }
        Some(FaultKind::RateLimited { retry_after }) => {
            return Some(ApiError::rate_limited(*retry_after).into_response());
        }
        Some(FaultKind::NonJsonBody) => {
            let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
            return Some(([(header::CONTENT_TYPE, "text/html")], html).into_response());
        }
        _ => {}
    }
    if let Err(denied) = authorize(state, method, headers) {
        return Some(denied.into_response());
    }
    let known = state
        .config
        .projects
        .as_ref()
        .is_none_or(|projects| projects.contains(&context.project));
    (!known).then(|| {
        ApiError::not_found(format!("Project {} not found", context.project)).into_response()
    })
}

/// `Authorization: Bearer <key>` against the configured keys, and the key's scope.
fn authorize(state: &Shared, method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Missing Authorization header; send `Bearer <admin API key>`",
        ));
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let scope = match (presented, state.config.keys.is_empty()) {
        (Some(DEFAULT_KEY), true) => Some(KeyScope::ReadWrite),
        (Some(presented), false) => state
            .config
            .keys
            .iter()
            .find(|k| k.secret == presented)
            .map(|k| k.scope),
        _ => None,
    };
    match scope {
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "Invalid API key")),
        Some(KeyScope::ReadOnly) if method != Method::GET && method != Method::HEAD => {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "This API key has the read scope only and cannot make this request",
            ))
        }
        Some(_) => Ok(()),
    }
}

/// What a fault does to an answer the handler gave.
async fn after_handler(response: Response, fault: Option<&FaultKind>) -> Response {
    match fault {
        Some(FaultKind::Delay(by)) => {
            tokio::time::sleep(*by).await;
            response
        }
        Some(FaultKind::CutAfterBytes(limit)) => cut_after(response, *limit),
        Some(FaultKind::UnknownStatus(status)) => {
            rewrite_json(response, |value| replace_status(value, status)).await
        }
        Some(FaultKind::ExtraFields) => rewrite_json(response, add_extra_fields).await,
        _ => response,
    }
}

/// Sends the first `limit` bytes of the body, then breaks the connection.
fn cut_after(response: Response, limit: usize) -> Response {
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let cut = || std::io::Error::other("connection cut by an injected fault");
    let state = (body.into_data_stream(), limit, false);
    let body = futures::stream::unfold(state, move |(mut inner, left, done)| async move {
        if done {
            return None;
        }
        if left > 0 {
            match inner.next().await {
                Some(Ok(chunk)) => {
                    let take = left.min(chunk.len());
                    return Some((Ok(chunk.slice(..take)), (inner, left - take, false)));
                }
                Some(Err(error)) => {
                    return Some((Err(std::io::Error::other(error)), (inner, 0, true)));
                }
                None => {}
            }
        }
        // Let what was sent reach the client before the connection breaks.
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((Err(cut()), (inner, 0, true)))
    });
    Response::from_parts(parts, Body::from_stream(body))
}

/// Applies `change` to a JSON answer; other answers pass as they are.
async fn rewrite_json(response: Response, change: impl FnOnce(&mut Value)) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the reply")
            .into_response();
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    change(&mut value);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

/// Puts `status` where a job's `status` or a session's `haultReason` is.
fn replace_status(value: &mut Value, status: &str) {
    if let Some(sessions) = value.get_mut("allSessions").and_then(Value::as_array_mut) {
        sessions.iter_mut().for_each(|s| replace_status(s, status));
    }
    for field in ["status", "haultReason"] {
        if let Some(slot) = value.get_mut(field) {
            *slot = json!(status);
        }
    }
}

/// Adds a field no spec lists to every object, at every depth.
fn add_extra_fields(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.values_mut().for_each(add_extra_fields);
            object.insert(
                "x_testkit_extra".to_owned(),
                json!({ "note": "a field this client does not know" }),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(add_extra_fields),
        _ => {}
    }
}
