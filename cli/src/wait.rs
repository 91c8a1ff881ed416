//! Polling a job or session until it ends, within a deadline that also cuts off the poll in
//! flight, and telling the display about each poll, failed ones included.
//!
//! The library's `watch_with` polls through transient errors without a word; a person watching
//! a spinner should see "poll failed: HTTP 503, retrying" instead of time going by.

use std::time::Duration;

use mintlify_agent::{Error, LastSeen, Response, WaitTarget};
use tokio::time::Instant;

/// How often to poll: the first pause, growing by half each time up to `max`.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    /// The pause after the first poll.
    pub first: Duration,
    /// The longest pause (also for a server's `Retry-After`).
    pub max: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(2),
            max: Duration::from_secs(20),
        }
    }
}

/// What one poll saw, for the display.
pub enum Seen<'a, V> {
    /// The job or session as it is now (or what the display takes of it).
    Value(V),
    /// A poll failed in a way that polling again may fix.
    Failed(&'a Error),
}

impl<'a, V> Seen<'a, V> {
    /// What the display needs of the value.
    pub fn map<U>(self, f: impl FnOnce(V) -> U) -> Seen<'a, U> {
        match self {
            Seen::Value(value) => Seen::Value(f(value)),
            Seen::Failed(error) => Seen::Failed(error),
        }
    }
}

/// Polls until `is_final` holds, and returns that reply. Transient errors are reported and
/// polled through; others end the wait. Past `deadline` the wait ends with
/// [`Error::WaitDeadline`], naming `target` and what was seen last.
pub async fn until<T, Fut>(
    target: WaitTarget,
    pace: Pace,
    deadline: Duration,
    mut poll: impl FnMut() -> Fut,
    is_final: impl Fn(&T) -> bool,
    last_seen: impl Fn(T) -> LastSeen,
    mut show: impl FnMut(Seen<'_, &T>),
) -> Result<Response<T>, Error>
where
    Fut: Future<Output = Result<Response<T>, Error>>,
{
    let started = Instant::now();
    // None: too far to represent, which is as good as no deadline.
    let end = started.checked_add(deadline);
    let mut pause = pace.first;
    let mut last: Option<T> = None;
    let mut last_error = None;
    loop {
        if end.is_some_and(|end| Instant::now() >= end) {
            break;
        }
        let polled = match end {
            Some(end) => tokio::time::timeout_at(end, poll()).await.ok(),
            None => Some(poll().await),
        };
        let asked = match polled {
            None => break,
            Some(Ok(reply)) if is_final(reply.value()) => return Ok(reply),
            Some(Ok(reply)) => {
                show(Seen::Value(reply.value()));
                last = Some(reply.into_inner());
                last_error = None;
                None
            }
            Some(Err(error)) if !error.is_transient() => return Err(error),
            Some(Err(error)) => {
                show(Seen::Failed(&error));
                let asked = error.retry_after();
                last_error = Some(error);
                asked
            }
        };
        let wait = asked.unwrap_or(pause).min(pace.max);
        pause = pause.mul_f64(1.5).min(pace.max);
        match end {
            Some(end) => tokio::time::sleep_until(end.min(Instant::now() + wait)).await,
            None => tokio::time::sleep(wait).await,
        }
    }
    Err(Error::WaitDeadline {
        target,
        waited: started.elapsed(),
        last_seen: last.map(|value| Box::new(last_seen(value))),
        last_error: last_error.map(Box::new),
    })
}
