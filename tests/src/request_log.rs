//! Every request the server answered, for tests that count requests.

use chrono::{DateTime, Utc};

use crate::routes::Operation;

/// One answered request.
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
    /// The status of the answer (a cut stream still counts its 200).
    pub status: u16,
    /// When the request arrived, by the server's clock.
    pub at: DateTime<Utc>,
}
