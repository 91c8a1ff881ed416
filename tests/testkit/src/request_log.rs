//! Every request the server answered, for tests that count requests.

use chrono::{DateTime, Utc};

use crate::operation::Operation;

/// One request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as received, still percent-encoded, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The operation, when the path matched one.
    pub operation: Option<Operation>,
    /// The project id, decoded, when the path matched an operation.
    pub project: Option<String>,
    /// The status of the answer (a cut stream still counts its 200); 0 while it is being
    /// answered, and for good when the client left before the answer.
    pub status: u16,
    /// The `x-request-id` the answer carried.
    pub request_id: String,
    /// When the request arrived, by the server's clock.
    pub at: DateTime<Utc>,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
}
