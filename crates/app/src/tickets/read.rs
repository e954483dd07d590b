//! Showing tickets: one ticket with its names and live state, the list with filters and keyset paging, the
//! replies and the history.

use std::collections::HashMap;

use base64::Engine;
use chrono::DateTime;
use loopdesk_domain::dispatch::{DispatchReason, Locale};
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::{self, FieldDefinition};
use loopdesk_domain::ids::TicketId;
use loopdesk_domain::policy::{self, Actor};
use loopdesk_domain::sla::SlaEvent;
use loopdesk_domain::ticket::{self as rules, Channel, EventKind, Priority, TicketStatus};
use loopdesk_persistence::DbConn;
use loopdesk_persistence::models::{CommentRow, EventRow, TicketRow};
use loopdesk_persistence::queries::tickets::{
    self as q, AssigneeFilter, CursorValue, SortKey, TicketCursor, TicketFilter, TicketNames, TicketRefs, TicketSort,
};
use loopdesk_persistence::queries::{auth as auth_q, directory, ticket_types as types_q};

use super::{HistoryQuery, TicketListQuery, location_view};
use crate::kernel::{access_facts, id_page, lookahead, next_id_cursor, status_of};
use crate::views::{CommentView, EventView, Page, TicketView};
use crate::{App, AppError, AppResult, utc};

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
        let custom_fields = if policy::sees_internal(actor) {
            row.custom_fields.0.clone()
        } else {
            // Without definitions nothing is known to be customer-visible: show nothing.
            fields::customer_view(defs.unwrap_or(&[]), &row.custom_fields)
        };
        let access = access_facts(row);
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
            tags: row.tags.0.clone(),
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
            claim_block: None,
            accept_by: None,
        })
    }

    /// What staff see beside the row: the SLA clocks and the dispatch state (pool, acceptance deadline), a fixed
    /// number of queries for any number of views.
    fn attach_live_state(&self, conn: &mut DbConn, actor: &Actor, views: &mut [TicketView]) -> AppResult<()> {
        self.attach_sla(conn, actor, views)?;
        self.attach_dispatch(conn, actor, views)
    }

    /// The view of one row with its names, given the type's definitions.
    fn named_view(
        &self,
        actor: &Actor,
        row: &TicketRow,
        names: TicketNames,
        type_fields: &[FieldDefinition],
    ) -> AppResult<TicketView> {
        let defs = (!policy::sees_internal(actor)).then_some(type_fields);
        self.ticket_view(actor, row, names, defs)
    }

    /// The view of a row just written: its names (and type definitions) in one query.
    pub(super) fn view_with_names(&self, conn: &mut DbConn, actor: &Actor, row: &TicketRow) -> AppResult<TicketView> {
        let (names, type_fields) = q::names_for(conn, TicketRefs::from(row))?
            .ok_or_else(|| AppError::Internal(format!("ticket {} has no type or requester", row.id)))?;
        let mut view = self.named_view(actor, row, names, &type_fields)?;
        self.attach_live_state(conn, actor, std::slice::from_mut(&mut view))?;
        Ok(view)
    }

    /// One ticket with its names, read in a single query.
    pub fn get_ticket(&self, actor: &Actor, id: TicketId) -> AppResult<TicketView> {
        let mut conn = self.conn()?;
        let found = q::find_named(&mut conn, id.get())?.ok_or(AppError::NotFound("ticket"))?;
        if !policy::can_view(actor, &access_facts(&found.row)) {
            return Err(AppError::NotFound("ticket"));
        }
        let mut view = self.named_view(actor, &found.row, found.names, &found.type_fields)?;
        self.attach_sla_snapshot(actor, &mut view, found.sla.as_ref());
        if policy::sees_internal(actor) {
            view.in_pool = found.pooled;
            view.accept_by = found.accept_by.map(utc);
            self.mark_claim_block(&mut conn, actor, &mut view)?;
        }
        Ok(view)
    }

    pub(super) fn finish(&self, actor: &Actor, row: &TicketRow) -> AppResult<TicketView> {
        let mut conn = self.conn()?;
        self.view_with_names(&mut conn, actor, row)
    }

    pub fn list_comments(
        &self,
        actor: &Actor,
        ticket_id: TicketId,
        query: &HistoryQuery,
    ) -> AppResult<Page<CommentView>> {
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let mut conn = self.conn()?;
        self.visible_ticket(&mut conn, actor, ticket_id)?;
        let fetch = lookahead(page);
        let mut rows =
            q::list_comments(&mut conn, ticket_id.get(), policy::sees_internal(actor), fetch.after_id, fetch.limit)?;
        let next_cursor = next_id_cursor(&mut rows, page.limit, |c| c.id);
        let book = NameBook::load(&mut conn, rows.iter().map(|c| c.author_id).collect(), vec![], vec![], vec![])?;
        let mut items: Vec<CommentView> =
            rows.iter().map(|c| comment_view(c, book.user(c.author_id).unwrap_or_default())).collect();
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        for file in self.comment_attachments(&mut conn, actor, &ids)? {
            if let Some(comment) = items.iter_mut().find(|c| Some(c.id) == file.comment_id) {
                comment.attachments.push(file);
            }
        }
        Ok(Page { items, next_cursor })
    }

    /// The history; customers see only the customer-visible kinds (no notes, no internal routing).
    /// The history, oldest first. Dispatch reasons are rendered in `locale` with the names of today.
    pub fn list_events(
        &self,
        actor: &Actor,
        ticket_id: TicketId,
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
        let mut rows = q::list_events(&mut conn, ticket_id.get(), kinds, fetch.after_id, fetch.limit)?;
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
            types.iter().map(|t| (t.id, t.fields.0.clone())).collect()
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

pub(super) fn comment_view(c: &CommentRow, author_name: String) -> CommentView {
    CommentView {
        id: c.id,
        ticket_id: c.ticket_id,
        author_id: c.author_id,
        author_name,
        body: c.body.clone(),
        internal: c.internal,
        created_at: utc(c.created_at),
        attachments: Vec::new(),
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
