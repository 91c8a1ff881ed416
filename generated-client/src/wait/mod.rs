//! Waiting for an agent job (or a v1 session) to finish: how to poll ([`WaitOptions`]), how a
//! job ended ([`JobOutcome`]), what each poll saw ([`PollEvent`]); the one poll loop
//! (`poller.rs`) and the polls that waits on one job share (`shared.rs`).

pub(crate) mod poller;
pub(crate) mod shared;

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::error::Error;
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
    first_delay: Duration,
    max_delay: Duration,
    factor: f32,
    jitter: bool,
    deadline: Option<Duration>,
    /// Job statuses this client does not know that the caller says are final.
    also_final: Vec<String>,
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
    fn schedule(&self) -> impl Iterator<Item = Duration> + Send + use<> {
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

/// What one poll of a wait saw, as the wait tells its observer ([`crate::V2::wait_observed`]):
/// every poll, failed ones included, the final one too.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum PollEvent<'a, T> {
    /// The poll succeeded: the job (or session) as it is now.
    Seen(&'a T),
    /// The poll failed in a way that polling again may fix (a 5xx, a 429, a connection
    /// failure): the wait polls on, after the server's `Retry-After` if it sent one.
    Failed(&'a Error),
}

impl<'a, T> PollEvent<'a, T> {
    /// The same event about a part of what was seen.
    pub(crate) fn map<U>(self, part: impl FnOnce(&'a T) -> &'a U) -> PollEvent<'a, U> {
        match self {
            PollEvent::Seen(value) => PollEvent::Seen(part(value)),
            PollEvent::Failed(error) => PollEvent::Failed(error),
        }
    }
}

/// Whether a poll's error ends the wait: only errors that polling again cannot fix.
pub(super) fn ends_wait(error: &Error) -> bool {
    !error.is_transient()
}
