//! The ticket loop: create → assign/transfer → reply and note → transition → close. Every write goes through the
//! kernel's commit path (`crate::kernel`), which runs the registered write steps in the same transaction.
//!
//! `create` makes tickets (with idempotent retries), `change` edits them, `read` shows and lists them.

mod change;
mod create;
mod read;

use chrono::{DateTime, Utc};
use loopdesk_domain::dispatch::GeoPoint;
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::Writer;
use loopdesk_domain::policy::Actor;
use loopdesk_domain::ticket::{Channel, Priority, TicketStatus};
use loopdesk_persistence::models::TicketRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::kernel::{JsonMap, double_option};
use crate::views::{TicketLocation, TicketView};

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
    /// may be blank only when files are attached
    #[schema(example = "已安排工程师明早 9 点上门。")]
    #[validate(length(max = 20000, message = "must be at most 20000 characters"))]
    pub body: String,
    /// an internal note (内部批注), never shown to customers
    #[serde(default)]
    pub internal: bool,
    /// files the caller uploaded to this ticket with `staged=true` for this reply; they take its visibility
    #[serde(default)]
    #[validate(length(max = 10, message = "at most 10 files per reply"))]
    #[schema(example = json!([]))]
    pub attachment_ids: Vec<i64>,
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
