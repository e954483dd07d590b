//! Ticket use cases on both backends: retries never duplicate, concurrent writers never
//! lose an acknowledged change, and views name what their ids refer to.

mod common;

use common::*;
use loopdesk_app::App;
use loopdesk_app::auth::NewApiKeyInput;
use loopdesk_app::directory::{NewGroupInput, NewOrganizationInput, NewUserInput};
use loopdesk_app::domain::policy::{Actor, UserKind};
use loopdesk_app::domain::ticket::{EventKind, TicketStatus};
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::{
    AssignInput, HistoryQuery, NewCommentInput, NewTicketInput, TicketListQuery, TicketPatch, TransferInput,
    TransitionInput,
};
use loopdesk_app::views::TicketView;
use loopdesk_domain::ids::TicketId;
use loopdesk_persistence::models::NewIdempotencyKey;

fn ticket_type(app: &App, admin: &Actor) -> i64 {
    let input: NewTicketTypeInput =
        serde_json::from_value(serde_json::json!({"name": "IT 故障", "fields": []})).unwrap();
    app.create_ticket_type(admin, &input).expect("type").id
}

fn new_ticket(type_id: i64, subject: &str) -> NewTicketInput {
    serde_json::from_value(serde_json::json!({"type_id": type_id, "subject": subject})).unwrap()
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
    let events = app
        .list_events(&admin, TicketId(ids[0]), &HistoryQuery::default(), loopdesk_app::domain::dispatch::Locale::En)
        .unwrap();
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
            let input = NewCommentInput { body: format!("reply {i}"), internal: i % 2 == 0, attachment_ids: vec![] };
            app.add_comment(&admin, TicketId(ticket.id), &input)
        })
    };
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().filter_map(|r| r.as_ref().err()).collect::<Vec<_>>()
    );
    let comments = app.list_comments(&admin, TicketId(ticket.id), &HistoryQuery::default()).unwrap();
    assert_eq!(comments.items.len(), 8);
    let events = app
        .list_events(&admin, TicketId(ticket.id), &HistoryQuery::default(), loopdesk_app::domain::dispatch::Locale::En)
        .unwrap();
    assert_eq!(events.items.len(), 1 + 8, "one event per reply, plus created");
    let now = app.get_ticket(&admin, TicketId(ticket.id)).unwrap();
    assert_eq!(now.version, 1 + 8, "each reply bumped the version exactly once");
    assert!(now.first_response_at.is_none(), "the requester's own replies are not a first response");
});

/// Admin sets up two groups, an agent in both, a customer in an organisation, and a type routed to the first group.
struct NamedSetup {
    admin: Actor,
    agent: Actor,
    customer: Actor,
    type_id: i64,
    first_group: i64,
    second_group: i64,
    agent_id: i64,
    org_id: i64,
}

fn named_setup(app: &App) -> NamedSetup {
    let admin = admin(app);
    let group = |name: &str| {
        app.create_group(
            &admin,
            &NewGroupInput { name: name.into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap()
        .id
    };
    let (first_group, second_group) = (group("售后一组"), group("售后二组"));
    let org_id = app
        .create_organization(
            &admin,
            &NewOrganizationInput { name: "华东电力".into(), shared_ticket_view: false, tier: None },
        )
        .unwrap()
        .id;
    let user = |email: &str, name: &str, kind: UserKind, role: &str, group_ids: Vec<i64>, org: Option<i64>| {
        let input = NewUserInput {
            email: email.into(),
            name: name.into(),
            password: Some("password-1234".into()),
            kind,
            role: role.into(),
            group_ids,
            organization_id: org,
        };
        app.create_user(&admin, &input).unwrap().id
    };
    let agent_id = user("li.gong@test.local", "李工", UserKind::Staff, "agent", vec![first_group, second_group], None);
    user("wang@customer.test", "王女士", UserKind::Customer, "customer", vec![], Some(org_id));
    let input: NewTicketTypeInput = serde_json::from_value(serde_json::json!({
        "name": "设备报修", "default_group_id": first_group, "fields": []
    }))
    .unwrap();
    let type_id = app.create_ticket_type(&admin, &input).unwrap().id;
    NamedSetup {
        agent: actor_by_login(app, "li.gong@test.local", "password-1234"),
        customer: actor_by_login(app, "wang@customer.test", "password-1234"),
        admin,
        type_id,
        first_group,
        second_group,
        agent_id,
        org_id,
    }
}

loopdesk_persistence::both_backends!(views_carry_the_names_of_what_they_refer_to, |db| {
    let app = app_for(&db);
    let s = named_setup(&app);

    // Created by the customer: the type, requester, organisation and routed group are named.
    let created = app.create_ticket(&s.customer, &new_ticket(s.type_id, "3 号楼空调不制冷"), None).unwrap().ticket;
    assert_eq!(created.type_name, "设备报修");
    assert_eq!(created.requester_name, "王女士");
    assert_eq!((created.organization_id, created.organization_name.as_deref()), (Some(s.org_id), Some("华东电力")));
    assert_eq!((created.group_id, created.group_name.as_deref()), (Some(s.first_group), Some("售后一组")));
    assert_eq!((created.assignee_id, created.assignee_name.as_deref()), (None, None));

    // Assign, then transfer to the other group with a person: every response names the new holders.
    let assign = AssignInput { assignee_id: Some(Some(s.agent_id)), group_id: None, note: None };
    let assigned = app.assign_ticket(&s.admin, TicketId(created.id), &assign).unwrap();
    assert_eq!(assigned.assignee_name.as_deref(), Some("李工"));
    let transfer =
        TransferInput {
            assignee_id: None, group_id: Some(s.second_group), reason: "需确认产品设计问题".into()
        };
    let transferred = app.transfer_ticket(&s.admin, TicketId(created.id), &transfer).unwrap();
    assert_eq!(transferred.group_name.as_deref(), Some("售后二组"));
    assert_eq!(transferred.assignee_name, None, "another group without a person: unassigned");
    let assign_back = AssignInput { assignee_id: Some(Some(s.agent_id)), group_id: None, note: Some("接手".into()) };
    app.assign_ticket(&s.admin, TicketId(created.id), &assign_back).unwrap();
    let patched = app.update_ticket(&s.agent, TicketId(created.id), &TicketPatch::default(), None).unwrap();
    assert_eq!((patched.assignee_name.as_deref(), patched.group_name.as_deref()), (Some("李工"), Some("售后二组")));
    let moved = app
        .transition_ticket(
            &s.agent,
            TicketId(created.id),
            &TransitionInput { status: TicketStatus::InProgress, note: None },
        )
        .unwrap();
    assert_eq!(moved.requester_name, "王女士");

    // The staff timeline says who did it and resolves ids to names: "售后一组 → 售后二组".
    let events = app
        .list_events(
            &s.admin,
            TicketId(created.id),
            &HistoryQuery::default(),
            loopdesk_app::domain::dispatch::Locale::En,
        )
        .unwrap()
        .items;
    let created_event = &events[0];
    assert_eq!(created_event.actor_name.as_deref(), Some("王女士"));
    let group_move = events.iter().find(|e| e.kind == EventKind::Transferred && e.field.as_deref() == Some("group_id"));
    let group_move = group_move.expect("a transfer of the group");
    assert_eq!(group_move.actor_name.as_deref(), Some("Admin"));
    assert_eq!(
        (group_move.old_label.as_deref(), group_move.new_label.as_deref()),
        (Some("售后一组"), Some("售后二组"))
    );
    let unassigned =
        events.iter().find(|e| e.kind == EventKind::Transferred && e.field.as_deref() == Some("assignee_id")).unwrap();
    assert_eq!((unassigned.old_label.as_deref(), unassigned.new_label.as_deref()), (Some("李工"), None));
    let status = events.iter().find(|e| e.kind == EventKind::StatusChanged).unwrap();
    assert_eq!((status.old_label.as_deref(), status.new_label.as_deref()), (None, None), "a status is not an id");

    // The customer sees who handles the ticket and who replied, without listing users.
    app.add_comment(
        &s.agent,
        TicketId(created.id),
        &NewCommentInput { body: "已安排工程师上门。".into(), internal: false, attachment_ids: vec![] },
    )
    .map(|c| assert_eq!(c.author_name, "李工"))
    .unwrap();
    let seen = app.get_ticket(&s.customer, TicketId(created.id)).unwrap();
    assert_eq!((seen.assignee_name.as_deref(), seen.group_name.as_deref()), (Some("李工"), Some("售后二组")));
    let comments = app.list_comments(&s.customer, TicketId(created.id), &HistoryQuery::default()).unwrap().items;
    assert_eq!(comments.iter().map(|c| c.author_name.as_str()).collect::<Vec<_>>(), vec!["李工"]);
    let visible = app
        .list_events(
            &s.customer,
            TicketId(created.id),
            &HistoryQuery::default(),
            loopdesk_app::domain::dispatch::Locale::En,
        )
        .unwrap()
        .items;
    assert!(visible.iter().all(|e| e.old_label.is_none() && e.new_label.is_none()), "no routing for customers");
    assert!(visible.iter().any(|e| e.actor_name.as_deref() == Some("李工")));
});

loopdesk_persistence::both_backends!(list_rows_carry_names_for_the_whole_page, |db| {
    let app = app_for(&db);
    let s = named_setup(&app);
    let other_type: NewTicketTypeInput = serde_json::from_value(serde_json::json!({"name": "IT 故障"})).unwrap();
    let other_type = app.create_ticket_type(&s.admin, &other_type).unwrap().id;
    for i in 0..12 {
        let type_id = if i % 2 == 0 { s.type_id } else { other_type };
        let mut input = new_ticket(type_id, &format!("工单 {i}"));
        if i % 3 == 0 {
            input.assignee_id = Some(s.agent_id);
            input.group_id = Some(s.second_group);
        }
        let creator = if i % 4 == 0 { &s.customer } else { &s.admin };
        if creator.is_customer() {
            input.assignee_id = None;
            input.group_id = None;
        }
        app.create_ticket(creator, &input, None).unwrap();
    }
    let mut rows = vec![];
    let mut cursor = None;
    loop {
        let query = TicketListQuery { limit: Some(5), cursor, ..TicketListQuery::default() };
        let page = app.list_tickets(&s.admin, &query, &[]).unwrap();
        rows.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(rows.len(), 12);
    for row in &rows {
        // Each row's names match the names of its own ids, whatever else is on the page.
        let single = app.get_ticket(&s.admin, TicketId(row.id)).unwrap();
        let names = |t: &TicketView| {
            (
                t.type_name.clone(),
                t.requester_name.clone(),
                t.assignee_name.clone(),
                t.group_name.clone(),
                t.organization_name.clone(),
            )
        };
        assert_eq!(names(row), names(&single), "{}", row.number);
        let expected_type = if row.type_id == s.type_id { "设备报修" } else { "IT 故障" };
        assert_eq!(row.type_name, expected_type);
        let expected_requester = if row.requester_id == s.customer.user_id { "王女士" } else { "Admin" };
        assert_eq!(row.requester_name, expected_requester);
        assert_eq!(row.assignee_name.is_some(), row.assignee_id.is_some(), "{}", row.number);
        assert_eq!(row.group_name.is_some(), row.group_id.is_some(), "{}", row.number);
        assert_eq!(row.organization_name.is_some(), row.organization_id.is_some(), "{}", row.number);
    }
    assert!(rows.iter().any(|r| r.assignee_name.as_deref() == Some("李工")));
    assert!(rows.iter().any(|r| r.organization_name.as_deref() == Some("华东电力")));
    // Customers get the same names on their rows.
    let theirs = app.list_tickets(&s.customer, &TicketListQuery::default(), &[]).unwrap().items;
    assert_eq!(theirs.len(), 3);
    assert!(theirs.iter().all(|t| t.requester_name == "王女士" && t.group_name.as_deref() == Some("售后一组")));
});

loopdesk_persistence::both_backends!(api_key_events_are_named_after_the_key, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let type_id = ticket_type(&app, &admin);
    let key_input: NewApiKeyInput = serde_json::from_value(serde_json::json!({
        "name": "CRM 同步", "permissions": ["tickets_read_all", "tickets_create", "comments_public"]
    }))
    .unwrap();
    let key = app.create_api_key(&admin, &key_input).unwrap();
    let system = app.authenticate(&key.key).unwrap();
    let ticket = app.create_ticket(&system, &new_ticket(type_id, "CRM 工单"), None).unwrap().ticket;
    assert_eq!(ticket.requester_name, "Admin", "the key acts as its creator");
    let comment = app
        .add_comment(
            &system,
            TicketId(ticket.id),
            &NewCommentInput { body: "同步".into(), internal: false, attachment_ids: vec![] },
        )
        .unwrap();
    assert_eq!(comment.author_name, "Admin");
    let events = app
        .list_events(&admin, TicketId(ticket.id), &HistoryQuery::default(), loopdesk_app::domain::dispatch::Locale::En)
        .unwrap()
        .items;
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.api_key_id == Some(key.api_key.id) && e.actor_name.as_deref() == Some("CRM 同步")));
});

loopdesk_persistence::both_backends!(replaying_a_response_stored_without_names_fills_them_in, |db| {
    let app = app_for(&db);
    let s = named_setup(&app);
    let input = new_ticket(s.type_id, "旧版本存下的响应");
    let created = app.create_ticket(&s.customer, &input, None).unwrap().ticket;
    // A response stored by an earlier version, before views carried names.
    let mut stored = serde_json::to_value(&created).unwrap();
    for name in ["type_name", "requester_name", "assignee_name", "group_name", "organization_name"] {
        stored.as_object_mut().unwrap().remove(name);
    }
    let body = stored.to_string();
    let request_hash = loopdesk_app::auth::sha256_hex(&serde_json::to_string(&input).unwrap());
    let mut conn = db.pool.get().unwrap();
    loopdesk_persistence::queries::tickets::insert_idempotency_key(
        &mut conn,
        &NewIdempotencyKey {
            user_id: s.customer.user_id,
            idempotency_key: "old-key",
            request_hash: &request_hash,
            ticket_id: Some(created.id),
            response_status: 201,
            response_body: &body,
            created_at: created.created_at.naive_utc(),
        },
    )
    .unwrap();
    let replay = app.create_ticket(&s.customer, &input, Some("old-key")).unwrap();
    assert!(replay.replayed);
    assert_eq!(serde_json::to_value(&replay.ticket).unwrap(), serde_json::to_value(&created).unwrap());
});

/// How many statements `f` runs on this thread.
fn queries<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = loopdesk_persistence::testdb::queries_on_this_thread();
    let out = f();
    (loopdesk_persistence::testdb::queries_on_this_thread() - before, out)
}

loopdesk_persistence::both_backends!(names_cost_a_fixed_number_of_queries_whatever_the_page_size, |db| {
    let s = named_setup(&app_for(&db));
    let app = App::new(db.counting_pool(), loopdesk_app::AuthConfig::with_secret(b"count-secret".repeat(4)));
    let others: Vec<(i64, i64)> = (0..6)
        .map(|i| {
            let group = app
                .create_group(
                    &s.admin,
                    &NewGroupInput {
                        name: format!("组 {i}"), description: None, parent_id: None, supervisor_id: None
                    },
                )
                .unwrap()
                .id;
            let input = NewUserInput {
                email: format!("agent{i}@test.local"),
                name: format!("工程师 {i}"),
                password: None,
                kind: UserKind::Staff,
                role: "agent".into(),
                group_ids: vec![group],
                organization_id: None,
            };
            (app.create_user(&s.admin, &input).unwrap().id, group)
        })
        .collect();
    let mut ids = vec![];
    for (i, (agent, group)) in others.iter().enumerate() {
        let mut input = new_ticket(s.type_id, &format!("工单 {i}"));
        (input.assignee_id, input.group_id, input.organization_id) = (Some(*agent), Some(*group), Some(s.org_id));
        ids.push(app.create_ticket(&s.admin, &input, None).unwrap().ticket.id);
    }
    let ticket = ids[0];
    for (agent, group) in &others[1..] {
        let transfer = TransferInput { assignee_id: Some(*agent), group_id: Some(*group), reason: "轮转".into() };
        app.transfer_ticket(&s.admin, TicketId(ticket), &transfer).unwrap();
        app.add_comment(
            &s.admin,
            TicketId(ticket),
            &NewCommentInput { body: "进展".into(), internal: false, attachment_ids: vec![] },
        )
        .unwrap();
    }

    // One ticket: a single query, names included.
    let (count, one) = queries(|| app.get_ticket(&s.admin, TicketId(ticket)).unwrap());
    assert_eq!(count, 1, "GET by id reads ticket and names in one query");
    assert_eq!(one.assignee_name.as_deref(), Some("工程师 5"));
    // A page of one and a page of six cost the same: one query per table, never one per row.
    let page = |limit| TicketListQuery { limit: Some(limit), ..TicketListQuery::default() };
    let (small, _) = queries(|| app.list_tickets(&s.admin, &page(1), &[]).unwrap());
    let (large, rows) = queries(|| app.list_tickets(&s.admin, &page(50), &[]).unwrap());
    assert_eq!(rows.items.len(), 6);
    assert_eq!((small, large), (7, 7), "tickets, types, users, groups, organisations, SLA clocks, dispatch state");
    let history = |limit| HistoryQuery { limit: Some(limit), cursor: None };
    let (small, _) = queries(|| app.list_comments(&s.admin, TicketId(ticket), &history(1)).unwrap());
    let (large, comments) = queries(|| app.list_comments(&s.admin, TicketId(ticket), &history(50)).unwrap());
    assert_eq!(comments.items.len(), 5);
    assert_eq!((small, large), (3, 3), "ticket, comments, users");
    let (small, _) = queries(|| {
        app.list_events(&s.admin, TicketId(ticket), &history(1), loopdesk_app::domain::dispatch::Locale::En).unwrap()
    });
    let (large, events) = queries(|| {
        app.list_events(&s.admin, TicketId(ticket), &history(50), loopdesk_app::domain::dispatch::Locale::En).unwrap()
    });
    assert!(events.items.len() > 10);
    assert_eq!((small, large), (3, 4), "ticket, events, users (+ groups once a page holds a transfer)");
});
