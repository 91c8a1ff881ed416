//! v1 runs streamed from the local server through the SDK: every protocol, the events, the
//! transcript, a stream that breaks off, and learning the outcome afterwards.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures::StreamExt;
use mintlify_agent::stream::{AgentEvent, Protocol, ToolState, Transcript};
use mintlify_agent::v1::types::{CreateJobRequest, HaltReason, Message, MessageRole};
use mintlify_agent::{Error, WaitOptions};
use mintlify_agent_testkit::{
    Fault, FaultKind, Operation, TestServer, stream::Protocol as ServerProtocol,
};

use crate::support::{client_builder, client_for, count};

fn request(task: &str) -> mintlify_agent::v1::types::builder::CreateJobRequest {
    CreateJobRequest::builder().messages(vec![Message {
        role: MessageRole::User,
        content: task.to_owned(),
    }])
}

async fn server(protocol: ServerProtocol) -> TestServer {
    TestServer::builder()
        .protocol(protocol)
        .frame_delay(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ui_message_stream_run_collects_into_a_transcript() {
    let server = server(ServerProtocol::UiMessageStream).await;
    let client = client_for(&server);
    let run = client
        .v1()
        .create_job(request("Add a quickstart"))
        .await
        .unwrap();
    assert_eq!(run.protocol(), Some(Protocol::UiMessageStream));
    let session_id = run.session_id().unwrap().to_owned();
    let transcript = run.collect().await.unwrap();
    assert_eq!(transcript.message_id, Some(format!("msg_{session_id}")));
    assert_eq!(transcript.finish_reason.as_deref(), Some("stop"));
    let session = client.v1().get_job(&session_id).await.unwrap();
    let link = session.pull_request_link.unwrap();
    assert!(transcript.text().ends_with(&link), "{}", transcript.text());
    let tools: Vec<_> = transcript
        .tool_calls()
        .map(|c| (c.tool_name.as_str(), c.state))
        .collect();
    assert_eq!(
        tools,
        [
            ("read_file", ToolState::OutputAvailable),
            ("edit_file", ToolState::OutputAvailable)
        ]
    );
    let edit = transcript.tool_calls().nth(1).unwrap();
    assert_eq!(edit.input.as_ref().unwrap()["path"], "docs/quickstart.mdx");
    // As the AI SDK: the streamed text goes once the whole input is there.
    assert_eq!(edit.raw_input, None);
    let todos = transcript.todos().unwrap();
    assert_eq!(todos.len(), 3);
    assert!(transcript.unknown.is_empty() && transcript.errors.is_empty());
}

#[tokio::test]
async fn the_data_stream_and_plain_text_build_the_same_text() {
    let reference = {
        let server = server(ServerProtocol::UiMessageStream).await;
        client_for(&server)
            .v1()
            .create_job(request("Add a quickstart"))
            .await
            .unwrap()
            .collect()
            .await
            .unwrap()
    };
    let server_v4 = server(ServerProtocol::DataStream).await;
    let run = client_for(&server_v4)
        .v1()
        .create_job(request("Add a quickstart"))
        .await
        .unwrap();
    assert_eq!(
        run.protocol(),
        Some(Protocol::DataStream),
        "from x-vercel-ai-data-stream"
    );
    let v4 = run.collect().await.unwrap();
    assert_eq!(v4.text(), reference.text());
    assert_eq!(v4.tool_calls().count(), 2);
    assert_eq!(v4.finish_reason.as_deref(), Some("stop"));
    assert_eq!(v4.todos().unwrap().len(), 3);

    let server_text = server(ServerProtocol::Text).await;
    let mut run = client_for(&server_text)
        .v1()
        .create_job(request("Add a quickstart"))
        .await
        .unwrap();
    assert_eq!(run.protocol(), None, "text/plain alone does not tell");
    let first = run.next().await.unwrap().unwrap();
    assert!(
        matches!(first, AgentEvent::Start { .. }),
        "framed as the AI SDK frames text: {first:?}"
    );
    assert_eq!(
        run.protocol(),
        Some(Protocol::Text),
        "sniffed from the first bytes"
    );
    let mut rest = Transcript::new();
    rest.apply(&first);
    let rest = {
        let mut run = run;
        while let Some(event) = run.next().await {
            rest.apply(&event.unwrap());
        }
        rest
    };
    assert_eq!(rest.text(), reference.text());
    assert_eq!(
        rest.parts.len(),
        2,
        "one step, one text part: {:?}",
        rest.parts
    );
}

#[tokio::test]
async fn events_and_text_stream_as_they_arrive() {
    let server = server(ServerProtocol::UiMessageStream).await;
    let client = client_for(&server);
    let mut run = client.v1().create_job(request("x")).await.unwrap();
    let mut kinds = Vec::new();
    while let Some(event) = run.next().await {
        kinds.push(std::mem::discriminant(&event.unwrap()));
    }
    assert!(kinds.len() > 20, "{}", kinds.len());
    let text: Vec<String> = client
        .v1()
        .create_job(request("x"))
        .await
        .unwrap()
        .text_stream()
        .map(|t| t.unwrap())
        .collect()
        .await;
    assert!(text.len() > 2);
    assert!(text.concat().starts_with("I'll take care of that."));
}

#[tokio::test]
async fn unknown_fields_in_every_chunk_change_nothing() {
    let server = server(ServerProtocol::UiMessageStream).await;
    let client = client_for(&server);
    let plain = client
        .v1()
        .create_job(request("x"))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    server.inject(Fault::new(FaultKind::ExtraFields).on(Operation::V1CreateJob));
    let extra = client
        .v1()
        .create_job(request("x"))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert!(extra.unknown.is_empty());
    assert_eq!(extra.text(), plain.text().replace("/pull/1", "/pull/2"));
}

#[tokio::test]
async fn a_broken_stream_keeps_what_arrived_and_the_outcome_can_be_waited_for() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(2))
        .start()
        .await
        .unwrap();
    server.inject(
        Fault::new(FaultKind::CutAfterEvents(12))
            .on(Operation::V1CreateJob)
            .times(1),
    );
    let client = client_for(&server);
    let run = client
        .v1()
        .create_job(request("Add a quickstart"))
        .await
        .unwrap();
    let error = run.collect().await.unwrap_err();
    let Error::Stream {
        session_id,
        partial,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    let session_id = session_id.clone().unwrap();
    assert!(error.to_string().contains(&session_id), "{error}");
    assert!(partial.message_id.is_some());
    assert!(
        partial.text().starts_with("I'll take care of that."),
        "{:?}",
        partial.text()
    );
    assert!(partial.finish_reason.is_none(), "it had not finished");

    let session = client
        .v1()
        .wait_for_session_with(
            &session_id,
            &WaitOptions::default().first_delay(Duration::from_millis(20)),
        )
        .await
        .unwrap();
    assert_eq!(session.hault_reason, Some(HaltReason::Completed));
    assert!(
        session
            .pull_request_link
            .unwrap()
            .starts_with("https://github.com/testkit/")
    );
}

/// A v1 run is a creation like a v2 job: not sent again after a reply that may follow a server
/// that acted (a 500), and counted by the client-side budget.
#[tokio::test]
async fn a_run_is_a_creation_not_resent_and_counted_by_the_budget() {
    let server = TestServer::start().await.unwrap();
    server.inject(Fault::status(500).on(Operation::V1CreateJob).times(1));
    let client = client_builder(&server)
        .client_side_budget(1)
        .build()
        .unwrap();
    let error = client.v1().run("x").await.unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(count(&server, Operation::V1CreateJob), 1, "sent once");
    let error = client.v1().run("x").await.unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { failure: ref f, .. } if f.status.is_none()),
        "the budget's one creation is spent: {error:?}"
    );
    assert_eq!(
        count(&server, Operation::V1CreateJob),
        1,
        "nothing more sent"
    );
}

/// A run lasts as long as the agent works: the request timeout does not cut its stream, and each
/// event is handed over as it arrives, not when the stream ends.
#[tokio::test]
async fn a_run_streams_past_the_request_timeout_event_by_event() {
    let server = TestServer::builder()
        .frame_delay(Duration::from_millis(25))
        .start()
        .await
        .unwrap();
    let client = client_builder(&server)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let mut run = client.v1().create_job(request("x")).await.unwrap();
    let first = run.next().await.unwrap().unwrap();
    let first_at = started.elapsed();
    let mut events = vec![first];
    while let Some(event) = run.next().await {
        events.push(event.unwrap());
    }
    let ended_at = started.elapsed();
    assert!(events.len() > 20, "{}", events.len());
    assert!(ended_at > Duration::from_millis(300), "{ended_at:?}");
    assert!(
        ended_at - first_at > Duration::from_millis(250),
        "the first event came {first_at:?} in, the last {ended_at:?}"
    );
}
