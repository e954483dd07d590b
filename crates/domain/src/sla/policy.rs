//! SLA policies: which tickets they cover (the condition language), their targets per priority and their calendar.

use std::collections::BTreeSet;

use super::clock::SlaMetric;
use crate::conditions::{Condition, KnownRefs, TicketFacts, all_match, check_conditions};
use crate::errors::FieldErrors;
use crate::ticket::Priority;

/// Warn when this share of a target is used, unless the policy says otherwise.
pub const DEFAULT_WARN_AT_PERCENT: u8 = 75;
/// Targets are at most a year of business minutes.
pub const MAX_TARGET_MINUTES: u32 = 365 * 24 * 60;
pub const MAX_POLICY_NAME_CHARS: usize = 100;

/// Targets for one priority, in business minutes; `None`: no clock for that metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaTarget {
    #[serde(default)]
    #[schema(example = 30, minimum = 1, maximum = 525600)]
    pub first_response_minutes: Option<u32>,
    #[serde(default)]
    #[schema(example = 240, minimum = 1, maximum = 525600)]
    pub resolution_minutes: Option<u32>,
}

/// What happens when a clock breaches, besides the history entry and the notifications.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BreachActions {
    /// raise the priority one step (urgent stays urgent)
    #[serde(default)]
    pub raise_priority: bool,
    /// run dispatch again (routing rules and their strategy)
    #[serde(default)]
    pub redispatch: bool,
    #[serde(default)]
    #[schema(example = json!(["超时"]))]
    pub add_tags: Vec<String>,
}

/// Targets per priority. JSON: `{"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}, "low": {}}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaTargets {
    #[serde(default)]
    pub low: SlaTarget,
    #[serde(default)]
    pub normal: SlaTarget,
    #[serde(default)]
    pub high: SlaTarget,
    #[serde(default)]
    pub urgent: SlaTarget,
}

impl SlaTarget {
    pub fn new(first_response_minutes: Option<u32>, resolution_minutes: Option<u32>) -> Self {
        Self { first_response_minutes, resolution_minutes }
    }

    pub fn minutes(&self, metric: SlaMetric) -> Option<u32> {
        match metric {
            SlaMetric::FirstResponse => self.first_response_minutes,
            SlaMetric::Resolution => self.resolution_minutes,
        }
    }
}

impl SlaTargets {
    pub fn for_priority(&self, priority: Priority) -> &SlaTarget {
        match priority {
            Priority::Low => &self.low,
            Priority::Normal => &self.normal,
            Priority::High => &self.high,
            Priority::Urgent => &self.urgent,
        }
    }

    pub fn for_priority_mut(&mut self, priority: Priority) -> &mut SlaTarget {
        match priority {
            Priority::Low => &mut self.low,
            Priority::Normal => &mut self.normal,
            Priority::High => &mut self.high,
            Priority::Urgent => &mut self.urgent,
        }
    }

    /// The target in business minutes for a priority and metric.
    pub fn minutes(&self, priority: Priority, metric: SlaMetric) -> Option<u32> {
        self.for_priority(priority).minutes(metric)
    }
}

/// An SLA policy. Policies are tried by ascending `position` (then `id`); disabled ones are skipped; the first
/// whose conditions all hold (no conditions: every ticket) applies — even when it has no target for the ticket's
/// priority (then that ticket has no clocks; add a `priority` condition to let such tickets fall through).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaPolicy {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = "VIP 客户")]
    pub name: String,
    #[schema(example = 10)]
    pub position: i32,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// The routing rules' conditions (`dispatch::Condition`), e.g. `{"kind": "organization_tier", "tiers": ["vip"]}`.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub targets: SlaTargets,
    /// The business calendar the targets count on; `None`: 24×7.
    #[serde(default)]
    #[schema(example = 1)]
    pub calendar_id: Option<i64>,
    /// Warn when this share of a target is used (1–99).
    #[serde(default = "default_warn_at_percent")]
    #[schema(example = 75)]
    pub warn_at_percent: u8,
}

fn enabled_by_default() -> bool {
    true
}

fn default_warn_at_percent() -> u8 {
    DEFAULT_WARN_AT_PERCENT
}

impl SlaPolicy {
    /// Whether every condition holds for the ticket (ignores `enabled`).
    pub fn matches(&self, facts: &TicketFacts) -> bool {
        all_match(&self.conditions, facts)
    }
}

/// The policy for a ticket: the first enabled policy, by (`position`, `id`), whose conditions all hold.
pub fn select_policy<'p>(policies: &'p [SlaPolicy], facts: &TicketFacts) -> Option<&'p SlaPolicy> {
    policies.iter().filter(|p| p.enabled && p.matches(facts)).min_by_key(|p| (p.position, p.id))
}

/// Checks a policy on save. Errors are keyed by a path into the policy as sent: `name`, `conditions[0].tiers`
/// (conditions are checked exactly as routing rule conditions are), `targets`, `targets.urgent.resolution_minutes`,
/// `calendar_id`, `warn_at_percent`.
pub fn validate_policy(policy: &SlaPolicy, known: &KnownRefs, calendar_ids: &BTreeSet<i64>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();

    let name_chars = policy.name.trim().chars().count();
    if name_chars == 0 {
        errors.add("name", "is required");
    } else if name_chars > MAX_POLICY_NAME_CHARS {
        errors.add("name", format!("must be at most {MAX_POLICY_NAME_CHARS} characters"));
    }

    check_conditions("conditions", &policy.conditions, known, &mut errors);

    let mut any_target = false;
    for priority in Priority::ALL {
        let target = policy.targets.for_priority(priority);
        let path = format!("targets.{priority}");
        for (metric, minutes) in [
            ("first_response_minutes", target.first_response_minutes),
            ("resolution_minutes", target.resolution_minutes),
        ] {
            if let Some(minutes) = minutes {
                any_target = true;
                if minutes == 0 || minutes > MAX_TARGET_MINUTES {
                    errors.add(format!("{path}.{metric}"), format!("must be between 1 and {MAX_TARGET_MINUTES}"));
                }
            }
        }
        if let (Some(first), Some(resolve)) = (target.first_response_minutes, target.resolution_minutes)
            && resolve > 0
            && first > resolve
        {
            errors.add(format!("{path}.first_response_minutes"), "must not be longer than resolution_minutes");
        }
    }
    if !any_target {
        errors.add("targets", "needs at least one target");
    }

    if let Some(id) = policy.calendar_id
        && !calendar_ids.contains(&id)
    {
        errors.add("calendar_id", format!("unknown calendar {id}"));
    }
    if !(1..=99).contains(&policy.warn_at_percent) {
        errors.add("warn_at_percent", "must be between 1 and 99");
    }

    errors.into_result(())
}
