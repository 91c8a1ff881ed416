//! Each kind of `mintlify_agent::Error`, produced by the local server, with its status, the
//! server's message and the request id.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use mintlify_agent::v1::types::{CreateJobRequest, Message, MessageRole};
use mintlify_agent::{Error, RetryPolicy};
use mintlify_agent_testkit::{Fault, FaultKind, Operation, TestServer};

use crate::support::{client_builder, client_for, count};

fn assert_from_server(error: &Error, status: u16, message: &str) {
    assert_eq!(error.status(), Some(status), "{error}");
    assert_eq!(error.message(), Some(message), "{error}");
    assert!(error.request_id().unwrap().starts_with("req_"), "{error}");
}

#[tokio::test]
async fn bad_request_unauthorized_forbidden_not_found() {
    let server = TestServer::builder()
        .key("mint_rw")
        .read_only_key("mint_ro")
        .start()
        .await
        .unwrap();
    let client = client_for(&server);

    let robot = CreateJobRequest::builder().messages(vec![Message {
        role: MessageRole::Unknown("robot".into()),
        content: "x".into(),
    }]);
    let error = client.v1().create_job(robot).await.unwrap_err();
    assert!(matches!(error, Error::BadRequest(_)), "{error}");
    assert_from_server(
        &error,
        400,
        "`messages[0].role` must be one of system, user, assistant, not \"robot\"",
    );

    let stranger = client_builder(&server)
        .api_key("mint_wrong")
        .build()
        .unwrap();
    let error = stranger.v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)), "{error}");
    assert_from_server(&error, 401, "Invalid API key");

    let reader = client_builder(&server).api_key("mint_ro").build().unwrap();
    let error = reader.v2().create_job("x").await.unwrap_err();
    assert!(matches!(error, Error::Forbidden(_)), "{error}");
    assert_eq!(error.status(), Some(403));

    let error = client.v2().get_job("job_missing").await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error}");
    assert_from_server(&error, 404, "Agent job job_missing not found");
    assert_eq!(
        error.to_string(),
        format!(
            "not found: HTTP 404: Agent job job_missing not found (request id {})",
            error.request_id().unwrap()
        )
    );
}

#[tokio::test]
async fn rate_limited_carries_the_servers_retry_after() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    server.inject(Fault::rate_limited(120).on(Operation::V2CreateJob));
    let error = client.v2().create_job("x").await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(error.status(), Some(429));
    assert!(error.message().unwrap().starts_with("Rate limit exceeded"));
    assert_eq!(
        count(&server, Operation::V2CreateJob),
        1,
        "a wait past the cap is not slept"
    );
}

#[tokio::test]
async fn server_and_unexpected_statuses() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server).with_retry_policy(RetryPolicy::disabled());
    server.inject(Fault::status(500).on(Operation::V2GetJob).times(1));
    let error = client.v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error}");
    assert_from_server(&error, 500, "Injected fault: 500 Internal Server Error");

    server.inject(Fault::status(418).on(Operation::V2GetJob).times(1));
    let error = client.v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedStatus(_)), "{error}");
    assert_from_server(&error, 418, "Injected fault: 418 I'm a teapot");
}

#[tokio::test]
async fn connection_and_timeout() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let nowhere = mintlify_agent::Client::builder()
        .api_key("mint_x")
        .project_id("p")
        .base_url(format!("http://{closed}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = nowhere.v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error}");
    assert_eq!(error.status(), None);

    let server = TestServer::start().await.unwrap();
    server.inject(Fault::delay(Duration::from_millis(500)).on(Operation::V2GetJob));
    let client = client_for(&server).with_retry_policy(RetryPolicy::disabled());
    let error = client
        .with_deadline(Duration::from_millis(100))
        .v2()
        .get_job("job_1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    let slow_reads = client_builder(&server)
        .read_timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = slow_reads.v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn a_reply_that_is_not_json_keeps_status_and_body() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    server.inject(Fault::new(FaultKind::NonJsonBody).on(Operation::V2GetJob));
    let error = client.v2().get_job("job_1").await.unwrap_err();
    let Error::InvalidResponse {
        status,
        body,
        request_id,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 200);
    assert!(body.starts_with(b"<html>"), "{body:?}");
    assert!(request_id.as_deref().unwrap().starts_with("req_"));
}

#[tokio::test]
async fn a_broken_stream_is_a_stream_error() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(1))
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    server.inject(Fault::new(FaultKind::CutAfterEvents(2)).on(Operation::V1CreateJob));
    let request = CreateJobRequest::builder().messages(vec![Message {
        role: MessageRole::User,
        content: "x".into(),
    }]);
    let run = client.v1().create_job(request).await.unwrap();
    let error = run.collect().await.unwrap_err();
    assert!(matches!(error, Error::Stream { .. }), "{error}");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    let error = client.v2().create_job("").await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(server.requests().is_empty());
}
