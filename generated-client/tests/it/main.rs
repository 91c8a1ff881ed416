//! The SDK's end-to-end suites, one module each, in one test binary: one link instead of one per
//! suite, and `support/` compiled once. Run one suite with a filter on its module:
//! `cargo test -p mintlify-agent --features v1 --test it -- client_waiting::`.
//!
//! The suites that also call v1 need the `v1` feature (`cargo test --workspace` turns it on, as
//! the CLI depends on it); with the default features the others still build and run.
//! `client_secrecy` is a binary of its own (`tests/client_secrecy.rs` says why).
//!
//! proptest keeps the failing cases it found in module `m` in `tests/proptest-regressions/m.txt`
//! (its default for a binary whose sources sit beside a `main.rs`) and replays them first.

mod support;

mod client_access;
mod client_http2;
mod client_retries;
mod client_wire;

#[cfg(feature = "v1")]
mod client_errors;
#[cfg(feature = "v1")]
mod client_hostile;
#[cfg(feature = "v1")]
mod client_operations;
#[cfg(feature = "v1")]
mod client_streaming;
#[cfg(feature = "v1")]
mod client_waiting;
#[cfg(feature = "v1")]
mod smoke;
#[cfg(feature = "v1")]
mod stream_decoding;
#[cfg(feature = "v1")]
mod stream_differential;
#[cfg(feature = "v1")]
mod stream_differential_v4;
#[cfg(feature = "v1")]
mod stream_positions;
