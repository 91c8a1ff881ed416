//! Waiting for jobs and sessions against the local server: outcomes, the deadline, Retry-After,
//! transient errors, unknown statuses, cancellation by drop, follow-ups, and paging.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use mintlify_agent::v2::types::JobStatus;
use mintlify_agent::{Error, JobOutcome, LastSeen, RetryPolicy, WaitOptions, WaitTarget};
use mintlify_agent_testkit::{Fault, FaultKind, JobLifecycle, Operation, TestServer};

use crate::support::{client_builder, client_for, count};

/// Polls every 20 ms, no jitter, gives up after 2 s.
fn quick() -> WaitOptions {
    WaitOptions::default()
        .first_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(20))
        .jitter(false)
        .deadline(Duration::from_secs(2))
}

async fn server(polls: u32) -> TestServer {
    TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: Some(polls),
            after: None,
        })
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn create_and_wait_ends_completed_with_the_pull_request() {
    let server = server(4).await;
    let outcome = client_for(&server)
        .v2()
        .create_and_wait_with("Add a quickstart", &quick())
        .await
        .unwrap();
    let JobOutcome::Completed(job) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(job.pr_link.unwrap().contains("/pull/"));
    assert_eq!(
        count(&server, Operation::V2GetJob),
        4,
        "polled until the fourth poll finished it"
    );
}

#[tokio::test]
async fn a_failed_job_is_an_outcome_not_an_error() {
    let server = server(2).await;
    let outcome = client_for(&server)
        .v2()
        .create_and_wait_with("Break it #fail", &quick())
        .await
        .unwrap();
    assert!(matches!(outcome, JobOutcome::Failed(_)), "{outcome:?}");
    assert_eq!(outcome.job().status, Some(JobStatus::Failed));
}

#[tokio::test]
async fn the_deadline_ends_the_wait_with_the_last_seen_job() {
    let server = server(1_000).await;
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    let started = Instant::now();
    let error = client
        .v2()
        .wait_with(&id, &quick().deadline(Duration::from_millis(300)))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_millis(900),
        "{elapsed:?}"
    );
    let Error::WaitDeadline {
        last_seen: Some(last),
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    let LastSeen::Job(job) = last.as_ref() else {
        panic!("{last:?}")
    };
    assert_eq!(job.status, Some(JobStatus::Active));
    assert_eq!(error.target(), Some(WaitTarget::Job(id.clone())));
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("job {id} is still active after ")),
        "{text}"
    );
    assert!(!text.contains("Some("), "{text}");
}

#[tokio::test]
async fn the_deadline_cuts_off_a_poll_in_flight() {
    let server = server(1_000).await;
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::delay(Duration::from_secs(30)).on(Operation::V2GetJob));
    let started = Instant::now();
    let error = client
        .v2()
        .wait_with(&id, &quick().deadline(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::WaitDeadline { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("no poll of job {id} succeeded in 3")),
        "{error}"
    );

    let mut changes = Box::pin(
        client
            .v2()
            .watch_with(&id, &quick().deadline(Duration::from_millis(300))),
    );
    let started = Instant::now();
    let last = changes.next().await.unwrap().unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(last.target(), Some(WaitTarget::Job(id)));
}

#[tokio::test]
async fn create_and_wait_names_the_job_whatever_ends_the_wait() {
    let server = server(1_000).await;
    let client = client_for(&server).with_retry_policy(RetryPolicy::disabled());
    server.inject(Fault::new(FaultKind::NonJsonBody).on(Operation::V2GetJob));
    let error = client
        .v2()
        .create_and_wait_with("x", &quick().deadline(Duration::from_millis(200)))
        .await
        .unwrap_err();
    let created = server
        .requests()
        .iter()
        .find(|r| r.operation == Some(Operation::V2CreateJob))
        .map(|r| r.status)
        .unwrap();
    assert_eq!(created, 201);
    let Some(WaitTarget::Job(id)) = error.target() else {
        panic!("{error:?}")
    };
    assert!(id.starts_with("job_"), "{id}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("no poll of job {id} succeeded in ")),
        "{text}"
    );
    assert!(text.contains("(last poll: invalid response body"), "{text}");

    server.clear_faults();
    server.inject(Fault::status(404).on(Operation::V2GetJob));
    let error = client
        .v2()
        .create_and_wait_with("y", &quick())
        .await
        .unwrap_err();
    let Error::WaitFailed { target, source } = &error else {
        panic!("{error:?}")
    };
    assert!(matches!(**source, Error::NotFound(_)), "{source:?}");
    assert_eq!(error.status(), Some(404));
    assert!(
        error
            .to_string()
            .starts_with(&format!("waiting for {target} failed: not found")),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_status_is_polled_until_the_deadline_and_reported() {
    let server = server(1).await;
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::new(FaultKind::UnknownStatus("paused".into())).on(Operation::V2GetJob));
    let error = client
        .v2()
        .wait_with(&id, &quick().deadline(Duration::from_millis(200)))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("reports status \"paused\", which this client does not know"),
        "{error}"
    );
    assert!(count(&server, Operation::V2GetJob) >= 5, "it kept polling");
}

#[tokio::test]
async fn transient_errors_do_not_end_the_wait_but_a_404_does() {
    let server = server(2).await;
    let client = client_for(&server).with_retry_policy(RetryPolicy::disabled());
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::status(503).on(Operation::V2GetJob).times(2));
    server.inject(
        Fault::new(FaultKind::CutAfterBytes(4))
            .on(Operation::V2GetJob)
            .times(1),
    );
    let outcome = client.v2().wait_with(&id, &quick()).await.unwrap();
    assert!(matches!(outcome, JobOutcome::Completed(_)));
    // Two 503s (not acted on), a cut reply (acted on: the job's first poll), then its second.
    assert_eq!(count(&server, Operation::V2GetJob), 4);

    let error = client
        .v2()
        .wait_with("job_missing", &quick())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error}");
}

#[tokio::test]
async fn a_servers_retry_after_wins_over_the_schedule_up_to_its_longest_pause() {
    let server = server(2).await;
    let client = client_for(&server).with_retry_policy(RetryPolicy::disabled());
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::rate_limited(1).on(Operation::V2GetJob).times(1));
    let started = Instant::now();
    let patient = quick()
        .max_delay(Duration::from_secs(2))
        .deadline(Duration::from_secs(5));
    client.v2().wait_with(&id, &patient).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let polls: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::V2GetJob))
        .collect();
    assert_eq!(polls[0].status, 429);
    assert!(
        (polls[1].at - polls[0].at).num_milliseconds() >= 1000,
        "the next poll waited for Retry-After"
    );

    // A server that asks for more than the longest pause is polled at the longest pause.
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::rate_limited(3600).on(Operation::V2GetJob).times(1));
    let started = Instant::now();
    client.v2().wait_with(&id, &patient).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dropping_the_wait_stops_polling() {
    let server = server(1_000).await;
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    let waiting = {
        let client = client.clone();
        tokio::spawn(async move { client.v2().wait_with(&id, &quick().no_deadline()).await })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    waiting.abort();
    let _ = waiting.await;
    let polls = count(&server, Operation::V2GetJob);
    assert!(polls >= 3, "{polls}");
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        count(&server, Operation::V2GetJob),
        polls,
        "no poll after the drop"
    );
}

#[tokio::test]
async fn watch_yields_each_distinct_state_and_ends_at_the_final_one() {
    let server = server(4).await;
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    let states: Vec<_> = client
        .v2()
        .watch_with(&id, &quick())
        .map(|job| job.unwrap())
        .collect()
        .await;
    let statuses: Vec<_> = states
        .iter()
        .map(|job| job.status.clone().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [JobStatus::Active, JobStatus::Completed],
        "three active polls are one state"
    );
    assert!(states[1].pr_link.is_some() && states[0].pr_link.is_none());
    assert_eq!(count(&server, Operation::V2GetJob), 4);
}

#[tokio::test]
async fn a_follow_up_then_wait() {
    let server = server(2).await;
    let client = client_for(&server);
    let first = client
        .v2()
        .create_and_wait_with("x", &quick())
        .await
        .unwrap()
        .into_job();
    let id = first.id.clone();
    let again = client
        .v2()
        .send_message_and_wait_with(&id, "more", &quick())
        .await
        .unwrap();
    assert!(matches!(again, JobOutcome::Completed(_)));
    assert_eq!(again.job().pr_link, first.pr_link, "the same pull request");
    assert_eq!(count(&server, Operation::V2SendMessage), 1);
}

#[tokio::test]
async fn a_session_is_waited_for_until_it_halts() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(5))
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    let request = mintlify_agent::v1::types::CreateJobRequest::builder().messages(vec![
        mintlify_agent::v1::types::Message {
            role: mintlify_agent::v1::types::MessageRole::User,
            content: "x".into(),
        },
    ]);
    let run = client.v1().create_job(request).await.unwrap();
    let id = run.session_id().unwrap().to_owned();
    drop(run);
    let session = client
        .v1()
        .wait_for_session_with(&id, &quick())
        .await
        .unwrap();
    assert_eq!(session.haulted, Some(true));
    assert!(session.pull_request_link.is_some());
}

#[tokio::test]
async fn sessions_are_listed_across_pages() {
    let server = TestServer::builder()
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = client_builder(&server).build().unwrap();
    let mut ids = Vec::new();
    for n in 0..7 {
        let request = mintlify_agent::v1::types::CreateJobRequest::builder().messages(vec![
            mintlify_agent::v1::types::Message {
                role: mintlify_agent::v1::types::MessageRole::User,
                content: format!("task {n}"),
            },
        ]);
        let run = client.v1().create_job(request).await.unwrap();
        ids.push(run.session_id().unwrap().to_owned());
        run.collect().await.unwrap();
    }
    ids.reverse();
    let listed: Vec<String> = client
        .v1()
        .list_all(3)
        .map(|s| s.unwrap().session_id)
        .collect()
        .await;
    assert_eq!(listed, ids);
    let pages: Vec<_> = server
        .requests()
        .into_iter()
        .filter_map(|r| {
            (r.operation == Some(Operation::V1ListJobs)).then(|| r.query.clone().unwrap())
        })
        .collect();
    assert_eq!(pages, ["skip=0&take=3", "skip=3&take=3", "skip=6&take=3"]);
}

#[tokio::test]
async fn waiters_on_the_same_job_share_one_poll_per_interval() {
    let server = TestServer::builder()
        .lifecycle(JobLifecycle {
            polls: None,
            after: Some(Duration::from_millis(600)),
        })
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    let options = quick();
    let waits = futures::future::join_all((0..50).map(|_| client.v2().wait_with(&id, &options)));
    let watches = futures::future::join_all(
        (0..10).map(|_| client.v2().watch_with(&id, &options).collect::<Vec<_>>()),
    );
    let (waits, watches) = tokio::join!(waits, watches);
    assert!(
        waits
            .iter()
            .all(|w| matches!(w, Ok(JobOutcome::Completed(_))))
    );
    for changes in &watches {
        let last = changes.last().unwrap().as_ref().unwrap();
        assert_eq!(last.status, Some(JobStatus::Completed));
    }
    // 60 waiters polling every 20 ms for 600 ms would send about 1,800 requests alone.
    let polls = count(&server, Operation::V2GetJob);
    assert!(polls <= 70, "{polls} polls for 60 waiters");
    assert!(polls >= 15, "{polls}: about one per interval");

    // A plain read is never served from a shared poll.
    let before = count(&server, Operation::V2GetJob);
    client.v2().get_job(&id).await.unwrap();
    client.v2().get_job(&id).await.unwrap();
    assert_eq!(count(&server, Operation::V2GetJob), before + 2);
}

#[tokio::test]
async fn a_status_declared_final_ends_the_wait_as_other() {
    let server = server(1_000).await;
    let client = client_for(&server);
    let id = client.v2().create_job("x").await.unwrap().id;
    server.inject(Fault::new(FaultKind::UnknownStatus("cancelled".into())).on(Operation::V2GetJob));
    let started = Instant::now();
    // Bounded here too: with the declared status lost, the wait would go on to the default
    // deadline of 30 minutes.
    let outcome = tokio::time::timeout(
        Duration::from_secs(10),
        client.v2().wait_with(&id, &quick().also_final("cancelled")),
    )
    .await
    .expect("the declared final status ended the wait")
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    let JobOutcome::Other(job) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(job.status, Some(JobStatus::Unknown("cancelled".into())));
}
