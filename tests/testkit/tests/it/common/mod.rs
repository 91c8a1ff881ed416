//! Helpers shared by the server's own tests: plain reqwest, so that the server is checked
//! independently of the SDK.

#![allow(dead_code, clippy::unwrap_used)]

use mintlify_agent_testkit::TestServer;
use reqwest::{Method, Response};
use serde_json::Value;

/// Sends a request with the server's key.
pub async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    call_with_key(server, server.api_key(), method, path, body).await
}

/// Sends a request with `key`.
pub async fn call_with_key(
    server: &TestServer,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", server.base_url()))
        .bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// The status and JSON body of a reply.
pub async fn json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
    )
}

/// `/v2/agent/{project}/job` of the server's project.
pub fn v2_jobs(server: &TestServer) -> String {
    format!("/v2/agent/{}/job", server.project_id())
}

/// `/v1/agent/{project}` of the server's project.
pub fn v1(server: &TestServer) -> String {
    format!("/v1/agent/{}", server.project_id())
}

/// Sends one HTTP/1.1 request over a bare TCP socket, path exactly as given (an HTTP client
/// would resolve `..` segments before sending), and returns the status and JSON body.
pub async fn raw_request(
    server: &TestServer,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        server.address(),
        server.api_key(),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    let status = reply[9..12].parse().unwrap();
    let (_, body) = reply.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}
