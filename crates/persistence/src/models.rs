//! Database rows. API output types live in the http crate and are built from
//! these, so a column can change without changing the contract (and back).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use loopdesk_domain::calendar::BusinessCalendar;
use loopdesk_domain::conditions::Condition;
use loopdesk_domain::dispatch::{Action, AgentSkill, AssignStrategy, SkillRequirement};
use loopdesk_domain::fields::FieldDefinition;
use loopdesk_domain::notify::{NoticeParams, NotifyKind};
use loopdesk_domain::sla::{BreachActions, SlaTargets, TicketSla};

use crate::json::{Json, JsonMap};
use crate::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = roles)]
pub struct RoleRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub permissions: Json<Vec<String>>,
    pub builtin: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = roles)]
pub struct NewRole<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub permissions: Json<Vec<String>>,
    pub builtin: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    pub shared_ticket_view: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub tier: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub shared_ticket_view: bool,
    pub tier: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub kind: String,
    pub role_id: i64,
    pub organization_id: Option<i64>,
    pub password_hash: Option<String>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub locale: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub role_id: i64,
    pub organization_id: Option<i64>,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = agent_groups)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub supervisor_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = agent_groups)]
pub struct NewGroup<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub parent_id: Option<i64>,
    pub supervisor_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub session_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub permissions: Json<Vec<String>>,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub permissions: Json<Vec<String>>,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_types)]
pub struct TicketTypeRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub default_priority: i32,
    pub default_group_id: Option<i64>,
    pub fields: Json<Vec<FieldDefinition>>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub required_skills: Json<Vec<SkillRequirement>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = ticket_types)]
pub struct NewTicketType<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub default_priority: i32,
    pub default_group_id: Option<i64>,
    pub fields: Json<Vec<FieldDefinition>>,
    pub active: bool,
    pub required_skills: Json<Vec<SkillRequirement>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: i64,
    pub type_id: i64,
    pub subject: String,
    pub description: String,
    pub status: String,
    pub priority: i32,
    pub channel: String,
    pub requester_id: i64,
    pub organization_id: Option<i64>,
    pub group_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub tags: Json<Vec<String>>,
    pub custom_fields: Json<JsonMap>,
    pub external_id: Option<String>,
    pub external_source: Option<String>,
    pub version: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub location_label: Option<String>,
    pub location_lat: Option<f64>,
    pub location_lon: Option<f64>,
    pub sla_due_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tickets)]
pub struct NewTicket {
    pub type_id: i64,
    pub subject: String,
    pub description: String,
    pub status: String,
    pub priority: i32,
    pub channel: String,
    pub requester_id: i64,
    pub organization_id: Option<i64>,
    pub group_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub tags: Json<Vec<String>>,
    pub custom_fields: Json<JsonMap>,
    pub external_id: Option<String>,
    pub external_source: Option<String>,
    pub version: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub location_label: Option<String>,
    pub location_lat: Option<f64>,
    pub location_lon: Option<f64>,
    pub sla_due_at: Option<NaiveDateTime>,
}

/// The mutable part of a ticket, written back as a whole with a version check.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = tickets, treat_none_as_null = true)]
pub struct TicketChanges {
    pub type_id: i64,
    pub subject: String,
    pub description: String,
    pub status: String,
    pub priority: i32,
    pub organization_id: Option<i64>,
    pub group_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub tags: Json<Vec<String>>,
    pub custom_fields: Json<JsonMap>,
    pub updated_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub location_label: Option<String>,
    pub location_lat: Option<f64>,
    pub location_lon: Option<f64>,
    pub sla_due_at: Option<NaiveDateTime>,
}

impl TicketRow {
    /// The row as an insert (a draft built in full, before it has its id).
    pub fn to_insert(&self) -> NewTicket {
        NewTicket {
            type_id: self.type_id,
            subject: self.subject.clone(),
            description: self.description.clone(),
            status: self.status.clone(),
            priority: self.priority,
            channel: self.channel.clone(),
            requester_id: self.requester_id,
            organization_id: self.organization_id,
            group_id: self.group_id,
            assignee_id: self.assignee_id,
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
            external_id: self.external_id.clone(),
            external_source: self.external_source.clone(),
            version: self.version,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            location_label: self.location_label.clone(),
            location_lat: self.location_lat,
            location_lon: self.location_lon,
            sla_due_at: self.sla_due_at,
        }
    }

    pub fn changes(&self) -> TicketChanges {
        TicketChanges {
            type_id: self.type_id,
            subject: self.subject.clone(),
            description: self.description.clone(),
            status: self.status.clone(),
            priority: self.priority,
            organization_id: self.organization_id,
            group_id: self.group_id,
            assignee_id: self.assignee_id,
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
            updated_at: self.updated_at,
            first_response_at: self.first_response_at,
            resolved_at: self.resolved_at,
            closed_at: self.closed_at,
            location_label: self.location_label.clone(),
            location_lat: self.location_lat,
            location_lon: self.location_lon,
            sla_due_at: self.sla_due_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: i64,
    pub body: String,
    pub internal: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment<'a> {
    pub ticket_id: i64,
    pub author_id: i64,
    pub body: &'a str,
    pub internal: bool,
    pub created_at: NaiveDateTime,
}

/// A file on a ticket (see the attachments migration).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: i64,
    pub ticket_id: i64,
    pub comment_id: Option<i64>,
    pub uploader_id: i64,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub internal: bool,
    pub staged: bool,
    pub thumbnail_sha256: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    pub ticket_id: i64,
    pub comment_id: Option<i64>,
    pub uploader_id: i64,
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub internal: bool,
    pub staged: bool,
    pub thumbnail_sha256: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_events)]
pub struct EventRow {
    pub id: i64,
    pub ticket_id: i64,
    pub actor_id: Option<i64>,
    pub api_key_id: Option<i64>,
    pub kind: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_events)]
pub struct NewEvent {
    pub ticket_id: i64,
    pub actor_id: Option<i64>,
    pub api_key_id: Option<i64>,
    pub kind: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub id: i64,
    pub user_id: i64,
    pub idempotency_key: String,
    pub request_hash: String,
    pub ticket_id: Option<i64>,
    pub response_status: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct NewIdempotencyKey<'a> {
    pub user_id: i64,
    pub idempotency_key: &'a str,
    pub request_hash: &'a str,
    pub ticket_id: Option<i64>,
    pub response_status: i32,
    pub response_body: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = routing_rules)]
pub struct RoutingRuleRow {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    pub conditions: Json<Vec<Condition>>,
    pub actions: Json<Vec<Action>>,
    pub continue_matching: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = routing_rules)]
pub struct RoutingRuleValues {
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    pub conditions: Json<Vec<Condition>>,
    pub actions: Json<Vec<Action>>,
    pub continue_matching: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, AsChangeset)]
#[diesel(table_name = agent_profiles, primary_key(user_id), treat_none_as_null = true)]
pub struct AgentProfileRow {
    pub user_id: i64,
    pub availability: String,
    pub capacity: Option<i32>,
    pub skills: Json<Vec<AgentSkill>>,
    pub position_lat: Option<f64>,
    pub position_lon: Option<f64>,
    pub position_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, AsChangeset)]
#[diesel(table_name = ticket_dispatch, primary_key(ticket_id), treat_none_as_null = true)]
pub struct TicketDispatchRow {
    pub ticket_id: i64,
    pub rule_id: Option<i64>,
    pub strategy: Option<Json<AssignStrategy>>,
    pub accept_within_minutes: Option<i32>,
    pub required_skills: Json<Vec<SkillRequirement>>,
    pub excluded: Json<Vec<i64>>,
    pub pooled: bool,
    pub accept_by: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub params: Json<NoticeParams>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub user_id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub params: Json<NoticeParams>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = calendars)]
pub struct CalendarRow {
    pub id: i64,
    pub name: String,
    pub definition: Json<BusinessCalendar>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = calendars)]
pub struct CalendarValues {
    pub name: String,
    pub definition: Json<BusinessCalendar>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sla_policies)]
pub struct SlaPolicyRow {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    pub conditions: Json<Vec<Condition>>,
    pub targets: Json<SlaTargets>,
    pub calendar_id: Option<i64>,
    pub warn_at_percent: i32,
    pub breach_actions: Json<BreachActions>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = sla_policies, treat_none_as_null = true)]
pub struct SlaPolicyValues {
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    pub conditions: Json<Vec<Condition>>,
    pub targets: Json<SlaTargets>,
    pub calendar_id: Option<i64>,
    pub warn_at_percent: i32,
    pub breach_actions: Json<BreachActions>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, AsChangeset)]
#[diesel(table_name = ticket_sla, primary_key(ticket_id), treat_none_as_null = true)]
pub struct TicketSlaRow {
    pub ticket_id: i64,
    pub policy_id: Option<i64>,
    pub calendar_id: Option<i64>,
    pub clocks: Json<TicketSla>,
    pub next_check_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notification_channels)]
pub struct ChannelRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub secret: Option<String>,
    pub event_kinds: Json<Vec<NotifyKind>>,
    pub enabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = notification_channels, treat_none_as_null = true)]
pub struct ChannelValues {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub secret: Option<String>,
    pub event_kinds: Json<Vec<NotifyKind>>,
    pub enabled: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = notification_preferences)]
pub struct PreferenceRow {
    pub user_id: i64,
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub target: String,
    pub event_kind: String,
    pub ticket_id: Option<i64>,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutbox {
    pub channel: String,
    pub target: String,
    pub event_kind: String,
    pub ticket_id: Option<i64>,
    pub payload: String,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}
