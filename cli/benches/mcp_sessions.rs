//! `mintlify-agent mcp --http` and abandoned sessions: `initialize` requests that never come
//! back (a careless script, or an agent that reconnects in a loop), and the server's memory as
//! they pile up. Release build, the server in its own process.
//!
//! Run: `cargo bench -p mintlify-agent-cli --bench mcp_sessions -- --sessions 10000`
//! (`--max-sessions N` is passed to the server: 100000 shows what an unbounded table costs).
//! Goal: 10,000 abandoned sessions keep the server at most 64 MiB.

#![allow(clippy::unwrap_used)]

mod mcp_support;
#[path = "../tests/it/mcp/raw_http.rs"]
#[allow(dead_code)]
mod raw_http;

use std::time::{Duration, Instant};

use futures::StreamExt;

use mcp_support::{argument, mcp_server, memory_mib, test_server};
use raw_http::Raw;

fn main() {
    let sessions = argument("--sessions", 10_000);
    let max = std::env::args()
        .skip_while(|a| a != "--max-sessions")
        .nth(1);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = test_server(Duration::from_secs(60)).await;
        let args: Vec<&str> = match &max {
            Some(max) => vec!["--max-sessions", max],
            None => Vec::new(),
        };
        let (child, url) = mcp_server(&server, &args).await;
        let raw = Raw::new(&url);
        println!(
            "{sessions} abandoned sessions (initialize, nothing after), 16 at a time; \
             --max-sessions {}",
            max.as_deref().unwrap_or("default (100)")
        );
        println!("start: RSS {:.1} MiB", memory_mib(&child, "VmRSS"));
        let started = Instant::now();
        let step = (sessions / 10).max(1);
        let mut done = 0;
        let mut refused = 0;
        while done < sessions {
            let batch = step.min(sessions - done);
            let statuses: Vec<u16> = futures::stream::iter(0..batch)
                .map(|_| {
                    let raw = raw.clone();
                    async move {
                        let response = raw.initialize().await.unwrap();
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        status
                    }
                })
                .buffer_unordered(16)
                .collect()
                .await;
            refused += statuses.iter().filter(|s| **s != 200).count();
            done += batch;
            println!(
                "after {done:>6}: RSS {:6.1} MiB ({:.1} s)",
                memory_mib(&child, "VmRSS"),
                started.elapsed().as_secs_f64()
            );
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        println!(
            "2 s later: RSS {:.1} MiB, peak {:.1} MiB; refused: {refused}; {:.0} sessions/s",
            memory_mib(&child, "VmRSS"),
            memory_mib(&child, "VmHWM"),
            sessions as f64 / started.elapsed().as_secs_f64()
        );
    });
}
