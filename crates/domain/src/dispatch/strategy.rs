//! Assignment strategies: pure choices over a snapshot of candidate agents.
//!
//! The app loads the candidates (usually the members of the ticket's group after routing) with their availability,
//! capacity, open work, skills, position and when they were last assigned in that group, then asks one function.
//! Nothing here reads a clock: round robin is fair across restarts and instances because it decides from the
//! persisted `last_assigned_at`, which the app updates in the transaction that assigns.

use chrono::{DateTime, Utc};

use super::rules::{AssignStrategy, SkillRequirement, SkillsThen};
use crate::conditions::text::eq_normalized;
use crate::geo::GeoPoint;
use crate::ticket::Priority;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Online,
    Away,
    Offline,
}

wire_names!(Availability, "availability" {
    Online => "online",
    Away => "away",
    Offline => "offline",
});

/// A skill an agent holds, with an optional level (higher is better).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AgentSkill {
    #[schema(example = "空调")]
    pub name: String,
    #[serde(default)]
    #[schema(example = 3)]
    pub level: Option<u8>,
}

impl AgentSkill {
    pub fn new(name: impl Into<String>, level: Option<u8>) -> Self {
        Self { name: name.into(), level }
    }
}

/// One agent as the strategies see it at decision time.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AgentCandidate {
    #[schema(example = 7)]
    pub user_id: i64,
    pub availability: Availability,
    /// Maximum open tickets; `None`: no limit.
    #[serde(default)]
    #[schema(example = 10)]
    pub capacity: Option<u32>,
    /// Weighted open work: the sum of `priority_weight` over the agent's open tickets (see `open_load`).
    #[serde(default)]
    #[schema(example = 7)]
    pub open_load: u32,
    /// Number of open tickets assigned to the agent.
    #[serde(default)]
    #[schema(example = 3)]
    pub open_count: u32,
    /// Holds at least one open urgent ticket (the nearest strategy skips such agents).
    #[serde(default)]
    pub holds_urgent: bool,
    #[serde(default)]
    pub skills: Vec<AgentSkill>,
    /// Last reported position.
    #[serde(default)]
    pub position: Option<GeoPoint>,
    /// When the agent was last assigned a ticket by dispatch in this group (persisted per agent and group).
    #[serde(default)]
    pub last_assigned_at: Option<DateTime<Utc>>,
}

impl AgentCandidate {
    /// An online agent with no limit, no work, no skills, no position, never assigned.
    pub fn new(user_id: i64) -> Self {
        Self {
            user_id,
            availability: Availability::Online,
            capacity: None,
            open_load: 0,
            open_count: 0,
            holds_urgent: false,
            skills: Vec::new(),
            position: None,
            last_assigned_at: None,
        }
    }

    /// Online and under capacity (`open_count < capacity`).
    pub fn is_available(&self) -> bool {
        self.availability == Availability::Online && !self.is_full()
    }

    /// Holds as many open tickets as their capacity, or more (an explicit assignment may overfill).
    pub fn is_full(&self) -> bool {
        self.capacity.is_some_and(|limit| self.open_count >= limit)
    }

    /// Holds the skill (names compared case-insensitively) at the required level, if any.
    pub fn has_skill(&self, required: &SkillRequirement) -> bool {
        self.skills.iter().any(|held| {
            eq_normalized(&held.name, &required.name)
                && required.min_level.is_none_or(|min| held.level.is_some_and(|level| level >= min))
        })
    }

    /// Holds every required skill.
    pub fn has_skills(&self, required: &[SkillRequirement]) -> bool {
        required.iter().all(|skill| self.has_skill(skill))
    }
}

/// Weight of one open ticket in an agent's load: low 1, normal 2, high 3, urgent 5.
pub fn priority_weight(priority: Priority) -> u32 {
    match priority {
        Priority::Low => 1,
        Priority::Normal => 2,
        Priority::High => 3,
        Priority::Urgent => 5,
    }
}

/// What one ticket adds to its assignee's stored workload: (open tickets, weighted load, urgent tickets); nothing
/// when it is resolved or closed. The app adds it when a ticket reaches an agent and subtracts it when it leaves.
pub fn workload_share(open: bool, priority: Priority) -> (i32, i32, i32) {
    if !open {
        return (0, 0, 0);
    }
    let weight = i32::try_from(priority_weight(priority)).unwrap_or(i32::MAX);
    (1, weight, i32::from(priority == Priority::Urgent))
}

/// Weighted load of the given open tickets' priorities.
pub fn open_load(open_priorities: impl IntoIterator<Item = Priority>) -> u32 {
    open_priorities.into_iter().map(priority_weight).sum()
}

/// What restricts the candidates for one decision.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DispatchContext<'a> {
    /// Skills every chosen agent must hold (from the ticket type and the routing outcome); ignored by `named_agent`.
    pub required_skills: &'a [SkillRequirement],
    /// Agents never to choose: those who declined this ticket or let it escalate.
    pub excluded: &'a [i64],
    /// Where the work is (for `nearest`).
    pub ticket_location: Option<GeoPoint>,
}

impl DispatchContext<'_> {
    /// Eligible (online, under capacity, not excluded) and qualified (holds every required skill).
    pub fn admits(&self, agent: &AgentCandidate) -> bool {
        self.is_eligible(agent) && agent.has_skills(self.required_skills)
    }

    /// Online, under capacity and not excluded.
    pub fn is_eligible(&self, agent: &AgentCandidate) -> bool {
        agent.is_available() && !self.excluded.contains(&agent.user_id)
    }
}

/// The chosen agent and the figures the reason shows ("李工 (3 open)").
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Choice {
    #[schema(example = 7)]
    pub user_id: i64,
    #[schema(example = 3)]
    pub open_count: u32,
    #[schema(example = 7)]
    pub open_load: u32,
    /// Distance to the ticket (nearest only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 1.2)]
    pub distance_km: Option<f64>,
}

impl Choice {
    fn of(agent: &AgentCandidate, distance_km: Option<f64>) -> Self {
        Self { user_id: agent.user_id, open_count: agent.open_count, open_load: agent.open_load, distance_km }
    }
}

/// Round-robin order: never assigned first, then assigned longest ago, then lowest id.
fn round_robin_key(agent: &AgentCandidate) -> (Option<DateTime<Utc>>, i64) {
    (agent.last_assigned_at, agent.user_id)
}

/// Least-loaded order: weighted load, then open count, then round-robin order.
fn load_key(agent: &AgentCandidate) -> (u32, u32, Option<DateTime<Utc>>, i64) {
    (agent.open_load, agent.open_count, agent.last_assigned_at, agent.user_id)
}

/// The named agent when eligible (online, under capacity, not excluded); required skills are not checked because
/// the rule's author chose this person. `None`: the ticket waits in the queue.
pub fn pick_named_agent(candidates: &[AgentCandidate], user_id: i64, ctx: &DispatchContext) -> Option<Choice> {
    candidates.iter().find(|a| a.user_id == user_id && ctx.is_eligible(a)).map(|a| Choice::of(a, None))
}

/// The admitted agent assigned longest ago (never assigned first), ties by lowest id.
/// Fair as long as the app sets `last_assigned_at` to the assignment time whenever dispatch assigns.
pub fn pick_round_robin(candidates: &[AgentCandidate], ctx: &DispatchContext) -> Option<Choice> {
    candidates.iter().filter(|a| ctx.admits(a)).min_by_key(|a| round_robin_key(a)).map(|a| Choice::of(a, None))
}

/// The admitted agent with the least weighted load; ties: fewer open tickets, then round-robin order.
pub fn pick_least_loaded(candidates: &[AgentCandidate], ctx: &DispatchContext) -> Option<Choice> {
    candidates.iter().filter(|a| ctx.admits(a)).min_by_key(|a| load_key(a)).map(|a| Choice::of(a, None))
}

/// Agents holding every required skill, then least loaded or round robin among them.
/// (Required skills restrict every strategy but `named_agent`; this one names the intent in the rule.)
pub fn pick_by_skills(candidates: &[AgentCandidate], ctx: &DispatchContext, then: SkillsThen) -> Option<Choice> {
    match then {
        SkillsThen::LeastLoaded => pick_least_loaded(candidates, ctx),
        SkillsThen::RoundRobin => pick_round_robin(candidates, ctx),
    }
}

/// The admitted agent nearest (great-circle) to `ctx.ticket_location`, skipping agents without a position and agents
/// holding urgent work; ties by load. `None` also when the ticket has no location.
pub fn pick_nearest(candidates: &[AgentCandidate], ctx: &DispatchContext) -> Option<Choice> {
    let target = ctx.ticket_location?;
    candidates
        .iter()
        .filter(|a| !a.holds_urgent && ctx.admits(a))
        .filter_map(|a| Some((a, a.position?.distance_km(&target))))
        .min_by(|(a, da), (b, db)| da.total_cmp(db).then_with(|| load_key(a).cmp(&load_key(b))))
        .map(|(a, distance)| Choice::of(a, Some(distance)))
}

/// Every admitted agent (pool / 抢单), in round-robin order (the longest-waiting first).
pub fn pool_candidates(candidates: &[AgentCandidate], ctx: &DispatchContext) -> Vec<i64> {
    let mut qualified: Vec<&AgentCandidate> = candidates.iter().filter(|a| ctx.admits(a)).collect();
    qualified.sort_by_key(|a| round_robin_key(a));
    qualified.into_iter().map(|a| a.user_id).collect()
}

/// Why an agent may not claim a pool ticket now; the first unmet condition, as a stable code the reader's
/// language renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimBlock {
    /// Only members of the ticket's group can claim it (the app checks membership; this function cannot).
    NotMember,
    /// The agent declined this ticket or let it escalate: someone else must take it.
    Excluded,
    /// The agent is away or offline.
    NotOnline,
    /// The agent already holds as many open tickets as their capacity.
    AtCapacity,
    /// The ticket needs a skill (or level) the agent does not hold.
    MissingSkills,
}

wire_names!(ClaimBlock, "claim block" {
    NotMember => "not_member",
    Excluded => "excluded",
    NotOnline => "not_online",
    AtCapacity => "at_capacity",
    MissingSkills => "missing_skills",
});

/// What stops an agent from claiming a pooled ticket now (None: they may): the same test as being offered it, on a
/// fresh snapshot of the claimant. The claim itself must be atomic in the database (first claim wins).
pub fn claim_block(agent: &AgentCandidate, ctx: &DispatchContext) -> Option<ClaimBlock> {
    if ctx.excluded.contains(&agent.user_id) {
        Some(ClaimBlock::Excluded)
    } else if agent.availability != Availability::Online {
        Some(ClaimBlock::NotOnline)
    } else if agent.is_full() {
        Some(ClaimBlock::AtCapacity)
    } else if !agent.has_skills(ctx.required_skills) {
        Some(ClaimBlock::MissingSkills)
    } else {
        None
    }
}

/// Why a ticket waits in its group's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueReason {
    /// Nobody is online, under capacity, not excluded and qualified.
    NoEligibleAgent,
    /// The named agent is away, offline, full, excluded or not a candidate.
    NamedAgentUnavailable,
    /// The nearest strategy needs a ticket location.
    NoTicketLocation,
}

wire_names!(QueueReason, "queue reason" {
    NoEligibleAgent => "no_eligible_agent",
    NamedAgentUnavailable => "named_agent_unavailable",
    NoTicketLocation => "no_ticket_location",
});

/// The result of applying a strategy. JSON: `{"outcome": "agent", "user_id": 7, …}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Assignment {
    /// Assign to this agent.
    Agent(Choice),
    /// Offer to these agents (possibly none yet); the first claim wins.
    Pool { offered_to: Vec<i64> },
    /// Nobody now: the ticket waits, visibly, in its group's queue.
    Queue { reason: QueueReason },
}

impl Assignment {
    /// The chosen agent, if any.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Assignment::Agent(choice) => Some(choice.user_id),
            _ => None,
        }
    }
}

/// Applies a strategy to the candidates.
pub fn assign(strategy: &AssignStrategy, candidates: &[AgentCandidate], ctx: &DispatchContext) -> Assignment {
    let picked = match strategy {
        AssignStrategy::NamedAgent { user_id } => {
            return pick_named_agent(candidates, *user_id, ctx)
                .map_or(Assignment::Queue { reason: QueueReason::NamedAgentUnavailable }, Assignment::Agent);
        }
        AssignStrategy::Pool => return Assignment::Pool { offered_to: pool_candidates(candidates, ctx) },
        AssignStrategy::Nearest if ctx.ticket_location.is_none() => {
            return Assignment::Queue { reason: QueueReason::NoTicketLocation };
        }
        AssignStrategy::Nearest => pick_nearest(candidates, ctx),
        AssignStrategy::RoundRobin => pick_round_robin(candidates, ctx),
        AssignStrategy::LeastLoaded => pick_least_loaded(candidates, ctx),
        AssignStrategy::Skills { then } => pick_by_skills(candidates, ctx, *then),
    };
    picked.map_or(Assignment::Queue { reason: QueueReason::NoEligibleAgent }, Assignment::Agent)
}

/// When an assignment must have been accepted: `assigned_at` + the rule's limit; `None` when there is no limit.
pub fn accept_deadline(assigned_at: DateTime<Utc>, accept_within_minutes: Option<u32>) -> Option<DateTime<Utc>> {
    accept_within_minutes.map(|minutes| assigned_at + chrono::Duration::minutes(i64::from(minutes)))
}
