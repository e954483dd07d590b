//! Mentions, watchers and the requester's updates on both backends: who hears about a reply, a note or a status
//! change, and that an internal note never reaches a customer, nor anyone who cannot see the ticket.

mod common;

use common::*;
use loopdesk_app::App;
use loopdesk_app::directory::{NewGroupInput, NewUserInput};
use loopdesk_app::domain::policy::{Actor, UserKind};
use loopdesk_app::domain::ticket::TicketStatus;
use loopdesk_app::notifications::NotificationQuery;
use loopdesk_app::tickets::{NewCommentInput, NewTicketInput, TransitionInput};
use loopdesk_app::watchers::WatchInput;
use loopdesk_app::{AppError, ticket_types::NewTicketTypeInput};
use loopdesk_domain::ids::{TicketId, UserId};
use serde_json::json;

fn person(app: &App, admin: &Actor, email: &str, name: &str, kind: UserKind, groups: Vec<i64>) -> Actor {
    let role = if kind == UserKind::Staff { "agent" } else { "customer" };
    let input = NewUserInput {
        email: email.into(),
        name: name.into(),
        password: Some("person-password".into()),
        kind,
        role: role.into(),
        group_ids: groups,
        organization_id: None,
    };
    app.create_user(admin, &input).unwrap();
    actor_by_login(app, email, "person-password")
}

fn kinds(app: &App, who: &Actor) -> Vec<String> {
    let page = app.list_notifications(who, &NotificationQuery { limit: Some(100), ..Default::default() }).unwrap();
    let mut kinds: Vec<String> = page.items.into_iter().map(|n| n.kind).collect();
    kinds.reverse(); // oldest first
    kinds
}

fn say(app: &App, who: &Actor, ticket: i64, body: &str, internal: bool) {
    app.add_comment(who, TicketId(ticket), &NewCommentInput { body: body.into(), internal, attachment_ids: vec![] })
        .unwrap();
}

loopdesk_persistence::both_backends!(mentions_watchers_and_the_requester_hear_what_they_may_see, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "售后".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap()
        .id;
    let other = app
        .create_group(
            &admin,
            &NewGroupInput { name: "财务".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap()
        .id;
    let li = person(&app, &admin, "li.gong@test.local", "李工", UserKind::Staff, vec![group]);
    let wang = person(&app, &admin, "wang@test.local", "王工", UserKind::Staff, vec![group]);
    let outsider = person(&app, &admin, "cfo@test.local", "财务总监", UserKind::Staff, vec![other]);
    let customer = person(&app, &admin, "chen@customer.test", "陈女士", UserKind::Customer, vec![]);
    let ticket_type: NewTicketTypeInput = serde_json::from_value(json!({"name": "投诉", "fields": []})).unwrap();
    let type_id = app.create_ticket_type(&admin, &ticket_type).unwrap().id;
    let input: NewTicketInput = serde_json::from_value(json!({"type_id": type_id, "subject": "退款还没到账"})).unwrap();
    let ticket = app.create_ticket(&customer, &input, None).unwrap().ticket;
    let assign = loopdesk_app::tickets::AssignInput {
        assignee_id: Some(Some(li.user_id)),
        group_id: Some(Some(group)),
        note: None,
    };
    app.assign_ticket(&admin, TicketId(ticket.id), &assign).unwrap();

    // An internal note mentions a colleague, someone who cannot see the ticket, and the customer by name.
    say(&app, &li, ticket.id, "内部：@王工 请核对退款记录，@财务总监 @陈女士 不要回复客户", true);
    assert_eq!(kinds(&app, &wang), ["mentioned"]);
    assert!(kinds(&app, &outsider).is_empty(), "cannot see the ticket: not told");
    assert!(kinds(&app, &customer).is_empty(), "an internal note never reaches the customer");
    let mention = app.list_notifications(&wang, &NotificationQuery::default()).unwrap().items.remove(0);
    assert!(!mention.body.contains("不要回复客户") && !mention.title.contains("不要回复客户"), "no note text in it");

    // 王工 watches; the customer replies: the assignee and the watcher hear of it, the customer does not.
    app.add_watcher(&wang, TicketId(ticket.id), &WatchInput::default()).unwrap();
    say(&app, &customer, ticket.id, "请尽快处理", false);
    assert_eq!(kinds(&app, &li).last().unwrap(), "ticket_updated");
    assert_eq!(kinds(&app, &wang), ["mentioned", "ticket_updated"]);
    assert!(kinds(&app, &customer).is_empty());

    // A public reply and a status change reach the requester; an internal note does not.
    say(&app, &li, ticket.id, "已提交财务加急处理", false);
    say(&app, &li, ticket.id, "财务说明天到账", true);
    app.transition_ticket(&li, TicketId(ticket.id), &TransitionInput { status: TicketStatus::InProgress, note: None })
        .unwrap();
    assert_eq!(kinds(&app, &customer), ["ticket_replied", "ticket_replied"]);
    assert_eq!(
        kinds(&app, &wang),
        ["mentioned", "ticket_updated", "ticket_updated", "ticket_updated", "ticket_updated"]
    );

    // Watching is for staff who can see the ticket.
    assert!(matches!(
        app.add_watcher(&customer, TicketId(ticket.id), &WatchInput::default()),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    let foreign = WatchInput { user_id: Some(outsider.user_id) };
    assert!(matches!(app.add_watcher(&li, TicketId(ticket.id), &foreign), Err(AppError::Validation(_))));
    let watching = app.list_watchers(&li, TicketId(ticket.id)).unwrap();
    assert_eq!(watching.user_ids, [wang.user_id]);
    assert_eq!(watching.watchers[0].name, "王工");
    app.remove_watcher(&wang, TicketId(ticket.id), UserId(wang.user_id)).unwrap();
    assert!(app.list_watchers(&li, TicketId(ticket.id)).unwrap().user_ids.is_empty());
});
