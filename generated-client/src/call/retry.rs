//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How failed requests are retried.
///
/// By default: up to 2 retries, waiting 0.5 s, then doubling up to 8 s, with jitter; a server's
/// `Retry-After` (seconds or an HTTP date) or `retry-after-ms` wins over the schedule, unless it
/// asks for more than 60 s: then the call ends with [`crate::Error::RateLimited`] at once.
///
/// Reads (`GET`) are retried after connect errors, timeouts, broken connections and 408, 429,
/// 500, 502, 503 and 504. Creations and messages are retried only when the server cannot have
/// acted on them: connect errors, 429, and 503 with `Retry-After`. A job created twice costs
/// quota and opens a second pull request, so a timeout or a cut connection is never retried.
///
/// ```
/// use std::time::Duration;
/// use mintlify_agent::RetryPolicy;
/// let patient = RetryPolicy::default().max_retries(5).delays(Duration::from_secs(1), Duration::from_secs(30));
/// let never = RetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub(super) max_retries: usize,
    initial_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    pub(super) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            jitter: true,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a request may be sent again after the first attempt.
    pub fn max_retries(mut self, retries: usize) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first wait, and the longest the doubling schedule grows to.
    pub fn delays(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_delay = initial;
        self.max_delay = max;
        self
    }

    /// Whether to add a random part to each scheduled wait (default: yes).
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The longest server-requested wait to honour; a longer one ends the call (default 60 s).
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The scheduled waits, one per allowed retry.
    pub(super) fn schedule(&self) -> impl Iterator<Item = Duration> + use<> {
        let builder = ExponentialBuilder::default()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_max_times(self.max_retries);
        if self.jitter {
            builder.with_jitter().build()
        } else {
            builder.build()
        }
    }
}

/// Statuses worth another try for a read.
pub(super) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Statuses that prove a write was not acted on, so that sending it again cannot duplicate it.
pub(super) fn write_not_acted_on(status: StatusCode, headers: &HeaderMap) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::SERVICE_UNAVAILABLE
            && server_delay(headers, SystemTime::now()).is_some())
}

/// The longest server-requested wait this client represents; longer requests are clamped to it,
/// so that no arithmetic on a wait can overflow, whatever a server sends.
const MAX_SERVER_DELAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The wait a reply asks for: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date;
/// clamped to [`MAX_SERVER_DELAY`]. Values that are not a wait (negative, NaN, text) are ignored.
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms >= 0.0
    {
        // NaN fails `>=`; infinity and 1e300 fail the conversion and are clamped.
        let wait = Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(MAX_SERVER_DELAY);
        return Some(wait.min(MAX_SERVER_DELAY));
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_SERVER_DELAY));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_SERVER_DELAY),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    reqwest::header::HeaderName::from_static(k),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn server_delays_in_every_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            server_delay(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_delay(
                &headers(&[("retry-after-ms", "250.5"), ("retry-after", "7")]),
                now
            ),
            Some(Duration::from_micros(250_500))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "-5")]), now),
            None
        );
        assert_eq!(server_delay(&HeaderMap::new(), now), None);
    }

    #[test]
    fn absurd_server_delays_are_clamped_not_panics() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for (name, value) in [
            ("retry-after-ms", "1e300"),
            ("retry-after-ms", "inf"),
            ("retry-after-ms", "1.8e19"),
            ("retry-after", "18446744073709551615"),
            ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ] {
            assert_eq!(
                server_delay(&headers(&[(name, value)]), now),
                Some(MAX_SERVER_DELAY),
                "{name}: {value}"
            );
        }
        for value in ["NaN", "-inf", "-0.5", "1e", ""] {
            assert_eq!(
                server_delay(&headers(&[("retry-after-ms", value)]), now),
                None,
                "{value}"
            );
        }
    }

    #[test]
    fn the_default_schedule_doubles_from_half_a_second_with_two_retries() {
        let waits: Vec<Duration> = RetryPolicy::default().jitter(false).schedule().collect();
        assert_eq!(waits, [Duration::from_millis(500), Duration::from_secs(1)]);
        let long: Vec<Duration> = RetryPolicy::default()
            .jitter(false)
            .max_retries(6)
            .schedule()
            .collect();
        assert_eq!(long.last(), Some(&Duration::from_secs(8)), "{long:?}");
        assert_eq!(RetryPolicy::disabled().schedule().count(), 0);
        for wait in RetryPolicy::default().schedule() {
            assert!(
                wait >= Duration::from_millis(500) && wait <= Duration::from_secs(2),
                "{wait:?}"
            );
        }
    }

    /// `delays` sets both ends of the schedule: it starts at the first and doubles up to the
    /// second, whatever the defaults are.
    #[test]
    fn delays_set_the_first_wait_and_the_longest() {
        let waits: Vec<Duration> = RetryPolicy::default()
            .delays(Duration::from_secs(3), Duration::from_secs(10))
            .jitter(false)
            .max_retries(4)
            .schedule()
            .collect();
        let secs = Duration::from_secs;
        assert_eq!(waits, [secs(3), secs(6), secs(10), secs(10)]);
    }

    /// One day is the most any header can ask for: two days come out as exactly one, and a wait
    /// just under a day is kept as sent, in each of the three forms.
    #[test]
    fn a_server_delay_is_clamped_to_exactly_one_day() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let day = Duration::from_secs(86_400);
        let two_days = now + 2 * day;
        for (name, value) in [
            ("retry-after", "172800".to_owned()),
            ("retry-after-ms", "172800000".to_owned()),
            ("retry-after", httpdate::fmt_http_date(two_days)),
        ] {
            assert_eq!(
                server_delay(&headers(&[(name, &value)]), now),
                Some(day),
                "{name}: {value}"
            );
        }
        let almost = day - Duration::from_secs(1);
        for (name, value) in [
            ("retry-after", "86399".to_owned()),
            ("retry-after-ms", "86399000".to_owned()),
            ("retry-after", httpdate::fmt_http_date(now + almost)),
        ] {
            assert_eq!(
                server_delay(&headers(&[(name, &value)]), now),
                Some(almost),
                "{name}: {value}"
            );
        }
    }

    #[test]
    fn writes_are_resent_only_when_not_acted_on() {
        assert!(write_not_acted_on(
            StatusCode::TOO_MANY_REQUESTS,
            &HeaderMap::new()
        ));
        assert!(write_not_acted_on(
            StatusCode::SERVICE_UNAVAILABLE,
            &headers(&[("retry-after", "1")])
        ));
        assert!(!write_not_acted_on(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new()
        ));
        assert!(!write_not_acted_on(
            StatusCode::INTERNAL_SERVER_ERROR,
            &headers(&[("retry-after", "1")])
        ));
        assert!(!write_not_acted_on(
            StatusCode::GATEWAY_TIMEOUT,
            &HeaderMap::new()
        ));
    }
}
