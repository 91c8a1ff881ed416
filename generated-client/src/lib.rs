//! Typed Rust client for Mintlify's agent API.
//!
//! Mintlify's admin API lets a program ask an AI agent to edit a documentation repository and
//! open a pull request. [`Client`] holds the admin key, the project and one HTTP connection pool,
//! and gives both API generations with the project filled in:
//!
//! - [`Client::v2`]: create a job, send follow-up messages, and wait for it ([`V2::wait`],
//!   [`V2::watch`], [`WaitOptions`], [`JobOutcome`]);
//! - `Client::v1` (deprecated by Mintlify; with the feature `v1`): start a run and read its
//!   stream as typed events (`stream::AgentRun`, `stream::AgentEvent`, `stream::Transcript`),
//!   read, wait for and list sessions.
//!
//! Every call returns [`Error`], one enum keyed by what went wrong (bad request, unauthorized,
//! rate limited with the server's `Retry-After`, server error, timeout, invalid body, …), and is
//! retried by a [`RetryPolicy`] that never sends a creation twice when the server may have acted
//! on it. The key never appears in `Debug` output, errors or logs.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use mintlify_agent::Client;
//!
//! let client = Client::builder()
//!     .api_key(std::env::var("MINTLIFY_API_KEY")?)
//!     .project_id("your-project-id")
//!     .build()?;
//! let job = client.v2().create_job("Add a quickstart guide").await?;
//! let job = client.v2().get_job(&job.id).await?;
//! println!("{:?} {:?}", job.status, job.pr_link);
//! # Ok(())
//! # }
//! ```
//!
//! The modules `v1` (feature `v1`) and [`v2`] are generated from the workspace's `specs/` by
//! `cargo xtask regen` and never edited by hand: the request and response types live in their
//! `types` modules. String enums such as [`v2::types::JobStatus`] keep values they do not know in
//! an `Unknown(String)` variant, so a new server value never breaks a reply.

#![forbid(unsafe_code)]

mod access;
mod api_key;
#[cfg(feature = "v1")]
mod api_v1;
mod api_v2;
mod budget;
mod client;
mod error;
mod operation;
mod reply;
mod response;
mod retry;
mod shared_poll;
#[cfg(feature = "v1")]
pub mod stream;
mod tls;
mod transport;
mod wait;

pub use access::{ACCESS_CHECK_JOB_ID, Access, AccessReport};
pub use api_key::ApiKey;
#[cfg(feature = "v1")]
pub use api_v1::V1;
pub use api_v2::V2;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, USER_AGENT, http_client_builder};
pub use error::{ApiFailure, BuildError, Error};
/// The HTTP client underneath, re-exported so that [`ClientBuilder::http_client`] and
/// [`Client::with_extra_headers`] need no version of your own to match.
pub use reqwest;
pub use response::Response;
pub use retry::RetryPolicy;
pub use wait::{JobOutcome, LastSeen, WaitOptions, WaitTarget};

/// The v1 agent API (deprecated by Mintlify, still served): streaming job runs and sessions.
///
/// Generated from `specs/v1.yaml`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::bare_urls)]
#[path = "generated/v1.rs"]
#[cfg(feature = "v1")]
pub mod v1;

/// The v2 agent API: background jobs that are polled, and follow-up messages.
///
/// Generated from `specs/v2.yaml`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::bare_urls)]
#[path = "generated/v2.rs"]
pub mod v2;

/// The README's examples, compiled as doctests so that they stay true (one streams a v1 run).
#[doc = include_str!("../../README.md")]
#[cfg(all(doctest, feature = "v1"))]
pub struct ReadmeDoctests;
