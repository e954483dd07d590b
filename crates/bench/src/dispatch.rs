//! The smart-dispatch scenario shared by both dispatch benchmarks, and the pure decision benchmark.
//!
//! The scenario: 100 routing rules of mixed kinds (Chinese keywords, custom fields, priority, organisation tier,
//! tags, channels, regions, time windows); the benchmark tickets match none of them except one late in the list
//! (rule 97 of 100), which sends the ticket to a group of 1,000 agents and assigns it with the strategy under test.
//!
//! `loopdesk-bench dispatch` times the domain's decision on that scenario without any I/O: `evaluate` over the
//! 100 rules, then `assign` over 1,000 `AgentCandidate` snapshots (skills, loads, capacities, positions,
//! `last_assigned_at`), for each strategy; and the JSON parsing the app does on every routed creation.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use loopdesk_domain::dispatch::{
    self, Action, AgentCandidate, AgentSkill, AssignStrategy, Assignment, Availability, Condition, DispatchContext,
    FieldOperator, GeoPoint, KeywordScope, RegionOperator, RoutingRule, SkillRequirement, SkillsThen, TagMatch,
    TicketFacts, TimeWindow, Weekday,
};
use loopdesk_domain::ticket::{Channel, Priority};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data;

/// Rules in the scenario, and where the one that matches the benchmark tickets sits (0-based).
pub const RULES: usize = 100;
pub const MATCHING_INDEX: usize = 96;
/// Agents in the dispatch group.
pub const AGENTS: usize = 1_000;

/// The skill the `skills` scenario requires (about a fifth of the agents hold it at level 2 or more).
pub const REQUIRED_SKILL: &str = "制冷";
const SKILLS: [&str; 10] = ["空调", "电梯", "照明", "网络", "门禁", "高压电工", "制冷", "弱电", "消防", "水暖"];

/// Chinese phrases that occur in no benchmark ticket (subjects and descriptions come from `data`).
const ABSENT_KEYWORDS: [&str; 30] = [
    "燃气泄漏",
    "火灾报警",
    "水管爆裂",
    "配电柜冒烟",
    "电梯困人",
    "服务器宕机",
    "数据丢失",
    "硬盘损坏",
    "屏幕碎裂",
    "键盘失灵",
    "投影仪",
    "复印机卡纸",
    "考勤机",
    "监控黑屏",
    "停车场道闸",
    "消防栓",
    "玻璃破损",
    "墙面渗水",
    "地板翘起",
    "异味",
    "噪音扰民",
    "鼠患",
    "绿化",
    "保洁",
    "快递",
    "访客登记",
    "报销",
    "发票",
    "合同续签",
    "工资条",
];

/// Keywords that every benchmark subject contains one of (see `data::SUBJECTS`).
const PRESENT_KEYWORDS: [&str; 8] = ["不制冷", "异响", "灯不亮", "wi-fi", "门禁卡", "printer", "漏水", "vpn"];

/// The ids the rules refer to.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub type_id: i64,
    /// groups the non-matching rules would send tickets to
    pub small_groups: Vec<i64>,
    /// the 1,000-agent group of the matching rule
    pub big_group: i64,
}

/// The strategies measured, with the names the report uses.
pub fn strategies() -> Vec<AssignStrategy> {
    vec![
        AssignStrategy::LeastLoaded,
        AssignStrategy::RoundRobin,
        AssignStrategy::Skills { then: SkillsThen::LeastLoaded },
        AssignStrategy::Nearest,
        AssignStrategy::Pool,
    ]
}

fn keywords(i: usize, count: usize) -> Vec<String> {
    (0..count).map(|k| ABSENT_KEYWORDS[(i * 7 + k * 11) % ABSENT_KEYWORDS.len()].to_string()).collect()
}

fn fault(i: usize) -> String {
    data::FAULT_TYPES[i % data::FAULT_TYPES.len()].to_string()
}

fn office_hours() -> TimeWindow {
    TimeWindow {
        weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
        from: "08:30".into(),
        to: "18:00".into(),
        utc_offset_minutes: 480,
    }
}

fn after_hours() -> TimeWindow {
    TimeWindow { from: "18:00".into(), to: "08:30".into(), ..office_hours() }
}

/// Conditions of a rule that never matches a benchmark ticket: eight shapes an admin writes, each with at least one
/// test that cannot hold (absent keywords, tiers, tags, channels, asset numbers, regions); several also hold a test
/// that often does, so evaluation goes past the first condition.
fn non_matching_conditions(i: usize, s: &Scenario) -> Vec<Condition> {
    match i % 8 {
        // "keywords → group": the text search runs on every ticket
        0 => vec![Condition::Keywords { keywords: keywords(i, 3), scope: KeywordScope::SubjectOrDescription }],
        1 => vec![
            Condition::TicketType { type_ids: vec![s.type_id] },
            Condition::CustomField {
                field: "fault_type".into(),
                operator: FieldOperator::Equals,
                value: json!(fault(i)),
            },
            Condition::Keywords { keywords: keywords(i, 2), scope: KeywordScope::Subject },
        ],
        2 => vec![
            Condition::Priority { priorities: vec![Priority::High, Priority::Urgent] },
            Condition::OrganizationTier { tiers: vec!["vip".into(), "platinum".into()] },
        ],
        3 => vec![
            Condition::Tags { mode: TagMatch::Any, tags: vec!["hazmat".into(), "security-incident".into()] },
            Condition::Channel { channels: vec![Channel::Email] },
        ],
        4 => vec![
            Condition::TimeWindow(if i % 16 == 4 { office_hours() } else { after_hours() }),
            Condition::CustomField {
                field: "asset_no".into(),
                operator: FieldOperator::Contains,
                value: json!(format!("FIRE-{}", i % 10)),
            },
        ],
        5 => vec![
            Condition::OrganizationTier { tiers: vec!["gold".into()] },
            Condition::Channel { channels: vec![Channel::Api, Channel::Portal, Channel::Monitoring] },
        ],
        6 => vec![
            Condition::CustomField {
                field: "fault_type".into(),
                operator: FieldOperator::In,
                value: json!([fault(i), fault(i + 2)]),
            },
            Condition::Region {
                field: None,
                operator: RegionOperator::Contains,
                values: vec!["北京".into(), "广州".into()],
            },
            Condition::Keywords { keywords: keywords(i, 4), scope: KeywordScope::SubjectOrDescription },
        ],
        _ => vec![
            Condition::CustomField {
                field: "asset_no".into(),
                operator: FieldOperator::Equals,
                value: json!(format!("HV-{i:04}")),
            },
            Condition::Priority { priorities: vec![Priority::Urgent] },
        ],
    }
}

fn non_matching_actions(i: usize, s: &Scenario) -> Vec<Action> {
    let group_id = s.small_groups[i % s.small_groups.len()];
    let mut actions = vec![Action::SetGroup { group_id }];
    if i.is_multiple_of(3) {
        actions.push(Action::SetPriority { priority: Priority::High });
    }
    if i % 4 == 1 {
        actions.push(Action::AddTags { tags: vec![format!("rule-{i}")] });
    }
    let strategy = if i.is_multiple_of(2) { AssignStrategy::RoundRobin } else { AssignStrategy::LeastLoaded };
    actions.push(Action::Assign { strategy, accept_within_minutes: i.is_multiple_of(5).then_some(15) });
    actions
}

/// The 100 rules, positions 10, 20, …; rule `MATCHING_INDEX` matches every benchmark ticket and assigns with
/// `strategy` in the big group (the `skills` strategy also requires `REQUIRED_SKILL` at level 2).
pub fn rules(s: &Scenario, strategy: &AssignStrategy) -> Vec<RoutingRule> {
    (0..RULES)
        .map(|i| {
            let (name, conditions, actions) = if i == MATCHING_INDEX {
                let conditions = vec![
                    Condition::TicketType { type_ids: vec![s.type_id] },
                    Condition::Channel { channels: vec![Channel::Web, Channel::Email, Channel::Phone] },
                    Condition::OrganizationTier { tiers: vec!["Gold".into()] },
                    Condition::CustomField {
                        field: "fault_type".into(),
                        operator: FieldOperator::In,
                        value: json!(data::FAULT_TYPES),
                    },
                    Condition::Keywords {
                        keywords: PRESENT_KEYWORDS.iter().map(|k| k.to_string()).collect(),
                        scope: KeywordScope::Subject,
                    },
                ];
                let mut actions =
                    vec![Action::SetGroup { group_id: s.big_group }, Action::AddTags { tags: vec!["报修".into()] }];
                if matches!(strategy, AssignStrategy::Skills { .. }) {
                    actions.push(Action::RequireSkills { skills: vec![SkillRequirement::at_least(REQUIRED_SKILL, 2)] });
                }
                actions.push(Action::Assign { strategy: strategy.clone(), accept_within_minutes: Some(30) });
                ("金牌客户报修 → 千人坐席组".to_string(), conditions, actions)
            } else {
                (format!("规则 {:03}", i + 1), non_matching_conditions(i, s), non_matching_actions(i, s))
            };
            RoutingRule {
                id: i as i64 + 1,
                name,
                position: (i as i32 + 1) * 10,
                enabled: true,
                conditions,
                actions,
                continue_matching: false,
            }
        })
        .collect()
}

/// The body of `POST /api/v1/routing-rules` for a rule.
pub fn rule_input(rule: &RoutingRule) -> serde_json::Value {
    json!({
        "name": rule.name,
        "position": rule.position,
        "enabled": rule.enabled,
        "conditions": rule.conditions,
        "actions": rule.actions,
        "continue_matching": rule.continue_matching,
    })
}

/// An agent's dispatch profile: mostly online, a capacity of 10–40 (one in ten without a limit), 1–4 skills.
pub struct Profile {
    pub availability: Availability,
    pub capacity: Option<u32>,
    pub skills: Vec<AgentSkill>,
}

pub fn profile(rng: &mut StdRng) -> Profile {
    let availability = match rng.random_range(0..100) {
        0..85 => Availability::Online,
        85..95 => Availability::Away,
        _ => Availability::Offline,
    };
    let capacity = (rng.random_range(0..10) != 0).then(|| rng.random_range(10..=40));
    let count = rng.random_range(1..=4);
    let mut skills: Vec<AgentSkill> = Vec::with_capacity(count);
    while skills.len() < count {
        let name = SKILLS[rng.random_range(0..SKILLS.len())];
        if !skills.iter().any(|s| s.name == name) {
            let level = (rng.random_range(0..4) != 0).then(|| rng.random_range(1..=5));
            skills.push(AgentSkill::new(name, level));
        }
    }
    Profile { availability, capacity, skills }
}

/// 1,000 candidate snapshots as the app loads them: profiles as above, open work up to (a few at) capacity,
/// positions around Shanghai, most assigned at some point in the last two days.
pub fn candidates(rng: &mut StdRng, count: usize, now: DateTime<Utc>) -> Vec<AgentCandidate> {
    (0..count)
        .map(|i| {
            let p = profile(rng);
            let open_count = rng.random_range(0..=p.capacity.unwrap_or(25));
            let open_load = (0..open_count).map(|_| dispatch::priority_weight(priority(rng))).sum();
            AgentCandidate {
                user_id: 1_000 + i as i64,
                availability: p.availability,
                capacity: p.capacity,
                open_load,
                open_count,
                holds_urgent: open_count > 0 && rng.random_range(0..10) == 0,
                skills: p.skills,
                position: (rng.random_range(0..10) != 0)
                    .then(|| GeoPoint::new(rng.random_range(30.9..31.5), rng.random_range(121.1..121.8))),
                last_assigned_at: (rng.random_range(0..5) != 0)
                    .then(|| now - TimeDelta::seconds(rng.random_range(0..2 * 86_400))),
            }
        })
        .collect()
}

fn priority(rng: &mut StdRng) -> Priority {
    Priority::from_rank(data::priority_rank(rng)).unwrap_or(Priority::Normal)
}

/// A benchmark ticket as routing sees it: the content `data` generates for the HTTP benchmark, from a gold-tier
/// organisation, with a location in Shanghai.
pub fn facts(rng: &mut StdRng, n: u64, type_id: i64, created_at: DateTime<Utc>) -> TicketFacts {
    TicketFacts {
        organization_id: Some(7),
        organization_tier: Some("gold".into()),
        tags: data::tags(rng),
        custom_fields: data::custom_fields(rng),
        subject: data::subject(rng, n),
        description: data::description(rng),
        location_label: Some("上海市浦东新区张江路 88 号".into()),
        location: Some(GeoPoint::new(31.2034, 121.5914)),
        ..TicketFacts::new(
            type_id,
            priority(rng),
            [Channel::Web, Channel::Email, Channel::Phone][n as usize % 3],
            42,
            created_at,
        )
    }
}

// ---- the pure decision benchmark

#[derive(clap::Args)]
pub struct DecisionArgs {
    /// measured decisions per strategy (after a tenth as many unmeasured ones)
    #[arg(long, default_value_t = 20_000)]
    pub iterations: usize,
    /// where to write the JSON results
    #[arg(long)]
    pub json: PathBuf,
}

/// Median, p99 and mean of one timed step, in microseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timing {
    pub p50_us: f64,
    pub p99_us: f64,
    pub mean_us: f64,
}

impl Timing {
    pub fn of(mut samples_ns: Vec<u64>) -> Timing {
        samples_ns.sort_unstable();
        let at = |p: f64| -> f64 {
            if samples_ns.is_empty() {
                return 0.0;
            }
            let rank = ((p / 100.0) * samples_ns.len() as f64).ceil() as usize;
            samples_ns[rank.clamp(1, samples_ns.len()) - 1] as f64 / 1000.0
        };
        let mean = samples_ns.iter().sum::<u64>() as f64 / samples_ns.len().max(1) as f64 / 1000.0;
        Timing { p50_us: at(50.0), p99_us: at(99.0), mean_us: mean }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StrategyTiming {
    pub strategy: String,
    /// what `assign` decided on the first ticket ("agent", "pool of 812", "queue: …")
    pub outcome: String,
    pub total: Timing,
    pub evaluate: Timing,
    pub assign: Timing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NamedTiming {
    pub name: String,
    /// rows a query returned
    #[serde(default)]
    pub rows: Option<usize>,
    pub timing: Timing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DecisionResult {
    pub rules: usize,
    pub matching_rule: usize,
    pub agents: usize,
    pub eligible: usize,
    pub iterations: usize,
    pub strategies: Vec<StrategyTiming>,
    /// JSON parsing the app does around each decision
    pub parsing: Vec<NamedTiming>,
}

fn outcome_text(a: &Assignment) -> String {
    match a {
        Assignment::Agent(choice) => match choice.distance_km {
            Some(km) => format!("agent ({} open, {km:.1} km)", choice.open_count),
            None => format!("agent ({} open, load {})", choice.open_count, choice.open_load),
        },
        Assignment::Pool { offered_to } => format!("pool of {}", offered_to.len()),
        Assignment::Queue { reason } => format!("queue: {reason}"),
    }
}

pub fn run_decision(args: &DecisionArgs) -> Result<(), String> {
    let scenario = Scenario { type_id: 3, small_groups: vec![11, 12, 13, 14], big_group: 20 };
    // A Wednesday, 10:30 in Shanghai: inside office hours, outside "after hours".
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 2, 30, 0).single().ok_or("bad date")?;
    let mut rng = StdRng::seed_from_u64(0xd15_9a7c);
    let candidates = candidates(&mut rng, AGENTS, now);
    let tickets: Vec<TicketFacts> = (0..64).map(|n| facts(&mut rng, n, scenario.type_id, now)).collect();
    let eligible = candidates.iter().filter(|c| c.is_available()).count();
    let warmup = (args.iterations / 10).max(1);

    let mut timings = Vec::new();
    for strategy in strategies() {
        let rules = rules(&scenario, &strategy);
        let mut check = None;
        let (mut total, mut eval, mut pick) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..warmup + args.iterations {
            let facts = &tickets[i % tickets.len()];
            let started = Instant::now();
            let outcome = dispatch::evaluate(black_box(&rules), black_box(facts));
            let evaluated = Instant::now();
            let plan = outcome.assign.as_ref().ok_or("the matching rule did not match")?;
            let ctx = DispatchContext {
                required_skills: &outcome.required_skills,
                excluded: &[],
                ticket_location: facts.location,
            };
            let assignment = dispatch::assign(&plan.strategy, black_box(&candidates), &ctx);
            let done = Instant::now();
            if check.is_none() {
                if outcome.matched.first().map(|m| m.id) != Some(MATCHING_INDEX as i64 + 1) {
                    return Err(format!("expected rule {} to match, got {:?}", MATCHING_INDEX + 1, outcome.matched));
                }
                check = Some(outcome_text(&assignment));
            }
            black_box(assignment);
            if i >= warmup {
                total.push((done - started).as_nanos() as u64);
                eval.push((evaluated - started).as_nanos() as u64);
                pick.push((done - evaluated).as_nanos() as u64);
            }
        }
        let result = StrategyTiming {
            strategy: strategy.kind_name().to_string(),
            outcome: check.unwrap_or_default(),
            total: Timing::of(total),
            evaluate: Timing::of(eval),
            assign: Timing::of(pick),
        };
        eprintln!(
            "  {:<13} evaluate+assign p50 {:>7.1} µs  p99 {:>7.1} µs  (evaluate p50 {:.1}, assign p50 {:.1})  {}",
            result.strategy,
            result.total.p50_us,
            result.total.p99_us,
            result.evaluate.p50_us,
            result.assign.p50_us,
            result.outcome
        );
        timings.push(result);
    }

    // What the app parses per routed creation: every enabled rule's stored JSON, every candidate's skills.
    let rules = rules(&scenario, &AssignStrategy::LeastLoaded);
    let stored_rules: Vec<(String, String)> = rules
        .iter()
        .map(|r| {
            (
                serde_json::to_string(&r.conditions).unwrap_or_default(),
                serde_json::to_string(&r.actions).unwrap_or_default(),
            )
        })
        .collect();
    let stored_skills: Vec<String> =
        candidates.iter().map(|c| serde_json::to_string(&c.skills).unwrap_or_default()).collect();
    let parse_iterations = (args.iterations / 20).max(10);
    let time = |f: &dyn Fn() -> usize| {
        let samples: Vec<u64> = (0..parse_iterations + parse_iterations / 10)
            .map(|_| {
                let started = Instant::now();
                black_box(f());
                started.elapsed().as_nanos() as u64
            })
            .skip(parse_iterations / 10)
            .collect();
        Timing::of(samples)
    };
    let parsing = vec![
        NamedTiming {
            name: format!("parse {RULES} stored rules (conditions and actions JSON)"),
            rows: None,
            timing: time(&|| {
                stored_rules
                    .iter()
                    .filter_map(|(c, a)| {
                        let c: Vec<Condition> = serde_json::from_str(c).ok()?;
                        let a: Vec<Action> = serde_json::from_str(a).ok()?;
                        Some(c.len() + a.len())
                    })
                    .sum()
            }),
        },
        NamedTiming {
            name: format!("parse {AGENTS} agents' skills JSON"),
            rows: None,
            timing: time(&|| {
                stored_skills.iter().map(|s| serde_json::from_str::<Vec<AgentSkill>>(s).map_or(0, |v| v.len())).sum()
            }),
        },
    ];
    for p in &parsing {
        eprintln!("  {:<58} p50 {:>7.1} µs  p99 {:>7.1} µs", p.name, p.timing.p50_us, p.timing.p99_us);
    }

    let result = DecisionResult {
        rules: RULES,
        matching_rule: MATCHING_INDEX + 1,
        agents: AGENTS,
        eligible,
        iterations: args.iterations,
        strategies: timings,
        parsing,
    };
    let text = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
    std::fs::write(&args.json, text).map_err(|e| format!("cannot write {}: {e}", args.json.display()))
}
