//! The connections of `mcp --http`, bounded in time: a client that opens a connection and sends
//! nothing, or begins a request and never finishes it, cannot hold it (and its buffers and
//! file descriptor) forever.
//!
//! `axum::serve` sets no timer on hyper, so hyper's own header timeout never runs and such a
//! connection stays open for as long as its client keeps it: 11,000 connections kept alive by
//! one benchmark client held about 150 MiB of the server. Here the same hyper serves each
//! connection with a timer:
//!
//! - a connection that sends no request head for [`SILENCE`] (idle between requests, or a head
//!   begun and not finished) is closed;
//! - a request whose answer has not begun [`SILENCE`] after its head arrived (its body never
//!   finished) gets 408 ([`answer_in_time`]).
//!
//! An answer that streams (a `wait_for_job` of 30 minutes) is not affected: once its headers
//! are sent, nothing here times it.

use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;

/// How long a client may stay silent: before a request head, within one, and before its body
/// ends. Hyper's default header timeout.
const SILENCE: Duration = Duration::from_secs(30);

/// How long to wait before accepting again after accepting failed: out of file descriptors,
/// it fails again at once until a connection ends; one connection reset, the next is there.
const ACCEPT_PAUSE: Duration = Duration::from_millis(10);

/// Serves `router` on every connection `listener` accepts, until the process ends.
pub(super) async fn serve(listener: tokio::net::TcpListener, router: axum::Router) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(ACCEPT_PAUSE).await;
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(SILENCE);
            // A connection that ends badly (timed out, reset, malformed) concerns its client
            // only.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

/// 408 for a request whose answer has not begun within [`SILENCE`]: its body never ended.
pub(super) async fn answer_in_time(request: Request, next: Next) -> Response {
    match tokio::time::timeout(SILENCE, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "Request Timeout: the request did not end within {} s\n",
                SILENCE.as_secs()
            ),
        )
            .into_response(),
    }
}
