//! Changing tickets: fields, status, hand-over and transfer, replies and internal notes. Each is a closure on the
//! current row run by the kernel's change loop.

use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::{self, WriteMode};
use loopdesk_domain::ids::TicketId;
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_domain::ticket::{self as rules, EventKind, Priority, TicketStatus};
use loopdesk_persistence::models::NewComment;
use loopdesk_persistence::queries::tickets as q;
use loopdesk_persistence::queries::{directory, ticket_types as types_q};
use loopdesk_persistence::{DbConn, Json};

use super::read::comment_view;
use super::{
    AssignInput, NewCommentInput, TicketPatch, TransferInput, TransitionInput, checked_location, location_view, writer,
};
use crate::activity::Activity;
use crate::kernel::{access_facts, apply_status, hand_over, id_text, set_tags, status_of, to_json, trimmed_note};
use crate::views::{CommentView, TicketView};
use crate::{App, AppError, AppResult};

impl App {
    /// Edits fields. `expected_version` comes from If-Match.
    pub fn update_ticket(
        &self,
        actor: &Actor,
        id: TicketId,
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
                    Ok(tags) => set_tags(row, log, &tags, None),
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
                let defs = ticket_type.fields.0.clone();
                let existing = row.custom_fields.0.clone();
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
                        row.custom_fields = Json(merged);
                    }
                    Err(e) => errors.merge(e),
                }
            }
            errors.into_result(()).map_err(AppError::Validation)
        })?;
        self.finish(actor, &row)
    }

    /// Moves a ticket through the status machine (customers: confirm or reopen only).
    pub fn transition_ticket(&self, actor: &Actor, id: TicketId, input: &TransitionInput) -> AppResult<TicketView> {
        let (row, ()) = self.change_ticket(actor, id, None, |_conn, row, log| {
            let from = status_of(row)?;
            policy::may_transition(actor, &access_facts(row), from, input.status)?;
            rules::check_transition(from, input.status).map_err(transition_conflict)?;
            if input.status == TicketStatus::Assigned && row.assignee_id.is_none() {
                return Err(AppError::refused(
                    "nobody_assigned",
                    "nobody is assigned: use POST /tickets/{id}/assign to assign someone",
                ));
            }
            apply_status(row, input.status, log.at);
            log.status(from, input.status, trimmed_note(&input.note));
            log.note(Activity::Status { to: input.status });
            Ok(())
        })?;
        self.finish(actor, &row)
    }

    /// Sets the assignee and/or group (dispatch by hand), with a handover note.
    pub fn assign_ticket(&self, actor: &Actor, id: TicketId, input: &AssignInput) -> AppResult<TicketView> {
        if input.assignee_id.is_none() && input.group_id.is_none() {
            return Err(AppError::invalid("assignee_id", "give assignee_id and/or group_id"));
        }
        let (row, ()) = self.change_ticket(actor, id, None, |conn, row, log| {
            policy::require(actor, Permission::TicketsAssign)?;
            let from = status_of(row)?;
            if from == TicketStatus::Closed {
                return Err(AppError::refused("ticket_closed", "the ticket is closed; reopen it before assigning"));
            }
            let group_id = input.group_id.unwrap_or(row.group_id);
            let assignee_id = input.assignee_id.unwrap_or(row.assignee_id);
            self.check_targets(conn, assignee_id, group_id, input.group_id.is_some())?;
            log.note(Activity::HandedOver { from: row.assignee_id });
            hand_over(row, log, from, EventKind::Assigned, assignee_id, group_id, trimmed_note(&input.note));
            Ok(())
        })?;
        self.finish(actor, &row)
    }

    /// Hands the ticket to another group and/or person; the reason goes into the history.
    /// Moving to another group without naming a person leaves it unassigned in that group's queue.
    pub fn transfer_ticket(&self, actor: &Actor, id: TicketId, input: &TransferInput) -> AppResult<TicketView> {
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
                return Err(AppError::refused("ticket_closed", "the ticket is closed; reopen it before transferring"));
            }
            let group_id = input.group_id.or(row.group_id);
            let assignee_id = match (input.assignee_id, input.group_id) {
                (Some(person), _) => Some(person),
                (None, Some(group)) if Some(group) != row.group_id => None,
                (None, _) => row.assignee_id,
            };
            self.check_targets(conn, assignee_id, group_id, input.group_id.is_some())?;
            if assignee_id == row.assignee_id && group_id == row.group_id {
                return Err(AppError::refused(
                    "handover_unchanged",
                    "the ticket is already with that group and person",
                ));
            }
            log.note(Activity::HandedOver { from: row.assignee_id });
            hand_over(row, log, from, EventKind::Transferred, assignee_id, group_id, Some(reason.clone()));
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
    pub fn add_comment(&self, actor: &Actor, ticket_id: TicketId, input: &NewCommentInput) -> AppResult<CommentView> {
        let body = input.body.trim();
        if body.is_empty() && input.attachment_ids.is_empty() {
            return Err(AppError::invalid("body", "must not be blank"));
        }
        let (_, (comment, author_name)) = self.change_ticket(actor, ticket_id, None, |conn, row, log| {
            policy::may_comment(actor, &access_facts(row), input.internal)?;
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
            self.attach_staged(conn, actor, row.id, &input.attachment_ids, comment.id, input.internal)?;
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
            log.note(Activity::Comment { internal: input.internal, body: body.to_string() });
            let author_name = directory::user_names(conn, &[actor.user_id])?.pop().map(|(_, name)| name);
            Ok((comment, author_name.unwrap_or_default()))
        })?;
        let mut view = comment_view(&comment, author_name);
        let mut conn = self.conn()?;
        view.attachments = self.comment_attachments(&mut conn, actor, &[comment.id])?;
        Ok(view)
    }
}

fn transition_conflict(e: rules::TransitionError) -> AppError {
    let mut extra = serde_json::Map::new();
    extra.insert("current_status".into(), e.from.as_str().into());
    extra.insert("allowed_transitions".into(), e.allowed.iter().map(|s| serde_json::Value::from(s.as_str())).collect());
    let detail = e.to_string();
    AppError::Conflict { code: "transition_not_allowed", params: extra.clone(), detail, extra }
}
