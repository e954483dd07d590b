//! The ticket loop: create → assign/transfer → reply and note → transition → close,
//! every change written with its history event in one transaction.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use loopdesk_domain::dispatch::{DispatchCause, DispatchReason, GeoPoint, Locale, TicketFacts};
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::{self, FieldDefinition, WriteMode, Writer};
use loopdesk_domain::policy::{self, Actor, Permission, TicketAccessFacts, UserKind};
use loopdesk_domain::sla::SlaEvent;
use loopdesk_domain::ticket::{self as rules, Channel, EventKind, Priority, TicketStatus};
use loopdesk_persistence::models::{
    CommentRow, EventRow, NewComment, NewEvent, NewIdempotencyKey, NewTicket, TicketRow, TicketTypeRow,
};
use loopdesk_persistence::queries::tickets::{
    self as q, AssigneeFilter, CursorValue, SortKey, TicketCursor, TicketFilter, TicketNames, TicketRefs, TicketSort,
};
use loopdesk_persistence::queries::{auth as auth_q, directory, ticket_types as types_q};
use loopdesk_persistence::{DbConn, tx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::sha256_hex;
use crate::directory::{double_option, id_page, lookahead, next_id_cursor};
use crate::dispatch::RouteBase;
use crate::views::{CommentView, EventView, Page, TicketLocation, TicketView};
use crate::{App, AppError, AppResult, utc};

type JsonMap = serde_json::Map<String, serde_json::Value>;

/// How often a write that lost a race with another writer is retried before giving up.
const WRITE_ATTEMPTS: usize = 5;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct NewTicketInput {
    #[schema(example = 2)]
    pub type_id: i64,
    #[schema(example = "3 号楼空调不制冷")]
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    pub subject: String,
    #[serde(default)]
    #[schema(example = "三楼东侧会议室空调开机后只吹风不制冷。")]
    #[validate(length(max = 50000, message = "must be at most 50000 characters"))]
    pub description: String,
    /// defaults to the ticket type's default priority
    pub priority: Option<Priority>,
    /// customers always get portal; otherwise defaults to api for API keys and web for people
    /// (record phone, email or monitoring for tickets taken by those channels)
    pub channel: Option<Channel>,
    /// defaults to the caller; customers are always their own requester
    pub requester_id: Option<i64>,
    /// defaults to the requester's organisation
    pub organization_id: Option<i64>,
    /// defaults to the ticket type's default group
    pub group_id: Option<i64>,
    /// assign at once (needs tickets_assign)
    pub assignee_id: Option<i64>,
    #[serde(default)]
    #[schema(example = json!(["空调"]))]
    pub tags: Vec<String>,
    /// where the work is (region rules read the label, the nearest strategy the position)
    pub location: Option<TicketLocation>,
    /// values for the type's custom fields, by key
    #[serde(default)]
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"asset_no": "AC-3-0412", "floor": 3}))]
    pub custom_fields: JsonMap,
    /// the ticket's id in the calling system (unique together with external_source)
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(example = "CRM-88231")]
    pub external_id: Option<String>,
    /// which system external_id belongs to; defaults to "api" when external_id is given
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(example = "crm")]
    pub external_source: Option<String>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
pub struct TicketPatch {
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    pub subject: Option<String>,
    #[validate(length(max = 50000, message = "must be at most 50000 characters"))]
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub requester_id: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub organization_id: Option<Option<i64>>,
    /// replaces the tags
    pub tags: Option<Vec<String>>,
    /// replaces the location; null removes it
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<TicketLocation>)]
    pub location: Option<Option<TicketLocation>>,
    /// merged over the current values; null removes a value
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub custom_fields: Option<JsonMap>,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct TransitionInput {
    #[schema(example = "resolved")]
    pub status: TicketStatus,
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    #[schema(example = "已更换压缩机电容，制冷恢复。")]
    pub note: Option<String>,
}

/// Assign to a person and/or a group. `"assignee_id": null` unassigns.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct AssignInput {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, example = 7)]
    pub assignee_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, example = 3)]
    pub group_id: Option<Option<i64>>,
    /// handover note, kept in the history
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub note: Option<String>,
}

/// Hand the ticket to another person or group; the reason is required and kept in the history.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct TransferInput {
    pub assignee_id: Option<i64>,
    #[schema(example = 5)]
    pub group_id: Option<i64>,
    #[schema(example = "需确认产品设计问题")]
    #[validate(length(min = 1, max = 2000, message = "is required (1 to 2000 characters)"))]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct NewCommentInput {
    #[schema(example = "已安排工程师明早 9 点上门。")]
    #[validate(length(min = 1, max = 20000, message = "must be 1 to 20000 characters"))]
    pub body: String,
    /// an internal note (内部批注), never shown to customers
    #[serde(default)]
    pub internal: bool,
}

/// Filters for the ticket list. Lists take comma-separated values (`status=new,assigned`).
/// Custom fields filter as `cf.<key>=<value>` (equality), e.g. `cf.floor=3`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketListQuery {
    /// comma-separated statuses
    #[param(example = "new,assigned,in_progress")]
    pub status: Option<String>,
    /// comma-separated priorities
    #[param(example = "high,urgent")]
    pub priority: Option<String>,
    /// comma-separated ticket type ids
    pub type_id: Option<String>,
    /// comma-separated group ids
    pub group_id: Option<String>,
    /// a user id, `me` or `none` (unassigned)
    #[param(example = "me")]
    pub assignee: Option<String>,
    pub requester_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// comma-separated tags; a ticket must carry all of them
    pub tag: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    /// text in the subject, or a ticket number (T-000123)
    #[param(example = "空调")]
    pub q: Option<String>,
    /// created_at, updated_at, priority, number or due_at (the SLA due time; tickets without one are left out);
    /// prefix `-` for descending (default -created_at)
    #[param(example = "-updated_at")]
    pub sort: Option<String>,
    /// 1 to 200, default 50
    pub limit: Option<i64>,
    /// next_cursor from the previous page
    pub cursor: Option<String>,
    /// true: only tickets waiting in the claim pool (抢单) for someone to claim
    pub pool: Option<bool>,
    /// true: only open tickets past their SLA due time (the overdue view)
    pub overdue: Option<bool>,
}

/// Result of creating a ticket: `replayed` when an Idempotency-Key matched an earlier request.
#[derive(Debug, Clone)]
pub struct CreatedTicket {
    pub ticket: TicketView,
    pub replayed: bool,
}

/// Page query for comments and events (ids ascending).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------------------

pub(crate) fn facts(row: &TicketRow) -> TicketAccessFacts {
    TicketAccessFacts {
        requester_id: row.requester_id,
        organization_id: row.organization_id,
        group_id: row.group_id,
        assignee_id: row.assignee_id,
    }
}

pub(crate) fn status_of(row: &TicketRow) -> AppResult<TicketStatus> {
    TicketStatus::parse(&row.status)
        .ok_or_else(|| AppError::Internal(format!("ticket {} has status {}", row.id, row.status)))
}

pub(crate) fn parse_json_map(text: &str) -> JsonMap {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn parse_tags(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

pub(crate) fn id_text(id: Option<i64>) -> Option<String> {
    id.map(|v| v.to_string())
}

fn parse_definitions(row: &TicketTypeRow) -> Vec<FieldDefinition> {
    serde_json::from_str(&row.fields).unwrap_or_default()
}

fn writer(actor: &Actor) -> Writer {
    if actor.is_customer() { Writer::Customer } else { Writer::Staff }
}

const MAX_LOCATION_LABEL_CHARS: usize = 300;

/// A location as stored: the label trimmed (blank: none), the position checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CheckedLocation {
    pub label: Option<String>,
    pub point: Option<GeoPoint>,
}

pub(crate) fn checked_location(location: Option<&TicketLocation>, errors: &mut FieldErrors) -> CheckedLocation {
    let Some(location) = location else { return CheckedLocation::default() };
    let label = location.label.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string);
    if label.as_ref().is_some_and(|l| l.chars().count() > MAX_LOCATION_LABEL_CHARS) {
        errors.add("location.label", format!("must be at most {MAX_LOCATION_LABEL_CHARS} characters"));
    }
    let point = match (location.lat, location.lon) {
        (Some(lat), Some(lon)) => {
            let point = GeoPoint::new(lat, lon);
            if !point.is_valid() {
                errors.add("location", "lat must be within ±90 and lon within ±180");
            }
            Some(point)
        }
        (None, None) => None,
        _ => {
            errors.add("location", "give both lat and lon, or neither");
            None
        }
    };
    CheckedLocation { label, point }
}

fn location_view(row: &TicketRow) -> Option<TicketLocation> {
    if row.location_label.is_none() && row.location_lat.is_none() {
        return None;
    }
    Some(TicketLocation { label: row.location_label.clone(), lat: row.location_lat, lon: row.location_lon })
}

pub(crate) fn trimmed_note(note: &Option<String>) -> Option<String> {
    note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string)
}

/// Who makes a change: a person (or system acting through an API key), or Loopdesk itself
/// (the escalation worker), which sees every ticket and is recorded as no actor.
#[derive(Clone, Copy)]
pub(crate) enum By<'a> {
    Actor(&'a Actor),
    System,
}

/// Builds events for one ticket change; the actor and time are fixed per change.
pub(crate) struct EventLog {
    pub(crate) ticket_id: i64,
    actor_id: Option<i64>,
    api_key_id: Option<i64>,
    pub(crate) at: NaiveDateTime,
    events: Vec<NewEvent>,
    /// dispatch wrote the ticket's dispatch state in this change itself
    pub(crate) dispatch_written: bool,
}

impl EventLog {
    pub(crate) fn new(ticket_id: i64, by: By, at: NaiveDateTime) -> Self {
        let (actor_id, api_key_id) = match by {
            By::Actor(actor) => (Some(actor.user_id), actor.api_key_id),
            By::System => (None, None),
        };
        EventLog { ticket_id, actor_id, api_key_id, at, events: vec![], dispatch_written: false }
    }

    pub(crate) fn push(
        &mut self,
        kind: EventKind,
        field: Option<&str>,
        old: Option<String>,
        new: Option<String>,
        note: Option<String>,
    ) {
        self.events.push(NewEvent {
            ticket_id: self.ticket_id,
            actor_id: self.actor_id,
            api_key_id: self.api_key_id,
            kind: kind.as_str().to_string(),
            field: field.map(str::to_string),
            old_value: old,
            new_value: new,
            note,
            created_at: self.at,
        });
    }

    pub(crate) fn status(&mut self, from: TicketStatus, to: TicketStatus, note: Option<String>) {
        self.push(EventKind::StatusChanged, Some("status"), Some(from.to_string()), Some(to.to_string()), note);
    }
}

/// Gives the ticket to `assignee_id` in `group_id`: one event of `kind` per changed
/// field (group first, then person, each with the note), and the status that follows
/// from having an assignee or not (new ⇄ assigned).
pub(crate) fn hand_over(
    row: &mut TicketRow,
    log: &mut EventLog,
    from: TicketStatus,
    kind: EventKind,
    assignee_id: Option<i64>,
    group_id: Option<i64>,
    note: Option<String>,
) {
    if group_id != row.group_id {
        log.push(kind, Some("group_id"), id_text(row.group_id), id_text(group_id), note.clone());
    }
    if assignee_id != row.assignee_id {
        log.push(kind, Some("assignee_id"), id_text(row.assignee_id), id_text(assignee_id), note);
    }
    row.assignee_id = assignee_id;
    row.group_id = group_id;
    let to = rules::status_after_assignment(from, assignee_id.is_some());
    if to != from {
        apply_status(row, to, log.at);
        log.status(from, to, None);
    }
}

/// Moves the ticket to `to`, stamping the resolution/closing times.
pub(crate) fn apply_status(row: &mut TicketRow, to: TicketStatus, at: NaiveDateTime) {
    let from = TicketStatus::parse(&row.status);
    row.status = to.as_str().to_string();
    match to {
        TicketStatus::Resolved => row.resolved_at = Some(at),
        TicketStatus::Closed => row.closed_at = Some(at),
        _ => {}
    }
    if from.is_some_and(|f| TicketStatus::is_reopen(f, to)) {
        row.resolved_at = None;
        row.closed_at = None;
    }
}

impl App {
    /// The view of one row. `names` are those of the row's type, requester, assignee,
    /// group and organisation; `defs` the type's field definitions (needed only for
    /// callers who may not see internal fields).
    pub(crate) fn ticket_view(
        &self,
        actor: &Actor,
        row: &TicketRow,
        names: TicketNames,
        defs: Option<&[FieldDefinition]>,
    ) -> AppResult<TicketView> {
        let status = status_of(row)?;
        let values = parse_json_map(&row.custom_fields);
        let custom_fields = if policy::sees_internal(actor) {
            values
        } else {
            // Without definitions nothing is known to be customer-visible: show nothing.
            fields::customer_view(defs.unwrap_or(&[]), &values)
        };
        let access = facts(row);
        let allowed_transitions = status
            .allowed_next()
            .iter()
            .copied()
            .filter(|to| policy::may_transition(actor, &access, status, *to).is_ok())
            .collect();
        Ok(TicketView {
            id: row.id,
            number: rules::format_ticket_number(row.id),
            type_id: row.type_id,
            type_name: names.type_name,
            subject: row.subject.clone(),
            description: row.description.clone(),
            status,
            priority: Priority::from_rank(row.priority).unwrap_or(Priority::Normal),
            channel: Channel::parse(&row.channel).unwrap_or(Channel::Api),
            requester_id: row.requester_id,
            requester_name: names.requester_name,
            organization_id: row.organization_id,
            organization_name: names.organization_name,
            group_id: row.group_id,
            group_name: names.group_name,
            assignee_id: row.assignee_id,
            assignee_name: names.assignee_name,
            tags: parse_tags(&row.tags),
            location: location_view(row),
            custom_fields,
            external_id: row.external_id.clone(),
            external_source: row.external_source.clone(),
            version: row.version,
            created_by: row.created_by,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            first_response_at: row.first_response_at.map(utc),
            resolved_at: row.resolved_at.map(utc),
            closed_at: row.closed_at.map(utc),
            allowed_transitions,
            sla: None,
            in_pool: false,
            accept_by: None,
        })
    }

    /// What staff see beside the row: the SLA clocks and the dispatch state (pool, acceptance deadline), a fixed
    /// number of queries for any number of views.
    fn attach_live_state(&self, conn: &mut DbConn, actor: &Actor, views: &mut [TicketView]) -> AppResult<()> {
        self.attach_sla(conn, actor, views)?;
        self.attach_dispatch(conn, actor, views)
    }

    /// The view of one row with its names, given the type's definitions as JSON text.
    fn named_view(
        &self,
        actor: &Actor,
        row: &TicketRow,
        names: TicketNames,
        type_fields: &str,
    ) -> AppResult<TicketView> {
        if policy::sees_internal(actor) {
            return self.ticket_view(actor, row, names, None);
        }
        let defs: Vec<FieldDefinition> = serde_json::from_str(type_fields).unwrap_or_default();
        self.ticket_view(actor, row, names, Some(&defs))
    }

    /// The view of a row just written: its names (and type definitions) in one query.
    fn view_with_names(&self, conn: &mut DbConn, actor: &Actor, row: &TicketRow) -> AppResult<TicketView> {
        let (names, type_fields) = q::names_for(conn, TicketRefs::from(row))?
            .ok_or_else(|| AppError::Internal(format!("ticket {} has no type or requester", row.id)))?;
        let mut view = self.named_view(actor, row, names, &type_fields)?;
        self.attach_live_state(conn, actor, std::slice::from_mut(&mut view))?;
        Ok(view)
    }

    /// Loads a ticket the actor may see; one it may not see is "not found", not "forbidden",
    /// so ticket ids cannot be probed.
    pub(crate) fn visible_ticket(&self, conn: &mut DbConn, actor: &Actor, id: i64) -> AppResult<TicketRow> {
        let row = q::find(conn, id)?.ok_or(AppError::NotFound("ticket"))?;
        if !policy::can_view(actor, &facts(&row)) {
            return Err(AppError::NotFound("ticket"));
        }
        Ok(row)
    }

    /// One ticket with its names, read in a single query.
    pub fn get_ticket(&self, actor: &Actor, id: i64) -> AppResult<TicketView> {
        let mut conn = self.conn()?;
        let found = q::find_named(&mut conn, id)?.ok_or(AppError::NotFound("ticket"))?;
        if !policy::can_view(actor, &facts(&found.row)) {
            return Err(AppError::NotFound("ticket"));
        }
        let mut view = self.named_view(actor, &found.row, found.names, &found.type_fields)?;
        self.attach_sla_snapshot(actor, &mut view, found.sla.as_ref());
        if policy::sees_internal(actor) {
            view.in_pool = found.pooled;
            view.accept_by = found.accept_by.map(utc);
        }
        Ok(view)
    }

    // ---- create

    /// Creates a ticket. With an idempotency key, a repeated request returns the
    /// first response and creates nothing; the same key with a different body is a 422.
    pub fn create_ticket(
        &self,
        actor: &Actor,
        input: &NewTicketInput,
        idempotency_key: Option<&str>,
    ) -> AppResult<CreatedTicket> {
        policy::require(actor, Permission::TicketsCreate)?;
        let request_hash = sha256_hex(&to_json(input));
        let mut conn = self.conn()?;
        let attempt = tx::write(&mut conn, |conn| -> AppResult<CreatedTicket> {
            if let Some(key) = idempotency_key
                && let Some(replay) = self.replay(conn, actor, key, &request_hash)?
            {
                return Ok(replay);
            }
            let row = self.insert_ticket(conn, actor, input)?;
            let view = self.view_with_names(conn, actor, &row)?;
            if let Some(key) = idempotency_key {
                q::insert_idempotency_key(
                    conn,
                    &NewIdempotencyKey {
                        user_id: actor.user_id,
                        idempotency_key: key,
                        request_hash: &request_hash,
                        ticket_id: Some(row.id),
                        response_status: 201,
                        response_body: &to_json(&view),
                        created_at: self.now_naive(),
                    },
                )?;
            }
            Ok(CreatedTicket { ticket: view, replayed: false })
        });
        match attempt {
            // A concurrent request with the same key committed first (PostgreSQL): replay it.
            Err(AppError::Internal(_)) | Err(AppError::Conflict { .. }) if idempotency_key.is_some() => {
                let key = idempotency_key.unwrap_or_default();
                match self.replay(&mut conn, actor, key, &request_hash)? {
                    Some(replay) => Ok(replay),
                    None => attempt,
                }
            }
            other => other,
        }
    }

    fn replay(
        &self,
        conn: &mut DbConn,
        actor: &Actor,
        key: &str,
        request_hash: &str,
    ) -> AppResult<Option<CreatedTicket>> {
        let Some(stored) = q::find_idempotency_key(conn, actor.user_id, key)? else { return Ok(None) };
        if stored.request_hash != request_hash {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "this key was already used for a different request; use a new key for a new ticket",
            ));
        }
        let unreadable =
            |e: serde_json::Error| AppError::Internal(format!("stored idempotent response unreadable: {e}"));
        let mut body: serde_json::Value = serde_json::from_str(&stored.response_body).map_err(unreadable)?;
        if body.get("type_name").is_none() {
            self.add_legacy_names(conn, &mut body)?;
        }
        let ticket: TicketView = serde_json::from_value(body).map_err(unreadable)?;
        Ok(Some(CreatedTicket { ticket, replayed: true }))
    }

    /// Responses stored before views carried names lack them: resolve the names of the
    /// ids the stored response holds, so a late retry still gets a complete ticket.
    fn add_legacy_names(&self, conn: &mut DbConn, body: &mut serde_json::Value) -> AppResult<()> {
        #[derive(Deserialize)]
        struct StoredIds {
            type_id: i64,
            requester_id: i64,
            assignee_id: Option<i64>,
            group_id: Option<i64>,
            organization_id: Option<i64>,
        }
        let ids: StoredIds = serde_json::from_value(body.clone())
            .map_err(|e| AppError::Internal(format!("stored idempotent response unreadable: {e}")))?;
        let refs = TicketRefs {
            type_id: ids.type_id,
            requester_id: ids.requester_id,
            assignee_id: ids.assignee_id,
            group_id: ids.group_id,
            organization_id: ids.organization_id,
        };
        let (names, _) = q::names_for(conn, refs)?.unwrap_or_default();
        if let Some(fields) = body.as_object_mut() {
            fields.insert("type_name".into(), names.type_name.into());
            fields.insert("requester_name".into(), names.requester_name.into());
            fields.insert("assignee_name".into(), names.assignee_name.into());
            fields.insert("group_name".into(), names.group_name.into());
            fields.insert("organization_name".into(), names.organization_name.into());
        }
        Ok(())
    }

    fn insert_ticket(&self, conn: &mut DbConn, actor: &Actor, input: &NewTicketInput) -> AppResult<TicketRow> {
        let now = self.now_naive();
        let mut errors = FieldErrors::new();
        let (ticket_type, defs) = match types_q::find(conn, input.type_id)? {
            Some(t) if t.active => {
                let defs = parse_definitions(&t);
                (t, defs)
            }
            _ => return Err(AppError::invalid("type_id", "no such ticket type")),
        };
        let customer = actor.is_customer();

        let requester_id = match (customer, input.requester_id) {
            (true, _) | (false, None) => actor.user_id,
            (false, Some(id)) => id,
        };
        let requester = directory::find_user(conn, requester_id)?;
        let Some(requester) = requester.filter(|u| u.active) else {
            return Err(AppError::invalid("requester_id", "no such active user"));
        };
        let organization_id = if customer {
            actor.organization_id
        } else {
            match input.organization_id {
                Some(id) if directory::find_organization(conn, id)?.is_none() => {
                    errors.add("organization_id", "no such organization");
                    None
                }
                Some(id) => Some(id),
                None => requester.organization_id,
            }
        };
        // Customers cannot route or prioritise their own tickets: the type decides.
        let group_id = match (customer, input.group_id) {
            (false, Some(id)) => {
                if directory::find_group(conn, id)?.is_none() {
                    errors.add("group_id", "no such group");
                }
                Some(id)
            }
            _ => ticket_type.default_group_id,
        };
        let priority = match (customer, input.priority) {
            (false, Some(p)) => p,
            _ => Priority::from_rank(ticket_type.default_priority).unwrap_or(Priority::Normal),
        };
        let channel = if customer {
            Channel::Portal
        } else if actor.api_key_id.is_some() {
            input.channel.unwrap_or(Channel::Api)
        } else {
            input.channel.unwrap_or(Channel::Web)
        };
        let assignee_id = match input.assignee_id {
            None => None,
            Some(_) if customer || !actor.has(Permission::TicketsAssign) => {
                return Err(AppError::Forbidden("assigning requires permission tickets_assign".into()));
            }
            Some(id) => {
                if let Err(message) = self.check_assignee(conn, id, group_id)? {
                    errors.add("assignee_id", message);
                }
                Some(id)
            }
        };
        let tags = match rules::normalize_tags(&input.tags) {
            Ok(tags) => tags,
            Err(e) => {
                errors.merge(e);
                vec![]
            }
        };
        let custom_fields = match fields::validate_values(
            &defs,
            &JsonMap::new(),
            &input.custom_fields,
            WriteMode::Create,
            writer(actor),
        ) {
            Ok(values) => values,
            Err(e) => {
                errors.merge(e);
                JsonMap::new()
            }
        };
        self.check_user_fields(conn, &defs, &custom_fields, &mut errors)?;
        let location = checked_location(input.location.as_ref(), &mut errors);
        let subject = input.subject.trim();
        if subject.is_empty() {
            errors.add("subject", "must not be blank");
        }
        let external_source = match (&input.external_id, &input.external_source) {
            (Some(_), None) => Some("api".to_string()),
            (None, Some(_)) => {
                errors.add("external_id", "is required when external_source is given");
                None
            }
            (_, source) => source.clone(),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if let (Some(source), Some(external_id)) = (&external_source, &input.external_id)
            && let Some(existing) = q::find_by_external(conn, source, external_id)?
        {
            return Err(existing_external(existing.id, source, external_id));
        }
        // Routing fills in what the creator left open; naming an assignee skips it.
        let (mut group_id, mut priority, mut tags, mut assignee_id) = (group_id, priority, tags, assignee_id);
        let tier = match organization_id {
            Some(org) => directory::find_organization(conn, org)?.and_then(|o| o.tier),
            None => None,
        };
        let mut facts = TicketFacts {
            type_id: ticket_type.id,
            priority,
            channel,
            organization_id,
            organization_tier: tier,
            requester_id: requester.id,
            tags: tags.clone(),
            custom_fields: custom_fields.clone(),
            subject: subject.to_string(),
            description: input.description.clone(),
            location_label: location.label.clone(),
            location: location.point,
            created_at: utc(now),
            routed_at: None,
        };
        let decision = if assignee_id.is_none() {
            let base = RouteBase {
                cause: DispatchCause::Created,
                group_id,
                assignee_id: None,
                keep_group: !customer && input.group_id.is_some(),
                keep_priority: !customer && input.priority.is_some(),
                excluded: vec![],
            };
            self.route_new_ticket(conn, &facts, base, now)?
        } else {
            None
        };
        if let Some(decision) = &decision {
            group_id = decision.group_id;
            priority = decision.priority;
            tags = decision.tags.clone();
            assignee_id = decision.assignee_id;
        }
        // The SLA policy is chosen on the ticket as routing left it.
        facts.priority = priority;
        facts.tags = tags.clone();
        let sla = self.start_sla(conn, &facts, now)?;
        let status = rules::status_after_assignment(TicketStatus::New, assignee_id.is_some());
        let row = q::insert(
            conn,
            &NewTicket {
                type_id: ticket_type.id,
                subject: subject.to_string(),
                description: input.description.clone(),
                status: status.as_str().to_string(),
                priority: priority.rank(),
                channel: channel.as_str().to_string(),
                requester_id: requester.id,
                organization_id,
                group_id,
                assignee_id,
                tags: to_json(&tags),
                custom_fields: to_json(&custom_fields),
                external_id: input.external_id.clone(),
                external_source: external_source.clone(),
                version: 1,
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
                location_label: location.label.clone(),
                location_lat: location.point.map(|p| p.lat),
                location_lon: location.point.map(|p| p.lon),
                sla_due_at: sla.as_ref().and_then(|s| s.due_at()),
            },
        )
        .map_err(|e| {
            if tx::is_unique_violation(&e) {
                // A concurrent create with the same external id won the race.
                AppError::conflict("a ticket with this external_source and external_id already exists")
            } else {
                e.into()
            }
        })?;
        q::replace_tags(conn, row.id, &tags)?;
        q::replace_field_values(conn, row.id, &fields::index_entries(&defs, &custom_fields))?;
        let mut log = EventLog::new(row.id, By::Actor(actor), now);
        log.push(EventKind::Created, None, None, Some(status.to_string()), None);
        if let Some(decision) = &decision {
            log.push(EventKind::Dispatched, None, None, Some(to_json(&decision.reason)), None);
        }
        if assignee_id.is_some() {
            log.push(EventKind::Assigned, Some("assignee_id"), None, id_text(assignee_id), None);
        }
        if let Some(sla) = &sla {
            self.record_started_sla(conn, row.id, sla, &mut log)?;
        }
        for event in &log.events {
            q::insert_event(conn, event)?;
        }
        if let Some(decision) = &decision {
            self.record_decision(conn, &row, decision, now)?;
        }
        crate::dispatch::track_workload(conn, None, &row)?;
        Ok(row)
    }

    /// Ok(Err(message)) when `user_id` cannot take tickets (of `group_id`, when given).
    fn check_assignee(&self, conn: &mut DbConn, user_id: i64, group_id: Option<i64>) -> AppResult<Result<(), String>> {
        let Some(user) = directory::find_user(conn, user_id)? else {
            return Ok(Err("no such user".into()));
        };
        if !user.active || UserKind::parse(&user.kind) != Some(UserKind::Staff) {
            return Ok(Err("must be an active staff user".into()));
        }
        if let Some(group_id) = group_id
            && !directory::group_ids_of_user(conn, user_id)?.contains(&group_id)
        {
            return Ok(Err(format!("is not a member of group {group_id}")));
        }
        Ok(Ok(()))
    }

    /// Custom fields of kind user must name existing users.
    fn check_user_fields(
        &self,
        conn: &mut DbConn,
        defs: &[FieldDefinition],
        values: &JsonMap,
        errors: &mut FieldErrors,
    ) -> AppResult<()> {
        let referenced = fields::referenced_user_ids(defs, values);
        if referenced.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = referenced.iter().map(|(_, id)| *id).collect();
        let existing = directory::existing_user_ids(conn, &ids)?;
        for (key, id) in referenced {
            if !existing.contains(&id) {
                errors.add(format!("custom_fields.{key}"), format!("no user with id {id}"));
            }
        }
        Ok(())
    }

    // ---- changes to an existing ticket

    /// Runs `change` on the current row inside a write transaction and saves the
    /// result with its events, provided nobody changed the ticket meanwhile.
    /// With `expected_version` (If-Match) a mismatch is a 412. Writers of one ticket
    /// queue on its row lock; should a version check still fail, the change is
    /// retried on the fresh row so that the rules are checked again.
    pub(crate) fn change_ticket<T>(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        change: impl FnMut(&mut DbConn, &mut TicketRow, &mut EventLog) -> AppResult<T>,
    ) -> AppResult<(TicketRow, T)> {
        self.change_ticket_by(By::Actor(actor), id, expected_version, change)
    }

    /// `change_ticket` for a person or for Loopdesk itself.
    pub(crate) fn change_ticket_by<T>(
        &self,
        by: By,
        id: i64,
        expected_version: Option<i64>,
        mut change: impl FnMut(&mut DbConn, &mut TicketRow, &mut EventLog) -> AppResult<T>,
    ) -> AppResult<(TicketRow, T)> {
        let mut conn = self.conn()?;
        for _ in 0..WRITE_ATTEMPTS {
            let saved = tx::write(&mut conn, |conn| -> AppResult<Option<(TicketRow, T)>> {
                q::lock_for_update(conn, id)?;
                let before = match by {
                    By::Actor(actor) => self.visible_ticket(conn, actor, id)?,
                    By::System => q::find(conn, id)?.ok_or(AppError::NotFound("ticket"))?,
                };
                if let Some(expected) = expected_version
                    && expected != before.version
                {
                    return Err(AppError::PreconditionFailed { current_version: before.version });
                }
                let now = self.now_naive();
                let mut after = before.clone();
                let mut log = EventLog::new(id, by, now);
                let outcome = change(conn, &mut after, &mut log)?;
                self.settle_sla(conn, &before, &mut after, &mut log)?;
                if log.events.is_empty() {
                    return Ok(Some((before, outcome))); // nothing changed: no write, no version bump
                }
                after.updated_at = now;
                let Some(saved) = q::update_versioned(conn, id, before.version, &after.changes())? else {
                    return Ok(None);
                };
                if saved.tags != before.tags {
                    q::replace_tags(conn, id, &parse_tags(&saved.tags))?;
                }
                if saved.custom_fields != before.custom_fields {
                    let defs = types_q::find(conn, saved.type_id)?.map(|t| parse_definitions(&t)).unwrap_or_default();
                    q::replace_field_values(
                        conn,
                        id,
                        &fields::index_entries(&defs, &parse_json_map(&saved.custom_fields)),
                    )?;
                }
                for event in &log.events {
                    q::insert_event(conn, event)?;
                }
                if !log.dispatch_written {
                    self.settle_dispatch(conn, &before, &saved, log.at)?;
                }
                crate::dispatch::track_workload(conn, Some(&before), &saved)?;
                Ok(Some((saved, outcome)))
            })?;
            match saved {
                Some(result) => return Ok(result),
                None if expected_version.is_some() => {
                    let current = q::find(&mut conn, id)?.map(|r| r.version).unwrap_or_default();
                    return Err(AppError::PreconditionFailed { current_version: current });
                }
                None => continue,
            }
        }
        Err(AppError::conflict("the ticket is being changed by others right now; try again"))
    }

    fn finish(&self, actor: &Actor, row: &TicketRow) -> AppResult<TicketView> {
        let mut conn = self.conn()?;
        self.view_with_names(&mut conn, actor, row)
    }

    /// Edits fields. `expected_version` comes from If-Match.
    pub fn update_ticket(
        &self,
        actor: &Actor,
        id: i64,
        patch: &TicketPatch,
        expected_version: Option<i64>,
    ) -> AppResult<TicketView> {
        let (row, ()) = self.change_ticket(actor, id, expected_version, |conn, row, log| {
            policy::require(actor, Permission::TicketsUpdate)?;
            let mut errors = FieldErrors::new();
            if let Some(subject) = &patch.subject {
                let subject = subject.trim();
                if subject.is_empty() {
                    errors.add("subject", "must not be blank");
                } else if subject != row.subject {
                    log.push(
                        EventKind::FieldChanged,
                        Some("subject"),
                        Some(row.subject.clone()),
                        Some(subject.to_string()),
                        None,
                    );
                    row.subject = subject.to_string();
                }
            }
            if let Some(description) = &patch.description
                && *description != row.description
            {
                // The old text stays in the history; the event does not repeat a long body.
                log.push(EventKind::FieldChanged, Some("description"), None, None, None);
                row.description = description.clone();
            }
            if let Some(priority) = patch.priority
                && priority.rank() != row.priority
            {
                let old = Priority::from_rank(row.priority).map(|p| p.to_string());
                log.push(EventKind::FieldChanged, Some("priority"), old, Some(priority.to_string()), None);
                row.priority = priority.rank();
            }
            if let Some(requester_id) = patch.requester_id {
                match directory::find_user(conn, requester_id)?.filter(|u| u.active) {
                    None => errors.add("requester_id", "no such active user"),
                    Some(user) if user.id != row.requester_id => {
                        log.push(
                            EventKind::FieldChanged,
                            Some("requester_id"),
                            id_text(Some(row.requester_id)),
                            id_text(Some(user.id)),
                            None,
                        );
                        row.requester_id = user.id;
                        if patch.organization_id.is_none() && user.organization_id != row.organization_id {
                            log.push(
                                EventKind::FieldChanged,
                                Some("organization_id"),
                                id_text(row.organization_id),
                                id_text(user.organization_id),
                                None,
                            );
                            row.organization_id = user.organization_id;
                        }
                    }
                    Some(_) => {}
                }
            }
            if let Some(organization_id) = patch.organization_id {
                if let Some(org) = organization_id
                    && directory::find_organization(conn, org)?.is_none()
                {
                    errors.add("organization_id", "no such organization");
                }
                if organization_id != row.organization_id {
                    log.push(
                        EventKind::FieldChanged,
                        Some("organization_id"),
                        id_text(row.organization_id),
                        id_text(organization_id),
                        None,
                    );
                    row.organization_id = organization_id;
                }
            }
            if let Some(tags) = &patch.tags {
                match rules::normalize_tags(tags) {
                    Ok(tags) => {
                        let new = to_json(&tags);
                        if new != row.tags {
                            log.push(
                                EventKind::FieldChanged,
                                Some("tags"),
                                Some(row.tags.clone()),
                                Some(new.clone()),
                                None,
                            );
                            row.tags = new;
                        }
                    }
                    Err(e) => errors.merge(e),
                }
            }
            if let Some(location) = &patch.location {
                let checked = checked_location(location.as_ref(), &mut errors);
                let (lat, lon) = (checked.point.map(|p| p.lat), checked.point.map(|p| p.lon));
                if (checked.label.as_ref(), lat, lon)
                    != (row.location_label.as_ref(), row.location_lat, row.location_lon)
                {
                    let old = location_view(row).map(|l| to_json(&l));
                    row.location_label = checked.label;
                    row.location_lat = lat;
                    row.location_lon = lon;
                    log.push(
                        EventKind::FieldChanged,
                        Some("location"),
                        old,
                        location_view(row).map(|l| to_json(&l)),
                        None,
                    );
                }
            }
            if let Some(incoming) = &patch.custom_fields {
                let ticket_type = types_q::find(conn, row.type_id)?.ok_or(AppError::NotFound("ticket type"))?;
                let defs = parse_definitions(&ticket_type);
                let existing = parse_json_map(&row.custom_fields);
                match fields::validate_values(&defs, &existing, incoming, WriteMode::Update, writer(actor)) {
                    Ok(merged) => {
                        self.check_user_fields(conn, &defs, &merged, &mut errors)?;
                        let mut keys: Vec<&String> = existing.keys().chain(merged.keys()).collect();
                        keys.sort();
                        keys.dedup();
                        for key in keys {
                            let (old, new) = (existing.get(key), merged.get(key));
                            if old != new {
                                log.push(
                                    EventKind::FieldChanged,
                                    Some(&format!("custom_fields.{key}")),
                                    old.map(to_json),
                                    new.map(to_json),
                                    None,
                                );
                            }
                        }
                        row.custom_fields = to_json(&merged);
                    }
                    Err(e) => errors.merge(e),
                }
            }
            errors.into_result(()).map_err(AppError::Validation)
        })?;
        self.finish(actor, &row)
    }

    /// Moves a ticket through the status machine (customers: confirm or reopen only).
    pub fn transition_ticket(&self, actor: &Actor, id: i64, input: &TransitionInput) -> AppResult<TicketView> {
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            let from = status_of(row)?;
            policy::may_transition(actor, &facts(row), from, input.status)?;
            rules::check_transition(from, input.status).map_err(transition_conflict)?;
            if input.status == TicketStatus::Assigned && row.assignee_id.is_none() {
                return Err(AppError::conflict("nobody is assigned: use POST /tickets/{id}/assign to assign someone"));
            }
            apply_status(row, input.status, log.at);
            log.status(from, input.status, trimmed_note(&input.note));
            self.notify_activity(conn, row, actor, crate::activity::Activity::Status { to: input.status }, log.at)?;
            Ok(())
        })?;
        self.finish(actor, &row)
    }

    /// Sets the assignee and/or group (dispatch by hand), with a handover note.
    pub fn assign_ticket(&self, actor: &Actor, id: i64, input: &AssignInput) -> AppResult<TicketView> {
        if input.assignee_id.is_none() && input.group_id.is_none() {
            return Err(AppError::invalid("assignee_id", "give assignee_id and/or group_id"));
        }
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            policy::require(actor, Permission::TicketsAssign)?;
            let from = status_of(row)?;
            if from == TicketStatus::Closed {
                return Err(AppError::conflict("the ticket is closed; reopen it before assigning"));
            }
            let group_id = input.group_id.unwrap_or(row.group_id);
            let assignee_id = input.assignee_id.unwrap_or(row.assignee_id);
            self.check_targets(conn, assignee_id, group_id, input.group_id.is_some())?;
            let before = row.assignee_id;
            hand_over(row, log, from, EventKind::Assigned, assignee_id, group_id, trimmed_note(&input.note));
            self.notify_new_assignee(conn, row, actor, before, log.at)?;
            Ok(())
        })?;
        self.finish(actor, &row)
    }

    /// Hands the ticket to another group and/or person; the reason goes into the history.
    /// Moving to another group without naming a person leaves it unassigned in that group's queue.
    pub fn transfer_ticket(&self, actor: &Actor, id: i64, input: &TransferInput) -> AppResult<TicketView> {
        if input.assignee_id.is_none() && input.group_id.is_none() {
            return Err(AppError::invalid("group_id", "give group_id and/or assignee_id"));
        }
        let reason = input.reason.trim().to_string();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "is required"));
        }
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            policy::require(actor, Permission::TicketsAssign)?;
            let from = status_of(row)?;
            if from == TicketStatus::Closed {
                return Err(AppError::conflict("the ticket is closed; reopen it before transferring"));
            }
            let group_id = input.group_id.or(row.group_id);
            let assignee_id = match (input.assignee_id, input.group_id) {
                (Some(person), _) => Some(person),
                (None, Some(group)) if Some(group) != row.group_id => None,
                (None, _) => row.assignee_id,
            };
            self.check_targets(conn, assignee_id, group_id, input.group_id.is_some())?;
            if assignee_id == row.assignee_id && group_id == row.group_id {
                return Err(AppError::conflict("the ticket is already with that group and person"));
            }
            let before = row.assignee_id;
            hand_over(row, log, from, EventKind::Transferred, assignee_id, group_id, Some(reason.clone()));
            self.notify_new_assignee(conn, row, actor, before, log.at)?;
            Ok(())
        })?;
        self.finish(actor, &row)
    }

    /// Validates an assignment target: the group exists; the person is active staff
    /// and, when the group is being set in the same request, a member of it.
    fn check_targets(
        &self,
        conn: &mut DbConn,
        assignee_id: Option<i64>,
        group_id: Option<i64>,
        group_given: bool,
    ) -> AppResult<()> {
        let mut errors = FieldErrors::new();
        if let Some(group) = group_id
            && directory::find_group(conn, group)?.is_none()
        {
            errors.add("group_id", "no such group");
        }
        if let Some(person) = assignee_id {
            let group_to_check = if group_given { group_id } else { None };
            if let Err(message) = self.check_assignee(conn, person, group_to_check)? {
                errors.add("assignee_id", message);
            }
        }
        errors.into_result(()).map_err(AppError::Validation)
    }

    // ---- replies and internal notes

    /// Adds a public reply or an internal note. The first public reply by staff
    /// stamps first_response_at; a customer's reply to a pending ticket puts it back in progress.
    pub fn add_comment(&self, actor: &Actor, ticket_id: i64, input: &NewCommentInput) -> AppResult<CommentView> {
        let body = input.body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("body", "must not be blank"));
        }
        let (_, (comment, author_name)) = self.change_ticket(actor, ticket_id, None, |conn, row, log| {
            policy::may_comment(actor, &facts(row), input.internal)?;
            let comment = q::insert_comment(
                conn,
                &NewComment {
                    ticket_id: row.id,
                    author_id: actor.user_id,
                    body,
                    internal: input.internal,
                    created_at: log.at,
                },
            )?;
            let kind = if input.internal { EventKind::InternalNoteAdded } else { EventKind::CommentAdded };
            log.push(kind, None, None, Some(comment.id.to_string()), None);
            let public = !input.internal;
            if public
                && actor.kind == UserKind::Staff
                && actor.user_id != row.requester_id
                && row.first_response_at.is_none()
            {
                row.first_response_at = Some(log.at);
            }
            let from = status_of(row)?;
            if public && actor.user_id == row.requester_id && from == TicketStatus::Pending {
                apply_status(row, TicketStatus::InProgress, log.at);
                log.status(from, TicketStatus::InProgress, Some("the requester replied".into()));
            }
            let activity = crate::activity::Activity::Comment { internal: input.internal, body };
            self.notify_activity(conn, row, actor, activity, log.at)?;
            let author_name = directory::user_names(conn, &[actor.user_id])?.pop().map(|(_, name)| name);
            Ok((comment, author_name.unwrap_or_default()))
        })?;
        Ok(comment_view(&comment, author_name))
    }

    pub fn list_comments(&self, actor: &Actor, ticket_id: i64, query: &HistoryQuery) -> AppResult<Page<CommentView>> {
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let mut conn = self.conn()?;
        self.visible_ticket(&mut conn, actor, ticket_id)?;
        let fetch = lookahead(page);
        let mut rows =
            q::list_comments(&mut conn, ticket_id, policy::sees_internal(actor), fetch.after_id, fetch.limit)?;
        let next_cursor = next_id_cursor(&mut rows, page.limit, |c| c.id);
        let book = NameBook::load(&mut conn, rows.iter().map(|c| c.author_id).collect(), vec![], vec![], vec![])?;
        let items = rows.iter().map(|c| comment_view(c, book.user(c.author_id).unwrap_or_default())).collect();
        Ok(Page { items, next_cursor })
    }

    /// The history; customers see only the customer-visible kinds (no notes, no internal routing).
    /// The history, oldest first. Dispatch reasons are rendered in `locale` with the names of today.
    pub fn list_events(
        &self,
        actor: &Actor,
        ticket_id: i64,
        query: &HistoryQuery,
        locale: Locale,
    ) -> AppResult<Page<EventView>> {
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let mut conn = self.conn()?;
        self.visible_ticket(&mut conn, actor, ticket_id)?;
        let visible_kinds: Vec<&str> =
            EventKind::ALL.iter().filter(|k| k.customer_visible()).map(|k| k.as_str()).collect();
        let sees_internal = policy::sees_internal(actor);
        let kinds = if sees_internal { None } else { Some(visible_kinds.as_slice()) };
        let fetch = lookahead(page);
        let mut rows = q::list_events(&mut conn, ticket_id, kinds, fetch.after_id, fetch.limit)?;
        let next_cursor = next_id_cursor(&mut rows, page.limit, |e| e.id);
        let book = NameBook::for_events(&mut conn, &rows)?;
        let reasons: HashMap<i64, DispatchReason> = rows
            .iter()
            .filter(|e| e.kind == EventKind::Dispatched.as_str())
            .filter_map(|e| Some((e.id, serde_json::from_str(e.new_value.as_deref()?).ok()?)))
            .collect();
        let (reason_ids, reason_list): (Vec<i64>, Vec<DispatchReason>) = reasons.clone().into_iter().unzip();
        let mut rendered: HashMap<i64, String> =
            reason_ids.into_iter().zip(self.render_reasons(&mut conn, &reason_list, locale)?).collect();
        let clock_events: HashMap<i64, SlaEvent> = rows
            .iter()
            .filter(|e| e.kind == EventKind::Sla.as_str())
            .filter_map(|e| Some((e.id, serde_json::from_str(e.new_value.as_deref()?).ok()?)))
            .collect();
        rendered.extend(clock_events.iter().map(|(id, event)| (*id, event.render(locale))));
        let items = rows
            .iter()
            .map(|e| EventView {
                id: e.id,
                ticket_id: e.ticket_id,
                kind: EventKind::parse(&e.kind).unwrap_or(EventKind::FieldChanged),
                actor_id: e.actor_id,
                actor_name: match (e.api_key_id, e.actor_id) {
                    (Some(key), _) => book.api_key(key),
                    (None, Some(user)) => book.user(user),
                    (None, None) => None,
                },
                api_key_id: e.api_key_id,
                field: e.field.clone(),
                old_value: e.old_value.clone(),
                new_value: e.new_value.clone(),
                old_label: book.label(e.field.as_deref(), e.old_value.as_deref()),
                new_label: book.label(e.field.as_deref(), e.new_value.as_deref()),
                // Notes on status changes are staff talk unless the viewer wrote them.
                note: match (rendered.get(&e.id), &e.note) {
                    (Some(reason), Some(note)) => Some(format!("{reason} — {note}")),
                    (Some(reason), None) => Some(reason.clone()),
                    (None, note) if sees_internal || e.actor_id == Some(actor.user_id) => note.clone(),
                    (None, _) => None,
                },
                dispatch: reasons.get(&e.id).cloned(),
                sla: clock_events.get(&e.id).copied(),
                created_at: utc(e.created_at),
            })
            .collect();
        Ok(Page { items, next_cursor })
    }

    // ---- listing

    /// Lists the tickets the actor may see, filtered and sorted, one keyset page at a time.
    /// `custom_fields` are the `cf.<key>=<value>` pairs of the query string.
    pub fn list_tickets(
        &self,
        actor: &Actor,
        query: &TicketListQuery,
        custom_fields: &[(String, String)],
    ) -> AppResult<Page<TicketView>> {
        let limit = id_page(query.limit, None)?.limit;
        let sort = parse_sort(query.sort.as_deref())?;
        let cursor = query.cursor.as_deref().map(|c| decode_cursor(c, sort)).transpose()?;
        let filter = self.ticket_filter(actor, query, custom_fields)?;
        let mut conn = self.conn()?;
        let mut rows = q::list(&mut conn, &filter, sort, cursor, limit + 1)?;
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if has_more { rows.last().map(|r| encode_cursor(sort, sort.cursor_after(r))) } else { None };
        // Names and definitions for the whole page: one query per table, never one per row.
        let types = if rows.is_empty() {
            vec![]
        } else {
            types_q::find_many(&mut conn, &unique(rows.iter().map(|r| r.type_id).collect()))?
        };
        let type_names: HashMap<i64, &str> = types.iter().map(|t| (t.id, t.name.as_str())).collect();
        let defs_by_type: HashMap<i64, Vec<FieldDefinition>> = if policy::sees_internal(actor) {
            HashMap::new()
        } else {
            types.iter().map(|t| (t.id, parse_definitions(t))).collect()
        };
        let book = NameBook::load(
            &mut conn,
            rows.iter().flat_map(|r| [Some(r.requester_id), r.assignee_id]).flatten().collect(),
            rows.iter().filter_map(|r| r.group_id).collect(),
            rows.iter().filter_map(|r| r.organization_id).collect(),
            vec![],
        )?;
        let mut items = rows
            .iter()
            .map(|r| {
                let names = TicketNames {
                    type_name: type_names.get(&r.type_id).map(|n| n.to_string()).unwrap_or_default(),
                    requester_name: book.user(r.requester_id).unwrap_or_default(),
                    assignee_name: r.assignee_id.and_then(|id| book.user(id)),
                    group_name: r.group_id.and_then(|id| book.group(id)),
                    organization_name: r.organization_id.and_then(|id| book.organization(id)),
                };
                self.ticket_view(actor, r, names, defs_by_type.get(&r.type_id).map(Vec::as_slice))
            })
            .collect::<AppResult<Vec<_>>>()?;
        self.attach_live_state(&mut conn, actor, &mut items)?;
        Ok(Page { items, next_cursor })
    }

    fn ticket_filter(
        &self,
        actor: &Actor,
        query: &TicketListQuery,
        custom_fields: &[(String, String)],
    ) -> AppResult<TicketFilter> {
        let mut errors = FieldErrors::new();
        let mut filter = TicketFilter::visible_to(policy::ticket_visibility(actor));
        filter.statuses = parse_list(&query.status, "status", &mut errors, |s| {
            TicketStatus::parse(s).map(|v| v.as_str().to_string())
        });
        filter.priorities =
            parse_list(&query.priority, "priority", &mut errors, |s| Priority::parse(s).map(Priority::rank));
        filter.type_ids = parse_list(&query.type_id, "type_id", &mut errors, |s| s.parse::<i64>().ok());
        filter.group_ids = parse_list(&query.group_id, "group_id", &mut errors, |s| s.parse::<i64>().ok());
        filter.tags = parse_list(&query.tag, "tag", &mut errors, |s| Some(s.to_string()));
        filter.assignee = match query.assignee.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("me") => Some(AssigneeFilter::User(actor.user_id)),
            Some("none") => Some(AssigneeFilter::Unassigned),
            Some(other) => match other.parse::<i64>() {
                Ok(id) => Some(AssigneeFilter::User(id)),
                Err(_) => {
                    errors.add("assignee", "must be a user id, me or none");
                    None
                }
            },
        };
        filter.requester_id = query.requester_id;
        filter.organization_id = query.organization_id;
        filter.created_from = query.created_from.map(|t| t.naive_utc());
        filter.created_to = query.created_to.map(|t| t.naive_utc());
        filter.updated_from = query.updated_from.map(|t| t.naive_utc());
        filter.updated_to = query.updated_to.map(|t| t.naive_utc());
        filter.external_source = query.external_source.clone();
        filter.external_id = query.external_id.clone();
        filter.pooled = query.pool.unwrap_or(false);
        if query.overdue == Some(true) {
            filter.due_by = Some(self.now_naive());
        }
        if let Some(text) = query.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            if text.chars().count() > 200 {
                errors.add("q", "must be at most 200 characters");
            }
            filter.number_id = rules::parse_ticket_number(text);
            filter.subject_contains = Some(text.to_string());
        }
        // Custom field filters apply only to values the caller may see: a customer
        // filtering on an internal field would otherwise learn its values.
        if !custom_fields.is_empty() && !policy::sees_internal(actor) {
            errors.add("cf", "custom field filters are for staff");
        }
        filter.custom_fields = custom_fields.to_vec();
        errors.into_result(filter).map_err(AppError::Validation)
    }
}

fn existing_external(existing_id: i64, source: &str, external_id: &str) -> AppError {
    let mut extra = serde_json::Map::new();
    extra.insert("existing_ticket_id".into(), existing_id.into());
    extra.insert("existing_ticket_number".into(), rules::format_ticket_number(existing_id).into());
    AppError::Conflict {
        detail: format!(
            "ticket {} already has external id {external_id} from {source}",
            rules::format_ticket_number(existing_id)
        ),
        extra,
    }
}

fn transition_conflict(e: rules::TransitionError) -> AppError {
    let mut extra = serde_json::Map::new();
    extra.insert("current_status".into(), e.from.as_str().into());
    extra.insert("allowed_transitions".into(), e.allowed.iter().map(|s| serde_json::Value::from(s.as_str())).collect());
    AppError::Conflict { detail: e.to_string(), extra }
}

fn comment_view(c: &CommentRow, author_name: String) -> CommentView {
    CommentView {
        id: c.id,
        ticket_id: c.ticket_id,
        author_id: c.author_id,
        author_name,
        body: c.body.clone(),
        internal: c.internal,
        created_at: utc(c.created_at),
    }
}

/// Sorted, without repeats: the ids to look up for a page.
fn unique(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What an event's old/new value is the id of, by the event's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueRef {
    User,
    Group,
    Organization,
}

fn value_ref(field: Option<&str>) -> Option<ValueRef> {
    match field? {
        "assignee_id" | "requester_id" => Some(ValueRef::User),
        "group_id" => Some(ValueRef::Group),
        "organization_id" => Some(ValueRef::Organization),
        _ => None,
    }
}

/// Names by id for one page of rows, loaded with one query per table (none for a
/// table without ids), so a page costs the same few queries whatever its length.
#[derive(Debug, Default)]
struct NameBook {
    users: HashMap<i64, String>,
    groups: HashMap<i64, String>,
    organizations: HashMap<i64, String>,
    api_keys: HashMap<i64, String>,
}

impl NameBook {
    fn load(
        conn: &mut DbConn,
        users: Vec<i64>,
        groups: Vec<i64>,
        organizations: Vec<i64>,
        api_keys: Vec<i64>,
    ) -> AppResult<NameBook> {
        Ok(NameBook {
            users: directory::user_names(conn, &unique(users))?.into_iter().collect(),
            groups: directory::group_names(conn, &unique(groups))?.into_iter().collect(),
            organizations: directory::organization_names(conn, &unique(organizations))?.into_iter().collect(),
            api_keys: auth_q::api_key_names(conn, &unique(api_keys))?.into_iter().collect(),
        })
    }

    /// The actors, API keys and the ids held in old/new values of a page of events.
    fn for_events(conn: &mut DbConn, events: &[EventRow]) -> AppResult<NameBook> {
        let (mut users, mut groups, mut organizations, mut api_keys) = (vec![], vec![], vec![], vec![]);
        for e in events {
            match (e.api_key_id, e.actor_id) {
                (Some(key), _) => api_keys.push(key),
                (None, Some(user)) => users.push(user),
                (None, None) => {}
            }
            let Some(target) = value_ref(e.field.as_deref()) else { continue };
            let ids = [&e.old_value, &e.new_value].into_iter().flatten().filter_map(|v| v.parse::<i64>().ok());
            match target {
                ValueRef::User => users.extend(ids),
                ValueRef::Group => groups.extend(ids),
                ValueRef::Organization => organizations.extend(ids),
            }
        }
        NameBook::load(conn, users, groups, organizations, api_keys)
    }

    fn user(&self, id: i64) -> Option<String> {
        self.users.get(&id).cloned()
    }

    fn group(&self, id: i64) -> Option<String> {
        self.groups.get(&id).cloned()
    }

    fn organization(&self, id: i64) -> Option<String> {
        self.organizations.get(&id).cloned()
    }

    fn api_key(&self, id: i64) -> Option<String> {
        self.api_keys.get(&id).cloned()
    }

    /// The name behind an event value, when its field holds an id.
    fn label(&self, field: Option<&str>, value: Option<&str>) -> Option<String> {
        let id = value?.parse::<i64>().ok()?;
        match value_ref(field)? {
            ValueRef::User => self.user(id),
            ValueRef::Group => self.group(id),
            ValueRef::Organization => self.organization(id),
        }
    }
}

fn parse_list<T>(
    raw: &Option<String>,
    field: &str,
    errors: &mut FieldErrors,
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<T> {
    let Some(raw) = raw else { return vec![] };
    let mut values = vec![];
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match parse(part) {
            Some(v) => values.push(v),
            None => errors.add(field, format!("'{part}' is not a valid value")),
        }
    }
    values
}

fn parse_sort(sort: Option<&str>) -> AppResult<TicketSort> {
    let raw = sort.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("-created_at");
    let (descending, name) = match raw.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, raw),
    };
    let key = match name {
        "created_at" => SortKey::CreatedAt,
        "updated_at" => SortKey::UpdatedAt,
        "priority" => SortKey::Priority,
        "number" | "id" => SortKey::Id,
        "due_at" => SortKey::SlaDue,
        _ => {
            return Err(AppError::invalid(
                "sort",
                "must be created_at, updated_at, priority, number or due_at, optionally prefixed with -",
            ));
        }
    };
    Ok(TicketSort { key, descending })
}

fn sort_tag(sort: TicketSort) -> &'static str {
    match (sort.key, sort.descending) {
        (SortKey::CreatedAt, false) => "c",
        (SortKey::CreatedAt, true) => "C",
        (SortKey::UpdatedAt, false) => "u",
        (SortKey::UpdatedAt, true) => "U",
        (SortKey::Priority, false) => "p",
        (SortKey::Priority, true) => "P",
        (SortKey::Id, false) => "i",
        (SortKey::Id, true) => "I",
        (SortKey::SlaDue, false) => "d",
        (SortKey::SlaDue, true) => "D",
    }
}

/// Opaque to clients: the sort it belongs to, the last row's sort value and id.
fn encode_cursor(sort: TicketSort, cursor: TicketCursor) -> String {
    let value = match cursor.value {
        CursorValue::Time(t) => t.and_utc().timestamp_micros(),
        CursorValue::Int(v) => v,
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}:{}:{}", sort_tag(sort), value, cursor.id))
}

fn decode_cursor(raw: &str, sort: TicketSort) -> AppResult<TicketCursor> {
    let invalid = || AppError::BadRequest("invalid cursor: pass next_cursor from the previous page unchanged".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split(':');
    let (Some(tag), Some(value), Some(id), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    if tag != sort_tag(sort) {
        return Err(AppError::BadRequest(
            "the cursor belongs to another sort order; start again without a cursor".into(),
        ));
    }
    let value: i64 = value.parse().map_err(|_| invalid())?;
    let id: i64 = id.parse().map_err(|_| invalid())?;
    let value = match sort.key {
        SortKey::CreatedAt | SortKey::UpdatedAt | SortKey::SlaDue => {
            CursorValue::Time(DateTime::from_timestamp_micros(value).ok_or_else(invalid)?.naive_utc())
        }
        SortKey::Priority | SortKey::Id => CursorValue::Int(value),
    };
    Ok(TicketCursor { value, id })
}
