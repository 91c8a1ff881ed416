//! What the SDK's layer costs on a GET job: `Client::v2().get_job` against the same request
//! made with bare `reqwest` (same connection pool settings, same JSON type), both against the
//! local server. Prints criterion's figures, then the ratio of medians (goal: at most 1.10).
//!
//! Run: `cargo bench -p mintlify-agent --bench get_job`

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use mintlify_agent::Client;
use mintlify_agent::v2::types::AgentJob;
use mintlify_agent_testkit::TestServer;

struct Setup {
    runtime: tokio::runtime::Runtime,
    _server: TestServer,
    client: Client,
    http: reqwest::Client,
    url: String,
    key: String,
    id: String,
}

fn setup() -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(TestServer::start()).unwrap();
    let client = Client::builder()
        .api_key(server.api_key())
        .project_id(server.project_id())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let id = runtime
        .block_on(client.v2().create_job("Benchmark"))
        .unwrap()
        .id;
    let url = format!(
        "{}/v2/agent/{}/job/{id}",
        server.base_url(),
        server.project_id()
    );
    Setup {
        http: reqwest::Client::new(),
        key: server.api_key().to_owned(),
        runtime,
        _server: server,
        client,
        url,
        id,
    }
}

impl Setup {
    fn sdk(&self) -> AgentJob {
        self.runtime
            .block_on(self.client.v2().get_job(&self.id))
            .unwrap()
    }

    fn bare(&self) -> AgentJob {
        self.runtime.block_on(async {
            self.http
                .get(&self.url)
                .bearer_auth(&self.key)
                .send()
                .await
                .unwrap()
                .json::<AgentJob>()
                .await
                .unwrap()
        })
    }
}

fn get_job(c: &mut Criterion) {
    let setup = setup();
    let mut group = c.benchmark_group("get_job");
    group.bench_function("mintlify_agent::Client", |b| b.iter(|| setup.sdk()));
    group.bench_function("bare reqwest", |b| b.iter(|| setup.bare()));
    group.finish();
}

/// Medians of interleaved runs, so that both sides see the same machine state.
fn ratio() {
    let setup = setup();
    let (mut sdk, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..3000 {
        let started = Instant::now();
        setup.sdk();
        sdk.push(started.elapsed());
        let started = Instant::now();
        setup.bare();
        bare.push(started.elapsed());
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (sdk, bare) = (median(&mut sdk), median(&mut bare));
    println!(
        "get_job median: Client {sdk:?}, bare reqwest {bare:?}, ratio {:.3} (goal <= 1.10)",
        sdk.as_secs_f64() / bare.as_secs_f64()
    );
}

criterion_group!(benches, get_job);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratio();
}
