//! What every handler shares: configuration, clock, memory, limiter, faults, request log.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::Faults;
use crate::rate_limit::RateLimiter;
use crate::request_log::RequestRecord;
use crate::store::Store;

/// The server's shared state.
pub struct AppState {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub store: Mutex<Store>,
    pub limiter: Mutex<RateLimiter>,
    pub faults: Mutex<Faults>,
    pub log: Mutex<Vec<RequestRecord>>,
    /// Numbers the `x-request-id` of answers.
    pub requests_seen: AtomicU64,
    /// Connections accepted so far.
    pub connections: AtomicU64,
}

/// The handle handlers get.
pub type Shared = Arc<AppState>;

/// Locks a mutex; a panic elsewhere while it was held does not take the server down with it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
