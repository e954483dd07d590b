//! Watchers (关注) of a ticket.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::ticket_watchers;

type QResult<T> = Result<T, diesel::result::Error>;

pub fn watchers_of(conn: &mut DbConn, ticket_id: i64) -> QResult<Vec<i64>> {
    ticket_watchers::table
        .filter(ticket_watchers::ticket_id.eq(ticket_id))
        .order(ticket_watchers::user_id.asc())
        .select(ticket_watchers::user_id)
        .load(conn)
}

/// Adds a watcher; false when they already watch.
pub fn add_watcher(conn: &mut DbConn, ticket_id: i64, user_id: i64, at: NaiveDateTime) -> QResult<bool> {
    let exists = ticket_watchers::table.find((ticket_id, user_id)).count().get_result::<i64>(conn)? > 0;
    if !exists {
        diesel::insert_into(ticket_watchers::table)
            .values((
                ticket_watchers::ticket_id.eq(ticket_id),
                ticket_watchers::user_id.eq(user_id),
                ticket_watchers::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(!exists)
}

pub fn remove_watcher(conn: &mut DbConn, ticket_id: i64, user_id: i64) -> QResult<bool> {
    Ok(diesel::delete(ticket_watchers::table.find((ticket_id, user_id))).execute(conn)? > 0)
}
