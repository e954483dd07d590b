//! Transactions that behave the same on both backends.

use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::db::DbConn;

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
