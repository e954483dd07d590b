//! Smart dispatch: routing rules, agent profiles, the candidate snapshot of a group, a ticket's dispatch state,
//! the accept-deadline scan and in-app notifications.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::*;
use crate::schema::{
    agent_groups, agent_profiles, group_members, notifications, routing_rules, ticket_dispatch, ticket_events, tickets,
    users,
};

type QResult<T> = Result<T, diesel::result::Error>;

/// Open ends of a period, within what both backends store and compare (SQLite compares the text).
const EARLIEST: NaiveDateTime = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
const LATEST: NaiveDateTime = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap().and_hms_opt(0, 0, 0).unwrap();

// ---- routing rules

/// Every rule in evaluation order (position, then id).
pub fn list_rules(conn: &mut DbConn) -> QResult<Vec<RoutingRuleRow>> {
    routing_rules::table
        .order((routing_rules::position.asc(), routing_rules::id.asc()))
        .select(RoutingRuleRow::as_select())
        .load(conn)
}

pub fn find_rule(conn: &mut DbConn, id: i64) -> QResult<Option<RoutingRuleRow>> {
    routing_rules::table.find(id).select(RoutingRuleRow::as_select()).first(conn).optional()
}

pub fn insert_rule(
    conn: &mut DbConn,
    values: &RoutingRuleValues,
    created_at: NaiveDateTime,
) -> QResult<RoutingRuleRow> {
    diesel::insert_into(routing_rules::table)
        .values((values, routing_rules::created_at.eq(created_at)))
        .returning(<RoutingRuleRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn update_rule(conn: &mut DbConn, id: i64, values: &RoutingRuleValues) -> QResult<Option<RoutingRuleRow>> {
    diesel::update(routing_rules::table.find(id))
        .set(values)
        .returning(<RoutingRuleRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()
}

pub fn delete_rule(conn: &mut DbConn, id: i64) -> QResult<bool> {
    Ok(diesel::delete(routing_rules::table.find(id)).execute(conn)? > 0)
}

/// The position after the last rule (a new rule goes last).
pub fn next_rule_position(conn: &mut DbConn) -> QResult<i32> {
    let max: Option<i32> = routing_rules::table.select(diesel::dsl::max(routing_rules::position)).first(conn)?;
    Ok(max.map_or(10, |m| m.saturating_add(10)))
}

pub fn set_rule_position(conn: &mut DbConn, id: i64, position: i32, at: NaiveDateTime) -> QResult<()> {
    diesel::update(routing_rules::table.find(id))
        .set((routing_rules::position.eq(position), routing_rules::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

// ---- agent profiles

pub fn find_profile(conn: &mut DbConn, user_id: i64) -> QResult<Option<AgentProfileRow>> {
    agent_profiles::table.find(user_id).select(AgentProfileRow::as_select()).first(conn).optional()
}

pub fn profiles_of(conn: &mut DbConn, user_ids: &[i64]) -> QResult<Vec<AgentProfileRow>> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    agent_profiles::table
        .filter(agent_profiles::user_id.eq_any(user_ids))
        .select(AgentProfileRow::as_select())
        .load(conn)
}

/// Writes the whole profile (insert or replace; the shared connection has no upsert).
pub fn save_profile(conn: &mut DbConn, row: &AgentProfileRow) -> QResult<()> {
    let updated = diesel::update(agent_profiles::table.find(row.user_id)).set(row).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(agent_profiles::table).values(row).execute(conn)?;
    }
    Ok(())
}

// ---- the candidates of a group

/// An active staff member of a group and when dispatch last gave them one of its tickets.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct GroupMemberRow {
    pub user_id: i64,
    pub name: String,
    pub last_assigned_at: Option<NaiveDateTime>,
}

pub fn active_staff_members(conn: &mut DbConn, group_id: i64) -> QResult<Vec<GroupMemberRow>> {
    group_members::table
        .inner_join(users::table)
        .filter(group_members::group_id.eq(group_id))
        .filter(users::active.eq(true))
        .filter(users::kind.eq("staff"))
        .order(users::id.asc())
        .select((users::id, users::name, group_members::last_assigned_at))
        .load(conn)
}

/// Open tickets held by each of these users, as (assignee, priority rank, count).
pub fn open_work_of(conn: &mut DbConn, user_ids: &[i64]) -> QResult<Vec<(i64, i32, i64)>> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    // Literal, not bound: the text matches the partial index tickets_open_work, so only open tickets are read.
    let open = diesel::dsl::sql::<diesel::sql_types::Bool>("tickets.status NOT IN ('resolved', 'closed')");
    let rows: Vec<(Option<i64>, i32, i64)> = tickets::table
        .filter(tickets::assignee_id.eq_any(user_ids))
        .filter(open)
        .group_by((tickets::assignee_id, tickets::priority))
        .select((tickets::assignee_id, tickets::priority, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(user, rank, n)| user.map(|u| (u, rank, n))).collect())
}

/// An online member of a group with what dispatch needs of their profile.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OnlineMemberRow {
    pub user_id: i64,
    pub last_assigned_at: Option<NaiveDateTime>,
    pub capacity: Option<i32>,
    pub skills: String,
    pub position_lat: Option<f64>,
    pub position_lon: Option<f64>,
}

/// The group's active staff who are online, with their profiles, in one query. Only online agents can be given
/// work, so dispatch never reads the others.
pub fn online_members(conn: &mut DbConn, group_id: i64) -> QResult<Vec<OnlineMemberRow>> {
    group_members::table
        .inner_join(users::table)
        .inner_join(agent_profiles::table.on(agent_profiles::user_id.eq(group_members::user_id)))
        .filter(group_members::group_id.eq(group_id))
        .filter(users::active.eq(true))
        .filter(users::kind.eq("staff"))
        .filter(agent_profiles::availability.eq("online"))
        .order(group_members::user_id.asc())
        .select((
            group_members::user_id,
            group_members::last_assigned_at,
            agent_profiles::capacity,
            agent_profiles::skills,
            agent_profiles::position_lat,
            agent_profiles::position_lon,
        ))
        .load(conn)
}

/// Open tickets held by the group's online members, as (assignee, priority rank, count), in one query (joined
/// rather than listing a thousand ids).
pub fn online_members_open_work(conn: &mut DbConn, group_id: i64) -> QResult<Vec<(i64, i32, i64)>> {
    // Literal, not bound: the text matches the partial index tickets_open_work, so only open tickets are read.
    let open = diesel::dsl::sql::<diesel::sql_types::Bool>("tickets.status NOT IN ('resolved', 'closed')");
    let rows: Vec<(Option<i64>, i32, i64)> = tickets::table
        .inner_join(group_members::table.on(group_members::user_id.nullable().eq(tickets::assignee_id)))
        .inner_join(agent_profiles::table.on(agent_profiles::user_id.nullable().eq(tickets::assignee_id)))
        .filter(group_members::group_id.eq(group_id))
        .filter(agent_profiles::availability.eq("online"))
        .filter(open)
        .group_by((tickets::assignee_id, tickets::priority))
        .select((tickets::assignee_id, tickets::priority, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(user, rank, n)| user.map(|u| (u, rank, n))).collect())
}

/// Serialises dispatch decisions within one group until the transaction ends, so that two instances (or two
/// threads) never both give "the least loaded agent" a ticket on the same stale snapshot. PostgreSQL only: a SQLite
/// write transaction already holds the database's write lock.
pub fn lock_group(conn: &mut DbConn, group_id: i64) -> QResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM agent_groups WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::BigInt, _>(group_id)
            .execute(pg)?;
    }
    Ok(())
}

pub fn touch_last_assigned(conn: &mut DbConn, group_id: i64, user_id: i64, at: NaiveDateTime) -> QResult<()> {
    diesel::update(group_members::table.find((group_id, user_id)))
        .set(group_members::last_assigned_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

pub fn group_supervisor(conn: &mut DbConn, group_id: i64) -> QResult<Option<i64>> {
    Ok(agent_groups::table.find(group_id).select(agent_groups::supervisor_id).first(conn).optional()?.flatten())
}

pub fn set_group_supervisor(conn: &mut DbConn, group_id: i64, supervisor_id: Option<i64>) -> QResult<()> {
    diesel::update(agent_groups::table.find(group_id))
        .set(agent_groups::supervisor_id.eq(supervisor_id))
        .execute(conn)?;
    Ok(())
}

/// Unassigned open tickets per group, as (group, count).
pub fn queue_lengths(conn: &mut DbConn, group_ids: &[i64]) -> QResult<Vec<(i64, i64)>> {
    if group_ids.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(Option<i64>, i64)> = tickets::table
        .filter(tickets::group_id.eq_any(group_ids))
        .filter(tickets::assignee_id.is_null())
        .filter(tickets::status.ne_all(["resolved", "closed"]))
        .group_by(tickets::group_id)
        .select((tickets::group_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(group, n)| group.map(|g| (g, n))).collect())
}

// ---- the dispatch state of a ticket

pub fn find_dispatch(conn: &mut DbConn, ticket_id: i64) -> QResult<Option<TicketDispatchRow>> {
    ticket_dispatch::table.find(ticket_id).select(TicketDispatchRow::as_select()).first(conn).optional()
}

pub fn dispatch_of(conn: &mut DbConn, ticket_ids: &[i64]) -> QResult<Vec<TicketDispatchRow>> {
    if ticket_ids.is_empty() {
        return Ok(vec![]);
    }
    ticket_dispatch::table
        .filter(ticket_dispatch::ticket_id.eq_any(ticket_ids))
        .select(TicketDispatchRow::as_select())
        .load(conn)
}

pub fn save_dispatch(conn: &mut DbConn, row: &TicketDispatchRow) -> QResult<()> {
    let updated = diesel::update(ticket_dispatch::table.find(row.ticket_id)).set(row).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ticket_dispatch::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Tickets whose assignee had to accept by `now` and has not: the escalation worker's work list, oldest deadline
/// first. Each is re-checked under the ticket's row lock before it escalates, so instances that read the same list
/// still escalate each ticket once.
pub fn overdue_acceptances(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QResult<Vec<i64>> {
    ticket_dispatch::table
        .filter(ticket_dispatch::accept_by.le(now))
        .order((ticket_dispatch::accept_by.asc(), ticket_dispatch::ticket_id.asc()))
        .select(ticket_dispatch::ticket_id)
        .limit(limit)
        .load(conn)
}

// ---- transfer statistics

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

// ---- notifications

pub fn insert_notification(conn: &mut DbConn, row: &NewNotification) -> QResult<()> {
    diesel::insert_into(notifications::table).values(row).execute(conn)?;
    Ok(())
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
