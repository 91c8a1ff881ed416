//! `mintlify-agent mcp`, the built binary driven by rmcp's own client over stdio and
//! Streamable HTTP against the test kit: every tool, tool errors, the cap, progress,
//! cancellation, the Origin rule and the token, a malformed line, and the key kept secret.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mintlify_agent_testkit::{Fault, JobLifecycle, Operation, TestServer};
use proptest::prelude::*;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig,
    ClientRequest, Implementation, JsonRpcMessage, ProgressNotificationParam, ProtocolVersion,
    ServerNotification, ServerResult,
};
use rmcp::service::{PeerRequestOptions, RunningService, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess, Transport};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use crate::harness;

mod raw_http;
mod sessions;

const KEY: &str = "mint_mcp_test_SECRET_key";
const TOOLS: [&str; 7] = [
    "create_job",
    "get_job",
    "send_message",
    "wait_for_job",
    "auth_check",
    "list_sessions",
    "get_session",
];

async fn server(lifecycle: JobLifecycle) -> TestServer {
    harness::server(KEY, lifecycle).await
}

/// Jobs done on their second poll.
async fn quick_server() -> TestServer {
    server(harness::done_after(2)).await
}

/// `mcp ARGS` against `server`, as a child that dies with its handle.
fn command(server: &TestServer, args: &[&str]) -> Command {
    let mut command = harness::cli_on(server, KEY, &["mcp"]);
    command.args(args);
    let mut command = Command::from(command);
    command.kill_on_drop(true);
    command
}

/// A client whose transport keeps every progress notification it reads ([`InOrder`]).
#[derive(Clone, Default)]
struct Recorder {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for Recorder {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("mintlify-agent-mcp-test", "1"),
        )
        .with_protocol_version(ProtocolVersion::V_2025_11_25)
    }
}

/// A transport that records progress notifications as it reads them, so in the order the
/// server sent them and before the response that follows them. rmcp's client runs each
/// notification's handler on a task of its own: handlers may see them out of order, and after
/// the response (which made a_wait_reports_progress_and_stops_when_cancelled flaky under load).
struct InOrder<T> {
    inner: T,
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for InOrder<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        let message = self.inner.receive().await;
        if let Some(JsonRpcMessage::Notification(notification)) = &message
            && let ServerNotification::ProgressNotification(progress) = &notification.notification
        {
            self.progress.lock().unwrap().push(progress.params.clone());
        }
        message
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

type Client = RunningService<RoleClient, Recorder>;

/// The binary on stdio, initialized, with standard error captured.
async fn stdio(server: &TestServer, args: &[&str]) -> (Client, tokio::process::ChildStderr) {
    let (transport, stderr) = TokioChildProcess::builder(command(server, args))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let recorder = Recorder::default();
    let transport = InOrder {
        inner: transport,
        progress: recorder.progress.clone(),
    };
    let client = recorder.serve(transport).await.unwrap();
    (client, stderr.unwrap())
}

async fn call(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("{tool}: a protocol error instead of a result: {e}"))
}

fn structured(result: &CallToolResult) -> &Value {
    result.structured_content.as_ref().unwrap()
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_error(result: &CallToolResult) -> bool {
    result.is_error == Some(true)
}

/// The result as the wire has it, for the check that the key is never in one.
fn wire(result: &CallToolResult) -> String {
    serde_json::to_string(result).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_tool_over_stdio() {
    let server = quick_server().await;
    let started = Instant::now();
    let (client, _stderr) = stdio(&server, &[]).await;
    let tools = client.list_all_tools().await.unwrap();
    eprintln!(
        "start to first tools list (debug build): {:?}",
        started.elapsed()
    );
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, TOOLS);
    for tool in &tools {
        let annotations = tool.annotations.as_ref().unwrap();
        let writes = matches!(tool.name.as_ref(), "create_job" | "send_message");
        assert_eq!(annotations.read_only_hint, Some(!writes), "{}", tool.name);
        assert_eq!(annotations.idempotent_hint, Some(!writes), "{}", tool.name);
        assert_eq!(annotations.destructive_hint, Some(false), "{}", tool.name);
        assert!(tool.output_schema.is_some(), "{}", tool.name);
        assert!(
            tool.description.as_ref().unwrap().len() > 60,
            "{}",
            tool.name
        );
        assert_eq!(tool.input_schema["type"], "object");
    }
    let info = client.peer_info().unwrap();
    assert_eq!(info.protocol_version, ProtocolVersion::V_2025_11_25);

    let mut seen = Vec::new();
    let created = call(
        &client,
        "create_job",
        json!({ "prompt": "Add a quickstart" }),
    )
    .await;
    assert!(!is_error(&created), "{}", text(&created));
    let job = structured(&created).clone();
    assert_eq!(job["status"], "active");
    let id = job["id"].as_str().unwrap().to_owned();
    assert!(text(&created).contains(&id));
    seen.push(created);

    let got = call(&client, "get_job", json!({ "id": id })).await;
    assert_eq!(structured(&got)["id"], id.as_str());
    seen.push(got);

    let waited = call(
        &client,
        "wait_for_job",
        json!({ "id": id, "timeout_seconds": 60 }),
    )
    .await;
    assert!(!is_error(&waited), "{}", text(&waited));
    let outcome = structured(&waited);
    assert_eq!(outcome["finished"], true);
    assert_eq!(outcome["outcome"], "completed");
    let link = outcome["job"]["prLink"].as_str().unwrap();
    assert!(link.starts_with("https://github.com/testkit/"), "{link}");
    assert!(text(&waited).contains(link));
    seen.push(waited);

    let followed = call(
        &client,
        "send_message",
        json!({ "id": id, "prompt": "Also add error handling" }),
    )
    .await;
    assert!(!is_error(&followed), "{}", text(&followed));
    assert_eq!(structured(&followed)["status"], "active");
    seen.push(followed);

    let auth = call(&client, "auth_check", json!({})).await;
    assert!(!is_error(&auth), "{}", text(&auth));
    assert_eq!(structured(&auth)["ok"], true);
    assert_eq!(structured(&auth)["verdict"], "accepted");
    assert_eq!(structured(&auth)["project_id"], server.project_id());
    seen.push(auth);

    // A v1 session, started with the SDK, read through the tools.
    let sdk = mintlify_agent::Client::builder()
        .api_key(KEY)
        .project_id(server.project_id())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let run = sdk.v1().run("Fix the broken links").await.unwrap();
    let session_id = run.session_id().unwrap().to_owned();
    run.collect().await.unwrap();
    let listed = call(&client, "list_sessions", json!({ "limit": 5 })).await;
    assert!(!is_error(&listed), "{}", text(&listed));
    assert_eq!(
        structured(&listed)["sessions"][0]["sessionId"],
        session_id.as_str()
    );
    let session = call(&client, "get_session", json!({ "id": session_id })).await;
    assert!(!is_error(&session), "{}", text(&session));
    assert_eq!(structured(&session)["sessionId"], session_id.as_str());
    seen.push(listed);
    seen.push(session);

    for result in &seen {
        assert!(!wire(result).contains(KEY));
        // The text keeps the JSON for clients that read only text.
        assert!(result.content.len() >= 2);
    }
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn tool_errors_an_agent_can_act_on() {
    let server = quick_server().await;
    let (client, mut stderr) = stdio(&server, &[]).await;
    let before = server.requests().len();
    let mut seen = Vec::new();

    let empty = call(&client, "create_job", json!({ "prompt": " \n\t " })).await;
    assert!(is_error(&empty));
    assert!(
        text(&empty).contains("`prompt` is empty"),
        "{}",
        text(&empty)
    );
    assert_eq!(structured(&empty)["error"]["kind"], "invalid_arguments");
    assert_eq!(structured(&empty)["error"]["retryable"], false);

    for id in ["", ".", ".."] {
        let refused = call(&client, "get_job", json!({ "id": id })).await;
        assert!(is_error(&refused), "{id:?}");
        assert!(
            text(&refused).contains("cannot be empty, `.` or `..`"),
            "{}",
            text(&refused)
        );
        seen.push(refused);
    }
    let wrong_type = call(&client, "create_job", json!({ "prompt": 42 })).await;
    assert!(text(&wrong_type).contains("`prompt` must be a string, not a number"));
    let missing = call(&client, "send_message", json!({ "id": "job_1" })).await;
    assert!(
        text(&missing).contains("`prompt` is missing"),
        "{}",
        text(&missing)
    );
    let unknown = call(
        &client,
        "get_job",
        json!({ "id": "job_1", "verbose": true }),
    )
    .await;
    assert!(
        text(&unknown).contains("unknown argument \"verbose\""),
        "{}",
        text(&unknown)
    );
    let timeout = call(
        &client,
        "wait_for_job",
        json!({ "id": "job_1", "timeout_seconds": "60" }),
    )
    .await;
    assert!(
        text(&timeout).contains("must be a number of seconds"),
        "{}",
        text(&timeout)
    );
    let huge = call(
        &client,
        "create_job",
        json!({ "prompt": "x".repeat(1_100_000) }),
    )
    .await;
    assert!(text(&huge).contains("1100000 bytes"), "{}", text(&huge));
    for result in [wrong_type, missing, unknown, timeout, huge, empty] {
        assert!(is_error(&result));
        seen.push(result);
    }
    assert_eq!(server.requests().len(), before, "nothing was sent");

    // A path-like id stays one path segment, and its 404 is a result naming the job.
    let path_like = "../../v1/agent/other/jobs";
    let not_found = call(&client, "get_job", json!({ "id": path_like })).await;
    assert!(is_error(&not_found));
    let error = &structured(&not_found)["error"];
    assert_eq!(error["kind"], "not_found");
    assert_eq!(error["status"], 404);
    assert_eq!(error["job_id"], path_like);
    assert_eq!(error["retryable"], false);
    assert!(text(&not_found).contains("Retrying will not help"));
    let last = server.requests().last().unwrap().clone();
    assert_eq!(
        last.path,
        format!(
            "/v2/agent/{}/job/..%2F..%2Fv1%2Fagent%2Fother%2Fjobs",
            server.project_id()
        )
    );
    seen.push(not_found);

    // 429 with a Retry-After longer than the client waits: at once, with the time to wait.
    server.inject(Fault::rate_limited(120).on(Operation::V2CreateJob).times(1));
    let limited = call(&client, "create_job", json!({ "prompt": "Add a page" })).await;
    assert!(is_error(&limited));
    let error = &structured(&limited)["error"];
    assert_eq!(error["kind"], "rate_limited");
    assert_eq!(error["status"], 429);
    assert_eq!(error["retry_after_seconds"], 120);
    assert_eq!(error["retryable"], true);
    assert!(
        text(&limited).contains("retrying can help after 120 s"),
        "{}",
        text(&limited)
    );
    seen.push(limited);

    // The server is alive after all of it, and the key was in none of it.
    let created = call(&client, "create_job", json!({ "prompt": "Add a page" })).await;
    assert!(!is_error(&created), "{}", text(&created));
    for result in &seen {
        assert!(!wire(result).contains(KEY));
    }
    let unknown_tool = client
        .call_tool(CallToolRequestParams::new("delete_everything"))
        .await;
    assert!(unknown_tool.is_err(), "an unknown tool is a protocol error");
    client.cancel().await.unwrap();
    let mut logged = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut logged)
        .await
        .unwrap();
    assert!(
        logged.contains("mintlify-agent mcp: serving on stdio"),
        "{logged}"
    );
    assert!(!logged.contains(KEY), "{logged}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cap_refuses_creations_past_it() {
    let server = quick_server().await;
    let (client, _stderr) = stdio(&server, &["--max-creations", "2"]).await;
    let first = call(&client, "create_job", json!({ "prompt": "One" })).await;
    let id = structured(&first)["id"].as_str().unwrap().to_owned();
    // A refusal by the API (404) is not counted: the server cannot have acted on it.
    let refused = call(
        &client,
        "send_message",
        json!({ "id": "job_nope", "prompt": "x" }),
    )
    .await;
    assert_eq!(structured(&refused)["error"]["kind"], "not_found");
    let second = call(
        &client,
        "send_message",
        json!({ "id": id, "prompt": "Two" }),
    )
    .await;
    assert!(!is_error(&second), "{}", text(&second));
    let posts = |server: &TestServer| {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };
    let sent = posts(&server);

    for (tool, arguments) in [
        ("create_job", json!({ "prompt": "Three" })),
        ("send_message", json!({ "id": id, "prompt": "Three" })),
    ] {
        let capped = call(&client, tool, arguments).await;
        assert!(is_error(&capped));
        assert_eq!(structured(&capped)["error"]["kind"], "cap_reached");
        let message = text(&capped);
        assert!(message.contains("--max-creations 2"), "{message}");
        assert!(message.contains("higher --max-creations N"), "{message}");
        assert!(message.contains(&id), "names the jobs: {message}");
    }
    assert_eq!(posts(&server), sent, "nothing sent past the cap");
    // Reads go on.
    let got = call(&client, "get_job", json!({ "id": id })).await;
    assert!(!is_error(&got));
    client.cancel().await.unwrap();
}

/// Sends `wait_for_job` with a progress token (rmcp's client adds one), cancellable.
async fn start_wait(
    client: &Client,
    id: &str,
    timeout: u64,
) -> rmcp::service::RequestHandle<RoleClient> {
    let Value::Object(arguments) = json!({ "id": id, "timeout_seconds": timeout }) else {
        unreachable!()
    };
    client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(CallToolRequest::new(
                CallToolRequestParams::new("wait_for_job").with_arguments(arguments),
            )),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wait_reports_progress_and_stops_when_cancelled() {
    // Done on the third poll: two changes at least (active, then completed).
    let server = server(JobLifecycle {
        polls: Some(3),
        after: None,
    })
    .await;
    let (client, _stderr) = stdio(&server, &[]).await;
    let created = call(&client, "create_job", json!({ "prompt": "Add a page" })).await;
    let id = structured(&created)["id"].as_str().unwrap().to_owned();
    let handle = start_wait(&client, &id, 120).await;
    let token = handle.progress_token.clone();
    let ServerResult::CallToolResult(result) = handle.await_response().await.unwrap() else {
        panic!("not a tool result")
    };
    assert_eq!(
        structured(&result)["outcome"],
        "completed",
        "{}",
        text(&result)
    );
    let progress = client.service().progress.lock().unwrap().clone();
    let messages: Vec<&str> = progress
        .iter()
        .filter_map(|p| p.message.as_deref())
        .collect();
    assert!(progress.iter().all(|p| p.progress_token == token));
    assert_eq!(
        messages.first(),
        Some(&format!("job {id}: active").as_str())
    );
    assert_eq!(
        messages.last(),
        Some(&format!("job {id}: completed").as_str())
    );
    assert!(progress.windows(2).all(|w| w[0].progress < w[1].progress));
    assert!(progress.iter().all(|p| p.total == Some(120.0)));

    // A job that never ends: the wait is cancelled, and polling stops with it.
    let slow = server_never_done().await;
    let (client, _stderr) = stdio(&slow, &[]).await;
    let created = call(&client, "create_job", json!({ "prompt": "Add a page" })).await;
    let id = structured(&created)["id"].as_str().unwrap().to_owned();
    let handle = start_wait(&client, &id, 600).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let gets = |server: &TestServer| {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "GET")
            .count()
    };
    assert!(gets(&slow) >= 1, "the wait polled");
    handle
        .cancel(Some("the user moved on".to_owned()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after_cancel = gets(&slow);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(gets(&slow), after_cancel, "no poll after the cancellation");
    let got = call(&client, "get_job", json!({ "id": id })).await;
    assert_eq!(structured(&got)["status"], "active", "the server is alive");

    // At its deadline a wait says the job still runs: not an error.
    let short = call(
        &client,
        "wait_for_job",
        json!({ "id": id, "timeout_seconds": 1 }),
    )
    .await;
    assert!(!is_error(&short), "{}", text(&short));
    assert_eq!(structured(&short)["finished"], false);
    assert_eq!(structured(&short)["outcome"], "still_running");
    assert_eq!(structured(&short)["job"]["status"], "active");
    assert!(text(&short).contains("still active"), "{}", text(&short));
    client.cancel().await.unwrap();
}

async fn server_never_done() -> TestServer {
    server(JobLifecycle {
        polls: None,
        after: Some(Duration::from_secs(3600)),
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_line_is_answered_and_the_server_lives_on() {
    let server = quick_server().await;
    let mut child = command(&server, &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut send = async |line: &str| {
        stdin.write_all(line.as_bytes()).await.unwrap();
        stdin.write_all(b"\n").await.unwrap();
        stdin.flush().await.unwrap();
    };
    let mut next = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(10), stdout.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    };
    send(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#).await;
    assert_eq!(next().await["result"]["protocolVersion"], "2025-11-25");
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).await;

    send(r#"{"jsonrpc":"2.0","id":2,"method":"tools/list""#).await;
    let parse = next().await;
    assert_eq!(parse["error"]["code"], -32700, "{parse}");
    assert!(parse["id"].is_null());
    send("\u{1b}[2J not json at all \u{0}").await;
    assert_eq!(next().await["error"]["code"], -32700);
    send(r#"{"jsonrpc":"2.0","id":3,"method":42}"#).await;
    assert_eq!(next().await["error"]["code"], -32600);

    send(r#"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#).await;
    let listed = next().await;
    assert_eq!(listed["id"], 4);
    assert_eq!(
        listed["result"]["tools"].as_array().unwrap().len(),
        TOOLS.len()
    );
    // A tool called with arguments of the wrong shape is a result, not a protocol error.
    send(r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_job","arguments":{"id":["a"]}}}"#).await;
    let called = next().await;
    assert_eq!(called["result"]["isError"], true, "{called}");
    drop(stdin);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.success(),
        "the end of input ends the server: {status}"
    );
}

/// The binary on HTTP: the child and the URL it prints on standard error.
async fn http(
    server: &TestServer,
    args: &[&str],
    token: Option<&str>,
) -> (tokio::process::Child, String) {
    let mut command = command(server, &[&["--http", "127.0.0.1:0"], args].concat());
    if let Some(token) = token {
        command.env("MINTLIFY_MCP_TOKEN", token);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), stderr.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.ends_with("/mcp"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    // Keep standard error drained.
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
    (child, url)
}

fn initialize_body() -> Value {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "raw", "version": "1" } },
    })
}

async fn post(url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize_body());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn over_http_with_rmcp_client_and_the_origin_rule() {
    let server = quick_server().await;
    let (_child, url) = http(&server, &[], None).await;
    let transport = StreamableHttpClientTransport::from_uri(url.clone());
    let client = Recorder::default().serve(transport).await.unwrap();
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), TOOLS.len());
    let created = call(
        &client,
        "create_job",
        json!({ "prompt": "Add a quickstart" }),
    )
    .await;
    let id = structured(&created)["id"].as_str().unwrap().to_owned();
    let waited = call(&client, "wait_for_job", json!({ "id": id })).await;
    assert_eq!(
        structured(&waited)["outcome"],
        "completed",
        "{}",
        text(&waited)
    );
    let empty = call(&client, "create_job", json!({ "prompt": "" })).await;
    assert!(is_error(&empty));
    client.cancel().await.unwrap();

    for origin in [
        "https://evil.example",
        "null",
        "http://localhost.evil.example:80",
    ] {
        let refused = post(&url, &[("origin", origin)]).await;
        assert_eq!(refused.status(), 403, "{origin}");
    }
    for origin in [
        "http://localhost:3000",
        "http://127.0.0.1:5173",
        "http://[::1]:8080",
    ] {
        let allowed = post(&url, &[("origin", origin)]).await;
        assert_eq!(allowed.status(), 200, "{origin}");
    }
    assert_eq!(
        post(&url, &[]).await.status(),
        200,
        "no Origin: not a browser"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_guards_every_http_request() {
    let server = quick_server().await;
    let token = "0123456789abcdef-test-token";
    let (_child, url) = http(&server, &[], Some(token)).await;
    assert_eq!(post(&url, &[]).await.status(), 401);
    let wrong = post(
        &url,
        &[("authorization", "Bearer 0123456789abcdef-test-tokeN")],
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().contains_key("www-authenticate"));
    // The Origin rule holds whatever the token.
    let bearer = format!("Bearer {token}");
    let page = post(
        &url,
        &[
            ("authorization", &bearer),
            ("origin", "https://evil.example"),
        ],
    )
    .await;
    assert_eq!(page.status(), 403);

    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url).auth_header(token),
    );
    let client = Recorder::default().serve(transport).await.unwrap();
    let auth = call(&client, "auth_check", json!({})).await;
    assert_eq!(structured(&auth)["ok"], true, "{}", text(&auth));
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_refused_before_serving() {
    let server = quick_server().await;
    let run = |args: &[&str], token: Option<&str>| {
        let mut command = command(&server, args);
        if let Some(token) = token {
            command.env("MINTLIFY_MCP_TOKEN", token);
        }
        command.stdin(Stdio::null()).output()
    };
    let remote = run(&["--http", "0.0.0.0:0"], None).await.unwrap();
    assert_eq!(remote.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&remote.stderr).contains("--allow-remote"));
    let no_token = run(&["--http", "0.0.0.0:0", "--allow-remote"], None)
        .await
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("MINTLIFY_MCP_TOKEN"));
    let short = run(&["--http", "0.0.0.0:0", "--allow-remote"], Some("short"))
        .await
        .unwrap();
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 16"));
    let mut stdin_key = command(&server, &[]);
    stdin_key.arg("--api-key-stdin");
    let stdin_key = stdin_key.stdin(Stdio::null()).output().await.unwrap();
    assert_eq!(stdin_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&stdin_key.stderr).contains("MINTLIFY_API_KEY instead"));
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_check_says_what_is_wrong() {
    let server = quick_server().await;
    let mut wrong_key = command(&server, &[]);
    wrong_key.env("MINTLIFY_API_KEY", "mint_not_the_right_key_0000");
    let transport = TokioChildProcess::builder(wrong_key)
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
        .0;
    let client = Recorder::default().serve(transport).await.unwrap();
    let auth = call(&client, "auth_check", json!({})).await;
    assert!(!is_error(&auth), "the check worked: {}", text(&auth));
    let report = structured(&auth);
    assert_eq!(report["ok"], false);
    assert_eq!(report["verdict"], "refused");
    assert_eq!(report["retryable"], false);
    assert!(text(&auth).contains("MINTLIFY_API_KEY"), "{}", text(&auth));
    assert!(!wire(&auth).contains("mint_not_the_right_key_0000"));
    // Nothing was created by the check.
    assert!(server.requests().iter().all(|r| r.method == "GET"));
    client.cancel().await.unwrap();
}

#[cfg(feature = "fake")]
#[tokio::test(flavor = "multi_thread")]
async fn fake_mode_serves_without_a_key() {
    let mut command = Command::from(harness::binary());
    command
        .args(["--fake", "mcp"])
        .env_remove("MINTLIFY_API_KEY")
        .kill_on_drop(true);
    let transport = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
        .0;
    let client = Recorder::default().serve(transport).await.unwrap();
    let created = call(
        &client,
        "create_job",
        json!({ "prompt": "Add a quickstart" }),
    )
    .await;
    let id = structured(&created)["id"].as_str().unwrap().to_owned();
    let waited = call(
        &client,
        "wait_for_job",
        json!({ "id": id, "timeout_seconds": 30 }),
    )
    .await;
    assert_eq!(
        structured(&waited)["outcome"],
        "completed",
        "{}",
        text(&waited)
    );
    client.cancel().await.unwrap();
}

/// Any arguments an agent may send (wrong types, control characters, path-like ids, nesting)
/// get a tool result, never a protocol error or a dead server, and never the key.
#[test]
fn any_arguments_get_a_result() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(server_never_done());
    let (client, _stderr) = runtime.block_on(stdio(&server, &["--max-creations", "3"]));
    let value = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::from),
        "(\\.\\./|%2e|/|\\\\|\u{0}|\u{1b}|\u{202e}|job_1){0,6}".prop_map(Value::from),
    ]
    .prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let arguments = proptest::collection::btree_map(
        prop_oneof![
            Just("id".to_owned()),
            Just("prompt".to_owned()),
            Just("timeout_seconds".to_owned()),
            "[a-z]{1,6}"
        ],
        value,
        0..4,
    );
    let tool = proptest::sample::select(TOOLS.to_vec());
    let config = ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(tool in tool, arguments in arguments)| {
        let mut arguments: serde_json::Map<String, Value> = arguments.into_iter().collect();
        if tool == "wait_for_job" {
            // Keep each case short: a job of this server never ends.
            arguments.insert("timeout_seconds".to_owned(), json!(1));
        }
        let result = runtime.block_on(client.call_tool(
            CallToolRequestParams::new(tool).with_arguments(arguments.clone()),
        ));
        let result = result.map_err(|e| TestCaseError::fail(format!("{tool} {arguments:?}: {e}")))?;
        prop_assert!(!wire(&result).contains(KEY));
        if is_error(&result) {
            prop_assert!(!text(&result).is_empty());
            prop_assert!(structured(&result)["error"]["kind"].is_string());
        }
    });
    let alive = runtime.block_on(client.list_all_tools()).unwrap();
    assert_eq!(alive.len(), TOOLS.len());
    runtime.block_on(client.cancel()).unwrap();
}
