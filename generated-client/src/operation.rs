//! The operations of the API, as the hand-written layer names them in spans and retry rules.

/// One operation of the agent API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    V1CreateJob,
    V1GetJob,
    V1ListJobs,
    V2CreateJob,
    V2GetJob,
    V2SendMessage,
}

impl Operation {
    /// The path template, as spans report it (never the filled-in path).
    pub(crate) fn path_template(self) -> &'static str {
        match self {
            Operation::V1CreateJob => "/v1/agent/{projectId}/job",
            Operation::V1GetJob => "/v1/agent/{projectId}/job/{id}",
            Operation::V1ListJobs => "/v1/agent/{projectId}/jobs",
            Operation::V2CreateJob => "/v2/agent/{projectId}/job",
            Operation::V2GetJob => "/v2/agent/{projectId}/job/{id}",
            Operation::V2SendMessage => "/v2/agent/{projectId}/job/{id}/message",
        }
    }

    /// Whether it starts agent work (and so counts against the hourly limit and must not be
    /// sent twice).
    pub(crate) fn is_write(self) -> bool {
        matches!(
            self,
            Operation::V1CreateJob | Operation::V2CreateJob | Operation::V2SendMessage
        )
    }
}
