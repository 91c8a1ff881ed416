//! `Client::check_access` against the local server: accepted, unknown project, refused (401 and
//! 403), unreachable, inconclusive; and that it never creates a job or sends a message.

#![allow(clippy::unwrap_used)]

use mintlify_agent::{Access, Error, RetryPolicy};
use mintlify_agent_testkit::{Fault, Operation, TestServer};

use crate::support::{client_builder, count};

fn creations(server: &TestServer) -> usize {
    count(server, Operation::V2CreateJob)
        + count(server, Operation::V2SendMessage)
        + count(server, Operation::V1CreateJob)
}

#[tokio::test]
async fn each_verdict_from_a_real_answer_and_nothing_is_created() {
    let server = TestServer::builder()
        .key("mint_rw")
        .read_only_key("mint_ro")
        .project("acme")
        .start()
        .await
        .unwrap();
    let client = |key: &str, project: &str| {
        client_builder(&server)
            .api_key(key)
            .project_id(project)
            .build()
            .unwrap()
    };

    let report = client("mint_rw", "acme").check_access().await;
    assert!(report.access.is_accepted(), "{report}");
    assert!(
        matches!(&report.access, Access::Accepted { request_id: Some(id) } if id.starts_with("req_"))
    );
    assert_eq!(
        report.to_string(),
        format!("key accepted for project acme at {}", server.base_url())
    );
    // A read-only key reads: accepted too (its scope is not something a free check can see).
    assert!(
        client("mint_ro", "acme")
            .check_access()
            .await
            .access
            .is_accepted()
    );

    let report = client("mint_rw", "nope").check_access().await;
    assert!(
        matches!(report.access, Access::UnknownProject(Error::NotFound(_))),
        "{report}"
    );
    assert!(
        report.to_string().contains("knows no project nope"),
        "{report}"
    );

    let report = client("mint_wrong", "acme").check_access().await;
    assert!(
        matches!(report.access, Access::Refused(Error::Unauthorized(_))),
        "{report}"
    );
    assert!(
        !format!("{report} {report:?}").contains("mint_wrong"),
        "{report:?}"
    );
    assert_eq!(report.access.error().and_then(Error::status), Some(401));

    server.inject(Fault::status(403).on(Operation::V2GetJob).times(1));
    let report = client("mint_rw", "acme").check_access().await;
    assert!(
        matches!(report.access, Access::Refused(Error::Forbidden(_))),
        "{report}"
    );

    server.inject(Fault::status(503).on(Operation::V2GetJob).times(1));
    let report = client("mint_rw", "acme")
        .with_retry_policy(RetryPolicy::disabled())
        .check_access()
        .await;
    assert!(
        matches!(report.access, Access::Inconclusive(Error::Server(_))),
        "{report}"
    );

    assert_eq!(creations(&server), 0);
    let reads = count(&server, Operation::V2GetJob);
    assert_eq!(reads, 6);
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let report = mintlify_agent::Client::builder()
        .api_key("mint_x")
        .project_id("p")
        .base_url(format!("http://{address}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .check_access()
        .await;
    assert!(
        matches!(report.access, Access::Unreachable(Error::Connection { .. })),
        "{report}"
    );
    assert!(
        report
            .to_string()
            .starts_with(&format!("cannot reach http://{address}")),
        "{report}"
    );
}
