//! Waiting for a v1 session to halt: how a run ends, also when its stream broke off. It steps
//! through the one poll loop (`crate::wait::poller`), with polls shared by the waits on one
//! session.

use futures_util::FutureExt;

use super::api::V1;
use super::types::AgentSession;
use crate::error::Error;
use crate::error::target::{LastSeen, WaitTarget};
use crate::response::Response;
use crate::wait::poller;
use crate::wait::{PollEvent, WaitOptions};

impl V1<'_> {
    /// Polls a session until it has halted, with the default [`WaitOptions`]; see
    /// [`V1::wait_for_session_with`].
    pub async fn wait_for_session(self, id: &str) -> Result<AgentSession, Error> {
        self.wait_for_session_with(id, &WaitOptions::default())
            .await
    }

    /// Polls a session until it has halted (`haulted`), by `options`, and returns it: how a run
    /// ends, also when its stream broke off. Transient errors do not end the wait; the deadline
    /// ends it with [`Error::WaitDeadline`] and the session as last seen.
    pub async fn wait_for_session_with(
        self,
        id: &str,
        options: &WaitOptions,
    ) -> Result<AgentSession, Error> {
        Ok(self
            .wait_for_session_observed(id, options, |_| ())
            .await?
            .into_inner())
    }

    /// [`V1::wait_for_session_with`], telling `observe` of every poll as it happens (failed
    /// ones included), and returning the final poll's reply: status, headers, request id, the
    /// body as sent.
    pub async fn wait_for_session_observed(
        self,
        id: &str,
        options: &WaitOptions,
        mut observe: impl FnMut(PollEvent<'_, AgentSession>),
    ) -> Result<Response<AgentSession>, Error> {
        let waiter = self.client.shared().session_polls.register(id);
        let poll = |max_age| {
            let (client, id) = (self.client.clone(), id.to_owned());
            waiter.poll(max_age, move || {
                // A session's `Retry-After` on success is not asked for: v1 never sent one.
                async move { Ok((client.v1().get_job_with_response(&id).await?, None)) }.boxed()
            })
        };
        let (reply, ()) = poller::until(
            WaitTarget::Session(id.to_owned()),
            options,
            poll,
            |reply: &Response<AgentSession>| (reply.value().haulted == Some(true)).then_some(()),
            |reply| LastSeen::Session(reply.value().clone()),
            |event| observe(event.map(Response::value)),
        )
        .await?;
        Ok(reply)
    }
}
