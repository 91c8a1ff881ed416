//! v1: a job streams its run; sessions are read back one by one or in pages.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::body;
use super::middleware::RequestContext;
use crate::api_error::ApiError;
use crate::faults::FaultKind;
use crate::state::{Shared, lock};
use crate::store::{Todo, repository};
use crate::stream::encode::Encoder;
use crate::stream::event::RunEvent;
use crate::stream::protocol::Protocol;
use crate::stream::script::{Task, agent_run, closing_text};

const ROLES: [&str; 3] = ["system", "user", "assistant"];
const MODELS: [&str; 2] = ["sonnet", "opus"];

/// The request, checked field by field; returns the task (the last `user` message) and branch.
fn read_request(body: &Bytes) -> Result<(String, Option<String>), ApiError> {
    let request = body::object(body)?;
    let messages = match request.get("messages") {
        None | Some(Value::Null) => return Err(ApiError::bad_request("`messages` is required")),
        Some(Value::Array(messages)) if messages.is_empty() => {
            return Err(ApiError::bad_request(
                "`messages` must hold at least one message",
            ));
        }
        Some(Value::Array(messages)) => messages,
        Some(_) => return Err(ApiError::bad_request("`messages` must be an array")),
    };
    let mut task = None;
    for (i, message) in messages.iter().enumerate() {
        let Value::Object(message) = message else {
            return Err(ApiError::bad_request(format!(
                "`messages[{i}]` must be an object"
            )));
        };
        let role = body::required_text(message, "role").map_err(|_| {
            ApiError::bad_request(format!(
                "`messages[{i}].role` is required and must be one of {}",
                ROLES.join(", ")
            ))
        })?;
        if !ROLES.contains(&role) {
            return Err(ApiError::bad_request(format!(
                "`messages[{i}].role` must be one of {}, not {role:?}",
                ROLES.join(", ")
            )));
        }
        let Some(Value::String(content)) = message.get("content") else {
            return Err(ApiError::bad_request(format!(
                "`messages[{i}].content` is required and must be a string"
            )));
        };
        if role == "user" {
            task = Some(content.clone());
        }
    }
    let branch = body::optional_text(&request, "branch")?.map(str::to_owned);
    body::optional_choice(&request, "model", &MODELS)?;
    if request
        .get("asDraft")
        .is_some_and(|v| !v.is_boolean() && !v.is_null())
    {
        return Err(ApiError::bad_request("`asDraft` must be a boolean"));
    }
    let task =
        task.ok_or_else(|| ApiError::bad_request("`messages` must include a `user` message"))?;
    Ok((task, branch))
}

/// `POST /v1/agent/{projectId}/job`: starts a session and streams its run.
pub async fn create_job(
    State(state): State<Shared>,
    Extension(context): Extension<RequestContext>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (task, branch) = read_request(&body)?;
    let protocol = match headers.get(Protocol::REQUEST_HEADER) {
        None => state.config.protocol,
        Some(value) => value
            .to_str()
            .ok()
            .and_then(Protocol::from_name)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "`{}` must be ui-message-stream, data-stream or text",
                    Protocol::REQUEST_HEADER
                ))
            })?,
    };
    let now = state.clock.now();
    lock(&state.limiter)
        .admit(&context.project, state.config.rate_limit, now)
        .map_err(ApiError::rate_limited)?;

    let (session, pull_request) = {
        let mut store = lock(&state.store);
        let session = store.create_session(&context.project, &task, branch.as_deref(), now);
        let pull_request = format!(
            "{}/pull/{}",
            repository(&context.project),
            store.pull_request_number()
        );
        (session, pull_request)
    };
    let fails = task.contains("#fail");
    let message_id = format!("msg_{}", session.id);
    let events = agent_run(&Task {
        request: &task,
        message_id: &message_id,
        pull_request: (!fails).then_some(pull_request.as_str()),
    });

    let extra_fields = context.fault == Some(FaultKind::ExtraFields);
    let cut_after = match context.fault {
        Some(FaultKind::CutAfterEvents(n)) => Some(n),
        _ => None,
    };
    let (frames, receiver) = mpsc::channel(16);
    tokio::spawn(run_session(RunningSession {
        state: state.clone(),
        project: context.project.clone(),
        session_id: session.id.clone(),
        events,
        encoder: Encoder::new(protocol, extra_fields),
        pull_request: (!fails).then_some(pull_request),
        cut_after,
        frames,
    }));

    let body = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|frame| (frame, receiver))
    });
    let mut response = Body::from_stream(body).into_response();
    let response_headers = response.headers_mut();
    for (name, value) in protocol.headers() {
        response_headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    for (name, value) in [
        ("x-session-id", &session.id),
        ("x-branch-name", &session.branch),
        ("x-message-id", &message_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            response_headers.insert(HeaderName::from_static(name), value);
        }
    }
    Ok(response)
}

/// A run in progress: it goes on to the end whether or not anyone still reads the stream.
struct RunningSession {
    state: Shared,
    project: String,
    session_id: String,
    events: Vec<RunEvent>,
    encoder: Encoder,
    pull_request: Option<String>,
    cut_after: Option<usize>,
    frames: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

async fn run_session(mut run: RunningSession) {
    let delay = run.state.config.frame_delay;
    let mut sent = 0;
    let mut reader_gone = false;
    let events = std::mem::take(&mut run.events);
    let mut padding = run.state.config.stream_padding;
    for event in &events {
        if let RunEvent::Data { name, data, .. } = event
            && name == "todos"
            && let Ok(todos) = serde_json::from_str::<Vec<Todo>>(data.get())
        {
            lock(&run.state.store)
                .update_session(&run.project, &run.session_id, |s| s.todos = todos);
        }
        for frame in run.encoder.encode(event) {
            send(&run, frame, delay, &mut sent, &mut reader_gone).await;
        }
        if padding > 0 && matches!(event, RunEvent::Text { .. }) && !reader_gone {
            pad(
                &mut run,
                std::mem::take(&mut padding),
                &mut sent,
                &mut reader_gone,
            )
            .await;
        }
    }
    for frame in run.encoder.finish() {
        send(&run, frame, delay, &mut sent, &mut reader_gone).await;
    }
    let message = closing_text(&events);
    let failed = run.pull_request.is_none();
    let link = run.pull_request.take();
    lock(&run.state.store).update_session(&run.project, &run.session_id, |session| {
        session.haulted = true;
        session.hault_reason = if failed { "error" } else { "completed" };
        session.pull_request_link = link;
        session.message_to_user = if failed {
            Some("The agent could not push its branch.".to_owned())
        } else {
            message
        };
    });
}

/// Streams `bytes` of filler text as one extra text part, frame by frame, without pacing.
async fn pad(run: &mut RunningSession, bytes: u64, sent: &mut usize, reader_gone: &mut bool) {
    const BLOCK: usize = 4096;
    let block = "All work and no play makes the docs agent a dull agent. ".repeat(BLOCK / 56);
    let filler = RunEvent::Text {
        id: "padding".to_owned(),
        deltas: vec![block.clone()],
    };
    let frames = run.encoder.encode(&filler);
    // The frame that carries the block is repeated; the others (start, end) are sent once.
    let Some(at) = frames.iter().position(|f| f.len() >= block.len()) else {
        return;
    };
    let repeats = bytes.div_ceil(block.len() as u64);
    for frame in &frames[..at] {
        send(run, frame.clone(), Duration::ZERO, sent, reader_gone).await;
    }
    for _ in 0..repeats {
        if *reader_gone {
            return;
        }
        send(run, frames[at].clone(), Duration::ZERO, sent, reader_gone).await;
    }
    for frame in &frames[at + 1..] {
        send(run, frame.clone(), Duration::ZERO, sent, reader_gone).await;
    }
}

/// Sends one frame after the pacing delay, or cuts the connection where the fault says.
async fn send(
    run: &RunningSession,
    frame: Bytes,
    delay: Duration,
    sent: &mut usize,
    reader_gone: &mut bool,
) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if *reader_gone {
        return;
    }
    if run.cut_after == Some(*sent) {
        let _ = run
            .frames
            .send(Err(std::io::Error::other(
                "stream cut by an injected fault",
            )))
            .await;
        *reader_gone = true;
        return;
    }
    *sent += 1;
    if run.frames.send(Ok(frame)).await.is_err() {
        *reader_gone = true;
    }
}

/// `GET /v1/agent/{projectId}/job/{id}`: one session.
pub async fn get_job(
    State(state): State<Shared>,
    Extension(context): Extension<RequestContext>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let session = lock(&state.store)
        .session(&context.project, &id)
        .ok_or_else(|| ApiError::not_found(format!("Agent session {id} not found")))?;
    Ok(Json(session.to_json()).into_response())
}

/// `GET /v1/agent/{projectId}/jobs?skip&take`: a page of sessions, newest first.
pub async fn list_jobs(
    State(state): State<Shared>,
    Extension(context): Extension<RequestContext>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let number = |field: &str, default: usize, range: std::ops::RangeInclusive<usize>| match query
        .get(field)
    {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "`{field}` must be an integer from {} to {}, not {text:?}",
                    range.start(),
                    range.end()
                ))
            }),
    };
    let skip = number("skip", 0, 0..=usize::MAX)?;
    let take = number("take", 12, 1..=100)?;
    let sessions = lock(&state.store).sessions(&context.project, skip, take);
    let sessions: Vec<Value> = sessions.iter().map(|s| s.to_json()).collect();
    Ok(Json(json!({ "allSessions": sessions })).into_response())
}
