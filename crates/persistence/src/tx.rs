//! Transactions that behave the same on both backends.

use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::db::DbConn;

/// One SQLite writer at a time per process. SQLite allows one writer anyway; waiting
/// here queues writers in order, where SQLite's busy handler would put each to sleep
/// with growing back-off (seconds of tail latency under load). Other processes on the
/// same file still fall back to the busy timeout.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in one write transaction and commits when it returns Ok.
///
/// SQLite gets `BEGIN IMMEDIATE`: a deferred transaction that reads first and
/// writes later fails with SQLITE_BUSY when another writer got in between,
/// whatever the busy timeout; taking the write lock up front makes concurrent
/// writers queue instead. `f` must not open transactions of its own.
pub fn write<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Pg(_) => conn.transaction(f),
        DbConn::Sqlite(_) => {
            // A panic while holding the lock leaves no state to repair: ignore poisoning.
            let _writer = SQLITE_WRITER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    if let Err(e) = conn.batch_execute("COMMIT") {
                        let _ = conn.batch_execute("ROLLBACK");
                        return Err(e.into());
                    }
                    Ok(value)
                }
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

/// True when the error is a unique-constraint violation (same on both backends).
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(err, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// True when the error is a foreign-key violation (same on both backends).
pub fn is_foreign_key_violation(err: &diesel::result::Error) -> bool {
    matches!(err, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::ForeignKeyViolation, _))
}
