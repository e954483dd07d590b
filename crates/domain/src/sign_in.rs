//! Sign-in under attack: how long a client waits after failed sign-ins, and how many password hashes may run at
//! once.

use std::sync::{Condvar, Mutex, MutexGuard};

/// The back-off rule for one (account, client address): the first `free_attempts` failures cost nothing, then
/// every further failure doubles the wait, from `base_secs` up to `max_secs`. The owner signing in from another
/// address has a back-off of their own, so nobody can lock them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free_attempts: u32,
    pub base_secs: i64,
    pub max_secs: i64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { free_attempts: 5, base_secs: 30, max_secs: 15 * 60 }
    }
}

impl Backoff {
    /// Seconds before the next attempt after `failures` failed (or still unchecked) attempts in a row.
    pub fn delay_after(&self, failures: u32) -> i64 {
        if failures < self.free_attempts {
            return 0;
        }
        let doublings = (failures - self.free_attempts).min(62);
        let factor = 1i64.checked_shl(doublings).unwrap_or(i64::MAX);
        self.base_secs.max(0).saturating_mul(factor).min(self.max_secs.max(0))
    }
}

/// A counting semaphore: at most `permits` holders at once; the others wait their turn. Password hashing takes a
/// permit, so a flood of sign-ins costs at most `permits` hashes' memory (Argon2: 19 MiB each) and CPU at a time.
#[derive(Debug)]
pub struct Gate {
    free: Mutex<usize>,
    freed: Condvar,
    permits: usize,
}

/// A permit of a [`Gate`]; given back when dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    gate: &'a Gate,
}

impl Gate {
    pub fn new(permits: usize) -> Gate {
        let permits = permits.max(1);
        Gate { free: Mutex::new(permits), freed: Condvar::new(), permits }
    }

    pub fn permits(&self) -> usize {
        self.permits
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        // The count stays consistent whatever panicked while holding it.
        self.free.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for a permit.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *free -= 1;
        Permit { gate: self }
    }

    /// Runs `f` holding a permit.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let _permit = self.acquire();
        f()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.gate.lock() += 1;
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_first_failures_are_free_then_the_wait_doubles_up_to_the_cap() {
        let rule = Backoff { free_attempts: 5, base_secs: 30, max_secs: 900 };
        let delays: Vec<i64> = (0..12).map(|n| rule.delay_after(n)).collect();
        assert_eq!(delays, vec![0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(rule.delay_after(u32::MAX), 900, "no overflow however many failures");
    }

    #[test]
    fn the_wait_never_shrinks_as_failures_grow() {
        let rule = Backoff::default();
        for n in 0..200 {
            assert!(rule.delay_after(n + 1) >= rule.delay_after(n), "after {n}");
            assert!(rule.delay_after(n) <= rule.max_secs);
        }
    }

    #[test]
    fn no_free_attempts_means_the_first_failure_already_waits() {
        let rule = Backoff { free_attempts: 0, base_secs: 1, max_secs: 8 };
        assert_eq!((0..6).map(|n| rule.delay_after(n)).collect::<Vec<_>>(), vec![1, 2, 4, 8, 8, 8]);
    }

    #[test]
    fn a_gate_lets_no_more_than_its_permits_run_at_once() {
        let gate = Arc::new(Gate::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(std::sync::Barrier::new(16));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (gate, running, most, start) = (gate.clone(), running.clone(), most.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    gate.run(|| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        // Work long enough that the others pile up at the gate.
                        for _ in 0..200 {
                            std::thread::yield_now();
                        }
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2, "two ran at once, never more");
        assert_eq!(running.load(Ordering::SeqCst), 0);
        assert_eq!(*gate.lock(), 2, "every permit came back");
    }

    #[test]
    fn a_permit_comes_back_when_the_holder_panics() {
        let gate = Gate::new(1);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| gate.run(|| panic!("boom"))));
        assert!(caught.is_err());
        assert_eq!(gate.run(|| 7), 7, "the permit was returned");
    }
}
