//! Faults a test can script: per project, per operation, for the next N requests or for good.
//!
//! ```
//! use mintlify_agent_testkit::{Fault, Operation};
//! // The next two polls of any job fail with 503, then the server behaves again.
//! let fault = Fault::status(503).on(Operation::V2GetJob).times(2);
//! # let _ = fault;
//! ```

use std::time::Duration;

use crate::operation::Operation;

/// What goes wrong.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status and an `{ "error" }` body, without acting on the request; with
    /// `retry_after`, also a `Retry-After` header (seconds).
    Status {
        /// The HTTP status.
        status: u16,
        /// Seconds in a `Retry-After` header, if any.
        retry_after: Option<u64>,
    },
    /// Answer 429 with this `Retry-After` (seconds), without acting on the request.
    RateLimited {
        /// Seconds in the `Retry-After` header.
        retry_after: u64,
    },
    /// Act on the request, then wait this long before answering.
    Delay(Duration),
    /// Act on the request, then cut the connection after this many bytes of the body.
    CutAfterBytes(usize),
    /// Start the v1 stream, then cut the connection after this many events (frames).
    CutAfterEvents(usize),
    /// Answer 200 with an HTML body instead of JSON, without acting on the request.
    NonJsonBody,
    /// Report this value as the v2 job `status` or v1 `haultReason`.
    UnknownStatus(String),
    /// Add fields the spec does not list to every object of the reply (and every stream chunk).
    ExtraFields,
}

/// A scripted fault: what, where, and how many times.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) project: Option<String>,
    pub(crate) operation: Option<Operation>,
    /// `None`: every matching request.
    pub(crate) remaining: Option<usize>,
}

impl Fault {
    /// A fault of this kind on every request, until narrowed.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            project: None,
            operation: None,
            remaining: None,
        }
    }

    /// `status` with an error body, e.g. 500 or 503.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            retry_after: None,
        })
    }

    /// Adds `Retry-After: seconds` to a [`Fault::status`] answer.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(seconds);
        }
        self
    }

    /// 429 with `Retry-After: seconds`.
    pub fn rate_limited(retry_after: u64) -> Self {
        Self::new(FaultKind::RateLimited { retry_after })
    }

    /// A wait before the answer (the request is acted on).
    pub fn delay(by: Duration) -> Self {
        Self::new(FaultKind::Delay(by))
    }

    /// Only for requests to this project.
    pub fn for_project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// Only for this operation.
    pub fn on(mut self, operation: Operation) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Only for the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        self
    }

    fn matches(&self, project: Option<&str>, operation: Operation) -> bool {
        self.remaining != Some(0)
            && self.operation.is_none_or(|o| o == operation)
            && self.project.as_deref().is_none_or(|p| Some(p) == project)
    }
}

/// The scripted faults of a server, in the order they were added.
#[derive(Default)]
pub struct Faults(Vec<Fault>);

impl Faults {
    /// Adds a fault; earlier faults are tried first.
    pub fn push(&mut self, fault: Fault) {
        self.0.push(fault);
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The fault for this request, if any; counts one use of it.
    pub fn take(&mut self, project: Option<&str>, operation: Operation) -> Option<FaultKind> {
        let fault = self.0.iter_mut().find(|f| f.matches(project, operation))?;
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
        }
        Some(fault.kind.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_match_narrowly_and_run_out() {
        let mut faults = Faults::default();
        faults.push(
            Fault::status(503)
                .on(Operation::V2GetJob)
                .for_project("a")
                .times(2),
        );
        faults.push(Fault::new(FaultKind::ExtraFields).for_project("b"));
        assert_eq!(faults.take(Some("a"), Operation::V2CreateJob), None);
        assert_eq!(
            faults.take(Some("b"), Operation::V2GetJob),
            Some(FaultKind::ExtraFields)
        );
        assert_eq!(
            faults.take(Some("a"), Operation::V2GetJob),
            Some(FaultKind::Status {
                status: 503,
                retry_after: None
            })
        );
        assert_eq!(
            faults.take(Some("a"), Operation::V2GetJob),
            Some(FaultKind::Status {
                status: 503,
                retry_after: None
            })
        );
        assert_eq!(faults.take(Some("a"), Operation::V2GetJob), None);
        assert_eq!(
            faults.take(Some("b"), Operation::V1ListJobs),
            Some(FaultKind::ExtraFields),
            "no count: for good"
        );
    }
}
