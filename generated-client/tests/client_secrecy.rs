//! The key is a secret: it appears in no `Debug` output, error message or log line, whatever
//! goes wrong.
//!
//! A test binary of its own, not a module of `tests/it/`: its subscriber is per-thread
//! (`set_default`), but tracing caches each callsite's interest for the whole process, computed
//! on the thread that reaches it first. A suite running beside it on a thread with no subscriber
//! would cache the SDK's callsites as disabled, and the spans this test reads would never be
//! written.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mintlify_agent::v1::types::{CreateJobRequest, Message, MessageRole};
use mintlify_agent::{Client, Error, RetryPolicy};
use mintlify_agent_testkit::{Fault, FaultKind, Operation, TestServer};

const SECRET: &str = "mint_SECRET_do_not_print_0123456789";

/// Everything tracing writes, at every level, from every crate.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn error_text(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n{error:#?}\n");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    text
}

#[tokio::test(flavor = "current_thread")]
async fn the_key_is_in_no_error_debug_output_or_log() {
    // Every call below ends in well under a second; a retry layer that resent for ever would
    // hang the suite instead of failing it.
    tokio::time::timeout(Duration::from_secs(30), the_key_is_nowhere())
        .await
        .expect("every call ended within 30 s");
}

async fn the_key_is_nowhere() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::builder()
        .key(SECRET)
        .read_only_key("mint_reader")
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .api_key(SECRET)
        .project_id(server.project_id())
        .base_url(server.base_url())
        .retry_policy(
            RetryPolicy::default().delays(Duration::from_millis(5), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let mut texts = vec![format!("{client:?}"), format!("{client:#?}")];

    // Success, then every kind of failure.
    let id = client.v2().create_job("x").await.unwrap().id;
    let mut errors = Vec::new();
    errors.push(client.v2().create_job("").await.unwrap_err());
    errors.push(client.v2().get_job("nope").await.unwrap_err());
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(3));
    errors.push(client.v2().get_job(&id).await.unwrap_err());
    server.inject(
        Fault::rate_limited(600)
            .on(Operation::V2SendMessage)
            .times(1),
    );
    errors.push(client.v2().send_message(&id, "more").await.unwrap_err());
    server.inject(
        Fault::new(FaultKind::NonJsonBody)
            .on(Operation::V2GetJob)
            .times(1),
    );
    errors.push(client.v2().get_job(&id).await.unwrap_err());
    server.inject(
        Fault::delay(Duration::from_millis(300))
            .on(Operation::V2GetJob)
            .times(3),
    );
    errors.push(
        client
            .with_deadline(Duration::from_millis(50))
            .v2()
            .get_job(&id)
            .await
            .unwrap_err(),
    );
    server.inject(
        Fault::new(FaultKind::CutAfterEvents(1))
            .on(Operation::V1CreateJob)
            .times(1),
    );
    let request = CreateJobRequest::builder().messages(vec![Message {
        role: MessageRole::User,
        content: "x".into(),
    }]);
    errors.push(
        client
            .v1()
            .create_job(request)
            .await
            .unwrap()
            .collect()
            .await
            .unwrap_err(),
    );
    let reader = Client::builder()
        .api_key("mint_reader")
        .project_id("p")
        .base_url(server.base_url())
        .build()
        .unwrap();
    errors.push(reader.v2().create_job("x").await.unwrap_err());
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let nowhere = Client::builder()
        .api_key(SECRET)
        .project_id("p")
        .base_url(format!("http://{closed}"))
        .build()
        .unwrap();
    errors.push(
        nowhere
            .with_retry_policy(RetryPolicy::disabled())
            .v2()
            .get_job("x")
            .await
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 9);
    texts.extend(errors.iter().map(error_text));

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("mintlify_agent.request"),
        "spans were written: {log}"
    );
    assert!(
        log.contains("http.route=\"/v2/agent/{projectId}/job/{id}\"")
            || log.contains("http.route=/v2/agent/{projectId}/job/{id}"),
        "{log}"
    );
    // Which job: the concrete path beside the template.
    let path = format!("/v2/agent/{}/job/{id}", server.project_id());
    assert!(
        log.contains(&format!("url.path=\"{path}\"")) || log.contains(&format!("url.path={path}")),
        "{log}"
    );
    assert!(
        log.contains("status=503") && log.contains("attempt=3"),
        "{log}"
    );
    assert!(
        log.contains("request_id=\"req_") || log.contains("request_id=req_"),
        "{log}"
    );
    texts.push(log);
    for text in texts {
        assert!(!text.contains("SECRET"), "the key leaked:\n{text}");
    }
}
