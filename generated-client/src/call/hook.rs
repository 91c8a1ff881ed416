//! Where a generated request meets this crate: progenitor's `ClientHooks::exec`, for both
//! generated clients, routes every request to [`execute`].

use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::{Instrument, field};

use super::connection::proxy_for;
use super::context::{self, Call};
use super::operation::Generation;

/// Sends a request of a generated client: with retries and a span inside a call's scope, as a
/// plain send outside one (someone using the generated client directly). A call whose named
/// operation is not the generated one it runs is not sent at all: it would get another
/// operation's retry rules (a write retried like a read).
async fn execute(
    http: &reqwest::Client,
    request: reqwest::Request,
    generation: Generation,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let Some(call) = context::current() else {
        return http.execute(request).await;
    };
    if call.operation.generated_id() != (generation, info.operation_id) {
        return Ok(not_sent(&call, info.operation_id));
    }
    // Which job or session the request was for: the concrete path (OpenTelemetry's
    // `url.path`) beside its template (`http.route`). Ids in it are user input, but the generated
    // code percent-encodes every byte of a path value but letters, digits and `-._~`: no
    // newline, escape or `/` of an id reaches the line raw.
    let span = tracing::info_span!(
        "mintlify_agent.request",
        method = %request.method(),
        http.route = call.operation.path_template(),
        url.path = request.url().path(),
        attempt = field::Empty,
        status = field::Empty,
        request_id = field::Empty,
        proxy = field::Empty,
    );
    if call.limits.env_proxy
        && let Some(proxy) = proxy_for(request.url().as_str())
    {
        span.record("proxy", proxy);
    }
    call.send(http, request).instrument(span).await
}

/// The empty reply of a call that was not sent, with the operation that was run in its record,
/// so that the call fails with an error that names both.
fn not_sent(call: &Arc<Call>, generated: &'static str) -> reqwest::Response {
    call.update(|r| r.wrong_operation = Some(generated));
    reqwest::Response::from(http::Response::new(bytes::Bytes::new()))
}

#[cfg(feature = "v1")]
impl ClientHooks for crate::v1::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        execute(self.client(), request, Generation::V1, info).await
    }
}

impl ClientHooks for crate::v2::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        execute(self.client(), request, Generation::V2, info).await
    }
}
