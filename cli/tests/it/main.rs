//! The CLI's integration tests, one binary: the built `mintlify-agent` driven against the test
//! kit's server, one module per concern, the harness written once. One binary links the test
//! kit, rmcp's client and the TLS test tools once instead of once per suite.

#![allow(clippy::unwrap_used)]

mod harness;

mod auth;
mod cli;
mod github;
mod history;
mod logging;
#[cfg(feature = "mcp")]
mod mcp;
mod tls;
