//! Ticket use cases under concurrency, on both backends: retries never duplicate,
//! concurrent writers never lose an acknowledged change.

mod common;

use std::sync::{Arc, Barrier};

use common::*;
use loopdesk_app::App;
use loopdesk_app::domain::policy::Actor;
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::{HistoryQuery, NewCommentInput, NewTicketInput, TicketListQuery};

fn ticket_type(app: &App, admin: &Actor) -> i64 {
    let input: NewTicketTypeInput =
        serde_json::from_value(serde_json::json!({"name": "IT 故障", "fields": []})).unwrap();
    app.create_ticket_type(admin, &input).expect("type").id
}

fn new_ticket(type_id: i64, subject: &str) -> NewTicketInput {
    serde_json::from_value(serde_json::json!({"type_id": type_id, "subject": subject})).unwrap()
}

/// Runs `f` on `n` threads released at the same instant; returns their results.
fn race<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(n));
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, f) = (barrier.clone(), f.clone());
            std::thread::spawn(move || {
                barrier.wait();
                f(i)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("thread")).collect()
}

loopdesk_persistence::both_backends!(concurrent_retries_with_one_idempotency_key_create_one_ticket, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let type_id = ticket_type(&app, &admin);
    let results = {
        let (app, admin) = (app.clone(), admin.clone());
        race(8, move |_| app.create_ticket(&admin, &new_ticket(type_id, "VPN 无法连接"), Some("retry-key")))
    };
    let ids: Vec<i64> = results.into_iter().map(|r| r.expect("every retry succeeds").ticket.id).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "all retries answer with the same ticket: {ids:?}");
    let page = app.list_tickets(&admin, &TicketListQuery::default(), &[]).unwrap();
    assert_eq!(page.items.len(), 1, "exactly one ticket exists");
    let events = app.list_events(&admin, ids[0], &HistoryQuery::default()).unwrap();
    assert_eq!(events.items.iter().filter(|e| e.kind.as_str() == "created").count(), 1);
});

loopdesk_persistence::both_backends!(concurrent_replies_are_all_kept_with_their_events, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let type_id = ticket_type(&app, &admin);
    let ticket = app.create_ticket(&admin, &new_ticket(type_id, "打印机卡纸"), None).unwrap().ticket;
    let results = {
        let (app, admin) = (app.clone(), admin.clone());
        race(8, move |i| {
            let input = NewCommentInput { body: format!("reply {i}"), internal: i % 2 == 0 };
            app.add_comment(&admin, ticket.id, &input)
        })
    };
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().filter_map(|r| r.as_ref().err()).collect::<Vec<_>>()
    );
    let comments = app.list_comments(&admin, ticket.id, &HistoryQuery::default()).unwrap();
    assert_eq!(comments.items.len(), 8);
    let events = app.list_events(&admin, ticket.id, &HistoryQuery::default()).unwrap();
    assert_eq!(events.items.len(), 1 + 8, "one event per reply, plus created");
    let now = app.get_ticket(&admin, ticket.id).unwrap();
    assert_eq!(now.version, 1 + 8, "each reply bumped the version exactly once");
    assert!(now.first_response_at.is_none(), "the requester's own replies are not a first response");
});
