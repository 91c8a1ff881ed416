//! The v2 operations through a [`Client`]: jobs that run in the background and are polled.

use crate::operation::Operation;
use crate::v2::types::{AgentJob, CreateJobRequest, SendMessageRequest};
use crate::{Client, Error};

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
    pub async fn create_job(&self, prompt: impl Into<String>) -> Result<AgentJob, Error> {
        let request = CreateJobRequest::builder().prompt(prompt.into());
        let send = self
            .generated()
            .create_job()
            .project_id(self.client.project_id())
            .body(request)
            .send();
        self.client
            .call(Operation::V2CreateJob, &[self.client.project_id()], send)
            .await
    }

    /// The job as it is now. `GET /v2/agent/{projectId}/job/{id}`.
    pub async fn get_job(&self, id: &str) -> Result<AgentJob, Error> {
        let send = self
            .generated()
            .get_job()
            .project_id(self.client.project_id())
            .id(id)
            .send();
        self.client
            .call(Operation::V2GetJob, &[self.client.project_id(), id], send)
            .await
    }

    /// Gives a job a follow-up instruction; it becomes `active` again.
    /// `POST /v2/agent/{projectId}/job/{id}/message`.
    pub async fn send_message(
        &self,
        id: &str,
        prompt: impl Into<String>,
    ) -> Result<AgentJob, Error> {
        let request = SendMessageRequest::builder().prompt(prompt.into());
        let send = self
            .generated()
            .send_message()
            .project_id(self.client.project_id())
            .id(id)
            .body(request)
            .send();
        self.client
            .call(
                Operation::V2SendMessage,
                &[self.client.project_id(), id],
                send,
            )
            .await
    }

    /// The generated client underneath, for what this layer does not cover. Its calls get no
    /// retries, deadline or typed errors.
    pub fn generated(&self) -> &'a crate::v2::Client {
        self.client.generated_v2()
    }
}
