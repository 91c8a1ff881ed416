//! The context of one call, across its attempts: set by [`scope`] around the generated future,
//! read by the hook (`hook.rs`), which writes back what the attempts saw.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use reqwest::header::HeaderMap;

use super::operation::Operation;
use super::options::{CallOptions, Limits};
use super::record::Record;
use super::retry::RetryPolicy;

tokio::task_local! {
    /// The call the generated future on this task belongs to.
    static CALL: Arc<Call>;
}

/// One call of the API, across its attempts.
pub(super) struct Call {
    pub(super) operation: Operation,
    pub(super) policy: RetryPolicy,
    pub(super) limits: Limits,
    pub(super) deadline: Option<Instant>,
    /// The client's key and `User-Agent`.
    pub(super) identity: Arc<HeaderMap>,
    /// The caller's extra headers.
    pub(super) extra_headers: Arc<HeaderMap>,
    record: Mutex<Record>,
}

impl Call {
    pub(super) fn new(
        operation: Operation,
        options: &CallOptions,
        limits: Limits,
        identity: Arc<HeaderMap>,
    ) -> Arc<Self> {
        Arc::new(Self {
            operation,
            policy: options.retry.clone(),
            limits,
            // A deadline too far to represent is no deadline.
            deadline: options.deadline.and_then(|d| Instant::now().checked_add(d)),
            identity,
            extra_headers: options.extra_headers.clone(),
            record: Mutex::new(Record::default()),
        })
    }

    /// What the attempts saw so far.
    pub(super) fn record(&self) -> Record {
        self.record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn update(&self, change: impl FnOnce(&mut Record)) {
        change(&mut self.record.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Runs `future` (a generated call) with `call` as its context.
pub(super) async fn scope<F: Future>(call: Arc<Call>, future: F) -> F::Output {
    CALL.scope(call, future).await
}

/// The call whose generated future is running on this task, if any: none when someone uses a
/// generated client directly.
pub(super) fn current() -> Option<Arc<Call>> {
    CALL.try_with(Arc::clone).ok()
}
