//! Bounded reads of reply bodies: an error reply's first [`ERROR_BODY_LIMIT`] bytes, a
//! successful one up to `Limits::max_response_bytes`, a v1 stream not at all (the caller reads it).

use super::context::Call;

/// How much of an error reply's body is read and kept: enough for any message a person reads.
pub(crate) const ERROR_BODY_LIMIT: usize = 16 * 1024;

impl Call {
    /// Reads the body into memory, within bounds, so that a read that breaks off is retried too:
    /// an error reply's first [`ERROR_BODY_LIMIT`] bytes, a successful one up to
    /// `Limits::max_response_bytes` (beyond that, nothing, and the call fails). A v1 stream's
    /// successful body is the caller's to read.
    pub(super) async fn read_body(
        &self,
        response: reqwest::Response,
    ) -> reqwest::Result<reqwest::Response> {
        let success = response.status().is_success();
        if success && self.operation.streams() {
            return Ok(response);
        }
        if !success {
            return Ok(buffered(response, ERROR_BODY_LIMIT).await?.0);
        }
        let limit = self.limits.max_response_bytes;
        // An announced length over the limit is believed: nothing is read that would be dropped.
        if response
            .content_length()
            .is_none_or(|length| length <= limit as u64)
        {
            let (response, body, complete) = buffered(response, limit).await?;
            if complete {
                self.update(|r| r.body = body);
                return Ok(response);
            }
        }
        self.update(|r| r.body_too_large = Some(limit));
        // What was read is useless (a cut JSON document), and is dropped now.
        Ok(reqwest::Response::from(http::Response::new(
            bytes::Bytes::new(),
        )))
    }
}

/// The same response with at most `limit` bytes of its body read into memory, those bytes (a
/// shared handle, not a copy), and whether that was all of it.
async fn buffered(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<(reqwest::Response, bytes::Bytes, bool)> {
    let mut body = Vec::new();
    let mut complete = true;
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            complete = false;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    let body = bytes::Bytes::from(body);
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = response.headers().clone();
    Ok((reqwest::Response::from(rebuilt), body, complete))
}
