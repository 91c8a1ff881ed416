//! The routes of the six operations ([`Operation`]) and the layers every request passes: the
//! request log, scripted faults, auth and the project check.

mod body;
mod middleware;
mod v1;
mod v2;

use axum::Router;
use axum::routing::{get, post};

use crate::api_error::ApiError;
use crate::operation::Operation;
use crate::state::{Shared, lock};

/// Where the server reports what it has seen, for a client in another process (benchmarks);
/// not part of Mintlify's API.
pub const STATS_ROUTE: &str = "/_testkit/stats";

/// `{"requests", "connections", "operations": {"V2GetJob": n, …}}`, no key needed.
async fn stats(
    axum::extract::State(state): axum::extract::State<Shared>,
) -> axum::Json<serde_json::Value> {
    let log = lock(&state.log);
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
