//! HTTP/2: many calls at once share a connection when the server speaks it (here h2c with
//! prior knowledge; over TLS, ALPN negotiates it); HTTP/1.1 keeps working.

#![allow(clippy::unwrap_used)]

use futures::future::join_all;
use mintlify_agent_testkit::{Operation, TestServer};

use crate::support::client_builder;

#[tokio::test]
async fn a_thousand_concurrent_polls_share_a_handful_of_http2_connections() {
    let server = TestServer::start().await.unwrap();
    let client = client_builder(&server)
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let id = client.v2().create_job("x").await.unwrap().id;
    let polls = join_all((0..1_000).map(|_| client.v2().get_job(&id))).await;
    assert!(polls.iter().all(Result::is_ok));
    let requests = server.requests();
    let gets: Vec<_> = requests
        .iter()
        .filter(|r| r.operation == Some(Operation::V2GetJob))
        .collect();
    assert_eq!(gets.len(), 1_000);
    assert!(requests.iter().all(|r| r.version == "HTTP/2.0"));
    let connections = server.connections();
    assert!(connections <= 4, "{connections} connections");
}

#[tokio::test]
async fn http1_still_works_and_opens_a_connection_per_concurrent_call() {
    let server = TestServer::start().await.unwrap();
    let client = client_builder(&server).build().unwrap();
    let id = client.v2().create_job("x").await.unwrap().id;
    let polls = join_all((0..20).map(|_| client.v2().get_job(&id))).await;
    assert!(polls.iter().all(Result::is_ok));
    assert!(server.requests().iter().all(|r| r.version == "HTTP/1.1"));
    assert!(server.connections() > 4, "{}", server.connections());
}
