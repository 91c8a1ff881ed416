//! The operations of the API, as the hand-written layer names them in spans and retry rules.

/// Which generated module an operation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Generation {
    #[cfg(feature = "v1")]
    V1,
    V2,
}

/// One operation of the agent API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Without `v1`, every variant starts with `V2`: the names stay those of the API.
#[allow(clippy::enum_variant_names)]
pub(crate) enum Operation {
    #[cfg(feature = "v1")]
    V1CreateJob,
    #[cfg(feature = "v1")]
    V1GetJob,
    #[cfg(feature = "v1")]
    V1ListJobs,
    V2CreateJob,
    V2GetJob,
    V2SendMessage,
}

impl Operation {
    /// The generated operation it names: its module and the `operationId` of the spec, as
    /// progenitor hands it to the hook. The hook refuses a call whose generated request is
    /// another one.
    pub(super) fn generated_id(self) -> (Generation, &'static str) {
        match self {
            #[cfg(feature = "v1")]
            Operation::V1CreateJob => (Generation::V1, "create_job"),
            #[cfg(feature = "v1")]
            Operation::V1GetJob => (Generation::V1, "get_job"),
            #[cfg(feature = "v1")]
            Operation::V1ListJobs => (Generation::V1, "list_jobs"),
            Operation::V2CreateJob => (Generation::V2, "create_job"),
            Operation::V2GetJob => (Generation::V2, "get_job"),
            Operation::V2SendMessage => (Generation::V2, "send_message"),
        }
    }

    /// The path template, as spans report it (never the filled-in path).
    pub(super) fn path_template(self) -> &'static str {
        match self {
            #[cfg(feature = "v1")]
            Operation::V1CreateJob => "/v1/agent/{projectId}/job",
            #[cfg(feature = "v1")]
            Operation::V1GetJob => "/v1/agent/{projectId}/job/{id}",
            #[cfg(feature = "v1")]
            Operation::V1ListJobs => "/v1/agent/{projectId}/jobs",
            Operation::V2CreateJob => "/v2/agent/{projectId}/job",
            Operation::V2GetJob => "/v2/agent/{projectId}/job/{id}",
            Operation::V2SendMessage => "/v2/agent/{projectId}/job/{id}/message",
        }
    }

    /// Whether it starts agent work (and so counts against the hourly limit and must not be
    /// sent twice).
    pub(super) fn is_write(self) -> bool {
        match self {
            #[cfg(feature = "v1")]
            Operation::V1CreateJob => true,
            Operation::V2CreateJob | Operation::V2SendMessage => true,
            _ => false,
        }
    }

    /// Whether its successful reply is a stream that lasts as long as the agent works (a v1
    /// run), which the caller reads, rather than a JSON body read at once.
    pub(super) fn streams(self) -> bool {
        #[cfg(feature = "v1")]
        if self == Operation::V1CreateJob {
            return true;
        }
        false
    }
}
