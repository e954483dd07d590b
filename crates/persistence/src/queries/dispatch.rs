//! Smart dispatch: routing rules, agent profiles, the candidate snapshot of a group, a ticket's dispatch state,
//! the accept-deadline scan.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use loopdesk_domain::dispatch::AgentSkill;

use crate::db::DbConn;
use crate::json::Json;
use crate::models::*;
use crate::schema::{
    agent_groups, agent_profiles, agent_workload, group_members, routing_rules, ticket_dispatch, tickets, users,
};

type QResult<T> = Result<T, diesel::result::Error>;

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

/// An online member of a group with what dispatch needs of their profile and workload.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OnlineMemberRow {
    pub user_id: i64,
    pub last_assigned_at: Option<NaiveDateTime>,
    pub capacity: Option<i32>,
    pub skills: Json<Vec<AgentSkill>>,
    pub position_lat: Option<f64>,
    pub position_lon: Option<f64>,
    pub open_count: Option<i32>,
    pub open_load: Option<i32>,
    pub urgent_count: Option<i32>,
}

/// The group's active staff who are online, with their profiles and workload, in one query. Only online agents can
/// be given work, so dispatch never reads the others.
pub fn online_members(conn: &mut DbConn, group_id: i64) -> QResult<Vec<OnlineMemberRow>> {
    group_members::table
        .inner_join(users::table)
        .inner_join(agent_profiles::table.on(agent_profiles::user_id.eq(group_members::user_id)))
        .left_join(agent_workload::table.on(agent_workload::user_id.eq(group_members::user_id)))
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
            agent_workload::open_count.nullable(),
            agent_workload::open_load.nullable(),
            agent_workload::urgent_count.nullable(),
        ))
        .load(conn)
}

/// (user, open count, weighted load, urgent count) of these users; users without open work have no row.
pub fn workloads_of(conn: &mut DbConn, user_ids: &[i64]) -> QResult<Vec<(i64, i32, i32, i32)>> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    agent_workload::table
        .filter(agent_workload::user_id.eq_any(user_ids))
        .select((
            agent_workload::user_id,
            agent_workload::open_count,
            agent_workload::open_load,
            agent_workload::urgent_count,
        ))
        .load(conn)
}

/// Adds to an agent's workload (negative to remove), creating the row on first use. One statement, atomic under
/// concurrent writers on both backends.
pub fn adjust_workload(conn: &mut DbConn, user_id: i64, count: i32, load: i32, urgent: i32) -> QResult<()> {
    use diesel::sql_types::{BigInt, Integer};
    const UPSERT: &str = "INSERT INTO agent_workload (user_id, open_count, open_load, urgent_count) VALUES ({}) \
        ON CONFLICT (user_id) DO UPDATE SET open_count = agent_workload.open_count + excluded.open_count, \
        open_load = agent_workload.open_load + excluded.open_load, \
        urgent_count = agent_workload.urgent_count + excluded.urgent_count";
    match conn {
        DbConn::Pg(pg) => diesel::sql_query(UPSERT.replace("{}", "$1, $2, $3, $4"))
            .bind::<BigInt, _>(user_id)
            .bind::<Integer, _>(count)
            .bind::<Integer, _>(load)
            .bind::<Integer, _>(urgent)
            .execute(pg)?,
        DbConn::Sqlite(lite) => diesel::sql_query(UPSERT.replace("{}", "?, ?, ?, ?"))
            .bind::<BigInt, _>(user_id)
            .bind::<Integer, _>(count)
            .bind::<Integer, _>(load)
            .bind::<Integer, _>(urgent)
            .execute(lite)?,
    };
    Ok(())
}

/// Recomputes every agent's workload from the tickets (at start, and after bulk loads that bypass the use cases).
pub fn recount_workload(conn: &mut DbConn) -> QResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute(
        "DELETE FROM agent_workload; \
         INSERT INTO agent_workload (user_id, open_count, open_load, urgent_count) \
         SELECT assignee_id, COUNT(*), \
                SUM(CASE priority WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 3 ELSE 5 END), \
                SUM(CASE WHEN priority = 4 THEN 1 ELSE 0 END) \
         FROM tickets WHERE assignee_id IS NOT NULL AND status NOT IN ('resolved', 'closed') GROUP BY assignee_id;",
    )
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

/// Whether the user is a member of the group: `Some(when dispatch last gave them one of its tickets)`.
pub fn membership(conn: &mut DbConn, group_id: i64, user_id: i64) -> QResult<Option<Option<NaiveDateTime>>> {
    group_members::table.find((group_id, user_id)).select(group_members::last_assigned_at).first(conn).optional()
}

/// Records that dispatch just gave the user one of the group's tickets. Round robin orders members by this mark,
/// so it must follow the order in which decisions were made, not the clocks of their transactions: a decision that
/// waited for the group's lock carries a time older than the one it waited for. The mark is therefore never earlier
/// than the group's latest (call under `lock_group`).
pub fn touch_last_assigned(conn: &mut DbConn, group_id: i64, user_id: i64, at: NaiveDateTime) -> QResult<()> {
    let latest: Option<NaiveDateTime> = group_members::table
        .filter(group_members::group_id.eq(group_id))
        .select(diesel::dsl::max(group_members::last_assigned_at))
        .first(conn)?;
    let mark = match latest {
        Some(latest) if latest >= at => latest + chrono::Duration::microseconds(1),
        _ => at,
    };
    diesel::update(group_members::table.find((group_id, user_id)))
        .set(group_members::last_assigned_at.eq(Some(mark)))
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
