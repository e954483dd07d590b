//! The condition language: tests on a ticket's facts, as plain data (what an admin edits, what is stored as JSON).
//! Routing rules, SLA policies and — next — workflows, macros and webhook filters all use it.

use serde_json::Value;

use super::window::TimeWindow;
use crate::ticket::{Channel, Priority};

/// One test on a ticket. JSON: `{"kind": "priority", "priorities": ["high", "urgent"]}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// The ticket's type is one of these.
    TicketType {
        type_ids: Vec<i64>,
    },
    /// The ticket's priority (as set so far, see `evaluate`) is one of these.
    Priority {
        priorities: Vec<Priority>,
    },
    Channel {
        channels: Vec<Channel>,
    },
    /// The requester's organisation is one of these (tickets without an organisation never match).
    Organization {
        organization_ids: Vec<i64>,
    },
    /// The organisation's tier ("vip", "gold") is one of these, compared case-insensitively.
    OrganizationTier {
        tiers: Vec<String>,
    },
    Requester {
        user_ids: Vec<i64>,
    },
    /// The ticket's tags (including tags added by earlier matching rules), compared case-insensitively.
    Tags {
        mode: TagMatch,
        tags: Vec<String>,
    },
    /// A custom field value. See `FieldOperator` for the semantics and `validate_rule` for which operators fit which kind.
    CustomField {
        #[schema(example = "fault_type")]
        field: String,
        operator: FieldOperator,
        #[schema(example = json!("空调"))]
        value: Value,
    },
    /// Any of the keywords occurs in the subject and/or description (substring of the normalised text, so it works
    /// on Chinese: "不制冷" matches "空调不制冷").
    Keywords {
        #[schema(example = json!(["不制冷", "漏水"]))]
        keywords: Vec<String>,
        #[serde(default)]
        scope: KeywordScope,
    },
    /// The region: a custom field's value (`field`) or, without `field`, the ticket's location label.
    Region {
        #[serde(default)]
        #[schema(example = "city")]
        field: Option<String>,
        operator: RegionOperator,
        #[schema(example = json!(["上海", "苏州"]))]
        values: Vec<String>,
    },
    /// Local time of day and weekday of the routing moment.
    TimeWindow(TimeWindow),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TagMatch {
    /// At least one of the listed tags.
    Any,
    /// Every listed tag.
    All,
}

wire_names!(TagMatch, "tag match" {
    Any => "any",
    All => "all",
});

/// Custom field operators. A missing value matches only `not_equals`. For a list value (multi_select) a test holds
/// when it holds for some element (`not_equals`: for no element).
///
/// - `equals` / `not_equals`: numbers numerically, dates and datetimes as instants, text case-insensitively.
/// - `in`: `value` is a list; equals one of them.
/// - `contains`: text: the value contains `value` (normalised substring); multi_select: `value` is selected.
/// - `gt`, `gte`, `lt`, `lte`: numbers, or dates ("2026-10-01") or datetimes (RFC 3339) compared in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldOperator {
    Equals,
    NotEquals,
    In,
    Contains,
    Gt,
    Gte,
    Lt,
    Lte,
}

wire_names!(FieldOperator, "field operator" {
    Equals => "equals",
    NotEquals => "not_equals",
    In => "in",
    Contains => "contains",
    Gt => "gt",
    Gte => "gte",
    Lt => "lt",
    Lte => "lte",
});

/// Where keywords are looked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeywordScope {
    #[default]
    SubjectOrDescription,
    Subject,
    Description,
}

wire_names!(KeywordScope, "keyword scope" {
    SubjectOrDescription => "subject_or_description",
    Subject => "subject",
    Description => "description",
});

/// Region tests, all on normalised text (case-insensitive, whitespace-collapsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionOperator {
    /// Equals the single listed value.
    Equals,
    /// Equals one of the listed values.
    In,
    /// Contains one of the listed values ("上海" in "上海市浦东新区张江路 88 号").
    Contains,
}

wire_names!(RegionOperator, "region operator" {
    Equals => "equals",
    In => "in",
    Contains => "contains",
});

impl Condition {
    /// The wire name of the condition's kind ("ticket_type" …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Condition::TicketType { .. } => "ticket_type",
            Condition::Priority { .. } => "priority",
            Condition::Channel { .. } => "channel",
            Condition::Organization { .. } => "organization",
            Condition::OrganizationTier { .. } => "organization_tier",
            Condition::Requester { .. } => "requester",
            Condition::Tags { .. } => "tags",
            Condition::CustomField { .. } => "custom_field",
            Condition::Keywords { .. } => "keywords",
            Condition::Region { .. } => "region",
            Condition::TimeWindow(_) => "time_window",
        }
    }
}
