//! `mcp --http` as careless and long-running clients use it, over raw HTTP (`raw_http.rs`):
//! sessions past the maximum, idle sessions, `DELETE`, a wait cut mid-stream and resumed with
//! `Last-Event-ID` (and every bad `Last-Event-ID`), 10,000 abandoned sessions, many calls at
//! once, and connections that send nothing.

use std::time::{Duration, Instant};

use futures::StreamExt;
use mintlify_agent_testkit::{JobLifecycle, TestServer};
use rmcp::ServiceExt;
use rmcp::model::ServerResult;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::json;

use super::raw_http::{Events, Raw};
use super::{
    KEY, Recorder, call, command, http, is_error, quick_server, server, server_never_done,
    start_wait, structured, text,
};

/// An SDK client on the test kit, to make jobs without the server's cap.
fn sdk(server: &TestServer) -> mintlify_agent::Client {
    mintlify_agent::Client::builder()
        .api_key(KEY)
        .project_id(server.project_id())
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// A `wait_for_job` call on `session`, its events read as they come.
async fn wait(raw: &Raw, session: &str, id: u64, job: &str, timeout_seconds: u64) -> Events {
    Events::new(
        raw.call(
            session,
            id,
            "wait_for_job",
            json!({ "id": job, "timeout_seconds": timeout_seconds }),
        )
        .await,
    )
}

/// Asserts that the answer to request `id` among `events` is a wait that ran to its own
/// deadline (`still_running`); the whole answer is shown when it is not.
fn assert_still_running(events: &[super::raw_http::Event], id: u64, why: &str) {
    let answer = events.iter().find(|e| e.json()["id"] == id).unwrap().json();
    assert_eq!(
        answer["result"]["structuredContent"]["outcome"], "still_running",
        "{why}: {answer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_past_the_maximum_end_the_idle_one_and_are_refused_when_all_are_busy() {
    let server = server_never_done().await;
    let job = sdk(&server).v2().create_job("Never ends").await.unwrap().id;
    let (_child, url) = http(&server, &["--max-sessions", "3"], None).await;
    let raw = Raw::new(&url);
    let first = raw.session().await;
    let second = raw.session().await;
    let third = raw.session().await;
    // Abandoned; the fourth ends the one idle longest.
    let fourth = raw.session().await;
    assert!(!raw.alive(&first).await, "the oldest idle session ended");
    for session in [&second, &third, &fourth] {
        assert!(raw.alive(session).await);
    }

    // Every session busy: a call running in each.
    let mut waits = Vec::new();
    for (n, session) in [&second, &third, &fourth].into_iter().enumerate() {
        let mut events = wait(&raw, session, 10 + n as u64, &job, 600).await;
        assert_eq!(events.next().await.unwrap().data, "", "the priming event");
        waits.push(events);
    }
    let refused = raw.initialize().await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "10");
    let text = refused.text().await.unwrap();
    assert!(text.contains("--max-sessions 3"), "{text}");
    assert!(text.contains("DELETE"), "{text}");
    for session in [&second, &third, &fourth] {
        assert!(raw.alive(session).await, "a refusal ends nothing");
    }

    // A DELETE ends a session, busy or not: its call ends, and there is room again.
    assert_eq!(raw.delete(&second).await, 204);
    assert!(!raw.alive(&second).await);
    assert_eq!(raw.delete(&second).await, 404, "deleted once");
    assert_eq!(raw.delete("no-such-session").await, 404);
    let ended = tokio::time::timeout(Duration::from_secs(10), waits.remove(0).all())
        .await
        .unwrap();
    assert!(
        ended.iter().all(|e| e.json()["id"] != 10),
        "a deleted session's call gets no result"
    );
    let fifth = raw.session().await;
    assert!(raw.alive(&fifth).await);
    // Full again, with two calls and an idle session: the idle one ends for the next.
    let sixth = raw.session().await;
    assert!(!raw.alive(&fifth).await);
    assert!(raw.alive(&sixth).await);
    for session in [&third, &fourth] {
        assert!(raw.alive(session).await, "busy: kept");
    }
    // Not an initialize, and no session: rmcp's 400, and no session ends for it.
    let stray = raw
        .request(reqwest::Method::POST, None)
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status(), 400);
    assert!(raw.alive(&sixth).await);
    drop(waits);
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_sessions_expire_but_not_while_a_call_runs() {
    let server = server_never_done().await;
    let job = sdk(&server).v2().create_job("Never ends").await.unwrap().id;
    let (_child, url) = http(&server, &["--session-idle-timeout", "1s"], None).await;
    let raw = Raw::new(&url);
    let idle = raw.session().await;
    let busy = raw.session().await;
    let waiting = wait(&raw, &busy, 2, &job, 4).await;
    let reading = tokio::spawn(waiting.all());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!raw.alive(&idle).await, "idle for more than 1 s: ended");
    // The ping touched it, but the call is what keeps it.
    let events = tokio::time::timeout(Duration::from_secs(20), reading)
        .await
        .unwrap()
        .unwrap();
    assert_still_running(&events, 2, "the wait ran to its own deadline");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!raw.alive(&busy).await, "idle once its call ended");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wait_cut_mid_stream_resumes_with_its_result() {
    let clock = mintlify_agent_testkit::ManualClock::default();
    let server = TestServer::builder()
        .key(KEY)
        .clock(clock.clone())
        .lifecycle(JobLifecycle {
            polls: None,
            after: Some(Duration::from_secs(3600)),
        })
        .start()
        .await
        .unwrap();
    let job = sdk(&server).v2().create_job("Add a page").await.unwrap().id;
    let (_child, url) = http(&server, &[], None).await;
    let raw = Raw::new(&url);
    let session = raw.session().await;

    let mut stream = wait(&raw, &session, 7, &job, 600).await;
    let priming = stream.next().await.unwrap();
    assert_eq!(priming.data, "");
    assert_eq!(priming.retry, Some(3000));
    let priming_id = priming.id.unwrap();
    assert!(priming_id.ends_with("-0"), "{priming_id}");
    let first = stream.next().await.unwrap();
    assert_eq!(first.json()["method"], "notifications/progress");
    assert_eq!(
        first.json()["params"]["message"],
        format!("job {job}: active")
    );
    let seen = first.id.unwrap();
    // The connection drops mid-wait.
    drop(stream);
    let polls = || {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "GET")
            .count()
    };
    let before = polls();
    // The job ends while the client is away; the server's next poll sees it.
    clock.advance(Duration::from_secs(7200));
    let deadline = Instant::now() + Duration::from_secs(30);
    while polls() == before {
        assert!(Instant::now() < deadline, "no poll after the job ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let missed = Events::new(raw.resume(&session, &seen).await).all().await;
    let ids: Vec<&str> = missed.iter().filter_map(|e| e.id.as_deref()).collect();
    assert!(
        !ids.contains(&seen.as_str()),
        "nothing seen comes again: {ids:?}"
    );
    let last = missed.last().unwrap().json();
    assert_eq!(last["id"], 7, "the result comes last: {last}");
    let outcome = &last["result"]["structuredContent"];
    assert_eq!(outcome["outcome"], "completed", "{last}");
    assert!(
        outcome["job"]["prLink"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(
        missed[..missed.len() - 1]
            .iter()
            .all(|e| e.json()["method"] == "notifications/progress"),
        "what came before the result is the progress missed"
    );
    assert!(
        missed
            .iter()
            .any(|e| e.json()["params"]["message"] == format!("job {job}: completed")),
        "the progress sent while away"
    );
    // From the priming event: the whole stream again.
    let whole = Events::new(raw.resume(&session, &priming_id).await)
        .all()
        .await;
    assert_eq!(whole.len(), missed.len() + 1);
    assert_eq!(whole.last().unwrap().json()["id"], 7);

    // Bad Last-Event-IDs get a clear answer.
    let other = raw.session().await;
    let other_events = Events::new(raw.call(&other, 1, "get_job", json!({ "id": job })).await)
        .all()
        .await;
    let other_id = other_events.last().unwrap().id.clone().unwrap();
    let (number, stream_number) = {
        let parts: Vec<&str> = seen.split('-').collect();
        (parts[0].to_owned(), parts[1].to_owned())
    };
    for (last_event_id, status, words) in [
        (other_id.as_str(), 400, "another session"),
        (
            &format!("{number}-{stream_number}-999"),
            400,
            "has not sent",
        ),
        (&format!("{number}-999-0"), 400, "has not sent"),
        ("garbage", 400, "not an event id"),
        ("1/0", 400, "not an event id"),
        ("1-2-3-4", 400, "not an event id"),
        (
            &format!("{number}-{stream_number}-18446744073709551616"),
            400,
            "not an event id",
        ),
    ] {
        let answer = raw.resume(&session, last_event_id).await;
        assert_eq!(answer.status(), status, "{last_event_id}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(words), "{last_event_id}: {text}");
    }
    assert_eq!(raw.resume("no-such-session", &seen).await.status(), 404);

    // Other calls push the result out of the buffer: coming back, the client learns that.
    for n in 0..70 {
        Events::new(
            raw.call(&session, 100 + n, "get_job", json!({ "id": job }))
                .await,
        )
        .all()
        .await;
    }
    let lost = Events::new(raw.resume(&session, &seen).await).all().await;
    assert_eq!(lost.len(), 1, "{lost:?}");
    let error = lost[0].json();
    assert_eq!(error["id"], 7, "{error}");
    assert_eq!(error["error"]["code"], -32001, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("get_job"),
        "{error}"
    );
    // Much later, the call itself is forgotten: 410.
    for n in 0..70 {
        Events::new(
            raw.call(&session, 200 + n, "get_job", json!({ "id": job }))
                .await,
        )
        .all()
        .await;
    }
    let gone = raw.resume(&session, &seen).await;
    assert_eq!(gone.status(), 410);
    assert!(gone.text().await.unwrap().contains("no longer keeps"));
    assert!(raw.alive(&session).await, "the session lives on");
}

/// 10,000 `initialize` requests that never come back: the server keeps at most its maximum
/// of sessions (the oldest idle ones end), stays small, and answers the next client.
#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_abandoned_sessions() {
    let server = quick_server().await;
    let (child, url) = http(&server, &[], None).await;
    let raw = Raw::new(&url);
    let rss = || {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", child.id().unwrap())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap()
            / 1024
    };
    let before = rss();
    let first = raw.session().await;
    let started = Instant::now();
    let abandoned = futures::stream::iter(0..10_000)
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
        .collect::<Vec<u16>>()
        .await;
    let after = rss();
    eprintln!(
        "10,000 abandoned sessions in {:?}: server RSS {before} MiB before, {after} MiB after",
        started.elapsed()
    );
    assert!(
        abandoned.iter().all(|s| *s == 200),
        "none refused: idle ones end"
    );
    assert!(!raw.alive(&first).await, "the first ended long ago");
    let next = raw.session().await;
    assert!(raw.alive(&next).await);
    assert!(after <= 64, "{after} MiB after 10,000 abandoned sessions");
}

/// 50 `wait_for_job` and 200 `get_job` at once, over one session and then over 20: every call
/// is answered, the waits on one job share their polls (the library's `wait/shared.rs`), and a
/// wait cancelled in the middle leaves the others to finish.
#[tokio::test(flavor = "multi_thread")]
async fn many_calls_at_once_over_one_session_and_over_twenty() {
    let server = server(JobLifecycle {
        polls: None,
        after: Some(Duration::from_secs(3)),
    })
    .await;
    let sdk = sdk(&server);
    let (_child, url) = http(&server, &[], None).await;
    let gets = || {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "GET")
            .count()
    };
    for sessions in [1, 20] {
        let mut clients = Vec::new();
        for _ in 0..sessions {
            let transport = StreamableHttpClientTransport::from_uri(url.clone());
            clients.push(Recorder::default().serve(transport).await.unwrap());
        }
        let mut jobs = Vec::new();
        for n in 0..5 {
            jobs.push(sdk.v2().create_job(format!("Job {n}")).await.unwrap().id);
        }
        let before = gets();
        // One more wait, on a job the others wait on too, cancelled while they run.
        let doomed = start_wait(&clients[0], &jobs[0], 120).await;
        // Sent first, so that the waits on one job overlap; their answers come later.
        let handles = futures::future::join_all((0..50).map(|n| {
            let (client, job) = (&clients[n % sessions], &jobs[n % 5]);
            async move { (job.clone(), start_wait(client, job, 120).await) }
        }))
        .await;
        let waits = futures::future::join_all(handles.into_iter().map(|(job, handle)| async {
            let ServerResult::CallToolResult(result) = handle.await_response().await.unwrap()
            else {
                panic!("not a tool result")
            };
            (job, result)
        }));
        let reads = futures::future::join_all((0..200).map(|n| {
            let (client, job) = (&clients[(n + 7) % sessions], &jobs[n % 5]);
            async move {
                (
                    job.clone(),
                    call(client, "get_job", json!({ "id": job })).await,
                )
            }
        }));
        let cancel = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            doomed.cancel(Some("moved on".to_owned())).await.unwrap();
        };
        let (waited, read, ()) = tokio::time::timeout(
            Duration::from_secs(120),
            futures::future::join3(waits, reads, cancel),
        )
        .await
        .expect("every call answered within 2 minutes");
        assert_eq!(waited.len(), 50);
        for (job, result) in &waited {
            assert!(!is_error(result), "{}", text(result));
            assert_eq!(
                structured(result)["outcome"],
                "completed",
                "{}",
                text(result)
            );
            assert_eq!(structured(result)["job"]["id"], job.as_str());
        }
        assert_eq!(read.len(), 200);
        for (job, result) in &read {
            assert!(!is_error(result), "{}", text(result));
            assert_eq!(structured(result)["id"], job.as_str());
        }
        let polls = gets() - before - 200;
        eprintln!("{sessions} session(s): 51 waits on 5 jobs took {polls} polls");
        // Alone, each wait would poll at least once (twice: its job is still active at its
        // first poll); sharing, the waits on one job make about one poll per interval.
        assert!(
            polls < 51,
            "{polls} polls for 51 waits on 5 jobs: the waits on one job share their polls"
        );
        for client in clients {
            client.cancel().await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn session_settings_are_checked_and_a_body_too_large_is_refused() {
    let server = quick_server().await;
    for (args, words) in [
        (
            &["--http", "127.0.0.1:0", "--max-sessions", "0"][..],
            "--max-sessions",
        ),
        (
            &["--http", "127.0.0.1:0", "--max-sessions", "100001"][..],
            "--max-sessions",
        ),
        (
            &["--http", "127.0.0.1:0", "--session-idle-timeout", "0s"][..],
            "at least 1s",
        ),
        (
            &["--http", "127.0.0.1:0", "--session-idle-timeout", "soon"][..],
            "try 90s",
        ),
        (&["--max-sessions", "5"][..], "--http"),
        (&["--session-idle-timeout", "5m"][..], "--http"),
    ] {
        let output = command(&server, args)
            .stdin(std::process::Stdio::null())
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
    let help = command(&server, &["--help"]).output().await.unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for words in [
        "--max-sessions",
        "--session-idle-timeout",
        "[default: 100]",
        "[default: 30m]",
        "Last-Event-ID",
    ] {
        assert!(help.contains(words), "{words}: {help}");
    }
    assert!(!help.contains("conformance"), "a flag for CI only: {help}");

    let (_child, url) = http(&server, &[], None).await;
    let raw = Raw::new(&url);
    let huge = raw
        .request(reqwest::Method::POST, None)
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"pad":"{}"}}}}"#,
            "x".repeat(5 << 20)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    // On a new connection: the server closes the one whose body it did not read.
    let raw = Raw::new(&url);
    assert!(raw.alive(&raw.session().await).await, "the server lives on");
}

/// Reads `stream` until `end` has arrived: a whole answer.
async fn read_until(stream: &mut tokio::net::TcpStream, end: &[u8]) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !seen.windows(end.len()).any(|w| w == end) {
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(
            n > 0,
            "closed before {:?}: {:?}",
            String::from_utf8_lossy(end),
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buffer[..n]);
    }
    seen
}

/// Reads `stream` until the server closes it (end of file or reset): what came, and when.
async fn until_closed(mut stream: tokio::net::TcpStream) -> (Vec<u8>, Instant) {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return (seen, Instant::now()),
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_that_send_nothing_are_closed_and_a_long_answer_is_not() {
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpStream;

    let server = server_never_done().await;
    let job = sdk(&server).v2().create_job("Never ends").await.unwrap().id;
    let (_child, url) = http(&server, &[], None).await;
    let address = url.trim_start_matches("http://").trim_end_matches("/mcp");
    let started = Instant::now();
    // Opened and never written to.
    let silent = TcpStream::connect(address).await.unwrap();
    // A request head begun and never finished.
    let mut slow_head = TcpStream::connect(address).await.unwrap();
    slow_head
        .write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    // A whole head, and a body that never comes.
    let mut slow_body = TcpStream::connect(address).await.unwrap();
    slow_body
        .write_all(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{",
        )
        .await
        .unwrap();
    // One request answered, then kept alive and never used again.
    let mut kept = TcpStream::connect(address).await.unwrap();
    kept.write_all(b"DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nMcp-Session-Id: gone\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until(&mut kept, b"Session not found\n").await;
    assert!(
        answer.starts_with(b"HTTP/1.1 404"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A call whose answer streams for longer than a connection may stay silent.
    let raw = Raw::new(&url);
    let session = raw.session().await;
    let waiting = wait(&raw, &session, 2, &job, 36).await;
    let waited = tokio::spawn(waiting.all());

    let closed = tokio::time::timeout(
        Duration::from_secs(60),
        futures::future::join_all([silent, slow_head, slow_body, kept].map(until_closed)),
    )
    .await
    .expect("every silent connection closed within 60 s");
    for ((what, (said, at)), answer) in ["silent", "slow head", "slow body", "kept alive"]
        .into_iter()
        .zip(closed)
        .zip(["", "", "HTTP/1.1 408", ""])
    {
        let after = at - started;
        assert!(
            after >= Duration::from_secs(25) && after < Duration::from_secs(40),
            "{what}: closed after {after:?}, not after 30 s"
        );
        let said = String::from_utf8_lossy(&said);
        assert!(said.starts_with(answer), "{what}: {said:?}");
    }
    let events = tokio::time::timeout(Duration::from_secs(60), waited)
        .await
        .unwrap()
        .unwrap();
    assert_still_running(
        &events,
        2,
        "the wait streamed to its own deadline, past 30 s",
    );
}
