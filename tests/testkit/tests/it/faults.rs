//! Every scripted fault over real HTTP, and that each one keeps to its project, operation and count.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use mintlify_agent_testkit::{Fault, FaultKind, Operation, TestServer};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{call, json, v1, v2_jobs};

async fn create(server: &TestServer) -> reqwest::Response {
    call(
        server,
        Method::POST,
        &v2_jobs(server),
        Some(json!({ "prompt": "x" })),
    )
    .await
}

fn run_body() -> Option<Value> {
    Some(json!({ "messages": [{ "role": "user", "content": "Add a page" }] }))
}

#[tokio::test]
async fn a_status_fault_answers_without_acting_and_runs_out() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::status(503).on(Operation::V2CreateJob).times(2));
    for _ in 0..2 {
        let (status, body) = json(create(&server).await).await;
        assert_eq!(status, 503);
        assert!(body["error"].as_str().unwrap().contains("503"), "{body}");
    }
    let (status, job) = json(create(&server).await).await;
    assert_eq!(status, 201);
    assert_eq!(
        job["id"], "job_000001",
        "the failed attempts created nothing"
    );
}

#[tokio::test]
async fn faults_keep_to_their_project_and_operation() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::status(500).for_project("a"));
    let post = |project: &'static str| {
        let server = &server;
        async move {
            call(
                server,
                Method::POST,
                &format!("/v2/agent/{project}/job"),
                Some(json!({ "prompt": "x" })),
            )
            .await
            .status()
        }
    };
    assert_eq!(post("a").await, 500);
    assert_eq!(post("a").await, 500, "no count: for good");
    assert_eq!(post("b").await, 201);
    server.clear_faults();
    assert_eq!(post("a").await, 201);
}

#[tokio::test]
async fn a_rate_limit_fault_carries_the_chosen_retry_after() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::rate_limited(7).times(1));
    let limited = create(&server).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    assert_eq!(json(create(&server).await).await.1["id"], "job_000001");
}

#[tokio::test]
async fn a_delay_answers_late_after_acting() {
    let server = TestServer::start().await.unwrap();
    server.inject(
        Fault::delay(Duration::from_millis(300))
            .on(Operation::V2CreateJob)
            .times(1),
    );
    let started = Instant::now();
    let (status, job) = json(create(&server).await).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!((status, job["id"].as_str().unwrap()), (201, "job_000001"));
}

#[tokio::test]
async fn a_cut_after_bytes_breaks_the_reply_but_the_job_exists() {
    let server = TestServer::start().await.unwrap();
    server.inject(
        Fault::new(FaultKind::CutAfterBytes(10))
            .on(Operation::V2CreateJob)
            .times(1),
    );
    let response = create(&server).await;
    assert_eq!(response.status(), 201);
    let mut body = response.bytes_stream();
    let mut received = Vec::new();
    let error = loop {
        match body.next().await {
            Some(Ok(chunk)) => received.extend_from_slice(&chunk),
            Some(Err(error)) => break error,
            None => panic!("the body ended cleanly after {received:?}"),
        }
    };
    assert_eq!(received.len(), 10, "{error}");
    assert!(received.starts_with(b"{\""), "{received:?}");
    let (status, _) = json(
        call(
            &server,
            Method::GET,
            &format!("{}/job_000001", v2_jobs(&server)),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "the server acted before the cut");
}

#[tokio::test]
async fn a_stream_cut_after_events_keeps_what_came_and_the_run_goes_on() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(1))
        .start()
        .await
        .unwrap();
    server.inject(
        Fault::new(FaultKind::CutAfterEvents(3))
            .on(Operation::V1CreateJob)
            .times(1),
    );
    let response = call(
        &server,
        Method::POST,
        &format!("{}/job", v1(&server)),
        run_body(),
    )
    .await;
    let session = response.headers()["x-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let mut broken = false;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => text.push_str(std::str::from_utf8(&chunk).unwrap()),
            Err(_) => {
                broken = true;
                break;
            }
        }
    }
    assert!(broken, "the stream ended cleanly: {text}");
    assert_eq!(text.matches("data: ").count(), 3, "{text}");
    assert!(text.ends_with("\n\n"), "cut between events: {text:?}");

    let path = format!("{}/job/{session}", v1(&server));
    let mut reason = Value::Null;
    for _ in 0..300 {
        reason = json(call(&server, Method::GET, &path, None).await).await.1["haultReason"].clone();
        if reason == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(reason, "completed");
}

#[tokio::test]
async fn a_non_json_body_comes_with_status_200() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::new(FaultKind::NonJsonBody).on(Operation::V2GetJob));
    let response = call(
        &server,
        Method::GET,
        &format!("{}/job_x", v2_jobs(&server)),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert!(response.text().await.unwrap().starts_with("<html>"));
}

#[tokio::test]
async fn an_unknown_status_replaces_job_status_and_halt_reason() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let (_, job) = json(create(&server).await).await;
    let run = call(
        &server,
        Method::POST,
        &format!("{}/job", v1(&server)),
        run_body(),
    )
    .await;
    let session = run.headers()["x-session-id"].to_str().unwrap().to_owned();
    run.text().await.unwrap();
    server.inject(Fault::new(FaultKind::UnknownStatus(
        "paused_for_review".into(),
    )));

    let job_path = format!("{}/{}", v2_jobs(&server), job["id"].as_str().unwrap());
    assert_eq!(
        json(call(&server, Method::GET, &job_path, None).await)
            .await
            .1["status"],
        "paused_for_review"
    );
    let session_path = format!("{}/job/{session}", v1(&server));
    assert_eq!(
        json(call(&server, Method::GET, &session_path, None).await)
            .await
            .1["haultReason"],
        "paused_for_review"
    );
    let list = json(call(&server, Method::GET, &format!("{}/jobs", v1(&server)), None).await)
        .await
        .1;
    assert_eq!(list["allSessions"][0]["haultReason"], "paused_for_review");
}

fn every_object_has_the_extra_field(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object.contains_key("x_testkit_extra")
                && object
                    .iter()
                    .filter(|(k, _)| *k != "x_testkit_extra")
                    .all(|(_, v)| every_object_has_the_extra_field(v))
        }
        Value::Array(items) => items.iter().all(every_object_has_the_extra_field),
        _ => true,
    }
}

#[tokio::test]
async fn extra_fields_reach_every_object_of_replies_and_stream_chunks() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    server.inject(Fault::new(FaultKind::ExtraFields));
    let (_, job) = json(create(&server).await).await;
    assert!(every_object_has_the_extra_field(&job), "{job}");
    assert!(job["source"]["x_testkit_extra"].is_object());

    let run = call(
        &server,
        Method::POST,
        &format!("{}/job", v1(&server)),
        run_body(),
    )
    .await;
    let body = run.text().await.unwrap();
    for event in body.split("\n\n").filter(|e| e.starts_with("data: {")) {
        let chunk: Value = serde_json::from_str(&event["data: ".len()..]).unwrap();
        assert!(chunk["x_testkit_extra"].is_object(), "{event}");
    }
    let list = json(call(&server, Method::GET, &format!("{}/jobs", v1(&server)), None).await)
        .await
        .1;
    assert!(every_object_has_the_extra_field(&list), "{list}");
}

#[tokio::test]
async fn a_request_whose_client_left_is_still_logged() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::delay(Duration::from_millis(300)).on(Operation::V2CreateJob));
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let sent = impatient
        .post(format!("{}{}", server.base_url(), v2_jobs(&server)))
        .bearer_auth(server.api_key())
        .json(&json!({ "prompt": "x" }))
        .send()
        .await;
    assert!(sent.unwrap_err().is_timeout());
    let log = server.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].operation, log[0].status),
        (Some(Operation::V2CreateJob), 0)
    );
}
