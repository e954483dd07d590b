//! Evaluating routing rules against a ticket.

use super::rules::{Action, AssignStrategy, RoutingRule, SkillRequirement};
use crate::conditions::TicketFacts;
use crate::conditions::matcher::{Matcher, SoFar};
use crate::conditions::text::eq_normalized;
use crate::ticket::Priority;

/// A rule that matched, in evaluation order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MatchedRule {
    #[schema(example = 12)]
    pub id: i64,
    #[schema(example = "VIP 投诉")]
    pub name: String,
}

/// The assignment a rule asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AssignPlan {
    /// The rule whose assign action this is.
    #[schema(example = 12)]
    pub rule_id: i64,
    pub strategy: AssignStrategy,
    #[schema(example = 15)]
    pub accept_within_minutes: Option<u32>,
}

/// What the matching rules decided. `None` / empty means "no rule said anything": the app keeps the ticket's
/// current value or applies the ticket type's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RoutingOutcome {
    /// Matching rules in evaluation order (at most one unless rules say `continue_matching`).
    pub matched: Vec<MatchedRule>,
    /// The group set by the last matching rule that set one.
    #[schema(example = 3)]
    pub group_id: Option<i64>,
    /// The priority set by the last matching rule that set one.
    pub priority: Option<Priority>,
    /// Tags to add, in order, without the ones the ticket already has (compared case-insensitively).
    pub added_tags: Vec<String>,
    /// Skills accumulated from every matching rule (one entry per skill, the highest `min_level` asked for).
    pub required_skills: Vec<SkillRequirement>,
    /// The assignment of the last matching rule that had one.
    pub assign: Option<AssignPlan>,
}

impl RoutingOutcome {
    /// The ticket's priority after routing.
    pub fn final_priority(&self, facts: &TicketFacts) -> Priority {
        self.priority.unwrap_or(facts.priority)
    }

    /// What the rules matched so far changed, as the conditions of the next rules see it.
    fn so_far(&self) -> SoFar<'_> {
        SoFar { priority: self.priority, added_tags: &self.added_tags }
    }
}

/// How one rule fared, for the rule editor's "test" box.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RuleTrace {
    pub rule_id: i64,
    pub name: String,
    pub enabled: bool,
    /// False for disabled rules and for rules after the one that stopped the evaluation.
    pub evaluated: bool,
    /// Per condition, in order, whether it held (empty when not evaluated).
    pub conditions: Vec<bool>,
    pub matched: bool,
}

/// Runs the rules over the ticket.
///
/// - Enabled rules are tried by ascending `position`, then `id` (no allocation when already in that order).
/// - A rule matches when all of its conditions hold; its actions are applied in order. Evaluation stops after the
///   first matching rule unless that rule has `continue_matching`.
/// - Single-valued results (group, priority, assignment) are overridden by later matching rules; tags and required
///   skills accumulate.
/// - Later rules see what earlier matching rules did: a `priority` condition tests the priority set so far, a
///   `tags` condition also sees tags added so far.
pub fn evaluate(rules: &[RoutingRule], facts: &TicketFacts) -> RoutingOutcome {
    run(rules, facts, None)
}

/// `evaluate`, also reporting for every rule whether it was evaluated and which of its conditions held.
pub fn trace(rules: &[RoutingRule], facts: &TicketFacts) -> (RoutingOutcome, Vec<RuleTrace>) {
    let mut traces = Vec::with_capacity(rules.len());
    let outcome = run(rules, facts, Some(&mut traces));
    (outcome, traces)
}

fn order_key(rule: &RoutingRule) -> (i32, i64) {
    (rule.position, rule.id)
}

fn run(rules: &[RoutingRule], facts: &TicketFacts, traces: Option<&mut Vec<RuleTrace>>) -> RoutingOutcome {
    if rules.is_sorted_by_key(order_key) {
        run_ordered(rules.iter(), facts, traces)
    } else {
        let mut ordered: Vec<&RoutingRule> = rules.iter().collect();
        ordered.sort_by_key(|rule| order_key(rule));
        run_ordered(ordered.into_iter(), facts, traces)
    }
}

fn run_ordered<'r>(
    rules: impl Iterator<Item = &'r RoutingRule>,
    facts: &TicketFacts,
    mut traces: Option<&mut Vec<RuleTrace>>,
) -> RoutingOutcome {
    let mut outcome = RoutingOutcome::default();
    let mut matcher = Matcher::new(facts);
    let mut stopped = false;

    for rule in rules {
        let evaluated = rule.enabled && !stopped;
        let matched = match traces.as_deref_mut() {
            Some(traces) => {
                let conditions: Vec<bool> = if evaluated {
                    rule.conditions.iter().map(|c| matcher.matches(c, &outcome.so_far())).collect()
                } else {
                    Vec::new()
                };
                let matched = evaluated && conditions.iter().all(|held| *held);
                traces.push(RuleTrace {
                    rule_id: rule.id,
                    name: rule.name.clone(),
                    enabled: rule.enabled,
                    evaluated,
                    conditions,
                    matched,
                });
                matched
            }
            None => {
                if stopped {
                    break;
                }
                evaluated && matcher.holds(&rule.conditions, &outcome.so_far())
            }
        };
        if !matched {
            continue;
        }
        outcome.matched.push(MatchedRule { id: rule.id, name: rule.name.clone() });
        for action in &rule.actions {
            apply(action, rule, facts, &mut outcome);
        }
        stopped = !rule.continue_matching;
    }
    outcome
}

fn apply(action: &Action, rule: &RoutingRule, facts: &TicketFacts, outcome: &mut RoutingOutcome) {
    match action {
        Action::SetGroup { group_id } => outcome.group_id = Some(*group_id),
        Action::SetPriority { priority } => outcome.priority = Some(*priority),
        Action::AddTags { tags } => {
            for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                let known = facts.tags.iter().chain(&outcome.added_tags).any(|t| eq_normalized(t, tag));
                if !known {
                    outcome.added_tags.push(tag.to_owned());
                }
            }
        }
        Action::RequireSkills { skills } => merge_skill_requirements(&mut outcome.required_skills, skills),
        Action::Assign { strategy, accept_within_minutes } => {
            outcome.assign = Some(AssignPlan {
                rule_id: rule.id,
                strategy: strategy.clone(),
                accept_within_minutes: *accept_within_minutes,
            });
        }
    }
}

/// Adds `more` to `into`, one entry per skill (names compared case-insensitively) with the highest `min_level`
/// asked for. The app uses it to combine a ticket type's required skills with the routing outcome's.
pub fn merge_skill_requirements(into: &mut Vec<SkillRequirement>, more: &[SkillRequirement]) {
    for skill in more {
        match into.iter_mut().find(|s| eq_normalized(&s.name, &skill.name)) {
            Some(existing) => existing.min_level = existing.min_level.max(skill.min_level),
            None => into.push(skill.clone()),
        }
    }
}
