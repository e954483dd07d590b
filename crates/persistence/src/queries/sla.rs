//! Business calendars, SLA policies and tickets' SLA clocks.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::*;
use crate::schema::{calendars, sla_policies, ticket_sla, tickets};

type QResult<T> = Result<T, diesel::result::Error>;

// ---- calendars

pub fn list_calendars(conn: &mut DbConn) -> QResult<Vec<CalendarRow>> {
    calendars::table.order(calendars::id.asc()).select(CalendarRow::as_select()).load(conn)
}

pub fn find_calendar(conn: &mut DbConn, id: i64) -> QResult<Option<CalendarRow>> {
    calendars::table.find(id).select(CalendarRow::as_select()).first(conn).optional()
}

pub fn calendars_by_id(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<CalendarRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    calendars::table.filter(calendars::id.eq_any(ids)).select(CalendarRow::as_select()).load(conn)
}

pub fn insert_calendar(conn: &mut DbConn, values: &CalendarValues, created_at: NaiveDateTime) -> QResult<CalendarRow> {
    diesel::insert_into(calendars::table)
        .values((values, calendars::created_at.eq(created_at)))
        .returning(<CalendarRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn update_calendar(conn: &mut DbConn, id: i64, values: &CalendarValues) -> QResult<Option<CalendarRow>> {
    diesel::update(calendars::table.find(id))
        .set(values)
        .returning(<CalendarRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()
}

pub fn delete_calendar(conn: &mut DbConn, id: i64) -> QResult<bool> {
    Ok(diesel::delete(calendars::table.find(id)).execute(conn)? > 0)
}

/// How many policies count on this calendar (a calendar in use cannot be deleted).
pub fn policies_using_calendar(conn: &mut DbConn, id: i64) -> QResult<i64> {
    sla_policies::table.filter(sla_policies::calendar_id.eq(id)).count().get_result(conn)
}

// ---- policies

/// Every policy in selection order (position, then id).
pub fn list_policies(conn: &mut DbConn) -> QResult<Vec<SlaPolicyRow>> {
    sla_policies::table
        .order((sla_policies::position.asc(), sla_policies::id.asc()))
        .select(SlaPolicyRow::as_select())
        .load(conn)
}

pub fn find_policy(conn: &mut DbConn, id: i64) -> QResult<Option<SlaPolicyRow>> {
    sla_policies::table.find(id).select(SlaPolicyRow::as_select()).first(conn).optional()
}

pub fn insert_policy(conn: &mut DbConn, values: &SlaPolicyValues, created_at: NaiveDateTime) -> QResult<SlaPolicyRow> {
    diesel::insert_into(sla_policies::table)
        .values((values, sla_policies::created_at.eq(created_at)))
        .returning(<SlaPolicyRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn update_policy(conn: &mut DbConn, id: i64, values: &SlaPolicyValues) -> QResult<Option<SlaPolicyRow>> {
    diesel::update(sla_policies::table.find(id))
        .set(values)
        .returning(<SlaPolicyRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()
}

pub fn delete_policy(conn: &mut DbConn, id: i64) -> QResult<bool> {
    Ok(diesel::delete(sla_policies::table.find(id)).execute(conn)? > 0)
}

pub fn set_policy_position(conn: &mut DbConn, id: i64, position: i32, at: NaiveDateTime) -> QResult<()> {
    diesel::update(sla_policies::table.find(id))
        .set((sla_policies::position.eq(position), sla_policies::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

pub fn next_policy_position(conn: &mut DbConn) -> QResult<i32> {
    let max: Option<i32> = sla_policies::table.select(diesel::dsl::max(sla_policies::position)).first(conn)?;
    Ok(max.map_or(10, |m| m.saturating_add(10)))
}

// ---- tickets' clocks

pub fn find_ticket_sla(conn: &mut DbConn, ticket_id: i64) -> QResult<Option<TicketSlaRow>> {
    ticket_sla::table.find(ticket_id).select(TicketSlaRow::as_select()).first(conn).optional()
}

pub fn ticket_slas(conn: &mut DbConn, ticket_ids: &[i64]) -> QResult<Vec<TicketSlaRow>> {
    if ticket_ids.is_empty() {
        return Ok(vec![]);
    }
    ticket_sla::table.filter(ticket_sla::ticket_id.eq_any(ticket_ids)).select(TicketSlaRow::as_select()).load(conn)
}

pub fn save_ticket_sla(conn: &mut DbConn, row: &TicketSlaRow) -> QResult<()> {
    let updated = diesel::update(ticket_sla::table.find(row.ticket_id)).set(row).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ticket_sla::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Tickets whose clocks need a look (a warning or breach is due) at `now`, earliest first: the SLA worker's work
/// list. Each is re-checked under the ticket's row lock, so instances that read the same list record each event once.
pub fn due_for_check(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QResult<Vec<i64>> {
    ticket_sla::table
        .filter(ticket_sla::next_check_at.le(now))
        .order((ticket_sla::next_check_at.asc(), ticket_sla::ticket_id.asc()))
        .select(ticket_sla::ticket_id)
        .limit(limit)
        .load(conn)
}

/// The clocks on a calendar of tickets still open (to move them after the calendar changed).
pub fn open_on_calendar(conn: &mut DbConn, calendar_id: i64) -> QResult<Vec<TicketSlaRow>> {
    ticket_sla::table
        .inner_join(tickets::table)
        .filter(ticket_sla::calendar_id.eq(calendar_id))
        .filter(tickets::status.ne_all(["resolved", "closed"]))
        .select(TicketSlaRow::as_select())
        .load(conn)
}

/// Writes the due time the lists sort by onto the ticket itself (no version bump: it is derived data).
pub fn set_ticket_due(conn: &mut DbConn, ticket_id: i64, due_at: Option<NaiveDateTime>) -> QResult<()> {
    diesel::update(tickets::table.find(ticket_id)).set(tickets::sla_due_at.eq(due_at)).execute(conn)?;
    Ok(())
}
