//! Every operation of both generated clients, over real HTTP against a small server on
//! 127.0.0.1 that checks what it receives and answers the way the specs say Mintlify does.
//! (The full local Mintlify server is the test kit, `tests/testkit/`.)

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use futures::TryStreamExt;
use mintlify_agent::{v1, v2};
use serde_json::{Value, json};

const KEY: &str = "mint_smoke_test_key";

/// What the server saw: `METHOD path?query` and the JSON body, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, Value)>>>);

impl Seen {
    fn push(&self, request: String, body: Value) {
        self.0.lock().unwrap().push((request, body));
    }
    fn all(&self) -> Vec<(String, Value)> {
        self.0.lock().unwrap().clone()
    }
}

fn authorized(headers: &HeaderMap) -> Result<(), (StatusCode, Json<Value>)> {
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(value) if value == format!("Bearer {KEY}") => Ok(()),
        _ => Err((
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "Invalid API key" })),
        )),
    }
}

fn job(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "status": status,
        "source": { "repository": "https://github.com/acme/docs", "ref": "agent/quickstart" },
        "model": "sonnet",
        "prLink": null,
        "createdAt": "2026-11-22T10:00:00Z",
        "archivedAt": null,
    })
}

async fn v1_create(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Path(project): Path<String>,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    if let Err(denied) = authorized(&headers) {
        return denied.into_response();
    }
    seen.push(format!("POST /v1/agent/{project}/job"), body);
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::HeaderName::from_static("x-session-id"), "sess_1"),
            (header::HeaderName::from_static("x-branch-name"), "agent/quickstart"),
        ],
        "data: {\"type\":\"start\"}\n\ndata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"Hi\"}\n\ndata: [DONE]\n\n",
    )
        .into_response()
}

async fn v1_get(
    State(seen): State<Seen>,
    Path((project, id)): Path<(String, String)>,
) -> impl IntoResponse {
    seen.push(format!("GET /v1/agent/{project}/job/{id}"), Value::Null);
    if id != "sess_1" {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "Session not found" })),
        );
    }
    (
        StatusCode::OK,
        Json(json!({
            "sessionId": id,
            "subdomain": "acme",
            "branch": null,
            "haulted": true,
            "haultReason": "github_missconfigured",
            "todos": [{ "id": "1", "content": "Write it", "status": "in_progress", "priority": "high" }],
            "createdAt": "2024-03-15T10:30:00.000Z",
        })),
    )
}

async fn v1_list(
    State(seen): State<Seen>,
    Path(project): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> impl IntoResponse {
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    seen.push(
        format!("GET /v1/agent/{project}/jobs?{}", query.join("&")),
        Value::Null,
    );
    Json(
        json!({ "allSessions": [{ "sessionId": "sess_1", "haulted": false, "haultReason": "processing" }] }),
    )
}

async fn v2_create(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Path(project): Path<String>,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    if let Err(denied) = authorized(&headers) {
        return denied.into_response();
    }
    seen.push(format!("POST /v2/agent/{project}/job"), body);
    (StatusCode::CREATED, Json(job("job_1", "active"))).into_response()
}

async fn v2_get(
    State(seen): State<Seen>,
    Path((project, id)): Path<(String, String)>,
) -> impl IntoResponse {
    seen.push(format!("GET /v2/agent/{project}/job/{id}"), Value::Null);
    // A status this client does not know, and a field it has never heard of.
    let mut reply = job(&id, "queued_for_review");
    reply["reviewer"] = json!({ "name": "somebody" });
    Json(reply)
}

async fn v2_message(
    State(seen): State<Seen>,
    Path((project, id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    seen.push(format!("POST /v2/agent/{project}/job/{id}/message"), body);
    let mut reply = job(&id, "active");
    reply["prLink"] = json!("https://github.com/acme/docs/pull/7");
    Json(reply)
}

/// Starts the server on an ephemeral port of 127.0.0.1 and returns its base URL.
async fn serve(seen: Seen) -> String {
    let app = Router::new()
        .route("/v1/agent/{project}/job", post(v1_create))
        .route("/v1/agent/{project}/job/{id}", get(v1_get))
        .route("/v1/agent/{project}/jobs", get(v1_list))
        .route("/v2/agent/{project}/job", post(v2_create))
        .route("/v2/agent/{project}/job/{id}", get(v2_get))
        .route("/v2/agent/{project}/job/{id}/message", post(v2_message))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

fn http(key: &str) -> reqwest::Client {
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).unwrap();
    value.set_sensitive(true);
    // This crate's builder: with `rustls-ring`, a bare reqwest builder has no TLS provider.
    mintlify_agent::http_client_builder()
        .unwrap()
        .default_headers(
            [(reqwest::header::AUTHORIZATION, value)]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_v1_operation() {
    let seen = Seen::default();
    let base = serve(seen.clone()).await;
    let client = v1::Client::new_with_client(&base, http(KEY));

    let request = v1::types::CreateJobRequest::builder()
        .messages(vec![v1::types::Message {
            role: v1::types::MessageRole::User,
            content: "Add a quickstart".into(),
        }])
        .model(v1::types::Model::Opus);
    let response = client
        .create_job()
        .project_id("proj")
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-session-id"], "sess_1");
    assert_eq!(response.headers()["x-branch-name"], "agent/quickstart");
    let body: Vec<u8> = response
        .into_inner()
        .into_inner()
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await
        .unwrap();
    assert!(
        String::from_utf8(body)
            .unwrap()
            .ends_with("data: [DONE]\n\n")
    );

    let session = client
        .get_job()
        .project_id("proj")
        .id("sess_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(session.session_id, "sess_1");
    assert_eq!(
        session.hault_reason,
        Some(v1::types::HaltReason::GithubMissconfigured)
    );
    assert_eq!(
        session.todos[0].status,
        Some(v1::types::TodoStatus::InProgress)
    );
    assert_eq!(session.branch, None);

    let missing = client
        .get_job()
        .project_id("proj")
        .id("nope")
        .send()
        .await
        .unwrap_err();
    let v1::Error::ErrorResponse(missing) = missing else {
        panic!("{missing:?}")
    };
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.error.as_deref(), Some("Session not found"));

    let take = std::num::NonZeroU64::new(50).unwrap();
    let page = client
        .list_jobs()
        .project_id("proj")
        .skip(100)
        .take(take)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.all_sessions.len(), 1);
    assert_eq!(
        page.all_sessions[0].hault_reason,
        Some(v1::types::HaltReason::Processing)
    );

    let seen = seen.all();
    assert_eq!(seen[0].0, "POST /v1/agent/proj/job");
    assert_eq!(
        seen[0].1,
        json!({ "messages": [{ "role": "user", "content": "Add a quickstart" }], "asDraft": false, "model": "opus" })
    );
    assert_eq!(seen[1].0, "GET /v1/agent/proj/job/sess_1");
    assert_eq!(seen[3].0, "GET /v1/agent/proj/jobs?skip=100&take=50");
}

#[tokio::test]
async fn every_v2_operation() {
    let seen = Seen::default();
    let base = serve(seen.clone()).await;
    let client = v2::Client::new_with_client(&base, http(KEY));

    let created = client
        .create_job()
        .project_id("proj")
        .body(v2::types::CreateJobRequest::builder().prompt("Add a quickstart"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created = created.into_inner();
    assert_eq!(created.status, Some(v2::types::JobStatus::Active));
    assert_eq!(
        created.source.as_ref().and_then(|s| s.ref_.as_deref()),
        Some("agent/quickstart")
    );
    assert_eq!(created.pr_link, None);

    // An unknown status passes through, and the unknown field is ignored.
    let job = client
        .get_job()
        .project_id("proj")
        .id("job_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        job.status,
        Some(v2::types::JobStatus::Unknown("queued_for_review".into()))
    );
    assert_eq!(
        job.status.as_ref().unwrap().to_string(),
        "queued_for_review"
    );

    let job = client
        .send_message()
        .project_id("proj")
        .id("job_1")
        .body(v2::types::SendMessageRequest::builder().prompt("Also add error handling"))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        job.pr_link.as_deref(),
        Some("https://github.com/acme/docs/pull/7")
    );

    let seen = seen.all();
    assert_eq!(
        seen[0],
        (
            "POST /v2/agent/proj/job".to_owned(),
            json!({ "prompt": "Add a quickstart" })
        )
    );
    assert_eq!(seen[1].0, "GET /v2/agent/proj/job/job_1");
    assert_eq!(
        seen[2],
        (
            "POST /v2/agent/proj/job/job_1/message".to_owned(),
            json!({ "prompt": "Also add error handling" })
        )
    );
}

#[tokio::test]
async fn an_empty_prompt_is_refused_before_any_request() {
    let seen = Seen::default();
    let base = serve(seen.clone()).await;
    let client = v2::Client::new_with_client(&base, http(KEY));
    let error = client
        .create_job()
        .project_id("proj")
        .body(v2::types::CreateJobRequest::builder().prompt(""))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, v2::Error::InvalidRequest(_)), "{error:?}");
    assert!(seen.all().is_empty());
}

#[tokio::test]
async fn a_wrong_key_gets_the_servers_error_body() {
    let base = serve(Seen::default()).await;
    let client = v2::Client::new_with_client(&base, http("mint_wrong"));
    let error = client
        .create_job()
        .project_id("proj")
        .body(v2::types::CreateJobRequest::builder().prompt("x"))
        .send()
        .await
        .unwrap_err();
    let v2::Error::ErrorResponse(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.status(), 401);
    assert_eq!(error.error.as_deref(), Some("Invalid API key"));
}

#[test]
fn open_enums_round_trip_known_and_unknown_values() {
    use v2::types::JobStatus;
    for (wire, value) in [
        ("\"active\"", JobStatus::Active),
        ("\"failed\"", JobStatus::Failed),
        ("\"paused\"", JobStatus::Unknown("paused".into())),
    ] {
        let parsed: JobStatus = serde_json::from_str(wire).unwrap();
        assert_eq!(parsed, value);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), wire);
        assert_eq!(format!("\"{parsed}\""), wire);
        assert_eq!(wire.trim_matches('"').parse::<JobStatus>().unwrap(), value);
    }
    assert_eq!(
        v1::types::HaltReason::from("github_missconfigured").as_str(),
        "github_missconfigured"
    );
    assert!(
        serde_json::from_str::<JobStatus>("42").is_err(),
        "a number is still not a status"
    );
}

/// Answers any request with a body both clients accept, and records its path as sent.
async fn record_raw_path(State(seen): State<Seen>, uri: axum::http::Uri) -> impl IntoResponse {
    seen.push(uri.path().to_owned(), Value::Null);
    if uri.path().starts_with("/v1/") {
        Json(json!({ "sessionId": "sess_1" }))
    } else {
        Json(job("job_1", "active"))
    }
}

/// Reverses percent-encoding; `None` on a malformed escape or bytes that are not UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut rest = raw.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// `raw` has the segments of `template`, and each `{parameter}` segment decodes to `value`.
fn assert_in_own_segments(template: &str, raw: &str, value: &str) {
    let expected: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = raw.split('/').collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "{value:?} was sent as {raw}, not in the segments of {template}"
    );
    for (segment, template_segment) in got.iter().zip(&expected) {
        if template_segment.starts_with('{') {
            assert_eq!(percent_decode(segment).as_deref(), Some(value), "{raw}");
            assert!(
                segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{value:?} was sent as {segment}"
            );
        } else {
            assert_eq!(segment, template_segment, "{raw}");
        }
    }
}

/// Path values never leave their segment: not through `\` (read as `/` by URL parsers), `/`,
/// `?`, `#`, escapes, control characters or non-ASCII. (`.`, `..` and empty values are refused
/// by the hand-written layer; no encoding can keep them from being dot segments.)
#[tokio::test]
async fn path_values_stay_in_their_own_segment() {
    let seen = Seen::default();
    let app = Router::new()
        .fallback(record_raw_path)
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let v1 = v1::Client::new_with_client(&base, http(KEY));
    let v2 = v2::Client::new_with_client(&base, http(KEY));

    let hostile = [
        r"..\..\..\..\v1\agent\other\jobs",
        r"a\b",
        "../x",
        "a/b?c#d",
        "%5C",
        "%2e%2e",
        "é",
        "\u{0}\t\r\n\u{7f}",
        "a b",
        "!$&'()*+,;=:@[]{}|^`\"<>",
        "job_1",
    ];
    for value in hostile {
        v1.get_job()
            .project_id(value)
            .id(value)
            .send()
            .await
            .unwrap();
        v2.get_job()
            .project_id(value)
            .id(value)
            .send()
            .await
            .unwrap();
        v2.send_message()
            .project_id(value)
            .id(value)
            .body(v2::types::SendMessageRequest::builder().prompt("x"))
            .send()
            .await
            .unwrap();
        let seen = seen.all();
        let [.., (v1_get, _), (v2_get, _), (v2_message, _)] = seen.as_slice() else {
            panic!("{seen:?}")
        };
        assert_in_own_segments("/v1/agent/{projectId}/job/{id}", v1_get, value);
        assert_in_own_segments("/v2/agent/{projectId}/job/{id}", v2_get, value);
        assert_in_own_segments("/v2/agent/{projectId}/job/{id}/message", v2_message, value);
    }
    // The issue's example, byte for byte.
    assert_eq!(
        seen.all()[1].0,
        "/v2/agent/..%5C..%5C..%5C..%5Cv1%5Cagent%5Cother%5Cjobs/job/..%5C..%5C..%5C..%5Cv1%5Cagent%5Cother%5Cjobs"
    );
}
