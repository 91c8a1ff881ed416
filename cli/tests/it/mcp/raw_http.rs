//! A Streamable HTTP client written by hand on reqwest, as a careless or long-running client
//! would be: its requests exactly as sent, SSE events read one by one as they come (ids,
//! `retry`, data), `Last-Event-ID`, `DELETE`. The MCP session tests use it, and so do the
//! benchmarks (`benches/mcp_*.rs`, by path).

use std::time::Duration;

use serde_json::{Value, json};

/// The `initialize` request of a client of protocol 2025-11-25.
pub fn initialize_body() -> Value {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "raw", "version": "1" } },
    })
}

/// One SSE event as the wire has it.
#[derive(Debug, Default)]
pub struct Event {
    pub id: Option<String>,
    pub data: String,
    pub retry: Option<u64>,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or(Value::Null)
    }
}

/// The events of an SSE response, read as they come.
pub struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub fn new(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), 200, "{response:?}");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event; `None` when the stream ends.
    pub async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event::default();
                let mut fields = 0;
                for line in block.lines() {
                    let (name, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match name {
                        "id" => event.id = Some(value.to_owned()),
                        "data" => event.data.push_str(value),
                        "retry" => event.retry = value.parse().ok(),
                        _ => continue, // a comment: keep-alive
                    }
                    fields += 1;
                }
                if fields > 0 {
                    return Some(event);
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(30), self.response.chunk())
                .await
                .expect("an SSE event within 30 s")
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Every event until the stream ends.
    pub async fn all(mut self) -> Vec<Event> {
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            events.push(event);
        }
        events
    }
}

/// A client that speaks Streamable HTTP by hand.
#[derive(Clone)]
pub struct Raw {
    http: reqwest::Client,
    url: String,
}

impl Raw {
    pub fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: url.to_owned(),
        }
    }

    pub fn request(
        &self,
        method: reqwest::Method,
        session: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, &self.url)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25");
        if let Some(session) = session {
            request = request.header("mcp-session-id", session);
        }
        request
    }

    /// `initialize` without anything after it: the session's id.
    pub async fn initialize(&self) -> reqwest::Result<reqwest::Response> {
        self.request(reqwest::Method::POST, None)
            .json(&initialize_body())
            .send()
            .await
    }

    /// A session, initialized as a client does.
    pub async fn session(&self) -> String {
        let response = self.initialize().await.unwrap();
        assert_eq!(response.status(), 200, "initialize: {response:?}");
        let id = response.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let events = Events::new(response).all().await;
        assert!(
            events
                .iter()
                .any(|e| e.json()["result"]["protocolVersion"] == "2025-11-25")
        );
        let initialized = self
            .request(reqwest::Method::POST, Some(&id))
            .json(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
            .send()
            .await
            .unwrap();
        assert_eq!(initialized.status(), 202);
        id
    }

    /// A request in the session; the response as it comes.
    pub async fn post(&self, session: &str, body: Value) -> reqwest::Response {
        self.request(reqwest::Method::POST, Some(session))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A tool call with a progress token.
    pub async fn call(
        &self,
        session: &str,
        id: u64,
        tool: &str,
        arguments: Value,
    ) -> reqwest::Response {
        self.post(
            session,
            json!({
                "jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": { "name": tool, "arguments": arguments, "_meta": { "progressToken": id } },
            }),
        )
        .await
    }

    /// `GET` with `Last-Event-ID`.
    pub async fn resume(&self, session: &str, last_event_id: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, Some(session))
            .header("last-event-id", last_event_id)
            .send()
            .await
            .unwrap()
    }

    /// Whether the server still knows the session (404 when not); when it does, its answer to
    /// the ping is read, so that the ping's call is over when this returns.
    pub async fn alive(&self, session: &str) -> bool {
        let response = self
            .post(
                session,
                json!({ "jsonrpc": "2.0", "id": 99, "method": "ping" }),
            )
            .await;
        match response.status().as_u16() {
            200 => {
                let events = Events::new(response).all().await;
                assert!(
                    events.iter().any(|e| e.json()["id"] == 99),
                    "no answer to the ping: {events:?}"
                );
                true
            }
            404 => false,
            other => panic!("ping: {other}"),
        }
    }

    pub async fn delete(&self, session: &str) -> u16 {
        self.request(reqwest::Method::DELETE, Some(session))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}
