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
mod reason;
mod rules;
mod strategy;
mod validate;

// The condition language and positions have their own homes (`crate::conditions`, `crate::geo`); rules are
// written in them, so their names are at hand here too.
pub use crate::conditions::{
    Condition, FieldOperator, KeywordScope, KnownRefs, MAX_CONDITIONS, MAX_KEYWORD_CHARS, MAX_KEYWORDS, MAX_LIST_ITEMS,
    MAX_UTC_OFFSET_MINUTES, MIN_UTC_OFFSET_MINUTES, MINUTES_PER_DAY, RegionOperator, TagMatch, TicketFacts, TimeWindow,
    Weekday, condition_matches, eq_normalized, normalize_text, operators_for, parse_time_of_day,
};
pub use crate::geo::{EARTH_RADIUS_KM, GeoPoint};
pub use crate::locale::Locale;
pub use evaluate::{AssignPlan, MatchedRule, RoutingOutcome, RuleTrace, evaluate, merge_skill_requirements, trace};
pub use reason::{DispatchCause, DispatchReason, ReasonNames};
pub use rules::{Action, AssignStrategy, RoutingRule, SkillRequirement, SkillsThen};
pub use strategy::{
    AgentCandidate, AgentSkill, Assignment, Availability, Choice, ClaimBlock, DispatchContext, QueueReason,
    accept_deadline, assign, claim_block, open_load, pick_by_skills, pick_least_loaded, pick_named_agent, pick_nearest,
    pick_round_robin, pool_candidates, priority_weight, workload_share,
};
pub use validate::{
    MAX_ACCEPT_MINUTES, MAX_ACTIONS, MAX_RULE_NAME_CHARS, MAX_SKILL_CHARS, MAX_SKILLS, check_agent_skills,
    check_skill_requirements, validate_rule,
};
