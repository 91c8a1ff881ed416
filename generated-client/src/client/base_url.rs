//! The base URL rules: an absolute http(s) URL, plain http only on loopback unless allowed, and
//! shown as scheme and host only when refused (whatever else was pasted there is not repeated).

use crate::error::build::BuildError;

/// An absolute http(s) URL without a trailing slash (the generated code appends `/v2/…`). Plain
/// http only for loopback hosts, unless `allow_insecure_http`. Errors show the scheme and host
/// at most: whatever else was pasted there (a key, say) is not repeated.
pub(super) fn checked(url: &str, allow_insecure_http: bool) -> Result<String, BuildError> {
    let parsed = reqwest::Url::parse(url.trim());
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        shown: match &parsed {
            Ok(url) => format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default()),
            Err(_) => "(not a URL)".to_owned(),
        },
        reason: reason.to_owned(),
    };
    let url = parsed.as_ref().map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("a base URL carries no user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(url) {
        return Err(invalid(
            "plain http would send the key in clear text; use https, or allow it with \
             `allow_insecure_http`",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Whether the URL's host is this machine.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
