//! The client against servers that misbehave on purpose: redirects, absurd `Retry-After`s,
//! oversized and trickling bodies, arbitrary headers, and path values built to escape their
//! segment. Whatever the server sends, a call returns (a value or a typed error) within its
//! bounds, never panics, and never sends anything anywhere else.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use mintlify_agent::{Client, Error, RetryPolicy, WaitOptions, WaitTarget};
use proptest::prelude::*;
use tokio::io::AsyncWriteExt;

use crate::support::fast_retries;
use crate::support::raw::{RawServer, reply};

const KEY: &str = "mint_hostile_SECRET_0123456789";
const JOB: &str = r#"{"id":"job_1","status":"active","createdAt":"2026-11-22T10:00:00Z"}"#;
const JSON: (&str, &str) = ("content-type", "application/json");

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .project_id("p")
        .base_url(base_url)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_the_location_and_is_never_followed() {
    let elsewhere = RawServer::replying(reply(200, &[JSON], JOB.as_bytes())).await;
    let location = format!("{}/v2/agent/other/job", elsewhere.base_url());
    for status in [301, 302, 303, 307, 308] {
        let server = RawServer::replying(reply(status, &[("location", &location)], b"")).await;
        let client = client(&server.base_url());

        let error = client
            .v2()
            .create_job("a private prompt")
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Redirected { location: Some(l), .. } if *l == location),
            "{error:?}"
        );
        assert_eq!(error.status(), Some(status));
        assert!(!error.is_transient());
        assert!(error.to_string().contains(&location), "{error}");

        let error = client.v2().get_job("job_1").await.unwrap_err();
        assert!(matches!(error, Error::Redirected { .. }), "{error:?}");
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "neither retried nor followed");
        assert!(requests.iter().all(|r| r.header("referer").is_none()));
    }
    assert!(elsewhere.requests().is_empty(), "the prompt went elsewhere");
}

#[tokio::test]
async fn a_redirect_loop_costs_one_request() {
    let server = RawServer::start(|request, mut socket| async move {
        let host = request.header("host").unwrap_or_default().to_owned();
        let to = format!("http://{host}{}", request.target);
        let _ = socket
            .write_all(&reply(307, &[("location", &to)], b""))
            .await;
    })
    .await;
    let error = client(&server.base_url())
        .v2()
        .get_job("job_1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Redirected { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn absurd_retry_after_values_are_clamped_and_never_panic() {
    let absurd = [
        ("retry-after-ms", "1e300"),
        ("retry-after-ms", "NaN"),
        ("retry-after-ms", "inf"),
        ("retry-after-ms", "-1"),
        ("retry-after", "18446744073709551615"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ];
    for (name, value) in absurd {
        for status in [200, 201, 429, 503] {
            let body = if status < 300 {
                JOB
            } else {
                r#"{"error":"busy"}"#
            };
            let server =
                RawServer::replying(reply(status, &[(name, value), JSON], body.as_bytes())).await;
            let plain = client(&server.base_url());
            for client in [
                plain.clone(),
                plain.with_deadline(Duration::from_secs(5)),
                plain.with_deadline(Duration::MAX),
            ] {
                // A read succeeds with 200, a creation with 201.
                let read = client.v2().get_job("job_1").await;
                let write = client.v2().create_job("x").await;
                for (result, success) in [(read, 200), (write, 201)] {
                    match result {
                        Ok(job) => {
                            assert_eq!(status, success);
                            assert_eq!(job.id, "job_1");
                        }
                        Err(error) => {
                            assert_ne!(status, success, "{error:?}");
                            assert_eq!(error.status(), Some(status));
                        }
                    }
                }
            }
        }
    }
}

/// However long a server asks to wait, the error says at most one day, and the call ends at once.
#[tokio::test]
async fn a_retry_after_of_two_days_is_reported_as_one_day() {
    let day = Duration::from_secs(24 * 60 * 60);
    for (name, value) in [
        ("retry-after", "172800"),
        ("retry-after-ms", "172800000"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ] {
        let server = RawServer::replying(reply(
            429,
            &[(name, value), JSON],
            br#"{"error":"slow down"}"#,
        ))
        .await;
        let error = client(&server.base_url())
            .v2()
            .get_job("job_1")
            .await
            .unwrap_err();
        assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
        assert_eq!(error.retry_after(), Some(day), "{name}: {value}");
        assert_eq!(server.requests().len(), 1);
    }
    // Under a day, the server's own figure.
    let server = RawServer::replying(reply(429, &[("retry-after", "86399"), JSON], b"{}")).await;
    let error = client(&server.base_url())
        .v2()
        .get_job("job_1")
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(day - Duration::from_secs(1)));
}

#[tokio::test]
async fn a_wait_clamps_what_the_server_asks_to_its_longest_pause() {
    let server = RawServer::replying(reply(
        429,
        &[("retry-after-ms", "1e300"), JSON],
        br#"{"error":"slow down"}"#,
    ))
    .await;
    let client = client(&server.base_url());
    let options = WaitOptions::default()
        .first_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(20))
        .deadline(Duration::from_millis(300));
    let error = client.v2().wait_with("job_1", &options).await.unwrap_err();
    let Error::WaitDeadline {
        target, last_error, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(target, &WaitTarget::Job("job_1".into()));
    assert_eq!(last_error.as_ref().and_then(|e| e.status()), Some(429));
    assert!(
        server.requests().len() >= 5,
        "it polled on instead of sleeping for ages: {}",
        server.requests().len()
    );
}

#[tokio::test]
async fn a_success_body_over_the_limit_is_not_read() {
    // Announced: 256 MiB that never come.
    let announced = RawServer::start(|_, mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 268435456\r\n\r\n{";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    // Unannounced: chunks for as long as the client reads.
    let endless = RawServer::start(|_, mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
        while socket.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    for server in [&announced, &endless] {
        let client = Client::builder()
            .api_key(KEY)
            .project_id("p")
            .base_url(server.base_url())
            .max_response_bytes(1024 * 1024)
            .build()
            .unwrap();
        let started = Instant::now();
        // Bounded: a client that read on would read the endless body for ever.
        let error = tokio::time::timeout(Duration::from_secs(20), client.v2().get_job("job_1"))
            .await
            .expect("the limit ended the read")
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::ResponseTooLarge {
                    status: 200,
                    limit: 1_048_576,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(server.requests().len(), 1, "not retried");
    }
}

/// The limit is inclusive: a body of exactly `max_response_bytes` is read, one byte more is not.
#[tokio::test]
async fn a_success_body_of_exactly_the_limit_is_read() {
    let body = format!("{JOB:<2000}");
    let server = RawServer::replying(reply(200, &[JSON], body.as_bytes())).await;
    let client = |limit: usize| {
        Client::builder()
            .api_key(KEY)
            .project_id("p")
            .base_url(server.base_url())
            .retry_policy(RetryPolicy::disabled())
            .max_response_bytes(limit)
            .build()
            .unwrap()
    };
    let job = client(2000).v2().get_job("job_1").await.unwrap();
    assert_eq!(job.id, "job_1");
    let error = client(1999).v2().get_job("job_1").await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1999, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_error_body_is_read_and_kept_as_a_short_prefix_only() {
    let server = RawServer::start(|_, mut socket| async move {
        let head =
            "HTTP/1.1 500 Oops\r\ncontent-type: text/html\r\ncontent-length: 67108864\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        let chunk = "<p>".repeat(20_000);
        while socket.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    let error = client(&server.base_url())
        .v2()
        .get_job("job_1")
        .await
        .unwrap_err();
    let Error::Server(failure) = &error else {
        panic!("{error:?}")
    };
    let raw = failure.raw_body.as_deref().unwrap();
    assert!(raw.starts_with("<p><p>"), "{raw:.40}");
    assert_eq!(raw.len(), 16 * 1024, "the first 16 KiB, no more, no less");
    assert_eq!(server.requests().len(), 3, "a 500 on a read is retried");
}

#[tokio::test]
async fn a_trickling_reply_ends_at_the_request_timeout() {
    let server = RawServer::start(|_, mut socket| async move {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        while socket.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .project_id("p")
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .request_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    // Bounded here too: without the request timeout the trickle goes on for ever.
    let error = tokio::time::timeout(Duration::from_secs(10), client.v2().get_job("job_1"))
        .await
        .expect("the request timeout ended the call")
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    // The same server, bounded by a call's deadline instead.
    let error = tokio::time::timeout(
        Duration::from_secs(10),
        client
            .with_deadline(Duration::from_millis(300))
            .v2()
            .create_job("x"),
    )
    .await
    .expect("the call's deadline ended the call")
    .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn empty_and_dot_ids_are_refused_before_sending() {
    let server = RawServer::replying(reply(200, &[JSON], JOB.as_bytes())).await;
    let client = client(&server.base_url());
    for id in ["", ".", ".."] {
        for error in [
            client.v2().get_job(id).await.unwrap_err(),
            client.v2().send_message(id, "x").await.unwrap_err(),
            client.v1().get_job(id).await.map(|_| ()).unwrap_err(),
        ] {
            assert!(
                matches!(error, Error::InvalidRequest(_)),
                "{id:?}: {error:?}"
            );
        }
    }
    assert!(server.requests().is_empty());
}

/// `%XX` sequences back to bytes.
fn percent_decode(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Strings full of what URL parsers treat specially, and arbitrary ones.
fn path_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\\\/.%?#;&=+ a-z0-9\\x00-\\x1f\\x7f]{0,16}",
        "(\\.\\.[\\\\/]){1,5}v[12][\\\\/]agent[\\\\/]other",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every path value lands in exactly its own segment, and decodes back to itself; or it is
    /// refused before anything is sent.
    #[test]
    fn every_path_value_lands_in_exactly_its_own_segment(project in path_value(), id in path_value()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let server = RawServer::replying(reply(200, &[JSON], JOB.as_bytes())).await;
            let built = Client::builder()
                .api_key(KEY)
                .project_id(project.clone())
                .base_url(server.base_url())
                .retry_policy(RetryPolicy::disabled())
                .build();
            let Ok(client) = built else {
                assert!(project.trim().is_empty() || project == "." || project == "..", "{project:?}");
                return;
            };
            let refused = id.is_empty() || id == "." || id == "..";
            let calls = [
                (client.v2().get_job(&id).await.map(|_| ()), vec!["v2", "agent", &project, "job", &id]),
                (client.v2().send_message(&id, "x").await.map(|_| ()), vec!["v2", "agent", &project, "job", &id, "message"]),
            ];
            for (sent, (result, expected)) in calls.into_iter().enumerate() {
                if refused {
                    assert!(matches!(result, Err(Error::InvalidRequest(_))), "{id:?}");
                    assert!(server.requests().is_empty());
                    continue;
                }
                let request = &server.requests()[sent];
                let target = request.target.strip_prefix('/').unwrap();
                let segments: Vec<&str> = target.split('/').collect();
                assert_eq!(segments.len(), expected.len(), "{target}");
                assert!(!target.contains(['?', '#', '\\']), "{target}");
                for (segment, value) in segments.iter().zip(&expected) {
                    assert_eq!(percent_decode(segment), value.as_bytes(), "{target}");
                }
            }
        });
    }

    /// Whatever status, headers and body come back, every call returns, and its error neither
    /// panics to print nor shows the key.
    #[test]
    fn any_reply_gives_a_value_or_an_error_never_a_panic(
        status in prop_oneof![Just(200u16), Just(201), Just(302), Just(400), Just(429), Just(500), Just(503), 100u16..600],
        headers in proptest::collection::vec((header_name(), header_value()), 0..6),
        body in prop_oneof![Just(JOB.as_bytes().to_vec()), Just(b"data: {\"type\":\"start\"}\n\n".to_vec()), proptest::collection::vec(any::<u8>(), 0..200)],
        deadline in prop_oneof![Just(None), Just(Some(Duration::from_secs(5))), Just(Some(Duration::MAX))],
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let server = RawServer::replying(reply(status, &headers, &body)).await;
            let mut client = client(&server.base_url());
            if let Some(deadline) = deadline {
                client = client.with_deadline(deadline);
            }
            let mut errors = Vec::new();
            errors.extend(client.v2().get_job("job_1").await.err());
            errors.extend(client.v2().create_job("x").await.err());
            let request = mintlify_agent::v1::types::CreateJobRequest::builder().messages(vec![
                mintlify_agent::v1::types::Message { role: mintlify_agent::v1::types::MessageRole::User, content: "x".into() },
            ]);
            match client.v1().create_job(request).await {
                Ok(run) => errors.extend(run.collect().await.err()),
                Err(error) => errors.push(error),
            }
            for error in errors {
                let text = format!("{error} {error:?}");
                assert!(!text.contains("SECRET"), "{text}");
            }
        });
    }
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("retry-after".to_owned()),
        Just("retry-after-ms".to_owned()),
        Just("x-request-id".to_owned()),
        Just("content-type".to_owned()),
        Just("location".to_owned()),
        Just("x-session-id".to_owned()),
        Just("x-branch-name".to_owned()),
        "[a-z][a-z-]{0,12}",
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{1,25}(\\.[0-9]{0,5})?(e-?[0-9]{1,3})?",
        Just("NaN".to_owned()),
        Just("inf".to_owned()),
        Just("text/event-stream".to_owned()),
        Just("application/json".to_owned()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
        "[ -~\u{80}-\u{ff}]{0,40}",
    ]
}

#[tokio::test]
async fn https_to_a_server_without_tls_is_a_connection_error() {
    // Answers plain HTTP at once, whatever the client sends (here a TLS hello).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(&reply(200, &[JSON], JOB.as_bytes())).await;
        }
    });
    let client = Client::builder()
        .api_key(KEY)
        .project_id("p")
        .base_url(format!("https://{address}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.v2().get_job("job_1").await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("SECRET"));
}

#[tokio::test]
async fn a_job_without_an_id_or_creation_time_is_an_invalid_response() {
    for body in [
        r#"{"status":"active","createdAt":"2026-11-22T10:00:00Z"}"#,
        r#"{"id":"job_1","status":"active"}"#,
        r#"{"id":null,"createdAt":"2026-11-22T10:00:00Z"}"#,
    ] {
        let server = RawServer::replying(reply(201, &[JSON], body.as_bytes())).await;
        let error = client(&server.base_url())
            .v2()
            .create_and_wait("x")
            .await
            .unwrap_err();
        let Error::InvalidResponse {
            status: 201,
            body: kept,
            ..
        } = &error
        else {
            panic!("{body}: {error:?}")
        };
        assert_eq!(kept, body.as_bytes());
        assert_eq!(server.requests().len(), 1, "nothing polled without an id");
    }
}
