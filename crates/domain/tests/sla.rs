//! SLA policies and clocks with a controllable clock, on the 2026 Chinese holiday calendar.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use loopdesk_domain::calendar::{BusinessCalendar, Schedule, WeekHours, WorkSpan};
use loopdesk_domain::dispatch::{Condition, KnownRefs, TicketFacts, Weekday};
use loopdesk_domain::sla::*;
use loopdesk_domain::ticket::{Channel, Priority, TicketStatus};
use serde_json::json;

// ---------------------------------------------------------------- helpers

fn cst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Mon–Fri 09:00–12:00, 13:30–18:00; official 2026 arrangement: 9/25–27 and 10/1–7 off, 9/20 and 10/10 worked.
fn shanghai_2026() -> Schedule {
    let week = WeekHours::weekdays(&[WorkSpan::new("09:00", "12:00"), WorkSpan::new("13:30", "18:00")]);
    let mut cal = BusinessCalendar::new("Asia/Shanghai", week);
    for d in 25..=27 {
        cal.add_holiday(date(2026, 9, d), "中秋节");
    }
    for d in 1..=7 {
        cal.add_holiday(date(2026, 10, d), "国庆节");
    }
    cal.add_extra_working_day(date(2026, 9, 20), "国庆调休", Weekday::Mon);
    cal.add_extra_working_day(date(2026, 10, 10), "国庆调休", Weekday::Mon);
    cal.compile().unwrap()
}

fn targets() -> SlaTargets {
    SlaTargets {
        urgent: SlaTarget::new(Some(30), Some(240)),
        high: SlaTarget::new(Some(60), Some(480)),
        normal: SlaTarget::new(Some(240), Some(1440)),
        low: SlaTarget::new(None, Some(2880)),
    }
}

fn policy(id: i64, position: i32, conditions: Vec<Condition>) -> SlaPolicy {
    SlaPolicy {
        id,
        name: format!("policy {id}"),
        position,
        enabled: true,
        conditions,
        targets: targets(),
        calendar_id: Some(1),
        warn_at_percent: DEFAULT_WARN_AT_PERCENT,
    }
}

fn facts(priority: Priority) -> TicketFacts {
    TicketFacts::new(2, priority, Channel::Web, 42, cst(2026, 10, 9, 17, 30))
}

fn kinds(events: &[SlaEvent]) -> Vec<(SlaMetric, SlaEventKind)> {
    events.iter().map(|e| (e.metric, e.kind)).collect()
}

use SlaEventKind as K;
use SlaMetric::{FirstResponse as Fr, Resolution as Res};

// ---------------------------------------------------------------- policies

#[test]
fn the_first_enabled_matching_policy_by_position_applies() {
    let vip = Condition::OrganizationTier { tiers: vec!["VIP".into()] };
    let urgent = Condition::Priority { priorities: vec![Priority::Urgent] };
    let mut disabled = policy(1, 0, vec![]);
    disabled.enabled = false;
    let policies = vec![policy(9, 30, vec![]), policy(4, 10, vec![vip.clone()]), policy(3, 20, vec![urgent]), disabled];

    assert_eq!(select_policy(&policies, &facts(Priority::Normal)).map(|p| p.id), Some(9));
    assert_eq!(select_policy(&policies, &facts(Priority::Urgent)).map(|p| p.id), Some(3));
    let vip_facts = TicketFacts { organization_tier: Some("vip".into()), ..facts(Priority::Urgent) };
    assert_eq!(select_policy(&policies, &vip_facts).map(|p| p.id), Some(4));
    // Same position: lower id first. Nothing matches: no policy.
    let tied = vec![policy(8, 5, vec![]), policy(7, 5, vec![])];
    assert_eq!(select_policy(&tied, &facts(Priority::Low)).map(|p| p.id), Some(7));
    assert!(select_policy(&[policy(4, 10, vec![vip])], &facts(Priority::Low)).is_none());
    assert!(select_policy(&[], &facts(Priority::Low)).is_none());
}

#[test]
fn policies_travel_as_json_with_defaults() {
    let policy: SlaPolicy = serde_json::from_value(json!({
        "id": 3, "name": "VIP 客户", "position": 10,
        "conditions": [{"kind": "organization_tier", "tiers": ["vip"]}],
        "targets": {"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}}
    }))
    .unwrap();
    assert!(policy.enabled);
    assert_eq!(policy.warn_at_percent, 75);
    assert_eq!(policy.calendar_id, None);
    assert_eq!(policy.targets.minutes(Priority::Urgent, SlaMetric::Resolution), Some(240));
    assert_eq!(policy.targets.minutes(Priority::Low, SlaMetric::Resolution), None);
    let value = serde_json::to_value(&policy).unwrap();
    assert_eq!(value["targets"]["low"], json!({"first_response_minutes": null, "resolution_minutes": null}));
    assert_eq!(value["conditions"][0]["kind"], "organization_tier");
}

#[test]
fn policy_validation_reuses_the_routing_condition_checks() {
    let known = KnownRefs { organization_ids: BTreeSet::from([5]), ..KnownRefs::default() };
    let calendars = BTreeSet::from([1]);
    assert_eq!(validate_policy(&policy(1, 0, vec![]), &known, &calendars), Ok(()));

    let mut bad = policy(
        1,
        0,
        vec![Condition::OrganizationTier { tiers: vec![] }, Condition::Organization { organization_ids: vec![5, 6] }],
    );
    bad.name = "  ".into();
    bad.targets.urgent.resolution_minutes = Some(0);
    bad.targets.high = SlaTarget::new(Some(600), Some(480));
    bad.calendar_id = Some(2);
    bad.warn_at_percent = 100;
    let errors = validate_policy(&bad, &known, &calendars).unwrap_err();
    let keys: Vec<&str> = errors.0.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "calendar_id",
            "conditions[0].tiers",
            "conditions[1].organization_ids",
            "name",
            "targets.high.first_response_minutes",
            "targets.urgent.resolution_minutes",
            "warn_at_percent",
        ]
    );
    assert_eq!(errors.get("conditions[1].organization_ids"), ["unknown organization 6"]);
    assert_eq!(errors.get("calendar_id"), ["unknown calendar 2"]);

    let mut empty = policy(1, 0, vec![]);
    empty.targets = SlaTargets::default();
    empty.calendar_id = None;
    assert_eq!(validate_policy(&empty, &known, &calendars).unwrap_err().get("targets"), ["needs at least one target"]);
}

// ---------------------------------------------------------------- clocks on the Golden Week calendar

#[test]
fn friday_evening_urgent_ticket_is_due_on_the_make_up_saturday() {
    let schedule = shanghai_2026();
    let created = cst(2026, 10, 9, 17, 30);
    let (sla, events) = TicketSla::start(&policy(1, 0, vec![]), Priority::Urgent, &schedule, created);
    assert_eq!(kinds(&events), [(Fr, K::Started), (Res, K::Started)]);
    let response = sla.first_response.as_ref().unwrap();
    let resolution = sla.resolution.as_ref().unwrap();
    assert_eq!(response.due_at, Some(cst(2026, 10, 9, 18, 0)));
    assert_eq!(resolution.due_at, Some(cst(2026, 10, 10, 14, 0)));
    // 75 % of 4 h = 3 h: 30 min Friday + 2 h 30 Saturday morning.
    assert_eq!(resolution.warn_at, Some(cst(2026, 10, 10, 11, 30)));
    assert_eq!(sla.due_at(), Some(cst(2026, 10, 9, 18, 0)));
    // 75 % of 30 min = 22 min 30 s.
    assert_eq!(response.warn_at, Some(cst(2026, 10, 9, 17, 52) + Duration::seconds(30)));
    assert_eq!(sla.next_check_at(), response.warn_at);
    assert_eq!(sla.state(&schedule, created), Some(SlaState::Ok));
    // Saturday 09:00, nothing done: first response long breached, resolution 3.5 h left.
    let saturday = cst(2026, 10, 10, 9, 0);
    assert_eq!(response.state(&schedule, saturday), SlaState::Breached);
    assert_eq!(resolution.remaining_minutes(&schedule, saturday), 210);
    assert_eq!(sla.state(&schedule, saturday), Some(SlaState::Breached));
}

#[test]
fn pending_over_the_weekend_moves_the_due_time_and_warns_and_breaches_once() {
    let schedule = shanghai_2026();
    let created = cst(2026, 10, 9, 10, 0); // Friday
    let mut clock = SlaClock::start(SlaMetric::Resolution, 240, 75, &schedule, created);
    assert_eq!(clock.due_at, Some(cst(2026, 10, 9, 15, 30)));
    assert_eq!(clock.warn_at, Some(cst(2026, 10, 9, 14, 30)));

    // Waiting on the customer from Friday 11:00 until Monday 10:00, over the make-up Saturday.
    let events = clock.pause(&schedule, cst(2026, 10, 9, 11, 0));
    assert_eq!(kinds(&events), [(Res, K::Paused)]);
    assert_eq!(clock.consumed_seconds, 3600);
    assert_eq!((clock.due_at, clock.warn_at), (None, None));
    for at in [cst(2026, 10, 9, 16, 0), cst(2026, 10, 10, 11, 0), cst(2026, 10, 12, 9, 59)] {
        assert_eq!(clock.state(&schedule, at), SlaState::Paused);
        assert_eq!(clock.remaining_minutes(&schedule, at), 180);
        assert!(clock.due_events(&schedule, at).is_empty());
    }
    assert_eq!(clock.next_check_at(), None);
    assert!(clock.pause(&schedule, cst(2026, 10, 10, 9, 0)).is_empty(), "pausing twice does nothing");

    let events = clock.resume(&schedule, cst(2026, 10, 12, 10, 0));
    assert_eq!(kinds(&events), [(Res, K::Resumed)]);
    assert_eq!(events[0].due_at, Some(cst(2026, 10, 12, 14, 30)));
    // 3 h left from Monday 10:00: 10:00–12:00 and 13:30–14:30. Warning at 3 h used: Monday 12:00.
    assert_eq!(clock.due_at, Some(cst(2026, 10, 12, 14, 30)));
    assert_eq!(clock.warn_at, Some(cst(2026, 10, 12, 12, 0)));
    assert!(clock.resume(&schedule, cst(2026, 10, 12, 10, 5)).is_empty(), "resuming a running clock does nothing");

    // "剩余 1 小时 20 分" at 11:40.
    assert_eq!(clock.remaining_minutes(&schedule, cst(2026, 10, 12, 11, 40)), 80);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 11, 40)), SlaState::Ok);

    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 13, 0)), SlaState::Warning);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 14, 29)), SlaState::Warning);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 14, 30)), SlaState::Breached);

    // A worker polling every few minutes records the warning and the breach exactly once.
    let mut recorded = Vec::new();
    let polls = [(11, 59), (12, 0), (12, 5), (13, 0), (14, 29), (14, 30), (14, 35), (15, 5), (17, 0)];
    for (h, m) in polls {
        let now = cst(2026, 10, 12, h, m);
        let due = clock.due_events(&schedule, now);
        assert_eq!(!due.is_empty(), clock.next_check_at().is_some_and(|t| t <= now));
        for event in &due {
            assert!(clock.record(event));
            assert!(!clock.record(event), "recording twice is refused");
        }
        recorded.extend(due.into_iter().map(|e| (e.kind, e.at, now)));
    }
    assert_eq!(
        recorded,
        [
            (K::Warning, cst(2026, 10, 12, 12, 0), cst(2026, 10, 12, 12, 0)),
            (K::Breached, cst(2026, 10, 12, 14, 30), cst(2026, 10, 12, 14, 30)),
        ]
    );
    assert_eq!(clock.remaining_minutes(&schedule, cst(2026, 10, 12, 14, 30)), 0);
    assert_eq!(clock.remaining_minutes(&schedule, cst(2026, 10, 12, 14, 30) + Duration::seconds(1)), -1);
    // "超时 35 分" at 15:05.
    assert_eq!(clock.remaining_minutes(&schedule, cst(2026, 10, 12, 15, 5)), -35);
    assert_eq!(clock.next_check_at(), None);
    // Once recorded, the breach sticks.
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 13, 0)), SlaState::Breached);

    let events = clock.meet(&schedule, cst(2026, 10, 12, 16, 0));
    assert_eq!(kinds(&events), [(Res, K::Met)]);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 13, 9, 0)), SlaState::Met);
    assert!(!clock.met_within_target());
    assert_eq!(clock.consumed_seconds, (240 + 90) * 60);
    assert!(clock.meet(&schedule, cst(2026, 10, 12, 17, 0)).is_empty());
}

#[test]
fn a_due_time_at_the_end_of_a_span_breaches_there_not_after_lunch() {
    let schedule = shanghai_2026();
    let mut clock = SlaClock::start(SlaMetric::FirstResponse, 30, 75, &schedule, cst(2026, 10, 12, 11, 30));
    assert_eq!(clock.due_at, Some(cst(2026, 10, 12, 12, 0)));
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 11, 59)), SlaState::Warning);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 12, 0)), SlaState::Breached);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 13, 0)), SlaState::Breached);
    assert_eq!(clock.remaining_minutes(&schedule, cst(2026, 10, 12, 13, 0)), 0);
    let events = clock.meet(&schedule, cst(2026, 10, 12, 11, 59));
    assert_eq!(kinds(&events), [(Fr, K::Warning), (Fr, K::Met)]);
    assert!(clock.met_within_target());
}

#[test]
fn a_late_answer_still_records_the_missed_warning_and_breach() {
    let schedule = shanghai_2026();
    let mut clock = SlaClock::start(SlaMetric::FirstResponse, 30, 75, &schedule, cst(2026, 10, 9, 17, 30));
    // No worker ran; the agent answers on the make-up Saturday.
    let events = clock.meet(&schedule, cst(2026, 10, 10, 9, 15));
    assert_eq!(kinds(&events), [(Fr, K::Warning), (Fr, K::Breached), (Fr, K::Met)]);
    assert_eq!(events[0].at, cst(2026, 10, 9, 17, 52) + Duration::seconds(30));
    assert_eq!(events[1].at, cst(2026, 10, 9, 18, 0));
    assert_eq!(clock.breached_at, Some(cst(2026, 10, 9, 18, 0)));
    assert_eq!(clock.consumed_seconds, 45 * 60);
    assert!(!clock.met_within_target());
    assert!(clock.due_events(&schedule, cst(2026, 10, 12, 9, 0)).is_empty());
}

#[test]
fn thresholds_crossed_before_a_pause_are_still_reported() {
    let schedule = shanghai_2026();
    let mut clock = SlaClock::start(SlaMetric::Resolution, 60, 75, &schedule, cst(2026, 10, 12, 9, 0));
    // 50 minutes used (past 75 %), worker has not run yet, then pending.
    let events = clock.pause(&schedule, cst(2026, 10, 12, 9, 50));
    assert_eq!(kinds(&events), [(Res, K::Warning), (Res, K::Paused)]);
    assert_eq!(clock.warn_at, Some(cst(2026, 10, 12, 9, 45)));
    assert_eq!(clock.due_at, None);
    assert_eq!(clock.state(&schedule, cst(2026, 10, 13, 9, 0)), SlaState::Paused);
    assert!(clock.due_events(&schedule, cst(2026, 10, 13, 9, 0)).is_empty());
    clock.resume(&schedule, cst(2026, 10, 13, 9, 0));
    assert_eq!(clock.due_at, Some(cst(2026, 10, 13, 9, 10)));
    assert_eq!(clock.warn_at, Some(cst(2026, 10, 12, 9, 45)), "a reached threshold keeps its instant");
}

#[test]
fn raising_the_priority_shortens_the_target() {
    let schedule = shanghai_2026();
    let mut clock = SlaClock::start(SlaMetric::Resolution, 480, 75, &schedule, cst(2026, 10, 12, 9, 0));
    assert_eq!(clock.due_at, Some(cst(2026, 10, 13, 9, 30)));
    let events = clock.retarget(&schedule, 240, 75, cst(2026, 10, 12, 10, 0));
    assert_eq!(kinds(&events), [(Res, K::Retargeted)]);
    assert_eq!(clock.due_at, Some(cst(2026, 10, 12, 14, 30)));
    assert_eq!(clock.warn_at, Some(cst(2026, 10, 12, 12, 0)));
    // Lowered to 30 minutes after an hour of work: already over, the breach is due at once.
    let events = clock.retarget(&schedule, 30, 75, cst(2026, 10, 12, 10, 0));
    assert_eq!(kinds(&events), [(Res, K::Retargeted), (Res, K::Warning), (Res, K::Breached)]);
    assert_eq!(clock.due_at, Some(cst(2026, 10, 12, 9, 30)));
    // Raising it again does not un-breach.
    clock.retarget(&schedule, 2000, 75, cst(2026, 10, 12, 10, 5));
    assert_eq!(clock.state(&schedule, cst(2026, 10, 12, 10, 5)), SlaState::Breached);
    assert!(clock.retarget(&schedule, 2000, 75, cst(2026, 10, 12, 10, 6)).is_empty());
}

// ---------------------------------------------------------------- a ticket's life

#[test]
fn status_changes_drive_both_clocks() {
    let schedule = shanghai_2026();
    let p = policy(1, 0, vec![]);
    let (mut sla, _) = TicketSla::start(&p, Priority::High, &schedule, cst(2026, 10, 12, 9, 0));
    use TicketStatus::*;
    assert!(sla.on_status_change(&schedule, New, Assigned, cst(2026, 10, 12, 9, 5)).is_empty());

    // The agent replies, then waits on the customer.
    let events = sla.on_public_reply(&schedule, cst(2026, 10, 12, 9, 20));
    assert_eq!(kinds(&events), [(Fr, K::Met)]);
    assert!(sla.first_response.as_ref().unwrap().met_within_target());
    let events = sla.on_status_change(&schedule, Assigned, Pending, cst(2026, 10, 12, 9, 30));
    assert_eq!(kinds(&events), [(Res, K::Paused)]);
    assert_eq!(sla.state(&schedule, cst(2026, 10, 12, 11, 0)), Some(SlaState::Paused));
    assert_eq!(sla.due_at(), None);

    let events = sla.on_status_change(&schedule, Pending, InProgress, cst(2026, 10, 13, 9, 0));
    assert_eq!(kinds(&events), [(Res, K::Resumed)]);
    // 8 h target, 30 min used: 7.5 h from Tuesday 09:00 is the whole working day.
    assert_eq!(sla.due_at(), Some(cst(2026, 10, 13, 18, 0)));
    assert_eq!(sla.state(&schedule, cst(2026, 10, 13, 10, 0)), Some(SlaState::Ok));

    let events = sla.on_status_change(&schedule, InProgress, Resolved, cst(2026, 10, 13, 11, 0));
    assert_eq!(kinds(&events), [(Res, K::Met)]);
    assert_eq!(sla.state(&schedule, cst(2026, 10, 14, 9, 0)), Some(SlaState::Met));
    assert_eq!(sla.next_check_at(), None);

    // Reopened: the resolution clock runs again with what it had used; the first response stays met.
    let events = sla.on_status_change(&schedule, Resolved, InProgress, cst(2026, 10, 14, 9, 0));
    assert_eq!(kinds(&events), [(Res, K::Reopened)]);
    let resolution = sla.resolution.as_ref().unwrap();
    assert_eq!(resolution.consumed_seconds, (30 + 120) * 60);
    assert_eq!(resolution.due_at, Some(cst(2026, 10, 14, 16, 0)));
    assert!(sla.first_response.as_ref().unwrap().is_met());
    let events = sla.on_status_change(&schedule, InProgress, Closed, cst(2026, 10, 14, 10, 0));
    assert_eq!(kinds(&events), [(Res, K::Met)]);
}

#[test]
fn resolving_without_a_reply_meets_the_first_response_too() {
    let schedule = Schedule::always();
    let start = Utc.with_ymd_and_hms(2026, 10, 12, 1, 0, 0).unwrap();
    let (mut sla, _) = TicketSla::start(&policy(1, 0, vec![]), Priority::Urgent, &schedule, start);
    let events =
        sla.on_status_change(&schedule, TicketStatus::New, TicketStatus::Resolved, start + Duration::minutes(10));
    assert_eq!(kinds(&events), [(Fr, K::Met), (Res, K::Met)]);
}

#[test]
fn reapplying_a_policy_retargets_starts_and_cancels_clocks() {
    let schedule = Schedule::always();
    let start = Utc.with_ymd_and_hms(2026, 10, 12, 1, 0, 0).unwrap();
    let (mut sla, _) = TicketSla::start(&policy(1, 0, vec![]), Priority::Low, &schedule, start);
    assert!(sla.first_response.is_none(), "low has no first-response target");
    assert_eq!(sla.resolution.as_ref().unwrap().due_at, Some(start + Duration::minutes(2880)));

    // Raised to urgent after an hour: resolution retargeted, first response started now.
    let now = start + Duration::hours(1);
    let p = policy(1, 0, vec![]);
    let events = sla.reapply(&p, Priority::Urgent, TicketStatus::InProgress, false, &schedule, now);
    assert_eq!(kinds(&events), [(Fr, K::Started), (Res, K::Retargeted)]);
    assert_eq!(sla.first_response.as_ref().unwrap().due_at, Some(now + Duration::minutes(30)));
    assert_eq!(sla.resolution.as_ref().unwrap().due_at, Some(start + Duration::minutes(240)));

    // Another policy without any first-response target: that clock is cancelled.
    let mut other = policy(2, 0, vec![]);
    other.targets.urgent.first_response_minutes = None;
    other.calendar_id = None;
    let events = sla.reapply(&other, Priority::Urgent, TicketStatus::InProgress, false, &schedule, now);
    assert_eq!(kinds(&events), [(Fr, K::Cancelled)]);
    assert!(sla.first_response.is_none());
    assert_eq!((sla.policy_id, sla.calendar_id), (2, None));

    // Back to the first policy on a pending ticket that was answered: no first-response clock.
    let events = sla.reapply(&p, Priority::Urgent, TicketStatus::Pending, true, &schedule, now);
    assert!(events.is_empty());
    assert!(sla.first_response.is_none());
    let (mut fresh, _) = TicketSla::start(&other, Priority::Low, &schedule, start);
    let events = fresh.reapply(&p, Priority::Urgent, TicketStatus::Pending, false, &schedule, now);
    assert_eq!(kinds(&events), [(Fr, K::Started), (Fr, K::Paused), (Res, K::Retargeted)]);
}

#[test]
fn ticket_state_is_the_worst_clock() {
    use SlaState::*;
    assert_eq!(combine_states([Met, Ok]), Some(Ok));
    assert_eq!(combine_states([Paused, Met]), Some(Paused));
    assert_eq!(combine_states([Warning, Breached]), Some(Breached));
    assert_eq!(combine_states([Ok, Warning]), Some(Warning));
    assert_eq!(combine_states([Met, Met]), Some(Met));
    assert_eq!(combine_states([]), None);
}

#[test]
fn views_and_wire_names() {
    let schedule = shanghai_2026();
    let clock = SlaClock::start(SlaMetric::Resolution, 240, 75, &schedule, cst(2026, 10, 9, 17, 30));
    let view = clock.view(&schedule, cst(2026, 10, 10, 11, 40));
    assert_eq!(view.state, SlaState::Warning);
    assert_eq!(view.remaining_minutes, 50);
    assert_eq!(evaluate_clock(&clock, &schedule, cst(2026, 10, 10, 11, 40)), SlaState::Warning);
    assert_eq!(remaining_minutes(&clock, &schedule, cst(2026, 10, 10, 11, 40)), 50);
    assert_eq!(due_events(&clock, &schedule, cst(2026, 10, 10, 11, 40)).len(), 1);
    let value = serde_json::to_value(view).unwrap();
    assert_eq!(value["metric"], "resolution");
    assert_eq!(value["state"], "warning");
    assert_eq!(value["due_at"], "2026-10-10T06:00:00Z");
    let json = serde_json::to_value(&clock).unwrap();
    assert_eq!(serde_json::from_value::<SlaClock>(json).unwrap(), clock);

    for state in SlaState::ALL {
        assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
    }
    for kind in SlaEventKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
    for metric in SlaMetric::ALL {
        assert_eq!(serde_json::to_value(metric).unwrap(), metric.as_str());
    }
}

#[test]
fn editing_the_calendar_rebases_running_clocks() {
    let old = shanghai_2026();
    let created = cst(2026, 10, 9, 17, 30);
    let (mut sla, _) = TicketSla::start(&policy(1, 0, vec![]), Priority::Urgent, &old, created);
    // The admin drops the make-up Saturday on Friday at 17:45 (15 minutes used): the rest moves to Monday.
    let week = WeekHours::weekdays(&[WorkSpan::new("09:00", "12:00"), WorkSpan::new("13:30", "18:00")]);
    let new = BusinessCalendar::new("Asia/Shanghai", week).compile().unwrap();
    assert!(sla.rebase(&old, &new, cst(2026, 10, 9, 17, 45)));
    let resolution = sla.resolution.as_ref().unwrap();
    assert_eq!(resolution.consumed_seconds, 15 * 60);
    assert_eq!(resolution.due_at, Some(cst(2026, 10, 12, 14, 0)));
    assert_eq!(sla.first_response.as_ref().unwrap().due_at, Some(cst(2026, 10, 9, 18, 0)));
    // Paused clocks wait for their resume.
    let mut clock = SlaClock::start(SlaMetric::Resolution, 60, 75, &old, created);
    clock.pause(&old, cst(2026, 10, 9, 17, 40));
    assert!(!clock.rebase(&old, &new, cst(2026, 10, 9, 17, 45)));
}
