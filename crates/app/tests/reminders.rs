//! The morning reminder on both backends: after 08:30 Shanghai time each agent gets their tickets due today and
//! overdue, each supervisor their groups' overdue ones, once a day even with two instances.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use loopdesk_app::App;
use loopdesk_app::directory::{GroupPatch, NewGroupInput};
use loopdesk_app::domain::policy::Actor;
use loopdesk_app::notifications::NotificationQuery;
use loopdesk_app::reminders::DigestSchedule;
use loopdesk_app::sla::SlaPolicyInput;
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::NewTicketInput;
use loopdesk_domain::ids::GroupId;
use serde_json::json;

fn shanghai(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap() - Duration::hours(8)
}

fn staff(app: &App, admin: &Actor, email: &str, role: &str, groups: Vec<i64>) -> Actor {
    staff_actor(app, admin, email, email, role, &groups)
}

loopdesk_persistence::both_backends!(each_person_gets_one_morning_reminder_a_day, |db| {
    let test_clock = TestClock::at(shanghai(2026, 11, 30, 8, 0));
    let clock = test_clock.clock();
    let set = |t: DateTime<Utc>| test_clock.set(t);
    let real = app_for(&db);
    let admin = admin(&real);
    let app = real.with_clock(clock.clone());
    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "运维".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap()
        .id;
    let agent = staff(&app, &admin, "li@test.local", "agent", vec![group]);
    let lead = staff(&app, &admin, "lead@test.local", "supervisor", vec![]);
    app.update_group(
        &admin,
        GroupId(group),
        &GroupPatch { supervisor_id: Some(Some(lead.user_id)), ..Default::default() },
    )
    .unwrap();
    let ticket_type: NewTicketTypeInput = serde_json::from_value(json!({"name": "运维", "fields": []})).unwrap();
    let type_id = app.create_ticket_type(&admin, &ticket_type).unwrap().id;
    let policy: SlaPolicyInput = serde_json::from_value(json!({"name": "24×7", "targets": {
        "low": {"resolution_minutes": 60}, "normal": {"resolution_minutes": 480}, "high": {"resolution_minutes": 2880}
    }}))
    .unwrap();
    app.create_sla_policy(&admin, &policy).unwrap();
    let ticket = |subject: &str, priority: &str| {
        let input: NewTicketInput = serde_json::from_value(json!({
            "type_id": type_id, "subject": subject, "priority": priority, "group_id": group, "assignee_id": agent.user_id
        }))
        .unwrap();
        app.create_ticket(&admin, &input, None).unwrap().ticket.id
    };
    let overdue = ticket("昨天就该修好", "low"); // due 11-30 09:00
    set(shanghai(2026, 12, 1, 7, 0));
    let today = ticket("今天下午到期", "normal"); // due 12-01 15:00
    let later = ticket("后天到期", "high"); // due 12-03 07:00

    let schedule = DigestSchedule::default();
    assert_eq!(app.send_daily_digests(&schedule).unwrap(), 0, "not before 08:30");
    set(shanghai(2026, 12, 1, 8, 31));
    assert_eq!(app.send_daily_digests(&schedule).unwrap(), 2, "the agent and the supervisor");
    assert_eq!(app.send_daily_digests(&schedule).unwrap(), 0, "once a day");
    let other = second_instance(&db, clock.clone());
    assert_eq!(other.send_daily_digests(&schedule).unwrap(), 0, "nor from another instance");

    let mine = app.list_notifications(&agent, &NotificationQuery::default()).unwrap().items;
    let digest = mine.iter().find(|n| n.kind == "daily_digest").expect("the agent's reminder");
    assert!(digest.title.contains("2 张到期（1 张超时）"), "{}", digest.title);
    assert!(digest.body.contains(&format!("T-{overdue:06}")) && digest.body.contains(&format!("T-{today:06}")));
    assert!(!digest.body.contains(&format!("T-{later:06}")), "not due today");
    let theirs = app.list_notifications(&lead, &NotificationQuery::default()).unwrap().items;
    let digest = theirs.iter().find(|n| n.kind == "daily_digest").expect("the supervisor's reminder");
    assert!(
        digest.body.contains(&format!("T-{overdue:06}")) && !digest.body.contains(&format!("T-{today:06}")),
        "{}",
        digest.body
    );

    // The next morning it comes again.
    set(shanghai(2026, 12, 2, 9, 0));
    assert_eq!(app.send_daily_digests(&schedule).unwrap(), 2);
});
