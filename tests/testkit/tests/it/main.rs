//! The server's own suites, one module each, in one test binary (one link, `common/` compiled
//! once): over real HTTP with plain `reqwest`, independent of the SDK. Run one suite with a
//! filter on its module: `cargo test -p mintlify-agent-testkit --test it -- faults::`.

mod common;

mod access;
mod binary;
mod faults;
mod stream_fixtures;
mod v1_sessions;
mod v2_jobs;
