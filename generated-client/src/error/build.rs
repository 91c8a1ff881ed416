//! Why a client could not be built.

use std::sync::Arc;

/// Why a [`crate::Client`] could not be built.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// A required environment variable is not set.
    MissingEnv(&'static str),
    /// A required setting was not given to the builder.
    Missing(&'static str),
    /// The key is not an admin key; the message says why without showing it.
    InvalidApiKey(&'static str),
    /// The base URL is not an absolute `http(s)` URL, or not one the client may use.
    InvalidBaseUrl {
        /// The URL given, as its scheme and host only: nothing else of it is repeated.
        shown: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The `User-Agent` suffix holds characters a header cannot carry.
    InvalidUserAgent,
    /// The project id cannot be a path segment (`.`, `..`).
    InvalidProjectId(&'static str),
    /// TLS could not be set up (e.g. the platform's certificate store is unreadable).
    Tls(String),
    /// The HTTP client could not be built (e.g. no TLS backend).
    Http(Arc<reqwest::Error>),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::MissingEnv(name) => write!(f, "environment variable {name} is not set"),
            BuildError::Missing(what) => write!(f, "no {what} was given to the client builder"),
            BuildError::InvalidApiKey(why) => write!(f, "invalid API key: {why}"),
            BuildError::InvalidBaseUrl { shown, reason } => {
                write!(f, "invalid base URL {shown}: {reason}")
            }
            BuildError::InvalidUserAgent => {
                f.write_str("the User-Agent suffix holds characters a header cannot carry")
            }
            BuildError::InvalidProjectId(why) => write!(f, "invalid project id: {why}"),
            BuildError::Tls(why) => write!(f, "cannot set up TLS: {why}"),
            BuildError::Http(source) => write!(f, "cannot build the HTTP client: {source}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(source) => Some(source.as_ref()),
            _ => None,
        }
    }
}
