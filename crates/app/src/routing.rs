//! Routing rules (派单规则) as admins edit them: an ordered list, validated on save against what exists, and a
//! "test" that shows which rule and which agent a sample ticket would get, without changing anything.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use loopdesk_domain::dispatch::{
    self, Action, AssignStrategy, Assignment, Condition, DispatchCause, DispatchReason, Locale, RoutingOutcome,
    RoutingRule, RuleTrace, TicketFacts,
};
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::policy::{self, Actor, Permission};
use loopdesk_persistence::models::{RoutingRuleRow, RoutingRuleValues};
use loopdesk_persistence::queries::dispatch as q;
use loopdesk_persistence::queries::{directory, ticket_types as types_q};
use loopdesk_persistence::{DbConn, Json, tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::conditions::known_refs;
use crate::dispatch::{self as use_cases, RouteBase};
use crate::kernel::checked_order;
use crate::{App, AppError, AppResult, utc};

/// A routing rule as sent by the editor: conditions (all must hold) and actions, as plain JSON.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct RoutingRuleInput {
    #[schema(example = "VIP 投诉")]
    pub name: String,
    /// evaluation order, ascending; defaults to after the last rule
    #[schema(example = 10)]
    pub position: Option<i32>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    #[serde(default)]
    #[schema(example = json!([
        {"kind": "organization_tier", "tiers": ["vip"]},
        {"kind": "keywords", "keywords": ["投诉", "不满意"]}
    ]))]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    #[schema(example = json!([
        {"kind": "set_group", "group_id": 3},
        {"kind": "set_priority", "priority": "high"},
        {"kind": "assign", "strategy": {"kind": "least_loaded"}, "accept_within_minutes": 15}
    ]))]
    pub actions: Vec<Action>,
    /// keep evaluating later rules after this one matched
    #[serde(default)]
    pub continue_matching: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoutingRuleView {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
    pub continue_matching: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The new order of the rules: every rule id, first to last.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RuleOrderInput {
    #[schema(example = json!([4, 1, 2]))]
    pub rule_ids: Vec<i64>,
}

/// A sample ticket to route, and optionally rules to try instead of the saved ones (the editor's unsaved state).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RoutingTestInput {
    pub ticket: TicketFacts,
    /// rules to test instead of the saved ones, in order; ids may be anything (e.g. 0 for a new rule)
    #[serde(default)]
    pub rules: Option<Vec<RoutingRuleInput>>,
}

/// What routing would do with the sample ticket now: which rules matched (and why the others did not), the group,
/// priority, tags and skills, and the agent the strategy would pick from today's candidates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoutingTestView {
    pub outcome: RoutingOutcome,
    /// per rule, whether it was evaluated, each condition's result, and whether it matched
    pub trace: Vec<RuleTrace>,
    /// the group the ticket would go to
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    /// the strategy's result; null when no rule assigns
    pub assignment: Option<Assignment>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// the decision as the ticket history would show it
    pub reason: String,
}

fn rule_view(row: &RoutingRuleRow) -> RoutingRuleView {
    RoutingRuleView {
        id: row.id,
        name: row.name.clone(),
        position: row.position,
        enabled: row.enabled,
        conditions: row.conditions.0.clone(),
        actions: row.actions.0.clone(),
        continue_matching: row.continue_matching,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

fn as_rule(id: i64, position: i32, input: &RoutingRuleInput) -> RoutingRule {
    RoutingRule {
        id,
        name: input.name.trim().to_string(),
        position,
        enabled: input.enabled,
        conditions: input.conditions.clone(),
        actions: input.actions.clone(),
        continue_matching: input.continue_matching,
    }
}

/// Numbers a rule refers to that may be user ids: requesters, a named agent, values of user fields.
/// The agents a rule's actions name.
fn named_agents(rule: &RoutingRule) -> Vec<i64> {
    rule.actions
        .iter()
        .filter_map(|action| match action {
            Action::Assign { strategy: AssignStrategy::NamedAgent { user_id }, .. } => Some(*user_id),
            _ => None,
        })
        .collect()
}

fn checked(conn: &mut DbConn, rule: &RoutingRule) -> AppResult<()> {
    let known = known_refs(conn, &rule.conditions, &named_agents(rule))?;
    dispatch::validate_rule(rule, &known).map_err(AppError::Validation)
}

fn values(rule: &RoutingRule, at: chrono::NaiveDateTime) -> RoutingRuleValues {
    RoutingRuleValues {
        name: rule.name.clone(),
        position: rule.position,
        enabled: rule.enabled,
        conditions: Json(rule.conditions.clone()),
        actions: Json(rule.actions.clone()),
        continue_matching: rule.continue_matching,
        updated_at: at,
    }
}

impl App {
    /// Every rule in evaluation order. Staff who dispatch may read them (to understand where tickets went).
    pub fn list_routing_rules(&self, actor: &Actor) -> AppResult<Vec<RoutingRuleView>> {
        policy::require(actor, Permission::RoutingManage)
            .or_else(|_| policy::require(actor, Permission::TicketsAssign))?;
        let mut conn = self.conn()?;
        Ok(q::list_rules(&mut conn)?.iter().map(rule_view).collect())
    }

    pub fn get_routing_rule(&self, actor: &Actor, id: i64) -> AppResult<RoutingRuleView> {
        policy::require(actor, Permission::RoutingManage)
            .or_else(|_| policy::require(actor, Permission::TicketsAssign))?;
        let mut conn = self.conn()?;
        Ok(rule_view(&q::find_rule(&mut conn, id)?.ok_or(AppError::NotFound("routing rule"))?))
    }

    pub fn create_routing_rule(&self, actor: &Actor, input: &RoutingRuleInput) -> AppResult<RoutingRuleView> {
        policy::require(actor, Permission::RoutingManage)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let position = match input.position {
                Some(p) => p,
                None => q::next_rule_position(conn)?,
            };
            let rule = as_rule(0, position, input);
            checked(conn, &rule)?;
            Ok(rule_view(&q::insert_rule(conn, &values(&rule, now), now)?))
        })
    }

    /// Replaces a rule (the editor sends the whole rule).
    pub fn update_routing_rule(&self, actor: &Actor, id: i64, input: &RoutingRuleInput) -> AppResult<RoutingRuleView> {
        policy::require(actor, Permission::RoutingManage)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let current = q::find_rule(conn, id)?.ok_or(AppError::NotFound("routing rule"))?;
            let rule = as_rule(id, input.position.unwrap_or(current.position), input);
            checked(conn, &rule)?;
            Ok(rule_view(&q::update_rule(conn, id, &values(&rule, now))?.ok_or(AppError::NotFound("routing rule"))?))
        })
    }

    pub fn delete_routing_rule(&self, actor: &Actor, id: i64) -> AppResult<()> {
        policy::require(actor, Permission::RoutingManage)?;
        let mut conn = self.conn()?;
        if !q::delete_rule(&mut conn, id)? {
            return Err(AppError::NotFound("routing rule"));
        }
        Ok(())
    }

    /// Puts the rules in the given order (positions 10, 20, 30 …). The list must name every rule once.
    pub fn reorder_routing_rules(&self, actor: &Actor, input: &RuleOrderInput) -> AppResult<Vec<RoutingRuleView>> {
        policy::require(actor, Permission::RoutingManage)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let existing: BTreeSet<i64> = q::list_rules(conn)?.iter().map(|r| r.id).collect();
            for (id, position) in checked_order("rule_ids", "rule", &input.rule_ids, &existing)? {
                q::set_rule_position(conn, id, position, now)?;
            }
            Ok(q::list_rules(conn)?.iter().map(rule_view).collect())
        })
    }

    /// Routes a sample ticket through the saved rules (or the given ones) and today's agents, changing nothing.
    pub fn test_routing(&self, actor: &Actor, input: &RoutingTestInput, locale: Locale) -> AppResult<RoutingTestView> {
        policy::require(actor, Permission::RoutingManage)
            .or_else(|_| policy::require(actor, Permission::TicketsAssign))?;
        let mut conn = self.conn()?;
        let rules: Vec<RoutingRule> = match &input.rules {
            Some(drafts) => {
                let mut errors = FieldErrors::new();
                let mut rules = Vec::new();
                for (index, draft) in drafts.iter().enumerate() {
                    let rule = as_rule(index as i64, draft.position.unwrap_or((index as i32 + 1) * 10), draft);
                    if let Err(found) = checked(&mut conn, &rule) {
                        if let AppError::Validation(found) = found {
                            for (key, messages) in found.0 {
                                for message in messages {
                                    errors.add(format!("rules[{index}].{key}"), message);
                                }
                            }
                        } else {
                            return Err(found);
                        }
                    }
                    rules.push(rule);
                }
                if !errors.is_empty() {
                    return Err(AppError::Validation(errors));
                }
                rules
            }
            // The saved rules as routing reads them.
            None => q::list_rules(&mut conn)?.iter().map(use_cases::rule_of).collect(),
        };
        let (outcome, trace) = dispatch::trace(&rules, &input.ticket);
        // Deciding only reads: a test never moves a round-robin mark or assigns anything.
        let skills = types_q::find(&mut conn, input.ticket.type_id)?.map(|t| t.required_skills.0).unwrap_or_default();
        let base = RouteBase {
            cause: DispatchCause::Created,
            group_id: None,
            assignee_id: None,
            keep_group: false,
            keep_priority: false,
            excluded: vec![],
        };
        let decision =
            use_cases::decide_on_outcome(&mut conn, &outcome, &input.ticket, &skills, base, self.now_naive())?;
        let reason: DispatchReason = decision.reason.clone();
        let rendered = self.render_reasons(&mut conn, std::slice::from_ref(&reason), locale)?.pop().unwrap_or_default();
        let group_name = match decision.group_id {
            Some(id) => directory::group_names(&mut conn, &[id])?.pop().map(|(_, n)| n),
            None => None,
        };
        let assignee_name = match decision.picked {
            Some(id) => directory::user_names(&mut conn, &[id])?.pop().map(|(_, n)| n),
            None => None,
        };
        Ok(RoutingTestView {
            outcome,
            trace,
            group_id: decision.group_id,
            group_name,
            assignment: reason.assignment.clone(),
            assignee_id: decision.picked,
            assignee_name,
            reason: rendered,
        })
    }
}
