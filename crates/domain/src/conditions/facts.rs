//! What routing knows about a ticket: a snapshot the app builds from the ticket, its requester and organisation.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::geo::GeoPoint;
use crate::ticket::{Channel, Priority};

/// A ticket as the routing rules see it. Also the body of a "test these rules" request, hence the defaults.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TicketFacts {
    #[schema(example = 2)]
    pub type_id: i64,
    pub priority: Priority,
    pub channel: Channel,
    #[serde(default)]
    #[schema(example = 5)]
    pub organization_id: Option<i64>,
    /// The organisation's tier, e.g. "vip".
    #[serde(default)]
    #[schema(example = "vip")]
    pub organization_tier: Option<String>,
    #[schema(example = 42)]
    pub requester_id: i64,
    #[serde(default)]
    #[schema(example = json!(["空调"]))]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"fault_type": "空调", "floor": 3}))]
    pub custom_fields: Map<String, Value>,
    #[serde(default)]
    #[schema(example = "3 号楼空调不制冷")]
    pub subject: String,
    #[serde(default)]
    pub description: String,
    /// Free-text location ("3 号楼 301", "上海市浦东新区…"), tested by region conditions without a field.
    #[serde(default)]
    #[schema(example = "上海市浦东新区张江路 88 号")]
    pub location_label: Option<String>,
    /// Where the work is, for the nearest strategy.
    #[serde(default)]
    pub location: Option<GeoPoint>,
    pub created_at: DateTime<Utc>,
    /// The moment time-window conditions test; defaults to `created_at`. Set it to "now" when re-routing.
    #[serde(default)]
    pub routed_at: Option<DateTime<Utc>>,
}

impl TicketFacts {
    /// A minimal snapshot (no organisation, tags, fields, text or location); fill the rest with struct update syntax.
    pub fn new(
        type_id: i64,
        priority: Priority,
        channel: Channel,
        requester_id: i64,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            type_id,
            priority,
            channel,
            organization_id: None,
            organization_tier: None,
            requester_id,
            tags: Vec::new(),
            custom_fields: Map::new(),
            subject: String::new(),
            description: String::new(),
            location_label: None,
            location: None,
            created_at,
            routed_at: None,
        }
    }

    /// The instant time windows are tested against.
    pub fn routing_time(&self) -> DateTime<Utc> {
        self.routed_at.unwrap_or(self.created_at)
    }
}
