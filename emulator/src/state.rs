//! The state one emulator shares between its handlers.
//!
//! Every lock here is a plain `std` mutex held for a few map operations and
//! never across an `.await`, which keeps handlers simple and fast enough for
//! tens of thousands of users.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::counters::Counters;
use crate::faults::Faults;
use crate::options::{ForbiddenStyle, Options};
use crate::store::Store;

/// Data, faults, counters and settings of a running emulator.
#[derive(Debug)]
pub struct EmulatorState {
    options: Options,
    store: Mutex<Store>,
    faults: Mutex<Faults>,
    counters: Mutex<Counters>,
    latency_ms: AtomicU64,
}

impl EmulatorState {
    /// Loads the fixture and the generated users the options ask for.
    pub fn new(options: Options) -> anyhow::Result<EmulatorState> {
        let store = Store::load(&options.fixture, options.extra_users)?;
        Ok(EmulatorState {
            latency_ms: AtomicU64::new(options.latency_ms),
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
            counters: Mutex::new(Counters::default()),
            options,
        })
    }

    /// The records; hold the guard briefly.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The faults in force; hold the guard briefly.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    /// The live counters; hold the guard briefly.
    pub fn counters(&self) -> MutexGuard<'_, Counters> {
        lock(&self.counters)
    }

    /// A copy of the counters as they are now.
    pub fn counters_snapshot(&self) -> Counters {
        self.counters().clone()
    }

    /// The body style of REST 403 answers.
    pub fn forbidden_style(&self) -> ForbiddenStyle {
        self.options.forbidden_style
    }

    /// The latency added to every API request now.
    pub fn latency_ms(&self) -> u64 {
        self.latency_ms.load(Ordering::Relaxed)
    }

    /// Changes the latency for the requests that follow.
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    /// Back to the start-up state: the fixture (and extra users) reloaded,
    /// no faults, zero counters and the start-up latency.
    pub fn reset(&self) -> anyhow::Result<()> {
        let fresh = Store::load(&self.options.fixture, self.options.extra_users)?;
        *self.store() = fresh;
        self.faults().clear();
        *self.counters() = Counters::default();
        self.set_latency_ms(self.options.latency_ms);
        Ok(())
    }
}

/// Locks a mutex, going on past poisoning: for a test tool, serving the
/// data as a panicking handler left it beats refusing every later call.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
