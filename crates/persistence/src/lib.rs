//! Loopdesk persistence: the diesel schema, rows and queries over SQLite or
//! PostgreSQL through one connection type. SQL lives here and nowhere else.

pub mod db;
pub mod models;
pub mod queries;
pub mod schema;
pub mod testdb;
pub mod tx;

pub use db::{build_pool, run_migrations, Backend, DbConfig, DbConn, DbSetupError, MultiBackend, Pool, PooledConn};
pub use diesel::result::Error as DbError;
