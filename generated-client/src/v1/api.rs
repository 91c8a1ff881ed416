//! The v1 operations through a [`Client`] (deprecated by Mintlify), with the project filled in:
//! start a streamed run, read and list sessions. Waiting for a session is in `wait.rs`.

use futures_util::stream::BoxStream;

use super::run::AgentRun;
use super::types::{AgentSession, CreateJobRequest, Message, MessageRole, SessionList};
use crate::call::operation::Operation;
use crate::client::Client;
use crate::error::Error;
use crate::response::Response;
use crate::stream::protocol::Protocol;

impl Client {
    /// The v1 operations (deprecated by Mintlify): streamed runs and sessions.
    pub fn v1(&self) -> V1<'_> {
        V1 { client: self }
    }
}

/// The v1 operations of a [`Client`], with its project id filled in.
#[derive(Clone, Copy, Debug)]
pub struct V1<'a> {
    pub(super) client: &'a Client,
}

impl<'a> V1<'a> {
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
    pub async fn create_job<R>(self, request: R) -> Result<AgentRun, Error>
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
        // Boxed: a generated call is a large future (about 15 KB), held only while it runs.
        let send = Box::pin(send);
        let (response, _) = self
            .client
            .caller()
            .raw(Operation::V1CreateJob, &[], send)
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

    /// Starts a run for one task, with the defaults (the default branch and model, no draft):
    /// [`V1::create_job`] without building the request. An empty or blank task is refused
    /// before sending.
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// let transcript = client.v1().run("Fix the broken links").await?.collect().await?;
    /// println!("{}", transcript.text());
    /// # Ok(()) }
    /// ```
    pub async fn run(self, task: impl Into<String>) -> Result<AgentRun, Error> {
        let task = task.into();
        if task.trim().is_empty() {
            return Err(Error::InvalidRequest("the task is empty".to_owned()));
        }
        let request = CreateJobRequest::builder().messages(vec![Message {
            role: MessageRole::User,
            content: task,
        }]);
        self.create_job(request).await
    }

    /// One session. `GET /v1/agent/{projectId}/job/{id}`.
    pub async fn get_job(self, id: &str) -> Result<AgentSession, Error> {
        Ok(self.get_job_with_response(id).await?.into_inner())
    }

    /// [`V1::get_job`], with the reply: status, headers, request id, the body as sent.
    pub async fn get_job_with_response(self, id: &str) -> Result<Response<AgentSession>, Error> {
        let send = self
            .generated()
            .get_job()
            .project_id(self.client.project_id())
            .id(id)
            .send();
        // Boxed: a generated call is a large future (about 15 KB), held only while it runs.
        let send = Box::pin(send);
        self.client
            .caller()
            .with_response(Operation::V1GetJob, &[id], send)
            .await
    }

    /// One page of sessions, newest first: `take` (1 to 100) after skipping `skip`.
    /// `GET /v1/agent/{projectId}/jobs`.
    pub async fn list_jobs(self, skip: u64, take: u64) -> Result<Vec<AgentSession>, Error> {
        Ok(self
            .list_jobs_with_response(skip, take)
            .await?
            .into_inner()
            .all_sessions)
    }

    /// [`V1::list_jobs`], with the reply: status, headers, request id, the body as sent (the
    /// page `{"allSessions": […]}` with every field of every session).
    pub async fn list_jobs_with_response(
        self,
        skip: u64,
        take: u64,
    ) -> Result<Response<SessionList>, Error> {
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
        // Boxed: a generated call is a large future (about 15 KB), held only while it runs.
        let send = Box::pin(send);
        self.client
            .caller()
            .with_response(Operation::V1ListJobs, &[], send)
            .await
    }

    /// Every session of the project, newest first, fetched `page_size` (1 to 100) at a time as
    /// the stream is read. An error ends the stream.
    pub fn list_all(self, page_size: u64) -> BoxStream<'a, Result<AgentSession, Error>> {
        struct Pages<'a> {
            api: V1<'a>,
            skip: u64,
            page: std::vec::IntoIter<AgentSession>,
            ended: bool,
        }
        let state = Pages {
            api: self,
            skip: 0,
            page: Vec::new().into_iter(),
            ended: false,
        };
        Box::pin(futures_util::stream::unfold(
            state,
            move |mut pages| async move {
                loop {
                    if let Some(session) = pages.page.next() {
                        return Some((Ok(session), pages));
                    }
                    if pages.ended {
                        return None;
                    }
                    match pages.api.list_jobs(pages.skip, page_size).await {
                        Ok(page) => {
                            pages.ended = (page.len() as u64) < page_size;
                            pages.skip += page.len() as u64;
                            pages.page = page.into_iter();
                        }
                        Err(error) => {
                            pages.ended = true;
                            return Some((Err(error), pages));
                        }
                    }
                }
            },
        ))
    }

    /// The generated client underneath, for what this layer does not cover. Its calls get no
    /// retries, deadline or typed errors.
    pub fn generated(&self) -> &'a super::Client {
        &self.client.shared().v1
    }
}
