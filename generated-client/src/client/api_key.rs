//! The admin API key, kept secret: it is only ever written into the `Authorization` header.

use std::fmt;

use crate::error::build::BuildError;

/// A Mintlify admin API key (`mint_…`).
///
/// `Debug` and `Display` print `<redacted>`, and the key is never part of an error message; the
/// `Authorization` header that carries it is marked sensitive, so `reqwest` and `tracing` do not
/// show it either.
///
/// ```
/// use mintlify_agent::ApiKey;
/// let key = ApiKey::new("mint_0123456789abcdef").unwrap();
/// assert_eq!(format!("{key:?} {key}"), "ApiKey(<redacted>) <redacted>");
/// assert!(ApiKey::new("mint_dsc_0123").unwrap_err().to_string().contains("assistant key"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks that `key` looks like an admin key. Assistant keys (`mint_dsc_…`) and index keys
    /// (`mint_us_…`) are refused with a message that says which one it is.
    pub fn new(key: impl Into<String>) -> Result<Self, BuildError> {
        let key = key.into().trim().to_owned();
        let reason = if key.is_empty() {
            "the API key is empty"
        } else if key.starts_with("mint_dsc_") {
            "this is an assistant key (`mint_dsc_…`); the agent API takes an admin key (`mint_…`) \
             from the API keys page of the dashboard"
        } else if key.starts_with("mint_us_") {
            "this is an index key (`mint_us_…`); the agent API takes an admin key (`mint_…`) \
             from the API keys page of the dashboard"
        } else if !key.starts_with("mint_") {
            "admin API keys start with `mint_`; check that the whole key was copied"
        } else {
            return Ok(Self(key));
        };
        Err(BuildError::InvalidApiKey(reason))
    }

    /// The key itself, for the `Authorization` header.
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_keys_pass_and_the_reason_never_shows_the_key() {
        assert!(ApiKey::new(" mint_abc \n").is_ok());
        for (key, says) in [
            ("", "empty"),
            ("mint_dsc_secretvalue", "assistant key"),
            ("mint_us_secretvalue", "index key"),
            ("sk-secretvalue", "start with `mint_`"),
        ] {
            let message = ApiKey::new(key).unwrap_err().to_string();
            assert!(message.contains(says), "{message}");
            assert!(!message.contains("secretvalue"), "{message}");
        }
    }
}
