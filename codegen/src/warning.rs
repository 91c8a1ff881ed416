//! What the generator changed or left out to generate a document, for the maintainer to read.

/// Something the generated client does differently from what the spec says: an operation left
/// out, a response given a wider type, a part of the document that has no place in a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Where in the spec: an operation (`POST /v1/jobs`) or a dotted path (`webhooks`).
    pub at: String,
    /// What was done, and what the client does instead.
    pub message: String,
}

impl Warning {
    /// A warning about `at`.
    pub(crate) fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.at, self.message)
    }
}
