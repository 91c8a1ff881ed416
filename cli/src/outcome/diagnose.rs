//! What to do about a connection that failed: the cause in words a person can act on, the fix
//! (`SSL_CERT_FILE`, the system store, the base URL, the proxy variables), and the proxy used.

use mintlify_agent::{ConnectionCause, Error, TlsProblem};

/// The URL a failed connection was for, from the transport's error in the source chain.
fn failed_url(error: &Error) -> Option<mintlify_agent::reqwest::Url> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        if let Some(transport) = current.downcast_ref::<mintlify_agent::reqwest::Error>() {
            return transport.url().cloned();
        }
        next = current.source();
    }
    None
}

/// The cause, for `--json`'s `cause` field: `tls_untrusted_issuer`, `dns`, `proxy_refused`…
pub fn cause_name(cause: &ConnectionCause) -> &'static str {
    match cause {
        ConnectionCause::Dns => "dns",
        ConnectionCause::Refused => "refused",
        ConnectionCause::Reset => "reset",
        ConnectionCause::Tls(TlsProblem::UntrustedIssuer) => "tls_untrusted_issuer",
        ConnectionCause::Tls(TlsProblem::NameMismatch) => "tls_name_mismatch",
        ConnectionCause::Tls(TlsProblem::Expired) => "tls_expired",
        ConnectionCause::Tls(TlsProblem::NotYetValid) => "tls_not_yet_valid",
        ConnectionCause::Tls(TlsProblem::BadCertificate) => "tls_bad_certificate",
        ConnectionCause::Tls(_) => "tls_handshake",
        ConnectionCause::ProxyAuthRequired => "proxy_auth_required",
        ConnectionCause::ProxyRefused => "proxy_refused",
        ConnectionCause::Timeout => "timeout",
        _ => "other",
    }
}

/// What to do about a failed connection, and which proxy it went through: `None` when the
/// error is not a connection failure.
pub fn hint(error: &Error) -> Option<String> {
    let cause = error.connection_cause()?;
    let url = failed_url(error);
    let host = url
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "the server".to_owned());
    let proxy = url
        .as_ref()
        .and_then(|u| mintlify_agent::proxy_for(u.as_str()));
    let fix = match &cause {
        ConnectionCause::Tls(TlsProblem::UntrustedIssuer) => format!(
            "the certificate of {host} is signed by a CA this machine does not trust (a private \
             CA, or a proxy that inspects TLS). Trust that CA: SSL_CERT_FILE=/path/to/ca.pem \
             (PEM; it replaces the system roots for this command), or add it to the system store \
             (Debian/Ubuntu: copy it to /usr/local/share/ca-certificates/ and run \
             update-ca-certificates). Not retried: it fails the same way until then."
        ),
        ConnectionCause::Tls(TlsProblem::NameMismatch) => format!(
            "the certificate presented is not valid for {host}: check --base-url / \
             MINTLIFY_BASE_URL (the host name must be one the certificate names), or the proxy \
             in between. Not retried."
        ),
        ConnectionCause::Tls(TlsProblem::Expired) => format!(
            "the certificate of {host} has expired: its operator must renew it (or this \
             machine's clock is wrong). Not retried."
        ),
        ConnectionCause::Tls(TlsProblem::NotYetValid) => {
            "the certificate is not valid yet: check this machine's clock. Not retried.".to_owned()
        }
        ConnectionCause::Tls(_) => {
            format!("TLS with {host} failed: check that the base URL is the API's (https)")
        }
        ConnectionCause::Dns => {
            format!("{host} did not resolve: check --base-url / MINTLIFY_BASE_URL and the network")
        }
        ConnectionCause::Refused => format!(
            "nothing accepts connections at {}: check --base-url / MINTLIFY_BASE_URL",
            url.as_ref().map_or(host.clone(), |u| {
                format!("{host}:{}", u.port_or_known_default().unwrap_or(443))
            })
        ),
        ConnectionCause::ProxyAuthRequired => "the proxy wants credentials: put them in the \
             proxy variable (https://user:password@proxy:port) or ask for access. Not retried."
            .to_owned(),
        ConnectionCause::ProxyRefused => format!(
            "the proxy would not open a tunnel to {host}: it may block that host; set NO_PROXY \
             to bypass it, or ask its operator"
        ),
        _ => String::new(),
    };
    let via = match &proxy {
        Some(proxy) => format!(
            "The request went through the proxy {proxy} (from HTTPS_PROXY, HTTP_PROXY or \
             ALL_PROXY; NO_PROXY bypasses it)."
        ),
        None => String::new(),
    };
    let text = [fix, via]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (!text.is_empty()).then_some(text)
}

/// Whether the connection cannot succeed until the configuration changes (exit 5).
pub fn is_configuration(error: &Error) -> bool {
    error
        .connection_cause()
        .is_some_and(|cause| !cause.is_transient())
}
