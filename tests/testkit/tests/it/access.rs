//! Keys, validation, projects, path parameters and the hourly limit, over real HTTP.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use mintlify_agent_testkit::{
    Clock, DEFAULT_KEY, ManualClock, Operation, RequestRecord, TestServer,
};
use reqwest::Method;
use serde_json::json;

use crate::common::{call, call_with_key, json, raw_request, v1, v2_jobs};

#[tokio::test]
async fn keys_are_checked_and_read_only_keys_cannot_write() {
    let server = TestServer::builder()
        .key("mint_rw")
        .read_only_key("mint_ro")
        .start()
        .await
        .unwrap();
    assert_eq!(server.api_key(), "mint_rw");
    let create = |key: &'static str| {
        let server = &server;
        async move {
            json(
                call_with_key(
                    server,
                    key,
                    Method::POST,
                    &v2_jobs(server),
                    Some(json!({ "prompt": "x" })),
                )
                .await,
            )
            .await
        }
    };
    let (status, body) = create("mint_wrong").await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (401, "Invalid API key")
    );
    assert_eq!(
        create(DEFAULT_KEY).await.0,
        401,
        "a configured key replaces the default one"
    );
    let (status, body) = create("mint_ro").await;
    assert_eq!(status, 403);
    assert!(
        body["error"].as_str().unwrap().contains("read scope"),
        "{body}"
    );
    let (status, job) = create("mint_rw").await;
    assert_eq!(status, 201);
    let path = format!("{}/{}", v2_jobs(&server), job["id"].as_str().unwrap());
    assert_eq!(
        call_with_key(&server, "mint_ro", Method::GET, &path, None)
            .await
            .status(),
        200
    );

    let anonymous = reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .unwrap();
    let (status, body) = json(anonymous).await;
    assert_eq!(status, 401);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Missing Authorization header")
    );
}

#[tokio::test]
async fn bodies_that_break_the_spec_get_400_naming_the_field() {
    let server = TestServer::start().await.unwrap();
    let v2_cases = [
        (json!({}), "`prompt` is required"),
        (json!({ "prompt": "" }), "`prompt` must not be empty"),
        (json!({ "prompt": 7 }), "`prompt` must be a string"),
        (json!(["prompt"]), "Request body must be a JSON object"),
    ];
    for (body, message) in v2_cases {
        let (status, reply) =
            json(call(&server, Method::POST, &v2_jobs(&server), Some(body.clone())).await).await;
        assert_eq!(
            (status, reply["error"].as_str().unwrap()),
            (400, message),
            "{body}"
        );
    }
    let raw = reqwest::Client::new()
        .post(format!("{}{}", server.base_url(), v2_jobs(&server)))
        .bearer_auth(server.api_key())
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, reply) = json(raw).await;
    assert_eq!(status, 400);
    assert!(
        reply["error"]
            .as_str()
            .unwrap()
            .starts_with("Request body is not valid JSON")
    );

    let user = json!({ "role": "user", "content": "x" });
    let v1_cases = [
        (json!({}), "`messages` is required"),
        (
            json!({ "messages": [] }),
            "`messages` must hold at least one message",
        ),
        (json!({ "messages": "x" }), "`messages` must be an array"),
        (
            json!({ "messages": [{ "role": "robot", "content": "x" }] }),
            "`messages[0].role` must be one of system, user, assistant, not \"robot\"",
        ),
        (
            json!({ "messages": [user, { "role": "user" }] }),
            "`messages[1].content` is required and must be a string",
        ),
        (
            json!({ "messages": [user], "model": "gpt" }),
            "`model` must be one of sonnet, opus, not \"gpt\"",
        ),
        (
            json!({ "messages": [user], "asDraft": "yes" }),
            "`asDraft` must be a boolean",
        ),
        (
            json!({ "messages": [user], "branch": 3 }),
            "`branch` must be a string",
        ),
        (
            json!({ "messages": [{ "role": "system", "content": "x" }] }),
            "`messages` must include a `user` message",
        ),
    ];
    for (body, message) in v1_cases {
        let (status, reply) = json(
            call(
                &server,
                Method::POST,
                &format!("{}/job", v1(&server)),
                Some(body.clone()),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, reply["error"].as_str().unwrap()),
            (400, message),
            "{body}"
        );
    }
    // Older clients' shapes are accepted: a required-looking branch, asDraft, an assistant turn.
    let old = json!({ "branch": "main", "asDraft": true, "model": "opus",
        "messages": [{ "role": "assistant", "content": "Example" }, user] });
    assert_eq!(
        call(
            &server,
            Method::POST,
            &format!("{}/job", v1(&server)),
            Some(old)
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn configured_projects_exist_and_others_are_404() {
    let server = TestServer::builder().project("acme").start().await.unwrap();
    assert_eq!(server.project_id(), "acme");
    let (status, body) = json(
        call(
            &server,
            Method::POST,
            "/v2/agent/other/job",
            Some(json!({ "prompt": "x" })),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (404, "Project other not found")
    );
    assert_eq!(
        call(
            &server,
            Method::POST,
            "/v2/agent/acme/job",
            Some(json!({ "prompt": "x" }))
        )
        .await
        .status(),
        201
    );
    let (status, body) = json(call(&server, Method::GET, "/v3/nothing", None).await).await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (404, "No such endpoint")
    );
}

#[tokio::test]
async fn path_parameters_are_plain_values() {
    let server = TestServer::start().await.unwrap();
    for (encoded, project) in [
        ("a%2Fb", "a/b"),
        ("%2E%2E", ".."),
        ("what%3Fnow", "what?now"),
        ("100%25", "100%"),
        ("two%20words", "two words"),
        ("%E6%97%A5%E6%9C%AC", "日本"),
    ] {
        let path = format!("/v2/agent/{encoded}/job");
        let (status, job) =
            raw_request(&server, "POST", &path, Some(json!({ "prompt": "x" }))).await;
        assert_eq!(status, 201, "{project}");
        let id = job["id"].as_str().unwrap();
        assert_eq!(
            raw_request(&server, "GET", &format!("{path}/{id}"), None)
                .await
                .0,
            200,
            "{project}"
        );
        let record = server.requests().into_iter().last().unwrap();
        assert_eq!(record.project.as_deref(), Some(project));
        assert_eq!(record.path, format!("{path}/{id}"));
        assert_eq!(record.operation, Some(Operation::V2GetJob));
    }
    // A bare `..` segment, as a raw request can send it, is a project id like any other.
    let (status, job) = raw_request(
        &server,
        "POST",
        "/v2/agent/../job",
        Some(json!({ "prompt": "x" })),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        server.requests().last().unwrap().project.as_deref(),
        Some("..")
    );
    let path = format!("/v2/agent/%2E%2E/job/{}", job["id"].as_str().unwrap());
    assert_eq!(
        raw_request(&server, "GET", &path, None).await.0,
        200,
        "`..` and `%2E%2E` are the same project"
    );
    // Projects are apart: a job id of one is unknown in another.
    let (_, job) = json(
        call(
            &server,
            Method::POST,
            "/v2/agent/a%2Fb/job",
            Some(json!({ "prompt": "x" })),
        )
        .await,
    )
    .await;
    let id = job["id"].as_str().unwrap();
    assert_eq!(
        call(&server, Method::GET, &format!("/v2/agent/a/job/{id}"), None)
            .await
            .status(),
        404
    );
    // An odd job id is a plain value too.
    assert_eq!(
        call(&server, Method::GET, "/v2/agent/p/job/a%2F..%3F%20x", None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_hundred_and_first_creation_within_an_hour_is_429_with_retry_after() {
    let clock = ManualClock::default();
    let server = TestServer::builder()
        .clock(clock.clone())
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let jobs = v2_jobs(&server);
    let create = || call(&server, Method::POST, &jobs, Some(json!({ "prompt": "x" })));
    // A v1 run and a follow-up message count too; an invalid request does not.
    let run_path = format!("{}/job", v1(&server));
    let run = call(
        &server,
        Method::POST,
        &run_path,
        Some(json!({ "messages": [{ "role": "user", "content": "x" }] })),
    );
    assert_eq!(run.await.status(), 200);
    let (_, job) = json(create().await).await;
    let message = format!(
        "{}/{}/message",
        v2_jobs(&server),
        job["id"].as_str().unwrap()
    );
    assert_eq!(
        call(
            &server,
            Method::POST,
            &message,
            Some(json!({ "prompt": "more" }))
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        call(&server, Method::POST, &v2_jobs(&server), Some(json!({})))
            .await
            .status(),
        400
    );
    for n in 3..100 {
        clock.advance(Duration::from_secs(30));
        assert_eq!(create().await.status(), 201, "request {n}");
    }
    let limited = create().await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // The first three arrived at t=0; the clock stands at 97 × 30 s.
    assert_eq!(retry_after, 3600 - 97 * 30);
    let (_, body) = json(limited).await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Rate limit exceeded")
    );
    assert_eq!(
        call(
            &server,
            Method::POST,
            &message,
            Some(json!({ "prompt": "more" }))
        )
        .await
        .status(),
        429
    );
    // Reading is never limited, and other projects have their own hour.
    assert_eq!(
        call(&server, Method::GET, &format!("{}/jobs", v1(&server)), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        call(
            &server,
            Method::POST,
            "/v2/agent/elsewhere/job",
            Some(json!({ "prompt": "x" }))
        )
        .await
        .status(),
        201
    );

    clock.advance(Duration::from_secs(retry_after));
    assert_eq!(
        create().await.status(),
        201,
        "the window has rolled past the first requests"
    );
}

#[tokio::test]
async fn the_request_log_records_every_answer() {
    let clock = ManualClock::default();
    let server = TestServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    call(
        &server,
        Method::POST,
        &v2_jobs(&server),
        Some(json!({ "prompt": "x" })),
    )
    .await;
    clock.advance(Duration::from_secs(5));
    call(
        &server,
        Method::GET,
        &format!("{}/jobs?take=5", v1(&server)),
        None,
    )
    .await;
    call_with_key(
        &server,
        "mint_bad",
        Method::GET,
        &format!("{}/job_1", v2_jobs(&server)),
        None,
    )
    .await;
    call(&server, Method::GET, "/nowhere", None).await;
    let t0 = ManualClock::default().now();
    let t5 = t0 + chrono::TimeDelta::seconds(5);
    let record = |n: u32, method: &str, path: &str, query: Option<&str>, operation, status, at| {
        RequestRecord {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            operation,
            project: operation.map(|_| "testkit-project".to_owned()),
            status,
            request_id: format!("req_{n:06}"),
            at,
            version: "HTTP/1.1".to_owned(),
        }
    };
    assert_eq!(
        server.requests(),
        vec![
            record(
                1,
                "POST",
                "/v2/agent/testkit-project/job",
                None,
                Some(Operation::V2CreateJob),
                201,
                t0
            ),
            record(
                2,
                "GET",
                "/v1/agent/testkit-project/jobs",
                Some("take=5"),
                Some(Operation::V1ListJobs),
                200,
                t5
            ),
            record(
                3,
                "GET",
                "/v2/agent/testkit-project/job/job_1",
                None,
                Some(Operation::V2GetJob),
                401,
                t5
            ),
            record(4, "GET", "/nowhere", None, None, 404, t5),
        ]
    );
}
