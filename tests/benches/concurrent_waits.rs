//! 1,000 jobs waited for at once against the local server: how late each waiter saw its job
//! finish, and the process's peak memory (server and client together).
//!
//! Run: `cargo run --release -p mintlify-agent-testkit --example concurrent_waits`
//! Goal: no completion seen later than one poll interval plus its jitter after the job finished.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use futures::future::join_all;
use mintlify_agent::{Client, JobOutcome, WaitOptions};
use mintlify_agent_testkit::{JobLifecycle, TestServer};

const JOBS: usize = 1_000;
const JOB_TAKES: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: None,
            after: Some(JOB_TAKES),
        })
        .rate_limit(JOBS * 2)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .api_key(server.api_key())
        .project_id(server.project_id())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let options = WaitOptions::default()
        .first_delay(Duration::from_millis(200))
        .max_delay(Duration::from_secs(1))
        .deadline(Duration::from_secs(60));
    // The longest a finished job can go unseen: the longest wait, plus its jitter (up to as much).
    let allowed = Duration::from_secs(2);

    let waits = (0..JOBS).map(|n| {
        let client = client.clone();
        let options = options.clone();
        async move {
            let outcome = client
                .v2()
                .create_and_wait(format!("Job {n}"), &options)
                .await
                .unwrap();
            let seen = SystemTime::now();
            let JobOutcome::Completed(job) = outcome else {
                panic!("job {n}: {outcome:?}")
            };
            let created: SystemTime = job.created_at.unwrap().into();
            seen.duration_since(created + JOB_TAKES).unwrap_or_default()
        }
    });
    let mut late: Vec<Duration> = join_all(waits).await;
    late.sort();
    let polls = server.requests().len() - JOBS;
    let peak_rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "VmHWM: unknown".to_owned());
    println!(
        "{JOBS} concurrent waits, jobs finishing {JOB_TAKES:?} after creation, {polls} polls in all"
    );
    println!(
        "seen late by: median {:?}, p99 {:?}, max {:?} (allowed {allowed:?})",
        late[JOBS / 2],
        late[JOBS * 99 / 100],
        late[JOBS - 1]
    );
    println!(
        "peak RSS (server and client in one process): {}",
        peak_rss.trim_start_matches("VmHWM:").trim()
    );
    assert!(late[JOBS - 1] <= allowed, "a completion was seen too late");
}
