//! Smart dispatch (事找人) as use cases: routing runs when a ticket is created and on re-route; the assignee accepts
//! or declines; a pool ticket goes to the first agent who claims it; an assignment not accepted in time escalates.
//!
//! The decisions are the domain's (`loopdesk_domain::dispatch`); this module loads the snapshot it decides on
//! (rules, the ticket's facts, the group's candidates), writes the outcome with its history in the ticket's
//! transaction, and keeps the ticket's dispatch state (`ticket_dispatch`) in step.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use loopdesk_domain::dispatch::{
    self, AgentCandidate, AssignStrategy, Assignment, Availability, ClaimBlock, DispatchCause, DispatchContext,
    DispatchReason, GeoPoint, Locale, ReasonNames, RoutingOutcome, RoutingRule, SkillRequirement, TicketFacts,
};
use loopdesk_domain::ids::TicketId;
use loopdesk_domain::notify::{NoticeParams, NotifyKind};
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_domain::ticket::{self as rules, EventKind, Priority, TicketStatus};
use loopdesk_persistence::models::{AgentProfileRow, TicketDispatchRow, TicketRow};
use loopdesk_persistence::queries::dispatch as q;
use loopdesk_persistence::queries::{directory, ticket_types as types_q};
use loopdesk_persistence::{DbConn, Json};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::kernel::{
    By, EventLog, TicketChange, WriteStep, apply_status, hand_over, id_text, organization_tier, point, set_tags,
    status_of, ticket_facts, to_json, trimmed_note,
};
use crate::views::TicketView;
use crate::{App, AppError, AppResult, utc};

/// How many overdue acceptances one escalation pass handles; the rest wait for the next pass.
const ESCALATION_BATCH: i64 = 100;

// ---- inputs

/// Decline an assignment; the reason is kept in the history and dispatch runs again without you.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct DeclineInput {
    #[schema(example = "明天休假，无法上门")]
    #[validate(length(min = 1, max = 2000, message = "is required (1 to 2000 characters)"))]
    pub reason: String,
}

/// Re-run routing on a ticket (after its fields changed, or to try again when agents came online).
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
pub struct RerouteInput {
    /// kept in the history with the decision
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub note: Option<String>,
}

// ---- what a decision needs and yields

/// Left on a new ticket's change by its creator when nobody was named: route it. The flags say what the creator
/// chose, which rules then leave alone.
pub(crate) struct RouteOnCreate {
    pub keep_group: bool,
    pub keep_priority: bool,
}

/// Left on a change by a use case that wrote the ticket's dispatch state itself (a claim).
pub(crate) struct DispatchStateWritten;

/// What the ticket already has, and what routing must leave alone.
pub(crate) struct RouteBase {
    pub cause: DispatchCause,
    pub group_id: Option<i64>,
    /// the person holding the ticket now (kept when routing assigns nobody and the group stays)
    pub assignee_id: Option<i64>,
    /// the creator chose the group: rules do not move it
    pub keep_group: bool,
    /// the creator chose the priority: rules do not change it
    pub keep_priority: bool,
    /// agents never to pick: who declined or let the ticket escalate
    pub excluded: Vec<i64>,
}

/// The outcome of one dispatch, ready to be written.
pub(crate) struct Decision {
    pub group_id: Option<i64>,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub assignee_id: Option<i64>,
    /// the agent dispatch picked (as opposed to one kept from before)
    pub picked: Option<i64>,
    pub state: TicketDispatchRow,
    pub reason: DispatchReason,
}

pub(crate) fn rule_of(row: &loopdesk_persistence::models::RoutingRuleRow) -> RoutingRule {
    RoutingRule {
        id: row.id,
        name: row.name.clone(),
        position: row.position,
        enabled: row.enabled,
        conditions: row.conditions.0.clone(),
        actions: row.actions.0.clone(),
        continue_matching: row.continue_matching,
    }
}

/// An agent's availability as stored; no profile means offline (nobody gets work they did not sign up for).
fn availability_of(profile: Option<&AgentProfileRow>) -> Availability {
    profile.and_then(|p| Availability::parse(&p.availability)).unwrap_or(Availability::Offline)
}

fn position_of(profile: &AgentProfileRow) -> Option<GeoPoint> {
    point(profile.position_lat, profile.position_lon)
}

/// An agent's open work: how many tickets, their weighted load, whether one is urgent.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OpenWork {
    pub count: u32,
    pub load: u32,
    pub holds_urgent: bool,
}

impl OpenWork {
    fn of(count: Option<i32>, load: Option<i32>, urgent: Option<i32>) -> Self {
        let positive = |v: Option<i32>| u32::try_from(v.unwrap_or_default()).unwrap_or_default();
        OpenWork { count: positive(count), load: positive(load), holds_urgent: urgent.unwrap_or_default() > 0 }
    }
}

/// The stored workload of these agents (agents without open work are absent).
pub(crate) fn open_work(conn: &mut DbConn, user_ids: &[i64]) -> AppResult<HashMap<i64, OpenWork>> {
    Ok(q::workloads_of(conn, user_ids)?
        .into_iter()
        .map(|(user, count, load, urgent)| (user, OpenWork::of(Some(count), Some(load), Some(urgent))))
        .collect())
}

/// Keeps the agents' stored workload true after a ticket was written: what the ticket held before leaves its old
/// assignee, what it holds now goes to its new one (in the same transaction as the ticket).
fn track_workload(conn: &mut DbConn, before: Option<&TicketRow>, after: &TicketRow) -> AppResult<()> {
    let share = |row: &TicketRow| {
        let priority = Priority::from_rank(row.priority).unwrap_or(Priority::Normal);
        row.assignee_id.map(|user| (user, dispatch::workload_share(is_open(row), priority)))
    };
    let (old, new) = (before.and_then(share), share(after));
    if old == new {
        return Ok(());
    }
    if let Some((user, (count, load, urgent))) = old.filter(|(_, s)| *s != (0, 0, 0)) {
        q::adjust_workload(conn, user, -count, -load, -urgent)?;
    }
    if let Some((user, (count, load, urgent))) = new.filter(|(_, s)| *s != (0, 0, 0)) {
        q::adjust_workload(conn, user, count, load, urgent)?;
    }
    Ok(())
}

/// Snapshots of agents with their open work, in the given order.
fn candidates_of(conn: &mut DbConn, members: &[(i64, Option<NaiveDateTime>)]) -> AppResult<Vec<AgentCandidate>> {
    let ids: Vec<i64> = members.iter().map(|(id, _)| *id).collect();
    let profiles: HashMap<i64, AgentProfileRow> =
        q::profiles_of(conn, &ids)?.into_iter().map(|p| (p.user_id, p)).collect();
    let work = open_work(conn, &ids)?;
    Ok(members
        .iter()
        .map(|(user_id, last_assigned_at)| {
            let work = work.get(user_id).copied().unwrap_or_default();
            profile_candidate(*user_id, profiles.get(user_id), work, *last_assigned_at)
        })
        .collect())
}

/// An agent as dispatch sees them, from their stored profile (none: offline, no limit, no skills) and workload.
pub(crate) fn profile_candidate(
    user_id: i64,
    profile: Option<&AgentProfileRow>,
    work: OpenWork,
    last_assigned_at: Option<NaiveDateTime>,
) -> AgentCandidate {
    candidate(
        user_id,
        availability_of(profile),
        profile.and_then(|p| p.capacity),
        work,
        profile.map(|p| p.skills.0.clone()),
        profile.and_then(position_of),
        last_assigned_at,
    )
}

fn candidate(
    user_id: i64,
    availability: Availability,
    capacity: Option<i32>,
    work: OpenWork,
    skills: Option<Vec<dispatch::AgentSkill>>,
    position: Option<GeoPoint>,
    last_assigned_at: Option<NaiveDateTime>,
) -> AgentCandidate {
    AgentCandidate {
        user_id,
        availability,
        capacity: capacity.and_then(|c| u32::try_from(c).ok()),
        open_load: work.load,
        open_count: work.count,
        holds_urgent: work.holds_urgent,
        skills: skills.unwrap_or_default(),
        position,
        last_assigned_at: last_assigned_at.map(utc),
    }
}

/// The members of a group who may take tickets now, as dispatch sees them: only online agents (nobody else can be
/// given work), read in one query whatever the group's size.
fn group_candidates(conn: &mut DbConn, group_id: i64) -> AppResult<Vec<AgentCandidate>> {
    let members = q::online_members(conn, group_id)?;
    Ok(members
        .into_iter()
        .map(|m| {
            let position = point(m.position_lat, m.position_lon);
            let work = OpenWork::of(m.open_count, m.open_load, m.urgent_count);
            candidate(m.user_id, Availability::Online, m.capacity, work, Some(m.skills.0), position, m.last_assigned_at)
        })
        .collect())
}

/// The enabled rules in evaluation order. A rule that no longer parses is skipped (and logged), never fatal:
/// tickets keep flowing while an admin fixes it.
fn enabled_rules(conn: &mut DbConn) -> AppResult<Vec<RoutingRule>> {
    let rows = q::list_rules(conn)?;
    Ok(rows.iter().filter(|r| r.enabled).map(rule_of).collect())
}

/// Decides where a ticket goes. Takes the group's lock (PostgreSQL) so that concurrent decisions in one group
/// see each other's assignments.
pub(crate) fn decide(
    conn: &mut DbConn,
    rules_in_force: &[RoutingRule],
    facts: &TicketFacts,
    type_skills: &[SkillRequirement],
    base: RouteBase,
    at: NaiveDateTime,
) -> AppResult<Decision> {
    let outcome = dispatch::evaluate(rules_in_force, facts);
    decide_on_outcome(conn, &outcome, facts, type_skills, base, at)
}

/// `decide` after the rules were evaluated. Reads only: the caller writes the decision (`record_decision`).
pub(crate) fn decide_on_outcome(
    conn: &mut DbConn,
    outcome: &RoutingOutcome,
    facts: &TicketFacts,
    type_skills: &[SkillRequirement],
    base: RouteBase,
    at: NaiveDateTime,
) -> AppResult<Decision> {
    let group_id = if base.keep_group { base.group_id } else { outcome.group_id.or(base.group_id) };
    let priority = if base.keep_priority { facts.priority } else { outcome.final_priority(facts) };
    let mut tags = facts.tags.clone();
    tags.extend(outcome.added_tags.iter().cloned());
    // More tags than allowed: keep the ticket's own rather than fail its creation.
    let tags = rules::normalize_tags(&tags).unwrap_or_else(|_| facts.tags.clone());
    let mut required = type_skills.to_vec();
    dispatch::merge_skill_requirements(&mut required, &outcome.required_skills);

    let mut applied: Option<(AssignStrategy, Assignment)> = None;
    if let Some(plan) = &outcome.assign {
        let candidates = match (&plan.strategy, group_id) {
            (_, Some(group)) => {
                q::lock_group(conn, group)?;
                group_candidates(conn, group)?
            }
            // A named agent needs no group; every other strategy picks among a group's members.
            (AssignStrategy::NamedAgent { user_id }, None) => {
                let staff = directory::find_user(conn, *user_id)?
                    .filter(|u| u.active && UserKind::parse(&u.kind) == Some(UserKind::Staff));
                match staff {
                    Some(user) => candidates_of(conn, &[(user.id, None)])?,
                    None => vec![],
                }
            }
            (_, None) => vec![],
        };
        let ctx =
            DispatchContext { required_skills: &required, excluded: &base.excluded, ticket_location: facts.location };
        applied = Some((plan.strategy.clone(), dispatch::assign(&plan.strategy, &candidates, &ctx)));
    }

    let picked = applied.as_ref().and_then(|(_, a)| a.user_id());
    let pooled = matches!(applied, Some((_, Assignment::Pool { .. })));
    let assignee_id = match (&applied, picked) {
        (_, Some(agent)) => Some(agent),
        // Routing chose a strategy but nobody now: the ticket waits in the group's queue (or pool).
        (Some(_), None) => None,
        // No strategy: whoever holds it keeps it, unless it moved group or they are excluded.
        (None, None) => base.assignee_id.filter(|a| group_id == base.group_id && !base.excluded.contains(a)),
    };
    let accept_within = outcome.assign.as_ref().and_then(|p| p.accept_within_minutes);
    let accept_by = match picked {
        Some(_) => dispatch::accept_deadline(utc(at), accept_within).map(|t| t.naive_utc()),
        None => None,
    };
    let mut reason = DispatchReason::new(base.cause, outcome, applied.as_ref().map(|(s, a)| (s, a)));
    if base.keep_group {
        reason.group_id = None;
    }
    if base.keep_priority {
        reason.priority = None;
    }
    reason.required_skills = required.clone();
    let state = TicketDispatchRow {
        ticket_id: 0, // set by record_decision
        rule_id: outcome.assign.as_ref().map(|p| p.rule_id),
        strategy: outcome.assign.as_ref().map(|p| Json(p.strategy.clone())),
        accept_within_minutes: accept_within.and_then(|m| i32::try_from(m).ok()),
        required_skills: Json(required),
        excluded: Json(base.excluded.clone()),
        pooled,
        accept_by,
        updated_at: at,
    };
    Ok(Decision { group_id, priority, tags, assignee_id, picked, state, reason })
}

/// The write step of dispatch: routes a new ticket before it is saved, then records decisions (of creation, a
/// re-route, a decline or an escalation) and keeps the dispatch state true to the ticket.
pub(crate) struct Dispatch;

impl WriteStep for Dispatch {
    fn name(&self) -> &'static str {
        "dispatch"
    }

    fn before_save(&self, app: &App, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        if !change.is_create() {
            return Ok(());
        }
        if let Some(route) = change.log.take_notes::<RouteOnCreate>().pop() {
            let facts = change.facts(conn, None)?;
            let base = RouteBase {
                cause: DispatchCause::Created,
                group_id: change.after.group_id,
                assignee_id: None,
                keep_group: route.keep_group,
                keep_priority: route.keep_priority,
                excluded: vec![],
            };
            if let Some(decision) = app.route_new_ticket(conn, &facts, base, change.at())? {
                let row = &mut change.after;
                row.group_id = decision.group_id;
                row.priority = decision.priority.rank();
                row.tags = Json(decision.tags.clone());
                row.assignee_id = decision.assignee_id;
                let status = rules::status_after_assignment(TicketStatus::New, row.assignee_id.is_some());
                row.status = status.as_str().to_string();
                change.log.push(EventKind::Dispatched, None, None, Some(to_json(&decision.reason)), None);
                change.log.note(decision);
            }
        }
        if change.after.assignee_id.is_some() {
            change.log.push(EventKind::Assigned, Some("assignee_id"), None, id_text(change.after.assignee_id), None);
        }
        Ok(())
    }

    fn after_save(&self, app: &App, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        let decisions = change.log.take_notes::<Decision>();
        for decision in &decisions {
            app.record_decision(conn, &change.after, decision, change.at())?;
        }
        match &change.before {
            Some(before) if decisions.is_empty() && !change.log.has_note::<DispatchStateWritten>() => {
                app.settle_dispatch(conn, before, &change.after, change.at())
            }
            _ => Ok(()),
        }
    }
}

/// The write step that keeps agents' stored workload (open tickets, weighted load, urgent work) true.
pub(crate) struct WorkloadCounters;

impl WriteStep for WorkloadCounters {
    fn name(&self) -> &'static str {
        "workload counters"
    }

    fn after_save(&self, _app: &App, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        track_workload(conn, change.before.as_ref(), &change.after)
    }

    fn after_bulk_insert(&self, conn: &mut DbConn) -> AppResult<()> {
        Ok(q::recount_workload(conn)?)
    }
}

fn type_skills(conn: &mut DbConn, type_id: i64) -> AppResult<Vec<SkillRequirement>> {
    Ok(types_q::find(conn, type_id)?.map(|t| t.required_skills.0).unwrap_or_default())
}

impl App {
    /// Writes a decision onto a ticket being changed: group, assignee, priority and tags with their events and the
    /// reason in the history. The dispatch step records the rest (`record_decision`) once the ticket is saved.
    pub(crate) fn apply_decision(
        &self,
        row: &mut TicketRow,
        log: &mut EventLog,
        decision: Decision,
        note: Option<String>,
    ) -> AppResult<()> {
        let from = status_of(row)?;
        let priority = decision.priority.rank();
        if priority != row.priority {
            let old = Priority::from_rank(row.priority).map(|p| p.to_string());
            log.push(EventKind::FieldChanged, Some("priority"), old, Some(decision.priority.to_string()), None);
            row.priority = priority;
        }
        set_tags(row, log, &decision.tags, None);
        log.push(EventKind::Dispatched, None, None, Some(to_json(&decision.reason)), note);
        hand_over(row, log, from, EventKind::Assigned, decision.assignee_id, decision.group_id, None);
        log.note(decision); // recorded by the dispatch step once the ticket is saved
        Ok(())
    }

    /// The part of a decision outside the ticket row: the dispatch state, the round-robin mark and a notification
    /// to the picked agent.
    fn record_decision(
        &self,
        conn: &mut DbConn,
        row: &TicketRow,
        decision: &Decision,
        at: NaiveDateTime,
    ) -> AppResult<()> {
        q::save_dispatch(conn, &TicketDispatchRow { ticket_id: row.id, ..decision.state.clone() })?;
        if let (Some(agent), Some(group)) = (decision.picked, decision.group_id) {
            q::touch_last_assigned(conn, group, agent, at)?;
        }
        if let Some(agent) = decision.picked {
            let params = NoticeParams::ticket(rules::format_ticket_number(row.id));
            self.notify(conn, NotifyKind::TicketAssigned, row, params, &[agent], at)?;
        }
        Ok(())
    }

    /// Routing for a ticket about to be created: the facts come from the validated input. None when no rule is
    /// enabled: without routing, tickets go where their creator or type sends them and the history stays quiet.
    pub(crate) fn route_new_ticket(
        &self,
        conn: &mut DbConn,
        facts: &TicketFacts,
        base: RouteBase,
        at: NaiveDateTime,
    ) -> AppResult<Option<Decision>> {
        let rules_in_force = enabled_rules(conn)?;
        if rules_in_force.is_empty() {
            return Ok(None);
        }
        let skills = type_skills(conn, facts.type_id)?;
        decide(conn, &rules_in_force, facts, &skills, base, at).map(Some)
    }

    /// Runs routing again on a ticket being changed, excluding `excluded` on top of whoever was excluded before.
    pub(crate) fn reroute_row(
        &self,
        conn: &mut DbConn,
        row: &mut TicketRow,
        log: &mut EventLog,
        cause: DispatchCause,
        newly_excluded: Option<i64>,
        note: Option<String>,
    ) -> AppResult<()> {
        let previous = q::find_dispatch(conn, row.id)?;
        let mut excluded: Vec<i64> = previous.as_ref().map(|d| d.excluded.0.clone()).unwrap_or_default();
        if let Some(user) = newly_excluded
            && !excluded.contains(&user)
        {
            excluded.push(user);
        }
        let facts = ticket_facts(row, organization_tier(conn, row.organization_id)?, Some(utc(log.at)));
        let rules_in_force = enabled_rules(conn)?;
        let skills = type_skills(conn, row.type_id)?;
        let base = RouteBase {
            cause,
            group_id: row.group_id,
            assignee_id: row.assignee_id,
            keep_group: false,
            keep_priority: false,
            excluded,
        };
        let decision = decide(conn, &rules_in_force, &facts, &skills, base, log.at)?;
        self.apply_decision(row, log, decision, note)
    }

    /// Keeps the dispatch state true to the ticket after a change that dispatch did not make itself: a ticket
    /// that someone holds is not in the pool, and an acceptance deadline ends when the ticket leaves "assigned" or
    /// changes hands.
    fn settle_dispatch(
        &self,
        conn: &mut DbConn,
        before: &TicketRow,
        after: &TicketRow,
        at: NaiveDateTime,
    ) -> AppResult<()> {
        let Some(mut state) = q::find_dispatch(conn, after.id)? else { return Ok(()) };
        let handed_over = before.assignee_id != after.assignee_id || before.group_id != after.group_id;
        let mut changed = false;
        if state.pooled && (after.assignee_id.is_some() || before.group_id != after.group_id || !is_open(after)) {
            state.pooled = false;
            changed = true;
        }
        if state.accept_by.is_some() && (handed_over || after.status != TicketStatus::Assigned.as_str()) {
            state.accept_by = None;
            changed = true;
        }
        if changed {
            state.updated_at = at;
            q::save_dispatch(conn, &state)?;
        }
        Ok(())
    }

    // ---- use cases

    /// Routes the ticket again now (rules, then the strategy), recording the decision in the history.
    pub fn reroute_ticket(&self, actor: &Actor, id: TicketId, input: &RerouteInput) -> AppResult<TicketView> {
        let note = trimmed_note(&input.note);
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            policy::require(actor, Permission::TicketsAssign)?;
            if !is_open(row) {
                return Err(AppError::refused(
                    "ticket_not_open",
                    "the ticket is resolved or closed; reopen it before routing it again",
                ));
            }
            self.reroute_row(conn, row, log, DispatchCause::Reroute, None, note.clone())
        })?;
        self.ticket_for(actor, &row)
    }

    /// The assignee takes the ticket on: assigned → in_progress, and the acceptance deadline ends.
    pub fn accept_ticket(&self, actor: &Actor, id: TicketId) -> AppResult<TicketView> {
        let (row, ()) = self.change_ticket(actor, id, None, |_conn, row, log| {
            policy::may_take_work(actor)?;
            if row.assignee_id != Some(actor.user_id) {
                return Err(AppError::Forbidden("only the assignee can accept a ticket".into()));
            }
            let from = status_of(row)?;
            if from != TicketStatus::Assigned {
                let detail = format!("the ticket is {from}; only an assigned ticket can be accepted");
                return Err(AppError::refused("not_awaiting_acceptance", detail).with_param("status", from.as_str()));
            }
            log.push(EventKind::Accepted, Some("assignee_id"), None, id_text(row.assignee_id), None);
            apply_status(row, TicketStatus::InProgress, log.at);
            log.status(from, TicketStatus::InProgress, None);
            Ok(())
        })?;
        self.ticket_for(actor, &row)
    }

    /// The assignee turns the ticket down with a reason; dispatch runs again without them.
    pub fn decline_ticket(&self, actor: &Actor, id: TicketId, input: &DeclineInput) -> AppResult<TicketView> {
        let reason = input.reason.trim().to_string();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "is required"));
        }
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            policy::may_take_work(actor)?;
            if row.assignee_id != Some(actor.user_id) {
                return Err(AppError::Forbidden("only the assignee can decline a ticket".into()));
            }
            let from = status_of(row)?;
            if from != TicketStatus::Assigned {
                let detail = format!(
                    "the ticket is {from}; only a ticket not yet accepted can be declined (transfer it instead)"
                );
                return Err(AppError::refused("not_awaiting_acceptance", detail).with_param("status", from.as_str()));
            }
            log.push(EventKind::Declined, Some("assignee_id"), id_text(row.assignee_id), None, Some(reason.clone()));
            let cause = DispatchCause::Declined { user_id: actor.user_id };
            self.reroute_row(conn, row, log, cause, Some(actor.user_id), None)
        })?;
        // The decliner may no longer see the ticket (it left their hands and maybe their group).
        self.ticket_for(actor, &row)
    }

    /// Claims a pool ticket (抢单): the first claim wins, atomically; every later one is a 409.
    pub fn claim_ticket(&self, actor: &Actor, id: TicketId) -> AppResult<TicketView> {
        if actor.kind != UserKind::Staff {
            return Err(AppError::Forbidden("only staff can claim tickets".into()));
        }
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            policy::may_take_work(actor)?;
            let state =
                q::find_dispatch(conn, row.id)?.filter(|s| s.pooled && row.assignee_id.is_none() && is_open(row));
            let Some(state) = state else {
                let holder = match row.assignee_id {
                    Some(user) => directory::user_names(conn, &[user])?.pop().map(|(_, n)| n),
                    None => None,
                };
                return Err(match holder {
                    Some(name) => AppError::refused("already_claimed", format!("already claimed by {name}"))
                        .with_param("by", name),
                    None => AppError::refused("not_in_pool", "the ticket is not in the claim pool"),
                });
            };
            let Some(group) = row.group_id else {
                return Err(AppError::refused("not_in_pool", "the ticket has no group to claim it from"));
            };
            let Some(last_assigned) = q::membership(conn, group, actor.user_id)? else {
                return Err(AppError::Forbidden("only members of the ticket's group can claim it".into()));
            };
            let me = candidates_of(conn, &[(actor.user_id, last_assigned)])?.pop();
            let ctx = claim_context(&state);
            if let Some((me, block)) = me.and_then(|me| dispatch::claim_block(&me, &ctx).map(|block| (me, block))) {
                return Err(claim_refusal(&me, block, &ctx));
            }
            let from = status_of(row)?;
            log.push(EventKind::Claimed, Some("assignee_id"), None, id_text(Some(actor.user_id)), None);
            row.assignee_id = Some(actor.user_id);
            // Claiming is accepting: the claimant starts at once.
            if from != TicketStatus::InProgress {
                apply_status(row, TicketStatus::InProgress, log.at);
                log.status(from, TicketStatus::InProgress, None);
            }
            q::save_dispatch(conn, &TicketDispatchRow { pooled: false, accept_by: None, updated_at: log.at, ..state })?;
            log.note(DispatchStateWritten);
            q::touch_last_assigned(conn, group, actor.user_id, log.at)?;
            Ok(())
        })?;
        self.ticket_for(actor, &row)
    }

    /// One pass of the escalation worker: every assignment not accepted by its deadline is taken back and
    /// dispatched again without that agent, and the group's supervisor is told. Safe with several instances on
    /// one database: each ticket is re-checked under its row lock, so it escalates once. Returns how many escalated.
    pub fn escalate_overdue_acceptances(&self) -> AppResult<usize> {
        let now = self.now_naive();
        let due = {
            let mut conn = self.conn()?;
            q::overdue_acceptances(&mut conn, now, ESCALATION_BATCH)?
        };
        let mut escalated = 0;
        for ticket_id in due {
            let outcome = self.change_ticket_by(By::System, TicketId(ticket_id), None, |conn, row, log| {
                let Some(state) = q::find_dispatch(conn, row.id)? else { return Ok(None) };
                let overdue = state.accept_by.is_some_and(|deadline| deadline <= log.at);
                let (Some(agent), true, true) =
                    (row.assignee_id, overdue, row.status == TicketStatus::Assigned.as_str())
                else {
                    return Ok(None); // accepted, handed over or escalated by another instance meanwhile
                };
                let limit = state.accept_within_minutes.unwrap_or_default();
                log.push(
                    EventKind::Escalated,
                    Some("assignee_id"),
                    id_text(Some(agent)),
                    None,
                    Some(format!("not accepted within {limit} min")),
                );
                let group_before = row.group_id;
                self.reroute_row(conn, row, log, DispatchCause::Escalated { user_id: agent }, Some(agent), None)?;
                let supervisor = match group_before.or(row.group_id) {
                    Some(group) => q::group_supervisor(conn, group)?,
                    None => None,
                };
                if let Some(supervisor) = supervisor {
                    let params = NoticeParams::ticket(rules::format_ticket_number(row.id));
                    self.notify(conn, NotifyKind::TicketEscalated, row, params, &[supervisor], log.at)?;
                }
                Ok(Some(agent))
            });
            match outcome {
                Ok((_, Some(_))) => escalated += 1,
                Ok((_, None)) | Err(AppError::NotFound(_)) => {}
                Err(e) => log::warn!("escalating ticket {ticket_id} failed: {e}"),
            }
        }
        Ok(escalated)
    }

    /// The ticket as the caller may now see it: after a decline or a re-route it may have left their sight, and
    /// then the answer is the bare fact that it moved.
    fn ticket_for(&self, actor: &Actor, row: &TicketRow) -> AppResult<TicketView> {
        match self.get_ticket(actor, TicketId(row.id)) {
            Err(AppError::NotFound(_)) => Err(AppError::NotFound("ticket")),
            other => other,
        }
    }

    /// Marks pool tickets and acceptance deadlines on staff views, in one query.
    pub(crate) fn attach_dispatch(&self, conn: &mut DbConn, actor: &Actor, views: &mut [TicketView]) -> AppResult<()> {
        if !policy::sees_internal(actor) || views.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = views.iter().map(|v| v.id).collect();
        let states: HashMap<i64, TicketDispatchRow> =
            q::dispatch_of(conn, &ids)?.into_iter().map(|d| (d.ticket_id, d)).collect();
        for view in views.iter_mut() {
            if let Some(state) = states.get(&view.id) {
                view.in_pool = state.pooled && view.assignee_id.is_none();
                view.accept_by = state.accept_by.map(utc);
            }
        }
        self.mark_claim_blocks(conn, actor, views, &states)
    }

    /// On pool tickets: why the caller may not claim them now (member, online, under capacity, qualified), so that
    /// nobody is offered a claim the server would refuse. One query for the caller's snapshot, only when a pool
    /// ticket is among the views.
    pub(crate) fn mark_claim_blocks(
        &self,
        conn: &mut DbConn,
        actor: &Actor,
        views: &mut [TicketView],
        states: &HashMap<i64, TicketDispatchRow>,
    ) -> AppResult<()> {
        if actor.kind != UserKind::Staff || !views.iter().any(|v| v.in_pool) {
            return Ok(());
        }
        let Some(me) = candidates_of(conn, &[(actor.user_id, None)])?.pop() else {
            return Ok(());
        };
        for view in views.iter_mut().filter(|v| v.in_pool) {
            let Some(state) = states.get(&view.id) else { continue };
            view.claim_block = if view.group_id.is_some_and(|group| actor.group_ids.contains(&group)) {
                dispatch::claim_block(&me, &claim_context(state))
            } else {
                Some(ClaimBlock::NotMember)
            };
        }
        Ok(())
    }

    /// `mark_claim_blocks` for one ticket view known to be in the pool (its dispatch state not read yet).
    pub(crate) fn mark_claim_block(&self, conn: &mut DbConn, actor: &Actor, view: &mut TicketView) -> AppResult<()> {
        if !view.in_pool {
            return Ok(());
        }
        let states = q::dispatch_of(conn, &[view.id])?.into_iter().map(|d| (d.ticket_id, d)).collect();
        self.mark_claim_blocks(conn, actor, std::slice::from_mut(view), &states)
    }

    /// Reads a dispatch reason stored in an event and renders it with today's names.
    pub(crate) fn render_reasons(
        &self,
        conn: &mut DbConn,
        reasons: &[DispatchReason],
        locale: Locale,
    ) -> AppResult<Vec<String>> {
        let mut user_ids = BTreeSet::new();
        let mut group_ids = BTreeSet::new();
        for reason in reasons {
            group_ids.extend(reason.group_id);
            match reason.cause {
                DispatchCause::Declined { user_id } | DispatchCause::Escalated { user_id } => {
                    user_ids.insert(user_id);
                }
                _ => {}
            }
            match &reason.assignment {
                Some(Assignment::Agent(choice)) => {
                    user_ids.insert(choice.user_id);
                }
                Some(Assignment::Pool { offered_to }) => user_ids.extend(offered_to.iter().copied()),
                _ => {}
            }
            if let Some(AssignStrategy::NamedAgent { user_id }) = &reason.strategy {
                user_ids.insert(*user_id);
            }
        }
        let names = ReasonNames {
            groups: directory::group_names(conn, &group_ids.into_iter().collect::<Vec<_>>())?.into_iter().collect(),
            users: directory::user_names(conn, &user_ids.into_iter().collect::<Vec<_>>())?.into_iter().collect(),
        };
        Ok(reasons.iter().map(|r| r.render(locale, &names)).collect())
    }
}

fn is_open(row: &TicketRow) -> bool {
    TicketStatus::parse(&row.status).is_some_and(TicketStatus::is_open)
}

/// What a claim of this pooled ticket is checked against.
fn claim_context(state: &TicketDispatchRow) -> DispatchContext<'_> {
    DispatchContext { required_skills: &state.required_skills, excluded: &state.excluded, ticket_location: None }
}

/// Why this agent may not claim, in words an agent can act on.
fn claim_refusal(me: &AgentCandidate, block: ClaimBlock, ctx: &DispatchContext) -> AppError {
    let code = match block {
        ClaimBlock::NotMember => "claim_refused_not_member",
        ClaimBlock::Excluded => "claim_refused_excluded",
        ClaimBlock::NotOnline => "claim_refused_not_online",
        ClaimBlock::AtCapacity => "claim_refused_at_capacity",
        ClaimBlock::MissingSkills => "claim_refused_missing_skills",
    };
    match block {
        ClaimBlock::NotMember => AppError::refused(code, "only members of the ticket's group can claim it"),
        ClaimBlock::Excluded => {
            AppError::refused(code, "you declined this ticket or let it escalate; someone else must take it")
        }
        ClaimBlock::NotOnline => {
            AppError::refused(code, format!("you are {}; set yourself online to claim tickets", me.availability))
                .with_param("availability", me.availability.as_str())
        }
        ClaimBlock::AtCapacity => {
            let limit = me.capacity.unwrap_or(me.open_count);
            let detail = format!("you already hold {} open tickets, your limit is {limit}", me.open_count);
            AppError::refused(code, detail).with_param("open", me.open_count).with_param("limit", limit)
        }
        ClaimBlock::MissingSkills => {
            let missing: Vec<&str> =
                ctx.required_skills.iter().filter(|s| !me.has_skill(s)).map(|s| s.name.as_str()).collect();
            let skills = missing.join(", ");
            AppError::refused(code, format!("the ticket needs skills you do not hold: {skills}"))
                .with_param("skills", skills)
        }
    }
}
