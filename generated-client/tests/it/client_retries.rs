//! Retries, counted in the server's request log: reads are retried, creations are never sent
//! twice when the server may have acted, and a server's `Retry-After` is waited out.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use mintlify_agent::{Error, RetryPolicy};
use mintlify_agent_testkit::{Fault, FaultKind, Operation, TestServer};

use crate::support::{self, client_builder, client_for, count};

#[tokio::test]
async fn a_read_is_retried_through_5xx() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(1));
    server.inject(Fault::status(502).on(Operation::V2GetJob).times(1));
    client.v2().get_job(&id).await.unwrap();
    assert_eq!(count(&server, Operation::V2GetJob), 3);
}

#[tokio::test]
async fn retries_stop_at_the_policys_count() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::status(500).on(Operation::V2GetJob));
    let error = client_for(&server).v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error}");
    assert_eq!(
        count(&server, Operation::V2GetJob),
        3,
        "the first attempt and 2 retries"
    );

    let error = client_for(&server)
        .with_retry_policy(RetryPolicy::disabled())
        .v2()
        .get_job("job_1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Server(_)));
    assert_eq!(
        count(&server, Operation::V2GetJob),
        4,
        "disabled: one attempt"
    );
}

#[tokio::test]
async fn a_read_is_retried_after_a_timeout_and_a_cut_connection() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(
        Fault::new(FaultKind::CutAfterBytes(5))
            .on(Operation::V2GetJob)
            .times(1),
    );
    server.inject(
        Fault::delay(Duration::from_millis(400))
            .on(Operation::V2GetJob)
            .times(1),
    );
    let patient = client_builder(&server)
        .read_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    patient.v2().get_job(&id).await.unwrap();
    assert_eq!(count(&server, Operation::V2GetJob), 3);
}

#[tokio::test]
async fn a_creation_is_never_sent_twice_after_a_timeout() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::delay(Duration::from_millis(500)).on(Operation::V2CreateJob));
    let client = client_for(&server).with_deadline(Duration::from_millis(150));
    let error = client.v2().create_job("x").await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    let slow_reads = client_builder(&server)
        .read_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let error = slow_reads.v2().create_job("y").await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        count(&server, Operation::V2CreateJob),
        2,
        "each call sent once, never again"
    );
}

#[tokio::test]
async fn a_creation_is_never_sent_twice_after_a_cut_connection() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::new(FaultKind::CutAfterBytes(3)).on(Operation::V2CreateJob));
    server.inject(Fault::new(FaultKind::CutAfterEvents(0)).on(Operation::V1CreateJob));
    let client = client_for(&server);
    let error = client.v2().create_job("x").await.unwrap_err();
    assert!(
        matches!(error, Error::Connection { .. } | Error::Timeout { .. }),
        "{error:?}"
    );
    assert_eq!(count(&server, Operation::V2CreateJob), 1);
}

#[tokio::test]
async fn a_creation_is_not_retried_after_500_or_503_without_retry_after() {
    let server = TestServer::start().await.unwrap();
    let client = client_for(&server);
    server.inject(Fault::status(500).on(Operation::V2CreateJob).times(1));
    assert!(matches!(
        client.v2().create_job("x").await.unwrap_err(),
        Error::Server(_)
    ));
    server.inject(Fault::status(503).on(Operation::V2CreateJob).times(1));
    assert!(matches!(
        client.v2().create_job("x").await.unwrap_err(),
        Error::Server(_)
    ));
    assert_eq!(count(&server, Operation::V2CreateJob), 2);

    server.inject(
        Fault::status(503)
            .with_retry_after(0)
            .on(Operation::V2SendMessage)
            .times(1),
    );
    let id = client.v2().create_job("x").await.unwrap().id;
    client.v2().send_message(&id, "more").await.unwrap();
    assert_eq!(
        count(&server, Operation::V2SendMessage),
        2,
        "503 with Retry-After: not acted on, resent"
    );
}

#[tokio::test]
async fn a_429_is_waited_out_for_at_least_its_retry_after() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::rate_limited(1).on(Operation::V2CreateJob).times(1));
    let client = client_for(&server);
    let started = Instant::now();
    client.v2().create_job("x").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let creates: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::V2CreateJob))
        .collect();
    assert_eq!(
        creates.iter().map(|r| r.status).collect::<Vec<_>>(),
        [429, 201]
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_creation() {
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = mintlify_agent::Client::builder()
        .api_key(mintlify_agent_testkit::DEFAULT_KEY)
        .project_id("p")
        .base_url(format!("http://{address}"))
        .retry_policy(
            RetryPolicy::default()
                .delays(Duration::from_millis(300), Duration::from_millis(300))
                .jitter(false),
        )
        .build()
        .unwrap();
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        TestServer::builder().bind(address).start().await.unwrap()
    });
    let job = client.v2().create_job("x").await.unwrap();
    let server = late.await.unwrap();
    assert_eq!(job.id, "job_000001");
    assert_eq!(count(&server, Operation::V2CreateJob), 1);
}

#[tokio::test]
async fn the_client_side_budget_fails_fast_without_asking_the_server() {
    let server = TestServer::start().await.unwrap();
    let client = client_builder(&server)
        .client_side_budget(2)
        .build()
        .unwrap();
    let id = client.v2().create_job("x").await.unwrap().id;
    client.v2().send_message(&id, "more").await.unwrap();
    let error = client.v2().create_job("x").await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error}");
    assert_eq!(error.status(), None);
    assert!(error.retry_after().unwrap() > Duration::from_secs(3590));
    client.v2().get_job(&id).await.unwrap();
    assert_eq!(count(&server, Operation::V2CreateJob), 1);
    assert_eq!(count(&server, Operation::V2SendMessage), 1);
}

#[tokio::test]
async fn a_server_wait_over_the_policys_cap_ends_the_call_at_once() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::rate_limited(2).on(Operation::V2CreateJob).times(1));
    let client = client_builder(&server)
        .retry_policy(support::fast_retries().max_retry_after(Duration::from_secs(1)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.v2().create_job("x").await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "not slept: {:?}",
        started.elapsed()
    );
    assert_eq!(count(&server, Operation::V2CreateJob), 1);

    // A wait at the cap is honoured.
    server.inject(Fault::rate_limited(1).on(Operation::V2CreateJob).times(1));
    client.v2().create_job("x").await.unwrap();
    assert_eq!(count(&server, Operation::V2CreateJob), 3);
}

#[tokio::test]
async fn the_policys_delays_are_the_waits_between_attempts() {
    let server = TestServer::start().await.unwrap();
    let id = client_for(&server).v2().create_job("x").await.unwrap().id;
    let policy = |first: u64| {
        RetryPolicy::default()
            .delays(Duration::from_millis(first), Duration::from_millis(first))
            .jitter(false)
    };

    // The first wait (10 s) would pass the call's deadline (4 s): not retried.
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(1));
    let slow = client_for(&server)
        .with_retry_policy(policy(10_000))
        .with_deadline(Duration::from_secs(4));
    let error = slow.v2().get_job(&id).await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(count(&server, Operation::V2GetJob), 1);

    // 300 ms fits: the request is sent again no sooner than that.
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(1));
    let quick = slow.with_retry_policy(policy(300));
    quick.v2().get_job(&id).await.unwrap();
    let reads: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::V2GetJob))
        .collect();
    assert_eq!(
        reads.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    let gap = (reads[2].at - reads[1].at).to_std().unwrap();
    assert!(gap >= Duration::from_millis(300), "{gap:?}");
}

/// Each attempt leaves one debug line: what came of it and what comes next (a retry after how
/// long, or why not), with the cause of a failed connection.
#[tokio::test]
async fn each_attempt_is_logged_with_what_comes_next() {
    let name = "each_attempt_is_logged_with_what_comes_next";
    if !support::alone_in_a_child_process(module_path!(), name, &[]).await {
        return;
    }
    let logs = support::Logs::capture();
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::status(503).on(Operation::V2GetJob));
    client_for(&server).v2().get_job("job_1").await.unwrap_err();
    let lines = logs.lines();
    let with = |words: &[&str]| {
        lines
            .iter()
            .filter(|line| words.iter().all(|w| line.contains(w)))
            .count()
    };
    assert_eq!(
        with(&["attempt failed; retrying", "retry_in=10ms"]),
        2,
        "{lines:#?}"
    );
    assert_eq!(
        with(&["attempt answered", "not retried: the retries are spent"]),
        1,
        "{lines:#?}"
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let nowhere = mintlify_agent::Client::builder()
        .api_key(mintlify_agent_testkit::DEFAULT_KEY)
        .project_id("p")
        .base_url(format!("http://{closed}"))
        .retry_policy(support::fast_retries().max_retries(1))
        .build()
        .unwrap();
    nowhere.v2().get_job("job_1").await.unwrap_err();
    let lines = logs.lines();
    let refused = "cause=the connection was refused";
    let with = |words: &[&str]| {
        lines
            .iter()
            .filter(|line| words.iter().all(|w| line.contains(w)))
            .count()
    };
    assert_eq!(
        with(&["attempt failed; retrying", refused, "retry_in=10ms"]),
        1,
        "{lines:#?}"
    );
    assert_eq!(
        with(&[
            "attempt failed",
            refused,
            "not retried: the retries are spent"
        ]),
        1,
        "{lines:#?}"
    );

    // A creation that timed out may have been acted on: not sent again, and the line says so.
    server.inject(Fault::delay(Duration::from_millis(500)).on(Operation::V2CreateJob));
    let slow = client_builder(&server)
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    slow.v2().create_job("x").await.unwrap_err();
    let lines = logs.lines();
    let with = |words: &[&str]| {
        lines
            .iter()
            .filter(|line| words.iter().all(|w| line.contains(w)))
            .count()
    };
    assert_eq!(
        with(&[
            "attempt failed",
            "cause=no answer in time",
            "not retried: the server may have acted on it"
        ]),
        1,
        "{lines:#?}"
    );
}
