//! Routing rules as plain data: what the admin edits, what is stored as JSON, what `evaluate` reads.

use crate::conditions::Condition;
use crate::ticket::Priority;

/// One routing rule. Rules are tried by ascending `position` (then `id`); disabled rules are skipped.
/// A rule matches when **all** its conditions hold (no conditions: matches every ticket). The first matching rule
/// ends the evaluation unless it says `continue_matching`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RoutingRule {
    #[schema(example = 12)]
    pub id: i64,
    #[schema(example = "VIP 投诉")]
    pub name: String,
    #[schema(example = 10)]
    pub position: i32,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub continue_matching: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// What a matching rule does. JSON: `{"kind": "set_group", "group_id": 3}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    SetGroup {
        #[schema(example = 3)]
        group_id: i64,
    },
    SetPriority {
        priority: Priority,
    },
    AddTags {
        #[schema(example = json!(["VIP"]))]
        tags: Vec<String>,
    },
    /// Agents must hold every one of these skills; applies to every strategy except `named_agent`.
    RequireSkills {
        skills: Vec<SkillRequirement>,
    },
    /// Pick an assignee. `accept_within_minutes`: the assignee must accept within this time or the ticket escalates.
    Assign {
        strategy: AssignStrategy,
        #[serde(default)]
        #[schema(example = 15, minimum = 1, maximum = 10080)]
        accept_within_minutes: Option<u32>,
    },
}

impl Action {
    /// The wire name of the action's kind ("set_group" …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Action::SetGroup { .. } => "set_group",
            Action::SetPriority { .. } => "set_priority",
            Action::AddTags { .. } => "add_tags",
            Action::RequireSkills { .. } => "require_skills",
            Action::Assign { .. } => "assign",
        }
    }
}

/// A skill a ticket needs, e.g. "高压电工" at level 3 or more.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SkillRequirement {
    #[schema(example = "高压电工")]
    pub name: String,
    /// The agent's level must be at least this; an agent without a level for the skill then does not qualify.
    #[serde(default)]
    #[schema(example = 2)]
    pub min_level: Option<u8>,
}

impl SkillRequirement {
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), min_level: None }
    }

    pub fn at_least(name: impl Into<String>, level: u8) -> Self {
        Self { name: name.into(), min_level: Some(level) }
    }
}

/// How an assignee is chosen among the candidates (the members of the ticket's group, as loaded by the app).
/// JSON: `{"kind": "least_loaded"}`, `{"kind": "named_agent", "user_id": 7}`, `{"kind": "skills", "then": "round_robin"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssignStrategy {
    /// This agent, if eligible (online, under capacity, not excluded); otherwise the ticket waits in the queue.
    NamedAgent {
        #[schema(example = 7)]
        user_id: i64,
    },
    /// The eligible agent assigned longest ago (never assigned first), ties by lowest id.
    RoundRobin,
    /// The eligible agent with the least weighted open work (see `priority_weight`).
    LeastLoaded,
    /// Only agents holding every required skill, then `then` among them.
    Skills {
        #[serde(default)]
        then: SkillsThen,
    },
    /// The eligible agent closest to the ticket's location, skipping agents without a position or holding urgent work.
    Nearest,
    /// Offered to every eligible, qualified agent; the first claim wins (抢单).
    Pool,
}

/// The order among skilled agents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkillsThen {
    #[default]
    LeastLoaded,
    RoundRobin,
}

wire_names!(SkillsThen, "skills order" {
    LeastLoaded => "least_loaded",
    RoundRobin => "round_robin",
});

impl AssignStrategy {
    /// The wire name of the strategy's kind.
    pub fn kind_name(&self) -> &'static str {
        match self {
            AssignStrategy::NamedAgent { .. } => "named_agent",
            AssignStrategy::RoundRobin => "round_robin",
            AssignStrategy::LeastLoaded => "least_loaded",
            AssignStrategy::Skills { .. } => "skills",
            AssignStrategy::Nearest => "nearest",
            AssignStrategy::Pool => "pool",
        }
    }
}
