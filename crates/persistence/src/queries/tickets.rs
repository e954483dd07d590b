//! Tickets, their tag and custom-field indexes, comments, events and idempotency keys.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use loopdesk_domain::calendar::BusinessCalendar;
use loopdesk_domain::fields::FieldDefinition;
use loopdesk_domain::policy::TicketVisibility;
use loopdesk_domain::sla::TicketSla;

use crate::db::DbConn;
use crate::json::Json;
use crate::models::*;
use crate::schema::{
    agent_groups, calendars, comments, idempotency_keys, organizations, sla_policies, ticket_dispatch, ticket_events,
    ticket_field_values, ticket_sla, ticket_tags, ticket_types, tickets, users,
};

type QResult<T> = Result<T, diesel::result::Error>;

pub fn insert(conn: &mut DbConn, row: &NewTicket) -> QResult<TicketRow> {
    diesel::insert_into(tickets::table)
        .values(row)
        .returning(<TicketRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QResult<Option<TicketRow>> {
    tickets::table.find(id).select(TicketRow::as_select()).first(conn).optional()
}

// ---- one ticket with the names it refers to

/// The names a ticket's view shows beside its ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable)]
pub struct TicketNames {
    pub type_name: String,
    pub requester_name: String,
    pub assignee_name: Option<String>,
    pub group_name: Option<String>,
    pub organization_name: Option<String>,
}

/// A ticket with its names and its type's custom-field definitions.
#[derive(Debug, Clone)]
pub struct NamedTicket {
    pub row: TicketRow,
    pub names: TicketNames,
    pub type_fields: Json<Vec<FieldDefinition>>,
    /// its SLA clocks, when a policy covers it
    pub sla: Option<SlaSnapshot>,
    /// waiting in the claim pool
    pub pooled: bool,
    /// when the assignee must accept by (dispatch with a limit)
    pub accept_by: Option<NaiveDateTime>,
}

/// A ticket's SLA clocks with the policy's name and the calendar's definition, read with the ticket.
#[derive(Debug, Clone)]
pub struct SlaSnapshot {
    pub clocks: Json<TicketSla>,
    pub policy_name: Option<String>,
    pub calendar: Option<Json<BusinessCalendar>>,
}

diesel::alias!(users as requesters: RequestersAlias, users as assignees: AssigneesAlias);

/// The ticket, its names, its type's definitions and its SLA clocks in one query (the type and the
/// requester always exist; assignee, group, organisation and clocks may be absent).
pub fn find_named(conn: &mut DbConn, id: i64) -> QResult<Option<NamedTicket>> {
    type Found = (
        TicketRow,
        TicketNames,
        Json<Vec<FieldDefinition>>,
        Option<Json<TicketSla>>,
        Option<String>,
        Option<Json<BusinessCalendar>>,
        Option<bool>,
        Option<NaiveDateTime>,
    );
    tickets::table
        .inner_join(ticket_types::table)
        .inner_join(requesters.on(requesters.field(users::id).eq(tickets::requester_id)))
        .left_join(assignees.on(assignees.field(users::id).nullable().eq(tickets::assignee_id)))
        .left_join(agent_groups::table.on(agent_groups::id.nullable().eq(tickets::group_id)))
        .left_join(organizations::table.on(organizations::id.nullable().eq(tickets::organization_id)))
        .left_join(ticket_sla::table.on(ticket_sla::ticket_id.eq(tickets::id)))
        .left_join(sla_policies::table.on(sla_policies::id.nullable().eq(ticket_sla::policy_id)))
        .left_join(calendars::table.on(calendars::id.nullable().eq(ticket_sla::calendar_id)))
        .left_join(ticket_dispatch::table.on(ticket_dispatch::ticket_id.eq(tickets::id)))
        .filter(tickets::id.eq(id))
        .select((
            TicketRow::as_select(),
            (
                ticket_types::name,
                requesters.field(users::name),
                assignees.field(users::name).nullable(),
                agent_groups::name.nullable(),
                organizations::name.nullable(),
            ),
            ticket_types::fields,
            ticket_sla::clocks.nullable(),
            sla_policies::name.nullable(),
            calendars::definition.nullable(),
            ticket_dispatch::pooled.nullable(),
            ticket_dispatch::accept_by.nullable(),
        ))
        .first::<Found>(conn)
        .optional()
        .map(|found| {
            found.map(|(row, names, type_fields, clocks, policy_name, calendar, pooled, accept_by)| NamedTicket {
                pooled: pooled.unwrap_or(false) && row.assignee_id.is_none(),
                row,
                names,
                type_fields,
                sla: clocks.map(|clocks| SlaSnapshot { clocks, policy_name, calendar }),
                accept_by,
            })
        })
}

/// The ids a ticket's names come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketRefs {
    pub type_id: i64,
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    pub group_id: Option<i64>,
    pub organization_id: Option<i64>,
}

impl From<&TicketRow> for TicketRefs {
    fn from(row: &TicketRow) -> Self {
        TicketRefs {
            type_id: row.type_id,
            requester_id: row.requester_id,
            assignee_id: row.assignee_id,
            group_id: row.group_id,
            organization_id: row.organization_id,
        }
    }
}

/// The names for these ids (and the type's definitions) in one query, without reading
/// the ticket: a write's response shows the row it wrote, not a later one. None when the
/// type or the requester does not exist.
pub fn names_for(conn: &mut DbConn, row: TicketRefs) -> QResult<Option<(TicketNames, Json<Vec<FieldDefinition>>)>> {
    ticket_types::table
        .inner_join(requesters.on(requesters.field(users::id).eq(row.requester_id)))
        .left_join(assignees.on(assignees.field(users::id).nullable().eq(row.assignee_id)))
        .left_join(agent_groups::table.on(agent_groups::id.nullable().eq(row.group_id)))
        .left_join(organizations::table.on(organizations::id.nullable().eq(row.organization_id)))
        .filter(ticket_types::id.eq(row.type_id))
        .select((
            (
                ticket_types::name,
                requesters.field(users::name),
                assignees.field(users::name).nullable(),
                agent_groups::name.nullable(),
                organizations::name.nullable(),
            ),
            ticket_types::fields,
        ))
        .first::<(TicketNames, Json<Vec<FieldDefinition>>)>(conn)
        .optional()
}

pub fn find_by_external(conn: &mut DbConn, source: &str, external_id: &str) -> QResult<Option<TicketRow>> {
    tickets::table
        .filter(tickets::external_source.eq(source))
        .filter(tickets::external_id.eq(external_id))
        .select(TicketRow::as_select())
        .first(conn)
        .optional()
}

/// Locks the ticket row until the transaction ends, so concurrent writers of one
/// ticket queue instead of failing their version check. PostgreSQL only: a SQLite
/// write transaction (`BEGIN IMMEDIATE`) already holds the database's write lock.
pub fn lock_for_update(conn: &mut DbConn, id: i64) -> QResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM tickets WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Writes the changes only if the row still has `expected_version`, bumping it.
/// None means someone else changed the ticket first (the caller answers 412/409).
pub fn update_versioned(
    conn: &mut DbConn,
    id: i64,
    expected_version: i64,
    changes: &TicketChanges,
) -> QResult<Option<TicketRow>> {
    diesel::update(tickets::table.find(id).filter(tickets::version.eq(expected_version)))
        .set((changes, tickets::version.eq(expected_version + 1)))
        .returning(<TicketRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()
}

/// Replaces the filter index of tags for one ticket.
pub fn replace_tags(conn: &mut DbConn, ticket_id: i64, tags: &[String]) -> QResult<()> {
    diesel::delete(ticket_tags::table.filter(ticket_tags::ticket_id.eq(ticket_id))).execute(conn)?;
    for tag in tags {
        diesel::insert_into(ticket_tags::table)
            .values((ticket_tags::ticket_id.eq(ticket_id), ticket_tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the filter index of custom-field values for one ticket.
pub fn replace_field_values(conn: &mut DbConn, ticket_id: i64, entries: &[(String, String)]) -> QResult<()> {
    diesel::delete(ticket_field_values::table.filter(ticket_field_values::ticket_id.eq(ticket_id))).execute(conn)?;
    for (key, value) in entries {
        diesel::insert_into(ticket_field_values::table)
            .values((
                ticket_field_values::ticket_id.eq(ticket_id),
                ticket_field_values::field_key.eq(key),
                ticket_field_values::value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// ---- listing

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    User(i64),
    Unassigned,
}

#[derive(Debug, Clone)]
pub struct TicketFilter {
    pub visibility: TicketVisibility,
    pub statuses: Vec<String>,
    pub priorities: Vec<i32>,
    pub type_ids: Vec<i64>,
    pub group_ids: Vec<i64>,
    pub assignee: Option<AssigneeFilter>,
    pub requester_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub tags: Vec<String>,
    pub created_from: Option<NaiveDateTime>,
    pub created_to: Option<NaiveDateTime>,
    pub updated_from: Option<NaiveDateTime>,
    pub updated_to: Option<NaiveDateTime>,
    /// custom field key = value (all must hold)
    pub custom_fields: Vec<(String, String)>,
    /// text to find in the subject (case-insensitive for Latin letters)
    pub subject_contains: Option<String>,
    /// a ticket number the search text parsed as: matches that id too
    pub number_id: Option<i64>,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    /// only tickets waiting in the claim pool
    pub pooled: bool,
    /// only open tickets whose SLA due time is at or before this instant (the overdue view)
    pub due_by: Option<NaiveDateTime>,
}

impl TicketFilter {
    pub fn visible_to(visibility: TicketVisibility) -> Self {
        TicketFilter {
            visibility,
            statuses: vec![],
            priorities: vec![],
            type_ids: vec![],
            group_ids: vec![],
            assignee: None,
            requester_id: None,
            organization_id: None,
            tags: vec![],
            created_from: None,
            created_to: None,
            updated_from: None,
            updated_to: None,
            custom_fields: vec![],
            subject_contains: None,
            number_id: None,
            external_source: None,
            external_id: None,
            pooled: false,
            due_by: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    CreatedAt,
    UpdatedAt,
    Priority,
    Id,
    /// the SLA due time (tickets without one are left out of this order)
    SlaDue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketSort {
    pub key: SortKey,
    pub descending: bool,
}

/// The position after which the next page starts: the last row's sort value and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorValue {
    Time(NaiveDateTime),
    Int(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketCursor {
    pub value: CursorValue,
    pub id: i64,
}

impl TicketSort {
    /// The cursor that continues after `row` in this order.
    pub fn cursor_after(&self, row: &TicketRow) -> TicketCursor {
        let value = match self.key {
            SortKey::CreatedAt => CursorValue::Time(row.created_at),
            SortKey::UpdatedAt => CursorValue::Time(row.updated_at),
            SortKey::Priority => CursorValue::Int(row.priority as i64),
            SortKey::Id => CursorValue::Int(row.id),
            SortKey::SlaDue => CursorValue::Time(row.sla_due_at.unwrap_or_default()),
        };
        TicketCursor { value, id: row.id }
    }
}

type BoxedTickets<'a, ST> = tickets::BoxedQuery<'a, crate::MultiBackend, ST>;

fn apply_visibility<'a, ST: 'a>(query: BoxedTickets<'a, ST>, visibility: &TicketVisibility) -> BoxedTickets<'a, ST> {
    match visibility {
        TicketVisibility::All => query,
        TicketVisibility::Staff { user_id, group_ids } => query.filter(
            tickets::group_id
                .eq_any(group_ids.clone())
                .or(tickets::assignee_id.eq(*user_id))
                .or(tickets::requester_id.eq(*user_id)),
        ),
        TicketVisibility::Customer { user_id, organization_id: Some(org) } => {
            query.filter(tickets::requester_id.eq(*user_id).or(tickets::organization_id.eq(*org)))
        }
        TicketVisibility::Customer { user_id, organization_id: None } => {
            query.filter(tickets::requester_id.eq(*user_id))
        }
        TicketVisibility::None => query.filter(tickets::id.lt(0)),
    }
}

fn apply_filters<'a, ST: 'a>(mut query: BoxedTickets<'a, ST>, f: &TicketFilter) -> BoxedTickets<'a, ST> {
    query = apply_visibility(query, &f.visibility);
    if !f.statuses.is_empty() {
        query = query.filter(tickets::status.eq_any(f.statuses.clone()));
    }
    if !f.priorities.is_empty() {
        query = query.filter(tickets::priority.eq_any(f.priorities.clone()));
    }
    if !f.type_ids.is_empty() {
        query = query.filter(tickets::type_id.eq_any(f.type_ids.clone()));
    }
    if !f.group_ids.is_empty() {
        query = query.filter(tickets::group_id.eq_any(f.group_ids.clone()));
    }
    match f.assignee {
        Some(AssigneeFilter::User(id)) => query = query.filter(tickets::assignee_id.eq(id)),
        Some(AssigneeFilter::Unassigned) => query = query.filter(tickets::assignee_id.is_null()),
        None => {}
    }
    if let Some(id) = f.requester_id {
        query = query.filter(tickets::requester_id.eq(id));
    }
    if let Some(id) = f.organization_id {
        query = query.filter(tickets::organization_id.eq(id));
    }
    for tag in &f.tags {
        let tagged = ticket_tags::table.filter(ticket_tags::tag.eq(tag.clone())).select(ticket_tags::ticket_id);
        query = query.filter(tickets::id.eq_any(tagged));
    }
    for (key, value) in &f.custom_fields {
        let matching = ticket_field_values::table
            .filter(ticket_field_values::field_key.eq(key.clone()))
            .filter(ticket_field_values::value.eq(value.clone()))
            .select(ticket_field_values::ticket_id);
        query = query.filter(tickets::id.eq_any(matching));
    }
    if let Some(t) = f.created_from {
        query = query.filter(tickets::created_at.ge(t));
    }
    if let Some(t) = f.created_to {
        query = query.filter(tickets::created_at.lt(t));
    }
    if let Some(t) = f.updated_from {
        query = query.filter(tickets::updated_at.ge(t));
    }
    if let Some(t) = f.updated_to {
        query = query.filter(tickets::updated_at.lt(t));
    }
    if let Some(source) = &f.external_source {
        query = query.filter(tickets::external_source.eq(source.clone()));
    }
    if let Some(external_id) = &f.external_id {
        query = query.filter(tickets::external_id.eq(external_id.clone()));
    }
    if let Some(t) = f.due_by {
        query = query.filter(tickets::sla_due_at.le(t)).filter(tickets::status.ne_all(["resolved", "closed"]));
    }
    if f.pooled {
        let pooled = ticket_dispatch::table.filter(ticket_dispatch::pooled.eq(true)).select(ticket_dispatch::ticket_id);
        query = query.filter(tickets::id.eq_any(pooled)).filter(tickets::assignee_id.is_null());
    }
    if let Some(text) = f.subject_contains.as_deref().filter(|t| !t.is_empty()) {
        let pattern = super::directory::like_pattern(&text.to_lowercase());
        let subject_match = super::lower(tickets::subject).like(pattern).escape('\\');
        query = match f.number_id {
            Some(id) => query.filter(subject_match.or(tickets::id.eq(id))),
            None => query.filter(subject_match),
        };
    } else if let Some(id) = f.number_id {
        query = query.filter(tickets::id.eq(id));
    }
    query
}

/// Keyset condition "after the cursor" and the matching ORDER BY, for each sort key.
macro_rules! keyset {
    ($query:expr, $column:expr, $value:expr, $cursor_id:expr, $descending:expr) => {{
        let query = $query;
        match ($descending, $cursor_id) {
            (true, Some(id)) => query
                .filter($column.lt($value).or($column.eq($value).and(tickets::id.lt(id))))
                .order(($column.desc(), tickets::id.desc())),
            (false, Some(id)) => query
                .filter($column.gt($value).or($column.eq($value).and(tickets::id.gt(id))))
                .order(($column.asc(), tickets::id.asc())),
            (true, None) => query.order(($column.desc(), tickets::id.desc())),
            (false, None) => query.order(($column.asc(), tickets::id.asc())),
        }
    }};
}

/// One page of tickets in the requested order, strictly after the cursor.
pub fn list(
    conn: &mut DbConn,
    filter: &TicketFilter,
    sort: TicketSort,
    cursor: Option<TicketCursor>,
    limit: i64,
) -> QResult<Vec<TicketRow>> {
    let query = apply_filters(tickets::table.select(TicketRow::as_select()).into_boxed(), filter);
    let cursor_id = cursor.map(|c| c.id);
    let query = match (sort.key, cursor.map(|c| c.value)) {
        (SortKey::CreatedAt, Some(CursorValue::Time(t))) => {
            keyset!(query, tickets::created_at, t, cursor_id, sort.descending)
        }
        (SortKey::UpdatedAt, Some(CursorValue::Time(t))) => {
            keyset!(query, tickets::updated_at, t, cursor_id, sort.descending)
        }
        (SortKey::Priority, Some(CursorValue::Int(p))) => {
            keyset!(query, tickets::priority, p as i32, cursor_id, sort.descending)
        }
        (SortKey::Id, Some(CursorValue::Int(i))) => keyset!(query, tickets::id, i, cursor_id, sort.descending),
        (SortKey::SlaDue, Some(CursorValue::Time(t))) => {
            keyset!(query.filter(tickets::sla_due_at.is_not_null()), tickets::sla_due_at, t, cursor_id, sort.descending)
        }
        // No cursor (or one that does not fit the sort: the caller rejects those first).
        (SortKey::CreatedAt, _) => {
            keyset!(query, tickets::created_at, NaiveDateTime::MIN, None::<i64>, sort.descending)
        }
        (SortKey::UpdatedAt, _) => {
            keyset!(query, tickets::updated_at, NaiveDateTime::MIN, None::<i64>, sort.descending)
        }
        (SortKey::Priority, _) => keyset!(query, tickets::priority, 0, None::<i64>, sort.descending),
        (SortKey::Id, _) => keyset!(query, tickets::id, 0, None::<i64>, sort.descending),
        (SortKey::SlaDue, _) => keyset!(
            query.filter(tickets::sla_due_at.is_not_null()),
            tickets::sla_due_at,
            NaiveDateTime::MIN,
            None::<i64>,
            sort.descending
        ),
    };
    query.limit(limit).load(conn)
}

/// How many tickets match the filter (the same conditions as `list`).
pub fn count_matching(conn: &mut DbConn, filter: &TicketFilter) -> QResult<i64> {
    apply_filters(tickets::table.into_boxed(), filter).count().get_result(conn)
}

// ---- comments

pub fn insert_comment(conn: &mut DbConn, row: &NewComment) -> QResult<CommentRow> {
    diesel::insert_into(comments::table)
        .values(row)
        .returning(<CommentRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn list_comments(
    conn: &mut DbConn,
    ticket_id: i64,
    include_internal: bool,
    after_id: Option<i64>,
    limit: i64,
) -> QResult<Vec<CommentRow>> {
    let mut query =
        comments::table.filter(comments::ticket_id.eq(ticket_id)).select(CommentRow::as_select()).into_boxed();
    if !include_internal {
        query = query.filter(comments::internal.eq(false));
    }
    if let Some(after) = after_id {
        query = query.filter(comments::id.gt(after));
    }
    query.order(comments::id.asc()).limit(limit).load(conn)
}

// ---- events

pub fn insert_event(conn: &mut DbConn, row: &NewEvent) -> QResult<()> {
    diesel::insert_into(ticket_events::table).values(row).execute(conn)?;
    Ok(())
}

pub fn list_events(
    conn: &mut DbConn,
    ticket_id: i64,
    kinds: Option<&[&str]>,
    after_id: Option<i64>,
    limit: i64,
) -> QResult<Vec<EventRow>> {
    let mut query =
        ticket_events::table.filter(ticket_events::ticket_id.eq(ticket_id)).select(EventRow::as_select()).into_boxed();
    if let Some(kinds) = kinds {
        query = query.filter(ticket_events::kind.eq_any(kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>()));
    }
    if let Some(after) = after_id {
        query = query.filter(ticket_events::id.gt(after));
    }
    query.order(ticket_events::id.asc()).limit(limit).load(conn)
}

// ---- idempotency

pub fn find_idempotency_key(conn: &mut DbConn, user_id: i64, key: &str) -> QResult<Option<IdempotencyRow>> {
    idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user_id))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()
}

/// Claims the key inside the creating transaction; a concurrent or earlier claim is a unique violation.
pub fn insert_idempotency_key(conn: &mut DbConn, row: &NewIdempotencyKey) -> QResult<()> {
    diesel::insert_into(idempotency_keys::table).values(row).execute(conn)?;
    Ok(())
}
