//! The demo data set (`loopdesk seed-demo`), on both backends.

#[path = "../../app/tests/common/mod.rs"]
mod common;

use loopdesk_app::domain::ids::TicketId;
use std::collections::BTreeSet;

use common::{actor_by_login, app_for};
use loopdesk_app::App;
use loopdesk_app::domain::policy::Actor;
use loopdesk_app::domain::ticket::{EventKind, TicketStatus};
use loopdesk_app::tickets::{HistoryQuery, TicketListQuery};
use loopdesk_app::views::{CommentView, TicketView};
use loopdesk_demo::SeedDemo;
use loopdesk_persistence::both_backends;

const PASSWORD: &str = "loopdesk-demo";

/// Every ticket the actor can list, following the cursor.
fn all_tickets(app: &App, actor: &Actor) -> Vec<TicketView> {
    let mut items = Vec::new();
    let mut cursor = None;
    loop {
        let query = TicketListQuery { limit: Some(200), cursor, ..TicketListQuery::default() };
        let page = app.list_tickets(actor, &query, &[]).expect("list tickets");
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return items,
        }
    }
}

fn comments(app: &App, actor: &Actor, ticket_id: i64) -> Vec<CommentView> {
    let query = HistoryQuery { limit: Some(200), cursor: None };
    app.list_comments(actor, TicketId(ticket_id), &query).expect("list comments").items
}

both_backends!(seed_demo_builds_a_usable_data_set, |db| {
    let app = app_for(&db);
    let summary = app.seed_demo(40).expect("seed the demo data");
    assert!(summary.contains("40 tickets"), "{summary}");
    assert!(summary.contains("admin@loopdesk.local / loopdesk-demo"), "{summary}");

    let admin = actor_by_login(&app, "admin@loopdesk.local", PASSWORD);
    let tickets = all_tickets(&app, &admin);
    assert_eq!(tickets.len(), 40);

    let statuses: BTreeSet<TicketStatus> = tickets.iter().map(|t| t.status).collect();
    assert_eq!(statuses, TicketStatus::ALL.into_iter().collect(), "every status occurs");

    let types = app.list_ticket_types(&admin, true).expect("types");
    assert_eq!(types.len(), 4);
    let used_types: BTreeSet<i64> = tickets.iter().map(|t| t.type_id).collect();
    assert_eq!(used_types, types.iter().map(|t| t.id).collect(), "every type occurs");

    // Every ticket has its history, starting with its creation; notes exist.
    let mut internal_notes = 0;
    for ticket in &tickets {
        let events = app
            .list_events(
                &admin,
                TicketId(ticket.id),
                &HistoryQuery::default(),
                loopdesk_app::domain::dispatch::Locale::En,
            )
            .expect("events")
            .items;
        assert_eq!(events.first().map(|e| e.kind), Some(EventKind::Created), "{}", ticket.number);
        internal_notes += comments(&app, &admin, ticket.id).iter().filter(|c| c.internal).count();
    }
    assert!(internal_notes > 0, "at least one internal note");

    // The demo customer signs in and sees exactly their own and their sharing organisation's tickets.
    let customer = actor_by_login(&app, "customer@loopdesk.local", PASSWORD);
    assert!(customer.organization_shares_tickets, "华东电力有限公司 shares tickets");
    let visible_to_customer = |t: &TicketView| {
        t.requester_id == customer.user_id
            || (customer.organization_shares_tickets
                && t.organization_id.is_some()
                && t.organization_id == customer.organization_id)
    };
    let expected: BTreeSet<i64> = tickets.iter().filter(|t| visible_to_customer(t)).map(|t| t.id).collect();
    let seen = all_tickets(&app, &customer);
    assert!(!seen.is_empty(), "the demo customer has tickets to look at");
    for ticket in &seen {
        assert!(visible_to_customer(ticket), "{} is not the customer's", ticket.number);
        for comment in comments(&app, &customer, ticket.id) {
            assert!(!comment.internal, "{} shows an internal note to the customer", ticket.number);
        }
    }
    assert_eq!(seen.iter().map(|t| t.id).collect::<BTreeSet<_>>(), expected);

    // Dispatch is set up: a new complaint from the VIP customer goes straight to an after-sales agent.
    assert!(summary.contains("4 routing rules"), "{summary}");
    let complaint_type = types.iter().find(|t| t.name == "客户投诉").expect("the complaint type");
    let input: loopdesk_app::tickets::NewTicketInput =
        serde_json::from_value(serde_json::json!({"type_id": complaint_type.id, "subject": "发票开错了，第三次了", "custom_fields": {"complaint_category": "服务态度"}})).unwrap();
    let routed = app.create_ticket(&customer, &input, None).expect("a portal complaint").ticket;
    assert_eq!(routed.group_name.as_deref(), Some("售后一组"));
    assert!(routed.assignee_id.is_some(), "an online agent of 售后一组 has it");
    assert_eq!(routed.tags, ["VIP"]);

    // A second run changes nothing.
    let again = app.seed_demo(40).expect("second seed");
    assert!(again.contains("already present"), "{again}");
    assert_eq!(all_tickets(&app, &admin).len(), 41);
});
