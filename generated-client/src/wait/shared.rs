//! One poll for many waiters: waits on the same job (or session) in one `Client` share
//! their requests.
//!
//! A waiter that wants the job's state joins the request in flight for it, if any; else takes
//! the last result when it is young enough (half the waiter's own pause, so that a shared result
//! is never staler than half an interval); else sends the request that the others then join.
//! However many waiters, a job sees about one request per poll interval. Results and errors are
//! shared alike ([`crate::Error`] is cheap to clone). A job is forgotten when its last waiter
//! leaves, so memory follows the number of jobs being waited on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use tokio::time::Instant;

use super::poller::Polled;

type InFlight<T> = Shared<BoxFuture<'static, Polled<T>>>;

type Slots<T> = Arc<Mutex<HashMap<String, Slot<T>>>>;

/// The polls of one kind of thing (v2 jobs, or v1 sessions), by id.
pub(crate) struct PollHub<T> {
    slots: Slots<T>,
}

impl<T> Default for PollHub<T> {
    fn default() -> Self {
        Self {
            slots: Arc::default(),
        }
    }
}

struct Slot<T> {
    waiters: usize,
    in_flight: Option<InFlight<T>>,
    last: Option<(Instant, (T, Option<Duration>))>,
}

impl<T: Clone + Send + Sync + 'static> PollHub<T> {
    /// Joins the waiters of `id` until the registration is dropped.
    pub(crate) fn register(&self, id: &str) -> Registration<T> {
        lock(&self.slots)
            .entry(id.to_owned())
            .or_insert_with(|| Slot {
                waiters: 0,
                in_flight: None,
                last: None,
            })
            .waiters += 1;
        Registration {
            slots: self.slots.clone(),
            id: id.to_owned(),
        }
    }

    /// How many ids have waiters now.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.slots).len()
    }
}

/// What a waiter does for its poll.
enum Joined<T> {
    /// Takes a result young enough.
    Fresh((T, Option<Duration>)),
    /// Joins (or starts) the shared request.
    InFlight(InFlight<T>),
    /// Sends a request of its own.
    Alone(BoxFuture<'static, Polled<T>>),
}

/// One waiter of one id.
pub(crate) struct Registration<T: Clone + Send + Sync + 'static> {
    slots: Slots<T>,
    id: String,
}

impl<T: Clone + Send + Sync + 'static> Registration<T> {
    /// The state of the id no older than `max_age`: from the request in flight, the last
    /// result, or a request `send` makes, which other waiters may join.
    pub(crate) async fn poll(
        &self,
        max_age: Duration,
        send: impl FnOnce() -> BoxFuture<'static, Polled<T>>,
    ) -> Polled<T> {
        let in_flight = match self.join_or_send(max_age, send) {
            Joined::Fresh(value) => return Ok(value),
            Joined::Alone(own) => return own.await,
            Joined::InFlight(in_flight) => in_flight,
        };
        let result = in_flight.clone().await;
        self.settle(&in_flight, &result);
        result
    }

    /// Decided under the lock; awaited by the caller after it.
    fn join_or_send(
        &self,
        max_age: Duration,
        send: impl FnOnce() -> BoxFuture<'static, Polled<T>>,
    ) -> Joined<T> {
        let mut slots = lock(&self.slots);
        let Some(slot) = slots.get_mut(&self.id) else {
            // Never the case while registered; a request of this waiter's own is still right.
            return Joined::Alone(send());
        };
        match (&slot.in_flight, &slot.last) {
            (Some(in_flight), _) => Joined::InFlight(in_flight.clone()),
            (None, Some((at, value))) if at.elapsed() <= max_age => Joined::Fresh(value.clone()),
            (None, _) => Joined::InFlight(slot.in_flight.insert(send().shared()).clone()),
        }
    }

    /// Clears the request that ended, keeping its value for the other waiters of the id, if
    /// there are any: a waiter alone has the value already, and thousands of lone waits keep
    /// no copy of their last reply here.
    fn settle(&self, ended: &InFlight<T>, result: &Polled<T>) {
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get_mut(&self.id)
            && slot.in_flight.as_ref().is_some_and(|f| f.ptr_eq(ended))
        {
            slot.in_flight = None;
            slot.last = match result {
                Ok(value) if slot.waiters > 1 => Some((Instant::now(), value.clone())),
                _ => None,
            };
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Drop for Registration<T> {
    fn drop(&mut self) {
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get_mut(&self.id) {
            slot.waiters = slot.waiters.saturating_sub(1);
            if slot.waiters == 0 {
                slots.remove(&self.id);
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn counting(sent: &Arc<AtomicUsize>) -> impl FnOnce() -> BoxFuture<'static, Polled<u32>> {
        let sent = sent.clone();
        move || {
            async move {
                let n = sent.fetch_add(1, Ordering::SeqCst) as u32 + 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                Ok((n, None))
            }
            .boxed()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_join_the_request_in_flight_and_reuse_a_young_result() {
        let hub = PollHub::<u32>::default();
        let sent = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..100).map(|_| hub.register("job_1")).collect();
        let results = futures_util::future::join_all(
            waiters
                .iter()
                .map(|w| w.poll(Duration::ZERO, counting(&sent))),
        )
        .await;
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|r| matches!(r, Ok((1, None)))));

        // Young enough for a waiter that accepts 50 ms, too old for one that accepts none.
        tokio::time::advance(Duration::from_millis(20)).await;
        let reused = waiters[0]
            .poll(Duration::from_millis(50), counting(&sent))
            .await;
        assert!(matches!(reused, Ok((1, None))));
        let fresh = waiters[1].poll(Duration::ZERO, counting(&sent)).await;
        assert!(matches!(fresh, Ok((2, None))));
        assert_eq!(sent.load(Ordering::SeqCst), 2);
    }

    /// A waiter alone keeps nothing in the hub: its result is not held for others.
    #[tokio::test(start_paused = true)]
    async fn a_lone_waiter_leaves_no_copy_of_its_result() {
        let hub = PollHub::<u32>::default();
        let sent = Arc::new(AtomicUsize::new(0));
        let alone = hub.register("job_1");
        assert!(matches!(
            alone.poll(Duration::ZERO, counting(&sent)).await,
            Ok((1, None))
        ));
        assert!(lock(&hub.slots)["job_1"].last.is_none());
        let other = hub.register("job_1");
        assert!(matches!(
            alone.poll(Duration::ZERO, counting(&sent)).await,
            Ok((2, None))
        ));
        assert!(
            lock(&hub.slots)["job_1"].last.is_some(),
            "kept for the other waiter"
        );
        let reused = other.poll(Duration::from_secs(1), counting(&sent)).await;
        assert!(matches!(reused, Ok((2, None))));
        assert_eq!(sent.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_id_is_forgotten_when_its_last_waiter_leaves() {
        let hub = PollHub::<u32>::default();
        let a = hub.register("job_1");
        let b = hub.register("job_1");
        let c = hub.register("job_2");
        assert_eq!(hub.len(), 2);
        drop(a);
        assert_eq!(hub.len(), 2);
        drop((b, c));
        assert_eq!(hub.len(), 0);
    }
}
