//! The one poll loop: the pauses of a wait (the schedule, a server's `Retry-After` with
//! jitter), the deadline that also cuts off the poll in flight, and what was seen last. Every
//! wait of the crate steps through [`Polls`]: `V2::wait_observed` and everything built on it,
//! `V2::watch_with`, and `V1::wait_for_session_observed`.

use std::future::Future;
use std::time::Duration;

use super::{PollEvent, WaitOptions, ends_wait};
use crate::error::Error;
use crate::error::target::{LastSeen, WaitTarget};

/// A poll's result: the value and the wait its reply asked for.
pub(crate) type Polled<T> = Result<(T, Option<Duration>), Error>;

/// The pauses of one wait, with its deadline.
struct Poller {
    schedule: Box<dyn Iterator<Item = Duration> + Send>,
    max_delay: Duration,
    jitter: bool,
    started: tokio::time::Instant,
    /// `None`: no deadline, or one too far to represent.
    deadline: Option<tokio::time::Instant>,
    /// The deadline has been reached: the poll just made was the last.
    last_poll: bool,
    /// The pause before the poll about to be made (zero before the first).
    last_pause: Duration,
}

impl Poller {
    fn new(options: &WaitOptions) -> Self {
        let started = tokio::time::Instant::now();
        Self {
            schedule: Box::new(options.schedule()),
            max_delay: options.max_delay,
            jitter: options.jitter,
            started,
            deadline: options.deadline.and_then(|d| started.checked_add(d)),
            last_poll: false,
            last_pause: Duration::ZERO,
        }
    }

    /// How old a result shared with other waiters may be for this one: half its pause, so
    /// that sharing never makes it see a change more than half an interval later.
    fn max_age(&self) -> Duration {
        self.last_pause / 2
    }

    /// Runs one poll, cut off at the deadline: `None` when the deadline came first.
    async fn poll<F: Future>(&mut self, poll: F) -> Option<F::Output> {
        match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, poll).await.ok(),
            None => Some(poll.await),
        }
    }

    /// Sleeps until the next poll: for `server` when the server asked (at most the longest wait,
    /// with jitter), else the schedule. Returns `false` when the poll just made was the last the
    /// deadline allows. A pause that would pass the deadline ends at it, for one last poll.
    async fn pause(&mut self, server: Option<Duration>) -> bool {
        if self.last_poll {
            return false;
        }
        let mut wait = match server {
            Some(asked) => self.spread(asked.min(self.max_delay)),
            None => self.schedule.next().unwrap_or(Duration::from_secs(1)),
        };
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            if wait >= left {
                wait = left;
                self.last_poll = true;
            }
        }
        // tokio clamps a sleep too long to represent; nothing here can overflow.
        tokio::time::sleep(wait).await;
        self.last_pause = wait;
        true
    }

    /// Adds up to a quarter to a server-requested wait (never less than asked, unless the
    /// longest wait cut it), so that waiters told the same thing spread out.
    fn spread(&self, wait: Duration) -> Duration {
        if self.jitter {
            wait.mul_f64(1.0 + fastrand::f64() / 4.0)
        } else {
            wait
        }
    }
}

/// What one step of a wait came to.
pub(crate) enum Step<T> {
    /// A poll succeeded.
    Seen(T),
    /// A poll failed in a way that polling again may fix; the wait goes on.
    Failed(Error),
    /// A poll failed in a way that polling again cannot fix: the wait ends with it.
    Ended(Error),
    /// The deadline passed; [`Polls::deadline_error`] says what was seen.
    Deadline,
}

/// One wait, step by step: each [`Polls::next`] pauses (not before the first poll), polls
/// within the deadline, and remembers what it saw for the deadline's error.
pub(crate) struct Polls<T> {
    poller: Poller,
    first: bool,
    /// The wait the last reply (or error) asked for.
    asked: Option<Duration>,
    /// What a value is remembered as: only what the deadline's error names (a job, not its
    /// reply's headers and body), so that thousands of waits stay small.
    seen: fn(&T) -> LastSeen,
    last: Option<LastSeen>,
    last_error: Option<Error>,
}

impl<T> Polls<T> {
    pub(crate) fn new(options: &WaitOptions, seen: fn(&T) -> LastSeen) -> Self {
        Self {
            poller: Poller::new(options),
            first: true,
            asked: None,
            seen,
            last: None,
            last_error: None,
        }
    }

    /// The next poll, after the pause before it. `poll` is given how old a result shared with
    /// other waiters may be.
    pub(crate) async fn next<F, Fut>(&mut self, poll: F) -> Step<T>
    where
        F: FnOnce(Duration) -> Fut,
        Fut: Future<Output = Polled<T>>,
    {
        if !std::mem::take(&mut self.first) && !self.poller.pause(self.asked.take()).await {
            return Step::Deadline;
        }
        let max_age = self.poller.max_age();
        match self.poller.poll(poll(max_age)).await {
            None => Step::Deadline,
            Some(Ok((value, asked))) => {
                self.asked = asked;
                self.last = Some((self.seen)(&value));
                self.last_error = None;
                Step::Seen(value)
            }
            Some(Err(error)) if ends_wait(&error) => Step::Ended(error),
            Some(Err(error)) => {
                // Quoted and escaped: the error may quote the server, which may quote an id.
                tracing::debug!(error = ?error.to_string(), "poll failed; polling on");
                self.asked = error.retry_after();
                self.last_error = Some(error.clone());
                Step::Failed(error)
            }
        }
    }

    /// The error for a wait whose deadline passed: what the last successful poll saw, and the
    /// last poll's error if it failed.
    pub(crate) fn deadline_error(&mut self, target: WaitTarget) -> Error {
        Error::WaitDeadline {
            target,
            waited: self.poller.started.elapsed(),
            last_seen: self.last.take().map(Box::new),
            last_error: self.last_error.take().map(Box::new),
        }
    }
}

/// Polls until `finish` makes something of a value, and returns both: transient errors are
/// polled through, others end the wait, and the deadline (which also cuts off a poll in flight)
/// ends it with [`Error::WaitDeadline`] carrying what was last seen (as `seen` tells it). `observe` is told of every
/// poll, failed ones included, before `finish` looks at it.
pub(crate) async fn until<T, U, F, Fut>(
    target: WaitTarget,
    options: &WaitOptions,
    mut poll: F,
    finish: impl Fn(&T) -> Option<U>,
    seen: fn(&T) -> LastSeen,
    mut observe: impl FnMut(PollEvent<'_, T>),
) -> Result<(T, U), Error>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Polled<T>>,
{
    let mut polls = Polls::new(options, seen);
    loop {
        match polls.next(&mut poll).await {
            Step::Seen(value) => {
                observe(PollEvent::Seen(&value));
                if let Some(done) = finish(&value) {
                    return Ok((value, done));
                }
            }
            Step::Failed(error) => observe(PollEvent::Failed(&error)),
            Step::Ended(error) => return Err(error),
            Step::Deadline => return Err(polls.deadline_error(target)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v2::types::AgentJob;
    use crate::wait::JobOutcome;

    #[test]
    fn a_server_requested_wait_is_cut_to_the_longest_pause_and_spread() {
        let options = WaitOptions::default().max_delay(Duration::from_secs(4));
        let poller = Poller::new(&options);
        let waits: Vec<Duration> = (0..200)
            .map(|_| poller.spread(Duration::from_secs(1)))
            .collect();
        let (low, high) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
        assert!(
            *low >= Duration::from_secs(1),
            "never sooner than asked: {low:?}"
        );
        assert!(*high <= Duration::from_millis(1250), "{high:?}");
        assert!(
            *high - *low >= Duration::from_millis(100),
            "200 waiters told the same spread out: {low:?}..{high:?}"
        );
        let exact = Poller::new(&options.clone().jitter(false));
        assert_eq!(exact.spread(Duration::from_secs(1)), Duration::from_secs(1));
    }

    /// A result shared with other waiters may be at most half this waiter's last pause old:
    /// none before the first pause, then half of each pause as it grows.
    #[tokio::test(start_paused = true)]
    async fn a_shared_result_may_be_half_a_pause_old() {
        let options = WaitOptions::default()
            .first_delay(Duration::from_secs(2))
            .backoff_factor(2.0)
            .jitter(false);
        let mut poller = Poller::new(&options);
        assert_eq!(poller.max_age(), Duration::ZERO);
        assert!(poller.pause(None).await);
        assert_eq!(poller.max_age(), Duration::from_secs(1));
        assert!(poller.pause(None).await);
        assert_eq!(poller.max_age(), Duration::from_secs(2));
        assert!(poller.pause(Some(Duration::from_secs(10))).await);
        assert_eq!(poller.max_age(), Duration::from_secs(5));
    }

    fn job(status: &str) -> AgentJob {
        serde_json::from_value(serde_json::json!({
            "id": "job_1",
            "status": status,
            "createdAt": "2026-11-22T10:00:00Z",
        }))
        .unwrap()
    }

    /// Polls a job that ends `after` from now, as `until` does for `V2::wait_with`.
    async fn wait_for_a_job_done_after(
        after: Duration,
        options: &WaitOptions,
    ) -> Result<(AgentJob, JobOutcome), Error> {
        let done_at = tokio::time::Instant::now() + after;
        // A wait that stopped pausing, or never ended, would spin here for ever (time is
        // paused): a few hundred polls are what 45 minutes take.
        let polls = &std::cell::Cell::new(0_u32);
        until(
            WaitTarget::Job("job_1".into()),
            options,
            |_| async move {
                polls.set(polls.get() + 1);
                assert!(
                    polls.get() < 10_000,
                    "still polling after {} polls",
                    polls.get()
                );
                let now = tokio::time::Instant::now();
                Ok((
                    job(if now >= done_at {
                        "completed"
                    } else {
                        "active"
                    }),
                    None,
                ))
            },
            JobOutcome::from_final,
            |job| LastSeen::Job(job.clone()),
            |_| {},
        )
        .await
    }

    /// `no_deadline` lets a wait go on past the default deadline (30 minutes); the default
    /// ends it there, with what it saw.
    #[tokio::test(start_paused = true)]
    async fn without_a_deadline_a_wait_outlasts_the_default_one() {
        let options = WaitOptions::default().jitter(false);
        let started = tokio::time::Instant::now();
        let (job, outcome) =
            wait_for_a_job_done_after(Duration::from_secs(45 * 60), &options.clone().no_deadline())
                .await
                .unwrap();
        assert!(matches!(outcome, JobOutcome::Completed(_)), "{outcome:?}");
        assert_eq!(job.id, "job_1");
        assert!(started.elapsed() >= Duration::from_secs(45 * 60));

        let started = tokio::time::Instant::now();
        let error = wait_for_a_job_done_after(Duration::from_secs(45 * 60), &options)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::WaitDeadline { .. }), "{error:?}");
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(30 * 60) && waited < Duration::from_secs(30 * 60 + 1),
            "{waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn deadlines_too_far_to_represent_mean_no_deadline() {
        let mut poller = Poller::new(&WaitOptions::default().deadline(Duration::MAX));
        assert!(poller.deadline.is_none());
        assert!(poller.pause(Some(Duration::MAX)).await);
        assert_eq!(poller.poll(async { 7 }).await, Some(7));
    }
}
