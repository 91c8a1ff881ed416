//! Turning what a generated call returned into a value or an [`Error`].

use std::time::Duration;

use progenitor_client::{Error as Generated, ResponseValue};

use super::{ApiFailure, Error};
use crate::call::body::ERROR_BODY_LIMIT;
use crate::call::operation::Operation;
use crate::call::record::Record;

/// The `{ "error" }` body of either API generation.
pub(crate) trait ErrorBody {
    fn message(self) -> Option<String>;
}

#[cfg(feature = "v1")]
impl ErrorBody for crate::v1::types::ErrorBody {
    fn message(self) -> Option<String> {
        self.error
    }
}

impl ErrorBody for crate::v2::types::ErrorBody {
    fn message(self) -> Option<String> {
        self.error
    }
}

/// The value of a successful call of `operation`, or the error, with what the attempts recorded.
pub(crate) async fn value<T, E: ErrorBody>(
    result: Result<ResponseValue<T>, Generated<E>>,
    operation: Operation,
    record: &Record,
) -> Result<ResponseValue<T>, Error> {
    if let Some(generated) = record.wrong_operation {
        return Err(Error::InvalidRequest(format!(
            "internal error: the call named {operation:?} but ran the generated `{generated}`; \
             nothing was sent"
        )));
    }
    if let Some(limit) = record.body_too_large {
        return Err(Error::ResponseTooLarge {
            status: record.status.unwrap_or_default(),
            limit,
            request_id: record.request_id.clone(),
        });
    }
    match result {
        Ok(value) => Ok(value),
        Err(error) => Err(convert(error, record).await),
    }
}

async fn convert<E: ErrorBody>(error: Generated<E>, record: &Record) -> Error {
    match error {
        Generated::ErrorResponse(reply) => {
            let status = reply.status().as_u16();
            let message = reply.into_inner().message();
            by_status(status, record, message, None)
        }
        Generated::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            let message = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned));
            let raw = message.is_none().then_some(body);
            by_status(status, record, message, raw)
        }
        Generated::InvalidResponsePayload(body, source) => match record.status {
            Some(status) if status >= 400 => by_status(
                status,
                record,
                None,
                Some(String::from_utf8_lossy(&body).into_owned()),
            ),
            status => Error::InvalidResponse {
                status: status.unwrap_or_default(),
                body: body.slice(..body.len().min(ERROR_BODY_LIMIT)),
                request_id: record.request_id.clone(),
                source: source.into(),
            },
        },
        Generated::CommunicationError(source)
        | Generated::ResponseBodyError(source)
        | Generated::InvalidUpgrade(source) => {
            if source.is_timeout() {
                Error::Timeout {
                    source: source.into(),
                }
            } else {
                Error::Connection {
                    source: source.into(),
                }
            }
        }
        Generated::InvalidRequest(message) | Generated::Custom(message) => {
            Error::InvalidRequest(message)
        }
    }
}

/// The error kind for an HTTP status.
fn by_status(
    status: u16,
    record: &Record,
    message: Option<String>,
    raw_body: Option<String>,
) -> Error {
    let failure = ApiFailure {
        status: Some(status),
        message,
        request_id: record.request_id.clone(),
        raw_body,
    };
    match status {
        400 => Error::BadRequest(failure),
        401 => Error::Unauthorized(failure),
        403 => Error::Forbidden(failure),
        404 => Error::NotFound(failure),
        429 => Error::RateLimited {
            failure,
            retry_after: record.retry_after,
        },
        300..=399 => Error::Redirected {
            location: record.location.clone(),
            failure,
        },
        500..=599 => Error::Server(failure),
        _ => Error::UnexpectedStatus(failure),
    }
}

/// The error of the client-side budget.
pub(crate) fn budget_spent(wait: Duration) -> Error {
    Error::RateLimited {
        failure: ApiFailure {
            status: None,
            message: Some(
                "client-side budget of agent requests per hour is spent; nothing was sent"
                    .to_owned(),
            ),
            request_id: None,
            raw_body: None,
        },
        retry_after: Some(wait),
    }
}
