//! The v1 agent API (deprecated by Mintlify, still served): streaming job runs and sessions.
//! Everything here is behind the feature `v1`.
//!
//! The request and response types (`types`), the generated `Client` and its builders come from
//! `specs/v1.yaml` by `cargo xtask regen` (in `generated.rs`, never edited by hand).
//! [`crate::V1`] is the hand-written way in: the operations with the project filled in
//! (`api.rs`), the run over HTTP (`run.rs`: [`crate::stream::AgentRun`], which drives the
//! sans-IO decoder of `crate::stream`), and waiting for a session (`wait.rs`).

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::bare_urls)]
mod generated;

pub use generated::*;

pub(crate) mod api;
pub(crate) mod run;
mod wait;
