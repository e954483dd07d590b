//! Notification channels, users' preferences, and the outbox the delivery worker drains.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::*;
use crate::schema::{agent_groups, notification_channels, notification_preferences, outbox, tickets, users};

type QResult<T> = Result<T, diesel::result::Error>;

// ---- channels

pub fn list_channels(conn: &mut DbConn) -> QResult<Vec<ChannelRow>> {
    notification_channels::table.order(notification_channels::id.asc()).select(ChannelRow::as_select()).load(conn)
}

pub fn find_channel(conn: &mut DbConn, id: i64) -> QResult<Option<ChannelRow>> {
    notification_channels::table.find(id).select(ChannelRow::as_select()).first(conn).optional()
}

pub fn insert_channel(conn: &mut DbConn, values: &ChannelValues, created_at: NaiveDateTime) -> QResult<ChannelRow> {
    diesel::insert_into(notification_channels::table)
        .values((values, notification_channels::created_at.eq(created_at)))
        .returning(<ChannelRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn update_channel(conn: &mut DbConn, id: i64, values: &ChannelValues) -> QResult<Option<ChannelRow>> {
    diesel::update(notification_channels::table.find(id))
        .set(values)
        .returning(<ChannelRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()
}

pub fn delete_channel(conn: &mut DbConn, id: i64) -> QResult<bool> {
    Ok(diesel::delete(notification_channels::table.find(id)).execute(conn)? > 0)
}

// ---- preferences

pub fn preferences_of(conn: &mut DbConn, user_ids: &[i64]) -> QResult<Vec<PreferenceRow>> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    notification_preferences::table
        .filter(notification_preferences::user_id.eq_any(user_ids))
        .select(PreferenceRow::as_select())
        .load(conn)
}

/// Replaces a user's preferences.
pub fn set_preferences(conn: &mut DbConn, user_id: i64, rows: &[PreferenceRow]) -> QResult<()> {
    diesel::delete(notification_preferences::table.filter(notification_preferences::user_id.eq(user_id)))
        .execute(conn)?;
    for row in rows {
        diesel::insert_into(notification_preferences::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// (id, e-mail, active) of the given users.
/// Each user's e-mail address, whether they are active, and their language.
pub fn recipients_of(conn: &mut DbConn, user_ids: &[i64]) -> QResult<Vec<(i64, String, bool, String)>> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    users::table
        .filter(users::id.eq_any(user_ids))
        .select((users::id, users::email, users::active, users::locale))
        .load(conn)
}

// ---- outbox

pub fn enqueue(conn: &mut DbConn, row: &NewOutbox) -> QResult<()> {
    diesel::insert_into(outbox::table).values(row).execute(conn)?;
    Ok(())
}

/// Leases up to `limit` due deliveries until `lease_until` and counts the attempt, in one transaction the caller
/// opens: on PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so instances take different rows; on SQLite
/// the write lock does the same. A lease that ran out (a worker died mid-send) makes the row due again.
pub fn lease_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QResult<Vec<OutboxRow>> {
    let ids: Vec<i64> = match conn {
        DbConn::Pg(pg) => {
            #[derive(QueryableByName)]
            struct Id {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                id: i64,
            }
            diesel::sql_query(
                "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
                 AND (locked_until IS NULL OR locked_until <= $1) ORDER BY next_attempt_at, id LIMIT $2 \
                 FOR UPDATE SKIP LOCKED",
            )
            .bind::<diesel::sql_types::Timestamp, _>(now)
            .bind::<diesel::sql_types::BigInt, _>(limit)
            .load::<Id>(pg)?
            .into_iter()
            .map(|r| r.id)
            .collect()
        }
        DbConn::Sqlite(_) => outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::next_attempt_at.le(now))
            .filter(outbox::locked_until.is_null().or(outbox::locked_until.le(now)))
            .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
            .limit(limit)
            .select(outbox::id)
            .load(conn)?,
    };
    if ids.is_empty() {
        return Ok(vec![]);
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((outbox::locked_until.eq(Some(lease_until)), outbox::attempts.eq(outbox::attempts + 1)))
        .execute(conn)?;
    outbox::table.filter(outbox::id.eq_any(&ids)).order(outbox::id.asc()).select(OutboxRow::as_select()).load(conn)
}

pub fn mark_sent(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(Some(at)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A failed try: due again at `retry_at`, or `failed` for good when `retry_at` is None.
pub fn mark_failed(conn: &mut DbConn, id: i64, error: &str, retry_at: Option<NaiveDateTime>) -> QResult<()> {
    let row = outbox::table.find(id);
    let unlocked = outbox::locked_until.eq(None::<NaiveDateTime>);
    match retry_at {
        Some(at) => diesel::update(row)
            .set((outbox::last_error.eq(Some(error)), unlocked, outbox::next_attempt_at.eq(at)))
            .execute(conn)?,
        None => diesel::update(row)
            .set((outbox::status.eq("failed"), outbox::last_error.eq(Some(error)), unlocked))
            .execute(conn)?,
    };
    Ok(())
}

/// Puts a failed delivery back in the queue with fresh attempts.
pub fn retry(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QResult<bool> {
    Ok(diesel::update(outbox::table.find(id).filter(outbox::status.eq("failed")))
        .set((outbox::status.eq("pending"), outbox::attempts.eq(0), outbox::next_attempt_at.eq(now)))
        .execute(conn)?
        > 0)
}

/// Deliveries newest first, optionally of one status, strictly before `before_id`.
pub fn list_outbox(
    conn: &mut DbConn,
    status: Option<&str>,
    before_id: Option<i64>,
    limit: i64,
) -> QResult<Vec<OutboxRow>> {
    let mut query = outbox::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.to_string()));
    }
    if let Some(before) = before_id {
        query = query.filter(outbox::id.lt(before));
    }
    query.order(outbox::id.desc()).limit(limit).select(OutboxRow::as_select()).load(conn)
}

// ---- mentions

/// Active staff whose display name is one of `names` (exact), or whose e-mail's local part is (`li.gong` for
/// li.gong@example.com): who an `@mention` can name.
pub fn staff_by_handles(conn: &mut DbConn, handles: &[String]) -> QResult<Vec<i64>> {
    if handles.is_empty() {
        return Ok(vec![]);
    }
    let mut ids: Vec<i64> = users::table
        .filter(users::kind.eq("staff"))
        .filter(users::active.eq(true))
        .filter(users::name.eq_any(handles))
        .select(users::id)
        .load(conn)?;
    for handle in handles.iter().filter(|h| h.is_ascii()) {
        let pattern = format!("{}@%", super::directory::like_pattern(&handle.to_lowercase()).trim_matches('%'));
        let found: Vec<i64> = users::table
            .filter(users::kind.eq("staff"))
            .filter(users::active.eq(true))
            .filter(users::email.like(pattern).escape('\\'))
            .select(users::id)
            .load(conn)?;
        ids.extend(found);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

// ---- daily digests

/// Claims today's digest for a user: true when this call took it (nobody else will send it), in the caller's
/// transaction. One statement with the same text on both backends.
pub fn claim_digest(conn: &mut DbConn, day: &str, user_id: i64, at: NaiveDateTime) -> QResult<bool> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    const SQL: &str = "INSERT INTO digests (day, user_id, sent_at) VALUES ({}) ON CONFLICT (day, user_id) DO NOTHING";
    let inserted = match conn {
        DbConn::Pg(pg) => diesel::sql_query(SQL.replace("{}", "$1, $2, $3"))
            .bind::<Text, _>(day)
            .bind::<BigInt, _>(user_id)
            .bind::<Timestamp, _>(at)
            .execute(pg)?,
        DbConn::Sqlite(lite) => diesel::sql_query(SQL.replace("{}", "?, ?, ?"))
            .bind::<Text, _>(day)
            .bind::<BigInt, _>(user_id)
            .bind::<Timestamp, _>(at)
            .execute(lite)?,
    };
    Ok(inserted > 0)
}

/// An open ticket with an SLA due time, for reminders.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct DueTicket {
    pub id: i64,
    pub subject: String,
    pub assignee_id: Option<i64>,
    pub group_id: Option<i64>,
    pub due_at: Option<NaiveDateTime>,
}

/// Open tickets due at or before `until`, earliest first.
pub fn open_due_by(conn: &mut DbConn, until: NaiveDateTime) -> QResult<Vec<DueTicket>> {
    tickets::table
        .filter(tickets::sla_due_at.le(until))
        .filter(tickets::status.ne_all(["resolved", "closed"]))
        .order((tickets::sla_due_at.asc(), tickets::id.asc()))
        .select((tickets::id, tickets::subject, tickets::assignee_id, tickets::group_id, tickets::sla_due_at))
        .load(conn)
}

/// (group, supervisor) of every group that has one.
pub fn supervisors(conn: &mut DbConn) -> QResult<Vec<(i64, i64)>> {
    let rows: Vec<(i64, Option<i64>)> = agent_groups::table
        .filter(agent_groups::supervisor_id.is_not_null())
        .select((agent_groups::id, agent_groups::supervisor_id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(g, s)| s.map(|s| (g, s))).collect())
}
