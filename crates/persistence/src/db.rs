//! One connection type for both backends, an r2d2 pool over it, and the
//! embedded migrations. Everything backend-specific about connecting lives here.

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A connection to either backend; queries written once against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Pg(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("cannot build the connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("migrations failed: {0}")]
    Migrate(String),
    #[error("cannot prepare the data directory: {0}")]
    DataDir(String),
}

/// Picks the backend from the URL scheme. diesel's derived `establish` hides
/// PostgreSQL's real error ("Invalid connection url for multiconnection"), so
/// connecting happens here with the backend's own error message intact.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let backend = Backend::of_url(&url);
        ConnectionManager { url, backend }
    }

    pub fn connect(&self) -> Result<DbConn, DbSetupError> {
        match self.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.url).map(DbConn::Pg).map_err(|e| DbSetupError::Connect(e.to_string()))
            }
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path).map_err(|e| DbSetupError::Connect(e.to_string()))?;
                // Pragmas are per connection; batch_execute runs them all (sql_query runs only the first).
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .map_err(|e| DbSetupError::Connect(e.to_string()))?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = DbSetupError;

    fn connect(&self) -> Result<DbConn, DbSetupError> {
        ConnectionManager::connect(self)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbSetupError> {
        diesel::r2d2::R2D2Connection::ping(conn).map_err(|e| DbSetupError::Connect(e.to_string()))
    }

    /// Checked when a connection returns to the pool: a broken one is dropped, not reused.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Where the database lives and how many connections to keep.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    pub pool_size: u32,
    pub connect_timeout: Duration,
}

impl DbConfig {
    /// `DATABASE_URL` when set, otherwise SQLite at `<data_dir>/loopdesk.db`.
    pub fn from_env_or_data_dir(database_url: Option<String>, data_dir: &std::path::Path, pool_size: u32) -> Self {
        let url = match database_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => url,
            None => data_dir.join("loopdesk.db").to_string_lossy().into_owned(),
        };
        DbConfig { url, pool_size, connect_timeout: Duration::from_secs(5) }
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.url)
    }
}

/// Builds the pool (creating the SQLite file's folder when needed). A short
/// connection timeout makes a down database fail fast instead of blocking 30 s.
pub fn build_pool(config: &DbConfig) -> Result<Pool, DbSetupError> {
    if config.backend() == Backend::Sqlite {
        let path = std::path::Path::new(config.url.strip_prefix("sqlite://").unwrap_or(&config.url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbSetupError::DataDir(format!("{}: {e}", dir.display())))?;
        }
    }
    let manager = ConnectionManager::new(config.url.clone());
    // Surface the real connection error before r2d2 wraps it in a timeout.
    manager.connect()?;
    let pool = r2d2::Pool::builder()
        .max_size(config.pool_size.max(1))
        .connection_timeout(config.connect_timeout)
        // No ping on every checkout (a round trip per use): broken connections are
        // dropped on return (`has_broken`) and idle ones recycled after 10 minutes.
        .test_on_check_out(false)
        .build(manager)?;
    Ok(pool)
}

/// Applies pending migrations for the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbSetupError> {
    let applied = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| DbSetupError::Migrate(e.to_string()))
}
