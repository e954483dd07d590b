use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use loopdesk_domain::dispatch::*;
use loopdesk_domain::fields::{FieldDefinition, FieldKind};
use loopdesk_domain::ticket::{Channel, Priority};
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn facts() -> TicketFacts {
    TicketFacts::new(2, Priority::Normal, Channel::Web, 42, at(2026, 10, 14, 2, 0))
}

fn rule(id: i64, position: i32, conditions: Vec<Condition>, actions: Vec<Action>) -> RoutingRule {
    RoutingRule {
        id,
        name: format!("rule {id}"),
        position,
        enabled: true,
        conditions,
        actions,
        continue_matching: false,
    }
}

fn set_group(group_id: i64) -> Action {
    Action::SetGroup { group_id }
}

fn add_tags(tags: &[&str]) -> Action {
    Action::AddTags { tags: tags.iter().map(|t| t.to_string()).collect() }
}

fn priority_is(priorities: &[Priority]) -> Condition {
    Condition::Priority { priorities: priorities.to_vec() }
}

fn field(key: &str, operator: FieldOperator, value: Value) -> Condition {
    Condition::CustomField { field: key.into(), operator, value }
}

fn keywords(words: &[&str], scope: KeywordScope) -> Condition {
    Condition::Keywords { keywords: words.iter().map(|w| w.to_string()).collect(), scope }
}

fn holds(condition: Condition, facts: &TicketFacts) -> bool {
    condition_matches(&condition, facts)
}

fn with_fields(value: Value) -> TicketFacts {
    let Value::Object(custom_fields) = value else { panic!("not an object") };
    TicketFacts { custom_fields, ..facts() }
}

fn window(days: &[Weekday], from: &str, to: &str, offset: i32) -> TimeWindow {
    TimeWindow { weekdays: days.to_vec(), from: from.into(), to: to.into(), utc_offset_minutes: offset }
}

fn agent(user_id: i64) -> AgentCandidate {
    AgentCandidate::new(user_id)
}

fn loaded(user_id: i64, open_load: u32, open_count: u32) -> AgentCandidate {
    AgentCandidate { open_load, open_count, ..agent(user_id) }
}

fn skilled(user_id: i64, skills: &[(&str, Option<u8>)]) -> AgentCandidate {
    AgentCandidate { skills: skills.iter().map(|(n, l)| AgentSkill::new(*n, *l)).collect(), ..agent(user_id) }
}

fn placed(user_id: i64, lat: f64, lon: f64) -> AgentCandidate {
    AgentCandidate { position: Some(GeoPoint::new(lat, lon)), ..agent(user_id) }
}

fn chosen(choice: Option<Choice>) -> Option<i64> {
    choice.map(|c| c.user_id)
}

const ANYONE: DispatchContext<'static> = DispatchContext { required_skills: &[], excluded: &[], ticket_location: None };

// ---------------------------------------------------------------- data shapes

#[test]
fn rule_json_shape() {
    let json = json!({
        "id": 12,
        "name": "VIP 投诉",
        "position": 10,
        "conditions": [
            {"kind": "organization_tier", "tiers": ["vip"]},
            {"kind": "keywords", "keywords": ["投诉", "不制冷"]},
            {"kind": "custom_field", "field": "floor", "operator": "gte", "value": 3},
            {"kind": "region", "operator": "contains", "values": ["上海"]},
            {"kind": "time_window", "weekdays": ["fri", "sat"], "from": "22:00", "to": "06:00", "utc_offset_minutes": 480},
            {"kind": "tags", "mode": "all", "tags": ["空调"]}
        ],
        "actions": [
            {"kind": "set_group", "group_id": 3},
            {"kind": "set_priority", "priority": "high"},
            {"kind": "add_tags", "tags": ["VIP"]},
            {"kind": "require_skills", "skills": [{"name": "空调", "min_level": 2}, {"name": "高压电工"}]},
            {"kind": "assign", "strategy": {"kind": "skills", "then": "round_robin"}, "accept_within_minutes": 15}
        ]
    });
    let parsed: RoutingRule = serde_json::from_value(json.clone()).unwrap();
    assert!(parsed.enabled, "enabled by default");
    assert!(!parsed.continue_matching);
    assert_eq!(parsed.conditions[1], keywords(&["投诉", "不制冷"], KeywordScope::SubjectOrDescription));
    assert_eq!(
        parsed.conditions[4],
        Condition::TimeWindow(window(&[Weekday::Fri, Weekday::Sat], "22:00", "06:00", 480))
    );
    assert_eq!(
        parsed.actions[4],
        Action::Assign {
            strategy: AssignStrategy::Skills { then: SkillsThen::RoundRobin },
            accept_within_minutes: Some(15)
        }
    );

    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back["conditions"][4]["kind"], "time_window");
    assert_eq!(back["conditions"][4]["from"], "22:00");
    assert_eq!(back["conditions"][1]["scope"], "subject_or_description");
    assert_eq!(back["actions"][4]["strategy"], json!({"kind": "skills", "then": "round_robin"}));
    assert_eq!(serde_json::from_value::<RoutingRule>(back).unwrap(), parsed);

    let plain: AssignStrategy = serde_json::from_value(json!({"kind": "skills"})).unwrap();
    assert_eq!(plain, AssignStrategy::Skills { then: SkillsThen::LeastLoaded });
    assert_eq!(serde_json::to_value(AssignStrategy::RoundRobin).unwrap(), json!({"kind": "round_robin"}));
    assert_eq!(
        serde_json::to_value(AssignStrategy::NamedAgent { user_id: 7 }).unwrap(),
        json!({"kind": "named_agent", "user_id": 7})
    );
}

#[test]
fn enum_wire_names_match_serde() {
    fn check<T: serde::Serialize + Copy>(all: &[T], name: impl Fn(T) -> &'static str) {
        for &value in all {
            assert_eq!(serde_json::to_value(value).unwrap(), Value::from(name(value)));
        }
    }
    check(&Weekday::ALL, Weekday::as_str);
    check(&FieldOperator::ALL, FieldOperator::as_str);
    check(&TagMatch::ALL, TagMatch::as_str);
    check(&KeywordScope::ALL, KeywordScope::as_str);
    check(&RegionOperator::ALL, RegionOperator::as_str);
    check(&SkillsThen::ALL, SkillsThen::as_str);
    check(&Availability::ALL, Availability::as_str);
    check(&QueueReason::ALL, QueueReason::as_str);
    assert_eq!("not_equals".parse::<FieldOperator>(), Ok(FieldOperator::NotEquals));
    assert!("between".parse::<FieldOperator>().unwrap_err().contains("equals, not_equals"));
}

#[test]
fn assignment_and_reason_json_shape() {
    let agent = Assignment::Agent(Choice { user_id: 7, open_count: 3, open_load: 6, distance_km: None });
    assert_eq!(
        serde_json::to_value(&agent).unwrap(),
        json!({"outcome": "agent", "user_id": 7, "open_count": 3, "open_load": 6})
    );
    let queue = Assignment::Queue { reason: QueueReason::NoEligibleAgent };
    assert_eq!(serde_json::to_value(queue).unwrap(), json!({"outcome": "queue", "reason": "no_eligible_agent"}));

    let reason = DispatchReason {
        cause: DispatchCause::Declined { user_id: 7 },
        assignment: Some(agent),
        ..DispatchReason::default()
    };
    let stored = serde_json::to_value(&reason).unwrap();
    assert_eq!(stored["cause"], json!({"kind": "declined", "user_id": 7}));
    assert_eq!(serde_json::from_value::<DispatchReason>(stored).unwrap(), reason);
}

#[test]
fn openapi_schemas_generate() {
    use utoipa::PartialSchema;
    let schemas = [
        ("RoutingRule", serde_json::to_value(RoutingRule::schema()).unwrap()),
        ("Condition", serde_json::to_value(Condition::schema()).unwrap()),
        ("Action", serde_json::to_value(Action::schema()).unwrap()),
        ("TicketFacts", serde_json::to_value(TicketFacts::schema()).unwrap()),
        ("AgentCandidate", serde_json::to_value(AgentCandidate::schema()).unwrap()),
        ("Assignment", serde_json::to_value(Assignment::schema()).unwrap()),
        ("RoutingOutcome", serde_json::to_value(RoutingOutcome::schema()).unwrap()),
        ("DispatchReason", serde_json::to_value(DispatchReason::schema()).unwrap()),
    ];
    for (name, schema) in &schemas {
        assert!(schema.is_object(), "{name}: {schema}");
    }
    let condition = schemas[1].1.to_string();
    for kind in ["ticket_type", "custom_field", "keywords", "region", "time_window"] {
        assert!(condition.contains(&format!("\"{kind}\"")), "Condition schema lacks {kind}: {condition}");
    }
    let assignment = schemas[5].1.to_string();
    assert!(assignment.contains("\"agent\"") && assignment.contains("\"pool\""), "{assignment}");
}

// ---------------------------------------------------------------- evaluation order

#[test]
fn first_matching_rule_wins_in_position_order() {
    let rules = vec![
        rule(1, 30, vec![], vec![set_group(30)]),
        rule(2, 10, vec![priority_is(&[Priority::Urgent])], vec![set_group(10)]),
        rule(3, 20, vec![Condition::Channel { channels: vec![Channel::Web] }], vec![set_group(20)]),
    ];
    let outcome = evaluate(&rules, &facts());
    assert_eq!(outcome.matched, vec![MatchedRule { id: 3, name: "rule 3".into() }]);
    assert_eq!(outcome.group_id, Some(20));

    let urgent = TicketFacts { priority: Priority::Urgent, ..facts() };
    assert_eq!(evaluate(&rules, &urgent).group_id, Some(10));

    let phone = TicketFacts { channel: Channel::Phone, ..facts() };
    assert_eq!(evaluate(&rules, &phone).group_id, Some(30), "the catch-all rule without conditions");
}

#[test]
fn equal_positions_are_ordered_by_id_and_disabled_rules_are_skipped() {
    let mut rules = vec![rule(9, 1, vec![], vec![set_group(9)]), rule(4, 1, vec![], vec![set_group(4)])];
    assert_eq!(evaluate(&rules, &facts()).group_id, Some(4));
    rules[1].enabled = false;
    assert_eq!(evaluate(&rules, &facts()).group_id, Some(9));
    rules[0].enabled = false;
    assert_eq!(evaluate(&rules, &facts()), RoutingOutcome::default());
}

#[test]
fn continue_matching_accumulates_and_overrides() {
    let mut first = rule(
        1,
        1,
        vec![],
        vec![
            set_group(1),
            Action::SetPriority { priority: Priority::High },
            add_tags(&["VIP", "投诉"]),
            Action::RequireSkills {
                skills: vec![SkillRequirement::new("空调"), SkillRequirement::at_least("电工", 2)],
            },
            Action::Assign { strategy: AssignStrategy::RoundRobin, accept_within_minutes: Some(30) },
        ],
    );
    first.continue_matching = true;
    let second = rule(
        2,
        2,
        vec![],
        vec![
            set_group(2),
            add_tags(&["vip", "夜间"]),
            Action::RequireSkills {
                skills: vec![SkillRequirement::at_least("电工", 3), SkillRequirement::at_least("空调", 1)],
            },
            Action::Assign { strategy: AssignStrategy::LeastLoaded, accept_within_minutes: None },
        ],
    );
    let third = rule(3, 3, vec![], vec![set_group(3)]);

    let ticket = TicketFacts { tags: vec!["投诉".into()], ..facts() };
    let outcome = evaluate(&[first, second, third], &ticket);
    assert_eq!(outcome.matched.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2], "rule 2 does not continue");
    assert_eq!(outcome.group_id, Some(2));
    assert_eq!(outcome.priority, Some(Priority::High));
    assert_eq!(outcome.added_tags, ["VIP", "夜间"], "existing and case-duplicate tags are not added again");
    assert_eq!(outcome.required_skills, [SkillRequirement::at_least("空调", 1), SkillRequirement::at_least("电工", 3)]);
    assert_eq!(
        outcome.assign,
        Some(AssignPlan { rule_id: 2, strategy: AssignStrategy::LeastLoaded, accept_within_minutes: None })
    );
    assert_eq!(outcome.final_priority(&ticket), Priority::High);
}

#[test]
fn skill_requirements_merge_by_name_keeping_the_highest_level() {
    let mut from_type = vec![SkillRequirement::new("空调"), SkillRequirement::at_least("HVAC", 4)];
    merge_skill_requirements(
        &mut from_type,
        &[SkillRequirement::at_least("空调", 2), SkillRequirement::at_least("hvac", 1), SkillRequirement::new("电工")],
    );
    assert_eq!(
        from_type,
        [SkillRequirement::at_least("空调", 2), SkillRequirement::at_least("HVAC", 4), SkillRequirement::new("电工")]
    );
}

#[test]
fn later_rules_see_priority_and_tags_set_by_earlier_ones() {
    let mut vip = rule(
        1,
        1,
        vec![Condition::OrganizationTier { tiers: vec!["vip".into()] }],
        vec![Action::SetPriority { priority: Priority::Urgent }, add_tags(&["VIP"])],
    );
    vip.continue_matching = true;
    let urgent = rule(2, 2, vec![priority_is(&[Priority::Urgent])], vec![set_group(5)]);
    let tagged =
        rule(3, 3, vec![Condition::Tags { mode: TagMatch::Any, tags: vec!["vip".into()] }], vec![set_group(6)]);
    let rules = [vip, urgent, tagged];

    let ticket = TicketFacts { organization_tier: Some("VIP".into()), ..facts() };
    assert_eq!(evaluate(&rules, &ticket).group_id, Some(5));
    assert_eq!(evaluate(&rules, &facts()), RoutingOutcome::default());
}

#[test]
fn trace_reports_each_rule_and_condition() {
    let rules = vec![
        rule(
            1,
            1,
            vec![priority_is(&[Priority::Urgent]), Condition::Channel { channels: vec![Channel::Web] }],
            vec![set_group(1)],
        ),
        RoutingRule { enabled: false, ..rule(2, 2, vec![], vec![set_group(2)]) },
        rule(3, 3, vec![Condition::Channel { channels: vec![Channel::Web] }], vec![set_group(3)]),
        rule(4, 4, vec![], vec![set_group(4)]),
    ];
    let (outcome, traces) = trace(&rules, &facts());
    assert_eq!(outcome, evaluate(&rules, &facts()));
    assert_eq!(outcome.group_id, Some(3));
    let summary: Vec<(i64, bool, Vec<bool>, bool)> =
        traces.into_iter().map(|t| (t.rule_id, t.evaluated, t.conditions, t.matched)).collect();
    assert_eq!(
        summary,
        [
            (1, true, vec![false, true], false),
            (2, false, vec![], false),
            (3, true, vec![true], true),
            (4, false, vec![], false)
        ]
    );
}

// ---------------------------------------------------------------- conditions

#[test]
fn simple_conditions() {
    let ticket = TicketFacts {
        organization_id: Some(5),
        organization_tier: Some(" VIP ".into()),
        tags: vec!["空调".into(), "Floor-3".into()],
        ..facts()
    };
    assert!(holds(Condition::TicketType { type_ids: vec![1, 2] }, &ticket));
    assert!(!holds(Condition::TicketType { type_ids: vec![3] }, &ticket));
    assert!(holds(priority_is(&[Priority::Normal, Priority::High]), &ticket));
    assert!(!holds(Condition::Channel { channels: vec![Channel::Email] }, &ticket));
    assert!(holds(Condition::Organization { organization_ids: vec![5] }, &ticket));
    assert!(!holds(Condition::Organization { organization_ids: vec![5] }, &facts()), "no organisation never matches");
    assert!(holds(Condition::OrganizationTier { tiers: vec!["gold".into(), "vip".into()] }, &ticket));
    assert!(!holds(Condition::OrganizationTier { tiers: vec!["vip".into()] }, &facts()));
    assert!(holds(Condition::Requester { user_ids: vec![42] }, &ticket));
    assert!(!holds(Condition::Requester { user_ids: vec![43] }, &ticket));

    let tags = |mode, list: &[&str]| Condition::Tags { mode, tags: list.iter().map(|t| t.to_string()).collect() };
    assert!(holds(tags(TagMatch::Any, &["floor-3", "电梯"]), &ticket));
    assert!(!holds(tags(TagMatch::All, &["floor-3", "电梯"]), &ticket));
    assert!(holds(tags(TagMatch::All, &["空调", "FLOOR-3"]), &ticket));
    assert!(!holds(tags(TagMatch::Any, &["空"]), &ticket), "tags match whole, not by substring");
}

#[test]
fn custom_field_equality_and_lists() {
    let ticket = with_fields(json!({
        "fault_type": "空调",
        "brand": "Gree",
        "floor": 3,
        "urgent_site": true,
        "parts": ["压缩机", "滤网"],
        "engineer": 7
    }));
    assert!(holds(field("fault_type", FieldOperator::Equals, json!("空调")), &ticket));
    assert!(holds(field("brand", FieldOperator::Equals, json!("GREE")), &ticket), "text compares case-insensitively");
    assert!(holds(field("floor", FieldOperator::Equals, json!(3.0)), &ticket), "numbers compare numerically");
    assert!(!holds(field("floor", FieldOperator::Equals, json!("3")), &ticket), "no number/text coercion");
    assert!(holds(field("urgent_site", FieldOperator::Equals, json!(true)), &ticket));
    assert!(holds(field("engineer", FieldOperator::In, json!([5, 7])), &ticket));
    assert!(holds(field("fault_type", FieldOperator::In, json!(["电梯", "空调"])), &ticket));
    assert!(!holds(field("fault_type", FieldOperator::In, json!("空调")), &ticket), "in needs a list");

    assert!(holds(field("fault_type", FieldOperator::NotEquals, json!("电梯")), &ticket));
    assert!(!holds(field("fault_type", FieldOperator::NotEquals, json!("空调")), &ticket));
    assert!(holds(field("missing", FieldOperator::NotEquals, json!("空调")), &ticket), "a missing value is not equal");
    for op in FieldOperator::ALL.into_iter().filter(|op| *op != FieldOperator::NotEquals) {
        assert!(!holds(field("missing", op, json!("x")), &ticket), "{op} on a missing value");
    }

    assert!(holds(field("parts", FieldOperator::Contains, json!("滤网")), &ticket), "multi_select: option selected");
    assert!(!holds(field("parts", FieldOperator::Contains, json!("滤")), &ticket), "multi_select: whole options only");
    assert!(holds(field("parts", FieldOperator::In, json!(["电机", "压缩机"])), &ticket));
    assert!(!holds(field("parts", FieldOperator::NotEquals, json!("滤网")), &ticket));
}

#[test]
fn custom_field_contains_on_text() {
    let ticket = with_fields(json!({"note": "Compressor 噪音很大, customer ＶＩＰ"}));
    assert!(holds(field("note", FieldOperator::Contains, json!("噪音")), &ticket));
    assert!(holds(field("note", FieldOperator::Contains, json!("compressor")), &ticket));
    assert!(holds(field("note", FieldOperator::Contains, json!("vip")), &ticket), "full-width letters fold");
    assert!(!holds(field("note", FieldOperator::Contains, json!("")), &ticket), "an empty needle never matches");
}

#[test]
fn custom_field_ordering_for_numbers_dates_and_datetimes() {
    let ticket = with_fields(json!({
        "amount": 1500.5,
        "due": "2026-10-01",
        "seen_at": "2026-10-01T01:30:00Z"
    }));
    assert!(holds(field("amount", FieldOperator::Gt, json!(1000)), &ticket));
    assert!(holds(field("amount", FieldOperator::Gte, json!(1500.5)), &ticket));
    assert!(!holds(field("amount", FieldOperator::Lt, json!(1500.5)), &ticket));
    assert!(holds(field("amount", FieldOperator::Lte, json!(1500.5)), &ticket));
    assert!(!holds(field("amount", FieldOperator::Gt, json!("1000")), &ticket), "text is not ordered against numbers");

    assert!(holds(field("due", FieldOperator::Lt, json!("2026-10-02")), &ticket));
    assert!(holds(field("due", FieldOperator::Gt, json!("2026-09-30")), &ticket));
    assert!(holds(field("due", FieldOperator::Gt, json!("2025-12-31")), &ticket), "compared as dates");
    assert!(!holds(field("due", FieldOperator::Gt, json!("2026-10-01")), &ticket));

    // 09:30 in Beijing is 01:30 UTC: the same instant.
    assert!(holds(field("seen_at", FieldOperator::Equals, json!("2026-10-01T09:30:00+08:00")), &ticket));
    assert!(holds(field("seen_at", FieldOperator::Gt, json!("2026-10-01T09:00:00+08:00")), &ticket));
    assert!(holds(field("seen_at", FieldOperator::Lte, json!("2026-10-01T01:30:00Z")), &ticket));
    assert!(!holds(field("seen_at", FieldOperator::Lt, json!("2026-10-01T09:30:00+08:00")), &ticket));
    assert!(!holds(field("seen_at", FieldOperator::Gt, json!("2026-09-30")), &ticket), "date vs datetime is unordered");
}

#[test]
fn chinese_keywords_match_without_word_boundaries() {
    let ticket = TicketFacts {
        subject: "3 号楼空调不制冷".into(),
        description: "机房 UPS 报警，ＡＬＡＲＭ code E12".into(),
        ..facts()
    };
    assert!(holds(keywords(&["不制冷"], KeywordScope::SubjectOrDescription), &ticket));
    assert!(holds(keywords(&["漏水", "空调"], KeywordScope::Subject), &ticket));
    assert!(!holds(keywords(&["漏水", "停电"], KeywordScope::SubjectOrDescription), &ticket));
    assert!(holds(keywords(&["ups"], KeywordScope::Description), &ticket), "case-insensitive");
    assert!(!holds(keywords(&["ups"], KeywordScope::Subject), &ticket), "scope respected");
    assert!(holds(keywords(&["alarm CODE"], KeywordScope::Description), &ticket), "full-width and case fold");
    assert!(holds(keywords(&["3 号楼"], KeywordScope::Subject), &ticket));
    assert!(holds(keywords(&["3  号楼"], KeywordScope::Subject), &ticket), "whitespace runs collapse");
    assert!(!holds(keywords(&["  "], KeywordScope::Subject), &ticket), "blank keywords never match");
    assert!(!holds(keywords(&[], KeywordScope::Subject), &ticket));
}

#[test]
fn text_normalisation() {
    assert_eq!(normalize_text("  Ａｉｒ\u{3000}Con  不制冷\n "), "air con 不制冷");
    assert!(eq_normalized("VIP", " vip "));
    assert!(!eq_normalized("VIP", "V IP"));
}

#[test]
fn region_by_field_or_location_label() {
    let ticket = TicketFacts {
        location_label: Some("上海市浦东新区张江路 88 号".into()),
        ..with_fields(json!({"city": "Suzhou", "floor": 3}))
    };
    let region = |field: Option<&str>, operator, values: &[&str]| Condition::Region {
        field: field.map(str::to_owned),
        operator,
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    assert!(holds(region(Some("city"), RegionOperator::Equals, &["suzhou"]), &ticket));
    assert!(holds(region(Some("city"), RegionOperator::In, &["Shanghai", "Suzhou"]), &ticket));
    assert!(!holds(region(Some("city"), RegionOperator::Equals, &["Su"]), &ticket));
    assert!(holds(region(Some("city"), RegionOperator::Contains, &["zho"]), &ticket));
    assert!(!holds(region(Some("floor"), RegionOperator::Equals, &["3"]), &ticket), "only text values are regions");
    assert!(!holds(region(Some("missing"), RegionOperator::In, &["Suzhou"]), &ticket));
    assert!(holds(region(None, RegionOperator::Contains, &["北京", "上海"]), &ticket));
    assert!(!holds(region(None, RegionOperator::Equals, &["上海"]), &ticket));
    assert!(!holds(region(None, RegionOperator::Contains, &["上海"]), &facts()), "no location label");
}

// ---------------------------------------------------------------- time windows

#[test]
fn time_window_same_day() {
    // Weekdays 09:00-18:00 Beijing time (UTC+8). 2026-10-14 is a Wednesday.
    let office = window(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri], "09:00", "18:00", 480);
    assert!(office.contains(at(2026, 10, 14, 1, 0)), "09:00 local is inside");
    assert!(!office.contains(at(2026, 10, 14, 0, 59)), "08:59 local");
    assert!(office.contains(at(2026, 10, 14, 9, 59)), "17:59 local");
    assert!(!office.contains(at(2026, 10, 14, 10, 0)), "18:00 local is outside (to is exclusive)");
    assert!(!office.contains(at(2026, 10, 17, 3, 0)), "Saturday");
    // Monday 01:00 local is Sunday 17:00 UTC: the local weekday decides.
    assert!(!office.contains(at(2026, 10, 18, 17, 0)));
    assert!(office.contains(at(2026, 10, 19, 1, 0)), "Monday 09:00 local");
}

#[test]
fn time_window_crossing_midnight() {
    // Friday night duty 22:00-06:00 UTC+8; 2026-10-16 is a Friday.
    let night = window(&[Weekday::Fri], "22:00", "06:00", 480);
    let local = |d: u32, h: u32, mi: u32| at(2026, 10, d, h, mi) - chrono::Duration::hours(8);
    assert!(night.contains(local(16, 22, 0)), "Fri 22:00");
    assert!(night.contains(local(16, 23, 59)), "Fri 23:59");
    assert!(night.contains(local(17, 0, 0)), "Sat 00:00 belongs to Friday's window");
    assert!(night.contains(local(17, 5, 59)), "Sat 05:59");
    assert!(!night.contains(local(17, 6, 0)), "Sat 06:00");
    assert!(!night.contains(local(17, 22, 30)), "Sat 22:30: Saturday is not listed");
    assert!(!night.contains(local(16, 3, 0)), "Fri 03:00 belongs to Thursday's window");
    assert!(!night.contains(local(16, 21, 59)), "Fri 21:59");

    let sunday_night = window(&[Weekday::Sun], "20:00", "02:00", 0);
    assert!(sunday_night.contains(at(2026, 10, 19, 1, 0)), "Mon 01:00 after a Sunday window wraps the week");
}

#[test]
fn time_window_whole_day_end_of_day_and_invalid() {
    let sunday = window(&[Weekday::Sun], "00:00", "00:00", 0);
    assert!(sunday.contains(at(2026, 10, 18, 0, 0)) && sunday.contains(at(2026, 10, 18, 23, 59)));
    assert!(!sunday.contains(at(2026, 10, 19, 0, 0)));

    let evening = window(&[Weekday::Wed], "18:00", "24:00", 0);
    assert!(evening.contains(at(2026, 10, 14, 23, 59)));
    assert!(!evening.contains(at(2026, 10, 15, 0, 0)));

    assert!(!window(&[Weekday::Wed], "8:00", "24:00", 0).contains(at(2026, 10, 14, 12, 0)));
    assert!(!window(&[Weekday::Wed], "24:00", "08:00", 0).contains(at(2026, 10, 14, 12, 0)));
    assert!(!window(&[Weekday::Wed], "00:00", "00:00", 900).contains(at(2026, 10, 14, 12, 0)));

    assert_eq!(parse_time_of_day("08:30"), Some(510));
    assert_eq!(parse_time_of_day("24:00"), Some(1440));
    for bad in ["8:30", "24:01", "12:60", "ab:cd", "12-30", "", "１２:30"] {
        assert_eq!(parse_time_of_day(bad), None, "{bad}");
    }
}

#[test]
fn time_window_at_the_end_of_time_does_not_panic() {
    let any_time = window(&Weekday::ALL, "00:00", "00:00", MAX_UTC_OFFSET_MINUTES);
    assert!(!any_time.contains(DateTime::<Utc>::MAX_UTC));
    assert!(!window(&Weekday::ALL, "00:00", "00:00", MIN_UTC_OFFSET_MINUTES).contains(DateTime::<Utc>::MIN_UTC));
}

#[test]
fn time_window_tests_the_routing_moment() {
    let night = Condition::TimeWindow(window(&Weekday::ALL, "22:00", "06:00", 480));
    let created_at_night = TicketFacts { created_at: at(2026, 10, 14, 15, 0), ..facts() }; // 23:00 local
    assert!(holds(night.clone(), &created_at_night));
    let rerouted_by_day = TicketFacts { routed_at: Some(at(2026, 10, 15, 2, 0)), ..created_at_night };
    assert!(!holds(night, &rerouted_by_day), "10:00 local at re-route");
}

// ---------------------------------------------------------------- strategies

#[test]
fn priority_weights_and_load() {
    assert_eq!(Priority::ALL.map(priority_weight), [1, 2, 3, 5]);
    assert_eq!(open_load([Priority::Urgent, Priority::Low, Priority::Normal]), 8);
    assert_eq!(open_load([]), 0);
}

#[test]
fn eligibility_skips_unavailable_full_and_excluded_agents() {
    let away = AgentCandidate { availability: Availability::Away, ..agent(1) };
    let offline = AgentCandidate { availability: Availability::Offline, ..agent(2) };
    let full = AgentCandidate { capacity: Some(3), ..loaded(3, 6, 3) };
    let zero = AgentCandidate { capacity: Some(0), ..agent(4) };
    let declined = agent(5);
    let ok = AgentCandidate { capacity: Some(3), ..loaded(6, 90, 2) };
    let candidates = [away, offline, full, zero, declined, ok];
    let ctx = DispatchContext { excluded: &[5], ..ANYONE };

    assert_eq!(chosen(pick_round_robin(&candidates, &ctx)), Some(6));
    assert_eq!(chosen(pick_least_loaded(&candidates, &ctx)), Some(6));
    assert_eq!(pool_candidates(&candidates, &ctx), [6]);
    for id in 1..=5 {
        assert_eq!(pick_named_agent(&candidates, id, &ctx), None, "agent {id}");
    }
    assert_eq!(
        assign(&AssignStrategy::NamedAgent { user_id: 2 }, &candidates, &ctx),
        Assignment::Queue { reason: QueueReason::NamedAgentUnavailable }
    );
    let none_left = DispatchContext { excluded: &[5, 6], ..ANYONE };
    assert_eq!(
        assign(&AssignStrategy::LeastLoaded, &candidates, &none_left),
        Assignment::Queue { reason: QueueReason::NoEligibleAgent }
    );
    assert_eq!(assign(&AssignStrategy::Pool, &candidates, &none_left), Assignment::Pool { offered_to: vec![] });
}

#[test]
fn named_agent_ignores_required_skills() {
    let candidates = [agent(1), skilled(2, &[("空调", None)])];
    let skills = [SkillRequirement::new("空调")];
    let ctx = DispatchContext { required_skills: &skills, ..ANYONE };
    assert_eq!(chosen(pick_named_agent(&candidates, 1, &ctx)), Some(1));
    assert_eq!(pick_named_agent(&candidates, 99, &ctx), None, "not a candidate");
    assert_eq!(chosen(pick_round_robin(&candidates, &ctx)), Some(2), "other strategies require the skills");
}

#[test]
fn round_robin_prefers_never_assigned_then_oldest_then_lowest_id() {
    let recently = |id, h| AgentCandidate { last_assigned_at: Some(at(2026, 10, 14, h, 0)), ..agent(id) };
    assert_eq!(chosen(pick_round_robin(&[recently(1, 9), agent(5), agent(3)], &ANYONE)), Some(3));
    assert_eq!(chosen(pick_round_robin(&[recently(1, 9), recently(2, 8), recently(3, 10)], &ANYONE)), Some(2));
    assert_eq!(chosen(pick_round_robin(&[recently(4, 8), recently(2, 8)], &ANYONE)), Some(2));
    assert_eq!(pick_round_robin(&[], &ANYONE), None);
}

#[test]
fn least_loaded_breaks_ties_by_count_then_round_robin() {
    assert_eq!(chosen(pick_least_loaded(&[loaded(1, 6, 3), loaded(2, 5, 1), loaded(3, 7, 0)], &ANYONE)), Some(2));
    assert_eq!(chosen(pick_least_loaded(&[loaded(1, 6, 3), loaded(2, 6, 2)], &ANYONE)), Some(2));
    let later = AgentCandidate { last_assigned_at: Some(at(2026, 10, 14, 9, 0)), ..loaded(1, 6, 2) };
    let earlier = AgentCandidate { last_assigned_at: Some(at(2026, 10, 14, 8, 0)), ..loaded(9, 6, 2) };
    assert_eq!(chosen(pick_least_loaded(&[later, earlier], &ANYONE)), Some(9));
    let choice = pick_least_loaded(&[loaded(4, 6, 3)], &ANYONE).unwrap();
    assert_eq!(choice, Choice { user_id: 4, open_count: 3, open_load: 6, distance_km: None });
}

#[test]
fn skills_match_every_required_skill_case_insensitively_with_levels() {
    let candidates = [
        skilled(1, &[("空调", Some(5))]),
        AgentCandidate { open_load: 9, ..skilled(2, &[("空调", Some(2)), ("高压电工", None)]) },
        AgentCandidate { open_load: 4, ..skilled(3, &[("空调", None), ("高压电工", Some(3))]) },
        skilled(4, &[("HVAC", Some(1))]),
    ];
    let pick = |required: &[SkillRequirement], then| {
        chosen(pick_by_skills(&candidates, &DispatchContext { required_skills: required, ..ANYONE }, then))
    };
    let both = [SkillRequirement::new("空调"), SkillRequirement::new("高压电工")];
    assert_eq!(pick(&both, SkillsThen::LeastLoaded), Some(3));
    assert_eq!(pick(&both, SkillsThen::RoundRobin), Some(2));
    assert_eq!(pick(&[SkillRequirement::at_least("空调", 2)], SkillsThen::LeastLoaded), Some(1));
    assert_eq!(
        pick(&[SkillRequirement::at_least("空调", 3), SkillRequirement::new("高压电工")], SkillsThen::LeastLoaded),
        None
    );
    assert_eq!(pick(&[SkillRequirement::new(" hvac ")], SkillsThen::LeastLoaded), Some(4));
    assert_eq!(pick(&[], SkillsThen::LeastLoaded), Some(1), "no requirement: least loaded of all");
    assert_eq!(
        assign(
            &AssignStrategy::Skills { then: SkillsThen::LeastLoaded },
            &candidates,
            &DispatchContext { required_skills: &[SkillRequirement::new("电梯")], ..ANYONE }
        ),
        Assignment::Queue { reason: QueueReason::NoEligibleAgent }
    );
}

#[test]
fn nearest_uses_great_circle_distance_and_skips_urgent_holders() {
    let people_square = GeoPoint::new(31.2304, 121.4737);
    let beijing = GeoPoint::new(39.9042, 116.4074);
    let km = people_square.distance_km(&beijing);
    assert!((km - 1067.0).abs() < 5.0, "Shanghai–Beijing is about 1067 km, got {km}");
    assert_eq!(people_square.distance_km(&people_square), 0.0);

    let ctx = DispatchContext { ticket_location: Some(people_square), ..ANYONE };
    let busy_nearby = AgentCandidate { holds_urgent: true, ..placed(1, 31.2310, 121.4740) };
    let pudong = placed(2, 31.2397, 121.4998);
    let hongqiao = placed(3, 31.1979, 121.3363);
    let unknown = agent(4);
    let candidates = [busy_nearby, hongqiao, pudong.clone(), unknown];
    let choice = pick_nearest(&candidates, &ctx).unwrap();
    assert_eq!(choice.user_id, 2);
    assert!((choice.distance_km.unwrap() - 2.66).abs() < 0.1, "{choice:?}");

    let twin = AgentCandidate { open_load: 0, ..placed(7, 31.2397, 121.4998) };
    let pudong_busy = AgentCandidate { open_load: 4, ..pudong };
    assert_eq!(chosen(pick_nearest(&[pudong_busy, twin], &ctx)), Some(7), "same place: lower load");

    assert_eq!(pick_nearest(&candidates, &ANYONE), None);
    assert_eq!(
        assign(&AssignStrategy::Nearest, &candidates, &ANYONE),
        Assignment::Queue { reason: QueueReason::NoTicketLocation }
    );
    assert_eq!(pick_nearest(&[agent(4)], &ctx), None, "nobody has a position");
}

#[test]
fn geo_point_validity() {
    assert!(GeoPoint::new(31.2, 121.4).is_valid());
    assert!(GeoPoint::new(-90.0, 180.0).is_valid());
    assert!(!GeoPoint::new(90.1, 0.0).is_valid());
    assert!(!GeoPoint::new(0.0, -180.5).is_valid());
    assert!(!GeoPoint::new(f64::NAN, 0.0).is_valid());
}

#[test]
fn pool_offers_every_qualified_agent_longest_waiting_first() {
    let candidates = [
        AgentCandidate { last_assigned_at: Some(at(2026, 10, 14, 9, 0)), ..skilled(1, &[("空调", None)]) },
        skilled(2, &[("空调", None)]),
        agent(3),
        AgentCandidate { availability: Availability::Away, ..skilled(4, &[("空调", None)]) },
        skilled(5, &[("空调", None)]),
    ];
    let skills = [SkillRequirement::new("空调")];
    let ctx = DispatchContext { required_skills: &skills, excluded: &[5], ..ANYONE };
    assert_eq!(assign(&AssignStrategy::Pool, &candidates, &ctx), Assignment::Pool { offered_to: vec![2, 1] });
    assert_eq!(claim_block(&candidates[0], &ctx), None);
    assert_eq!(claim_block(&candidates[2], &ctx), Some(ClaimBlock::MissingSkills), "unqualified");
    assert_eq!(claim_block(&candidates[3], &ctx), Some(ClaimBlock::NotOnline), "away");
    assert_eq!(claim_block(&candidates[4], &ctx), Some(ClaimBlock::Excluded), "excluded");
}

#[test]
fn an_agent_at_or_over_capacity_may_not_claim() {
    let full = |open_count| AgentCandidate { capacity: Some(12), open_count, ..agent(1) };
    assert_eq!(claim_block(&full(11), &ANYONE), None);
    assert_eq!(claim_block(&full(12), &ANYONE), Some(ClaimBlock::AtCapacity));
    assert_eq!(claim_block(&full(17), &ANYONE), Some(ClaimBlock::AtCapacity));
    assert_eq!(claim_block(&AgentCandidate { capacity: None, open_count: 17, ..agent(1) }, &ANYONE), None);
}

#[test]
fn assign_dispatches_to_each_strategy() {
    let candidates = [loaded(1, 4, 2), loaded(2, 2, 1)];
    let pick = |strategy: AssignStrategy| assign(&strategy, &candidates, &ANYONE).user_id();
    assert_eq!(pick(AssignStrategy::NamedAgent { user_id: 1 }), Some(1));
    assert_eq!(pick(AssignStrategy::RoundRobin), Some(1));
    assert_eq!(pick(AssignStrategy::LeastLoaded), Some(2));
    assert_eq!(pick(AssignStrategy::Skills { then: SkillsThen::LeastLoaded }), Some(2));
    assert_eq!(pick(AssignStrategy::Pool), None);
}

#[test]
fn accept_deadline_adds_the_limit() {
    let assigned = at(2026, 10, 14, 2, 0);
    assert_eq!(accept_deadline(assigned, Some(15)), Some(at(2026, 10, 14, 2, 15)));
    assert_eq!(accept_deadline(assigned, None), None);
}

// ---------------------------------------------------------------- reasons

fn names() -> ReasonNames {
    ReasonNames {
        groups: HashMap::from([(3, "售后二组".to_owned())]),
        users: HashMap::from([(7, "李工".to_owned()), (8, "王工".to_owned())]),
    }
}

fn vip_outcome() -> RoutingOutcome {
    RoutingOutcome {
        matched: vec![MatchedRule { id: 12, name: "VIP 投诉".into() }],
        group_id: Some(3),
        assign: Some(AssignPlan {
            rule_id: 12,
            strategy: AssignStrategy::LeastLoaded,
            accept_within_minutes: Some(15),
        }),
        ..RoutingOutcome::default()
    }
}

#[test]
fn reason_renders_the_vip_example_in_both_languages() {
    let assignment = Assignment::Agent(Choice { user_id: 7, open_count: 3, open_load: 6, distance_km: None });
    let reason =
        DispatchReason::new(DispatchCause::Created, &vip_outcome(), Some((&AssignStrategy::LeastLoaded, &assignment)));
    assert_eq!(reason.render(Locale::En, &names()), "rule 'VIP 投诉' → group 售后二组, least loaded: 李工 (3 open)");
    assert_eq!(reason.render(Locale::ZhCn, &names()), "规则「VIP 投诉」 → 分组 售后二组，最少负载：李工（3 个未结）");
}

#[test]
fn reason_renders_every_part() {
    let outcome = RoutingOutcome {
        matched: vec![MatchedRule { id: 1, name: "夜间".into() }, MatchedRule { id: 2, name: "空调".into() }],
        group_id: Some(4),
        priority: Some(Priority::Urgent),
        added_tags: vec!["VIP".into(), "夜间".into()],
        required_skills: vec![SkillRequirement::new("空调"), SkillRequirement::at_least("高压电工", 3)],
        assign: None,
    };
    let nearest = Assignment::Agent(Choice { user_id: 8, open_count: 1, open_load: 2, distance_km: Some(0.85) });
    let reason = DispatchReason::new(
        DispatchCause::Escalated { user_id: 7 },
        &outcome,
        Some((&AssignStrategy::Nearest, &nearest)),
    );
    assert_eq!(
        reason.render(Locale::En, &names()),
        "not accepted by 李工 in time: rules '夜间', '空调' → group #4, priority urgent, tags VIP, 夜间, \
         skills 空调, 高压电工 (level ≥ 3), nearest: 王工 (850 m, 1 open)"
    );
    assert_eq!(
        reason.render(Locale::ZhCn, &names()),
        "李工 超时未接单，规则「夜间」「空调」 → 分组 #4，优先级 特急，标签 VIP、夜间，技能 空调、高压电工（≥3 级），就近：王工（850 米，1 个未结）"
    );
}

#[test]
fn reason_renders_pool_queue_and_nothing() {
    let empty = RoutingOutcome::default();
    let nothing = DispatchReason::new(DispatchCause::Created, &empty, None);
    assert_eq!(nothing.render(Locale::En, &names()), "no rule matched");
    assert_eq!(nothing.render(Locale::ZhCn, &names()), "未匹配规则");

    let pool = Assignment::Pool { offered_to: vec![7, 8, 9] };
    let pooled = DispatchReason::new(DispatchCause::Reroute, &vip_outcome(), Some((&AssignStrategy::Pool, &pool)));
    assert_eq!(
        pooled.render(Locale::En, &names()),
        "re-routed: rule 'VIP 投诉' → group 售后二组, pool: offered to 3 agents"
    );
    assert_eq!(
        pooled.render(Locale::ZhCn, &names()),
        "重新派单：规则「VIP 投诉」 → 分组 售后二组，抢单池：已推送给 3 名处理人"
    );

    let named = AssignStrategy::NamedAgent { user_id: 7 };
    let queued = Assignment::Queue { reason: QueueReason::NamedAgentUnavailable };
    let waiting = DispatchReason::new(DispatchCause::Declined { user_id: 8 }, &empty, Some((&named, &queued)));
    assert_eq!(waiting.render(Locale::En, &names()), "declined by 王工: no rule matched → queued: 李工 is unavailable");
    assert_eq!(waiting.render(Locale::ZhCn, &names()), "王工 拒单，未匹配规则 → 进入分组队列：指定处理人 李工 不可用");
}

#[test]
fn locale_from_language_tags() {
    assert_eq!(Locale::from_tag("zh-CN"), Locale::ZhCn);
    assert_eq!(Locale::from_tag("ZH"), Locale::ZhCn);
    assert_eq!(Locale::from_tag("en-US"), Locale::En);
    assert_eq!(Locale::from_tag(""), Locale::En);
    assert_eq!(Locale::from_tag("中"), Locale::En);
}

// ---------------------------------------------------------------- validation

fn def(key: &str, kind: FieldKind, options: &[&str]) -> FieldDefinition {
    FieldDefinition {
        key: key.into(),
        label: key.into(),
        kind,
        required: false,
        options: options.iter().map(|o| o.to_string()).collect(),
        customer_visible: true,
    }
}

fn known() -> KnownRefs {
    KnownRefs {
        group_ids: BTreeSet::from([3, 4]),
        agent_ids: BTreeSet::from([7, 8]),
        user_ids: BTreeSet::from([7, 8, 42]),
        organization_ids: BTreeSet::from([5]),
        ticket_types: BTreeMap::from([
            (
                1,
                vec![
                    def("fault_type", FieldKind::Select, &["空调", "电梯"]),
                    def("note", FieldKind::Text, &[]),
                    def("city", FieldKind::Text, &[]),
                ],
            ),
            (
                2,
                vec![
                    def("amount", FieldKind::Number, &[]),
                    def("due", FieldKind::Date, &[]),
                    def("seen_at", FieldKind::Datetime, &[]),
                    def("parts", FieldKind::MultiSelect, &["压缩机", "滤网"]),
                    def("onsite", FieldKind::Checkbox, &[]),
                    def("engineer", FieldKind::User, &[]),
                ],
            ),
        ]),
    }
}

fn errors_of(rule: &RoutingRule) -> Vec<(String, Vec<String>)> {
    match validate_rule(rule, &known()) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.into_iter().collect(),
    }
}

fn error_keys(rule: &RoutingRule) -> Vec<String> {
    errors_of(rule).into_iter().map(|(k, _)| k).collect()
}

fn valid_rule() -> RoutingRule {
    RoutingRule {
        id: 0,
        name: "VIP 投诉".into(),
        position: 1,
        enabled: true,
        conditions: vec![
            Condition::TicketType { type_ids: vec![1, 2] },
            priority_is(&[Priority::High]),
            Condition::Organization { organization_ids: vec![5] },
            Condition::OrganizationTier { tiers: vec!["vip".into()] },
            Condition::Requester { user_ids: vec![42] },
            Condition::Tags { mode: TagMatch::All, tags: vec!["空调".into()] },
            field("fault_type", FieldOperator::In, json!(["空调"])),
            field("amount", FieldOperator::Gt, json!(1000)),
            field("due", FieldOperator::Lte, json!("2026-12-31")),
            field("seen_at", FieldOperator::Gte, json!("2026-10-01T09:30:00+08:00")),
            field("parts", FieldOperator::Contains, json!("滤网")),
            field("onsite", FieldOperator::Equals, json!(true)),
            field("engineer", FieldOperator::Equals, json!(7)),
            keywords(&["投诉"], KeywordScope::SubjectOrDescription),
            Condition::Region {
                field: Some("city".into()), operator: RegionOperator::In, values: vec!["上海".into()]
            },
            Condition::Region { field: None, operator: RegionOperator::Contains, values: vec!["浦东".into()] },
            Condition::TimeWindow(window(&[Weekday::Fri], "22:00", "24:00", 480)),
        ],
        actions: vec![
            set_group(3),
            Action::SetPriority { priority: Priority::Urgent },
            add_tags(&["VIP"]),
            Action::RequireSkills { skills: vec![SkillRequirement::at_least("空调", 2)] },
            Action::Assign { strategy: AssignStrategy::NamedAgent { user_id: 7 }, accept_within_minutes: Some(15) },
        ],
        continue_matching: false,
    }
}

#[test]
fn a_valid_rule_passes() {
    assert_eq!(errors_of(&valid_rule()), []);
    let catch_all = rule(9, 99, vec![], vec![set_group(4)]);
    assert_eq!(errors_of(&catch_all), []);
}

#[test]
fn rule_level_errors() {
    let mut bad = valid_rule();
    bad.name = "  ".into();
    bad.actions.clear();
    assert_eq!(
        errors_of(&bad),
        [("actions".into(), vec!["needs at least one action".into()]), ("name".into(), vec!["is required".into()])]
    );

    let mut long = valid_rule();
    long.name = "长".repeat(MAX_RULE_NAME_CHARS + 1);
    long.conditions = vec![priority_is(&[Priority::Low]); MAX_CONDITIONS + 1];
    assert_eq!(error_keys(&long), ["conditions", "name"]);
}

#[test]
fn unknown_references_are_errors() {
    let mut bad = valid_rule();
    bad.conditions = vec![
        Condition::TicketType { type_ids: vec![1, 9] },
        Condition::Organization { organization_ids: vec![6] },
        Condition::Requester { user_ids: vec![42, 43] },
    ];
    bad.actions = vec![
        set_group(99),
        Action::Assign { strategy: AssignStrategy::NamedAgent { user_id: 42 }, accept_within_minutes: None },
    ];
    assert_eq!(
        errors_of(&bad),
        [
            ("actions[0].group_id".into(), vec!["unknown group 99".into()]),
            ("actions[1].strategy.user_id".into(), vec!["unknown agent 42".into()]),
            ("conditions[0].type_ids".into(), vec!["unknown ticket type 9".into()]),
            ("conditions[1].organization_ids".into(), vec!["unknown organization 6".into()]),
            ("conditions[2].user_ids".into(), vec!["unknown user 43".into()]),
        ]
    );
}

#[test]
fn custom_field_conditions_are_checked_against_the_field_kind() {
    let check = |condition: Condition| {
        let mut r = valid_rule();
        r.conditions = vec![condition];
        errors_of(&r)
    };
    let one = |key: &str, message: &str| vec![(format!("conditions[0].{key}"), vec![message.to_owned()])];

    assert_eq!(
        check(field("colour", FieldOperator::Equals, json!("red"))),
        one("field", "unknown custom field \"colour\"")
    );
    assert_eq!(
        check(field("note", FieldOperator::Gt, json!("a"))),
        one("operator", "gt does not apply to a text field; use one of: equals, not_equals, in, contains")
    );
    assert_eq!(
        check(field("parts", FieldOperator::Equals, json!("滤网"))),
        one("operator", "equals does not apply to a multi_select field; use one of: contains, in")
    );
    assert_eq!(
        check(field("fault_type", FieldOperator::Equals, json!("水管"))),
        one("value", "must be one of: 空调, 电梯")
    );
    assert_eq!(check(field("amount", FieldOperator::Gt, json!("1000"))), one("value", "must be a number"));
    assert_eq!(
        check(field("due", FieldOperator::Gt, json!("2026-13-01"))),
        one("value", "must be a date like 2026-10-01")
    );
    assert_eq!(
        check(field("seen_at", FieldOperator::Gt, json!("2026-10-01"))),
        one("value", "must be a date and time with offset like 2026-10-01T09:30:00+08:00")
    );
    assert_eq!(check(field("onsite", FieldOperator::Equals, json!("yes"))), one("value", "must be true or false"));
    assert_eq!(check(field("engineer", FieldOperator::Equals, json!(99))), one("value", "unknown user 99"));
    assert_eq!(check(field("note", FieldOperator::Contains, json!(" "))), one("value", "must be non-blank text"));
    assert_eq!(check(field("amount", FieldOperator::In, json!([]))), one("value", "needs at least one value"));
    assert_eq!(check(field("amount", FieldOperator::In, json!(5))), one("value", "in takes a list of values"));
    assert_eq!(check(field("amount", FieldOperator::In, json!([1, "2"]))), one("value", "must be a number"));
    assert_eq!(check(field("amount", FieldOperator::In, json!([1, 2.5]))), []);
}

#[test]
fn custom_fields_are_looked_up_in_the_types_the_rule_applies_to() {
    let mut r = valid_rule();
    r.conditions = vec![Condition::TicketType { type_ids: vec![1] }, field("amount", FieldOperator::Gt, json!(1))];
    assert_eq!(error_keys(&r), ["conditions[1].field"], "amount belongs to type 2 only");
    r.conditions[0] = Condition::TicketType { type_ids: vec![2] };
    assert_eq!(error_keys(&r), Vec::<String>::new());
}

#[test]
fn keyword_tag_region_and_window_errors() {
    let mut r = valid_rule();
    r.conditions = vec![
        keywords(&[], KeywordScope::Subject),
        keywords(&["空调", "\u{3000}"], KeywordScope::Subject),
        Condition::Tags { mode: TagMatch::Any, tags: vec![] },
        Condition::Region {
            field: Some("amount".into()),
            operator: RegionOperator::Equals,
            values: vec!["上海".into(), "北京".into()],
        },
        Condition::Region { field: Some("nowhere".into()), operator: RegionOperator::In, values: vec![] },
        Condition::TimeWindow(window(&[], "8:00", "25:00", 900)),
        Condition::TimeWindow(window(&[Weekday::Mon], "24:00", "08:00", 0)),
        Condition::Priority { priorities: vec![] },
    ];
    let errors: BTreeMap<String, Vec<String>> = errors_of(&r).into_iter().collect();
    let expected: BTreeMap<String, Vec<String>> = [
        ("conditions[0].keywords", vec!["needs at least one keyword"]),
        ("conditions[1].keywords", vec!["a keyword must not be blank"]),
        ("conditions[2].tags", vec!["needs at least one tag"]),
        ("conditions[3].field", vec!["a region must be a text or select field"]),
        ("conditions[3].values", vec!["equals takes exactly one value; use in for several"]),
        ("conditions[4].field", vec!["unknown custom field \"nowhere\""]),
        ("conditions[4].values", vec!["needs at least one value"]),
        ("conditions[5].weekdays", vec!["needs at least one weekday"]),
        ("conditions[5].from", vec!["must be a time of day like 08:30"]),
        ("conditions[5].to", vec!["must be a time of day like 08:30 (24:00 for the end of the day)"]),
        ("conditions[5].utc_offset_minutes", vec!["must be between -720 and 840 (China: 480)"]),
        ("conditions[6].from", vec!["must be a time of day like 08:30"]),
        ("conditions[7].priorities", vec!["needs at least one priority"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(errors, expected);
}

#[test]
fn action_errors() {
    let mut r = valid_rule();
    r.actions = vec![
        add_tags(&[]),
        add_tags(&["a,b"]),
        Action::RequireSkills { skills: vec![] },
        Action::RequireSkills { skills: vec![SkillRequirement::at_least(" ", 0)] },
        Action::Assign { strategy: AssignStrategy::RoundRobin, accept_within_minutes: Some(0) },
        Action::Assign { strategy: AssignStrategy::Pool, accept_within_minutes: Some(MAX_ACCEPT_MINUTES + 1) },
        set_group(3),
        set_group(4),
    ];
    let errors: BTreeMap<String, Vec<String>> = errors_of(&r).into_iter().collect();
    assert_eq!(errors["actions[0].tags"], ["needs at least one tag"]);
    assert_eq!(errors["actions[1].tags"], ["tag \"a,b\" must not contain commas or control characters"]);
    assert_eq!(errors["actions[2].skills"], ["needs at least one skill"]);
    assert_eq!(errors["actions[3].skills"], ["a skill name must not be blank", "min_level must be at least 1"]);
    assert_eq!(errors["actions[4].accept_within_minutes"], ["must be between 1 and 10080"]);
    assert_eq!(errors["actions[5].accept_within_minutes"], ["must be between 1 and 10080"]);
    assert_eq!(errors["actions[5].kind"], ["only one assign action is allowed per rule"]);
    assert_eq!(errors["actions[7].kind"], ["only one set_group action is allowed per rule"]);
    assert_eq!(errors.len(), 8, "{errors:?}");
}

#[test]
fn operators_fit_kinds() {
    assert!(operators_for(FieldKind::Number).contains(&FieldOperator::Gte));
    assert!(!operators_for(FieldKind::Select).contains(&FieldOperator::Contains));
    for kind in FieldKind::ALL {
        assert!(!operators_for(kind).is_empty(), "{kind}");
    }
}

#[test]
fn agent_and_type_skill_lists_are_checked_alike() {
    use loopdesk_domain::errors::FieldErrors;

    let mut errors = FieldErrors::new();
    check_agent_skills(
        &mut errors,
        "skills",
        &[AgentSkill::new("空调", Some(3)), AgentSkill::new(" 空调 ", None), AgentSkill::new("电梯", Some(0))],
    );
    assert_eq!(errors.0["skills"], ["skill \"空调\" is listed twice", "level must be at least 1"]);

    let mut errors = FieldErrors::new();
    check_skill_requirements(&mut errors, "required_skills", &[SkillRequirement::new("高压电工")]);
    assert!(errors.is_empty());
    let too_many: Vec<SkillRequirement> = (0..=MAX_SKILLS).map(|i| SkillRequirement::new(format!("s{i}"))).collect();
    check_skill_requirements(&mut errors, "required_skills", &too_many);
    assert_eq!(errors.0["required_skills"], [format!("at most {MAX_SKILLS} skills are allowed")]);
}
