//! Smart dispatch on both backends: routing on creation with its reason in the history, fair round robin, queues,
//! accept / decline, the claim race, escalation on a controllable clock (one instance and two), skills, nearest,
//! rule validation and the test box.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use loopdesk_app::agents::{AgentPatch, LocationInput};
use loopdesk_app::directory::{GroupPatch, NewGroupInput, NewOrganizationInput};
use loopdesk_app::dispatch::{DeclineInput, RerouteInput};
use loopdesk_app::domain::dispatch::{AgentSkill, Availability, Locale};
use loopdesk_app::domain::policy::{Actor, Permission};
use loopdesk_app::domain::ticket::{EventKind, Priority, TicketStatus};
use loopdesk_app::notifications::NotificationQuery;
use loopdesk_app::reports::TransferStatsQuery;
use loopdesk_app::routing::{RoutingRuleInput, RoutingTestInput, RuleOrderInput};
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::{AssignInput, HistoryQuery, NewTicketInput, TicketListQuery, TransferInput};
use loopdesk_app::views::{EventView, TicketView};
use loopdesk_app::{App, AppError, AuthConfig};
use loopdesk_domain::ids::{GroupId, TicketId, UserId};
use loopdesk_persistence::testdb::TestDb;
use serde_json::json;

struct World {
    app: App,
    admin: Actor,
    type_id: i64,
    group: i64,
}

fn world(db: &TestDb, clock: &TestClock) -> World {
    // Sign-ins run on the real clock (tokens are checked against it); the use cases on the test clock.
    let real = app_for(db);
    let admin = admin(&real);
    let app = real.with_clock(clock.clock());
    let ticket_type: NewTicketTypeInput = serde_json::from_value(json!({"name": "设备报修", "fields": [
        {"key": "city", "label": "城市", "kind": "text"}
    ]}))
    .unwrap();
    let type_id = app.create_ticket_type(&admin, &ticket_type).unwrap().id;
    let group = group(&app, &admin, "售后二组");
    World { app, admin, type_id, group }
}

fn group(app: &App, admin: &Actor, name: &str) -> i64 {
    let input = NewGroupInput { name: name.into(), description: None, parent_id: None, supervisor_id: None };
    app.create_group(admin, &input).unwrap().id
}

/// A staff member of `groups` as the policy sees them after sign-in (no password: no hashing in tests).
fn agent(w: &World, name: &str, groups: &[i64], availability: Availability) -> Actor {
    agent_with_role(w, name, groups, availability, "agent")
}

fn agent_with_role(w: &World, name: &str, groups: &[i64], availability: Availability, role: &str) -> Actor {
    let email = format!("{}@test.local", name.replace(' ', "."));
    let actor = staff_actor(&w.app, &w.admin, &email, name, role, groups);
    let patch = AgentPatch { availability: Some(availability), ..AgentPatch::default() };
    w.app.update_agent(&w.admin, UserId(actor.user_id), &patch).unwrap();
    actor
}

fn rule(w: &World, value: serde_json::Value) -> i64 {
    let input: RoutingRuleInput = serde_json::from_value(value).unwrap();
    w.app.create_routing_rule(&w.admin, &input).unwrap().id
}

fn ticket(w: &World, subject: &str) -> TicketView {
    ticket_with(w, json!({"subject": subject}))
}

fn ticket_with(w: &World, fields: serde_json::Value) -> TicketView {
    let mut body = json!({"type_id": w.type_id});
    body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    let input: NewTicketInput = serde_json::from_value(body).unwrap();
    w.app.create_ticket(&w.admin, &input, None).unwrap().ticket
}

fn events(w: &World, id: i64, locale: Locale) -> Vec<EventView> {
    w.app.list_events(&w.admin, TicketId(id), &HistoryQuery { limit: Some(200), cursor: None }, locale).unwrap().items
}

fn of_kind(events: &[EventView], kind: EventKind) -> Vec<&EventView> {
    events.iter().filter(|e| e.kind == kind).collect()
}

fn conflict(result: Result<TicketView, AppError>) -> String {
    match result {
        Err(AppError::Conflict { detail, .. }) => detail,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

loopdesk_persistence::both_backends!(a_vip_complaint_goes_to_the_least_loaded_agent_with_its_reason, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let busy = agent(&w, "王工", &[w.group], Availability::Online);
    let free = agent(&w, "李工", &[w.group], Availability::Online);
    let _away = agent(&w, "赵工", &[w.group], Availability::Away);
    let org = w
        .app
        .create_organization(
            &w.admin,
            &NewOrganizationInput { name: "华东电力".into(), shared_ticket_view: false, tier: Some("VIP".into()) },
        )
        .unwrap();
    assert_eq!(org.tier.as_deref(), Some("VIP"));
    // 王工 already holds an urgent ticket.
    let earlier = ticket_with(&w, json!({"subject": "旧工单", "priority": "urgent", "group_id": w.group}));
    w.app
        .assign_ticket(
            &w.admin,
            TicketId(earlier.id),
            &AssignInput { assignee_id: Some(Some(busy.user_id)), group_id: None, note: None },
        )
        .unwrap();

    rule(
        &w,
        json!({
            "name": "VIP 投诉",
            "conditions": [{"kind": "organization_tier", "tiers": ["vip"]}, {"kind": "keywords", "keywords": ["投诉"]}],
            "actions": [
                {"kind": "set_group", "group_id": w.group},
                {"kind": "set_priority", "priority": "high"},
                {"kind": "add_tags", "tags": ["VIP"]},
                {"kind": "assign", "strategy": {"kind": "least_loaded"}}
            ]
        }),
    );
    let routed = ticket_with(&w, json!({"subject": "客户投诉：空调维修拖延", "organization_id": org.id}));
    assert_eq!(routed.group_id, Some(w.group));
    assert_eq!(routed.assignee_id, Some(free.user_id), "the agent without open work gets it");
    assert_eq!(routed.priority, Priority::High);
    assert_eq!(routed.tags, vec!["VIP".to_string()]);
    assert_eq!(routed.status, TicketStatus::Assigned);

    let history = events(&w, routed.id, Locale::En);
    let dispatched = of_kind(&history, EventKind::Dispatched);
    assert_eq!(dispatched.len(), 1);
    let note = dispatched[0].note.clone().unwrap();
    assert!(note.contains("VIP 投诉") && note.contains("售后二组") && note.contains("李工"), "{note}");
    assert!(dispatched[0].dispatch.is_some());
    let zh = events(&w, routed.id, Locale::ZhCn);
    let zh_note = of_kind(&zh, EventKind::Dispatched)[0].note.clone().unwrap();
    assert!(zh_note.contains("规则") && zh_note.contains("李工"), "{zh_note}");

    // A ticket no rule matches goes where its creator sends it, with the reason on record.
    let plain = ticket(&w, "打印机卡纸");
    assert_eq!((plain.assignee_id, plain.group_id), (None, None));
    let plain_events = events(&w, plain.id, Locale::En);
    assert!(of_kind(&plain_events, EventKind::Dispatched)[0].note.as_deref().unwrap().contains("no rule"));

    // The picked agent hears about it.
    let inbox = w.app.list_notifications(&free, &NotificationQuery::default()).unwrap().items;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].ticket_id, Some(routed.id));
});

loopdesk_persistence::both_backends!(round_robin_is_fair_and_survives_a_restart, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let agents: Vec<Actor> =
        (0..3).map(|i| agent(&w, &format!("agent {i}"), &[w.group], Availability::Online)).collect();
    rule(
        &w,
        json!({"name": "轮流", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "round_robin"}}
        ]}),
    );
    let mut counts = std::collections::HashMap::new();
    for i in 0..4 {
        clock.advance(Duration::seconds(1));
        let t = ticket(&w, &format!("工单 {i}"));
        *counts.entry(t.assignee_id.unwrap()).or_insert(0) += 1;
    }
    // A new instance (a restart) continues the rotation from the database.
    let restarted = App::new(db.pool.clone(), AuthConfig::with_secret(b"another-secret-another-secret-12".to_vec()))
        .with_clock(clock.clock());
    let w2 = World { app: restarted, admin: w.admin.clone(), type_id: w.type_id, group: w.group };
    for i in 4..9 {
        clock.advance(Duration::seconds(1));
        let t = ticket(&w2, &format!("工单 {i}"));
        *counts.entry(t.assignee_id.unwrap()).or_insert(0) += 1;
    }
    for a in &agents {
        assert_eq!(counts[&a.user_id], 3, "9 tickets over 3 agents: {counts:?}");
    }
});

loopdesk_persistence::both_backends!(round_robin_stays_fair_when_tickets_arrive_at_once, |db| {
    // The real clock: every decision stamps the time it ran, as in production.
    let real = app_for(&db);
    let admin = admin(&real);
    let ticket_type: NewTicketTypeInput = serde_json::from_value(json!({"name": "咨询", "fields": []})).unwrap();
    let type_id = real.create_ticket_type(&admin, &ticket_type).unwrap().id;
    let group = group(&real, &admin, "热线");
    let w = World { app: real, admin, type_id, group };
    let agents: Vec<Actor> =
        (0..3).map(|i| agent(&w, &format!("rr agent {i}"), &[w.group], Availability::Online)).collect();
    rule(
        &w,
        json!({"name": "轮流", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "round_robin"}}
        ]}),
    );
    let start = std::sync::Barrier::new(9);
    let assignees: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..9)
            .map(|i| {
                let (w, start) = (&w, &start);
                s.spawn(move || {
                    start.wait();
                    ticket(w, &format!("同时 {i}")).assignee_id.unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for a in &agents {
        let got = assignees.iter().filter(|id| **id == a.user_id).count();
        assert_eq!(got, 3, "9 tickets at once over 3 agents: {assignees:?}");
    }
});

loopdesk_persistence::both_backends!(with_nobody_eligible_the_ticket_waits_visibly_in_the_group_queue, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let offline = agent(&w, "离线", &[w.group], Availability::Offline);
    let full = agent(&w, "满载", &[w.group], Availability::Online);
    w.app
        .update_agent(&w.admin, UserId(full.user_id), &AgentPatch { capacity: Some(Some(1)), ..AgentPatch::default() })
        .unwrap();
    let held = ticket_with(&w, json!({"subject": "占位", "group_id": w.group}));
    w.app
        .assign_ticket(
            &w.admin,
            TicketId(held.id),
            &AssignInput { assignee_id: Some(Some(full.user_id)), group_id: None, note: None },
        )
        .unwrap();
    rule(
        &w,
        json!({"name": "最少负载", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "least_loaded"}}
        ]}),
    );
    let waiting = ticket(&w, "没人接");
    assert_eq!((waiting.group_id, waiting.assignee_id, waiting.status), (Some(w.group), None, TicketStatus::New));
    let history = events(&w, waiting.id, Locale::En);
    let note = of_kind(&history, EventKind::Dispatched)[0].note.clone().unwrap();
    assert!(note.contains("queue"), "{note}");

    let queues = w.app.list_queues(&w.admin).unwrap();
    let queue = queues.iter().find(|q| q.group_id == w.group).unwrap();
    assert_eq!(queue.unassigned, 1);
    let loads: Vec<(i64, u32)> = queue.agents.iter().map(|a| (a.user_id, a.open_count)).collect();
    assert!(loads.contains(&(full.user_id, 1)) && loads.contains(&(offline.user_id, 0)), "{loads:?}");

    // When someone comes online, routing again finds them.
    w.app
        .update_agent(
            &offline,
            UserId(offline.user_id),
            &AgentPatch { availability: Some(Availability::Online), ..AgentPatch::default() },
        )
        .unwrap();
    let routed = w
        .app
        .reroute_ticket(&w.admin, TicketId(waiting.id), &RerouteInput { note: Some("有人上线了".into()) })
        .unwrap();
    assert_eq!(routed.assignee_id, Some(offline.user_id));
});

loopdesk_persistence::both_backends!(accept_and_decline_belong_to_the_assignee, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let first = agent(&w, "甲", &[w.group], Availability::Online);
    let second = agent(&w, "乙", &[w.group], Availability::Online);
    rule(
        &w,
        json!({"name": "轮流", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "round_robin"}}
        ]}),
    );
    let t = ticket(&w, "电梯异响");
    assert_eq!(t.assignee_id, Some(first.user_id));

    // Only the assignee decides, and a decline needs a reason.
    assert!(matches!(
        w.app.accept_ticket(&second, TicketId(t.id)),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_)) | Err(AppError::NotFound(_))
    ));
    let blank = DeclineInput { reason: "  ".into() };
    assert!(matches!(w.app.decline_ticket(&first, TicketId(t.id), &blank), Err(AppError::Validation(_))));
    let unchanged = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap();
    assert_eq!((unchanged.assignee_id, unchanged.version), (Some(first.user_id), t.version));

    let declined =
        w.app.decline_ticket(&first, TicketId(t.id), &DeclineInput { reason: "今天不在现场".into() }).unwrap();
    assert_eq!(declined.assignee_id, Some(second.user_id), "re-dispatched without the decliner");
    // The second declines too: nobody is left, so it waits in the queue.
    let waiting = w.app.decline_ticket(&second, TicketId(t.id), &DeclineInput { reason: "不会修电梯".into() }).unwrap();
    assert_eq!((waiting.assignee_id, waiting.status), (None, TicketStatus::New));
    let history = events(&w, t.id, Locale::En);
    let declines = of_kind(&history, EventKind::Declined);
    assert_eq!(declines.iter().map(|e| e.note.clone().unwrap()).collect::<Vec<_>>(), ["今天不在现场", "不会修电梯"]);

    // A fresh ticket goes to 甲 again (a new ticket has no exclusions) and is accepted.
    clock.advance(Duration::seconds(5));
    let next = ticket(&w, "空调漏水");
    let assignee = if next.assignee_id == Some(first.user_id) { &first } else { &second };
    let accepted = w.app.accept_ticket(assignee, TicketId(next.id)).unwrap();
    assert_eq!(accepted.status, TicketStatus::InProgress);
    assert!(conflict(w.app.accept_ticket(assignee, TicketId(next.id))).contains("in_progress"));
    let after = events(&w, next.id, Locale::En);
    assert_eq!(of_kind(&after, EventKind::Accepted).len(), 1);
});

loopdesk_persistence::both_backends!(fifty_concurrent_claims_have_exactly_one_winner, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let agents: Vec<Actor> =
        (0..50).map(|i| agent(&w, &format!("claimer {i}"), &[w.group], Availability::Online)).collect();
    rule(
        &w,
        json!({"name": "抢单", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "pool"}}
        ]}),
    );
    let t = ticket(&w, "紧急抢修：3 号配电房跳闸");
    assert_eq!((t.assignee_id, t.status), (None, TicketStatus::New));
    assert!(t.in_pool && w.app.get_ticket(&agents[0], TicketId(t.id)).unwrap().in_pool);
    let pool =
        w.app.list_tickets(&agents[0], &TicketListQuery { pool: Some(true), ..Default::default() }, &[]).unwrap();
    assert_eq!(pool.items.iter().map(|t| t.id).collect::<Vec<_>>(), [t.id]);

    let (app, claimants, id) = (w.app.clone(), agents.clone(), t.id);
    let results: Vec<(i64, Result<TicketView, AppError>)> =
        race(agents.len(), move |i| (claimants[i].user_id, app.claim_ticket(&claimants[i], TicketId(id))));
    let winners: Vec<i64> = results.iter().filter(|(_, r)| r.is_ok()).map(|(id, _)| *id).collect();
    assert_eq!(winners.len(), 1, "exactly one claim wins");
    let losers: Vec<&Result<TicketView, AppError>> =
        results.iter().filter(|(_, r)| r.is_err()).map(|(_, r)| r).collect();
    assert_eq!(losers.len(), 49);
    for loser in losers {
        match loser {
            Err(AppError::Conflict { detail, .. }) => assert!(detail.contains("already claimed"), "{detail}"),
            other => panic!("a lost claim is a clear 409, got {other:?}"),
        }
    }
    let claimed = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap();
    assert_eq!((claimed.assignee_id, claimed.status), (Some(winners[0]), TicketStatus::InProgress));
    assert!(!claimed.in_pool);
    assert_eq!(of_kind(&events(&w, t.id, Locale::En), EventKind::Claimed).len(), 1);
    let pool =
        w.app.list_tickets(&agents[0], &TicketListQuery { pool: Some(true), ..Default::default() }, &[]).unwrap();
    assert!(pool.items.is_empty(), "a claimed ticket leaves the pool");
});

loopdesk_persistence::both_backends!(claims_are_refused_with_a_reason_the_agent_can_act_on, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let other_group = group(&w.app, &w.admin, "技术部");
    let skilled = agent(&w, "电工", &[w.group], Availability::Online);
    w.app
        .update_agent(
            &w.admin,
            UserId(skilled.user_id),
            &AgentPatch { skills: Some(vec![AgentSkill::new("高压电工", Some(3))]), ..AgentPatch::default() },
        )
        .unwrap();
    let unskilled = agent(&w, "学徒", &[w.group], Availability::Online);
    let outsider = agent(&w, "外组", &[other_group], Availability::Online);
    let offline = agent(&w, "下班", &[w.group], Availability::Offline);
    w.app
        .update_agent(
            &w.admin,
            UserId(offline.user_id),
            &AgentPatch { skills: Some(vec![AgentSkill::new("高压电工", Some(5))]), ..AgentPatch::default() },
        )
        .unwrap();
    rule(
        &w,
        json!({"name": "高压抢单", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "require_skills", "skills": [{"name": "高压电工", "min_level": 2}]},
            {"kind": "assign", "strategy": {"kind": "pool"}}
        ]}),
    );
    let t = ticket(&w, "高压柜告警");
    assert!(conflict(w.app.claim_ticket(&unskilled, TicketId(t.id))).contains("高压电工"));
    assert!(conflict(w.app.claim_ticket(&offline, TicketId(t.id))).contains("offline"));
    assert!(matches!(
        w.app.claim_ticket(&outsider, TicketId(t.id)),
        Err(AppError::NotFound(_)) | Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert_eq!(w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().version, t.version, "refusals change nothing");
    assert_eq!(w.app.claim_ticket(&skilled, TicketId(t.id)).unwrap().assignee_id, Some(skilled.user_id));
});

loopdesk_persistence::both_backends!(an_unaccepted_assignment_escalates_once_when_its_time_is_up, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let lead = agent_with_role(&w, "主管", &[], Availability::Offline, "supervisor");
    w.app
        .update_group(
            &w.admin,
            GroupId(w.group),
            &GroupPatch { supervisor_id: Some(Some(lead.user_id)), ..GroupPatch::default() },
        )
        .unwrap();
    let slow = agent(&w, "慢", &[w.group], Availability::Online);
    let quick = agent(&w, "快", &[w.group], Availability::Online);
    rule(
        &w,
        json!({"name": "特急 15 分钟内接单", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "round_robin"}, "accept_within_minutes": 15}
        ]}),
    );
    let t = ticket(&w, "机房断电");
    assert_eq!(t.assignee_id, Some(slow.user_id));
    assert_eq!(t.accept_by, Some(t.created_at + Duration::minutes(15)));
    assert_eq!(w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().accept_by, t.accept_by);

    clock.advance(Duration::minutes(14));
    assert_eq!(w.app.escalate_overdue_acceptances().unwrap(), 0, "not yet");
    clock.advance(Duration::minutes(2));
    assert_eq!(w.app.escalate_overdue_acceptances().unwrap(), 1);
    assert_eq!(w.app.escalate_overdue_acceptances().unwrap(), 0, "each escalation happens once");
    let moved = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap();
    assert_eq!((moved.assignee_id, moved.status), (Some(quick.user_id), TicketStatus::Assigned));
    let history = events(&w, t.id, Locale::En);
    assert_eq!(of_kind(&history, EventKind::Escalated).len(), 1);
    assert!(of_kind(&history, EventKind::Escalated)[0].actor_id.is_none(), "Loopdesk did it, not a person");
    let reasons: Vec<String> =
        of_kind(&history, EventKind::Dispatched).iter().map(|e| e.note.clone().unwrap()).collect();
    assert!(reasons[1].contains("慢"), "the second decision names who let it escalate: {reasons:?}");
    let told = w.app.list_notifications(&lead, &NotificationQuery::default()).unwrap().items;
    assert_eq!(told.iter().filter(|n| n.kind == "ticket_escalated").count(), 1);

    // The new assignee accepts in time: nothing more happens.
    assert!(w.app.accept_ticket(&quick, TicketId(t.id)).unwrap().accept_by.is_none());
    clock.advance(Duration::hours(1));
    assert_eq!(w.app.escalate_overdue_acceptances().unwrap(), 0);

    // A manual hand-over ends the deadline too.
    let other = ticket(&w, "网络中断");
    w.app
        .assign_ticket(
            &w.admin,
            TicketId(other.id),
            &AssignInput { assignee_id: Some(Some(quick.user_id)), group_id: None, note: Some("我来".into()) },
        )
        .unwrap();
    clock.advance(Duration::hours(1));
    assert_eq!(w.app.escalate_overdue_acceptances().unwrap(), 0);
});

loopdesk_persistence::both_backends!(two_instances_escalate_each_ticket_exactly_once, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let lead = agent_with_role(&w, "主管", &[], Availability::Offline, "supervisor");
    w.app
        .update_group(
            &w.admin,
            GroupId(w.group),
            &GroupPatch { supervisor_id: Some(Some(lead.user_id)), ..GroupPatch::default() },
        )
        .unwrap();
    for i in 0..3 {
        agent(&w, &format!("值班 {i}"), &[w.group], Availability::Online);
    }
    rule(
        &w,
        json!({"name": "5 分钟接单", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "least_loaded"}, "accept_within_minutes": 5}
        ]}),
    );
    let tickets: Vec<i64> = (0..6).map(|i| ticket(&w, &format!("告警 {i}")).id).collect();
    clock.advance(Duration::minutes(6));

    // A second instance: its own pool on the same database.
    let apps = [w.app.clone(), second_instance(&db, clock.clock())];
    let total: usize = race(2, move |i| {
        let app = &apps[i];
        app.escalate_overdue_acceptances().unwrap()
    })
    .into_iter()
    .sum();
    assert_eq!(total, tickets.len(), "every overdue ticket escalated, by one instance or the other");
    for id in &tickets {
        assert_eq!(of_kind(&events(&w, *id, Locale::En), EventKind::Escalated).len(), 1, "ticket {id}");
    }
    let told = w.app.list_notifications(&lead, &NotificationQuery { limit: Some(100), ..Default::default() }).unwrap();
    assert_eq!(told.items.iter().filter(|n| n.kind == "ticket_escalated").count(), tickets.len());
});

loopdesk_persistence::both_backends!(skills_and_nearest_pick_only_qualified_agents, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let idle = agent(&w, "闲", &[w.group], Availability::Online);
    let aircon = agent(&w, "空调师傅", &[w.group], Availability::Online);
    w.app
        .update_agent(
            &w.admin,
            UserId(aircon.user_id),
            &AgentPatch { skills: Some(vec![AgentSkill::new("空调", None)]), ..AgentPatch::default() },
        )
        .unwrap();
    let typed: NewTicketTypeInput =
        serde_json::from_value(json!({"name": "空调报修", "required_skills": [{"name": "空调"}]})).unwrap();
    let aircon_type = w.app.create_ticket_type(&w.admin, &typed).unwrap();
    assert_eq!(aircon_type.required_skills.len(), 1);
    rule(
        &w,
        json!({"name": "技能派单", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "skills", "then": "least_loaded"}}
        ]}),
    );
    let input: NewTicketInput =
        serde_json::from_value(json!({"type_id": aircon_type.id, "subject": "不制冷"})).unwrap();
    let t = w.app.create_ticket(&w.admin, &input, None).unwrap().ticket;
    assert_eq!(t.assignee_id, Some(aircon.user_id), "only the agent with the type's skill qualifies");
    let untyped = ticket(&w, "别的事");
    assert_eq!(untyped.assignee_id, Some(idle.user_id), "without required skills, the least loaded");

    // Nearest: positions from the phones; whoever holds urgent work is passed over.
    let near = agent(&w, "近", &[], Availability::Online);
    let far = agent(&w, "远", &[], Availability::Online);
    let field_group = group(&w.app, &w.admin, "外勤");
    for (a, lat, lon) in [(&near, 31.2050, 121.5900), (&far, 31.3000, 121.4000)] {
        w.app.add_group_member(&w.admin, GroupId(field_group), UserId(a.user_id)).unwrap();
        w.app.set_my_location(a, &LocationInput { lat, lon }).unwrap();
    }
    assert!(matches!(
        w.app.set_my_location(&near, &LocationInput { lat: 95.0, lon: 0.0 }),
        Err(AppError::Validation(_))
    ));
    rule(
        &w,
        json!({"name": "就近", "position": 1, "conditions": [{"kind": "keywords", "keywords": ["上门"]}], "actions": [
            {"kind": "set_group", "group_id": field_group},
            {"kind": "assign", "strategy": {"kind": "nearest"}}
        ]}),
    );
    let here = json!({"label": "张江路 88 号", "lat": 31.2034, "lon": 121.5914});
    let first = ticket_with(&w, json!({"subject": "上门维修", "location": here}));
    assert_eq!(first.assignee_id, Some(near.user_id));
    assert_eq!(first.location.as_ref().unwrap().label.as_deref(), Some("张江路 88 号"));
    let urgent = ticket_with(&w, json!({"subject": "别的急事", "priority": "urgent", "group_id": field_group}));
    w.app
        .assign_ticket(
            &w.admin,
            TicketId(urgent.id),
            &AssignInput { assignee_id: Some(Some(near.user_id)), group_id: None, note: None },
        )
        .unwrap();
    let second = ticket_with(&w, json!({"subject": "上门安装", "location": here}));
    assert_eq!(second.assignee_id, Some(far.user_id), "the nearest holds urgent work");
    let bad: NewTicketInput =
        serde_json::from_value(json!({"type_id": w.type_id, "subject": "x", "location": {"lat": 31.0}})).unwrap();
    match w.app.create_ticket(&w.admin, &bad, None) {
        Err(AppError::Validation(errors)) => assert!(errors.0.contains_key("location")),
        other => panic!("a half position is a 422, got {other:?}"),
    }
});

loopdesk_persistence::both_backends!(rules_are_validated_ordered_and_testable_without_side_effects, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let only = agent(&w, "唯一", &[w.group], Availability::Online);
    let missing_group: RoutingRuleInput = serde_json::from_value(json!({"name": "坏规则", "actions": [
        {"kind": "set_group", "group_id": 9999},
        {"kind": "assign", "strategy": {"kind": "named_agent", "user_id": 424242}}
    ], "conditions": [{"kind": "custom_field", "field": "no_such_field", "operator": "equals", "value": "x"}]}))
    .unwrap();
    match w.app.create_routing_rule(&w.admin, &missing_group) {
        Err(AppError::Validation(errors)) => {
            let keys: Vec<&String> = errors.0.keys().collect();
            assert!(keys.contains(&&"actions[0].group_id".to_string()), "{keys:?}");
            assert!(keys.contains(&&"actions[1].strategy.user_id".to_string()), "{keys:?}");
            assert!(keys.contains(&&"conditions[0].field".to_string()), "{keys:?}");
        }
        other => panic!("expected 422, got {other:?}"),
    }
    assert!(w.app.list_routing_rules(&w.admin).unwrap().is_empty(), "nothing saved");
    let as_agent: RoutingRuleInput =
        serde_json::from_value(json!({"name": "x", "actions": [{"kind": "add_tags", "tags": ["a"]}]})).unwrap();
    assert!(matches!(
        w.app.create_routing_rule(&only, &as_agent),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert!(!only.has(Permission::RoutingManage));

    let a = rule(
        &w,
        json!({"name": "上海", "conditions": [{"kind": "custom_field", "field": "city", "operator": "equals", "value": "上海"}],
        "actions": [{"kind": "set_group", "group_id": w.group}, {"kind": "assign", "strategy": {"kind": "round_robin"}}]}),
    );
    let b = rule(&w, json!({"name": "全部", "actions": [{"kind": "add_tags", "tags": ["未分类"]}]}));
    let order = w.app.reorder_routing_rules(&w.admin, &RuleOrderInput { rule_ids: vec![b, a] }).unwrap();
    assert_eq!(order.iter().map(|r| r.id).collect::<Vec<_>>(), [b, a]);
    assert!(matches!(
        w.app.reorder_routing_rules(&w.admin, &RuleOrderInput { rule_ids: vec![a] }),
        Err(AppError::Validation(_))
    ));
    w.app.reorder_routing_rules(&w.admin, &RuleOrderInput { rule_ids: vec![a, b] }).unwrap();

    let sample: RoutingTestInput = serde_json::from_value(json!({"ticket": {
        "type_id": w.type_id, "priority": "normal", "channel": "web", "requester_id": w.admin.user_id,
        "custom_fields": {"city": "上海"}, "subject": "测试", "created_at": "2026-12-01T09:00:00Z"
    }}))
    .unwrap();
    let result = w.app.test_routing(&w.admin, &sample, Locale::En).unwrap();
    assert_eq!(result.outcome.matched.iter().map(|m| m.id).collect::<Vec<_>>(), [a]);
    assert_eq!((result.group_id, result.assignee_id), (Some(w.group), Some(only.user_id)));
    assert_eq!(result.assignee_name.as_deref(), Some("唯一"));
    assert!(result.reason.contains("上海"), "{}", result.reason);
    assert_eq!(result.trace.len(), 2);
    // The test moved no round-robin mark and created nothing.
    assert!(w.app.list_tickets(&w.admin, &TicketListQuery::default(), &[]).unwrap().items.is_empty());
    assert!(w.app.list_notifications(&only, &NotificationQuery::default()).unwrap().items.is_empty());

    // Deleting a rule leaves routed tickets' history alone.
    let routed = ticket_with(&w, json!({"subject": "上海的单", "custom_fields": {"city": "上海"}}));
    w.app.delete_routing_rule(&w.admin, a).unwrap();
    assert!(events(&w, routed.id, Locale::En).iter().any(|e| e.kind == EventKind::Dispatched));
    assert!(matches!(w.app.delete_routing_rule(&w.admin, a), Err(AppError::NotFound(_))));
});

loopdesk_persistence::both_backends!(transfers_are_counted_per_pair_of_groups, |db| {
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let product = group(&w.app, &w.admin, "产品部");
    for i in 0..2 {
        let t = ticket_with(&w, json!({"subject": format!("设计问题 {i}"), "group_id": w.group}));
        let input =
            TransferInput { assignee_id: None, group_id: Some(product), reason: "需确认产品设计问题".into() };
        w.app.transfer_ticket(&w.admin, TicketId(t.id), &input).unwrap();
    }
    let stats = w.app.transfer_stats(&w.admin, &TransferStatsQuery::default()).unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!((stats[0].from_group_id, stats[0].to_group_id, stats[0].count), (Some(w.group), Some(product), 2));
    assert_eq!(stats[0].to_group_name.as_deref(), Some("产品部"));
    let later = TransferStatsQuery { from: Some(clock.now() + Duration::hours(1)), to: None };
    assert!(w.app.transfer_stats(&w.admin, &later).unwrap().is_empty());
});

loopdesk_persistence::both_backends!(stored_workload_matches_a_recount_after_every_kind_of_change, |db| {
    use loopdesk_app::agents::AgentListQuery;
    use loopdesk_app::tickets::{TicketPatch, TransitionInput};
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock);
    let a = agent(&w, "甲", &[w.group], Availability::Online);
    let b = agent(&w, "乙", &[w.group], Availability::Online);
    rule(
        &w,
        json!({"name": "最少负载", "actions": [
            {"kind": "set_group", "group_id": w.group},
            {"kind": "assign", "strategy": {"kind": "least_loaded"}}
        ]}),
    );
    let loads = |w: &World| -> Vec<(i64, u32, u32, bool)> {
        let query = AgentListQuery { group_id: Some(w.group) };
        let agents = w.app.list_agents(&w.admin, &query).unwrap();
        agents.iter().map(|v| (v.user_id, v.open_count, v.open_load, v.holds_urgent)).collect()
    };
    let mut ids = vec![];
    for (i, priority) in ["low", "normal", "high", "urgent", "normal", "high"].iter().enumerate() {
        ids.push(ticket_with(&w, json!({"subject": format!("单 {i}"), "priority": priority})).id);
    }
    // Every kind of change: accept, priority edits, resolve, reopen, hand-over, decline, close.
    let assignee_of = |id: i64| {
        if w.app.get_ticket(&w.admin, TicketId(id)).unwrap().assignee_id == Some(a.user_id) { &a } else { &b }
    };
    w.app.accept_ticket(assignee_of(ids[0]), TicketId(ids[0])).unwrap();
    w.app
        .update_ticket(
            &w.admin,
            TicketId(ids[1]),
            &TicketPatch { priority: Some(Priority::Urgent), ..Default::default() },
            None,
        )
        .unwrap();
    w.app
        .transition_ticket(&w.admin, TicketId(ids[2]), &TransitionInput { status: TicketStatus::Resolved, note: None })
        .unwrap();
    w.app
        .transition_ticket(
            &w.admin,
            TicketId(ids[2]),
            &TransitionInput { status: TicketStatus::InProgress, note: Some("没修好".into()) },
        )
        .unwrap();
    w.app
        .transition_ticket(&w.admin, TicketId(ids[3]), &TransitionInput { status: TicketStatus::Resolved, note: None })
        .unwrap();
    w.app
        .transition_ticket(&w.admin, TicketId(ids[3]), &TransitionInput { status: TicketStatus::Closed, note: None })
        .unwrap();
    let other = if w.app.get_ticket(&w.admin, TicketId(ids[4])).unwrap().assignee_id == Some(a.user_id) {
        b.user_id
    } else {
        a.user_id
    };
    w.app
        .assign_ticket(
            &w.admin,
            TicketId(ids[4]),
            &AssignInput { assignee_id: Some(Some(other)), group_id: None, note: None },
        )
        .unwrap();
    w.app.decline_ticket(assignee_of(ids[5]), TicketId(ids[5]), &DeclineInput { reason: "不在".into() }).unwrap();
    let incremental = loads(&w);
    // What the tickets say, counted from scratch.
    let mut expected = std::collections::HashMap::<i64, (u32, u32, bool)>::new();
    for id in &ids {
        let t = w.app.get_ticket(&w.admin, TicketId(*id)).unwrap();
        if let (Some(user), true) = (t.assignee_id, !matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed))
        {
            let e = expected.entry(user).or_default();
            e.0 += 1;
            e.1 += loopdesk_app::domain::dispatch::priority_weight(t.priority);
            e.2 |= t.priority == Priority::Urgent;
        }
    }
    for (user, count, load, urgent) in &incremental {
        assert_eq!(expected.get(user).copied().unwrap_or_default(), (*count, *load, *urgent), "agent {user}");
    }
    w.app.recount_workloads().unwrap();
    assert_eq!(loads(&w), incremental, "a recount finds what the counters say");
});
