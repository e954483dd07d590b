//! Evaluating routing rules against a ticket.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;

use super::facts::TicketFacts;
use super::rules::{
    Action, AssignStrategy, Condition, FieldOperator, KeywordScope, RegionOperator, RoutingRule, SkillRequirement,
    TagMatch,
};
use super::text::{Normalized, eq_normalized, normalize_into};
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

/// Whether one condition holds for the ticket as it is (without any earlier rule's changes).
pub fn condition_matches(condition: &Condition, facts: &TicketFacts) -> bool {
    Matcher::new(facts).matches(condition, &RoutingOutcome::default())
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
                    rule.conditions.iter().map(|c| matcher.matches(c, &outcome)).collect()
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
                evaluated && matcher.holds(&rule.conditions, &outcome)
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

/// Tests conditions, normalising the subject and description at most once per evaluation and reusing its buffers.
struct Matcher<'f> {
    facts: &'f TicketFacts,
    subject: Option<String>,
    description: Option<String>,
    needle: String,
    haystack: String,
}

impl<'f> Matcher<'f> {
    fn new(facts: &'f TicketFacts) -> Self {
        Self { facts, subject: None, description: None, needle: String::new(), haystack: String::new() }
    }

    /// Whether all conditions hold; text searches run last, only when everything cheap already holds.
    fn holds(&mut self, conditions: &[Condition], so_far: &RoutingOutcome) -> bool {
        let searches = |c: &&Condition| {
            matches!(
                c,
                Condition::Keywords { .. }
                    | Condition::Region { operator: RegionOperator::Contains, .. }
                    | Condition::CustomField { operator: FieldOperator::Contains, .. }
            )
        };
        conditions.iter().filter(|c| !searches(c)).all(|c| self.matches(c, so_far))
            && conditions.iter().filter(searches).all(|c| self.matches(c, so_far))
    }

    fn matches(&mut self, condition: &Condition, so_far: &RoutingOutcome) -> bool {
        let facts = self.facts;
        match condition {
            Condition::TicketType { type_ids } => type_ids.contains(&facts.type_id),
            Condition::Priority { priorities } => priorities.contains(&so_far.final_priority(facts)),
            Condition::Channel { channels } => channels.contains(&facts.channel),
            Condition::Organization { organization_ids } => {
                facts.organization_id.is_some_and(|id| organization_ids.contains(&id))
            }
            Condition::OrganizationTier { tiers } => {
                facts.organization_tier.as_deref().is_some_and(|tier| tiers.iter().any(|t| eq_normalized(t, tier)))
            }
            Condition::Requester { user_ids } => user_ids.contains(&facts.requester_id),
            Condition::Tags { mode, tags } => {
                let has =
                    |wanted: &String| facts.tags.iter().chain(&so_far.added_tags).any(|t| eq_normalized(t, wanted));
                match mode {
                    TagMatch::Any => tags.iter().any(has),
                    TagMatch::All => tags.iter().all(has),
                }
            }
            Condition::CustomField { field, operator, value } => {
                field_matches(*operator, value, facts.custom_fields.get(field), &mut self.needle, &mut self.haystack)
            }
            Condition::Keywords { keywords, scope } => self.keywords_match(keywords, *scope),
            Condition::Region { field, operator, values } => {
                let region = match field {
                    Some(key) => facts.custom_fields.get(key).and_then(Value::as_str),
                    None => facts.location_label.as_deref(),
                };
                let Some(region) = region else {
                    return false;
                };
                match operator {
                    RegionOperator::Equals | RegionOperator::In => values.iter().any(|v| eq_normalized(v, region)),
                    RegionOperator::Contains => {
                        self.haystack.clear();
                        normalize_into(region, &mut self.haystack);
                        values.iter().any(|v| contains_in(&self.haystack, v, &mut self.needle))
                    }
                }
            }
            Condition::TimeWindow(window) => window.contains(facts.routing_time()),
        }
    }

    fn keywords_match(&mut self, keywords: &[String], scope: KeywordScope) -> bool {
        let facts = self.facts;
        let subject = matches!(scope, KeywordScope::Subject | KeywordScope::SubjectOrDescription)
            .then(|| self.subject.get_or_insert_with(|| Normalized::new(&facts.subject).collect()).as_str());
        let description = matches!(scope, KeywordScope::Description | KeywordScope::SubjectOrDescription)
            .then(|| self.description.get_or_insert_with(|| Normalized::new(&facts.description).collect()).as_str());
        let needle = &mut self.needle;
        keywords.iter().any(|keyword| {
            subject.is_some_and(|text| contains_in(text, keyword, needle))
                || description.is_some_and(|text| contains_in(text, keyword, needle))
        })
    }
}

/// Whether the normalised `needle` occurs in the already normalised `haystack`; empty needles never match.
fn contains_in(haystack: &str, needle: &str, buffer: &mut String) -> bool {
    buffer.clear();
    normalize_into(needle, buffer);
    !buffer.is_empty() && haystack.contains(buffer.as_str())
}

/// Custom field test; see `FieldOperator` for the semantics.
fn field_matches(
    operator: FieldOperator,
    expected: &Value,
    actual: Option<&Value>,
    needle: &mut String,
    haystack: &mut String,
) -> bool {
    let actual = match actual {
        None | Some(Value::Null) => return operator == FieldOperator::NotEquals,
        Some(value) => value,
    };
    let elements = match actual {
        Value::Array(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    let any = |test: &dyn Fn(&Value) -> bool| elements.iter().any(test);
    let ordered = |accept: fn(Ordering) -> bool| any(&|a| compare(a, expected).is_some_and(accept));
    match operator {
        FieldOperator::Equals => any(&|a| scalar_eq(a, expected)),
        FieldOperator::NotEquals => !any(&|a| scalar_eq(a, expected)),
        FieldOperator::In => match expected {
            Value::Array(options) => any(&|a| options.iter().any(|o| scalar_eq(a, o))),
            _ => false,
        },
        FieldOperator::Contains => match (actual, expected) {
            (Value::Array(items), _) => items.iter().any(|a| scalar_eq(a, expected)),
            (Value::String(text), Value::String(wanted)) => {
                haystack.clear();
                normalize_into(text, haystack);
                contains_in(haystack, wanted, needle)
            }
            _ => false,
        },
        FieldOperator::Gt => ordered(Ordering::is_gt),
        FieldOperator::Gte => ordered(Ordering::is_ge),
        FieldOperator::Lt => ordered(Ordering::is_lt),
        FieldOperator::Lte => ordered(Ordering::is_le),
    }
}

/// Equality of two scalar values: numbers numerically, text normalised, datetimes as instants.
fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p == q),
        (Value::String(x), Value::String(y)) => {
            eq_normalized(x, y) || matches!((parse_instant(x), parse_instant(y)), (Some(p), Some(q)) if p == q)
        }
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => false,
    }
}

/// Order of two scalar values: numbers, dates ("2026-10-01"), or datetimes (RFC 3339); anything else is unordered.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => {
            if let (Some(p), Some(q)) = (parse_date(x), parse_date(y)) {
                return Some(p.cmp(&q));
            }
            Some(parse_instant(x)?.cmp(&parse_instant(y)?))
        }
        _ => None,
    }
}

/// "YYYY-MM-DD" exactly.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// An RFC 3339 date and time with offset.
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    // Cheap shape check first: most strings compared are not datetimes.
    if text.len() < 20 || text.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    DateTime::parse_from_rfc3339(text).ok()
}
