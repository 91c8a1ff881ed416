//! Waiting for a v2 job: until it ends ([`V2::wait_with`], [`V2::wait_observed`]), creating or
//! messaging and then waiting, and watching every state it passes through. All of it steps
//! through the one poll loop (`crate::wait::poller`), with polls shared by the waits on one job.

use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use futures_util::stream::BoxStream;

use super::api::V2;
use super::types::AgentJob;
use crate::call::retry::server_delay;
use crate::error::Error;
use crate::error::target::{LastSeen, WaitTarget};
use crate::response::Response;
use crate::wait::poller::{self, Polled, Polls, Step};
use crate::wait::shared::Registration;
use crate::wait::{JobOutcome, PollEvent, WaitOptions};

impl<'a> V2<'a> {
    /// Polls a job until it is `completed`, `archived` or `failed`, with the default
    /// [`WaitOptions`] (2 s growing to 20 s, 30-minute deadline); see [`V2::wait_with`].
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// use mintlify_agent::JobOutcome;
    /// let job = client.v2().create_job("Add a quickstart guide").await?;
    /// match client.v2().wait(&job.id).await? {
    ///     JobOutcome::Completed(job) => println!("done: {:?}", job.pr_link),
    ///     JobOutcome::Failed(job) => println!("the agent failed on {}", job.id),
    ///     other => println!("ended: {:?}", other.job().status),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn wait(self, id: &str) -> Result<JobOutcome, Error> {
        self.wait_with(id, &WaitOptions::default()).await
    }

    /// Polls a job until it is `completed`, `archived` or `failed`, by `options`.
    ///
    /// A `failed` job is an outcome ([`JobOutcome::Failed`]), not an error. Transient errors
    /// (5xx, 429, connection, timeout) do not end the wait; 401, 403 and 404 do. A status this
    /// client does not know is polled on until the deadline, whose error
    /// ([`Error::WaitDeadline`]) says so. Dropping the future stops polling at once.
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// use std::time::Duration;
    /// use mintlify_agent::WaitOptions;
    /// let quick = WaitOptions::default().max_delay(Duration::from_secs(5)).deadline(Duration::from_secs(600));
    /// let outcome = client.v2().wait_with("job_123", &quick).await?;
    /// println!("{:?}", outcome.job().pr_link);
    /// # Ok(()) }
    /// ```
    pub async fn wait_with(self, id: &str, options: &WaitOptions) -> Result<JobOutcome, Error> {
        Ok(self.wait_observed(id, options, |_| ()).await?.into_inner())
    }

    /// [`V2::wait_with`], telling `observe` of every poll as it happens (the job as seen, or a
    /// poll that failed and is polled through: "poll failed: HTTP 503, retrying"), and returning
    /// the outcome with the final poll's reply: status, headers, request id, the body as sent.
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// use mintlify_agent::{PollEvent, WaitOptions};
    /// let reply = client
    ///     .v2()
    ///     .wait_observed("job_123", &WaitOptions::default(), |event| match event {
    ///         PollEvent::Seen(job) => eprintln!("status: {:?}", job.status),
    ///         PollEvent::Failed(error) => eprintln!("poll failed: {error}; retrying"),
    ///         _ => {}
    ///     })
    ///     .await?;
    /// println!("{:?} (request {:?})", reply.value().job().pr_link, reply.request_id());
    /// # Ok(()) }
    /// ```
    pub async fn wait_observed(
        self,
        id: &str,
        options: &WaitOptions,
        mut observe: impl FnMut(PollEvent<'_, AgentJob>),
    ) -> Result<Response<JobOutcome>, Error> {
        let waiter = self.client.shared().job_polls.register(id);
        let (reply, outcome) = poller::until(
            WaitTarget::Job(id.to_owned()),
            options,
            |max_age| self.shared_poll(&waiter, id, max_age),
            |reply: &Response<AgentJob>| options.outcome(reply.value()),
            seen_job,
            |event| observe(event.map(Response::value)),
        )
        .await?;
        Ok(reply.map(|_| outcome))
    }

    /// Creates a job and waits for it with the default [`WaitOptions`]; see
    /// [`V2::create_and_wait_with`].
    pub async fn create_and_wait(self, prompt: impl Into<String>) -> Result<JobOutcome, Error> {
        self.create_and_wait_with(prompt, &WaitOptions::default())
            .await
    }

    /// Creates a job and waits for it by `options`. Every error after the creation names the
    /// job ([`Error::target`]): [`Error::WaitDeadline`] when the deadline passed, else
    /// [`Error::WaitFailed`] with the poll's error inside.
    pub async fn create_and_wait_with(
        self,
        prompt: impl Into<String>,
        options: &WaitOptions,
    ) -> Result<JobOutcome, Error> {
        let job = self.create_job(prompt).await?;
        if job.id.is_empty() {
            return Err(Error::InvalidRequest(
                "the server created a job but sent an empty id to wait for".to_owned(),
            ));
        }
        self.wait_after_write(&job.id, options).await
    }

    /// Sends a follow-up and waits for the job to finish it with the default [`WaitOptions`];
    /// see [`V2::send_message_and_wait_with`].
    pub async fn send_message_and_wait(
        self,
        id: &str,
        prompt: impl Into<String>,
    ) -> Result<JobOutcome, Error> {
        self.send_message_and_wait_with(id, prompt, &WaitOptions::default())
            .await
    }

    /// Sends a follow-up and waits for the job to finish it by `options`; errors after the
    /// message was sent are as for [`V2::create_and_wait_with`].
    pub async fn send_message_and_wait_with(
        self,
        id: &str,
        prompt: impl Into<String>,
        options: &WaitOptions,
    ) -> Result<JobOutcome, Error> {
        self.send_message(id, prompt).await?;
        self.wait_after_write(id, options).await
    }

    /// A wait whose errors say that the job exists.
    async fn wait_after_write(self, id: &str, options: &WaitOptions) -> Result<JobOutcome, Error> {
        self.wait_with(id, options)
            .await
            .map_err(|error| match error {
                Error::WaitDeadline { .. } => error,
                source => Error::WaitFailed {
                    target: WaitTarget::Job(id.to_owned()),
                    source: Box::new(source),
                },
            })
    }

    /// Every distinct state of a job as polling sees it, with the default [`WaitOptions`]; see
    /// [`V2::watch_with`].
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// use futures::StreamExt;
    /// let mut changes = client.v2().watch("job_123");
    /// while let Some(job) = changes.next().await {
    ///     println!("{:?}", job?.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch(self, id: &str) -> BoxStream<'a, Result<AgentJob, Error>> {
        self.watch_with(id, &WaitOptions::default())
    }

    /// Every distinct state of a job as polling sees it (a new status, a `prLink` that
    /// appears, …), ending after a final state; for progress displays. A transient error is
    /// polled through; an error that ends the wait, or the deadline, is the last item.
    pub fn watch_with(
        self,
        id: &str,
        options: &WaitOptions,
    ) -> BoxStream<'a, Result<AgentJob, Error>> {
        struct Watch<'a> {
            api: V2<'a>,
            waiter: Registration<Response<AgentJob>>,
            options: WaitOptions,
            id: String,
            polls: Polls<Response<AgentJob>>,
            last: Option<AgentJob>,
            ended: bool,
        }
        let state = Watch {
            api: self,
            waiter: self.client.shared().job_polls.register(id),
            options: options.clone(),
            id: id.to_owned(),
            polls: Polls::new(options, seen_job),
            last: None,
            ended: false,
        };
        Box::pin(futures_util::stream::unfold(
            state,
            |mut watch| async move {
                while !watch.ended {
                    let (api, waiter, id) = (watch.api, &watch.waiter, &watch.id);
                    let step = watch
                        .polls
                        .next(|max_age| api.shared_poll(waiter, id, max_age))
                        .await;
                    match step {
                        Step::Seen(reply) => {
                            let job = reply.into_inner();
                            watch.ended = watch.options.outcome(&job).is_some();
                            let changed = watch.last.as_ref().is_none_or(|last| !same(last, &job));
                            watch.last = Some(job.clone());
                            if changed || watch.ended {
                                return Some((Ok(job), watch));
                            }
                        }
                        Step::Failed(_) => {}
                        Step::Ended(error) => {
                            watch.ended = true;
                            return Some((Err(error), watch));
                        }
                        Step::Deadline => {
                            watch.ended = true;
                            let error = watch
                                .polls
                                .deadline_error(WaitTarget::Job(watch.id.clone()));
                            return Some((Err(error), watch));
                        }
                    }
                }
                None
            },
        ))
    }

    /// A poll that other waiters on the same job in this client may share.
    async fn shared_poll(
        self,
        waiter: &Registration<Response<AgentJob>>,
        id: &str,
        max_age: Duration,
    ) -> Polled<Response<AgentJob>> {
        let (client, id) = (self.client.clone(), id.to_owned());
        waiter
            .poll(max_age, move || {
                async move { client.v2().poll(&id).await }.boxed()
            })
            .await
    }

    /// The job's reply and the wait it asks for (`Retry-After`), if any.
    async fn poll(self, id: &str) -> Polled<Response<AgentJob>> {
        let reply = self.get_job_with_response(id).await?;
        let asked = server_delay(reply.headers(), SystemTime::now());
        Ok((reply, asked))
    }
}

/// What a wait remembers of a poll's reply for its deadline's error.
fn seen_job(reply: &Response<AgentJob>) -> LastSeen {
    LastSeen::Job(reply.value().clone())
}

/// Whether two polls saw the same job.
fn same(a: &AgentJob, b: &AgentJob) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;

    /// Thousands of waits live at once: each may cost only a small future while it sleeps. A
    /// generated call (about 15 KB) is boxed for the time it runs.
    #[test]
    fn a_wait_is_a_small_future() {
        let client = Client::builder()
            .api_key("mint_0123456789")
            .project_id("p")
            .build()
            .unwrap();
        let options = WaitOptions::default();
        let sizes = [
            std::mem::size_of_val(&client.v2().create_and_wait_with("x", &options)),
            std::mem::size_of_val(&client.v2().wait_with("x", &options)),
            std::mem::size_of_val(&client.v2().get_job("x")),
        ];
        assert!(sizes.iter().all(|&size| size <= 4096), "{sizes:?}");
    }
}
