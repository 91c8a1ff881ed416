//! v1 over real HTTP: the streamed run in each protocol, the session while and after it streams,
//! and the paged list.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures::StreamExt;
use mintlify_agent_testkit::TestServer;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::common::{call, json, v1};

fn task(text: &str) -> Value {
    json!({ "messages": [{ "role": "system", "content": "Be brief." }, { "role": "user", "content": text }] })
}

async fn start_run(server: &TestServer, body: Value, protocol: Option<&str>) -> Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}{}/job", server.base_url(), v1(server)))
        .bearer_auth(server.api_key())
        .json(&body);
    if let Some(protocol) = protocol {
        request = request.header("x-testkit-stream-protocol", protocol);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response
}

async fn session(server: &TestServer, id: &str) -> Value {
    let (status, body) = json(
        call(
            server,
            Method::GET,
            &format!("{}/job/{id}", v1(server)),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn header(response: &Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_default_stream_is_the_ui_message_stream_with_session_headers() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let response = start_run(&server, task("Add a quickstart"), None).await;
    assert_eq!(header(&response, "content-type"), "text/event-stream");
    assert_eq!(header(&response, "x-vercel-ai-ui-message-stream"), "v1");
    let session_id = header(&response, "x-session-id");
    assert!(header(&response, "x-branch-name").starts_with("mintlify/add-a-quickstart-"));

    let body = response.text().await.unwrap();
    let events: Vec<Value> = body
        .split("\n\n")
        .filter(|e| !e.is_empty() && *e != "data: [DONE]")
        .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    assert!(body.ends_with("data: [DONE]\n\n"));
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    for expected in [
        "start",
        "start-step",
        "reasoning-delta",
        "text-delta",
        "tool-input-start",
        "tool-input-delta",
        "tool-input-available",
        "tool-output-available",
        "data-todos",
        "finish-step",
        "finish",
    ] {
        assert!(types.contains(&expected), "no {expected} in {types:?}");
    }
    assert_eq!(events[0]["messageId"], format!("msg_{session_id}"));
    assert_eq!(events.last().unwrap()["finishReason"], "stop");
    let edit = events
        .iter()
        .find(|e| e["type"] == "tool-input-available" && e["toolName"] == "edit_file")
        .unwrap();
    assert_eq!(edit["input"]["path"], "docs/quickstart.mdx");
}

#[tokio::test]
async fn the_data_stream_and_plain_text_are_there_on_request() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let response = start_run(&server, task("Add a quickstart"), Some("data-stream")).await;
    assert_eq!(header(&response, "x-vercel-ai-data-stream"), "v1");
    assert_eq!(
        header(&response, "content-type"),
        "text/plain; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    for line in body.lines() {
        let (code, value) = line.split_once(':').unwrap();
        assert!(
            ["0", "2", "3", "9", "a", "b", "c", "d", "e", "f", "g"].contains(&code),
            "{line}"
        );
        serde_json::from_str::<Value>(value).unwrap();
    }
    assert!(body.lines().any(|l| l.starts_with("0:\"")), "{body}");
    assert!(
        body.lines()
            .last()
            .unwrap()
            .starts_with("d:{\"finishReason\":\"stop\"")
    );

    let response = start_run(&server, task("Add a quickstart"), Some("text")).await;
    assert!(response.headers().get("x-vercel-ai-data-stream").is_none());
    let text = response.text().await.unwrap();
    assert!(text.starts_with("I'll take care of that."), "{text}");
    assert!(
        text.contains("opened a pull request: https://github.com/testkit/"),
        "{text}"
    );

    let bad = reqwest::Client::new()
        .post(format!("{}{}/job", server.base_url(), v1(&server)))
        .bearer_auth(server.api_key())
        .header("x-testkit-stream-protocol", "morse")
        .json(&task("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_session_is_visible_while_it_streams_and_after() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(30))
        .start()
        .await
        .unwrap();
    let response = start_run(&server, task("Add a quickstart"), None).await;
    let id = header(&response, "x-session-id");
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("data-todos") {
        seen.push_str(std::str::from_utf8(&body.next().await.unwrap().unwrap()).unwrap());
    }
    let running = session(&server, &id).await;
    assert_eq!(running["haulted"], false);
    assert_eq!(running["haultReason"], "processing");
    assert_eq!(running["todos"][0]["status"], "in_progress", "{running}");
    assert!(running.get("pullRequestLink").is_none());

    while let Some(chunk) = body.next().await {
        chunk.unwrap();
    }
    let done = session(&server, &id).await;
    assert_eq!(done["haulted"], true);
    assert_eq!(done["haultReason"], "completed");
    assert_eq!(done["todos"][2]["status"], "completed");
    let link = done["pullRequestLink"].as_str().unwrap();
    assert!(
        done["messageToUser"].as_str().unwrap().ends_with(link),
        "{done}"
    );
    assert!(
        done["branch"]
            .as_str()
            .unwrap()
            .starts_with("mintlify/add-a-quickstart-")
    );
    assert_eq!(done["subdomain"], server.project_id());
    assert_eq!(done["title"], "Add a quickstart");
}

#[tokio::test]
async fn a_run_goes_on_when_the_reader_leaves() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(2))
        .start()
        .await
        .unwrap();
    let response = start_run(&server, json!({ "messages": [{ "role": "user", "content": "Add a page" }], "branch": "docs/my-branch" }), None).await;
    let id = header(&response, "x-session-id");
    assert_eq!(header(&response, "x-branch-name"), "docs/my-branch");
    drop(response);
    let mut done = session(&server, &id).await;
    for _ in 0..200 {
        if done["haulted"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        done = session(&server, &id).await;
    }
    assert_eq!(done["haultReason"], "completed");
    assert_eq!(done["branch"], "docs/my-branch");
}

#[tokio::test]
async fn a_failing_run_ends_with_an_error_part_and_reason() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let response = start_run(&server, task("Do it #fail"), None).await;
    let id = header(&response, "x-session-id");
    let body = response.text().await.unwrap();
    assert!(
        body.contains(r#"{"type":"error","errorText":"The agent could not push its branch."}"#),
        "{body}"
    );
    let done = session(&server, &id).await;
    assert_eq!(done["haultReason"], "error");
    assert!(done.get("pullRequestLink").is_none());
}

#[tokio::test]
async fn sessions_are_listed_newest_first_in_pages() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in 0..5 {
        let response = start_run(&server, task(&format!("Task {n}")), None).await;
        ids.push(header(&response, "x-session-id"));
        response.text().await.unwrap();
    }
    ids.reverse();
    let page = |query: &'static str| {
        let server = &server;
        async move {
            let (status, body) = json(
                call(
                    server,
                    Method::GET,
                    &format!("{}/jobs{query}", v1(server)),
                    None,
                )
                .await,
            )
            .await;
            (status, body)
        }
    };
    let ids_of = |body: &Value| -> Vec<String> {
        body["allSessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["sessionId"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, all) = page("").await;
    assert_eq!(status, 200);
    assert_eq!(ids_of(&all), ids);
    assert_eq!(ids_of(&page("?skip=1&take=2").await.1), ids[1..3]);
    assert_eq!(ids_of(&page("?skip=4&take=100").await.1), ids[4..]);
    assert!(ids_of(&page("?skip=5").await.1).is_empty());
    for bad in ["?take=0", "?take=101", "?take=ten", "?skip=-1"] {
        let (status, body) = page(bad).await;
        assert_eq!(status, 400, "{bad}");
        let field = if bad.contains("take") {
            "`take`"
        } else {
            "`skip`"
        };
        assert!(
            body["error"].as_str().unwrap().contains(field),
            "{bad}: {body}"
        );
    }
}

#[tokio::test]
async fn unknown_sessions_are_404() {
    let server = TestServer::start().await.unwrap();
    let (status, body) = json(
        call(
            &server,
            Method::GET,
            &format!("{}/job/sess_nope", v1(&server)),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "Agent session sess_nope not found");
}

#[tokio::test]
async fn padding_makes_a_long_stream_of_valid_events() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .stream_padding(100_000)
        .start()
        .await
        .unwrap();
    let body = start_run(&server, task("x"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(body.len() > 100_000, "{}", body.len());
    let fillers = body
        .matches(r#"{"type":"text-delta","id":"padding","delta":"All work"#)
        .count();
    assert!(
        (24..=26).contains(&fillers),
        "about 4 KiB a block: {fillers}"
    );
    assert!(body.ends_with("data: [DONE]\n\n"));
}
