//! SLA (服务等级) as use cases: business calendars and SLA policies as admins edit them; every ticket's clocks
//! started on creation and kept true on every change (pending pauses, a first public reply meets the first
//! response, resolving meets both, a priority change retargets); the worker that records warnings and breaches
//! exactly once, notifies, and applies the policy's breach actions.
//!
//! The clock arithmetic is the domain's (`loopdesk_domain::sla`, `loopdesk_domain::calendar`); this module loads
//! what it needs and writes the result in the ticket's transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use loopdesk_domain::calendar::{self, BusinessCalendar, Schedule};
use loopdesk_domain::conditions::{Condition, TicketFacts};
use loopdesk_domain::dispatch::DispatchCause;
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::ids::TicketId;
use loopdesk_domain::notify::{NoticeParams, NotifyKind};
use loopdesk_domain::policy::{self, Actor, Permission};
pub use loopdesk_domain::sla::BreachActions;
use loopdesk_domain::sla::{self, SlaEvent, SlaEventKind, SlaPolicy, SlaTargets, TicketSla};
use loopdesk_domain::ticket::{self as rules, EventKind, Priority, TicketStatus};
use loopdesk_persistence::models::{
    CalendarRow, CalendarValues, SlaPolicyRow, SlaPolicyValues, TicketRow, TicketSlaRow,
};
use loopdesk_persistence::queries::tickets::SlaSnapshot;
use loopdesk_persistence::queries::{dispatch as dispatch_q, sla as q};
use loopdesk_persistence::{DbConn, Json, tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::kernel::{By, EventLog, TicketChange, WriteStep, checked_order, set_tags, status_of, to_json};
use crate::views::{TicketSlaView, TicketView};
use crate::{App, AppError, AppResult, utc};

/// How many tickets one SLA pass looks at; the rest wait for the next pass.
const SLA_BATCH: i64 = 500;

// ---- inputs and views

/// A business calendar (工作日历): time zone, working spans per weekday, holidays and make-up days (调休).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(from = "CalendarInputMembers")]
pub struct CalendarInput {
    #[schema(example = "中国大陆工作日")]
    pub name: String,
    #[serde(flatten)]
    pub calendar: BusinessCalendar,
}

/// The same JSON as `CalendarInput`, read member by member: through `flatten`, serde buffers the calendar's
/// members and a member that does not fit (`holidays[1].date` = "2027-02-30") loses its path.
#[derive(Deserialize)]
struct CalendarInputMembers {
    name: String,
    time_zone: String,
    week: calendar::WeekHours,
    #[serde(default)]
    holidays: Vec<calendar::Holiday>,
    #[serde(default)]
    extra_working_days: Vec<calendar::ExtraWorkingDay>,
}

impl From<CalendarInputMembers> for CalendarInput {
    fn from(m: CalendarInputMembers) -> Self {
        CalendarInput {
            name: m.name,
            calendar: BusinessCalendar {
                time_zone: m.time_zone,
                week: m.week,
                holidays: m.holidays,
                extra_working_days: m.extra_working_days,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarView {
    pub id: i64,
    pub name: String,
    #[serde(flatten)]
    pub calendar: BusinessCalendar,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A year of holidays and make-up days as CSV (`date,kind,name[,works_like]`) or JSON (a list of the same).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct HolidayImportInput {
    #[schema(example = "date,kind,name,works_like\n2026-10-01,holiday,国庆节\n2026-10-10,workday,国庆调休,fri")]
    pub text: String,
    /// replace the dates already there in the years the file covers (default), or add to them
    #[serde(default = "replace_by_default")]
    pub replace_years: bool,
}

fn replace_by_default() -> bool {
    true
}

/// An SLA policy: which tickets (routing conditions), targets per priority, the calendar they count on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SlaPolicyInput {
    #[schema(example = "VIP 客户")]
    pub name: String,
    /// selection order, ascending; defaults to after the last policy
    pub position: Option<i32>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// the routing rules' conditions, e.g. `{"kind": "organization_tier", "tiers": ["vip"]}`; none: every ticket
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[schema(example = json!({"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}, "high": {"first_response_minutes": 60, "resolution_minutes": 480}}))]
    pub targets: SlaTargets,
    /// the business calendar the targets count on; null: around the clock (24×7)
    pub calendar_id: Option<i64>,
    /// warn when this share of a target is used (1–99, default 75)
    #[serde(default = "default_warn")]
    #[schema(minimum = 1, maximum = 99)]
    pub warn_at_percent: u8,
    #[serde(default)]
    pub breach_actions: BreachActions,
}

fn enabled() -> bool {
    true
}

fn default_warn() -> u8 {
    sla::DEFAULT_WARN_AT_PERCENT
}

/// The new order of the SLA policies: every policy id, first to last.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PolicyOrderInput {
    #[schema(example = json!([3, 1, 2]))]
    pub policy_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SlaPolicyView {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    pub conditions: Vec<Condition>,
    pub targets: SlaTargets,
    pub calendar_id: Option<i64>,
    #[schema(minimum = 1, maximum = 99)]
    pub warn_at_percent: u8,
    pub breach_actions: BreachActions,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// ---- rows ↔ domain

fn calendar_view(row: &CalendarRow) -> CalendarView {
    CalendarView {
        id: row.id,
        name: row.name.clone(),
        calendar: row.definition.0.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

/// The calendar's working time; one that no longer compiles counts as 24×7 rather than stopping the clocks.
fn schedule_of(row: &CalendarRow) -> Schedule {
    row.definition.compile().unwrap_or_else(|_| Schedule::always())
}

fn policy_of(row: &SlaPolicyRow) -> (SlaPolicy, BreachActions) {
    let policy = SlaPolicy {
        id: row.id,
        name: row.name.clone(),
        position: row.position,
        enabled: row.enabled,
        conditions: row.conditions.0.clone(),
        targets: row.targets.0,
        calendar_id: row.calendar_id,
        warn_at_percent: u8::try_from(row.warn_at_percent).unwrap_or(sla::DEFAULT_WARN_AT_PERCENT),
    };
    (policy, row.breach_actions.0.clone())
}

fn policy_view(row: &SlaPolicyRow) -> SlaPolicyView {
    let (policy, breach_actions) = policy_of(row);
    SlaPolicyView {
        id: policy.id,
        name: policy.name,
        position: policy.position,
        enabled: policy.enabled,
        conditions: policy.conditions,
        targets: policy.targets,
        calendar_id: policy.calendar_id,
        warn_at_percent: policy.warn_at_percent,
        breach_actions,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

/// Compiled schedules by calendar id, loaded on demand (a calendar compiles once per use case).
#[derive(Default)]
pub(crate) struct Schedules(HashMap<i64, Schedule>);

impl Schedules {
    pub(crate) fn get(&mut self, conn: &mut DbConn, calendar_id: Option<i64>) -> AppResult<Schedule> {
        let Some(id) = calendar_id else { return Ok(Schedule::always()) };
        if let Some(schedule) = self.0.get(&id) {
            return Ok(schedule.clone());
        }
        // A calendar that vanished counts as 24×7 rather than stopping the clocks.
        let schedule = q::find_calendar(conn, id)?.map_or_else(Schedule::always, |row| schedule_of(&row));
        self.0.insert(id, schedule.clone());
        Ok(schedule)
    }
}

/// The enabled policies in selection order (breach actions are read when a breach happens).
fn enabled_policies(conn: &mut DbConn) -> AppResult<Vec<SlaPolicy>> {
    Ok(q::list_policies(conn)?.iter().filter(|p| p.enabled).map(|row| policy_of(row).0).collect())
}

fn clock_event(log: &mut EventLog, event: &SlaEvent) {
    log.push(EventKind::Sla, Some(&format!("sla.{}", event.metric)), None, Some(to_json(event)), None);
}

fn sla_row(ticket_id: i64, clocks: &TicketSla, at: NaiveDateTime) -> TicketSlaRow {
    TicketSlaRow {
        ticket_id,
        policy_id: Some(clocks.policy_id),
        calendar_id: clocks.calendar_id,
        clocks: Json(clocks.clone()),
        next_check_at: clocks.next_check_at().map(|t| t.naive_utc()),
        updated_at: at,
    }
}

/// Who hears about a warning or breach: the assignee, and on a breach (or when nobody holds the ticket) the
/// group's supervisor.
fn recipients(conn: &mut DbConn, row: &TicketRow, kind: SlaEventKind) -> AppResult<Vec<i64>> {
    let mut to = Vec::new();
    to.extend(row.assignee_id);
    if (kind == SlaEventKind::Breached || row.assignee_id.is_none())
        && let Some(group) = row.group_id
        && let Some(supervisor) = dispatch_q::group_supervisor(conn, group)?
        && !to.contains(&supervisor)
    {
        to.push(supervisor);
    }
    Ok(to)
}

fn raised(priority: Priority) -> Priority {
    match priority {
        Priority::Low => Priority::Normal,
        Priority::Normal => Priority::High,
        Priority::High | Priority::Urgent => Priority::Urgent,
    }
}

/// The clocks a new ticket starts with, if a policy covers it.
pub(crate) struct StartedSla {
    pub clocks: TicketSla,
    pub events: Vec<SlaEvent>,
}

impl StartedSla {
    pub fn due_at(&self) -> Option<NaiveDateTime> {
        self.clocks.due_at().map(|t| t.naive_utc())
    }
}

/// The write step of SLA: starts a new ticket's clocks on the ticket as routing left it, and keeps the clocks of
/// a changed ticket true (pausing, meeting, retargeting), with the due time on the row and the clock events in
/// the history.
pub(crate) struct SlaClocks;

impl WriteStep for SlaClocks {
    fn name(&self) -> &'static str {
        "sla clocks"
    }

    fn before_save(&self, app: &App, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        if !change.is_create() {
            return app.settle_sla(conn, change);
        }
        let facts = change.facts(conn, None)?;
        if let Some(started) = app.start_sla(conn, &facts, change.at())? {
            change.after.sla_due_at = started.due_at();
            for event in &started.events {
                clock_event(&mut change.log, event);
            }
            change.log.note(started); // the clocks are written once the ticket has its id
        }
        Ok(())
    }

    fn after_save(&self, _app: &App, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        for started in change.log.take_notes::<StartedSla>() {
            q::save_ticket_sla(conn, &sla_row(change.after.id, &started.clocks, change.at()))?;
        }
        Ok(())
    }
}

impl App {
    // ---- calendars

    pub fn list_calendars(&self, actor: &Actor) -> AppResult<Vec<CalendarView>> {
        require_sla_read(actor)?;
        let mut conn = self.conn()?;
        Ok(q::list_calendars(&mut conn)?.iter().map(calendar_view).collect())
    }

    pub fn get_calendar(&self, actor: &Actor, id: i64) -> AppResult<CalendarView> {
        require_sla_read(actor)?;
        let mut conn = self.conn()?;
        Ok(calendar_view(&q::find_calendar(&mut conn, id)?.ok_or(AppError::NotFound("calendar"))?))
    }

    pub fn create_calendar(&self, actor: &Actor, input: &CalendarInput) -> AppResult<CalendarView> {
        policy::require(actor, Permission::SlaManage)?;
        let values = checked_calendar(input, self.now_naive())?;
        let mut conn = self.conn()?;
        let row = q::insert_calendar(&mut conn, &values, self.now_naive()).map_err(duplicate_calendar)?;
        Ok(calendar_view(&row))
    }

    /// Replaces a calendar; the running clocks of open tickets on it move onto the new working time.
    pub fn update_calendar(&self, actor: &Actor, id: i64, input: &CalendarInput) -> AppResult<CalendarView> {
        policy::require(actor, Permission::SlaManage)?;
        let values = checked_calendar(input, self.now_naive())?;
        self.replace_calendar(id, values)
    }

    /// Merges a year of holidays and make-up days into a calendar (CSV or JSON, detected by content).
    pub fn import_holidays(&self, actor: &Actor, id: i64, input: &HolidayImportInput) -> AppResult<CalendarView> {
        policy::require(actor, Permission::SlaManage)?;
        let import =
            calendar::parse_holiday_file(&input.text).map_err(|e| AppError::Validation(e.to_field_errors("text")))?;
        let mut conn = self.conn()?;
        let row = q::find_calendar(&mut conn, id)?.ok_or(AppError::NotFound("calendar"))?;
        let mut merged = row.definition.0.clone();
        calendar::apply_import(&mut merged, &import, input.replace_years);
        let values = checked_calendar(&CalendarInput { name: row.name.clone(), calendar: merged }, self.now_naive())?;
        self.replace_calendar(id, values)
    }

    fn replace_calendar(&self, id: i64, values: CalendarValues) -> AppResult<CalendarView> {
        let now = self.now();
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let old = q::find_calendar(conn, id)?.ok_or(AppError::NotFound("calendar"))?;
            let old_schedule = schedule_of(&old);
            let row = q::update_calendar(conn, id, &values)
                .map_err(duplicate_calendar)?
                .ok_or(AppError::NotFound("calendar"))?;
            let new_schedule = schedule_of(&row);
            for stored in q::open_on_calendar(conn, id)? {
                let mut clocks = stored.clocks.0.clone();
                if clocks.rebase(&old_schedule, &new_schedule, now) {
                    q::save_ticket_sla(conn, &sla_row(stored.ticket_id, &clocks, now.naive_utc()))?;
                    q::set_ticket_due(conn, stored.ticket_id, clocks.due_at().map(|t| t.naive_utc()))?;
                }
            }
            Ok(calendar_view(&row))
        })
    }

    pub fn delete_calendar(&self, actor: &Actor, id: i64) -> AppResult<()> {
        policy::require(actor, Permission::SlaManage)?;
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let users = q::policies_using_calendar(conn, id)?;
            if users > 0 {
                let detail = format!("{users} SLA policies count on this calendar; change them first");
                return Err(AppError::refused("calendar_in_use", detail).with_param("policies", users));
            }
            if !q::delete_calendar(conn, id)? {
                return Err(AppError::NotFound("calendar"));
            }
            Ok(())
        })
    }

    // ---- policies

    pub fn list_sla_policies(&self, actor: &Actor) -> AppResult<Vec<SlaPolicyView>> {
        require_sla_read(actor)?;
        let mut conn = self.conn()?;
        Ok(q::list_policies(&mut conn)?.iter().map(policy_view).collect())
    }

    pub fn get_sla_policy(&self, actor: &Actor, id: i64) -> AppResult<SlaPolicyView> {
        require_sla_read(actor)?;
        let mut conn = self.conn()?;
        Ok(policy_view(&q::find_policy(&mut conn, id)?.ok_or(AppError::NotFound("SLA policy"))?))
    }

    /// Adds a policy. It covers tickets created from now on; open tickets keep their clocks until their priority
    /// or facts change.
    pub fn create_sla_policy(&self, actor: &Actor, input: &SlaPolicyInput) -> AppResult<SlaPolicyView> {
        policy::require(actor, Permission::SlaManage)?;
        let now = self.now_naive();
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let position = match input.position {
                Some(p) => p,
                None => q::next_policy_position(conn)?,
            };
            let values = self.checked_policy(conn, 0, position, input, now)?;
            Ok(policy_view(&q::insert_policy(conn, &values, now)?))
        })
    }

    pub fn update_sla_policy(&self, actor: &Actor, id: i64, input: &SlaPolicyInput) -> AppResult<SlaPolicyView> {
        policy::require(actor, Permission::SlaManage)?;
        let now = self.now_naive();
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let current = q::find_policy(conn, id)?.ok_or(AppError::NotFound("SLA policy"))?;
            let values = self.checked_policy(conn, id, input.position.unwrap_or(current.position), input, now)?;
            Ok(policy_view(&q::update_policy(conn, id, &values)?.ok_or(AppError::NotFound("SLA policy"))?))
        })
    }

    /// Puts the policies in the given order (every policy id once, first to last).
    pub fn reorder_sla_policies(&self, actor: &Actor, input: &PolicyOrderInput) -> AppResult<Vec<SlaPolicyView>> {
        policy::require(actor, Permission::SlaManage)?;
        let now = self.now_naive();
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let existing: BTreeSet<i64> = q::list_policies(conn)?.iter().map(|p| p.id).collect();
            for (id, position) in checked_order("policy_ids", "policy", &input.policy_ids, &existing)? {
                q::set_policy_position(conn, id, position, now)?;
            }
            Ok(q::list_policies(conn)?.iter().map(policy_view).collect())
        })
    }

    pub fn delete_sla_policy(&self, actor: &Actor, id: i64) -> AppResult<()> {
        policy::require(actor, Permission::SlaManage)?;
        let mut conn = self.conn()?;
        if !q::delete_policy(&mut conn, id)? {
            return Err(AppError::NotFound("SLA policy"));
        }
        Ok(())
    }

    fn checked_policy(
        &self,
        conn: &mut DbConn,
        id: i64,
        position: i32,
        input: &SlaPolicyInput,
        now: NaiveDateTime,
    ) -> AppResult<SlaPolicyValues> {
        let policy = SlaPolicy {
            id,
            name: input.name.trim().to_string(),
            position,
            enabled: input.enabled,
            conditions: input.conditions.clone(),
            targets: input.targets,
            calendar_id: input.calendar_id,
            warn_at_percent: input.warn_at_percent,
        };
        let known = crate::conditions::known_refs(conn, &policy.conditions, &[])?;
        let calendar_ids: BTreeSet<i64> = q::list_calendars(conn)?.iter().map(|c| c.id).collect();
        let mut errors = match sla::validate_policy(&policy, &known, &calendar_ids) {
            Ok(()) => FieldErrors::new(),
            Err(errors) => errors,
        };
        let tags = match rules::normalize_tags(&input.breach_actions.add_tags) {
            Ok(tags) => tags,
            Err(found) => {
                for message in found.0.into_values().flatten() {
                    errors.add("breach_actions.add_tags", message);
                }
                vec![]
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let actions = BreachActions { add_tags: tags, ..input.breach_actions.clone() };
        Ok(SlaPolicyValues {
            name: policy.name,
            position,
            enabled: policy.enabled,
            conditions: Json(policy.conditions.clone()),
            targets: Json(policy.targets),
            calendar_id: policy.calendar_id,
            warn_at_percent: i32::from(policy.warn_at_percent),
            breach_actions: Json(actions),
            updated_at: now,
        })
    }

    // ---- the clocks of tickets

    /// The clocks a ticket about to be created starts with (None when no enabled policy covers it).
    fn start_sla(&self, conn: &mut DbConn, facts: &TicketFacts, at: NaiveDateTime) -> AppResult<Option<StartedSla>> {
        let policies = enabled_policies(conn)?;
        let Some(policy) = sla::select_policy(&policies, facts) else { return Ok(None) };
        let schedule = Schedules::default().get(conn, policy.calendar_id)?;
        let (clocks, events) = TicketSla::start(policy, facts.priority, &schedule, utc(at));
        Ok(Some(StartedSla { clocks, events }))
    }

    /// Keeps a ticket's clocks true after a change, in the change's transaction: status changes pause, resume,
    /// meet or reopen; the first public staff reply meets the first response; a priority change retargets (with
    /// the policy selected again). Sets the ticket's due time and appends the clock events to the history.
    fn settle_sla(&self, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        let Some(before) = &change.before else { return Ok(()) };
        let after = &change.after;
        let status_changed = before.status != after.status;
        let replied = before.first_response_at.is_none() && after.first_response_at.is_some();
        let reprioritised = before.priority != after.priority;
        if !(status_changed || replied || reprioritised) {
            return Ok(());
        }
        let facts = if reprioritised { Some(change.facts(conn, Some(utc(change.at())))?) } else { None };
        let (Some(before), after, log) = (&change.before, &mut change.after, &mut change.log) else { return Ok(()) };
        let Some(row) = q::find_ticket_sla(conn, after.id)? else { return Ok(()) };
        let mut clocks = row.clocks.0.clone();
        let now = utc(log.at);
        let mut schedules = Schedules::default();
        let mut schedule = schedules.get(conn, clocks.calendar_id)?;
        let mut events = Vec::new();
        if status_changed {
            let (from, to) = (status_of(before)?, status_of(after)?);
            events.extend(clocks.on_status_change(&schedule, from, to, now));
        }
        if replied {
            events.extend(clocks.on_public_reply(&schedule, now));
        }
        if let Some(facts) = facts {
            let policies = enabled_policies(conn)?;
            if let Some(policy) = sla::select_policy(&policies, &facts) {
                let new_schedule = schedules.get(conn, policy.calendar_id)?;
                if policy.calendar_id != clocks.calendar_id {
                    clocks.rebase(&schedule, &new_schedule, now);
                    schedule = new_schedule;
                }
                let priority = Priority::from_rank(after.priority).unwrap_or(Priority::Normal);
                let status = status_of(after)?;
                events.extend(clocks.reapply(
                    policy,
                    priority,
                    status,
                    after.first_response_at.is_some(),
                    &schedule,
                    now,
                ));
            }
        }
        if events.is_empty() && clocks == row.clocks.0 {
            return Ok(());
        }
        for event in &events {
            clock_event(log, event);
        }
        q::save_ticket_sla(conn, &sla_row(row.ticket_id, &clocks, log.at))?;
        after.sla_due_at = clocks.due_at().map(|t| t.naive_utc());
        Ok(())
    }

    /// A ticket's SLA as the API shows it; None for customers (targets are internal) and for tickets without one.
    pub(crate) fn attach_sla(&self, conn: &mut DbConn, actor: &Actor, views: &mut [TicketView]) -> AppResult<()> {
        if !policy::sees_internal(actor) || views.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = views.iter().map(|v| v.id).collect();
        let rows: HashMap<i64, TicketSlaRow> =
            q::ticket_slas(conn, &ids)?.into_iter().map(|r| (r.ticket_id, r)).collect();
        if rows.is_empty() {
            return Ok(());
        }
        let policy_names: HashMap<i64, String> = q::list_policies(conn)?.into_iter().map(|p| (p.id, p.name)).collect();
        let mut schedules = Schedules::default();
        let now = self.now();
        for view in views.iter_mut() {
            let Some(clocks) = rows.get(&view.id).map(|r| &r.clocks) else { continue };
            let schedule = schedules.get(conn, clocks.calendar_id)?;
            let name = policy_names.get(&clocks.policy_id).cloned();
            view.sla = sla_view(clocks, name, &schedule, now);
        }
        Ok(())
    }

    /// `attach_sla` for one ticket read with its clocks (`find_named`): no further query.
    pub(crate) fn attach_sla_snapshot(&self, actor: &Actor, view: &mut TicketView, snapshot: Option<&SlaSnapshot>) {
        let Some(snapshot) = snapshot.filter(|_| policy::sees_internal(actor)) else { return };
        let schedule = snapshot.calendar.as_ref().and_then(|c| c.compile().ok()).unwrap_or_else(Schedule::always);
        view.sla = sla_view(&snapshot.clocks, snapshot.policy_name.clone(), &schedule, self.now());
    }

    /// One pass of the SLA worker: records every warning and breach that is due, exactly once even with several
    /// instances (each ticket is re-checked under its row lock), notifies the assignee (and on a breach the
    /// group's supervisor), and applies the policy's breach actions. Returns how many events it recorded.
    pub fn record_due_sla_events(&self) -> AppResult<usize> {
        let due = {
            let mut conn = self.conn()?;
            q::due_for_check(&mut conn, self.now_naive(), SLA_BATCH)?
        };
        let mut recorded = 0;
        for ticket_id in due {
            let outcome = self.change_ticket_by(By::System, TicketId(ticket_id), None, |conn, row, log| {
                let Some(sla_state) = q::find_ticket_sla(conn, row.id)? else { return Ok(0) };
                let mut clocks = sla_state.clocks.0.clone();
                let schedule = Schedules::default().get(conn, clocks.calendar_id)?;
                let events = clocks.record_due(&schedule, utc(log.at));
                q::save_ticket_sla(conn, &sla_row(sla_state.ticket_id, &clocks, log.at))?;
                if events.is_empty() {
                    return Ok(0); // another instance got here first, or the ticket moved on
                }
                for event in &events {
                    clock_event(log, event);
                    let params = NoticeParams {
                        sla_metric: Some(event.metric),
                        target_minutes: Some(event.target_minutes),
                        ..NoticeParams::ticket(rules::format_ticket_number(row.id))
                    };
                    let kind = if event.kind == SlaEventKind::Breached {
                        NotifyKind::SlaBreached
                    } else {
                        NotifyKind::SlaWarning
                    };
                    let users = recipients(conn, row, event.kind)?;
                    self.notify(conn, kind, row, params, &users, log.at)?;
                }
                if events.iter().any(|e| e.kind == SlaEventKind::Breached) {
                    self.apply_breach_actions(conn, row, log, clocks.policy_id)?;
                }
                Ok(events.len())
            });
            match outcome {
                Ok((_, n)) => recorded += n,
                Err(AppError::NotFound(_)) => {}
                Err(e) => log::warn!("SLA check of ticket {ticket_id} failed: {e}"),
            }
        }
        Ok(recorded)
    }

    fn apply_breach_actions(
        &self,
        conn: &mut DbConn,
        row: &mut TicketRow,
        log: &mut EventLog,
        policy_id: i64,
    ) -> AppResult<()> {
        let Some(policy_row) = q::find_policy(conn, policy_id)? else { return Ok(()) };
        let (_, actions) = policy_of(&policy_row);
        if actions.raise_priority {
            let current = Priority::from_rank(row.priority).unwrap_or(Priority::Normal);
            let next = raised(current);
            if next != current {
                log.push(
                    EventKind::FieldChanged,
                    Some("priority"),
                    Some(current.to_string()),
                    Some(next.to_string()),
                    Some("SLA breached".into()),
                );
                row.priority = next.rank();
            }
        }
        if !actions.add_tags.is_empty() {
            let mut tags = row.tags.0.clone();
            tags.extend(actions.add_tags.iter().cloned());
            if let Ok(tags) = rules::normalize_tags(&tags) {
                set_tags(row, log, &tags, Some("SLA breached".into()));
            }
        }
        if actions.redispatch && TicketStatus::parse(&row.status).is_some_and(TicketStatus::is_open) {
            self.reroute_row(conn, row, log, DispatchCause::Reroute, None, Some("SLA breached".into()))?;
        }
        Ok(())
    }
}

fn sla_view(
    clocks: &TicketSla,
    policy_name: Option<String>,
    schedule: &Schedule,
    now: DateTime<Utc>,
) -> Option<TicketSlaView> {
    Some(TicketSlaView {
        policy_id: clocks.policy_id,
        policy_name,
        calendar_id: clocks.calendar_id,
        state: clocks.state(schedule, now)?,
        due_at: clocks.due_at(),
        first_response: clocks.first_response.as_ref().map(|c| c.view(schedule, now)),
        resolution: clocks.resolution.as_ref().map(|c| c.view(schedule, now)),
    })
}

fn checked_calendar(input: &CalendarInput, at: NaiveDateTime) -> AppResult<CalendarValues> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.add("name", "is required");
    } else if name.chars().count() > 100 {
        errors.add("name", "must be at most 100 characters");
    }
    if let Err(found) = calendar::validate_calendar(&input.calendar) {
        errors.merge(found);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(CalendarValues { name: name.to_string(), definition: Json(input.calendar.clone()), updated_at: at })
}

fn duplicate_calendar(e: diesel::result::Error) -> AppError {
    if tx::is_unique_violation(&e) {
        AppError::refused("name_taken", "a calendar with this name already exists").with_param("resource", "calendar")
    } else {
        e.into()
    }
}

/// Calendars and policies are readable by staff who dispatch (the SLA badge names them), writable with sla_manage.
fn require_sla_read(actor: &Actor) -> AppResult<()> {
    policy::require(actor, Permission::SlaManage).or_else(|_| policy::require(actor, Permission::TicketsAssign))?;
    Ok(())
}
