//! The v1 operations through a [`Client`]: streamed runs and sessions (deprecated by Mintlify).

use std::time::Duration;

use crate::operation::Operation;
use crate::stream::{AgentRun, Protocol};
use crate::v1::types::{AgentSession, CreateJobRequest};
use crate::{Client, Error};

/// The v1 operations of a [`Client`], with its project id filled in.
#[derive(Clone, Copy, Debug)]
pub struct V1<'a> {
    client: &'a Client,
}

impl<'a> V1<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Starts a run; returns once the headers arrive, with the run's events to read.
    /// `POST /v1/agent/{projectId}/job`.
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// use mintlify_agent::v1::types::{CreateJobRequest, Message, MessageRole};
    /// let request = CreateJobRequest::builder()
    ///     .messages(vec![Message { role: MessageRole::User, content: "Add a quickstart".into() }]);
    /// let run = client.v1().create_job(request).await?;
    /// let transcript = run.collect().await?;
    /// println!("{}", transcript.text());
    /// # Ok(()) }
    /// ```
    pub async fn create_job<R>(&self, request: R) -> Result<AgentRun, Error>
    where
        R: TryInto<CreateJobRequest>,
        R::Error: std::fmt::Display,
    {
        let send = self
            .generated()
            .create_job()
            .project_id(self.client.project_id())
            .body(request)
            .send();
        let response = self
            .client
            .call_raw(Operation::V1CreateJob, &[self.client.project_id()], send)
            .await?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (session_id, branch) = (header("x-session-id"), header("x-branch-name"));
        let protocol = Protocol::from_headers(response.headers());
        Ok(AgentRun::new(
            session_id,
            branch,
            protocol,
            response.into_inner().into_inner(),
        ))
    }

    /// One session. `GET /v1/agent/{projectId}/job/{id}`.
    pub async fn get_job(&self, id: &str) -> Result<AgentSession, Error> {
        let send = self
            .generated()
            .get_job()
            .project_id(self.client.project_id())
            .id(id)
            .send();
        self.client
            .call(Operation::V1GetJob, &[self.client.project_id(), id], send)
            .await
    }

    /// One page of sessions, newest first: `take` (1 to 100) after skipping `skip`.
    /// `GET /v1/agent/{projectId}/jobs`.
    pub async fn list_jobs(&self, skip: u64, take: u64) -> Result<Vec<AgentSession>, Error> {
        let take = std::num::NonZeroU64::new(take)
            .filter(|t| t.get() <= 100)
            .ok_or_else(|| {
                Error::InvalidRequest(format!("`take` must be from 1 to 100, not {take}"))
            })?;
        let send = self
            .generated()
            .list_jobs()
            .project_id(self.client.project_id())
            .skip(skip)
            .take(take)
            .send();
        let page = self
            .client
            .call(Operation::V1ListJobs, &[self.client.project_id()], send)
            .await?;
        Ok(page.all_sessions)
    }

    /// Polls a session every `every` until it has halted (`haulted`), and returns it: how a run
    /// ends when its stream broke off. Transient errors are retried by the client's policy; a
    /// [`Client::with_deadline`] bounds each poll.
    pub async fn wait_for_session(&self, id: &str, every: Duration) -> Result<AgentSession, Error> {
        loop {
            let session = self.get_job(id).await?;
            if session.haulted == Some(true) {
                return Ok(session);
            }
            tokio::time::sleep(every).await;
        }
    }

    /// The generated client underneath, for what this layer does not cover. Its calls get no
    /// retries, deadline or typed errors.
    pub fn generated(&self) -> &'a crate::v1::Client {
        self.client.generated_v1()
    }
}
