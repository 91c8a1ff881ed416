//! v2: jobs that run in the background and are polled.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::body;
use super::middleware::RequestContext;
use crate::api_error::ApiError;
use crate::state::{Shared, lock};

/// `POST /v2/agent/{projectId}/job`: a new `active` job.
pub async fn create_job(
    State(state): State<Shared>,
    Extension(context): Extension<RequestContext>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = body::object(&body)?;
    let prompt = body::required_text(&request, "prompt")?;
    let now = state.clock.now();
    lock(&state.limiter)
        .admit(&context.project, state.config.rate_limit, now)
        .map_err(ApiError::rate_limited)?;
    let job = lock(&state.store).create_job(&context.project, prompt, now);
    Ok((StatusCode::CREATED, Json(job.to_json())).into_response())
}

/// `GET /v2/agent/{projectId}/job/{id}`: the job, moved on by this poll.
pub async fn get_job(
    State(state): State<Shared>,
    Extension(context): Extension<RequestContext>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let job = lock(&state.store)
        .poll_job(&context.project, &id, now, state.config.lifecycle)
        .ok_or_else(|| ApiError::not_found(format!("Agent job {id} not found")))?;
    Ok(Json(job.to_json()).into_response())
}

/// `POST /v2/agent/{projectId}/job/{id}/message`: a follow-up; the job is `active` again.
pub async fn send_message(
    State(state): State<Shared>,
    Extension(context): Extension<RequestContext>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = body::object(&body)?;
    let prompt = body::required_text(&request, "prompt")?;
    let now = state.clock.now();
    let mut store = lock(&state.store);
    // Check the job first, so that a message to no job costs no quota.
    store.message_job_check(&context.project, &id)?;
    lock(&state.limiter)
        .admit(&context.project, state.config.rate_limit, now)
        .map_err(ApiError::rate_limited)?;
    let job = store.message_job(&context.project, &id, prompt, now)?;
    Ok(Json(job.to_json()).into_response())
}
