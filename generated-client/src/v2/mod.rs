//! The v2 agent API: background jobs that are polled, and follow-up messages.
//!
//! The request and response types (`types`), the generated `Client` and its builders come from
//! `specs/v2.yaml` by `cargo xtask regen` (in `generated.rs`, never edited by hand).
//! [`crate::V2`] is the hand-written way in: the operations with the project filled in and the
//! client's retries, deadline and typed errors (`api.rs`), and waiting (`wait.rs`).

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::bare_urls)]
mod generated;

pub use generated::*;

pub(crate) mod access;
pub(crate) mod api;
mod wait;
