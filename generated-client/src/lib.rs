//! Typed Rust client for Mintlify's agent API.
//!
//! Mintlify's admin API lets a program ask an AI agent to edit a documentation repository and
//! open a pull request. This crate has one module per API generation, generated from the
//! workspace's `specs/` by `cargo xtask regen` and never edited by hand:
//!
//! - [`v2`]: create a job, poll it, send follow-up messages;
//! - [`v1`] (deprecated by Mintlify): create a job that streams its run, read and list sessions.
//!
//! Each module has a `Client` with one builder-style method per operation and a `types` module
//! with the request and response types. String enums such as [`v2::types::JobStatus`] keep values
//! they do not know in an `Unknown(String)` variant, so a new server value never breaks a reply.
//!
//! Build the `reqwest::Client` yourself and hand it over: it carries the key and the timeouts.
//! A v1 stream can run for many minutes, so give it no total timeout.
//!
//! ```no_run
//! use mintlify_agent::v2;
//! use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut key = HeaderValue::from_str("Bearer mint_your_admin_key")?;
//! key.set_sensitive(true);
//! let http = reqwest::Client::builder()
//!     .default_headers(HeaderMap::from_iter([(AUTHORIZATION, key)]))
//!     .connect_timeout(std::time::Duration::from_secs(10))
//!     .build()?;
//! let client = v2::Client::new_with_client("https://api.mintlify.com", http);
//!
//! let job = client
//!     .create_job()
//!     .project_id("your-project-id")
//!     .body(v2::types::CreateJobRequest::builder().prompt("Add a quickstart guide"))
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("job {:?} is {:?}", job.id, job.status);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

/// The v1 agent API (deprecated by Mintlify, still served): streaming job runs and sessions.
///
/// Generated from `specs/v1.yaml`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::bare_urls)]
#[path = "generated/v1.rs"]
pub mod v1;

/// The v2 agent API: background jobs that are polled, and follow-up messages.
///
/// Generated from `specs/v2.yaml`.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::bare_urls)]
#[path = "generated/v2.rs"]
pub mod v2;

/// The README's examples, compiled as doctests so that they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
