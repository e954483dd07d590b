//! Checking conditions on save against what exists (users, organisations, ticket types and their fields).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::matcher::{parse_date, parse_instant};
use super::model::{Condition, FieldOperator, RegionOperator};
use super::text::is_blank;
use super::window::{MAX_UTC_OFFSET_MINUTES, MIN_UTC_OFFSET_MINUTES, MINUTES_PER_DAY, TimeWindow, parse_time_of_day};
use crate::errors::FieldErrors;
use crate::fields::{FieldDefinition, FieldKind};

pub const MAX_CONDITIONS: usize = 50;
/// Ids, tiers, tags, region values and `in` lists.
pub const MAX_LIST_ITEMS: usize = 200;
pub const MAX_KEYWORDS: usize = 100;
pub const MAX_KEYWORD_CHARS: usize = 100;

/// What exists, as loaded by the app before saving conditions (or a rule whose actions name groups and agents).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownRefs {
    pub group_ids: BTreeSet<i64>,
    /// Staff who may be assigned tickets (for `named_agent`).
    pub agent_ids: BTreeSet<i64>,
    /// Every user (requester conditions, values of user fields).
    pub user_ids: BTreeSet<i64>,
    pub organization_ids: BTreeSet<i64>,
    /// Ticket type id → its custom field definitions.
    pub ticket_types: BTreeMap<i64, Vec<FieldDefinition>>,
}

/// Checks a list of conditions, adding errors keyed by a path into the list as sent under `path`:
/// `conditions`, `conditions[2].field`, `conditions[2].operator`, `conditions[2].value`, `conditions[0].keywords` …
///
/// Custom field conditions are checked against the ticket types the list is restricted to by its `ticket_type`
/// conditions (every known type when there are none): the field must exist in one of them, and the operator and
/// value must fit the field's kind.
pub fn check_conditions(path: &str, conditions: &[Condition], known: &KnownRefs, errors: &mut FieldErrors) {
    if conditions.len() > MAX_CONDITIONS {
        errors.add(path, format!("at most {MAX_CONDITIONS} conditions are allowed"));
    }
    let scope = types_in_scope(conditions, known);
    for (i, condition) in conditions.iter().enumerate() {
        check_condition(&format!("{path}[{i}]"), condition, known, &scope, errors);
    }
}

/// The users conditions name (requesters, and any whole number compared with a custom field, which may be a user
/// field), sorted, without repeats: what `KnownRefs::user_ids` must cover.
pub fn referenced_user_ids(conditions: &[Condition]) -> Vec<i64> {
    let mut ids = Vec::new();
    for condition in conditions {
        match condition {
            Condition::Requester { user_ids } => ids.extend(user_ids),
            Condition::CustomField { value, .. } => match value {
                Value::Array(items) => ids.extend(items.iter().filter_map(Value::as_i64)),
                other => ids.extend(other.as_i64()),
            },
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The organisations conditions name: what `KnownRefs::organization_ids` must cover.
pub fn referenced_organization_ids(conditions: &[Condition]) -> Vec<i64> {
    let mut ids: Vec<i64> = conditions
        .iter()
        .filter_map(|c| match c {
            Condition::Organization { organization_ids } => Some(organization_ids.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `check_conditions` for a list sent as `conditions`, as a result.
pub fn validate_conditions(conditions: &[Condition], known: &KnownRefs) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    check_conditions("conditions", conditions, known, &mut errors);
    errors.into_result(())
}

/// The field definitions of the types conditions can apply to.
fn types_in_scope<'k>(conditions: &[Condition], known: &'k KnownRefs) -> Vec<&'k [FieldDefinition]> {
    let restricted: Vec<&'k [FieldDefinition]> = known
        .ticket_types
        .iter()
        .filter(|(id, _)| {
            conditions.iter().all(|c| match c {
                Condition::TicketType { type_ids } => type_ids.contains(id),
                _ => true,
            })
        })
        .map(|(_, defs)| defs.as_slice())
        .collect();
    // An impossible type restriction is reported on the ticket_type condition; do not add unknown-field noise.
    if restricted.is_empty() { known.ticket_types.values().map(Vec::as_slice).collect() } else { restricted }
}

fn definitions_for<'k>(scope: &[&'k [FieldDefinition]], key: &str) -> Vec<&'k FieldDefinition> {
    scope.iter().filter_map(|defs| defs.iter().find(|d| d.key == key)).collect()
}

/// Non-empty and not too long; returns whether the items should be checked further.
pub(crate) fn check_list<T>(errors: &mut FieldErrors, path: &str, items: &[T], what: &str, max: usize) -> bool {
    if items.is_empty() {
        errors.add(path, format!("needs at least one {what}"));
        false
    } else if items.len() > max {
        errors.add(path, format!("at most {max} {what}s are allowed"));
        false
    } else {
        true
    }
}

fn check_ids(errors: &mut FieldErrors, path: &str, ids: &[i64], known: &BTreeSet<i64>, what: &str) {
    if check_list(errors, path, ids, what, MAX_LIST_ITEMS) {
        for id in ids.iter().filter(|id| !known.contains(id)) {
            errors.add(path, format!("unknown {what} {id}"));
        }
    }
}

fn check_texts(errors: &mut FieldErrors, path: &str, texts: &[String], what: &str, max_items: usize, max_chars: usize) {
    if !check_list(errors, path, texts, what, max_items) {
        return;
    }
    if texts.iter().any(|t| is_blank(t)) {
        errors.add(path, format!("a {what} must not be blank"));
    }
    if let Some(long) = texts.iter().find(|t| t.trim().chars().count() > max_chars) {
        errors.add(path, format!("{what} {long:?} is longer than {max_chars} characters"));
    }
}

fn check_condition(
    path: &str,
    condition: &Condition,
    known: &KnownRefs,
    scope: &[&[FieldDefinition]],
    errors: &mut FieldErrors,
) {
    let at = |property: &str| format!("{path}.{property}");
    match condition {
        Condition::TicketType { type_ids } => {
            let types: BTreeSet<i64> = known.ticket_types.keys().copied().collect();
            check_ids(errors, &at("type_ids"), type_ids, &types, "ticket type");
        }
        Condition::Priority { priorities } => {
            check_list(errors, &at("priorities"), priorities, "priority", MAX_LIST_ITEMS);
        }
        Condition::Channel { channels } => {
            check_list(errors, &at("channels"), channels, "channel", MAX_LIST_ITEMS);
        }
        Condition::Organization { organization_ids } => {
            check_ids(errors, &at("organization_ids"), organization_ids, &known.organization_ids, "organization");
        }
        Condition::OrganizationTier { tiers } => {
            check_texts(errors, &at("tiers"), tiers, "tier", MAX_LIST_ITEMS, MAX_KEYWORD_CHARS);
        }
        Condition::Requester { user_ids } => check_ids(errors, &at("user_ids"), user_ids, &known.user_ids, "user"),
        Condition::Tags { tags, .. } => check_texts(errors, &at("tags"), tags, "tag", MAX_LIST_ITEMS, 50),
        Condition::CustomField { field, operator, value } => {
            let defs = definitions_for(scope, field);
            if defs.is_empty() {
                errors.add(at("field"), format!("unknown custom field {field:?}"));
                return;
            }
            let mut first_error = None;
            for def in defs {
                match fit(def, *operator, value, known) {
                    Ok(()) => return,
                    Err(error) => {
                        first_error.get_or_insert(error);
                    }
                }
            }
            if let Some((property, message)) = first_error {
                errors.add(at(property), message);
            }
        }
        Condition::Keywords { keywords, .. } => {
            check_texts(errors, &at("keywords"), keywords, "keyword", MAX_KEYWORDS, MAX_KEYWORD_CHARS);
        }
        Condition::Region { field, operator, values } => {
            if let Some(key) = field {
                let defs = definitions_for(scope, key);
                if defs.is_empty() {
                    errors.add(at("field"), format!("unknown custom field {key:?}"));
                } else if !defs
                    .iter()
                    .any(|d| matches!(d.kind, FieldKind::Text | FieldKind::LongText | FieldKind::Select))
                {
                    errors.add(at("field"), "a region must be a text or select field");
                }
            }
            if check_list(errors, &at("values"), values, "value", MAX_LIST_ITEMS) {
                if values.iter().any(|v| is_blank(v)) {
                    errors.add(at("values"), "a value must not be blank");
                }
                if *operator == RegionOperator::Equals && values.len() != 1 {
                    errors.add(at("values"), "equals takes exactly one value; use in for several");
                }
            }
        }
        Condition::TimeWindow(window) => check_window(path, window, errors),
    }
}

fn check_window(path: &str, window: &TimeWindow, errors: &mut FieldErrors) {
    if window.weekdays.is_empty() {
        errors.add(format!("{path}.weekdays"), "needs at least one weekday");
    }
    const TIME: &str = "must be a time of day like 08:30";
    match parse_time_of_day(&window.from) {
        Some(minute) if minute < MINUTES_PER_DAY => {}
        _ => errors.add(format!("{path}.from"), TIME),
    }
    if parse_time_of_day(&window.to).is_none() {
        errors.add(format!("{path}.to"), format!("{TIME} (24:00 for the end of the day)"));
    }
    if !(MIN_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES).contains(&window.utc_offset_minutes) {
        errors.add(
            format!("{path}.utc_offset_minutes"),
            format!("must be between {MIN_UTC_OFFSET_MINUTES} and {MAX_UTC_OFFSET_MINUTES} (China: 480)"),
        );
    }
}

/// The operators that make sense for a field kind.
pub fn operators_for(kind: FieldKind) -> &'static [FieldOperator] {
    use FieldOperator::*;
    match kind {
        FieldKind::Text | FieldKind::LongText | FieldKind::Email | FieldKind::Phone | FieldKind::Url => {
            &[Equals, NotEquals, In, Contains]
        }
        FieldKind::Number => &[Equals, NotEquals, In, Gt, Gte, Lt, Lte],
        FieldKind::Date | FieldKind::Datetime => &[Equals, NotEquals, Gt, Gte, Lt, Lte],
        FieldKind::Select | FieldKind::User => &[Equals, NotEquals, In],
        // contains: the option is selected; in: one of the options is selected.
        FieldKind::MultiSelect => &[Contains, In],
        FieldKind::Checkbox => &[Equals, NotEquals],
    }
}

/// Whether operator and value fit the field; the error names the property to blame ("operator" or "value").
fn fit(
    def: &FieldDefinition,
    operator: FieldOperator,
    value: &Value,
    known: &KnownRefs,
) -> Result<(), (&'static str, String)> {
    let allowed = operators_for(def.kind);
    if !allowed.contains(&operator) {
        let names: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
        return Err((
            "operator",
            format!("{operator} does not apply to a {} field; use one of: {}", def.kind, names.join(", ")),
        ));
    }
    let check = |v: &Value| fit_scalar(def, v, known).map_err(|message| ("value", message));
    match operator {
        FieldOperator::In => match value {
            Value::Array(items) if items.is_empty() => Err(("value", "needs at least one value".to_owned())),
            Value::Array(items) if items.len() > MAX_LIST_ITEMS => {
                Err(("value", format!("at most {MAX_LIST_ITEMS} values are allowed")))
            }
            Value::Array(items) => items.iter().try_for_each(check),
            _ => Err(("value", "in takes a list of values".to_owned())),
        },
        _ => check(value),
    }
}

/// One value compared with a field of this kind.
fn fit_scalar(def: &FieldDefinition, value: &Value, known: &KnownRefs) -> Result<(), String> {
    match def.kind {
        FieldKind::Text | FieldKind::LongText | FieldKind::Email | FieldKind::Phone | FieldKind::Url => match value {
            Value::String(text) if !is_blank(text) => Ok(()),
            _ => Err("must be non-blank text".to_owned()),
        },
        FieldKind::Number => match value {
            Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => Ok(()),
            _ => Err("must be a number".to_owned()),
        },
        FieldKind::Date => match value.as_str().and_then(parse_date) {
            Some(_) => Ok(()),
            None => Err("must be a date like 2026-10-01".to_owned()),
        },
        FieldKind::Datetime => match value.as_str().and_then(parse_instant) {
            Some(_) => Ok(()),
            None => Err("must be a date and time with offset like 2026-10-01T09:30:00+08:00".to_owned()),
        },
        FieldKind::Select | FieldKind::MultiSelect => match value.as_str() {
            Some(choice) if def.options.iter().any(|o| o == choice) => Ok(()),
            _ => Err(format!("must be one of: {}", def.options.join(", "))),
        },
        FieldKind::Checkbox => match value {
            Value::Bool(_) => Ok(()),
            _ => Err("must be true or false".to_owned()),
        },
        FieldKind::User => match value.as_i64() {
            Some(id) if known.user_ids.contains(&id) => Ok(()),
            Some(id) if id > 0 => Err(format!("unknown user {id}")),
            _ => Err("must be a user id".to_owned()),
        },
    }
}
