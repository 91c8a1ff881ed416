//! The end-to-end test kit of the workspace.
//!
//! Reserved: the local Mintlify agent server (for this workspace's suites and for users' own
//! tests) and the end-to-end suites that drive the client against it come here. Until then the
//! generated client is exercised by `generated-client/tests/smoke.rs`.
