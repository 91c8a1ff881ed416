//! A tool that only the official MCP conformance suite calls, listed with the hidden flag
//! `--conformance-tools` (CI's run of the suite, `.ci/run`): `test_reconnection`.
//!
//! The suite's `server-sse-polling` scenario (SEP-1699) calls it and expects the server to
//! close the call's SSE stream mid-call, then to deliver the result on the stream the client
//! resumes with `Last-Event-ID`. It goes through the same replay buffer as every call
//! (`replay.rs`), which is what the scenario is there to check.

use std::sync::Arc;
use std::time::Duration;

use axum::http::request::Parts;
use rmcp::RoleServer;
use rmcp::model::{CallToolResult, ContentBlock, Tool};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::SessionId;
use serde_json::json;

use super::session::Sessions;

/// The tool's name, as the suite calls it.
pub(crate) const TEST_RECONNECTION: &str = "test_reconnection";

/// The suite's tools.
pub(crate) fn tools() -> Vec<Tool> {
    let serde_json::Value::Object(schema) = json!({ "type": "object", "properties": {} }) else {
        return Vec::new();
    };
    vec![Tool::new(
        TEST_RECONNECTION,
        "Conformance test only: closes this call's SSE stream mid-call, then answers on the \
         stream the client resumes with Last-Event-ID (SEP-1699).",
        Arc::new(schema),
    )]
}

/// Closes the call's stream, waits a little, and answers.
pub(crate) async fn test_reconnection(context: &RequestContext<RoleServer>) -> CallToolResult {
    // The HTTP request's parts: `http.rs` puts the sessions in its extensions.
    let closed = context.extensions.get::<Parts>().is_some_and(|parts| {
        let sessions = parts.extensions.get::<Arc<Sessions>>();
        let session = parts
            .headers
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok());
        match (sessions, session) {
            (Some(sessions), Some(session)) => {
                sessions.disconnect(&SessionId::from(session), &context.id)
            }
            _ => false,
        }
    });
    // The answer comes after the stream closed: the client gets it by resuming.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let text = if closed {
        "Reconnection test completed: the stream was closed mid-call, and this result was sent \
         after it."
    } else {
        "Reconnection test completed without a stream to close (not over HTTP)."
    };
    CallToolResult::success(vec![ContentBlock::text(text)])
}
