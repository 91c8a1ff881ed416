//! The SDK's `Client` against the local server: every operation, values it does not know, and
//! path parameters that need encoding.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use mintlify_agent::Error;
use mintlify_agent::stream::Protocol;
use mintlify_agent::v1::types::{
    CreateJobRequest, HaltReason, Message, MessageRole, Model, TodoStatus,
};
use mintlify_agent::v2::types::JobStatus;
use mintlify_agent_testkit::{Fault, FaultKind, JobLifecycle, Operation, TestServer};

use crate::support::{client_builder, client_for, count};

fn request(task: &str) -> mintlify_agent::v1::types::builder::CreateJobRequest {
    CreateJobRequest::builder()
        .messages(vec![Message {
            role: MessageRole::User,
            content: task.to_owned(),
        }])
        .model(Model::Opus)
}

#[tokio::test]
async fn every_v2_operation() {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: Some(2),
            after: None,
        })
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    let job = client.v2().create_job("Add a quickstart").await.unwrap();
    assert_eq!(job.status, Some(JobStatus::Active));
    let id = job.id;
    assert_eq!(
        client.v2().get_job(&id).await.unwrap().status,
        Some(JobStatus::Active)
    );
    let done = client.v2().get_job(&id).await.unwrap();
    assert_eq!(done.status, Some(JobStatus::Completed));
    assert!(
        done.pr_link
            .unwrap()
            .starts_with("https://github.com/testkit/")
    );
    let again = client
        .v2()
        .send_message(&id, "Also add errors")
        .await
        .unwrap();
    assert_eq!(again.status, Some(JobStatus::Active));
    assert_eq!(
        again.source.unwrap().repository.unwrap(),
        "https://github.com/testkit/testkit-project"
    );
}

#[tokio::test]
async fn every_v1_operation() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    let run = client
        .v1()
        .create_job(request("Add a quickstart"))
        .await
        .unwrap();
    let session_id = run.session_id().unwrap().to_owned();
    assert!(
        run.branch()
            .unwrap()
            .starts_with("mintlify/add-a-quickstart-")
    );
    assert_eq!(
        run.protocol(),
        Some(Protocol::UiMessageStream),
        "from the headers"
    );
    let transcript = run.collect().await.unwrap();
    assert_eq!(transcript.finish_reason.as_deref(), Some("stop"));
    assert!(
        transcript.text().contains("opened a pull request"),
        "{}",
        transcript.text()
    );

    let session = client.v1().get_job(&session_id).await.unwrap();
    assert_eq!(session.hault_reason, Some(HaltReason::Completed));
    assert_eq!(session.haulted, Some(true));
    assert!(
        session
            .todos
            .iter()
            .all(|t| t.status == Some(TodoStatus::Completed))
    );
    assert!(session.pull_request_link.is_some());

    client
        .v1()
        .create_job(request("Second"))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let page = client.v1().list_jobs(0, 100).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[1].session_id, session_id);
    assert_eq!(
        client.v1().list_jobs(1, 1).await.unwrap()[0].session_id,
        session_id
    );
    let error = client.v1().list_jobs(0, 101).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert_eq!(
        count(&server, Operation::V1ListJobs),
        2,
        "a bad page size is refused before sending"
    );
}

#[tokio::test]
async fn new_enum_values_and_unknown_fields_pass_through() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    let session = client.v1().create_job(request("x")).await.unwrap();
    let session_id = session.session_id().unwrap().to_owned();
    session.collect().await.unwrap();

    server.inject(Fault::new(FaultKind::ExtraFields));
    server.inject(Fault::new(FaultKind::UnknownStatus(
        "paused_for_review".into(),
    )));
    let job = client.v2().get_job(&id).await.unwrap();
    assert_eq!(job.id, id, "extra fields are ignored");
    server.clear_faults();
    server.inject(Fault::new(FaultKind::UnknownStatus(
        "paused_for_review".into(),
    )));
    let job = client.v2().get_job(&id).await.unwrap();
    assert_eq!(
        job.status,
        Some(JobStatus::Unknown("paused_for_review".into()))
    );
    let session = client.v1().get_job(&session_id).await.unwrap();
    assert_eq!(
        session.hault_reason,
        Some(HaltReason::Unknown("paused_for_review".into()))
    );
    let sessions = client.v1().list_jobs(0, 10).await.unwrap();
    assert_eq!(
        sessions[0].hault_reason.as_ref().unwrap().as_str(),
        "paused_for_review"
    );
}

#[tokio::test]
async fn path_parameters_reach_the_server_as_one_encoded_segment() {
    let server = TestServer::start().await.unwrap();
    for project in [
        "a/b",
        "what?now",
        "a/../b",
        "100%",
        "two words",
        "日本",
        "#hash",
    ] {
        let client = client_builder(&server).project_id(project).build().unwrap();
        let job = client.v2().create_job("x").await.unwrap();
        let created = server.requests().pop().unwrap();
        assert_eq!(created.project.as_deref(), Some(project), "{project}");
        assert_eq!(
            created.path.matches('/').count(),
            4,
            "one segment: {}",
            created.path
        );
        let id = job.id;
        client.v2().get_job(&id).await.unwrap();
        assert_eq!(
            server.requests().pop().unwrap().operation,
            Some(Operation::V2GetJob),
            "{project}"
        );
    }
    // An id with `/` and `?` is one segment too: the server looks for exactly that id.
    let client = client_for(&server);
    let error = client.v2().get_job("job_1/message?x=1").await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error}");
    assert_eq!(
        error.message(),
        Some("Agent job job_1/message?x=1 not found")
    );
    // A bare `.` or `..` cannot be carried by any URL: refused before sending (a project id,
    // when the client is built).
    let before = server.requests().len();
    for dots in [".", ".."] {
        let error = client.v2().get_job(dots).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
        let error = client_builder(&server)
            .project_id(dots)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, mintlify_agent::BuildError::InvalidProjectId(_)),
            "{error}"
        );
    }
    assert_eq!(server.requests().len(), before);
}

#[tokio::test]
async fn a_response_keeps_status_headers_request_id_and_every_field_as_sent() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    server.inject(Fault::new(FaultKind::ExtraFields));
    let created = client.v2().create_job_with_response("x").await.unwrap();
    assert_eq!(created.status(), 201);
    let logged = server.requests().pop().unwrap();
    assert_eq!(created.request_id(), Some(logged.request_id.as_str()));
    let body: serde_json::Value = serde_json::from_slice(created.body()).unwrap();
    assert_eq!(
        body["x_testkit_extra"]["note"],
        "a field this client does not know"
    );
    let id = created.value().id.clone();
    assert_eq!(body["id"], id.as_str());

    let read = client.v2().get_job_with_response(&id).await.unwrap();
    assert_eq!(read.status(), 200);
    assert!(
        read.headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    );
    let body: serde_json::Value = serde_json::from_slice(read.body()).unwrap();
    assert!(body.get("x_testkit_extra").is_some(), "{body}");
    assert_eq!(read.into_inner().id, id);

    let sent = client
        .v2()
        .send_message_with_response(&id, "more")
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(sent.body()).contains("x_testkit_extra"));
}

#[tokio::test]
async fn blank_prompts_and_tasks_are_refused_before_sending() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    for blank in ["", " ", "\n\t "] {
        for error in [
            client.v2().create_job(blank).await.unwrap_err(),
            client.v2().send_message("job_1", blank).await.unwrap_err(),
            client.v1().run(blank).await.unwrap_err(),
        ] {
            assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        }
    }
    assert!(server.requests().is_empty());
    let transcript = client
        .v1()
        .run("Fix the broken links")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert!(!transcript.text().is_empty());
}
