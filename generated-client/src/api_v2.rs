//! The v2 operations through a [`Client`]: jobs that run in the background and are polled.

use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use futures_util::stream::BoxStream;

use crate::operation::Operation;
use crate::retry::server_delay;
use crate::shared_poll::{Polled, Registration};
use crate::v2::types::{AgentJob, CreateJobRequest, SendMessageRequest};
use crate::wait::{self, JobOutcome, LastSeen, Poller, WaitOptions, WaitTarget, ends_wait};
use crate::{Client, Error, Response};

/// The v2 operations of a [`Client`], with its project id filled in.
#[derive(Clone, Copy, Debug)]
pub struct V2<'a> {
    client: &'a Client,
}

impl<'a> V2<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Starts a job; it comes back `active`. `POST /v2/agent/{projectId}/job`.
    pub async fn create_job(self, prompt: impl Into<String>) -> Result<AgentJob, Error> {
        Ok(self.create_job_with_response(prompt).await?.into_inner())
    }

    /// [`V2::create_job`], with the reply: status, headers, request id, the body as sent.
    pub async fn create_job_with_response(
        self,
        prompt: impl Into<String>,
    ) -> Result<Response<AgentJob>, Error> {
        let request = CreateJobRequest::builder().prompt(prompt_text(prompt)?);
        let send = self
            .generated()
            .create_job()
            .project_id(self.client.project_id())
            .body(request)
            .send();
        // Boxed: a generated call is a large future (about 15 KB), held only while it runs.
        let send = Box::pin(send);
        self.client
            .call_with_response(Operation::V2CreateJob, &[], send)
            .await
    }

    /// The job as it is now. `GET /v2/agent/{projectId}/job/{id}`.
    pub async fn get_job(self, id: &str) -> Result<AgentJob, Error> {
        Ok(self.get_job_with_response(id).await?.into_inner())
    }

    /// [`V2::get_job`], with the reply: status, headers, request id, the body as sent.
    pub async fn get_job_with_response(self, id: &str) -> Result<Response<AgentJob>, Error> {
        let send = self
            .generated()
            .get_job()
            .project_id(self.client.project_id())
            .id(id)
            .send();
        // Boxed: a generated call is a large future (about 15 KB), held only while it runs.
        let send = Box::pin(send);
        self.client
            .call_with_response(Operation::V2GetJob, &[id], send)
            .await
    }

    /// Gives a job a follow-up instruction; it becomes `active` again.
    /// `POST /v2/agent/{projectId}/job/{id}/message`.
    pub async fn send_message(
        self,
        id: &str,
        prompt: impl Into<String>,
    ) -> Result<AgentJob, Error> {
        Ok(self
            .send_message_with_response(id, prompt)
            .await?
            .into_inner())
    }

    /// [`V2::send_message`], with the reply: status, headers, request id, the body as sent.
    pub async fn send_message_with_response(
        self,
        id: &str,
        prompt: impl Into<String>,
    ) -> Result<Response<AgentJob>, Error> {
        let request = SendMessageRequest::builder().prompt(prompt_text(prompt)?);
        let send = self
            .generated()
            .send_message()
            .project_id(self.client.project_id())
            .id(id)
            .body(request)
            .send();
        // Boxed: a generated call is a large future (about 15 KB), held only while it runs.
        let send = Box::pin(send);
        self.client
            .call_with_response(Operation::V2SendMessage, &[id], send)
            .await
    }

    /// A poll that other waiters on the same job in this client may share.
    async fn shared_poll(
        self,
        waiter: &Registration<AgentJob>,
        id: &str,
        max_age: Duration,
    ) -> Polled<AgentJob> {
        let (client, id) = (self.client.clone(), id.to_owned());
        waiter
            .poll(max_age, move || {
                async move { client.v2().poll(&id).await }.boxed()
            })
            .await
    }

    /// The job and the wait its reply asks for (`Retry-After`), if any.
    async fn poll(self, id: &str) -> Result<(AgentJob, Option<Duration>), Error> {
        let reply = self.get_job_with_response(id).await?;
        let asked = server_delay(reply.headers(), SystemTime::now());
        Ok((reply.into_inner(), asked))
    }

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
        let waiter = self.client.job_polls().register(id);
        wait::until(
            WaitTarget::Job(id.to_owned()),
            options,
            |max_age| self.shared_poll(&waiter, id, max_age),
            |job| options.outcome(job),
            LastSeen::Job,
        )
        .await
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
            waiter: Registration<AgentJob>,
            options: WaitOptions,
            id: String,
            poller: Poller,
            last: Option<AgentJob>,
            last_error: Option<Error>,
            asked: Option<Duration>,
            first: bool,
            ended: bool,
        }
        let state = Watch {
            api: self,
            waiter: self.client.job_polls().register(id),
            options: options.clone(),
            id: id.to_owned(),
            poller: Poller::new(options),
            last: None,
            last_error: None,
            asked: None,
            first: true,
            ended: false,
        };
        Box::pin(futures_util::stream::unfold(
            state,
            |mut watch| async move {
                loop {
                    if watch.ended {
                        return None;
                    }
                    let polled = if std::mem::take(&mut watch.first)
                        || watch.poller.pause(watch.asked.take()).await
                    {
                        let max_age = watch.poller.max_age();
                        let poll = watch.api.shared_poll(&watch.waiter, &watch.id, max_age);
                        watch.poller.poll(poll).await
                    } else {
                        None
                    };
                    match polled {
                        None => {
                            watch.ended = true;
                            let error = watch.poller.deadline_error(
                                WaitTarget::Job(watch.id.clone()),
                                watch.last.take().map(LastSeen::Job),
                                watch.last_error.take(),
                            );
                            return Some((Err(error), watch));
                        }
                        Some(Ok((job, asked))) => {
                            watch.asked = asked;
                            watch.last_error = None;
                            watch.ended = watch.options.outcome(&job).is_some();
                            let changed = watch.last.as_ref().is_none_or(|last| !same(last, &job));
                            watch.last = Some(job.clone());
                            if changed || watch.ended {
                                return Some((Ok(job), watch));
                            }
                        }
                        Some(Err(error)) if ends_wait(&error) => {
                            watch.ended = true;
                            return Some((Err(error), watch));
                        }
                        Some(Err(error)) => {
                            watch.asked = error.retry_after();
                            watch.last_error = Some(error);
                        }
                    }
                }
            },
        ))
    }

    /// The generated client underneath, for what this layer does not cover. Its calls get no
    /// retries, deadline or typed errors.
    pub fn generated(&self) -> &'a crate::v2::Client {
        self.client.generated_v2()
    }
}

/// The prompt, unless it is empty or blank: the agent would have nothing to do.
fn prompt_text(prompt: impl Into<String>) -> Result<String, Error> {
    let prompt = prompt.into();
    if prompt.trim().is_empty() {
        return Err(Error::InvalidRequest("the prompt is empty".to_owned()));
    }
    Ok(prompt)
}

/// Whether two polls saw the same job.
fn same(a: &AgentJob, b: &AgentJob) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
