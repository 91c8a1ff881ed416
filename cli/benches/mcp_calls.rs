//! Many calls at once on `mintlify-agent mcp --http`: W `wait_for_job` (on 5 jobs) and R
//! `get_job` over one session, over 20 sessions, and over 20 sessions that each make them all;
//! how long a read takes while the waits run (p50, p99, max), the polls the waits made, and the
//! server's memory. Release build, the server in its own process, raw HTTP clients.
//!
//! Run: `cargo bench -p mintlify-agent-cli --bench mcp_calls -- --waits 50 --reads 200`
//! (`--rounds N` repeats the last case N times. The RSS grows a few MiB a round as the allocator
//! keeps pages; a leak shows as a live heap that grows too: run the server under heaptrack).

#![allow(clippy::unwrap_used)]

mod mcp_support;
#[path = "../tests/it/mcp/raw_http.rs"]
#[allow(dead_code)]
mod raw_http;

use std::time::{Duration, Instant};

use mintlify_agent::Client;
use serde_json::json;

use mcp_support::{KEY, argument, mcp_server, memory_mib, test_server};
use raw_http::{Events, Raw};

/// How long after its creation a job finishes: the waits span the reads.
const JOB_TAKES: Duration = Duration::from_secs(8);

fn main() {
    let waits = argument("--waits", 50);
    let reads = argument("--reads", 200);
    let rounds = argument("--rounds", 1);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = test_server(JOB_TAKES).await;
        let (child, url) = mcp_server(&server, &[]).await;
        let sdk = Client::builder()
            .api_key(KEY)
            .project_id(server.project_id())
            .base_url(server.base_url())
            .build()
            .unwrap();
        let raw = Raw::new(&url);
        println!(
            "{waits} wait_for_job on 5 jobs (done {JOB_TAKES:?} after creation) and {reads} \
             get_job at once; start: RSS {:.1} MiB",
            memory_mib(&child, "VmRSS")
        );
        let cases = [(1, false), (20, false)]
            .into_iter()
            .chain(std::iter::repeat_n((20, true), rounds));
        for (sessions, each) in cases {
            let mut ids = Vec::new();
            for _ in 0..sessions {
                ids.push(raw.session().await);
            }
            let mut jobs = Vec::new();
            for n in 0..5 {
                jobs.push(sdk.v2().create_job(format!("Job {n}")).await.unwrap().id);
            }
            let gets = || {
                server
                    .requests()
                    .iter()
                    .filter(|r| r.method == "GET")
                    .count()
            };
            let before = gets();
            let rounds = if each { sessions } else { 1 };
            let (waits_sent, reads_sent) = (waits * rounds, reads * rounds);
            let started = Instant::now();
            // Every wait in flight (its stream open) before the reads start.
            let streams = futures::future::join_all((0..waits_sent).map(|n| {
                let (raw, session, job) = (&raw, &ids[n % sessions], &jobs[n % 5]);
                async move {
                    let mut events = Events::new(
                        raw.call(
                            session,
                            n as u64 + 1,
                            "wait_for_job",
                            json!({ "id": job, "timeout_seconds": 120 }),
                        )
                        .await,
                    );
                    assert_eq!(events.next().await.unwrap().data, "", "priming");
                    events
                }
            }))
            .await;
            let sent = started.elapsed();
            let waited = futures::future::join_all(streams.into_iter().map(|events| async move {
                let last = events.all().await.pop().unwrap().json();
                assert_eq!(
                    last["result"]["structuredContent"]["outcome"], "completed",
                    "{last}"
                );
            }));
            let read = futures::future::join_all((0..reads_sent).map(|n| {
                let (raw, session, job) = (&raw, &ids[(n + 7) % sessions], &jobs[n % 5]);
                async move {
                    let at = Instant::now();
                    let events = Events::new(
                        raw.call(session, 100_000 + n as u64, "get_job", json!({ "id": job }))
                            .await,
                    )
                    .all()
                    .await;
                    let took = at.elapsed();
                    let last = events.last().unwrap().json();
                    assert_eq!(
                        last["result"]["structuredContent"]["id"],
                        job.as_str(),
                        "{last}"
                    );
                    took
                }
            }));
            let (_, mut latencies) = futures::future::join(waited, read).await;
            let total = started.elapsed();
            latencies.sort();
            let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
            println!(
                "{sessions:>2} session(s){}: {waits_sent} waits in flight after {:.0} ms; \
                 {reads_sent} reads p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; all answered in \
                 {:.1} s; {} polls for the waits; RSS {:.1} MiB, peak {:.1} MiB",
                if each { ", each making them all" } else { "" },
                sent.as_secs_f64() * 1000.0,
                at(0.5).as_secs_f64() * 1000.0,
                at(0.99).as_secs_f64() * 1000.0,
                latencies.last().unwrap().as_secs_f64() * 1000.0,
                total.as_secs_f64(),
                gets() - before - reads_sent,
                memory_mib(&child, "VmRSS"),
                memory_mib(&child, "VmHWM"),
            );
            for id in &ids {
                raw.delete(id).await;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            println!(
                "   its sessions deleted, 2 s later: RSS {:.1} MiB",
                memory_mib(&child, "VmRSS")
            );
        }
    });
}
