//! The Streamable HTTP transport at `/mcp`, behind two checks: the `Origin` rule (absent or
//! loopback, else 403: a web page the user visits cannot drive the server through DNS
//! rebinding) and, when a token is set, `Authorization: Bearer <token>` on every request.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::server::Server;

/// What every request must pass.
#[derive(Clone)]
struct Guard {
    /// The bearer token, when one is required.
    token: Option<Arc<str>>,
}

/// Serves `server` on `listener` until the process ends. `remote`: the address is not
/// loopback, so rmcp's `Host` check (loopback names only) is off; the token guards instead.
pub(super) async fn serve(
    server: Server,
    listener: tokio::net::TcpListener,
    remote: bool,
    token: Option<String>,
) -> std::io::Result<()> {
    let mut config = StreamableHttpServerConfig::default();
    if remote {
        config = config.disable_allowed_hosts();
    }
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let guard = Guard {
        token: token.map(Arc::from),
    };
    let router = axum::Router::new()
        .route_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(guard, check));
    axum::serve(listener, router).await
}

/// The `Origin` rule, then the token.
async fn check(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    if !origin_allowed(request.headers().get(header::ORIGIN)) {
        return (
            StatusCode::FORBIDDEN,
            "Forbidden: the Origin is not loopback (mintlify-agent mcp accepts requests from \
             local programs only)\n",
        )
            .into_response();
    }
    if let Some(token) = &guard.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
        if !given.is_some_and(|given| same(given, token.as_bytes())) {
            let mut response = (
                StatusCode::UNAUTHORIZED,
                "Unauthorized: send Authorization: Bearer <the server's MINTLIFY_MCP_TOKEN>\n",
            )
                .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mintlify-agent mcp\""),
            );
            return response;
        }
    }
    next.run(request).await
}

/// Whether a request with this `Origin` may be served: none (not a browser), or an origin on
/// this machine (`localhost`, 127.0.0.0/8, `::1`), over http or https.
fn origin_allowed(origin: Option<&HeaderValue>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false; // `null` (a sandboxed page or file) and anything else malformed
    };
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return false;
    }
    // An origin is scheme, host and port: no path, user or query.
    if rest.is_empty() || rest.contains(['/', '@', '?', '#', '\\']) {
        return false;
    }
    let host = if let Some(bracketed) = rest.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((host, port)) if port.is_empty() || valid_port(port) => host,
            _ => return false,
        }
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) if valid_port(port) => host,
            Some(_) => return false,
            None => rest,
        }
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `:PORT` after a host: digits that make a port.
fn valid_port(port: &str) -> bool {
    let digits = port.strip_prefix(':').unwrap_or(port);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u16>().is_ok()
}

/// Compares without stopping at the first difference, so that timing does not tell how much
/// of a guess was right.
fn same(given: &[u8], token: &[u8]) -> bool {
    given.len() == token.len()
        && given
            .iter()
            .zip(token)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Whether an address to listen on is on this machine only.
pub(super) fn is_loopback(address: &SocketAddr) -> bool {
    address.ip().is_loopback()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn allowed(origin: &str) -> bool {
        origin_allowed(Some(
            &HeaderValue::from_str(origin).unwrap_or_else(|e| panic!("{e}")),
        ))
    }

    #[test]
    fn loopback_origins_pass_and_others_do_not() {
        assert!(origin_allowed(None));
        for origin in [
            "http://localhost",
            "http://localhost:3000",
            "https://LOCALHOST:8443",
            "http://127.0.0.1:5173",
            "http://127.8.9.10",
            "http://[::1]:8080",
            "http://[::1]",
        ] {
            assert!(allowed(origin), "{origin}");
        }
        for origin in [
            "null",
            "https://evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://evil.example@127.0.0.1",
            "http://127.0.0.1:80/path",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:",
            "http://[::1",
            "http://[::2]:80",
            "http://0.0.0.0",
            "http://10.0.0.1",
            "file://localhost",
            "chrome-extension://abcdef",
            "localhost",
            "",
        ] {
            assert!(!allowed(origin), "{origin}");
        }
    }

    #[test]
    fn the_token_must_match_exactly() {
        assert!(same(b"secret-token-1234", b"secret-token-1234"));
        assert!(!same(b"secret-token-123", b"secret-token-1234"));
        assert!(!same(b"secret-token-1235", b"secret-token-1234"));
        assert!(!same(b"", b"secret-token-1234"));
    }

    proptest! {
        /// Whatever a page puts in its host, only a loopback host passes.
        #[test]
        fn an_origin_passes_only_with_a_loopback_host(
            scheme in "(http|https|ftp|ws)",
            host in "[a-z0-9.\\-\\[\\]:@]{0,30}",
            port in proptest::option::of(0u32..70000),
        ) {
            let origin = match port {
                Some(port) => format!("{scheme}://{host}:{port}"),
                None => format!("{scheme}://{host}"),
            };
            if let Ok(value) = HeaderValue::from_str(&origin) {
                let bare = host.trim_start_matches('[').trim_end_matches(']');
                let loopback = host.eq_ignore_ascii_case("localhost")
                    || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if origin_allowed(Some(&value)) {
                    prop_assert!(loopback, "{origin} passed");
                    prop_assert!(scheme.starts_with("http"));
                }
            }
        }

        /// No byte string crashes the check.
        #[test]
        fn any_header_value_is_judged(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                let _ = origin_allowed(Some(&value));
            }
        }
    }
}
