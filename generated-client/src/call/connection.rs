//! Why a request got no answer: [`ConnectionCause`], read from a transport error's source chain,
//! and the proxy a request goes through ([`proxy_for`]).
//!
//! TLS failures are told apart with the rustls features (the default, and `rustls-ring`); with
//! `native-tls` alone they are [`ConnectionCause::Other`], and retried as before.

use std::error::Error as StdError;

/// Why a connection failed, as far as the transport's error tells: [`crate::Error::connection_cause`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionCause {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens at the address (the connection was refused).
    Refused,
    /// The connection was reset or closed before a reply.
    Reset,
    /// TLS failed: the certificate was not accepted, or the handshake failed.
    Tls(TlsProblem),
    /// The proxy asked for credentials (`407`).
    ProxyAuthRequired,
    /// The proxy refused to open a tunnel (`CONNECT` answered other than `2xx`), or closed it.
    ProxyRefused,
    /// The connect, read or call deadline passed.
    Timeout,
    /// Another failure of the transport; its own words are in the error's source.
    Other,
}

/// What was wrong with TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The certificate's issuer is not a trusted root: a private CA or a TLS-inspecting proxy
    /// whose root is not in the store (`SSL_CERT_FILE` or the system store can add it).
    UntrustedIssuer,
    /// The certificate is not valid for the host name of the URL.
    NameMismatch,
    /// The certificate has expired.
    Expired,
    /// The certificate is not valid yet (or this machine's clock is behind).
    NotYetValid,
    /// The certificate was refused for another reason (revoked, bad signature, wrong purpose…).
    BadCertificate,
    /// The handshake failed otherwise (no common protocol version or cipher, an alert, a
    /// server that does not speak TLS).
    Handshake,
}

impl ConnectionCause {
    /// Whether trying again may help. A certificate that is not trusted and a proxy that wants
    /// credentials fail the same way every time until the configuration changes.
    pub fn is_transient(&self) -> bool {
        !matches!(
            self,
            ConnectionCause::Tls(
                TlsProblem::UntrustedIssuer
                    | TlsProblem::NameMismatch
                    | TlsProblem::Expired
                    | TlsProblem::NotYetValid
                    | TlsProblem::BadCertificate
            ) | ConnectionCause::ProxyAuthRequired
        )
    }

    /// Reads the cause from an error's source chain (a `reqwest::Error`, or anything wrapping
    /// one). `None` when nothing in the chain says.
    pub fn of(error: &(dyn StdError + 'static)) -> Option<Self> {
        let mut found = None;
        let mut next = Some(error);
        while let Some(current) = next {
            if let Some(cause) = Self::at(current) {
                // A specific cause deeper down (TLS under "connect") wins over a general one.
                let general = matches!(
                    cause,
                    ConnectionCause::Other | ConnectionCause::Timeout | ConnectionCause::Reset
                );
                if !general {
                    return Some(cause);
                }
                found.get_or_insert(cause);
            }
            next = match current.downcast_ref::<std::io::Error>() {
                // `io::Error::source` skips the error it wraps; look at that one itself.
                Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
                None => current.source(),
            };
        }
        found
    }

    /// What one link of a chain says by itself.
    fn at(error: &(dyn StdError + 'static)) -> Option<Self> {
        #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(ConnectionCause::Tls(TlsProblem::of(tls)));
        }
        if let Some(reqwest) = error.downcast_ref::<reqwest::Error>()
            && reqwest.is_timeout()
        {
            return Some(ConnectionCause::Timeout);
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => return Some(ConnectionCause::Refused),
                ErrorKind::TimedOut => return Some(ConnectionCause::Timeout),
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => return Some(ConnectionCause::Reset),
                _ => {}
            }
        }
        // hyper-util's connector and tunnel errors are not exported types; their words are
        // fixed strings ("dns error", "tunnel error: unsuccessful").
        let words = error.to_string();
        if words == "dns error" {
            return Some(ConnectionCause::Dns);
        }
        if let Some(tunnel) = words.strip_prefix("tunnel error: ") {
            return Some(if tunnel.starts_with("proxy authorization required") {
                ConnectionCause::ProxyAuthRequired
            } else {
                ConnectionCause::ProxyRefused
            });
        }
        None
    }
}

#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
impl TlsProblem {
    fn of(error: &rustls::Error) -> Self {
        use rustls::CertificateError as C;
        match error {
            rustls::Error::InvalidCertificate(certificate) => match certificate {
                C::UnknownIssuer => TlsProblem::UntrustedIssuer,
                C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::NameMismatch,
                C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
                C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
                _ => TlsProblem::BadCertificate,
            },
            _ => TlsProblem::Handshake,
        }
    }
}

impl std::fmt::Display for ConnectionCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConnectionCause::Dns => "the host name did not resolve (DNS)",
            ConnectionCause::Refused => "the connection was refused (nothing listens there)",
            ConnectionCause::Reset => "the connection was closed before a reply",
            ConnectionCause::Tls(problem) => return write!(f, "TLS: {problem}"),
            ConnectionCause::ProxyAuthRequired => "the proxy requires authentication (407)",
            ConnectionCause::ProxyRefused => "the proxy refused to open a tunnel (CONNECT)",
            ConnectionCause::Timeout => "no answer in time",
            ConnectionCause::Other => "the transport failed",
        })
    }
}

impl std::fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsProblem::UntrustedIssuer => {
                "the server's certificate is issued by a certificate authority this machine does \
                 not trust"
            }
            TlsProblem::NameMismatch => "the server's certificate is not valid for this host name",
            TlsProblem::Expired => "the server's certificate has expired",
            TlsProblem::NotYetValid => {
                "the server's certificate is not valid yet (check this machine's clock)"
            }
            TlsProblem::BadCertificate => "the server's certificate was refused",
            TlsProblem::Handshake => "the handshake failed",
        })
    }
}

/// The proxy a request to `url` goes through when the HTTP client is this crate's own (reqwest
/// reads `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, in either case), shown as
/// scheme, host and port: a user name or password in the variable is never repeated. `None`:
/// no proxy.
pub fn proxy_for(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    let intercept = hyper_util::client::proxy::matcher::Matcher::from_env().intercept(&uri)?;
    let proxy = intercept.uri();
    let host = proxy.host()?;
    Some(match (proxy.scheme_str(), proxy.port_u16()) {
        (Some(scheme), Some(port)) => format!("{scheme}://{host}:{port}"),
        (Some(scheme), None) => format!("{scheme}://{host}"),
        (None, Some(port)) => format!("{host}:{port}"),
        (None, None) => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Link(&'static str, Option<Box<dyn StdError + Send + Sync>>);
    impl std::fmt::Display for Link {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Link {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn StdError + 'static))
        }
    }

    #[test]
    fn the_chain_is_read_through_io_errors_and_the_specific_cause_wins() {
        let refused = Link(
            "client error (Connect)",
            Some(Box::new(Link(
                "tcp connect error",
                Some(Box::new(std::io::Error::from(
                    std::io::ErrorKind::ConnectionRefused,
                ))),
            ))),
        );
        assert_eq!(
            ConnectionCause::of(&refused),
            Some(ConnectionCause::Refused)
        );
        let dns = Link(
            "client error (Connect)",
            Some(Box::new(Link("dns error", None))),
        );
        assert_eq!(ConnectionCause::of(&dns), Some(ConnectionCause::Dns));
        let tunnel = Link(
            "x",
            Some(Box::new(Link("tunnel error: unsuccessful", None))),
        );
        assert_eq!(
            ConnectionCause::of(&tunnel),
            Some(ConnectionCause::ProxyRefused)
        );
        let auth = Link(
            "x",
            Some(Box::new(Link(
                "tunnel error: proxy authorization required",
                None,
            ))),
        );
        assert_eq!(
            ConnectionCause::of(&auth),
            Some(ConnectionCause::ProxyAuthRequired)
        );
        assert!(!ConnectionCause::ProxyAuthRequired.is_transient());
        assert_eq!(ConnectionCause::of(&Link("nothing", None)), None);
    }

    #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
    #[test]
    fn a_rustls_error_inside_an_io_error_is_found() {
        let tls = Link(
            "client error (Connect)",
            Some(Box::new(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
            ))),
        );
        let cause = ConnectionCause::of(&tls);
        assert_eq!(
            cause,
            Some(ConnectionCause::Tls(TlsProblem::UntrustedIssuer))
        );
        assert!(!cause.unwrap().is_transient());
        assert!(ConnectionCause::Tls(TlsProblem::Handshake).is_transient());
    }

    /// Each certificate error rustls reports is the problem a person can act on; the ones
    /// that no setting fixes are final, a failed handshake is not.
    #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
    #[test]
    fn each_rustls_error_is_its_tls_problem() {
        use rustls::CertificateError as C;
        let cases = [
            (C::UnknownIssuer, TlsProblem::UntrustedIssuer),
            (C::NotValidForName, TlsProblem::NameMismatch),
            (C::Expired, TlsProblem::Expired),
            (C::NotValidYet, TlsProblem::NotYetValid),
            (C::Revoked, TlsProblem::BadCertificate),
            (C::BadSignature, TlsProblem::BadCertificate),
        ];
        for (certificate, problem) in cases {
            let error = rustls::Error::InvalidCertificate(certificate);
            assert_eq!(
                ConnectionCause::of(&error),
                Some(ConnectionCause::Tls(problem.clone()))
            );
            assert!(!ConnectionCause::Tls(problem).is_transient());
        }
        let handshake =
            rustls::Error::PeerIncompatible(rustls::PeerIncompatible::Tls13RequiredForQuic);
        assert_eq!(
            ConnectionCause::of(&handshake),
            Some(ConnectionCause::Tls(TlsProblem::Handshake))
        );
    }

    #[test]
    fn each_io_error_kind_is_its_cause() {
        use std::io::{Error as Io, ErrorKind};
        for (kind, cause) in [
            (ErrorKind::ConnectionRefused, Some(ConnectionCause::Refused)),
            (ErrorKind::TimedOut, Some(ConnectionCause::Timeout)),
            (ErrorKind::ConnectionReset, Some(ConnectionCause::Reset)),
            (ErrorKind::ConnectionAborted, Some(ConnectionCause::Reset)),
            (ErrorKind::BrokenPipe, Some(ConnectionCause::Reset)),
            (ErrorKind::UnexpectedEof, Some(ConnectionCause::Reset)),
            (ErrorKind::PermissionDenied, None),
        ] {
            let chain = Link("client error (Connect)", Some(Box::new(Io::from(kind))));
            assert_eq!(ConnectionCause::of(&chain), cause, "{kind:?}");
        }
    }

    /// A general cause (a timeout, a reset) above a specific one (refused) gives way to it; a
    /// general cause alone is kept.
    #[test]
    fn a_specific_cause_under_a_general_one_wins() {
        use std::io::{Error as Io, ErrorKind};
        let wrapped = Link(
            "client error (Connect)",
            Some(Box::new(Io::new(
                ErrorKind::TimedOut,
                Io::from(ErrorKind::ConnectionRefused),
            ))),
        );
        assert_eq!(
            ConnectionCause::of(&wrapped),
            Some(ConnectionCause::Refused)
        );
        let general = Link(
            "client error (SendRequest)",
            Some(Box::new(Io::new(
                ErrorKind::ConnectionReset,
                Io::from(ErrorKind::TimedOut),
            ))),
        );
        assert_eq!(ConnectionCause::of(&general), Some(ConnectionCause::Reset));
    }

    /// Every cause, and every TLS problem, says something of its own in an error's message.
    #[test]
    fn each_cause_has_words_of_its_own() {
        let problems = [
            TlsProblem::UntrustedIssuer,
            TlsProblem::NameMismatch,
            TlsProblem::Expired,
            TlsProblem::NotYetValid,
            TlsProblem::BadCertificate,
            TlsProblem::Handshake,
        ];
        let mut causes = vec![
            ConnectionCause::Dns,
            ConnectionCause::Refused,
            ConnectionCause::Reset,
            ConnectionCause::ProxyAuthRequired,
            ConnectionCause::ProxyRefused,
            ConnectionCause::Timeout,
            ConnectionCause::Other,
        ];
        causes.extend(problems.iter().cloned().map(ConnectionCause::Tls));
        let words: Vec<String> = causes.iter().map(ToString::to_string).collect();
        for (i, said) in words.iter().enumerate() {
            assert!(said.len() > 10, "{:?}: {said:?}", causes[i]);
            assert_eq!(
                words.iter().filter(|w| *w == said).count(),
                1,
                "{said:?} is said of two causes"
            );
        }
        for problem in problems {
            let said = ConnectionCause::Tls(problem.clone()).to_string();
            assert_eq!(said, format!("TLS: {problem}"));
            assert!(problem.to_string().len() > 10, "{problem:?}");
        }
    }

    /// `proxy_for` reads the process's environment, which one test cannot change without
    /// changing it for the others: this test runs itself again in a child process, with an
    /// environment of its own, and the child checks what `proxy_for` says there.
    #[test]
    fn the_proxy_is_named_by_scheme_host_and_port_never_its_credentials() {
        const EXPECTED: &str = "MINTLIFY_AGENT_TEST_PROXY_EXPECTED";
        if let Some(expected) = std::env::var_os(EXPECTED) {
            let expected = expected
                .to_str()
                .filter(|e| !e.is_empty())
                .map(str::to_owned);
            assert_eq!(
                proxy_for("https://api.mintlify.com/v2/agent/p/job"),
                expected
            );
            assert_eq!(proxy_for("https://docs.internal/v2/agent/p/job"), None);
            assert_eq!(proxy_for("not a url"), None);
            return;
        }
        let name = "call::connection::tests::\
                    the_proxy_is_named_by_scheme_host_and_port_never_its_credentials";
        for (proxy, expected) in [
            (
                Some("http://user:secret@127.0.0.1:3128"),
                "http://127.0.0.1:3128",
            ),
            (Some("https://proxy.internal"), "https://proxy.internal"),
            (None, ""),
        ] {
            let mut child = std::process::Command::new(std::env::current_exe().unwrap());
            child
                .args(["--exact", name, "--test-threads=1"])
                .env_clear()
                .env(EXPECTED, expected)
                .env("NO_PROXY", "docs.internal");
            if let Some(proxy) = proxy {
                child.env("HTTPS_PROXY", proxy);
            }
            let output = child.output().unwrap();
            let said = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success(), "{proxy:?}: {said}");
            assert!(said.contains("1 passed"), "the child ran the test: {said}");
        }
    }
}
