//! v2 jobs over real HTTP: creation, the lifecycle by polls and by time, outcomes, follow-ups.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use mintlify_agent_testkit::{JobLifecycle, ManualClock, TestServer};
use reqwest::Method;
use serde_json::json;

use crate::common::{call, json, v2_jobs};

async fn create(server: &TestServer, prompt: &str) -> String {
    let (status, job) = json(
        call(
            server,
            Method::POST,
            &v2_jobs(server),
            Some(json!({ "prompt": prompt })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{job}");
    job["id"].as_str().unwrap().to_owned()
}

async fn poll(server: &TestServer, id: &str) -> serde_json::Value {
    let (status, job) = json(
        call(
            server,
            Method::GET,
            &format!("{}/{id}", v2_jobs(server)),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{job}");
    job
}

#[tokio::test]
async fn a_created_job_is_active_and_filled_as_the_docs_describe() {
    let clock = ManualClock::default();
    let server = TestServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let (status, job) = json(
        call(
            &server,
            Method::POST,
            &v2_jobs(&server),
            Some(json!({ "prompt": "Add a quickstart" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(job["status"], "active");
    assert_eq!(job["prLink"], serde_json::Value::Null);
    assert_eq!(job["archivedAt"], serde_json::Value::Null);
    assert_eq!(job["createdAt"], "2026-01-01T00:00:00.000Z");
    assert_eq!(job["model"], "sonnet");
    assert_eq!(
        job["source"]["repository"],
        "https://github.com/testkit/testkit-project"
    );
    assert!(
        job["source"]["ref"]
            .as_str()
            .unwrap()
            .starts_with("mintlify/add-a-quickstart-"),
        "{job}"
    );
}

#[tokio::test]
async fn a_job_completes_on_the_configured_poll_with_a_pull_request() {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: Some(3),
            after: None,
        })
        .start()
        .await
        .unwrap();
    let id = create(&server, "Add a quickstart").await;
    assert_eq!(poll(&server, &id).await["status"], "active");
    assert_eq!(poll(&server, &id).await["status"], "active");
    let done = poll(&server, &id).await;
    assert_eq!(done["status"], "completed");
    let link = done["prLink"].as_str().unwrap();
    assert!(
        link.starts_with("https://github.com/testkit/testkit-project/pull/"),
        "{link}"
    );
    assert_eq!(
        poll(&server, &id).await["prLink"],
        link,
        "a finished job stays as it is"
    );
}

#[tokio::test]
async fn a_job_completes_after_the_configured_time_by_the_injected_clock() {
    let clock = ManualClock::default();
    let server = TestServer::builder()
        .clock(clock.clone())
        .lifecycle(JobLifecycle {
            polls: None,
            after: Some(Duration::from_secs(120)),
        })
        .start()
        .await
        .unwrap();
    let id = create(&server, "Add a quickstart").await;
    clock.advance(Duration::from_secs(119));
    assert_eq!(poll(&server, &id).await["status"], "active");
    clock.advance(Duration::from_secs(1));
    assert_eq!(poll(&server, &id).await["status"], "completed");
}

#[tokio::test]
async fn prompt_markers_choose_failure_or_no_change() {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: Some(1),
            after: None,
        })
        .start()
        .await
        .unwrap();
    let failing = create(&server, "Break things #fail").await;
    let job = poll(&server, &failing).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["prLink"], serde_json::Value::Null);

    let unchanged = create(&server, "Look around #nochange").await;
    let job = poll(&server, &unchanged).await;
    assert_eq!(job["status"], "completed");
    assert_eq!(job["prLink"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_follow_up_makes_the_job_active_again_and_keeps_its_pull_request() {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: Some(1),
            after: None,
        })
        .start()
        .await
        .unwrap();
    let id = create(&server, "Add a quickstart").await;
    let first = poll(&server, &id).await;
    assert_eq!(first["status"], "completed");

    let path = format!("{}/{id}/message", v2_jobs(&server));
    let (status, job) = json(
        call(
            &server,
            Method::POST,
            &path,
            Some(json!({ "prompt": "Also add errors" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(job["status"], "active");
    let again = poll(&server, &id).await;
    assert_eq!(again["status"], "completed");
    assert_eq!(again["prLink"], first["prLink"]);

    // A failed job is retried by a follow-up.
    let failing = create(&server, "Break #fail").await;
    assert_eq!(poll(&server, &failing).await["status"], "failed");
    let path = format!("{}/{failing}/message", v2_jobs(&server));
    let (status, _) = json(
        call(
            &server,
            Method::POST,
            &path,
            Some(json!({ "prompt": "Try again" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(poll(&server, &failing).await["status"], "completed");
}

#[tokio::test]
async fn an_archived_job_refuses_messages() {
    let clock = ManualClock::default();
    let server = TestServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let id = create(&server, "Add a quickstart").await;
    clock.advance(Duration::from_secs(60));
    assert!(server.archive_job(server.project_id(), &id));
    assert!(!server.archive_job(server.project_id(), "job_nope"));
    let job = poll(&server, &id).await;
    assert_eq!(job["status"], "archived");
    assert_eq!(job["archivedAt"], "2026-01-01T00:01:00.000Z");
    let path = format!("{}/{id}/message", v2_jobs(&server));
    let (status, body) = json(
        call(
            &server,
            Method::POST,
            &path,
            Some(json!({ "prompt": "More" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("archived"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_jobs_are_404_with_an_error_body() {
    let server = TestServer::start().await.unwrap();
    let (status, body) = json(
        call(
            &server,
            Method::GET,
            &format!("{}/job_missing", v2_jobs(&server)),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "Agent job job_missing not found");
    let path = format!("{}/job_missing/message", v2_jobs(&server));
    let (status, _) =
        json(call(&server, Method::POST, &path, Some(json!({ "prompt": "x" }))).await).await;
    assert_eq!(status, 404);
}
