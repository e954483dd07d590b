//! The ticket loop over real HTTP, on SQLite and PostgreSQL: create a typed ticket,
//! assign, note, reply, resolve, confirm; visibility; If-Match; Idempotency-Key.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};

/// Admin sets up a group, an agent in it, an organisation with a customer, and a ticket type.
async fn setup<S, B>(svc: &S) -> (String, Value)
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let admin = login(svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let group = post(svc, &admin, "/api/v1/groups", json!({"name": "售后二组"})).await.expect(201).body;
    let other_group = post(svc, &admin, "/api/v1/groups", json!({"name": "产品部"})).await.expect(201).body;
    let org = post(svc, &admin, "/api/v1/organizations", json!({"name": "华东电力"})).await.expect(201).body;
    let agent = post(svc, &admin, "/api/v1/users", json!({ "email": "li.gong@test.local", "name": "李工", "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]] })).await.expect(201).body;
    let outsider = post(svc, &admin, "/api/v1/users", json!({ "email": "zhao@test.local", "name": "赵工", "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [other_group["id"]] })).await.expect(201).body;
    let customer = post(svc, &admin, "/api/v1/users", json!({ "email": "wang@customer.test", "name": "王女士", "password": "customer-password", "kind": "customer", "role": "customer", "organization_id": org["id"] })).await.expect(201).body;
    let other_customer = post(svc, &admin, "/api/v1/users", json!({ "email": "chen@customer.test", "name": "陈先生", "password": "customer-password", "kind": "customer", "role": "customer", "organization_id": org["id"] })).await.expect(201).body;
    let ticket_type = post(svc, &admin, "/api/v1/ticket-types", json!({ "name": "设备报修", "default_group_id": group["id"], "default_priority": "normal", "fields": [ {"key": "asset_no", "label": "设备编号", "kind": "text", "required": true, "customer_visible": true}, {"key": "fault_type", "label": "故障类型", "kind": "select", "options": ["空调", "电梯"], "required": true, "customer_visible": true}, {"key": "floor", "label": "楼层", "kind": "number", "customer_visible": true}, {"key": "parts_cost", "label": "配件成本", "kind": "number", "customer_visible": false} ] })).await.expect(201).body;
    let ids = json!({
        "group": group["id"], "other_group": other_group["id"], "org": org["id"], "agent": agent["id"], "outsider": outsider["id"],
        "customer": customer["id"], "other_customer": other_customer["id"], "type": ticket_type["id"]
    });
    (admin, ids)
}

loopdesk_persistence::both_backends!(the_whole_loop_as_agent_and_customer, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let (admin, ids) = setup(&svc).await;
        let agent = login(&svc, "li.gong@test.local", "agent-password").await;
        let customer = login(&svc, "wang@customer.test", "customer-password").await;

        // The customer opens a ticket in the portal: requester, channel and group are decided for them.
        let created = post(&svc, &customer, "/api/v1/tickets", json!({ "type_id": ids["type"], "subject": "3 号楼空调不制冷", "description": "只吹风", "custom_fields": {"asset_no": "AC-3-0412", "fault_type": "空调", "floor": 3} }))
        .await
        .expect(201);
        let ticket = created.body.clone();
        let id = ticket["id"].as_i64().unwrap();
        assert_eq!(ticket["number"], format!("T-{id:06}"));
        assert_eq!(ticket["status"], "new");
        assert_eq!(ticket["channel"], "portal");
        assert_eq!(ticket["requester_id"], ids["customer"]);
        assert_eq!(ticket["organization_id"], ids["org"]);
        assert_eq!(ticket["group_id"], ids["group"]);
        assert_eq!(created.header("location").unwrap(), format!("/api/v1/tickets/{id}"));
        // …and named, so the portal shows who and what without lookups customers may not make.
        assert_eq!(
            [&ticket["type_name"], &ticket["requester_name"], &ticket["organization_name"], &ticket["group_name"]],
            [&json!("设备报修"), &json!("王女士"), &json!("华东电力"), &json!("售后二组")]
        );
        assert!(ticket["assignee_name"].is_null());

        // The agent sees it in the group queue and takes it.
        let queue = get(&svc, &agent, "/api/v1/tickets?assignee=none&status=new").await.expect(200);
        let row = queue.body["items"].as_array().unwrap().iter().find(|t| t["id"] == id).expect("in the queue");
        assert_eq!((&row["requester_name"], &row["group_name"]), (&json!("王女士"), &json!("售后二组")));
        let assigned = post(
            &svc,
            &agent,
            format!("/api/v1/tickets/{id}/assign"),
            json!({"assignee_id": ids["agent"], "note": "我来处理"}),
        )
        .await
        .expect(200)
        .body;
        assert_eq!(assigned["status"], "assigned");
        assert_eq!(assigned["assignee_id"], ids["agent"]);
        assert_eq!(assigned["assignee_name"], "李工");
        let mine = get(&svc, &agent, "/api/v1/tickets?assignee=me").await.expect(200);
        assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(mine.body["items"][0]["assignee_name"], "李工");

        // Staff set an internal field; an internal note and a public reply.
        patch(&svc, &agent, format!("/api/v1/tickets/{id}"), json!({"custom_fields": {"parts_cost": 120}}))
            .await
            .expect(200);
        post(
            &svc,
            &agent,
            format!("/api/v1/tickets/{id}/comments"),
            json!({"body": "压缩机电容老化，客户不必知道供应商问题", "internal": true}),
        )
        .await
        .expect(201);
        let before_reply = get(&svc, &agent, format!("/api/v1/tickets/{id}")).await.expect(200).body;
        assert!(before_reply["first_response_at"].is_null(), "an internal note is not a response");
        post(
            &svc,
            &agent,
            format!("/api/v1/tickets/{id}/comments"),
            json!({"body": "已安排工程师明早 9 点上门。", "internal": false}),
        )
        .await
        .expect(201);
        let after_reply = get(&svc, &agent, format!("/api/v1/tickets/{id}")).await.expect(200).body;
        assert!(after_reply["first_response_at"].is_string(), "the first public reply stamps first_response_at");

        // Work, then resolve.
        for status in ["in_progress", "resolved"] {
            let moved = post(
                &svc,
                &agent,
                format!("/api/v1/tickets/{id}/transitions"),
                json!({"status": status, "note": "已更换电容"}),
            )
            .await
            .expect(200)
            .body;
            assert_eq!(moved["status"], status);
        }

        // The customer sees the reply, never the note, nor the internal field, nor staff-only history.
        let seen = get(&svc, &customer, format!("/api/v1/tickets/{id}")).await.expect(200).body;
        assert_eq!(seen["custom_fields"], json!({"asset_no": "AC-3-0412", "fault_type": "空调", "floor": 3}));
        assert_eq!(seen["allowed_transitions"], json!(["closed", "in_progress"]));
        assert_eq!((&seen["assignee_name"], &seen["group_name"]), (&json!("李工"), &json!("售后二组")));
        let comments = get(&svc, &customer, format!("/api/v1/tickets/{id}/comments")).await.expect(200).body;
        let bodies: Vec<&str> =
            comments["items"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, vec!["已安排工程师明早 9 点上门。"]);
        assert_eq!(comments["items"][0]["author_name"], "李工", "the staff reply says who wrote it");
        let events = get(&svc, &customer, format!("/api/v1/tickets/{id}/events")).await.expect(200).body;
        let text = events.to_string();
        assert!(
            !text.contains("internal_note_added") && !text.contains("parts_cost") && !text.contains("我来处理"),
            "{text}"
        );
        assert!(!text.contains("已更换电容"), "staff notes on status changes stay with staff: {text}");
        assert_eq!(events["items"][0]["actor_name"], "王女士");
        assert!(events["items"].as_array().unwrap().iter().any(|e| e["actor_name"] == "李工"), "{text}");
        // …and cannot write an internal note or move the ticket anywhere but confirm/reopen.
        post(&svc, &customer, format!("/api/v1/tickets/{id}/comments"), json!({"body": "sneaky", "internal": true}))
            .await
            .expect_problem(403);

        // The customer confirms: closed.
        let closed = post(&svc, &customer, format!("/api/v1/tickets/{id}/transitions"), json!({"status": "closed"}))
            .await
            .expect(200)
            .body;
        assert_eq!(closed["status"], "closed");
        assert!(closed["closed_at"].is_string() && closed["resolved_at"].is_string());

        // Staff history: every step, in order, with actor.
        let history = get(&svc, &admin, format!("/api/v1/tickets/{id}/events")).await.expect(200).body;
        let kinds: Vec<&str> =
            history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            vec![
                "created",
                "assigned",
                "status_changed",
                "field_changed",
                "internal_note_added",
                "comment_added",
                "status_changed",
                "status_changed",
                "status_changed"
            ]
        );
        assert!(
            history["items"].as_array().unwrap().iter().all(|e| e["actor_id"].is_i64() && e["actor_name"].is_string())
        );
        let assignment = &history["items"][1];
        assert_eq!((&assignment["field"], &assignment["new_label"]), (&json!("assignee_id"), &json!("李工")));
        assert!(assignment["old_label"].is_null(), "nobody was assigned before");
    })
});

loopdesk_persistence::both_backends!(visibility_applies_to_every_read_path, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let (admin, ids) = setup(&svc).await;
        let customer = login(&svc, "wang@customer.test", "customer-password").await;
        let neighbour = login(&svc, "chen@customer.test", "customer-password").await;
        let outsider = login(&svc, "zhao@test.local", "agent-password").await;
        let body = json!({"type_id": ids["type"], "subject": "电梯异响", "custom_fields": {"asset_no": "EL-1", "fault_type": "电梯"}});
        let id = post(&svc, &customer, "/api/v1/tickets", body).await.expect(201).body["id"].as_i64().unwrap();

        // Another customer of an organisation that does not share, and an agent of another group: 404 everywhere.
        for token in [&neighbour, &outsider] {
            get(&svc, token, format!("/api/v1/tickets/{id}")).await.expect_problem(404);
            get(&svc, token, format!("/api/v1/tickets/{id}/comments")).await.expect_problem(404);
            get(&svc, token, format!("/api/v1/tickets/{id}/events")).await.expect_problem(404);
            post(&svc, token, format!("/api/v1/tickets/{id}/comments"), json!({"body": "hi"}))
                .await
                .expect_problem(404);
            let list = get(&svc, token, "/api/v1/tickets").await.expect(200).body;
            assert!(list["items"].as_array().unwrap().iter().all(|t| t["id"] != id));
        }

        // Once the organisation shares its tickets, the neighbour sees it (but still no notes).
        patch(&svc, &admin, format!("/api/v1/organizations/{}", ids["org"]), json!({"shared_ticket_view": true}))
            .await
            .expect(200);
        let neighbour = login(&svc, "chen@customer.test", "customer-password").await;
        get(&svc, &neighbour, format!("/api/v1/tickets/{id}")).await.expect(200);

        // Customers cannot filter on custom fields (they could learn internal values).
        get(&svc, &customer, "/api/v1/tickets?cf.parts_cost=120").await.expect_problem(422);
    })
});

loopdesk_persistence::both_backends!(stale_if_match_is_412_and_changes_nothing, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let (admin, ids) = setup(&svc).await;
        let body = json!({"type_id": ids["type"], "subject": "照明故障", "custom_fields": {"asset_no": "L-7", "fault_type": "空调"}});
        let created = post(&svc, &admin, "/api/v1/tickets", body).await.expect(201);
        let id = created.body["id"].as_i64().unwrap();
        let etag = created.header("etag").unwrap();
        assert_eq!(etag, "\"1\"");

        let first = send(
            &svc,
            TestRequest::patch()
                .uri(&format!("/api/v1/tickets/{id}"))
                .insert_header(bearer(&admin))
                .insert_header(("If-Match", etag.clone()))
                .set_json(json!({"priority": "urgent"})),
        )
        .await
        .expect(200);
        assert_eq!(first.header("etag").unwrap(), "\"2\"");
        let stale = send(
            &svc,
            TestRequest::patch()
                .uri(&format!("/api/v1/tickets/{id}"))
                .insert_header(bearer(&admin))
                .insert_header(("If-Match", etag))
                .set_json(json!({"subject": "overwritten"})),
        )
        .await
        .expect_problem(412);
        assert_eq!(stale.body["current_version"], 2);
        let now = get(&svc, &admin, format!("/api/v1/tickets/{id}")).await.expect(200).body;
        assert_eq!(now["subject"], "照明故障");
        assert_eq!(now["priority"], "urgent");
        send(
            &svc,
            TestRequest::patch()
                .uri(&format!("/api/v1/tickets/{id}"))
                .insert_header(bearer(&admin))
                .insert_header(("If-Match", "garbage"))
                .set_json(json!({"subject": "x"})),
        )
        .await
        .expect_problem(400);
    })
});

loopdesk_persistence::both_backends!(idempotency_key_and_external_id_prevent_duplicates, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let (admin, ids) = setup(&svc).await;
        let body = json!({"type_id": ids["type"], "subject": "CRM 同步工单", "external_id": "CRM-1", "external_source": "crm",
            "custom_fields": {"asset_no": "X", "fault_type": "电梯"}});
        let first = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("Idempotency-Key", "key-1"))
                .set_json(body.clone()),
        )
        .await
        .expect(201);
        let retry = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("Idempotency-Key", "key-1"))
                .set_json(body.clone()),
        )
        .await
        .expect(201);
        assert_eq!(retry.body, first.body, "a retry returns the first response");
        assert_eq!(retry.header("idempotency-replayed").as_deref(), Some("true"));
        // The same key for a different request is refused; a new key with the same external id is a 409 naming the original.
        let mut changed = body.clone();
        changed["subject"] = json!("different");
        send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("Idempotency-Key", "key-1"))
                .set_json(changed),
        )
        .await
        .expect_problem(422);
        let duplicate = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("Idempotency-Key", "key-2"))
                .set_json(body),
        )
        .await
        .expect_problem(409);
        assert_eq!(duplicate.body["existing_ticket_id"], first.body["id"]);
        let found = get(&svc, &admin, "/api/v1/tickets?external_source=crm&external_id=CRM-1").await.expect(200).body;
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
    })
});

loopdesk_persistence::both_backends!(rules_are_enforced_with_clear_problems, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let (admin, ids) = setup(&svc).await;
        // Custom fields are validated per field.
        let bad = post(&svc, &admin, "/api/v1/tickets", json!({ "type_id": ids["type"], "subject": "x", "custom_fields": {"fault_type": "火箭", "floor": "three", "nope": 1} })).await.expect_problem(422);
        let errors = &bad.body["errors"];
        assert!(errors["custom_fields.asset_no"].is_array(), "{errors}");
        assert!(errors["custom_fields.fault_type"].is_array(), "{errors}");
        assert!(errors["custom_fields.floor"].is_array(), "{errors}");
        assert!(errors["custom_fields.nope"].is_array(), "{errors}");
        let list = get(&svc, &admin, "/api/v1/tickets").await.expect(200).body;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "a rejected create writes nothing");

        let id = post(&svc, &admin, "/api/v1/tickets", json!({ "type_id": ids["type"], "subject": "门禁失灵", "custom_fields": {"asset_no": "D-1", "fault_type": "电梯"} })).await.expect(201).body["id"].as_i64().unwrap();
        // `assigned` needs somebody assigned.
        post(&svc, &admin, format!("/api/v1/tickets/{id}/transitions"), json!({"status": "assigned"}))
            .await
            .expect_problem(409);
        // A forbidden transition says what is allowed.
        let conflict = post(&svc, &admin, format!("/api/v1/tickets/{id}/transitions"), json!({"status": "closed"}))
            .await
            .expect_problem(409);
        assert_eq!(conflict.body["allowed_transitions"], json!(["assigned", "in_progress", "resolved"]));
        assert_eq!(conflict.body["current_status"], "new");
        // Transfer needs a reason; with one, it is in the history.
        let no_reason = post(
            &svc,
            &admin,
            format!("/api/v1/tickets/{id}/transfer"),
            json!({"group_id": ids["other_group"], "reason": ""}),
        )
        .await
        .expect_problem(422);
        assert!(no_reason.body["errors"]["reason"].is_array());
        let moved = post(
            &svc,
            &admin,
            format!("/api/v1/tickets/{id}/transfer"),
            json!({"group_id": ids["other_group"], "reason": "需确认产品设计问题"}),
        )
        .await
        .expect(200)
        .body;
        assert_eq!(moved["group_id"], ids["other_group"]);
        assert_eq!(moved["group_name"], "产品部");
        let history = get(&svc, &admin, format!("/api/v1/tickets/{id}/events")).await.expect(200).body;
        let transfer =
            history["items"].as_array().unwrap().iter().find(|e| e["kind"] == "transferred").expect("transfer event");
        assert_eq!(transfer["note"], "需确认产品设计问题");
        assert_eq!(transfer["old_value"], ids["group"].to_string());
        assert_eq!(transfer["new_value"], ids["other_group"].to_string());
        assert_eq!((&transfer["old_label"], &transfer["new_label"]), (&json!("售后二组"), &json!("产品部")));
        assert_eq!(transfer["actor_name"], "Admin");
        // Assigning someone outside the named group is refused.
        post(
            &svc,
            &admin,
            format!("/api/v1/tickets/{id}/assign"),
            json!({"assignee_id": ids["agent"], "group_id": ids["other_group"]}),
        )
        .await
        .expect_problem(422);
        // An agent of the old group lost sight of it; a customer cannot assign.
        let agent = login(&svc, "li.gong@test.local", "agent-password").await;
        get(&svc, &agent, format!("/api/v1/tickets/{id}")).await.expect_problem(404);
    })
});

loopdesk_persistence::both_backends!(list_filters_sorts_and_pages_without_gaps, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let (admin, ids) = setup(&svc).await;
        for i in 0..25 {
            let priority = ["low", "normal", "high", "urgent"][i % 4];
            let tags = if i % 5 == 0 { json!(["VIP"]) } else { json!([]) };
            post(&svc, &admin, "/api/v1/tickets", json!({ "type_id": ids["type"], "subject": format!("空调 {i}"), "priority": priority, "tags": tags, "custom_fields": {"asset_no": format!("A-{i}"), "fault_type": "空调", "floor": i % 3} }))
            .await
            .expect(201);
        }
        for sort in ["-created_at", "created_at", "-priority", "priority", "-updated_at", "number"] {
            let mut seen = vec![];
            let mut cursor: Option<String> = None;
            loop {
                let uri = match &cursor {
                    Some(c) => format!("/api/v1/tickets?limit=7&sort={sort}&cursor={c}"),
                    None => format!("/api/v1/tickets?limit=7&sort={sort}"),
                };
                let page = get(&svc, &admin, &uri).await.expect(200).body;
                assert!(
                    page["items"].as_array().unwrap().iter().all(|t| t["type_name"] == "设备报修"
                        && t["requester_name"] == "Admin"
                        && t["group_name"] == "售后二组"),
                    "every row is named: {page}"
                );
                seen.extend(page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()));
                match page["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_string()),
                    None => break,
                }
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!((seen.len(), unique.len()), (25, 25), "sort {sort}: every ticket exactly once");
        }
        let urgent = get(&svc, &admin, "/api/v1/tickets?priority=urgent,high").await.expect(200).body;
        assert_eq!(urgent["items"].as_array().unwrap().len(), 12);
        let vip = get(&svc, &admin, "/api/v1/tickets?tag=VIP").await.expect(200).body;
        assert_eq!(vip["items"].as_array().unwrap().len(), 5);
        let floor = get(&svc, &admin, "/api/v1/tickets?cf.floor=2").await.expect(200).body;
        assert_eq!(floor["items"].as_array().unwrap().len(), 8);
        let search = get(&svc, &admin, "/api/v1/tickets?q=%E7%A9%BA%E8%B0%83%2012").await.expect(200).body;
        assert_eq!(search["items"].as_array().unwrap().len(), 1);
        let by_number = get(&svc, &admin, "/api/v1/tickets?q=T-000003").await.expect(200).body;
        assert_eq!(by_number["items"][0]["number"], "T-000003");
        get(&svc, &admin, "/api/v1/tickets?status=bogus").await.expect_problem(422);
        get(&svc, &admin, "/api/v1/tickets?sort=-created_at&cursor=%%%").await.expect_problem(400);
        get(&svc, &admin, "/api/v1/tickets?limit=1000").await.expect_problem(422);
    })
});
