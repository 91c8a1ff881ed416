//! How to test your own code against the local Mintlify server, with scripted faults: here, a
//! function of "your" code that creates a job and waits for it, checked through two failed
//! polls. Runs with no key and no network:
//!
//! ```sh
//! cargo run -p mintlify-agent --example test_with_testkit
//! ```
//!
//! In your crate, add `mintlify-agent-testkit` as a dev-dependency and write the same body in a
//! `#[tokio::test]`.

use std::time::Duration;

use mintlify_agent::{Client, JobOutcome, WaitOptions};
use mintlify_agent_testkit::{Fault, JobLifecycle, Operation, TestServer};

/// Your code: ask for docs and return the pull request.
async fn document_release(
    client: &Client,
    version: &str,
) -> Result<Option<String>, mintlify_agent::Error> {
    let options = WaitOptions::default()
        .first_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(200));
    match client
        .v2()
        .create_and_wait_with(format!("Document release {version}"), &options)
        .await?
    {
        JobOutcome::Completed(job) => Ok(job.pr_link),
        _ => Ok(None),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: Some(2),
            after: None,
        })
        .start()
        .await?;
    // The first two polls fail with 503: the wait polls through them.
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(2));
    let client = Client::builder()
        .api_key(server.api_key())
        .project_id(server.project_id())
        .base_url(server.base_url())
        .build()?;

    let pull_request = document_release(&client, "2.0").await?;

    assert!(pull_request.is_some_and(|link| link.contains("/pull/")));
    let polls = server
        .requests()
        .iter()
        .filter(|r| r.operation == Some(Operation::V2GetJob))
        .count();
    assert!(polls >= 4, "two failed polls, then two that count: {polls}");
    println!("document_release works through failed polls ({polls} polls)");
    Ok(())
}
