//! Smart dispatch (智能派单): routing rules, the ticket facts they test, assignment strategies over a snapshot of
//! candidate agents, and the reason recorded in the ticket history.
//!
//! Everything is pure. One dispatch, as the app runs it:
//!
//! 1. load the enabled rules (ordered by position, id) and build `TicketFacts` from the ticket;
//! 2. `evaluate(&rules, &facts)` → `RoutingOutcome` (group, priority, tags, required skills, assign plan);
//! 3. load the candidates of the resulting group as `AgentCandidate`s and call `assign(strategy, &candidates, &ctx)`
//!    with the required skills, the excluded agents (who declined or let it escalate) and the ticket's location;
//! 4. persist the decision, update the chosen agent's `last_assigned_at` for the group, and record
//!    `DispatchReason` in the history; render it with `DispatchReason::render`.
//!
//! Rules are validated on save with `validate_rule`.

mod evaluate;
mod facts;
mod geo;
mod reason;
mod rules;
mod strategy;
mod text;
mod validate;
mod window;

pub use evaluate::{
    AssignPlan, MatchedRule, RoutingOutcome, RuleTrace, condition_matches, evaluate, merge_skill_requirements, trace,
};
pub use facts::TicketFacts;
pub use geo::{EARTH_RADIUS_KM, GeoPoint};
pub use reason::{DispatchCause, DispatchReason, Locale, ReasonNames};
pub use rules::{
    Action, AssignStrategy, Condition, FieldOperator, KeywordScope, RegionOperator, RoutingRule, SkillRequirement,
    SkillsThen, TagMatch,
};
pub use strategy::{
    AgentCandidate, AgentSkill, Assignment, Availability, Choice, DispatchContext, QueueReason, accept_deadline,
    assign, may_claim, open_load, pick_by_skills, pick_least_loaded, pick_named_agent, pick_nearest, pick_round_robin,
    pool_candidates, priority_weight, workload_share,
};
pub use text::{eq_normalized, normalize_text};
pub use validate::{
    KnownRefs, MAX_ACCEPT_MINUTES, MAX_ACTIONS, MAX_CONDITIONS, MAX_KEYWORD_CHARS, MAX_KEYWORDS, MAX_LIST_ITEMS,
    MAX_RULE_NAME_CHARS, MAX_SKILL_CHARS, MAX_SKILLS, check_agent_skills, check_skill_requirements, operators_for,
    validate_rule,
};
pub use window::{
    MAX_UTC_OFFSET_MINUTES, MIN_UTC_OFFSET_MINUTES, MINUTES_PER_DAY, TimeWindow, Weekday, parse_time_of_day,
};
