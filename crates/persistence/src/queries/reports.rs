//! Reports read from the history (transfers between groups today; the metrics of module 8 next).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::ticket_events;

type QResult<T> = Result<T, diesel::result::Error>;

/// Open ends of a period, within what both backends store and compare (SQLite compares the text).
const EARLIEST: NaiveDateTime = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
const LATEST: NaiveDateTime = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap().and_hms_opt(0, 0, 0).unwrap();

/// (from group id, to group id, count); ids as the history stores them (text).
pub type TransferCount = (Option<String>, Option<String>, i64);

/// Transfers between groups in `[from, to)`, as (from group, to group, count), from the history.
pub fn transfer_counts(
    conn: &mut DbConn,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> QResult<Vec<TransferCount>> {
    ticket_events::table
        .filter(ticket_events::kind.eq("transferred"))
        .filter(ticket_events::field.eq("group_id"))
        .filter(ticket_events::created_at.ge(from.unwrap_or(EARLIEST)))
        .filter(ticket_events::created_at.lt(to.unwrap_or(LATEST)))
        .group_by((ticket_events::old_value, ticket_events::new_value))
        .select((ticket_events::old_value, ticket_events::new_value, diesel::dsl::count_star()))
        .load(conn)
}
