//! The v2 operations through a [`Client`], with the project filled in: create a job, read it,
//! send it a follow-up. Waiting is in `wait.rs`.

use super::types::{AgentJob, CreateJobRequest, SendMessageRequest};
use crate::call::operation::Operation;
use crate::client::Client;
use crate::error::Error;
use crate::response::Response;

impl Client {
    /// The v2 operations: jobs that are polled.
    pub fn v2(&self) -> V2<'_> {
        V2 { client: self }
    }
}

/// The v2 operations of a [`Client`], with its project id filled in.
#[derive(Clone, Copy, Debug)]
pub struct V2<'a> {
    pub(super) client: &'a Client,
}

impl<'a> V2<'a> {
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
            .caller()
            .with_response(Operation::V2CreateJob, &[], send)
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
            .caller()
            .with_response(Operation::V2GetJob, &[id], send)
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
            .caller()
            .with_response(Operation::V2SendMessage, &[id], send)
            .await
    }

    /// The generated client underneath, for what this layer does not cover. Its calls get no
    /// retries, deadline or typed errors.
    pub fn generated(&self) -> &'a super::Client {
        &self.client.shared().v2
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A method that names the wrong operation (a read's retry rules on a write) fails before
    /// anything is sent, naming both.
    #[tokio::test]
    async fn a_call_that_names_another_operation_is_not_sent() {
        // Nothing listens on port 9: a request that went out would fail to connect instead.
        let client = Client::builder()
            .api_key("mint_0123456789")
            .project_id("p")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let v2 = client.v2();
        let send = v2.generated().get_job().project_id("p").id("job_1").send();
        let error = client
            .caller()
            .with_response(Operation::V2SendMessage, &["job_1"], Box::pin(send))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("V2SendMessage")
                && text.contains("`get_job`")
                && text.contains("nothing was sent"),
            "{text}"
        );
    }
}
