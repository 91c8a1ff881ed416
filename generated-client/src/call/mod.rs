//! One call of the API: its options, the hook every generated request passes, the attempts with
//! their retries and bounded body reads, the client-side budget, and the operation's rules.
//!
//! How a call's options reach the request, which the generated code builds and sends by itself:
//!
//! 1. A hand-written method (`V2::get_job`, …) builds the generated call's future and hands it,
//!    with the [`Operation`] it is, to [`Caller::with_response`] (or [`Caller::raw`]).
//! 2. [`Caller`] refuses path values no URL can carry, takes from the budget for a write, and
//!    makes a [`context::Call`] from the client's [`CallOptions`] (retry policy, deadline, extra
//!    headers), bounds and identity headers.
//! 3. `context::scope` sets that call as a tokio task-local around the generated future.
//! 4. The generated code sends through progenitor's `ClientHooks::exec`; `hook.rs` reads the
//!    task-local, checks that the generated operation is the one named, and runs the attempts
//!    (`attempts.rs`, `body.rs`) in a span.
//! 5. The attempts write what they saw into the call's [`Record`]; the caller turns the
//!    generated result and the record into a value or an [`Error`] (`crate::error::reply`).

mod attempts;
pub(crate) mod body;
pub(crate) mod budget;
pub(crate) mod connection;
mod context;
mod hook;
pub(crate) mod operation;
pub(crate) mod options;
pub(crate) mod path_value;
pub(crate) mod record;
pub(crate) mod retry;

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::HeaderMap;

use self::budget::Budget;
use self::context::Call;
use self::operation::Operation;
use self::options::{CallOptions, Limits};
use self::path_value::unfit_path_value;
use self::record::Record;
use crate::error::Error;
use crate::error::reply::{self, ErrorBody};
use crate::response::Response;

/// What one call needs of its client, borrowed for the call.
pub(crate) struct Caller<'a> {
    pub options: &'a CallOptions,
    pub limits: Limits,
    /// `Authorization` (sensitive) and `User-Agent`.
    pub identity: &'a Arc<HeaderMap>,
    pub budget: Option<&'a Budget>,
}

impl Caller<'_> {
    /// Runs one generated call, and turns its result into ours, keeping the reply: status,
    /// headers and the body as received. `ids` are the path values besides the project id (a job
    /// or session id).
    pub(crate) async fn with_response<T, E, F>(
        self,
        operation: Operation,
        ids: &[&str],
        send: F,
    ) -> Result<Response<T>, Error>
    where
        E: ErrorBody,
        F: Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
    {
        let (reply, record) = self.raw(operation, ids, send).await?;
        let (status, headers) = (reply.status().as_u16(), reply.headers().clone());
        Ok(Response::new(
            reply.into_inner(),
            status,
            headers,
            record.body,
        ))
    }

    /// Like [`Caller::with_response`], keeping progenitor's reply (a v1 stream's body is still
    /// to be read) and what the attempts recorded.
    pub(crate) async fn raw<T, E, F>(
        self,
        operation: Operation,
        ids: &[&str],
        send: F,
    ) -> Result<(progenitor_client::ResponseValue<T>, Record), Error>
    where
        E: ErrorBody,
        F: Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
    {
        // Every other value is percent-encoded into exactly its own segment by the generated code.
        if let Some(reason) = ids.iter().find_map(|id| unfit_path_value(id)) {
            return Err(Error::InvalidRequest(format!("invalid id: {reason}")));
        }
        if operation.is_write()
            && let Some(budget) = self.budget
        {
            budget.take(Instant::now()).map_err(reply::budget_spent)?;
        }
        let call = Call::new(operation, self.options, self.limits, self.identity.clone());
        let result = context::scope(call.clone(), send).await;
        let record = call.record();
        Ok((reply::value(result, operation, &record).await?, record))
    }
}
