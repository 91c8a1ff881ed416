//! Follow a job's progress: every change of status (and the pull request when it appears).
//!
//! ```sh
//! cargo run -p mintlify-agent --example watch_progress -- job_123
//! ```

use std::time::Duration;

use futures::StreamExt;
use mintlify_agent::{Client, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let id = match std::env::args().nth(1) {
        Some(id) => id,
        None => client.v2().create_job("Fix the broken links").await?.id,
    };
    let options = WaitOptions::default()
        .first_delay(Duration::from_secs(1))
        .deadline(Duration::from_secs(20 * 60));
    let started = std::time::Instant::now();
    let mut changes = client.v2().watch_with(&id, &options);
    while let Some(change) = changes.next().await {
        let job = change?;
        println!(
            "[{:>4}s] {id}: {}{}",
            started.elapsed().as_secs(),
            job.status.map(|s| s.to_string()).unwrap_or_default(),
            job.pr_link.map(|l| format!(" {l}")).unwrap_or_default()
        );
    }
    Ok(())
}
