//! Changes to the row being written that come with their history: status (with its stamps), hand-over, tags.

use chrono::NaiveDateTime;
use loopdesk_domain::ticket::{self as rules, EventKind, TicketStatus};
use loopdesk_persistence::Json;
use loopdesk_persistence::models::TicketRow;

use super::codec::{id_text, to_json};
use super::events::EventLog;
use crate::{AppError, AppResult};

pub(crate) fn status_of(row: &TicketRow) -> AppResult<TicketStatus> {
    TicketStatus::parse(&row.status)
        .ok_or_else(|| AppError::Internal(format!("ticket {} has status {}", row.id, row.status)))
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

/// Replaces the ticket's tags (already normalised), with a `field_changed` event when they differ.
pub(crate) fn set_tags(row: &mut TicketRow, log: &mut EventLog, tags: &[String], note: Option<String>) {
    if tags != row.tags.as_slice() {
        log.push(EventKind::FieldChanged, Some("tags"), Some(to_json(&row.tags)), Some(to_json(&tags)), note);
        row.tags = Json(tags.to_vec());
    }
}
