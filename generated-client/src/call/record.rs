//! What the attempts of one call saw, written by the hook and read when the call's result is
//! turned into a value or an error.

use std::time::Duration;

/// What the attempts of a call saw.
#[derive(Clone, Debug, Default)]
pub(crate) struct Record {
    pub attempts: usize,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    /// The `Location` of a redirect (which is never followed).
    pub location: Option<String>,
    /// A successful body was larger than this limit (`Limits::max_response_bytes`); it was
    /// not read.
    pub body_too_large: Option<usize>,
    /// The generated operation the hook saw, when it is not the one the caller named: nothing
    /// was sent (see `Operation::generated_id`).
    pub wrong_operation: Option<&'static str>,
    /// The successful body, as received (shared with the response, not copied).
    pub body: bytes::Bytes,
}
