//! Loopdesk persistence: the diesel schema, rows and queries over SQLite or
//! PostgreSQL through one connection type. SQL lives here and nowhere else.

pub mod db;
pub mod files;
pub mod json;
pub mod models;
pub mod queries;
pub mod schema;
pub mod testdb;
pub mod tx;

pub use db::{Backend, DbConfig, DbConn, DbSetupError, MultiBackend, Pool, PooledConn, build_pool, run_migrations};
pub use diesel::result::Error as DbError;
pub use json::{Json, JsonMap};
