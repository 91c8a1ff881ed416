//! `mintlify-agent auth check` through the built binary: accepted, unknown project, refused (401
//! and 403), a key of the wrong shape, unreachable; the server sees GETs only and no creation.

use mintlify_agent_testkit::{Fault, Operation, TestServer};
use serde_json::Value;

use crate::harness::{cli, run, stderr, stdout};

const KEY: &str = "mint_auth_test_SECRET_key";

#[tokio::test(flavor = "multi_thread")]
async fn each_verdict_and_nothing_is_created() {
    let server = TestServer::builder()
        .key(KEY)
        .read_only_key("mint_reader")
        .project("acme")
        .start()
        .await
        .unwrap();
    let url = server.base_url();

    let output = run(cli(url, "acme", KEY, &["auth", "check"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "key accepted for project acme at {url} (request id req_"
        )),
        "{text}"
    );
    assert!(text.contains("write scope) is not checked"), "{text}");
    assert!(!text.contains(KEY), "{text}");

    let output = run(cli(
        url,
        "acme",
        "mint_reader",
        &["--json", "auth", "check"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(report["accepted"], true);
    assert_eq!(report["verdict"], "accepted");
    assert_eq!(report["project"], "acme");
    assert_eq!(report["base_url"], url);

    let output = run(cli(url, "nope", KEY, &["auth", "check"])).await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("knows no project nope"),
        "{}",
        stdout(&output)
    );

    let output = run(cli(
        url,
        "acme",
        "mint_wrong_key",
        &["--json", "auth", "check"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(3));
    let report: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(report["verdict"], "refused");
    assert_eq!(report["status"], 401);
    assert!(
        !stdout(&output).contains("mint_wrong_key") && !stderr(&output).contains("mint_wrong_key")
    );

    server.inject(Fault::status(403).on(Operation::V2GetJob).times(1));
    let output = run(cli(url, "acme", KEY, &["auth", "check"])).await;
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stdout(&output).contains("server: the server refused the key"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("forbidden: HTTP 403"),
        "{}",
        stderr(&output)
    );

    // A key of the wrong shape never leaves the machine.
    let before = server.requests().len();
    let output = run(cli(
        url,
        "acme",
        "mint_dsc_assistant_key",
        &["auth", "check"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("assistant key"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.requests().len(), before);

    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.operation == Some(Operation::V2GetJob))
    );
    assert_eq!(requests.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_is_named_with_the_cause() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{address}");
    let output = run(cli(&url, "acme", KEY, &["auth", "check"])).await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(&format!("server: cannot reach {url}")),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("the connection was refused"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains(&format!(
            "nothing accepts connections at 127.0.0.1:{}",
            address.port()
        )),
        "{}",
        stderr(&output)
    );

    // `.invalid` never resolves (RFC 6761): the resolver says so without the network.
    let output = run(cli(
        "https://no-such-host.invalid",
        "acme",
        KEY,
        &["--json", "auth", "check"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let error: Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert_eq!(error["error"]["cause"], "dns", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the host name did not resolve (DNS)")
    );
}
