//! The six operations of `specs/v1.yaml` and `specs/v2.yaml`: what faults are scripted on, what
//! the request log names, and the routes the server answers.

/// An operation of the agent API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    pub(crate) fn route(self) -> &'static str {
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
    pub(crate) fn from_route(route: &str, method: &axum::http::Method) -> Option<Self> {
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
