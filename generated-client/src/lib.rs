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
//! The modules `v1` (feature `v1`) and [`v2`] hold code generated from the workspace's `specs/`
//! by `cargo xtask regen`, never edited by hand: the request and response types live in their
//! `types` modules. String enums such as [`v2::types::JobStatus`] keep values they do not know in
//! an `Unknown(String)` variant, so a new server value never breaks a reply.
//!
//! # Where things live
//!
//! | folder | what it holds |
//! | --- | --- |
//! | `client/` | [`Client`], [`ClientBuilder`], the base URL rules, [`ApiKey`], TLS |
//! | `call/` | one call: its options, the hook every generated request passes, attempts and [`RetryPolicy`], bounded bodies, the client-side budget, the operations' rules |
//! | `error/` | [`Error`], [`BuildError`], a generated call's result turned into an [`Error`], [`WaitTarget`] and [`LastSeen`] |
//! | `wait/` | [`WaitOptions`], [`JobOutcome`], [`PollEvent`], the one poll loop, polls shared by the waits on one job |
//! | `v2/` | the generated v2 module, [`V2`]: its operations and its waits |
//! | `v1/` | (feature `v1`) the generated v1 module, `V1`: its operations, `stream::AgentRun` over HTTP, waiting for a session |
//! | `stream/` | (feature `v1`) the sans-IO decoder of a run's body, its events and the transcript they build |
//! | `response.rs` | [`Response`]: a value with the reply it came in |

#![forbid(unsafe_code)]

mod call;
mod client;
mod error;
mod response;
#[cfg(feature = "v1")]
pub mod stream;
#[cfg(feature = "v1")]
pub mod v1;
pub mod v2;
mod wait;

pub use call::connection::{ConnectionCause, TlsProblem, proxy_for};
pub use call::retry::RetryPolicy;
pub use client::api_key::ApiKey;
pub use client::builder::{ClientBuilder, http_client_builder};
pub use client::{Client, DEFAULT_BASE_URL, USER_AGENT};
pub use error::build::BuildError;
pub use error::target::{LastSeen, WaitTarget};
pub use error::{ApiFailure, Error};
/// The HTTP client underneath, re-exported so that [`ClientBuilder::http_client`] and
/// [`Client::with_extra_headers`] need no version of your own to match.
pub use reqwest;
pub use response::Response;
#[cfg(feature = "v1")]
pub use v1::api::V1;
pub use v2::access::{ACCESS_CHECK_JOB_ID, Access, AccessReport};
pub use v2::api::V2;
pub use wait::{JobOutcome, PollEvent, WaitOptions};

/// This crate's README (its page on crates.io), compiled as doctests so that its examples stay
/// true (one streams a v1 run).
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "v1"))]
pub struct ReadmeDoctests;
