//! Throw-away databases for tests: each test gets its own and it is removed on drop.
//!
//! PostgreSQL is required unless `LOOPDESK_TEST_SKIP_POSTGRES=1` is set; a
//! missing server fails the test loudly rather than skipping it. The admin URL
//! comes from `LOOPDESK_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/postgres).

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

use crate::db::{Backend, DbConfig, Pool, build_pool, run_migrations};

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub pool: Pool,
    /// a fresh folder for the test's stored files, removed with the database
    pub files_dir: std::path::PathBuf,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PostgresDb { admin_url: String, name: String },
}

fn unique_name() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("loopdesk_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos)
}

pub fn postgres_admin_url() -> String {
    std::env::var("LOOPDESK_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn skip_postgres() -> bool {
    std::env::var("LOOPDESK_TEST_SKIP_POSTGRES").map(|v| v == "1").unwrap_or(false)
}

impl TestDb {
    pub fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres(),
        }
    }

    /// A migrated SQLite database in a fresh temporary folder (a file, not `:memory:`,
    /// because every pooled connection to `:memory:` would get its own database).
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique_name());
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let url = dir.join("test.db").to_string_lossy().into_owned();
        TestDb::migrated(Backend::Sqlite, url, Cleanup::SqliteDir(dir))
    }

    /// A migrated PostgreSQL database created for this test alone.
    pub fn postgres() -> TestDb {
        let admin_url = postgres_admin_url();
        let name = unique_name();
        let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is required for the tests ({admin_url}): {e}. \
                 Start it, point LOOPDESK_TEST_POSTGRES_URL at one, or set LOOPDESK_TEST_SKIP_POSTGRES=1 locally."
            )
        });
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("LOOPDESK_TEST_POSTGRES_URL needs a database path"),
        };
        TestDb::migrated(Backend::Postgres, url, Cleanup::PostgresDb { admin_url, name })
    }

    fn migrated(backend: Backend, url: String, cleanup: Cleanup) -> TestDb {
        let config = DbConfig { url: url.clone(), pool_size: 8, connect_timeout: std::time::Duration::from_secs(10) };
        let pool = build_pool(&config).expect("test pool");
        run_migrations(&mut pool.get().expect("test connection")).expect("migrations");
        let files_dir = std::env::temp_dir().join(format!("{}_files", unique_name()));
        TestDb { backend, url, pool, files_dir, cleanup }
    }
}

impl TestDb {
    /// A second pool on this database whose connections count the statements they run,
    /// per thread (see [`queries_on_this_thread`]): for tests that pin how many queries a
    /// use case costs, e.g. that a page never costs one query per row.
    pub fn counting_pool(&self) -> Pool {
        count_queries();
        let config =
            DbConfig { url: self.url.clone(), pool_size: 4, connect_timeout: std::time::Duration::from_secs(10) };
        build_pool(&config).expect("counting pool")
    }
}

thread_local! {
    static QUERIES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

struct QueryCounter;

impl diesel::connection::Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::StartQuery { .. } = event {
            QUERIES.with(|q| q.set(q.get() + 1));
        }
    }
}

/// From now on, every new connection of this process counts its statements on the
/// thread that runs them (so tests running side by side in one process do not mix).
fn count_queries() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        diesel::connection::set_default_instrumentation(|| Some(Box::new(QueryCounter)))
            .expect("install the query counter");
    });
}

/// Statements run on this thread through a [`TestDb::counting_pool`] connection so far.
pub fn queries_on_this_thread() -> usize {
    QUERIES.with(|q| q.get())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.files_dir);
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDb { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    // FORCE ends the pool's connections that may still be open.
                    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// Declares a test once and runs it on both backends as `<name>::sqlite` and `<name>::postgres`.
/// The body gets a `TestDb`. Use `both_backends!(name, |db| { ... })`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn run($db: $crate::testdb::TestDb) $body
            #[test]
            fn sqlite() {
                run($crate::testdb::TestDb::new($crate::Backend::Sqlite));
            }
            #[test]
            fn postgres() {
                if $crate::testdb::skip_postgres() {
                    eprintln!("SKIPPED on PostgreSQL: LOOPDESK_TEST_SKIP_POSTGRES=1");
                    return;
                }
                run($crate::testdb::TestDb::new($crate::Backend::Postgres));
            }
        }
    };
}
