//! SLA on both backends, with a controllable clock: a Shanghai business calendar with the 2026 National Day
//! holiday and its make-up Saturday, an urgent ticket created on Friday evening, the clock paused while pending,
//! the warning and the breach recorded and notified exactly once (one instance and two), breach actions, the
//! overdue view, and nothing of it shown to the customer.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use loopdesk_app::agents::AgentPatch;
use loopdesk_app::directory::{GroupPatch, NewGroupInput, NewUserInput};
use loopdesk_app::domain::dispatch::{Availability, Locale};
use loopdesk_app::domain::policy::{Actor, UserKind};
use loopdesk_app::domain::sla::SlaState;
use loopdesk_app::domain::ticket::{EventKind, Priority, TicketStatus};
use loopdesk_app::notifications::NotificationQuery;
use loopdesk_app::sla::{CalendarInput, HolidayImportInput, SlaPolicyInput};
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::{
    AssignInput, HistoryQuery, NewCommentInput, NewTicketInput, TicketListQuery, TicketPatch, TransitionInput,
};
use loopdesk_app::views::{EventView, TicketView};
use loopdesk_app::{App, AppError};
use loopdesk_domain::ids::{GroupId, TicketId, UserId};
use loopdesk_persistence::testdb::TestDb;
use serde_json::json;

fn shanghai(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap() - Duration::hours(8)
}

struct World {
    app: App,
    admin: Actor,
    agent: Actor,
    supervisor: Actor,
    customer: Actor,
    type_id: i64,
    group: i64,
}

fn staff(app: &App, admin: &Actor, email: &str, role: &str, groups: Vec<i64>) -> Actor {
    staff_actor(app, admin, email, email.split('@').next().unwrap(), role, &groups)
}

/// Friday 2026-10-09 17:30 in Shanghai (09:30 UTC).
fn friday_evening() -> TestClock {
    TestClock::at(shanghai(2026, 10, 9, 17, 30))
}

/// The calendar of the issue: Mon–Fri 09:00–12:00 and 13:30–18:00 in Shanghai, with the 2026 holidays imported
/// from CSV; an SLA policy for urgent tickets: respond in 30 min, resolve in 4 h of business time.
fn world(db: &TestDb, clock: &TestClock) -> World {
    // Sign-ins run on the real clock (tokens are checked against it); the use cases on the test clock.
    let real = app_for(db);
    let admin = admin(&real);
    let app = real.clone().with_clock(clock.clock());
    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "运维组".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap()
        .id;
    let agent = staff(&app, &admin, "li@test.local", "agent", vec![group]);
    let supervisor = staff(&app, &admin, "lead@test.local", "supervisor", vec![]);
    app.update_group(
        &admin,
        GroupId(group),
        &GroupPatch { supervisor_id: Some(Some(supervisor.user_id)), ..GroupPatch::default() },
    )
    .unwrap();
    let customer_user = app
        .create_user(
            &admin,
            &NewUserInput {
                email: "wang@customer.test".into(),
                name: "王女士".into(),
                password: Some("customer-password".into()),
                kind: UserKind::Customer,
                role: "customer".into(),
                group_ids: vec![],
                organization_id: None,
            },
        )
        .unwrap();
    let customer = actor_by_login(&real, &customer_user.email, "customer-password");
    let ticket_type: NewTicketTypeInput = serde_json::from_value(json!({"name": "机房故障", "fields": []})).unwrap();
    let type_id = app.create_ticket_type(&admin, &ticket_type).unwrap().id;

    let calendar: CalendarInput = serde_json::from_value(json!({
        "name": "上海工作日",
        "time_zone": "Asia/Shanghai",
        "week": {
            "mon": [{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}],
            "tue": [{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}],
            "wed": [{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}],
            "thu": [{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}],
            "fri": [{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}]
        }
    }))
    .unwrap();
    let calendar = app.create_calendar(&admin, &calendar).unwrap();
    let csv = "date,kind,name,works_like\n\
               2026-09-20,workday,国庆调休,mon\n\
               2026-09-25,holiday,中秋节\n\
               2026-10-01,holiday,国庆节\n2026-10-02,holiday,国庆节\n2026-10-03,holiday,国庆节\n\
               2026-10-04,holiday,国庆节\n2026-10-05,holiday,国庆节\n2026-10-06,holiday,国庆节\n2026-10-07,holiday,国庆节\n\
               2026-10-10,workday,国庆调休,mon\n";
    let imported = app
        .import_holidays(&admin, calendar.id, &HolidayImportInput { text: csv.into(), replace_years: true })
        .unwrap();
    assert_eq!(imported.calendar.holidays.len(), 8);
    assert_eq!(imported.calendar.extra_working_days.len(), 2);

    let policy: SlaPolicyInput = serde_json::from_value(json!({
        "name": "特急",
        "conditions": [{"kind": "priority", "priorities": ["urgent"]}],
        "targets": {"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}},
        "calendar_id": calendar.id,
        "breach_actions": {"add_tags": ["超时"]}
    }))
    .unwrap();
    app.create_sla_policy(&admin, &policy).unwrap();
    World { app, admin, agent, supervisor, customer, type_id, group }
}

fn urgent_ticket(w: &World) -> TicketView {
    let input: NewTicketInput = serde_json::from_value(json!({
        "type_id": w.type_id, "subject": "机房空调停机", "priority": "urgent",
        "requester_id": w.customer.user_id, "group_id": w.group, "assignee_id": w.agent.user_id
    }))
    .unwrap();
    w.app.create_ticket(&w.admin, &input, None).unwrap().ticket
}

fn events(w: &World, id: i64) -> Vec<EventView> {
    w.app
        .list_events(&w.admin, TicketId(id), &HistoryQuery { limit: Some(200), cursor: None }, Locale::En)
        .unwrap()
        .items
}

fn sla_notes(w: &World, id: i64) -> Vec<String> {
    events(w, id).into_iter().filter(|e| e.kind == EventKind::Sla).map(|e| e.note.unwrap_or_default()).collect()
}

fn count(notes: &[String], text: &str) -> usize {
    notes.iter().filter(|n| n.contains(text)).count()
}

loopdesk_persistence::both_backends!(
    friday_evening_urgent_ticket_runs_on_the_make_up_saturday_and_pauses_while_pending,
    |db| {
        let clock = friday_evening();
        let w = world(&db, &clock);
        let t = urgent_ticket(&w);
        let sla = t.sla.clone().expect("the urgent policy covers it");
        // First response: Friday 17:30 + 30 min = 18:00. Resolution: 30 min on Friday, then the make-up Saturday
        // 10-10 works like a Monday: 09:00–12:00 (180), 13:30 + 30 → Saturday 14:00. Not the Monday after.
        assert_eq!(sla.first_response.unwrap().due_at, Some(shanghai(2026, 10, 9, 18, 0)));
        assert_eq!(sla.resolution.as_ref().unwrap().due_at, Some(shanghai(2026, 10, 10, 14, 0)));
        assert_eq!(sla.due_at, Some(shanghai(2026, 10, 9, 18, 0)));
        assert_eq!(sla.state, SlaState::Ok);
        assert_eq!(count(&sla_notes(&w, t.id), "started"), 2);

        // The agent answers in time: the first response is met.
        clock.set(shanghai(2026, 10, 9, 17, 50));
        w.app
            .add_comment(
                &w.agent,
                TicketId(t.id),
                &NewCommentInput { body: "已派人到场".into(), internal: false, attachment_ids: vec![] },
            )
            .unwrap();
        let after_reply = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().sla.unwrap();
        assert_eq!(after_reply.first_response.unwrap().state, SlaState::Met);
        assert_eq!(
            after_reply.due_at,
            Some(shanghai(2026, 10, 10, 14, 0)),
            "the list sorts by the resolution due time now"
        );

        // Saturday 10:00: waiting on the customer; the clock stops.
        clock.set(shanghai(2026, 10, 10, 10, 0));
        w.app
            .transition_ticket(
                &w.agent,
                TicketId(t.id),
                &TransitionInput { status: TicketStatus::InProgress, note: None },
            )
            .unwrap();
        w.app
            .transition_ticket(&w.agent, TicketId(t.id), &TransitionInput { status: TicketStatus::Pending, note: None })
            .unwrap();
        let paused = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().sla.unwrap();
        assert_eq!(paused.state, SlaState::Paused);
        // Two hours later the customer answers: 90 business minutes were used, 150 remain from 12:00 (lunch until
        // 13:30) → due 16:00, two hours later than before.
        clock.set(shanghai(2026, 10, 10, 12, 0));
        w.app
            .add_comment(
                &w.customer,
                TicketId(t.id),
                &NewCommentInput { body: "已经重启过了".into(), internal: false, attachment_ids: vec![] },
            )
            .unwrap();
        let resumed = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap();
        assert_eq!(resumed.status, TicketStatus::InProgress);
        let resolution = resumed.sla.unwrap().resolution.unwrap();
        assert_eq!(resolution.due_at, Some(shanghai(2026, 10, 10, 16, 0)));
        // Nothing warned yet: 75 % is 180 minutes, 90 more after 12:00, so 15:00 (lunch does not count).
        clock.set(shanghai(2026, 10, 10, 14, 55));
        assert_eq!(w.app.record_due_sla_events().unwrap(), 0);

        clock.set(shanghai(2026, 10, 10, 15, 5));
        assert_eq!(w.app.record_due_sla_events().unwrap(), 1, "the warning");
        assert_eq!(w.app.record_due_sla_events().unwrap(), 0, "once");
        clock.set(shanghai(2026, 10, 10, 16, 5));
        assert_eq!(w.app.record_due_sla_events().unwrap(), 1, "the breach");
        assert_eq!(w.app.record_due_sla_events().unwrap(), 0, "once");
        let notes = sla_notes(&w, t.id);
        assert_eq!(count(&notes, "resolution SLA about to be breached"), 1, "{notes:?}");
        assert_eq!(count(&notes, "resolution SLA breached"), 1, "{notes:?}");
        assert_eq!(count(&notes, "paused"), 1);
        let breached = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap();
        assert_eq!(breached.sla.as_ref().unwrap().state, SlaState::Breached);
        assert!(breached.sla.unwrap().resolution.unwrap().remaining_minutes < 0);
        assert_eq!(breached.tags, ["超时"], "the breach action tagged it");

        // The assignee heard of both; the supervisor of the breach only.
        let agent_inbox = w.app.list_notifications(&w.agent, &NotificationQuery::default()).unwrap().items;
        assert_eq!(agent_inbox.iter().filter(|n| n.kind == "sla_warning").count(), 1);
        assert_eq!(agent_inbox.iter().filter(|n| n.kind == "sla_breached").count(), 1);
        let lead_inbox = w.app.list_notifications(&w.supervisor, &NotificationQuery::default()).unwrap().items;
        assert_eq!(lead_inbox.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>(), ["sla_breached"]);

        // Overdue view and due-time order.
        let overdue =
            w.app.list_tickets(&w.admin, &TicketListQuery { overdue: Some(true), ..Default::default() }, &[]).unwrap();
        assert_eq!(overdue.items.iter().map(|t| t.id).collect::<Vec<_>>(), [t.id]);
        let by_due = w
            .app
            .list_tickets(&w.admin, &TicketListQuery { sort: Some("due_at".into()), ..Default::default() }, &[])
            .unwrap();
        assert_eq!(by_due.items.len(), 1);

        // The customer sees no SLA, in the ticket or its history.
        let theirs = w.app.get_ticket(&w.customer, TicketId(t.id)).unwrap();
        assert!(theirs.sla.is_none());
        let their_events =
            w.app.list_events(&w.customer, TicketId(t.id), &HistoryQuery::default(), Locale::ZhCn).unwrap().items;
        assert!(their_events.iter().all(|e| e.kind != EventKind::Sla && e.sla.is_none()));

        // Resolving meets the clock; a met clock leaves the overdue view.
        w.app
            .transition_ticket(
                &w.agent,
                TicketId(t.id),
                &TransitionInput { status: TicketStatus::Resolved, note: None },
            )
            .unwrap();
        let done = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().sla.unwrap();
        assert_eq!(done.state, SlaState::Met);
        let overdue =
            w.app.list_tickets(&w.admin, &TicketListQuery { overdue: Some(true), ..Default::default() }, &[]).unwrap();
        assert!(overdue.items.is_empty());
    }
);

loopdesk_persistence::both_backends!(a_priority_change_retargets_and_a_breach_can_raise_priority, |db| {
    let clock = friday_evening();
    let w = world(&db, &clock);
    // A policy for high tickets, on 24×7, that raises the priority when it breaches.
    let policy: SlaPolicyInput = serde_json::from_value(json!({
        "name": "高优先级 24×7", "conditions": [{"kind": "priority", "priorities": ["high"]}],
        "targets": {"high": {"resolution_minutes": 60}}, "breach_actions": {"raise_priority": true}
    }))
    .unwrap();
    w.app.create_sla_policy(&w.admin, &policy).unwrap();
    let input: NewTicketInput =
        serde_json::from_value(json!({"type_id": w.type_id, "subject": "备份失败", "priority": "normal"})).unwrap();
    let t = w.app.create_ticket(&w.admin, &input, None).unwrap().ticket;
    assert!(t.sla.is_none(), "no policy covers normal tickets");
    let high = w.app.update_ticket(
        &w.admin,
        TicketId(t.id),
        &TicketPatch { priority: Some(Priority::High), ..Default::default() },
        None,
    );
    // Tickets created without a policy get none later: clocks start at creation only.
    assert!(high.unwrap().sla.is_none());

    let input: NewTicketInput =
        serde_json::from_value(json!({"type_id": w.type_id, "subject": "数据库告警", "priority": "high"})).unwrap();
    let t = w.app.create_ticket(&w.admin, &input, None).unwrap().ticket;
    assert_eq!(t.sla.as_ref().unwrap().resolution.as_ref().unwrap().due_at, Some(shanghai(2026, 10, 9, 18, 30)));
    clock.set(shanghai(2026, 10, 9, 18, 31));
    assert_eq!(w.app.record_due_sla_events().unwrap(), 2, "warning and breach, both due");
    let raised = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap();
    assert_eq!(raised.priority, Priority::Urgent);
    // Urgent now: the urgent policy (on the calendar) takes over the clock.
    let notes = sla_notes(&w, t.id);
    assert_eq!(count(&notes, "resolution SLA breached"), 1, "{notes:?}");
    assert_eq!(count(&notes, "resolution SLA target changed (target 240 min)"), 1, "{notes:?}");
    assert_eq!(count(&notes, "first response SLA started (target 30 min)"), 1, "{notes:?}");
    assert_eq!(w.app.record_due_sla_events().unwrap(), 0, "nothing twice");
});

loopdesk_persistence::both_backends!(two_instances_notify_each_breach_exactly_once, |db| {
    let clock = friday_evening();
    let w = world(&db, &clock);
    let tickets: Vec<i64> = (0..5).map(|_| urgent_ticket(&w).id).collect();
    clock.set(shanghai(2026, 10, 12, 9, 0)); // Monday: everything is long overdue
    let apps = [w.app.clone(), second_instance(&db, clock.clock())];
    let total: usize = race(2, move |i| {
        let app = &apps[i];
        app.record_due_sla_events().unwrap()
    })
    .into_iter()
    .sum();
    // Per ticket: first response warning and breach, resolution warning and breach.
    assert_eq!(total, tickets.len() * 4);
    for id in &tickets {
        let notes = sla_notes(&w, *id);
        assert_eq!(count(&notes, "first response SLA breached"), 1, "{notes:?}");
        assert_eq!(count(&notes, "resolution SLA breached"), 1, "{notes:?}");
    }
    let lead =
        w.app.list_notifications(&w.supervisor, &NotificationQuery { limit: Some(100), ..Default::default() }).unwrap();
    assert_eq!(lead.items.iter().filter(|n| n.kind == "sla_breached").count(), tickets.len() * 2);
});

loopdesk_persistence::both_backends!(calendars_and_policies_are_validated_and_guarded, |db| {
    let clock = friday_evening();
    let w = world(&db, &clock);
    let bad: CalendarInput = serde_json::from_value(json!({
        "name": "坏日历", "time_zone": "Mars/Olympus", "week": {"mon": [{"from": "18:00", "to": "09:00"}]}
    }))
    .unwrap();
    match w.app.create_calendar(&w.admin, &bad) {
        Err(AppError::Validation(errors)) => {
            assert!(errors.0.contains_key("time_zone"), "{errors:?}");
            assert!(errors.0.keys().any(|k| k.starts_with("week.mon")), "{errors:?}");
        }
        other => panic!("expected 422, got {other:?}"),
    }
    let calendars = w.app.list_calendars(&w.admin).unwrap();
    assert_eq!(calendars.len(), 1, "nothing saved");
    let broken = HolidayImportInput { text: "date,kind,name\n2026-13-01,holiday,x\n".into(), replace_years: true };
    match w.app.import_holidays(&w.admin, calendars[0].id, &broken) {
        Err(AppError::Validation(errors)) => assert!(errors.0["text"][0].contains("line 2"), "{errors:?}"),
        other => panic!("expected 422, got {other:?}"),
    }
    assert!(matches!(w.app.delete_calendar(&w.admin, calendars[0].id), Err(AppError::Conflict { .. })), "in use");
    let no_target: SlaPolicyInput =
        serde_json::from_value(json!({"name": "空", "targets": {}, "calendar_id": 999})).unwrap();
    match w.app.create_sla_policy(&w.admin, &no_target) {
        Err(AppError::Validation(errors)) => {
            assert!(errors.0.contains_key("targets") && errors.0.contains_key("calendar_id"), "{errors:?}");
        }
        other => panic!("expected 422, got {other:?}"),
    }
    let as_agent: SlaPolicyInput =
        serde_json::from_value(json!({"name": "x", "targets": {"low": {"resolution_minutes": 10}}})).unwrap();
    assert!(matches!(
        w.app.create_sla_policy(&w.agent, &as_agent),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert_eq!(w.app.list_sla_policies(&w.agent).unwrap().len(), 1, "agents may read them");
    assert!(matches!(
        w.app.list_sla_policies(&w.customer),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));

    // Editing the calendar moves the running clocks: Saturday 10-10 is no longer a working day.
    let t = urgent_ticket(&w);
    let mut edited = w.app.get_calendar(&w.admin, calendars[0].id).unwrap();
    edited.calendar.extra_working_days.retain(|d| d.date.to_string() != "2026-10-10");
    let input = CalendarInput { name: edited.name.clone(), calendar: edited.calendar.clone() };
    w.app.update_calendar(&w.admin, edited.id, &input).unwrap();
    let moved = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().sla.unwrap();
    // 30 min on Friday, then Monday 10-12: 09:00–12:00, 13:30–14:00.
    assert_eq!(moved.resolution.unwrap().due_at, Some(shanghai(2026, 10, 12, 14, 0)));

    // Hand-overs do not touch the clocks.
    let other = staff(&w.app, &w.admin, "zhao@test.local", "agent", vec![w.group]);
    w.app
        .update_agent(
            &w.admin,
            UserId(other.user_id),
            &AgentPatch { availability: Some(Availability::Online), ..Default::default() },
        )
        .unwrap();
    let before = w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().sla.unwrap();
    w.app
        .assign_ticket(
            &w.admin,
            TicketId(t.id),
            &AssignInput { assignee_id: Some(Some(other.user_id)), group_id: None, note: None },
        )
        .unwrap();
    assert_eq!(w.app.get_ticket(&w.admin, TicketId(t.id)).unwrap().sla.unwrap().due_at, before.due_at);
});
