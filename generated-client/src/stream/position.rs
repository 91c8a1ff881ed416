//! [`Position`]: where in a run's body an event came from.

/// Where in a run's body an event came from; see [`Decoder::position`](crate::stream::Decoder::position).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// Byte offset from the start of the body (a byte order mark counts).
    pub offset: u64,
    /// Line number, from 1; 0 for plain text, which has no lines.
    pub line: u64,
}
