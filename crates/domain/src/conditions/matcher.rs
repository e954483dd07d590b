//! Testing conditions against a ticket's facts.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;

use super::facts::TicketFacts;
use super::model::{Condition, FieldOperator, KeywordScope, RegionOperator, TagMatch};
use super::text::{Normalized, eq_normalized, normalize_into};
use crate::ticket::Priority;

/// What earlier steps of the same evaluation changed and later conditions see (routing rules that set a
/// priority or add tags, for the rules after them). `SoFar::default()`: the ticket as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct SoFar<'a> {
    pub priority: Option<Priority>,
    pub added_tags: &'a [String],
}

/// Whether one condition holds for the ticket as it is.
pub fn condition_matches(condition: &Condition, facts: &TicketFacts) -> bool {
    Matcher::new(facts).matches(condition, &SoFar::default())
}

/// Whether every condition holds for the ticket as it is (no conditions: always).
pub fn all_match(conditions: &[Condition], facts: &TicketFacts) -> bool {
    Matcher::new(facts).holds(conditions, &SoFar::default())
}

/// Tests conditions, normalising the subject and description at most once per evaluation and reusing its buffers.
pub(crate) struct Matcher<'f> {
    facts: &'f TicketFacts,
    subject: Option<String>,
    description: Option<String>,
    needle: String,
    haystack: String,
}

impl<'f> Matcher<'f> {
    pub(crate) fn new(facts: &'f TicketFacts) -> Self {
        Self { facts, subject: None, description: None, needle: String::new(), haystack: String::new() }
    }

    /// Whether all conditions hold; text searches run last, only when everything cheap already holds.
    pub(crate) fn holds(&mut self, conditions: &[Condition], so_far: &SoFar) -> bool {
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

    pub(crate) fn matches(&mut self, condition: &Condition, so_far: &SoFar) -> bool {
        let facts = self.facts;
        match condition {
            Condition::TicketType { type_ids } => type_ids.contains(&facts.type_id),
            Condition::Priority { priorities } => priorities.contains(&so_far.priority.unwrap_or(facts.priority)),
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
                    |wanted: &String| facts.tags.iter().chain(so_far.added_tags).any(|t| eq_normalized(t, wanted));
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
