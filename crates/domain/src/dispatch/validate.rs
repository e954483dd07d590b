//! Checking a routing rule on save against what exists (groups, agents, users, organisations, types, fields).

use std::collections::BTreeSet;

use super::rules::{Action, AssignStrategy, RoutingRule, SkillRequirement};
use super::strategy::AgentSkill;
use crate::conditions::text::is_blank;
use crate::conditions::{KnownRefs, check_conditions};
use crate::errors::FieldErrors;
use crate::ticket::normalize_tags;

pub const MAX_RULE_NAME_CHARS: usize = 100;
pub const MAX_ACTIONS: usize = 20;
pub const MAX_SKILLS: usize = 20;
pub const MAX_SKILL_CHARS: usize = 50;
/// One week.
pub const MAX_ACCEPT_MINUTES: u32 = 7 * 24 * 60;

/// Checks a rule on save. Errors are keyed by a path into the rule as sent: `name`, `conditions`, `actions`,
/// `conditions[2].field`, `conditions[2].operator`, `conditions[2].value`, `conditions[0].keywords`,
/// `actions[1].group_id`, `actions[0].strategy.user_id`, `actions[0].accept_within_minutes` …
///
/// The conditions are checked by the condition language's own `check_conditions`.
pub fn validate_rule(rule: &RoutingRule, known: &KnownRefs) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();

    let name_chars = rule.name.trim().chars().count();
    if name_chars == 0 {
        errors.add("name", "is required");
    } else if name_chars > MAX_RULE_NAME_CHARS {
        errors.add("name", format!("must be at most {MAX_RULE_NAME_CHARS} characters"));
    }
    if rule.actions.is_empty() {
        errors.add("actions", "needs at least one action");
    } else if rule.actions.len() > MAX_ACTIONS {
        errors.add("actions", format!("at most {MAX_ACTIONS} actions are allowed"));
    }

    check_conditions("conditions", &rule.conditions, known, &mut errors);

    let mut single_seen: Vec<&str> = Vec::new();
    for (i, action) in rule.actions.iter().enumerate() {
        let path = format!("actions[{i}]");
        let kind = action.kind_name();
        if matches!(action, Action::SetGroup { .. } | Action::SetPriority { .. } | Action::Assign { .. }) {
            if single_seen.contains(&kind) {
                errors.add(format!("{path}.kind"), format!("only one {kind} action is allowed per rule"));
            }
            single_seen.push(kind);
        }
        check_action(&path, action, known, &mut errors);
    }

    errors.into_result(())
}

/// Required skills (of a rule action or a ticket type): at most `MAX_SKILLS`, names not blank and short, levels ≥ 1.
pub fn check_skill_requirements(errors: &mut FieldErrors, path: &str, skills: &[SkillRequirement]) {
    check_skill_names(errors, path, skills.iter().map(|s| (s.name.as_str(), s.min_level)), skills.len(), "min_level");
}

/// The skills an agent holds: the same limits as required skills.
pub fn check_agent_skills(errors: &mut FieldErrors, path: &str, skills: &[AgentSkill]) {
    check_skill_names(errors, path, skills.iter().map(|s| (s.name.as_str(), s.level)), skills.len(), "level");
}

fn check_skill_names<'a>(
    errors: &mut FieldErrors,
    path: &str,
    skills: impl Iterator<Item = (&'a str, Option<u8>)>,
    count: usize,
    level_name: &str,
) {
    if count > MAX_SKILLS {
        errors.add(path, format!("at most {MAX_SKILLS} skills are allowed"));
        return;
    }
    let mut seen = BTreeSet::new();
    for (name, level) in skills {
        let trimmed = name.trim();
        if is_blank(trimmed) {
            errors.add(path, "a skill name must not be blank");
        } else if trimmed.chars().count() > MAX_SKILL_CHARS {
            errors.add(path, format!("skill {name:?} is longer than {MAX_SKILL_CHARS} characters"));
        } else if !seen.insert(trimmed.to_lowercase()) {
            errors.add(path, format!("skill {trimmed:?} is listed twice"));
        }
        if level == Some(0) {
            errors.add(path, format!("{level_name} must be at least 1"));
        }
    }
}

fn check_action(path: &str, action: &Action, known: &KnownRefs, errors: &mut FieldErrors) {
    let at = |property: &str| format!("{path}.{property}");
    match action {
        Action::SetGroup { group_id } => {
            if !known.group_ids.contains(group_id) {
                errors.add(at("group_id"), format!("unknown group {group_id}"));
            }
        }
        Action::SetPriority { .. } => {}
        Action::AddTags { tags } => {
            if tags.is_empty() {
                errors.add(at("tags"), "needs at least one tag");
            } else if let Err(tag_errors) = normalize_tags(tags) {
                for message in tag_errors.0.into_values().flatten() {
                    errors.add(at("tags"), message);
                }
            }
        }
        Action::RequireSkills { skills } => {
            if skills.is_empty() {
                errors.add(at("skills"), "needs at least one skill");
            } else {
                check_skill_requirements(errors, &at("skills"), skills);
            }
        }
        Action::Assign { strategy, accept_within_minutes } => {
            if let AssignStrategy::NamedAgent { user_id } = strategy
                && !known.agent_ids.contains(user_id)
            {
                errors.add(at("strategy.user_id"), format!("unknown agent {user_id}"));
            }
            if accept_within_minutes.is_some_and(|m| m == 0 || m > MAX_ACCEPT_MINUTES) {
                errors.add(at("accept_within_minutes"), format!("must be between 1 and {MAX_ACCEPT_MINUTES}"));
            }
        }
    }
}
