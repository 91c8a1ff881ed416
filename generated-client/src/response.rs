//! A successful reply with what came with it: status, headers, request id, and the body as sent.

use bytes::Bytes;
use reqwest::header::HeaderMap;

/// Headers that carry a request id, in order of preference.
pub(crate) const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-vercel-id"];

/// A call's value with the reply it came in, from the `*_with_response` methods.
///
/// [`Response::body`] is the JSON exactly as the server sent it, with every field, also those
/// the generated types do not know (yet) and `null`s: for logging, for tools that pass the
/// server's object on, and for reading a field before the types learn it.
///
/// ```no_run
/// # async fn run(client: mintlify_agent::Client) -> Result<(), mintlify_agent::Error> {
/// let reply = client.v2().get_job_with_response("job_123").await?;
/// println!("HTTP {} request {:?}", reply.status(), reply.request_id());
/// let everything: serde_json::Value = serde_json::from_slice(reply.body()).unwrap_or_default();
/// let job = reply.into_inner();
/// # let _ = (everything, job);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Response<T> {
    value: T,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            value,
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id header (`x-request-id`, `request-id` or `x-vercel-id`), when present.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| self.headers.get(*name).and_then(|v| v.to_str().ok()))
    }

    /// The body exactly as received.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, owned.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The same reply with its value made into another (e.g. a job into its outcome); status,
    /// headers and body stay.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }
}
