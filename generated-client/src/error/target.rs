//! What an ended wait or a broken stream names: the job or session, and what was seen of it last.

use crate::v2::types::{AgentJob, JobStatus};

/// What a wait is for: a v2 job or a v1 session, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitTarget {
    /// A v2 job.
    Job(String),
    /// A v1 session.
    Session(String),
}

impl WaitTarget {
    /// The id.
    pub fn id(&self) -> &str {
        match self {
            WaitTarget::Job(id) | WaitTarget::Session(id) => id,
        }
    }
}

impl std::fmt::Display for WaitTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitTarget::Job(id) => write!(f, "job {id}"),
            WaitTarget::Session(id) => write!(f, "session {id}"),
        }
    }
}

/// What a wait saw last before its deadline.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum LastSeen {
    /// A v2 job.
    Job(AgentJob),
    /// A v1 session.
    #[cfg(feature = "v1")]
    Session(crate::v1::types::AgentSession),
}

impl LastSeen {
    /// A status this client does not know, if that is what it last reported.
    pub fn unknown_status(&self) -> Option<&str> {
        match self {
            LastSeen::Job(job) => match job.status.as_ref()? {
                JobStatus::Unknown(status) => Some(status),
                _ => None,
            },
            #[cfg(feature = "v1")]
            LastSeen::Session(session) => match session.hault_reason.as_ref()? {
                crate::v1::types::HaltReason::Unknown(reason) => Some(reason),
                _ => None,
            },
        }
    }
}
