//! Waiting for an agent job (or a v1 session) to finish: the poll schedule and its outcome.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::Error;
use crate::v2::types::{AgentJob, JobStatus};

/// How to poll while waiting for a job.
///
/// Defaults suit agent jobs, which take minutes: the first poll after 2 s, then waits growing by
/// 1.5 up to 20 s, each with jitter, and a deadline of 30 minutes, which also bounds the poll in
/// flight. A server's `Retry-After` wins over the schedule, up to the longest wait
/// ([`WaitOptions::max_delay`]) and with jitter, so that many waiters told the same do not poll
/// at the same instant.
///
/// ```
/// use std::time::Duration;
/// use mintlify_agent::WaitOptions;
/// let quick = WaitOptions::default()
///     .first_delay(Duration::from_millis(500))
///     .max_delay(Duration::from_secs(5))
///     .deadline(Duration::from_secs(120));
/// # let _ = quick;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WaitOptions {
    pub(crate) first_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) factor: f32,
    pub(crate) jitter: bool,
    pub(crate) deadline: Option<Duration>,
    /// Job statuses this client does not know that the caller says are final.
    pub(crate) also_final: Vec<String>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(20),
            factor: 1.5,
            jitter: true,
            deadline: Some(Duration::from_secs(30 * 60)),
            also_final: Vec::new(),
        }
    }
}

impl WaitOptions {
    /// The wait before the second poll (the first is at once).
    pub fn first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// The longest wait between polls.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How much each wait grows (at least 1).
    pub fn backoff_factor(mut self, factor: f32) -> Self {
        self.factor = factor.max(1.0);
        self
    }

    /// Whether to add a random part to each wait (default: yes), so that many waiters spread.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Gives up after this long with [`Error::WaitDeadline`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Treats a job status this client does not know (yet) as final: the wait ends with
    /// [`JobOutcome::Other`] when a job reports it, instead of polling on until the deadline.
    ///
    /// ```
    /// # use mintlify_agent::WaitOptions;
    /// let options = WaitOptions::default().also_final("cancelled");
    /// # let _ = options;
    /// ```
    pub fn also_final(mut self, status: impl Into<String>) -> Self {
        self.also_final.push(status.into());
        self
    }

    /// The outcome of `job` if its status ends the wait.
    pub(crate) fn outcome(&self, job: &AgentJob) -> Option<JobOutcome> {
        match &job.status {
            Some(JobStatus::Unknown(status)) if self.also_final.contains(status) => {
                Some(JobOutcome::Other(job.clone()))
            }
            _ => JobOutcome::from_final(job),
        }
    }

    /// Waits for as long as it takes.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// The waits between polls, without end.
    pub(crate) fn schedule(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        let builder = ExponentialBuilder::default()
            .with_min_delay(self.first_delay)
            .with_max_delay(self.max_delay)
            .with_factor(self.factor)
            .without_max_times();
        if self.jitter {
            builder.with_jitter().build()
        } else {
            builder.build()
        }
    }
}

/// How a job ended.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum JobOutcome {
    /// `completed`: see `pr_link` for the pull request, if files changed.
    Completed(AgentJob),
    /// `archived`.
    Archived(AgentJob),
    /// `failed`: the agent hit an error it could not recover from.
    Failed(AgentJob),
    /// A status this client does not know, which the caller declared final
    /// ([`WaitOptions::also_final`]); `status` holds it.
    Other(AgentJob),
}

impl JobOutcome {
    /// The job as last seen.
    pub fn job(&self) -> &AgentJob {
        match self {
            JobOutcome::Completed(job)
            | JobOutcome::Archived(job)
            | JobOutcome::Failed(job)
            | JobOutcome::Other(job) => job,
        }
    }

    /// The job, owned.
    pub fn into_job(self) -> AgentJob {
        match self {
            JobOutcome::Completed(job)
            | JobOutcome::Archived(job)
            | JobOutcome::Failed(job)
            | JobOutcome::Other(job) => job,
        }
    }

    /// The outcome of a job in a final state; `None` while it is not final (or unknown).
    pub fn from_final(job: &AgentJob) -> Option<Self> {
        match job.status.as_ref()? {
            JobStatus::Completed => Some(JobOutcome::Completed(job.clone())),
            JobStatus::Archived => Some(JobOutcome::Archived(job.clone())),
            JobStatus::Failed => Some(JobOutcome::Failed(job.clone())),
            JobStatus::Active | JobStatus::Unknown(_) => None,
        }
    }
}

/// What a wait is for: a v2 job or a v1 session, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitTarget {
    /// A v2 job.
    Job(String),
    /// A v1 session.
    Session(String),
}

impl WaitTarget {
    /// The id.
    pub fn id(&self) -> &str {
        match self {
            WaitTarget::Job(id) | WaitTarget::Session(id) => id,
        }
    }
}

impl std::fmt::Display for WaitTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitTarget::Job(id) => write!(f, "job {id}"),
            WaitTarget::Session(id) => write!(f, "session {id}"),
        }
    }
}

/// What a wait saw last before its deadline.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum LastSeen {
    /// A v2 job.
    Job(AgentJob),
    /// A v1 session.
    #[cfg(feature = "v1")]
    Session(crate::v1::types::AgentSession),
}

impl LastSeen {
    /// A status this client does not know, if that is what it last reported.
    pub fn unknown_status(&self) -> Option<&str> {
        match self {
            LastSeen::Job(job) => match job.status.as_ref()? {
                JobStatus::Unknown(status) => Some(status),
                _ => None,
            },
            #[cfg(feature = "v1")]
            LastSeen::Session(session) => match session.hault_reason.as_ref()? {
                crate::v1::types::HaltReason::Unknown(reason) => Some(reason),
                _ => None,
            },
        }
    }
}

/// Whether a poll's error ends the wait: only errors that polling again cannot fix.
pub(crate) fn ends_wait(error: &Error) -> bool {
    !error.is_transient()
}

/// The pauses of one wait, with its deadline.
pub(crate) struct Poller {
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
    pub(crate) fn new(options: &WaitOptions) -> Self {
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
    pub(crate) fn max_age(&self) -> Duration {
        self.last_pause / 2
    }

    pub(crate) fn waited(&self) -> Duration {
        self.started.elapsed()
    }

    /// Runs one poll, cut off at the deadline: `None` when the deadline came first.
    pub(crate) async fn poll<F: Future>(&mut self, poll: F) -> Option<F::Output> {
        match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, poll).await.ok(),
            None => Some(poll.await),
        }
    }

    /// Sleeps until the next poll: for `server` when the server asked (at most the longest wait,
    /// with jitter), else the schedule. Returns `false` when the poll just made was the last the
    /// deadline allows. A pause that would pass the deadline ends at it, for one last poll.
    pub(crate) async fn pause(&mut self, server: Option<Duration>) -> bool {
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

    /// The error for a wait whose deadline passed.
    pub(crate) fn deadline_error(
        &self,
        target: WaitTarget,
        last_seen: Option<LastSeen>,
        last_error: Option<Error>,
    ) -> Error {
        Error::WaitDeadline {
            target,
            waited: self.waited(),
            last_seen: last_seen.map(Box::new),
            last_error: last_error.map(Box::new),
        }
    }
}

/// Polls until `finish` gives the final result: transient errors are polled through, others end
/// the wait, and the deadline (which also cuts off a poll in flight) ends it with
/// [`Error::WaitDeadline`] carrying what was last seen. `poll` is given how old a shared result
/// may be ([`Poller::max_age`]).
pub(crate) async fn until<T, U, F, Fut>(
    target: WaitTarget,
    options: &WaitOptions,
    mut poll: F,
    finish: impl Fn(&T) -> Option<U>,
    seen: impl Fn(T) -> LastSeen,
) -> Result<U, Error>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<(T, Option<Duration>), Error>>,
{
    let mut poller = Poller::new(options);
    let mut last = None;
    let mut last_error = None;
    loop {
        let asked = match poller.poll(poll(poller.max_age())).await {
            None => break,
            Some(Ok((value, asked))) => {
                if let Some(done) = finish(&value) {
                    return Ok(done);
                }
                last = Some(value);
                last_error = None;
                asked
            }
            Some(Err(error)) if ends_wait(&error) => return Err(error),
            Some(Err(error)) => {
                tracing::debug!(%error, "poll failed; polling on");
                let asked = error.retry_after();
                last_error = Some(error);
                asked
            }
        };
        if !poller.pause(asked).await {
            break;
        }
    }
    Err(poller.deadline_error(target, last.map(seen), last_error))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[tokio::test(start_paused = true)]
    async fn deadlines_too_far_to_represent_mean_no_deadline() {
        let mut poller = Poller::new(&WaitOptions::default().deadline(Duration::MAX));
        assert!(poller.deadline.is_none());
        assert!(poller.pause(Some(Duration::MAX)).await);
        assert_eq!(poller.poll(async { 7 }).await, Some(7));
    }
}
