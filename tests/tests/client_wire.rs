//! What the client puts on the wire: the key once, in the `Authorization` header, and its
//! `User-Agent`.

#![allow(clippy::unwrap_used)]

use mintlify_agent::{Client, USER_AGENT};
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
        let body = r#"{"id":"job_1","status":"active"}"#;
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
    assert_eq!(job.id.as_deref(), Some("job_1"));
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
