//! The layers around the handlers.
//!
//! `log_request` wraps everything and records each answer. `per_operation` runs once a route has
//! matched: it names the operation and project, applies a scripted fault, checks the key and the
//! project, and hands the fault to the handler for what only a handler can do (cutting a stream
//! after N events, extra fields in stream chunks).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::config::{DEFAULT_KEY, KeyScope};
use crate::faults::FaultKind;
use crate::operation::Operation;
use crate::request_log::RequestRecord;
use crate::state::{Shared, lock};

/// Which project a request is for, and its scripted fault.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub project: String,
    /// The scripted fault for this request, if any.
    pub fault: Option<FaultKind>,
}

/// The position of a request's record in the log, so that later layers can complete it.
#[derive(Clone, Copy, Debug)]
pub struct LogEntry(usize);

/// Records every request when it arrives, and its status when answered (a request whose client
/// left first keeps status 0); gives every answer an `x-request-id`.
pub async fn log_request(
    State(state): State<Shared>,
    mut request: Request,
    next: Next,
) -> Response {
    let request_id = format!(
        "req_{:06}",
        state.requests_seen.fetch_add(1, Ordering::Relaxed) + 1
    );
    let entry = {
        let mut log = lock(&state.log);
        log.push(RequestRecord {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().map(str::to_owned),
            operation: None,
            project: None,
            status: 0,
            request_id: request_id.clone(),
            at: state.clock.now(),
            version: format!("{:?}", request.version()),
        });
        LogEntry(log.len() - 1)
    };
    request.extensions_mut().insert(entry);
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    if let Some(record) = lock(&state.log).get_mut(entry.0) {
        record.status = response.status().as_u16();
    }
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
    if let Some(LogEntry(index)) = request.extensions().get::<LogEntry>().copied()
        && let Some(record) = lock(&state.log).get_mut(index)
    {
        record.operation = Some(operation);
        record.project = Some(project.clone());
    }
    let fault = lock(&state.faults).take(Some(&project), operation);
    let context = RequestContext {
        project,
        fault: fault.clone(),
    };

    match before_handler(&state, &context, request.method(), request.headers()) {
        Some(early) => early,
        None => {
            request.extensions_mut().insert(context);
            let response = next.run(request).await;
            after_handler(response, fault.as_ref()).await
        }
    }
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
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = format!("Injected fault: {status}");
            let mut response = ApiError::new(status, message).into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            return Some(response);
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
