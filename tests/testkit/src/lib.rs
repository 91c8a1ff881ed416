//! A local Mintlify agent server, for tests, demos and your own test suites.
//!
//! Nobody can reach `api.mintlify.com` from a test, and a newcomer has no admin key. This crate
//! starts a real HTTP server on 127.0.0.1 that behaves like Mintlify's agent API as
//! `specs/v1.yaml` and `specs/v2.yaml` describe it, with state: jobs move from `active` to
//! `completed`, v1 runs stream the way the AI SDK writes them, keys are checked, the hourly limit
//! holds, and faults can be scripted.
//!
//! ```
//! use mintlify_agent_testkit::{Fault, Operation, TestServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = TestServer::start().await?;
//! // The next poll of a job fails with 503.
//! server.inject(Fault::status(503).on(Operation::V2GetJob).times(1));
//!
//! let http = reqwest::Client::new();
//! let reply = http
//!     .post(format!("{}/v2/agent/{}/job", server.base_url(), server.project_id()))
//!     .bearer_auth(server.api_key())
//!     .json(&serde_json::json!({ "prompt": "Add a quickstart" }))
//!     .send()
//!     .await?;
//! assert_eq!(reply.status(), 201);
//! assert_eq!(server.requests().len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **Auth**: `Authorization: Bearer <key>`; 401 without a known key, 403 for a read-only key on
//!   a `POST`. With no key configured, [`DEFAULT_KEY`] is the one key.
//! - **Projects**: any project id exists unless [`ServerBuilder::project`] names some; path
//!   parameters are plain values (`a/b`, `..`, `?`, `%`, spaces, unicode), percent-decoded.
//! - **Validation**: a body that breaks the spec gets 400 `{ "error" }` naming the field; unknown
//!   jobs and sessions get 404.
//! - **Rate limit**: 100 creations and messages (v1 and v2 together) per project per rolling hour
//!   by the server's [`Clock`], then 429 with `Retry-After` in seconds. Only valid requests count.
//! - **v2 jobs**: `active` until the poll or time set by [`JobLifecycle`] (default: the third poll),
//!   then `completed` with a `prLink`. A prompt containing `#fail` ends `failed`; `#nochange`
//!   completes without a pull request. A follow-up message makes a `completed` or `failed` job
//!   `active` again (the pull request is kept); an `archived` job ([`TestServer::archive_job`])
//!   refuses messages with 400.
//! - **v1 runs**: the create call streams a scripted run (reasoning, text, `read_file` and
//!   `edit_file` tool calls, `data-todos` parts, finish) with `X-Session-Id` and `X-Branch-Name`,
//!   as the AI SDK UI message stream by default; the request header
//!   `x-testkit-stream-protocol: data-stream` (AI SDK 4) or `text` chooses another, as does
//!   [`ServerBuilder::protocol`]. The session is readable while it streams (`haultReason`
//!   `processing`, todos as they change) and after (`completed`, `pullRequestLink`,
//!   `messageToUser`). The run goes on to its end if the reader leaves. `#fail` in the task ends
//!   it with an error part and `haultReason: error`; `#length` ends it with finish reason
//!   `length`.
//! - **Faults** ([`Fault`]), per project, per operation, for N requests or for good: a status,
//!   429 with a chosen `Retry-After`, a delay, a cut after N bytes or N stream events, a non-JSON
//!   200, an unknown status value, unknown fields in every object.
//! - **Request log**: [`TestServer::requests`].
//!
//! The server binds 127.0.0.1 unless [`ServerBuilder::bind`] says otherwise.

#![forbid(unsafe_code)]

mod api_error;
mod clock;
mod config;
mod faults;
mod operation;
mod rate_limit;
mod request_log;
mod routes;
mod server;
mod state;
mod store;
pub mod stream;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{DEFAULT_KEY, JobLifecycle, KeyScope};
pub use faults::{Fault, FaultKind};
pub use operation::Operation;
pub use request_log::RequestRecord;
pub use routes::STATS_ROUTE;
pub use server::{DEFAULT_PROJECT, ServerBuilder, TestServer};
pub use store::Todo;

/// This crate's README, compiled as doctests: its example runs the SDK against a test server, as
/// a user's test does, and checks the requests the server saw.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
