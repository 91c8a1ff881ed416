//! Mintlify's limit on agent work: so many creations and messages per project per rolling hour.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

const WINDOW: TimeDelta = TimeDelta::hours(1);

/// Accepted requests per project within the last hour.
#[derive(Default)]
pub struct RateLimiter {
    accepted: HashMap<String, VecDeque<DateTime<Utc>>>,
}

impl RateLimiter {
    /// Counts one request for `project` if the limit allows it; otherwise returns the seconds
    /// until the oldest request in the window leaves it (at least 1).
    pub fn admit(&mut self, project: &str, limit: usize, now: DateTime<Utc>) -> Result<(), u64> {
        let window = self.accepted.entry(project.to_owned()).or_default();
        while window.front().is_some_and(|at| now - *at >= WINDOW) {
            window.pop_front();
        }
        if window.len() < limit {
            window.push_back(now);
            return Ok(());
        }
        let oldest = window.front().copied().unwrap_or(now);
        let wait = (oldest + WINDOW - now).num_milliseconds().max(0) as u64;
        Err(wait.div_ceil(1000).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_rolls() {
        let start = DateTime::<Utc>::from_timestamp(1_000_000, 0).unwrap();
        let mut limiter = RateLimiter::default();
        assert_eq!(limiter.admit("p", 2, start), Ok(()));
        assert_eq!(
            limiter.admit("p", 2, start + TimeDelta::minutes(10)),
            Ok(())
        );
        assert_eq!(
            limiter.admit("p", 2, start + TimeDelta::minutes(20)),
            Err(40 * 60)
        );
        assert_eq!(
            limiter.admit("other", 2, start),
            Ok(()),
            "projects are counted apart"
        );
        assert_eq!(
            limiter.admit("p", 2, start + TimeDelta::minutes(60)),
            Ok(()),
            "the first left the window"
        );
        assert_eq!(
            limiter.admit("p", 2, start + TimeDelta::milliseconds(4_199_500)),
            Err(1)
        );
    }
}
