//! The optional client-side budget: creations and messages per project per rolling hour,
//! counted before the server is asked, so that a loop cannot burn the project's quota.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(3600);

/// Accepted calls within the last hour (a client serves one project).
#[derive(Debug)]
pub(crate) struct Budget {
    per_hour: usize,
    spent: Mutex<VecDeque<Instant>>,
}

impl Budget {
    pub(crate) fn new(per_hour: usize) -> Self {
        Self {
            per_hour,
            spent: Mutex::new(VecDeque::new()),
        }
    }

    /// Counts one call, or returns how long until one is allowed.
    pub(super) fn take(&self, now: Instant) -> Result<(), Duration> {
        let mut spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
        while spent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= WINDOW)
        {
            spent.pop_front();
        }
        if spent.len() < self.per_hour {
            spent.push_back(now);
            return Ok(());
        }
        let oldest = spent.front().copied().unwrap_or(now);
        Err(WINDOW.saturating_sub(now.duration_since(oldest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_rolls_over_the_hour() {
        let start = Instant::now();
        let budget = Budget::new(2);
        assert_eq!(budget.take(start), Ok(()));
        assert_eq!(budget.take(start + Duration::from_secs(600)), Ok(()));
        assert_eq!(
            budget.take(start + Duration::from_secs(1200)),
            Err(Duration::from_secs(2400))
        );
        assert_eq!(budget.take(start + WINDOW), Ok(()));
    }
}
