//! The v1 operations through a [`Client`]: streamed runs and sessions (deprecated by Mintlify).

use futures::TryStreamExt;
use progenitor_client::ByteStream;

use crate::operation::Operation;
use crate::v1::types::{AgentSession, CreateJobRequest};
use crate::{Client, Error};

/// The v1 operations of a [`Client`], with its project id filled in.
#[derive(Clone, Copy, Debug)]
pub struct V1<'a> {
    client: &'a Client,
}

/// A started v1 run: the session's headers, then the body as the server streams it.
pub struct RunResponse {
    /// `X-Session-Id`: the session to read back with [`V1::get_job`].
    pub session_id: Option<String>,
    /// `X-Branch-Name`: the branch the agent works on.
    pub branch: Option<String>,
    /// The body's `Content-Type`, which tells the stream protocol.
    pub content_type: Option<String>,
    body: ByteStream,
}

impl std::fmt::Debug for RunResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunResponse")
            .field("session_id", &self.session_id)
            .field("branch", &self.branch)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl RunResponse {
    /// The raw body, chunk by chunk.
    pub fn into_body(self) -> ByteStream {
        self.body
    }

    /// Reads the whole body as text (it ends when the run ends).
    pub async fn text(self) -> Result<String, Error> {
        let bytes: Vec<u8> = self
            .body
            .into_inner()
            .map_ok(|chunk| chunk.to_vec())
            .try_concat()
            .await
            .map_err(|source| Error::Stream { source })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl<'a> V1<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Starts a run; returns once the headers arrive. `POST /v1/agent/{projectId}/job`.
    ///
    /// ```no_run
    /// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
    /// use mintlify_agent::v1::types::{CreateJobRequest, Message, MessageRole};
    /// let request = CreateJobRequest::builder()
    ///     .messages(vec![Message { role: MessageRole::User, content: "Add a quickstart".into() }]);
    /// let run = client.v1().create_job(request).await?;
    /// println!("session {:?}", run.session_id);
    /// # Ok(()) }
    /// ```
    pub async fn create_job<R>(&self, request: R) -> Result<RunResponse, Error>
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
        Ok(RunResponse {
            session_id: header("x-session-id"),
            branch: header("x-branch-name"),
            content_type: header("content-type"),
            body: response.into_inner(),
        })
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

    /// The generated client underneath, for what this layer does not cover. Its calls get no
    /// retries, deadline or typed errors.
    pub fn generated(&self) -> &'a crate::v1::Client {
        self.client.generated_v1()
    }
}
