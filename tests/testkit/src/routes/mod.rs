//! The six operations of `specs/v1.yaml` and `specs/v2.yaml`, and the layers every request
//! passes: the request log, scripted faults, auth and the project check.

mod body;
mod middleware;
mod v1;
mod v2;

use axum::Router;
use axum::routing::{get, post};

use crate::api_error::ApiError;
use crate::state::Shared;

/// An operation of the agent API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `POST /v1/agent/{projectId}/job` (streams).
    V1CreateJob,
    /// `GET /v1/agent/{projectId}/job/{id}`.
    V1GetJob,
    /// `GET /v1/agent/{projectId}/jobs`.
    V1ListJobs,
    /// `POST /v2/agent/{projectId}/job`.
    V2CreateJob,
    /// `GET /v2/agent/{projectId}/job/{id}`.
    V2GetJob,
    /// `POST /v2/agent/{projectId}/job/{id}/message`.
    V2SendMessage,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 6] = [
        Operation::V1CreateJob,
        Operation::V1GetJob,
        Operation::V1ListJobs,
        Operation::V2CreateJob,
        Operation::V2GetJob,
        Operation::V2SendMessage,
    ];

    /// The route, in axum's syntax.
    fn route(self) -> &'static str {
        match self {
            Operation::V1CreateJob => "/v1/agent/{project_id}/job",
            Operation::V1GetJob => "/v1/agent/{project_id}/job/{id}",
            Operation::V1ListJobs => "/v1/agent/{project_id}/jobs",
            Operation::V2CreateJob => "/v2/agent/{project_id}/job",
            Operation::V2GetJob => "/v2/agent/{project_id}/job/{id}",
            Operation::V2SendMessage => "/v2/agent/{project_id}/job/{id}/message",
        }
    }

    /// The operation whose route (and method) matched.
    fn from_route(route: &str, method: &axum::http::Method) -> Option<Self> {
        Self::ALL.into_iter().find(|op| {
            op.route() == route && (*method == axum::http::Method::POST) == op.is_write()
        })
    }

    /// Whether it changes anything (`POST`).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Operation::V1CreateJob | Operation::V2CreateJob | Operation::V2SendMessage
        )
    }
}

/// Where the server reports what it has seen, for a client in another process (benchmarks);
/// not part of Mintlify's API.
pub const STATS_ROUTE: &str = "/_testkit/stats";

/// `{"requests", "connections", "operations": {"V2GetJob": n, …}}`, no key needed.
async fn stats(
    axum::extract::State(state): axum::extract::State<Shared>,
) -> axum::Json<serde_json::Value> {
    let log = crate::state::lock(&state.log);
    let mut operations = serde_json::Map::new();
    for operation in Operation::ALL {
        let count = log
            .iter()
            .filter(|r| r.operation == Some(operation))
            .count();
        operations.insert(format!("{operation:?}"), count.into());
    }
    axum::Json(serde_json::json!({
        "requests": log.len(),
        "connections": state.connections.load(std::sync::atomic::Ordering::Relaxed),
        "operations": operations,
    }))
}

/// The whole API.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route(Operation::V1CreateJob.route(), post(v1::create_job))
        .route(Operation::V1GetJob.route(), get(v1::get_job))
        .route(Operation::V1ListJobs.route(), get(v1::list_jobs))
        .route(Operation::V2CreateJob.route(), post(v2::create_job))
        .route(Operation::V2GetJob.route(), get(v2::get_job))
        .route(Operation::V2SendMessage.route(), post(v2::send_message))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::per_operation,
        ))
        .route(STATS_ROUTE, get(stats))
        .fallback(|| async { ApiError::not_found("No such endpoint") })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::log_request,
        ))
        .with_state(state)
}
