//! Create a job and wait for its pull request.
//!
//! ```sh
//! export MINTLIFY_API_KEY=mint_… MINTLIFY_PROJECT_ID=your-project-id
//! cargo run -p mintlify-agent --example create_and_wait -- "Add a quickstart guide"
//! ```
//!
//! Without a key, against the local test server: `cargo run -p mintlify-agent-testkit` prints
//! the three variables to set (its `MINTLIFY_BASE_URL` is plain http on loopback).

use mintlify_agent::{Client, Error, JobOutcome};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let prompt = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Add a quickstart guide".to_owned());
    let client = Client::from_env()?;
    match client.v2().create_and_wait(prompt).await {
        Ok(JobOutcome::Completed(job)) => match job.pr_link {
            Some(link) => println!("{}: pull request {link}", job.id),
            None => println!("{}: completed, no files changed", job.id),
        },
        Ok(other) => println!("{}: ended as {:?}", other.job().id, other.job().status),
        // The job exists and goes on: its id is in the error, to wait again later.
        Err(error @ Error::WaitDeadline { .. }) => println!("{error}"),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
