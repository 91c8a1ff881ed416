//! How fast the SDK's stream decoder reads long runs, against a baseline that only splits lines
//! with `memchr` and parses each into a borrowed struct, and how much heap it needs for 1 GiB of
//! events when nothing is collected.
//!
//! Run: `cargo bench -p mintlify-agent --features v1 --bench stream_parse`
//! Goals: at least 0.5x the baseline's MB/s; at most 1 MiB peak heap for 1 GiB.

#![allow(clippy::unwrap_used, missing_docs)]
// A counting global allocator cannot be written without `unsafe`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, Throughput, criterion_group};
use mintlify_agent::stream::{Decoder, Protocol};
use mintlify_agent_testkit::stream::script::{Task, agent_run};
use mintlify_agent_testkit::stream::{Encoder, Protocol as Wire};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A body of at least `size` bytes: the test server's agent run, over and over.
fn body(protocol: Wire, size: usize) -> Vec<u8> {
    let events = agent_run(&Task {
        request: "Add a quickstart guide with examples",
        message_id: "msg_1",
        pull_request: Some("https://github.com/acme/docs/pull/1"),
    });
    let one_run = Encoder::new(protocol, false).encode_all(&events);
    let mut body = Vec::with_capacity(size + one_run.len());
    while body.len() < size {
        body.extend_from_slice(&one_run);
    }
    body
}

/// Decodes `body` in 16 KiB pushes, dropping every event; returns how many there were.
fn decode(protocol: Protocol, body: &[u8]) -> usize {
    let mut decoder = Decoder::with_protocol(protocol);
    let mut events = 0;
    for chunk in body.chunks(16 * 1024) {
        decoder.push(chunk);
        while let Some(event) = decoder.next_event() {
            event.unwrap();
            events += 1;
        }
    }
    decoder.finish();
    while decoder.next_event().is_some() {
        events += 1;
    }
    events
}

/// The baseline: the fields a reader would need, borrowed from the line.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Borrowed<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    delta: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_call_id: Option<Cow<'a, str>>,
}

/// The baseline for a data stream object part: its fields, borrowed.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct BorrowedPart<'a> {
    #[serde(borrow)]
    tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tool_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    args_text_delta: Option<Cow<'a, str>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message_id: Option<Cow<'a, str>>,
}

/// Splits lines with memchr and parses each JSON payload into a borrowed struct ([`Borrowed`]
/// for the UI stream; for the data stream a borrowed string, list or [`BorrowedPart`] by the
/// part's code); returns how many lines it parsed.
fn baseline(protocol: Protocol, body: &[u8]) -> usize {
    let mut parsed = 0;
    for line in memchr::memchr_iter(b'\n', body).scan(0, |start, end| {
        let line = &body[*start..end];
        *start = end + 1;
        Some(line)
    }) {
        match protocol {
            Protocol::UiMessageStream => {
                if let Some(json) = line.strip_prefix(b"data: ").filter(|j| j != b"[DONE]") {
                    serde_json::from_slice::<Borrowed<'_>>(json).unwrap();
                    parsed += 1;
                }
            }
            _ => {
                if line.len() > 2 {
                    let json = &line[2..];
                    match line[0] {
                        b'0' | b'g' | b'3' => {
                            drop(serde_json::from_slice::<Cow<'_, str>>(json).unwrap())
                        }
                        b'2' | b'8' => drop(
                            serde_json::from_slice::<Vec<&serde_json::value::RawValue>>(json)
                                .unwrap(),
                        ),
                        _ => drop(serde_json::from_slice::<BorrowedPart<'_>>(json).unwrap()),
                    }
                    parsed += 1;
                }
            }
        }
    }
    parsed
}

fn throughput(c: &mut Criterion) {
    for (name, wire, protocol) in [
        (
            "ui-message-stream",
            Wire::UiMessageStream,
            Protocol::UiMessageStream,
        ),
        ("data-stream", Wire::DataStream, Protocol::DataStream),
    ] {
        let body = body(wire, 8 << 20);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.sample_size(20);
        group.bench_function("Decoder", |b| b.iter(|| decode(protocol, &body)));
        group.bench_function("baseline (memchr + serde_json borrowed)", |b| {
            b.iter(|| baseline(protocol, &body))
        });
        group.finish();
    }
}

/// The CPU time this thread has used, in seconds: unlike the wall clock, it does not count the
/// time other processes on a busy machine take the core away.
fn thread_cpu_seconds() -> f64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    now.tv_sec as f64 + now.tv_nsec as f64 / 1e9
}

/// MB/s of `ours` and `base` and their ratio, by the thread's CPU clock, over 21 rounds in
/// which the two run back to back (in alternating order): each round's ratio compares runs that
/// saw the same machine, and the median of the rounds' ratios is reported, so that a burst of
/// other work (which moves caches, clock speed and a shared core's throughput, if not the time
/// slices) moves one round, not the figure. MB/s are the medians of each.
fn mb_per_s(bytes: usize, ours: impl Fn() -> usize, base: impl Fn() -> usize) -> (f64, f64, f64) {
    let time = |run: &dyn Fn() -> usize| {
        let started = thread_cpu_seconds();
        std::hint::black_box(run());
        thread_cpu_seconds() - started
    };
    let (mut ours_s, mut base_s, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..21 {
        let (o, b) = if round % 2 == 0 {
            let o = time(&ours);
            (o, time(&base))
        } else {
            let b = time(&base);
            (time(&ours), b)
        };
        ours_s.push(o);
        base_s.push(b);
        ratios.push(b / o);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (
        bytes as f64 / median(ours_s) / 1e6,
        bytes as f64 / median(base_s) / 1e6,
        median(ratios),
    )
}

/// MB/s (CPU time) for both and their ratio, from paired rounds; then the heap for 1 GiB.
fn report() {
    for (name, wire, protocol) in [
        (
            "ui-message-stream",
            Wire::UiMessageStream,
            Protocol::UiMessageStream,
        ),
        ("data-stream", Wire::DataStream, Protocol::DataStream),
    ] {
        let body = body(wire, 16 << 20);
        let (ours, base, ratio) = mb_per_s(
            body.len(),
            || decode(protocol, &body),
            || baseline(protocol, &body),
        );
        println!(
            "{name}: Decoder {ours:.0} MB/s, baseline {base:.0} MB/s, ratio {ratio:.2} (median of 21 paired rounds; goal >= 0.55)"
        );
    }

    let block = body(Wire::UiMessageStream, 1 << 20);
    let total: usize = 1 << 30;
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let mut decoder = Decoder::with_protocol(Protocol::UiMessageStream);
    let (mut fed, mut events) = (0, 0u64);
    while fed < total {
        for chunk in block.chunks(16 * 1024) {
            decoder.push(chunk);
            while let Some(event) = decoder.next_event() {
                drop(event.unwrap());
                events += 1;
            }
        }
        fed += block.len();
    }
    decoder.finish();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!(
        "1 GiB UI message stream ({events} events), nothing collected: peak heap {peak} bytes ({:.3} MiB, goal <= 1 MiB)",
        peak as f64 / (1 << 20) as f64
    );
}

criterion_group!(benches, throughput);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}
