//! Why a ticket went where it went: structured data stored with the history event, rendered in zh-CN or English.
//!
//! Store `DispatchReason` as JSON in the event and render it when the history is read, in the reader's locale, with
//! the group and user names of that moment (or render once at write time if the event only has a text note).

use std::collections::HashMap;

use super::evaluate::{MatchedRule, RoutingOutcome};
use super::rules::{AssignStrategy, SkillRequirement, SkillsThen};
use super::strategy::{Assignment, QueueReason};
use crate::locale::Locale;
use crate::ticket::Priority;

/// What started the dispatch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DispatchCause {
    /// The ticket was created.
    #[default]
    Created,
    /// Someone asked for routing again.
    Reroute,
    /// The assignee declined; dispatch ran again without them.
    Declined { user_id: i64 },
    /// The assignee did not accept in time; dispatch ran again without them.
    Escalated { user_id: i64 },
}

/// The whole decision, as data.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DispatchReason {
    #[serde(default)]
    pub cause: DispatchCause,
    /// Matching rules, in order.
    #[serde(default)]
    pub rules: Vec<MatchedRule>,
    #[serde(default)]
    pub group_id: Option<i64>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub added_tags: Vec<String>,
    #[serde(default)]
    pub required_skills: Vec<SkillRequirement>,
    /// The strategy applied (from a rule, or the app's default), with its result.
    #[serde(default)]
    pub strategy: Option<AssignStrategy>,
    #[serde(default)]
    pub assignment: Option<Assignment>,
}

impl DispatchReason {
    /// The reason for a routing outcome and, when a strategy ran, its result.
    pub fn new(
        cause: DispatchCause,
        outcome: &RoutingOutcome,
        assigned: Option<(&AssignStrategy, &Assignment)>,
    ) -> Self {
        Self {
            cause,
            rules: outcome.matched.clone(),
            group_id: outcome.group_id,
            priority: outcome.priority,
            added_tags: outcome.added_tags.clone(),
            required_skills: outcome.required_skills.clone(),
            strategy: assigned.map(|(strategy, _)| strategy.clone()),
            assignment: assigned.map(|(_, assignment)| assignment.clone()),
        }
    }

    /// One line for the ticket history, e.g. `rule 'VIP 投诉' → group 售后二组, least loaded: 李工 (3 open)` or
    /// `规则「VIP 投诉」 → 分组 售后二组，最少负载：李工（3 个未结）`. Unknown ids render as `#7`.
    pub fn render(&self, locale: Locale, names: &ReasonNames) -> String {
        let words = Words::of(locale);
        let mut out = String::new();

        match self.cause {
            DispatchCause::Created => {}
            DispatchCause::Reroute => out.push_str(words.reroute),
            DispatchCause::Declined { user_id } => {
                out.push_str(&(words.declined)(&names.user(user_id)));
            }
            DispatchCause::Escalated { user_id } => {
                out.push_str(&(words.escalated)(&names.user(user_id)));
            }
        }

        match self.rules.as_slice() {
            [] => out.push_str(words.no_rule),
            [rule] => out.push_str(&(words.rule)(&rule.name)),
            rules => {
                let quoted: Vec<String> = rules.iter().map(|r| (words.quote)(&r.name)).collect();
                out.push_str(words.rules);
                out.push_str(&quoted.join(words.rule_separator));
            }
        }

        let mut effects: Vec<String> = Vec::new();
        if let Some(group_id) = self.group_id {
            effects.push(format!("{}{}", words.group, names.group(group_id)));
        }
        if let Some(priority) = self.priority {
            effects.push(format!("{}{}", words.priority, (words.priority_name)(priority)));
        }
        if !self.added_tags.is_empty() {
            effects.push(format!("{}{}", words.tags, self.added_tags.join(words.list_separator)));
        }
        if !self.required_skills.is_empty() {
            let skills: Vec<String> = self.required_skills.iter().map(|s| (words.skill)(s)).collect();
            effects.push(format!("{}{}", words.skills, skills.join(words.list_separator)));
        }
        if let Some(assignment) = &self.assignment {
            effects.push(self.render_assignment(assignment, &words, names));
        }
        if !effects.is_empty() {
            out.push_str(words.arrow);
            out.push_str(&effects.join(words.effect_separator));
        }
        out
    }

    fn render_assignment(&self, assignment: &Assignment, words: &Words, names: &ReasonNames) -> String {
        let strategy = self.strategy.as_ref().map_or(words.assigned, |s| (words.strategy)(s));
        match assignment {
            Assignment::Agent(choice) => {
                let distance = choice.distance_km.map(|km| (words.distance)(km));
                let figures = (words.figures)(distance.as_deref(), choice.open_count);
                format!("{strategy}{}{}{figures}", words.colon, names.user(choice.user_id))
            }
            Assignment::Pool { offered_to } => {
                format!("{strategy}{}{}", words.colon, (words.offered)(offered_to.len()))
            }
            Assignment::Queue { reason } => {
                let named = match &self.strategy {
                    Some(AssignStrategy::NamedAgent { user_id }) => names.user(*user_id),
                    _ => String::new(),
                };
                format!("{}{}{}", words.queued, words.colon, (words.queue_reason)(*reason, &named))
            }
        }
    }
}

/// Display names of the groups and users a reason may mention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReasonNames {
    pub groups: HashMap<i64, String>,
    pub users: HashMap<i64, String>,
}

impl ReasonNames {
    fn group(&self, id: i64) -> String {
        self.groups.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    fn user(&self, id: i64) -> String {
        self.users.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }
}

/// The phrases of one language.
struct Words {
    reroute: &'static str,
    declined: fn(&str) -> String,
    escalated: fn(&str) -> String,
    no_rule: &'static str,
    rule: fn(&str) -> String,
    rules: &'static str,
    quote: fn(&str) -> String,
    rule_separator: &'static str,
    arrow: &'static str,
    effect_separator: &'static str,
    list_separator: &'static str,
    colon: &'static str,
    group: &'static str,
    priority: &'static str,
    priority_name: fn(Priority) -> &'static str,
    tags: &'static str,
    skills: &'static str,
    skill: fn(&SkillRequirement) -> String,
    assigned: &'static str,
    strategy: fn(&AssignStrategy) -> &'static str,
    distance: fn(f64) -> String,
    figures: fn(Option<&str>, u32) -> String,
    offered: fn(usize) -> String,
    queued: &'static str,
    queue_reason: fn(QueueReason, &str) -> String,
}

impl Words {
    fn of(locale: Locale) -> Self {
        match locale {
            Locale::En => Self::EN,
            Locale::ZhCn => Self::ZH_CN,
        }
    }

    const EN: Words = Words {
        reroute: "re-routed: ",
        declined: |user| format!("declined by {user}: "),
        escalated: |user| format!("not accepted by {user} in time: "),
        no_rule: "no rule matched",
        rule: |name| format!("rule '{name}'"),
        rules: "rules ",
        quote: |name| format!("'{name}'"),
        rule_separator: ", ",
        arrow: " → ",
        effect_separator: ", ",
        list_separator: ", ",
        colon: ": ",
        group: "group ",
        priority: "priority ",
        priority_name: |p| p.as_str(),
        tags: "tags ",
        skills: "skills ",
        skill: |s| match s.min_level {
            Some(level) => format!("{} (level ≥ {level})", s.name),
            None => s.name.clone(),
        },
        assigned: "assigned",
        strategy: |s| match s {
            AssignStrategy::NamedAgent { .. } => "named agent",
            AssignStrategy::RoundRobin => "round robin",
            AssignStrategy::LeastLoaded => "least loaded",
            AssignStrategy::Skills { then: SkillsThen::LeastLoaded } => "skills, least loaded",
            AssignStrategy::Skills { then: SkillsThen::RoundRobin } => "skills, round robin",
            AssignStrategy::Nearest => "nearest",
            AssignStrategy::Pool => "pool",
        },
        distance: |km| if km < 1.0 { format!("{:.0} m", km * 1000.0) } else { format!("{km:.1} km") },
        figures: |distance, open| match distance {
            Some(distance) => format!(" ({distance}, {open} open)"),
            None => format!(" ({open} open)"),
        },
        offered: |n| match n {
            0 => "no qualified agent online yet".to_owned(),
            1 => "offered to 1 agent".to_owned(),
            n => format!("offered to {n} agents"),
        },
        queued: "queued",
        queue_reason: |reason, named| match reason {
            QueueReason::NoEligibleAgent => "no eligible agent".to_owned(),
            QueueReason::NamedAgentUnavailable => format!("{named} is unavailable"),
            QueueReason::NoTicketLocation => "the ticket has no location".to_owned(),
        },
    };

    const ZH_CN: Words = Words {
        reroute: "重新派单：",
        declined: |user| format!("{user} 拒单，"),
        escalated: |user| format!("{user} 超时未接单，"),
        no_rule: "未匹配规则",
        rule: |name| format!("规则「{name}」"),
        rules: "规则",
        quote: |name| format!("「{name}」"),
        rule_separator: "",
        arrow: " → ",
        effect_separator: "，",
        list_separator: "、",
        colon: "：",
        group: "分组 ",
        priority: "优先级 ",
        priority_name: |p| match p {
            Priority::Low => "低",
            Priority::Normal => "普通",
            Priority::High => "紧急",
            Priority::Urgent => "特急",
        },
        tags: "标签 ",
        skills: "技能 ",
        skill: |s| match s.min_level {
            Some(level) => format!("{}（≥{level} 级）", s.name),
            None => s.name.clone(),
        },
        assigned: "分配",
        strategy: |s| match s {
            AssignStrategy::NamedAgent { .. } => "指定处理人",
            AssignStrategy::RoundRobin => "轮询",
            AssignStrategy::LeastLoaded => "最少负载",
            AssignStrategy::Skills { then: SkillsThen::LeastLoaded } => "技能匹配 + 最少负载",
            AssignStrategy::Skills { then: SkillsThen::RoundRobin } => "技能匹配 + 轮询",
            AssignStrategy::Nearest => "就近",
            AssignStrategy::Pool => "抢单池",
        },
        distance: |km| if km < 1.0 { format!("{:.0} 米", km * 1000.0) } else { format!("{km:.1} 公里") },
        figures: |distance, open| match distance {
            Some(distance) => format!("（{distance}，{open} 个未结）"),
            None => format!("（{open} 个未结）"),
        },
        offered: |n| match n {
            0 => "暂无符合条件的在线处理人".to_owned(),
            n => format!("已推送给 {n} 名处理人"),
        },
        queued: "进入分组队列",
        queue_reason: |reason, named| match reason {
            QueueReason::NoEligibleAgent => "没有可接单的处理人".to_owned(),
            QueueReason::NamedAgentUnavailable => format!("指定处理人 {named} 不可用"),
            QueueReason::NoTicketLocation => "工单没有位置".to_owned(),
        },
    };
}
