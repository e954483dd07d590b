//! In-app notifications: written in a change's transaction, listed and marked read per person, and fed to the live
//! streams (PostgreSQL LISTEN/NOTIFY, new rows on SQLite).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::*;
use crate::schema::notifications;

type QResult<T> = Result<T, diesel::result::Error>;

/// The PostgreSQL channel that wakes the live feeds of every instance when notifications are written.
pub const NOTIFY_CHANNEL: &str = "loopdesk_notifications";

/// Writes an in-app notification. On PostgreSQL it also signals the live feeds (`pg_notify`, delivered when the
/// transaction commits, so a rolled-back notification wakes nobody).
pub fn insert_notification(conn: &mut DbConn, row: &NewNotification) -> QResult<()> {
    diesel::insert_into(notifications::table).values(row).execute(conn)?;
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query(format!("SELECT pg_notify('{NOTIFY_CHANNEL}', '')")).execute(pg)?;
    }
    Ok(())
}

/// Notifications written after `after_id`, oldest first (what the live feed forwards).
pub fn notifications_after(conn: &mut DbConn, after_id: i64, limit: i64) -> QResult<Vec<NotificationRow>> {
    notifications::table
        .filter(notifications::id.gt(after_id))
        .order(notifications::id.asc())
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
}

pub fn last_notification_id(conn: &mut DbConn) -> QResult<i64> {
    Ok(notifications::table.select(diesel::dsl::max(notifications::id)).first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// Starts listening for `NOTIFY_CHANNEL` on this connection (PostgreSQL; a no-op on SQLite).
pub fn listen(conn: &mut DbConn) -> QResult<()> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Pg(pg) = conn {
        pg.batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))?;
    }
    Ok(())
}

/// Whether a signal arrived on a listening connection since the last call (PostgreSQL). A round trip lets the
/// connection read what the server sent. On SQLite, always true: the caller polls.
pub fn signalled(conn: &mut DbConn) -> QResult<bool> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Pg(pg) => {
            pg.batch_execute("SELECT 1")?;
            let mut any = false;
            for notification in pg.notifications_iter() {
                notification?;
                any = true;
            }
            Ok(any)
        }
        DbConn::Sqlite(_) => Ok(true),
    }
}

/// A user's notifications, newest first, strictly before `before_id`.
pub fn list_notifications(
    conn: &mut DbConn,
    user_id: i64,
    before_id: Option<i64>,
    unread_only: bool,
    limit: i64,
) -> QResult<Vec<NotificationRow>> {
    let mut query = notifications::table.filter(notifications::user_id.eq(user_id)).into_boxed();
    if let Some(before) = before_id {
        query = query.filter(notifications::id.lt(before));
    }
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    query.order(notifications::id.desc()).limit(limit).select(NotificationRow::as_select()).load(conn)
}

pub fn unread_notifications(conn: &mut DbConn, user_id: i64) -> QResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks the given notifications of the user read (all of them when `ids` is None); returns how many changed.
pub fn mark_notifications_read(
    conn: &mut DbConn,
    user_id: i64,
    ids: Option<&[i64]>,
    at: NaiveDateTime,
) -> QResult<usize> {
    let base = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    let target = match ids {
        Some(ids) => base.filter(notifications::id.eq_any(ids.to_vec())),
        None => base,
    };
    let ids: Vec<i64> = target.select(notifications::id).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
        .set(notifications::read_at.eq(Some(at)))
        .execute(conn)
}
