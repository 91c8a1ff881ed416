//! What the client puts on the wire: the key once, in the `Authorization` header, and its
//! `User-Agent`.

#![allow(clippy::unwrap_used)]

use mintlify_agent::{Client, USER_AGENT};

use crate::support;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "mint_SECRET_do_not_print_0123456789";

#[tokio::test]
async fn the_key_is_sent_once_in_the_authorization_header_with_our_user_agent() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let capture = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            request.extend_from_slice(&buffer[..n]);
        }
        let body = r#"{"id":"job_1","status":"active","createdAt":"2026-11-22T10:00:00Z"}"#;
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(reply.as_bytes()).await.unwrap();
        String::from_utf8(request).unwrap()
    });
    let client = Client::builder()
        .api_key(SECRET)
        .project_id("p")
        .base_url(format!("http://{address}"))
        .build()
        .unwrap();
    let job = client.v2().get_job("job_1").await.unwrap();
    assert_eq!(job.id, "job_1");
    let request = capture.await.unwrap().to_ascii_lowercase();
    assert_eq!(
        request.matches(&SECRET.to_ascii_lowercase()).count(),
        1,
        "{request}"
    );
    assert!(
        request.contains(&format!(
            "\r\nauthorization: bearer {}\r\n",
            SECRET.to_ascii_lowercase()
        )),
        "{request}"
    );
    assert!(
        request.contains(&format!(
            "\r\nuser-agent: {}\r\n",
            USER_AGENT.to_ascii_lowercase()
        )),
        "{request}"
    );
    assert!(USER_AGENT.starts_with("mintlify-agent-rust/"));
}

/// A server that answers every request with a v2 job and keeps what it was sent.
async fn recording_server() -> crate::support::raw::RawServer {
    crate::support::raw::RawServer::replying(crate::support::raw::reply(
        200,
        &[("content-type", "application/json")],
        br#"{"id":"job_1","status":"active","createdAt":"2026-11-22T10:00:00Z"}"#,
    ))
    .await
}

#[tokio::test]
async fn a_users_own_http_client_carries_the_key_per_request_and_its_own_headers() {
    use mintlify_agent::reqwest::header::{HeaderMap, HeaderName, HeaderValue};
    let server = recording_server().await;
    let http = mintlify_agent::http_client_builder()
        .unwrap()
        .default_headers(HeaderMap::from_iter([(
            HeaderName::from_static("x-proxy-token"),
            HeaderValue::from_static("proxy-1"),
        )]))
        .user_agent("someone-else/9")
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(SECRET)
        .project_id("p")
        .base_url(server.base_url())
        .http_client(http)
        .user_agent_suffix("docs-bot/1.2")
        .build()
        .unwrap();
    client.v2().get_job("job_1").await.unwrap();

    let traced = client.with_extra_headers(HeaderMap::from_iter([
        (
            HeaderName::from_static("x-trace-id"),
            HeaderValue::from_static("t-42"),
        ),
        (
            HeaderName::from_static("authorization"),
            HeaderValue::from_static("Bearer mint_someone_elses"),
        ),
    ]));
    traced.v2().get_job("job_1").await.unwrap();
    client.v2().get_job("job_1").await.unwrap();

    let requests = server.requests();
    let expected_agent = format!("{USER_AGENT} docs-bot/1.2");
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {SECRET}").as_str())
        );
        assert_eq!(request.header("x-proxy-token"), Some("proxy-1"));
        assert_eq!(request.header("user-agent"), Some(expected_agent.as_str()));
        let sent = request
            .headers
            .iter()
            .filter(|(name, _)| name == "authorization")
            .count();
        assert_eq!(sent, 1);
    }
    assert_eq!(requests[1].header("x-trace-id"), Some("t-42"));
    assert_eq!(requests[2].header("x-trace-id"), None, "per call only");
}

#[test]
fn a_build_error_converts_into_the_call_error() {
    fn build() -> Result<Client, mintlify_agent::Error> {
        Ok(Client::builder()
            .api_key("not-a-key")
            .project_id("p")
            .build()?)
    }
    let error = build().unwrap_err();
    assert!(
        matches!(error, mintlify_agent::Error::Build(_)),
        "{error:?}"
    );
    assert!(!error.is_transient());
    let bad_agent = Client::builder()
        .api_key(SECRET)
        .project_id("p")
        .user_agent_suffix("new\nline")
        .build()
        .unwrap_err();
    assert!(matches!(
        bad_agent,
        mintlify_agent::BuildError::InvalidUserAgent
    ));
}

/// The environment's proxies carry the crate's own client's requests, and the request's span
/// names the proxy; a user's own HTTP client has its own proxy settings, so its spans name none.
/// A proxy that wants credentials fails the same way every time: a read through it is not sent
/// again. The environment is the process's: the test runs itself again in a child process with
/// the proxies set, and the proxies (servers that answer every request alike) stay in the parent.
#[tokio::test]
async fn the_environments_proxies_carry_the_clients_own_requests_and_are_named() {
    let job = br#"{"id":"job_1","status":"active","createdAt":"2026-11-22T10:00:00Z"}"#;
    let json = ("content-type", "application/json");
    let forward = support::raw::RawServer::replying(support::raw::reply(200, &[json], job)).await;
    let wants_credentials = support::raw::RawServer::replying(
        b"HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic\r\n\
          content-length: 0\r\n\r\n"
            .to_vec(),
    )
    .await;
    let name = "the_environments_proxies_carry_the_clients_own_requests_and_are_named";
    let env = [
        ("HTTP_PROXY", forward.base_url()),
        ("HTTPS_PROXY", wants_credentials.base_url()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if !support::alone_in_a_child_process(module_path!(), name, &env).await {
        let targets = |server: &support::raw::RawServer| -> Vec<String> {
            server
                .requests()
                .into_iter()
                .map(|r| format!("{} {}", r.method, r.target))
                .collect()
        };
        assert_eq!(
            targets(&forward),
            [
                "GET http://agent.invalid/v2/agent/p/job/job_1",
                "GET /v2/agent/p/job/job_1"
            ],
            "the first through the proxy, the second sent to it as a server, directly"
        );
        assert_eq!(
            targets(&wants_credentials),
            ["CONNECT agent.invalid:443"],
            "asked once, not again"
        );
        return;
    }
    // In the child, whose environment names the parent's two servers (the two it started
    // itself go unused).
    let logs = support::Logs::capture();
    let with = |words: &[&str]| {
        logs.lines()
            .iter()
            .filter(|line| words.iter().all(|w| line.contains(w)))
            .count()
    };
    let proxy = std::env::var("HTTP_PROXY").unwrap();
    let own = |base_url: &str| {
        Client::builder()
            .api_key(SECRET)
            .project_id("p")
            .base_url(base_url)
            .allow_insecure_http()
            .retry_policy(support::fast_retries())
            .build()
            .unwrap()
    };
    own("http://agent.invalid")
        .v2()
        .get_job("job_1")
        .await
        .unwrap();
    assert!(
        with(&["mintlify_agent.request", "proxy=", &proxy]) > 0,
        "{:#?}",
        logs.lines()
    );

    let error = own("https://agent.invalid")
        .v2()
        .get_job("job_1")
        .await
        .unwrap_err();
    assert_eq!(
        error.connection_cause(),
        Some(mintlify_agent::ConnectionCause::ProxyAuthRequired),
        "{error:?}"
    );
    assert_eq!(
        with(&[
            "attempt failed",
            "not retried: it fails the same way until the configuration changes"
        ]),
        1,
        "{:#?}",
        logs.lines()
    );

    let users = Client::builder()
        .api_key(SECRET)
        .project_id("p")
        .base_url(&proxy)
        .http_client(
            mintlify_agent::http_client_builder()
                .unwrap()
                .no_proxy()
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let before = with(&["mintlify_agent.request", "proxy="]);
    users.v2().get_job("job_1").await.unwrap();
    assert_eq!(
        with(&["mintlify_agent.request", "proxy="]),
        before,
        "{:#?}",
        logs.lines()
    );
}
