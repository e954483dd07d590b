//! Loopdesk use cases: load → ask the domain → write in one transaction, with
//! the ticket history appended in that same transaction. Called by the HTTP
//! layer, the CLI and (later) background workers; all functions are blocking.

pub mod activity;
pub mod agents;
pub mod attachments;
pub mod auth;
mod conditions;
pub mod delivery;
pub mod directory;
pub mod dispatch;
pub mod error;
pub mod kernel;
pub mod notifications;

pub mod reminders;
pub mod reports;
pub mod routing;
pub mod setup;
pub mod sign_in;
pub mod sla;
mod steps;
pub mod ticket_types;
pub mod tickets;
pub mod views;
pub mod watchers;

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use loopdesk_persistence::{Pool, PooledConn};

pub use error::AppError;
pub use loopdesk_domain as domain;
pub use loopdesk_domain::policy::Actor;

pub type AppResult<T> = Result<T, AppError>;

/// Where "now" comes from; tests replace it to move time without sleeping.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

#[derive(Clone)]
pub struct AuthConfig {
    /// HMAC secret for access tokens; instances that share a database share it.
    pub jwt_secret: Vec<u8>,
    pub access_token_ttl: chrono::Duration,
    pub refresh_token_ttl: chrono::Duration,
    /// how long a client waits after failed sign-ins to one e-mail (free attempts, then a doubling wait)
    pub backoff: loopdesk_domain::sign_in::Backoff,
    /// sign-in attempts per client address (IPv4 address, IPv6 /64), whatever the e-mail
    pub per_address: sign_in::RateRule,
    /// sign-in attempts per e-mail, from whatever address
    pub per_account: sign_in::RateRule,
    /// password hashes that may run at once (each takes ~19 MiB and a core); the others wait their turn
    pub hash_permits: usize,
    /// at most this many addresses (and as many e-mails) are tracked by the rate limits at a time
    pub max_tracked_keys: usize,
}

impl AuthConfig {
    pub fn with_secret(jwt_secret: Vec<u8>) -> Self {
        AuthConfig {
            jwt_secret,
            access_token_ttl: chrono::Duration::minutes(15),
            refresh_token_ttl: chrono::Duration::days(30),
            backoff: loopdesk_domain::sign_in::Backoff::default(),
            per_address: sign_in::RateRule { burst: 20, every_secs: 3 },
            per_account: sign_in::RateRule { burst: 30, every_secs: 2 },
            hash_permits: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            max_tracked_keys: 100_000,
        }
    }
}

/// The application: a pool, the auth settings and a clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub pool: Pool,
    pub auth: AuthConfig,
    clock: Clock,
    /// where notifications leave Loopdesk (SMTP, public links)
    pub notify: delivery::NotifyConfig,
    /// what runs inside every ticket write, in order (`crate::steps`)
    write_steps: Arc<[Box<dyn kernel::WriteStep>]>,
    /// sign-in rate limits and the password-hashing gate, shared by every clone
    pub(crate) sign_in: Arc<sign_in::SignInGuard>,
    /// where files are kept; None: uploads answer 503
    pub(crate) files: Option<Arc<attachments::Files>>,
}

impl App {
    pub fn new(pool: Pool, auth: AuthConfig) -> Self {
        App {
            pool,
            sign_in: Arc::new(sign_in::SignInGuard::new(&auth)),
            auth,
            clock: Arc::new(Utc::now),
            notify: delivery::NotifyConfig::default(),
            write_steps: steps::registered().into(),
            files: None,
        }
    }

    pub fn with_notify(mut self, notify: delivery::NotifyConfig) -> Self {
        self.notify = notify;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Now as stored in the database (UTC, no zone, microsecond precision so a
    /// value read back compares equal on both backends).
    pub(crate) fn now_naive(&self) -> NaiveDateTime {
        let now = self.now().naive_utc();
        now.with_nanosecond((now.nanosecond() / 1_000) * 1_000).unwrap_or(now)
    }

    pub(crate) fn conn(&self) -> AppResult<PooledConn> {
        self.pool.get().map_err(|e| AppError::Unavailable(format!("database unavailable: {e}")))
    }

    /// True when the database answers (for /readyz).
    pub fn database_ready(&self) -> bool {
        use diesel::connection::SimpleConnection;
        self.pool.get().map(|mut c| c.batch_execute("SELECT 1").is_ok()).unwrap_or(false)
    }
}

use chrono::Timelike;

/// Reads a stored UTC time.
pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
