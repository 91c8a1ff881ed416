//! The Streamable HTTP transport at `/mcp`, behind two checks: the `Origin` rule (absent or
//! loopback, else 403: a web page the user visits cannot drive the server through DNS
//! rebinding) and, when a token is set, `Authorization: Bearer <token>` on every request.
//! Then the session rules (`session.rs`), answered here before rmcp sees the request: a new
//! session when every session is busy (503), a `DELETE` (404 for an unknown session, 204 once
//! ended), and a `Last-Event-ID` that cannot be resumed from (400, or 410 for a call
//! forgotten).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::SessionId;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::connections;
use super::replay::Refusal;
use super::server::Server;
use super::session::{Limits, SessionError, Sessions};

/// The session header of Streamable HTTP.
const SESSION_HEADER: &str = "mcp-session-id";
/// The largest request body (rmcp's own bound, which it also enforces).
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// How long a client refused for want of a session should wait before it tries again.
const BUSY_RETRY_SECONDS: u32 = 10;

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
    limits: Limits,
) {
    let mut config = StreamableHttpServerConfig::default();
    if remote {
        config = config.disable_allowed_hosts();
    }
    let sessions = Sessions::new(limits);
    tokio::spawn(sessions.clone().expire_idle());
    let service = StreamableHttpService::new(move || Ok(server.clone()), sessions.clone(), config);
    let guard = Guard {
        token: token.map(Arc::from),
    };
    // The last layer added runs first: the deadline of a request, the guard, then the session
    // rules.
    let router = axum::Router::new()
        .route_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(
            sessions,
            session_rules,
        ))
        .layer(axum::middleware::from_fn_with_state(guard, check))
        .layer(axum::middleware::from_fn(connections::answer_in_time));
    connections::serve(listener, router).await;
}

/// The answers the session table gives before rmcp: room for a new session, a `DELETE`, a
/// `Last-Event-ID` that cannot be resumed from.
async fn session_rules(
    State(sessions): State<Arc<Sessions>>,
    mut request: Request,
    next: Next,
) -> Response {
    let session = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(SessionId::from);
    match (request.method(), &session) {
        // An `initialize` starts a session: room is made first (a stray request must not end
        // an idle session), and held until it is answered.
        (&Method::POST, None) => {
            let (parts, body) = request.into_parts();
            let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Payload Too Large: a request body of at most 4 MiB\n",
                )
                    .into_response();
            };
            let starts_session = is_initialize(&body);
            let request = Request::from_parts(parts, axum::body::Body::from(body));
            if !starts_session {
                return next.run(request).await;
            }
            let _admission = match sessions.admit() {
                Ok(admission) => admission,
                Err(error) => return busy(&error),
            };
            return next.run(request).await;
        }
        (&Method::DELETE, Some(id)) => {
            if !sessions.knows(id) {
                return (StatusCode::NOT_FOUND, "Not Found: Session not found\n").into_response();
            }
            // rmcp answers 202, which the official Python client reports as a failure: the
            // session has ended by then, so 204.
            let mut response = next.run(request).await;
            if response.status() == StatusCode::ACCEPTED {
                *response.status_mut() = StatusCode::NO_CONTENT;
            }
            return response;
        }
        (&Method::GET, Some(id)) => {
            if let Some(last) = request
                .headers()
                .get(header::HeaderName::from_static("last-event-id"))
            {
                let checked = match last.to_str() {
                    Ok(last) => sessions.check_resume(id, last),
                    Err(_) => Err(Refusal::Malformed),
                };
                if let Err(refusal) = checked {
                    return refused(&refusal);
                }
            }
        }
        _ => {}
    }
    // For the conformance suite's test_reconnection, which closes its own stream.
    request.extensions_mut().insert(sessions);
    next.run(request).await
}

/// Whether a request body is an `initialize` request (what rmcp starts a session for).
fn is_initialize(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Message<'a> {
        #[serde(borrow)]
        method: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<Message<'_>>(body)
        .is_ok_and(|m| m.method.as_deref() == Some("initialize"))
}

/// 503: every session is busy.
fn busy(error: &SessionError) -> Response {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "Service Unavailable: {error}. A session is busy while a call of it runs or a \
             stream of it is open. End one (DELETE with its Mcp-Session-Id) or try again \
             later.\n"
        ),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_SECONDS));
    response
}

/// 400, or 410 for a call the session no longer remembers.
fn refused(refusal: &Refusal) -> Response {
    let status = match refusal {
        Refusal::Forgotten => StatusCode::GONE,
        Refusal::Malformed | Refusal::OtherSession | Refusal::NotSent => StatusCode::BAD_REQUEST,
    };
    let reason = status.canonical_reason().unwrap_or("Refused");
    (status, format!("{reason}: {refusal}\n")).into_response()
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
    fn only_an_initialize_starts_a_session() {
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"method":"initiali\u007ae","id":"x"}"#,
        ] {
            assert!(is_initialize(body.as_bytes()), "{body}");
        }
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            r#"[{"jsonrpc":"2.0","id":1,"method":"initialize"}]"#,
            r#"{"method":"Initialize"}"#,
            r#"{"method":["initialize"]}"#,
            r#"{"params":{"method":"initialize"}}"#,
            "not json",
            "",
        ] {
            assert!(!is_initialize(body.as_bytes()), "{body}");
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
