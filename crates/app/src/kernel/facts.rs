//! What rules know about a ticket: the access facts the permission policy decides on, and the ticket facts the
//! condition language matches (routing rules, SLA policies).

use chrono::{DateTime, Utc};
use loopdesk_domain::conditions::TicketFacts;
use loopdesk_domain::geo::GeoPoint;
use loopdesk_domain::policy::TicketAccessFacts;
use loopdesk_domain::ticket::{Channel, Priority};
use loopdesk_persistence::DbConn;
use loopdesk_persistence::models::TicketRow;
use loopdesk_persistence::queries::directory;

use crate::{AppResult, utc};

/// Who may see and change the ticket, as the permission policy reads it.
pub(crate) fn access_facts(row: &TicketRow) -> TicketAccessFacts {
    TicketAccessFacts {
        requester_id: row.requester_id,
        organization_id: row.organization_id,
        group_id: row.group_id,
        assignee_id: row.assignee_id,
    }
}

/// A position stored as two nullable columns.
pub(crate) fn point(lat: Option<f64>, lon: Option<f64>) -> Option<GeoPoint> {
    match (lat, lon) {
        (Some(lat), Some(lon)) => Some(GeoPoint::new(lat, lon)),
        _ => None,
    }
}

/// The facts of a ticket row. `organization_tier` is the tier of its organisation (read by the caller, who
/// often has the row already); `routed_at` the time a rule's time window is checked against (None: creation).
pub(crate) fn ticket_facts(
    row: &TicketRow,
    organization_tier: Option<String>,
    routed_at: Option<DateTime<Utc>>,
) -> TicketFacts {
    TicketFacts {
        type_id: row.type_id,
        priority: Priority::from_rank(row.priority).unwrap_or(Priority::Normal),
        channel: Channel::parse(&row.channel).unwrap_or(Channel::Api),
        organization_id: row.organization_id,
        organization_tier,
        requester_id: row.requester_id,
        tags: row.tags.0.clone(),
        custom_fields: row.custom_fields.0.clone(),
        subject: row.subject.clone(),
        description: row.description.clone(),
        location_label: row.location_label.clone(),
        location: point(row.location_lat, row.location_lon),
        created_at: utc(row.created_at),
        routed_at,
    }
}

/// The tier of an organisation (VIP …), None without one.
pub(crate) fn organization_tier(conn: &mut DbConn, organization_id: Option<i64>) -> AppResult<Option<String>> {
    Ok(match organization_id {
        Some(org) => directory::find_organization(conn, org)?.and_then(|o| o.tier),
        None => None,
    })
}
