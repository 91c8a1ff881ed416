//! Many jobs waited for at once from one client, against the test server in its own process:
//! how late each waiter saw its job finish, polls per job, and the client's own peak memory.
//!
//! Run: `cargo bench -p mintlify-agent-testkit --bench concurrent_waits -- --jobs 10000`
//! (`--http1` to compare with a connection per concurrent poll).
//! Goal: no completion seen later than one poll interval plus its jitter after the job finished,
//! and 10,000 waits in at most 64 MiB of client memory.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};

use futures::future::join_all;
use mintlify_agent::{Client, JobOutcome, WaitOptions};
use mintlify_agent_testkit::STATS_ROUTE;

const JOB_TAKES: Duration = Duration::from_secs(3);

/// The test server binary, started with a limit that allows every creation; killed when
/// dropped.
struct ServerProcess {
    child: Child,
    base_url: String,
    api_key: String,
    project: String,
}

impl ServerProcess {
    fn start(jobs: usize) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mintlify-agent-testkit"))
            .args(["--rate-limit", &(jobs * 2).to_string()])
            .args(["--job-seconds", &JOB_TAKES.as_secs_f64().to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .take(4)
            .map(Result::unwrap)
            .collect();
        let value = |prefix: &str| {
            lines
                .iter()
                .find_map(|l| l.trim().strip_prefix(prefix))
                .unwrap()
                .to_owned()
        };
        Self {
            base_url: value("MINTLIFY_BASE_URL="),
            api_key: value("MINTLIFY_API_KEY="),
            project: value("MINTLIFY_PROJECT_ID="),
            child,
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--jobs N` (default 1,000) and `--http1`; cargo's own arguments (`--bench`) are ignored.
fn arguments() -> (usize, bool) {
    let args: Vec<String> = std::env::args().collect();
    let jobs = args
        .iter()
        .position(|a| a == "--jobs")
        .and_then(|i| args.get(i + 1))
        .map_or(1_000, |n| n.parse().expect("--jobs takes a number"));
    (jobs, args.iter().any(|a| a == "--http1"))
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let (jobs, http1) = arguments();
    let server = ServerProcess::start(jobs);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let builder = Client::builder()
            .api_key(&server.api_key)
            .project_id(&server.project)
            .base_url(&server.base_url);
        // Mintlify's API negotiates HTTP/2 over TLS; the test server speaks it in clear text.
        let builder = if http1 {
            builder
        } else {
            builder.http2_prior_knowledge()
        };
        let client = builder.build().unwrap();
        let options = WaitOptions::default()
            .first_delay(Duration::from_millis(200))
            .max_delay(Duration::from_secs(1))
            .deadline(Duration::from_secs(120));
        // The longest a finished job can go unseen: the longest wait, plus its jitter (up to
        // as much), plus the poll's round trip while the server answers thousands a second on
        // the same two cores.
        let allowed = Duration::from_millis(2_500);
        // Creations go 100 at a time (Mintlify allows 100 an hour: nobody creates 10,000 at
        // once); every job is waited for as soon as it exists, so the waits all overlap.
        let creating = tokio::sync::Semaphore::new(100);
        let waits = (0..jobs).map(|n| {
            let client = client.clone();
            let options = options.clone();
            let creating = &creating;
            async move {
                let permit = creating.acquire().await.unwrap();
                let job = client.v2().create_job(format!("Job {n}")).await.unwrap();
                drop(permit);
                let outcome = client.v2().wait_with(&job.id, &options).await.unwrap();
                let seen = SystemTime::now();
                let JobOutcome::Completed(job) = outcome else {
                    panic!("job {n}: {outcome:?}")
                };
                let created: SystemTime = job.created_at.into();
                seen.duration_since(created + JOB_TAKES).unwrap_or_default()
            }
        });
        let mut late: Vec<Duration> = join_all(waits).await;
        late.sort();
        let stats: serde_json::Value = reqwest::get(format!("{}{STATS_ROUTE}", server.base_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let polls = stats["operations"]["V2GetJob"].as_u64().unwrap_or_default();
        println!(
            "{jobs} concurrent waits over {}, jobs finishing {JOB_TAKES:?} after creation \
             (created 100 at a time)",
            if http1 { "HTTP/1.1" } else { "HTTP/2" }
        );
        println!(
            "seen late by: median {:?}, p99 {:?}, max {:?} (allowed {allowed:?})",
            late[jobs / 2],
            late[jobs * 99 / 100],
            late[jobs - 1]
        );
        println!(
            "polls per job: {:.1}; connections: {}",
            polls as f64 / jobs as f64,
            stats["connections"]
        );
        println!("client peak RSS: {:.0} MiB", peak_rss_mib());
        assert!(late[jobs - 1] <= allowed, "a completion was seen too late");
    });
}
