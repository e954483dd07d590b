//! Ticket vocabulary and lifecycle: status machine, priorities, channels, numbers, tags, history events.

use std::collections::HashSet;

use crate::errors::FieldErrors;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    New,
    Assigned,
    InProgress,
    Pending,
    Resolved,
    Closed,
}

wire_names!(TicketStatus, "ticket status" {
    New => "new",
    Assigned => "assigned",
    InProgress => "in_progress",
    Pending => "pending",
    Resolved => "resolved",
    Closed => "closed",
});

impl TicketStatus {
    /// The status as a person reads it (the same words as the web app's).
    pub fn label(self, locale: crate::locale::Locale) -> &'static str {
        use TicketStatus::*;
        match locale {
            crate::locale::Locale::ZhCn => match self {
                New => "新建",
                Assigned => "已分配",
                InProgress => "处理中",
                Pending => "待客户反馈",
                Resolved => "已解决",
                Closed => "已关闭",
            },
            crate::locale::Locale::En => match self {
                New => "new",
                Assigned => "assigned",
                InProgress => "in progress",
                Pending => "waiting for the customer",
                Resolved => "resolved",
                Closed => "closed",
            },
        }
    }

    /// The state machine: the statuses a ticket may move to from `self`.
    /// Moving from Resolved or Closed back to InProgress is a reopen.
    pub fn allowed_next(self) -> &'static [TicketStatus] {
        use TicketStatus::*;
        match self {
            New => &[Assigned, InProgress, Resolved],
            Assigned => &[InProgress, Pending, Resolved],
            InProgress => &[Pending, Resolved],
            Pending => &[InProgress, Resolved],
            Resolved => &[Closed, InProgress],
            Closed => &[InProgress],
        }
    }

    /// Open tickets still need work; Resolved and Closed do not.
    pub fn is_open(self) -> bool {
        !matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }

    pub fn is_reopen(from: TicketStatus, to: TicketStatus) -> bool {
        !from.is_open() && to == TicketStatus::InProgress
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

wire_names!(Priority, "priority" {
    Low => "low",
    Normal => "normal",
    High => "high",
    Urgent => "urgent",
});

impl Priority {
    /// Numeric rank stored in the database so that ORDER BY priority is meaningful.
    pub fn rank(self) -> i32 {
        match self {
            Priority::Low => 1,
            Priority::Normal => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
        }
    }

    pub fn from_rank(r: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.rank() == r)
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Portal,
    Api,
    Email,
    Phone,
    Monitoring,
}

wire_names!(Channel, "channel" {
    Web => "web",
    Portal => "portal",
    Api => "api",
    Email => "email",
    Phone => "phone",
    Monitoring => "monitoring",
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot move a ticket from {from} to {to}; allowed from {from}: {}", render_statuses(.allowed))]
pub struct TransitionError {
    pub from: TicketStatus,
    pub to: TicketStatus,
    pub allowed: Vec<TicketStatus>,
}

fn render_statuses(statuses: &[TicketStatus]) -> String {
    if statuses.is_empty() {
        return "none".to_owned();
    }
    statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// Checks one step of the state machine. Staying in the same status is not a transition and is rejected.
pub fn check_transition(from: TicketStatus, to: TicketStatus) -> Result<(), TransitionError> {
    let allowed = from.allowed_next();
    if allowed.contains(&to) { Ok(()) } else { Err(TransitionError { from, to, allowed: allowed.to_vec() }) }
}

/// Status a ticket takes when its assignee changes: New + some assignee → Assigned; Assigned + no assignee → New; otherwise unchanged.
pub fn status_after_assignment(current: TicketStatus, has_assignee: bool) -> TicketStatus {
    match (current, has_assignee) {
        (TicketStatus::New, true) => TicketStatus::Assigned,
        (TicketStatus::Assigned, false) => TicketStatus::New,
        (other, _) => other,
    }
}

const TICKET_NUMBER_PREFIX: &str = "T-";

/// "T-000123": at least 6 digits, zero padded; more digits when the id is larger.
pub fn format_ticket_number(id: i64) -> String {
    format!("{TICKET_NUMBER_PREFIX}{id:06}")
}

/// Inverse of format_ticket_number, case-insensitive prefix, tolerant of missing padding ("t-42" → 42); None for anything else.
/// Surrounding whitespace is ignored because numbers are often pasted into search boxes.
pub fn parse_ticket_number(s: &str) -> Option<i64> {
    let s = s.trim();
    let prefix = s.get(..TICKET_NUMBER_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(TICKET_NUMBER_PREFIX) {
        return None;
    }
    let digits = &s[TICKET_NUMBER_PREFIX.len()..];
    // i64::from_str alone would also accept a sign ("+5", "-5").
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|id| *id >= 1)
}

pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 50;

/// Tags: trimmed, lowercase is NOT applied (Chinese), 1..=50 chars, no commas/control chars, at most 20 tags, deduplicated preserving first order.
/// Commas are banned because clients commonly send tags as one comma-separated string.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, FieldErrors> {
    const KEY: &str = "tags";
    let mut errors = FieldErrors::new();
    let mut seen = HashSet::new();
    let mut normalized = Vec::new();

    for raw in tags {
        let tag = raw.trim();
        let chars = tag.chars().count();
        if chars == 0 {
            errors.add(KEY, "a tag must not be empty");
        } else if chars > MAX_TAG_CHARS {
            errors.add(KEY, format!("tag {tag:?} is longer than {MAX_TAG_CHARS} characters"));
        } else if tag.chars().any(|c| c == ',' || c.is_control()) {
            errors.add(KEY, format!("tag {tag:?} must not contain commas or control characters"));
        } else if seen.insert(tag) {
            normalized.push(tag.to_owned());
        }
    }

    if normalized.len() > MAX_TAGS {
        errors.add(KEY, format!("at most {MAX_TAGS} tags are allowed"));
    }
    errors.into_result(normalized)
}

/// Kinds of entries in a ticket's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    StatusChanged,
    Assigned,
    Transferred,
    FieldChanged,
    CommentAdded,
    InternalNoteAdded,
    /// Routing ran: the rules that matched and where the ticket went; `new_value` holds the reason as JSON.
    Dispatched,
    /// The assignee accepted the ticket.
    Accepted,
    /// The assignee declined; `note` holds the reason.
    Declined,
    /// The assignee did not accept within the limit.
    Escalated,
    /// An agent claimed the ticket from the pool (抢单).
    Claimed,
    /// Something happened to an SLA clock (started, paused, met, warning, breached …); `field` is
    /// `sla.first_response` or `sla.resolution`, `new_value` the event as JSON.
    Sla,
    /// A file was added to the ticket itself (not to a reply); `new_value` is the attachment's id, `note` its name.
    AttachmentAdded,
    /// The same for a file only staff see.
    InternalAttachmentAdded,
}

wire_names!(EventKind, "event kind" {
    Created => "created",
    StatusChanged => "status_changed",
    Assigned => "assigned",
    Transferred => "transferred",
    FieldChanged => "field_changed",
    CommentAdded => "comment_added",
    InternalNoteAdded => "internal_note_added",
    Dispatched => "dispatched",
    Accepted => "accepted",
    Declined => "declined",
    Escalated => "escalated",
    Claimed => "claimed",
    Sla => "sla",
    AttachmentAdded => "attachment_added",
    InternalAttachmentAdded => "internal_attachment_added",
});

impl EventKind {
    /// A customer sees only Created, StatusChanged, CommentAdded (public replies) and AttachmentAdded (public files).
    /// Assignment, transfer reasons, field edits (which may touch internal fields) and notes are staff talk.
    pub fn customer_visible(self) -> bool {
        matches!(
            self,
            EventKind::Created | EventKind::StatusChanged | EventKind::CommentAdded | EventKind::AttachmentAdded
        )
    }
}
