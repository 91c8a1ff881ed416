//! Helpers shared by the server's own tests: plain reqwest, so that the server is checked
//! independently of the SDK.

#![allow(dead_code, clippy::unwrap_used)]

use mintlify_agent_testkit::TestServer;
use reqwest::{Method, Response};
use serde_json::Value;

/// Sends a request with the server's key.
pub async fn call(server: &TestServer, method: Method, path: &str, body: Option<Value>) -> Response {
    call_with_key(server, server.api_key(), method, path, body).await
}

/// Sends a request with `key`.
pub async fn call_with_key(server: &TestServer, key: &str, method: Method, path: &str, body: Option<Value>) -> Response {
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
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")))
}

/// `/v2/agent/{project}/job` of the server's project.
pub fn v2_jobs(server: &TestServer) -> String {
    format!("/v2/agent/{}/job", server.project_id())
}

/// `/v1/agent/{project}` of the server's project.
pub fn v1(server: &TestServer) -> String {
    format!("/v1/agent/{}", server.project_id())
}
