//! Sign-in throttling kept in memory per instance: rate limits per client address and per e-mail (governor's
//! keyed GCRA limiters, pruned and capped so a flood from many addresses cannot grow them without bound), and the
//! gate that bounds how many password hashes run at once. The per-(e-mail, client) back-off lives in the database
//! (`sign_in_backoffs`), so instances sharing one database share it.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use loopdesk_domain::sign_in::Gate;

use crate::{AppError, AuthConfig};

/// `burst` attempts at once, then one more every `every_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRule {
    pub burst: u32,
    pub every_secs: u64,
}

/// The answer to a throttled sign-in. The same for every e-mail, known or not.
pub fn too_many(retry_after_secs: u64) -> AppError {
    let secs = retry_after_secs.max(1);
    AppError::TooManyRequests {
        detail: format!("too many sign-in attempts; try again in {secs} seconds"),
        retry_after_secs: secs,
    }
}

/// How often (in checks) the limiters drop keys whose limit has fully recovered.
const PRUNE_EVERY: u64 = 1024;

struct Limiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    max_keys: usize,
    every_secs: u64,
    checks: AtomicU64,
}

impl Limiter {
    fn new(rule: RateRule, max_keys: usize) -> Limiter {
        let every = Duration::from_secs(rule.every_secs.max(1));
        let burst = NonZeroU32::new(rule.burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst);
        Limiter {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            max_keys: max_keys.max(1),
            every_secs: rule.every_secs.max(1),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one attempt for `key`, or says how many seconds until the next one is allowed.
    fn check(&self, key: &str) -> Result<(), u64> {
        let checks = self.checks.fetch_add(1, Ordering::Relaxed);
        if checks.is_multiple_of(PRUNE_EVERY) || self.limiter.len() >= self.max_keys {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        if self.limiter.len() >= self.max_keys {
            // Every tracked key is still recovering: tracking one more would grow the map past its cap. Everyone
            // waits one period; the map shrinks as keys recover.
            return Err(self.every_secs);
        }
        self.limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.limiter.len()
    }
}

/// Per-instance sign-in protection, built from the [`AuthConfig`].
pub(crate) struct SignInGuard {
    /// password hashing: at most `hash_permits` at once
    pub(crate) hashes: Gate,
    per_address: Limiter,
    per_account: Limiter,
    /// Argon2's working memory, one per permit, allocated once and reused
    memory: std::sync::Mutex<Vec<Vec<argon2::Block>>>,
    /// sign-in calls so far, to prune old back-off rows now and then
    pub(crate) calls: AtomicU64,
}

impl SignInGuard {
    pub(crate) fn new(auth: &AuthConfig) -> SignInGuard {
        SignInGuard {
            hashes: Gate::new(auth.hash_permits),
            per_address: Limiter::new(auth.per_address, auth.max_tracked_keys),
            per_account: Limiter::new(auth.per_account, auth.max_tracked_keys),
            memory: std::sync::Mutex::new(Vec::new()),
            calls: AtomicU64::new(0),
        }
    }

    /// Runs a password check holding a hashing permit and one of the permits' working memories.
    pub(crate) fn verify(&self, check: impl FnOnce(&mut Vec<argon2::Block>) -> bool) -> bool {
        let _permit = self.hashes.acquire();
        let take = || self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let mut memory = take().unwrap_or_default();
        let ok = check(&mut memory);
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(memory);
        ok
    }

    /// Takes one attempt from the client's and the e-mail's rate limits, or answers 429.
    pub(crate) fn admit(&self, client: &str, email: &str) -> Result<(), AppError> {
        self.per_address.check(client).map_err(too_many)?;
        self.per_account.check(email).map_err(too_many)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_affected() {
        let limiter = Limiter::new(RateRule { burst: 3, every_secs: 60 }, 100);
        for _ in 0..3 {
            assert_eq!(limiter.check("203.0.113.1"), Ok(()));
        }
        let wait = limiter.check("203.0.113.1").unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(limiter.check("203.0.113.2"), Ok(()));
    }

    #[test]
    fn the_limiter_never_tracks_more_keys_than_its_cap() {
        let limiter = Limiter::new(RateRule { burst: 2, every_secs: 60 }, 50);
        let refused = (0..500).filter(|i| limiter.check(&format!("10.0.{}.{}", i / 256, i % 256)).is_err()).count();
        assert!(limiter.len() <= 50, "{} keys", limiter.len());
        assert_eq!(refused, 450, "past the cap, new keys wait instead of being tracked");
    }
}
