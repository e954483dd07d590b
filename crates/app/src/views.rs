//! What the API returns: output types built from rows, never the rows themselves,
//! so the database can change without breaking the contract (and back).
//! They carry `ToSchema` because they ARE the contract's response bodies.

use chrono::{DateTime, Utc};
use loopdesk_domain::dispatch::ClaimBlock;
use loopdesk_domain::fields::FieldDefinition;
use loopdesk_domain::locale::Locale;
use loopdesk_domain::policy::{Permission, UserKind};
use loopdesk_domain::sla::{SlaClockView, SlaState};
use loopdesk_domain::ticket::{Channel, EventKind, Priority, TicketStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A page of a list: pass `next_cursor` back as `cursor` for the next page; null on the last page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = "li.gong@example.com")]
    pub email: String,
    #[schema(example = "李工")]
    pub name: String,
    pub kind: UserKind,
    /// role name, e.g. admin, supervisor, agent, customer
    #[schema(example = "agent")]
    pub role: String,
    pub permissions: Vec<Permission>,
    pub organization_id: Option<i64>,
    pub group_ids: Vec<i64>,
    pub active: bool,
    /// the language the server writes to this user in (e-mail, notification titles): `PUT /me/locale`
    pub locale: Locale,
    pub last_login_at: Option<DateTime<Utc>>,
    /// set while sign-in to this account is being slowed down after failed attempts from some client: until
    /// when that client must wait (the latest, if several). `POST /users/{id}/sign-in-unlock` clears it
    pub sign_in_delayed_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoleView {
    pub id: i64,
    #[schema(example = "supervisor")]
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    pub builtin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupView {
    pub id: i64,
    #[schema(example = "售后二组")]
    pub name: String,
    pub description: String,
    /// the parent department, when groups nest
    pub parent_id: Option<i64>,
    /// who hears about the group's escalations
    pub supervisor_id: Option<i64>,
    pub member_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganizationView {
    pub id: i64,
    #[schema(example = "华东电力有限公司")]
    pub name: String,
    /// members of the organisation see each other's tickets
    pub shared_ticket_view: bool,
    /// service tier for routing and SLA rules, e.g. "vip"
    pub tier: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TicketTypeView {
    pub id: i64,
    #[schema(example = "设备报修")]
    pub name: String,
    pub description: String,
    pub default_priority: Priority,
    pub default_group_id: Option<i64>,
    /// custom field definitions; customers see only customer-visible ones
    pub fields: Vec<FieldDefinition>,
    /// skills an agent needs for every ticket of this type; empty for customers
    pub required_skills: Vec<loopdesk_domain::dispatch::SkillRequirement>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where the work is: a label for people and for region rules, a position (WGS 84) for the nearest agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TicketLocation {
    #[serde(default)]
    #[schema(example = "上海市浦东新区张江路 88 号 3 号楼 301")]
    pub label: Option<String>,
    #[serde(default)]
    #[schema(example = 31.2034)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(example = 121.5914)]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TicketView {
    #[schema(example = 123)]
    pub id: i64,
    /// human-readable number
    #[schema(example = "T-000123")]
    pub number: String,
    pub type_id: i64,
    /// the ticket type's name
    #[schema(example = "设备报修")]
    pub type_name: String,
    #[schema(example = "3 号楼空调不制冷")]
    pub subject: String,
    pub description: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub channel: Channel,
    pub requester_id: i64,
    /// the requester's display name
    #[schema(example = "王女士")]
    pub requester_name: String,
    pub organization_id: Option<i64>,
    /// the organisation's name; null when the ticket has no organisation
    #[schema(example = "华东电力有限公司")]
    pub organization_name: Option<String>,
    pub group_id: Option<i64>,
    /// the agent group's name; null when no group handles the ticket
    #[schema(example = "售后二组")]
    pub group_name: Option<String>,
    pub assignee_id: Option<i64>,
    /// the assignee's display name; null when nobody is assigned
    #[schema(example = "李工")]
    pub assignee_name: Option<String>,
    #[schema(example = json!(["空调", "VIP"]))]
    pub tags: Vec<String>,
    /// where the work is; null when not given
    #[serde(default)]
    pub location: Option<TicketLocation>,
    /// values keyed by field key; customers see only customer-visible fields
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"asset_no": "AC-3-0412", "floor": 3}))]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    pub external_id: Option<String>,
    pub external_source: Option<String>,
    /// increases on every change; sent as the ETag
    pub version: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// the statuses the caller may move this ticket to now
    pub allowed_transitions: Vec<TicketStatus>,
    /// the ticket's SLA clocks now (staff only; null when no policy covers the ticket)
    #[serde(default)]
    pub sla: Option<TicketSlaView>,
    /// waiting in the claim pool (抢单) for an agent to claim it (staff only)
    #[serde(default)]
    pub in_pool: bool,
    /// on a pool ticket: why the caller may not claim it now (null: they may). Staff only.
    #[serde(default)]
    pub claim_block: Option<ClaimBlock>,
    /// the assignee must accept by then, or the ticket escalates (staff only; null without a limit)
    #[serde(default)]
    pub accept_by: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: i64,
    /// the author's display name
    #[schema(example = "李工")]
    pub author_name: String,
    #[schema(example = "已安排工程师明早 9 点上门。")]
    pub body: String,
    /// internal note (内部批注): never shown to customers
    pub internal: bool,
    pub created_at: DateTime<Utc>,
    /// the files sent with it
    #[serde(default)]
    pub attachments: Vec<crate::attachments::AttachmentView>,
}

/// One entry of a ticket's append-only history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub ticket_id: i64,
    pub kind: EventKind,
    /// who did it (null for the system)
    pub actor_id: Option<i64>,
    /// who did it, to show: the person's display name, or the API key's name when the change
    /// came through a key; null for the system
    #[schema(example = "李工")]
    pub actor_name: Option<String>,
    /// set when the change came through an API key
    pub api_key_id: Option<i64>,
    /// what changed: status, assignee_id, group_id, subject, custom_fields.<key> …
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// old_value resolved to a name when it is an id: the person's name for assignee_id and
    /// requester_id, the group's for group_id, the organisation's for organization_id; null otherwise
    #[schema(example = "售后一组")]
    pub old_label: Option<String>,
    /// new_value resolved to a name, as old_label
    #[schema(example = "售后二组")]
    pub new_label: Option<String>,
    /// transition note, handover note, transfer or decline reason; for `dispatched`, the decision in words
    /// ("rule 'VIP 投诉' → group 售后二组, least loaded: 李工 (3 open)"), in the language of Accept-Language
    pub note: Option<String>,
    /// for `dispatched`: the decision as data (rules matched, group, strategy and its result)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch: Option<loopdesk_domain::dispatch::DispatchReason>,
    /// for `sla`: the clock event as data (metric, kind, when, due time, target)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<loopdesk_domain::sla::SlaEvent>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    pub access_token: String,
    /// absent when the refresh token travels only in the `loopdesk_refresh` cookie (browsers)
    #[schema(required = false)]
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// seconds until the access token expires
    #[schema(example = 900)]
    pub expires_in: i64,
    pub user: UserView,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyView {
    pub id: i64,
    #[schema(example = "CRM 同步")]
    pub name: String,
    /// the first characters of the key, to recognise it in lists
    #[schema(example = "ldk_3fa9c1")]
    pub prefix: String,
    pub permissions: Vec<Permission>,
    /// the user the key acts as
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Returned once, at creation: the only time the secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKeyView {
    #[serde(flatten)]
    pub api_key: ApiKeyView,
    /// the secret; send as `Authorization: Bearer <key>`. Not retrievable later.
    #[schema(example = "ldk_3fa9c1d2e4b5a6978877665544332211aabbccddeeff0011")]
    pub key: String,
}

/// A ticket's SLA now: the policy, the combined state, the earliest due time, and each clock for the badge.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TicketSlaView {
    pub policy_id: i64,
    #[schema(example = "VIP 客户")]
    pub policy_name: Option<String>,
    pub calendar_id: Option<i64>,
    /// the worst of the clocks: breached > warning > ok > paused > met
    pub state: SlaState,
    /// the earliest due time of the clocks not met
    pub due_at: Option<DateTime<Utc>>,
    pub first_response: Option<SlaClockView>,
    pub resolution: Option<SlaClockView>,
}
