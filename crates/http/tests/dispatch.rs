//! Smart dispatch over real HTTP, on SQLite and PostgreSQL: a portal ticket routed by a rule while the customer
//! sees none of the staff talk; accept / decline / claim answers; denied and malformed requests change nothing.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};

loopdesk_persistence::both_backends!(a_vip_portal_ticket_is_routed_and_the_customer_sees_none_of_the_dispatch, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "售后二组"})).await.expect(201).body;
        let org = post(&svc, &admin, "/api/v1/organizations", json!({"name": "华东电力", "tier": "vip"}))
            .await
            .expect(201)
            .body;
        assert_eq!(org["tier"], "vip");
        post(&svc, &admin, "/api/v1/users", json!({"email": "li@test.local", "name": "李工", "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201);
        post(&svc, &admin, "/api/v1/users", json!({"email": "wang@customer.test", "name": "王女士", "password": "customer-password", "kind": "customer", "role": "customer", "organization_id": org["id"]})).await.expect(201);
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "投诉", "fields": []})).await.expect(201).body;
        let rule = post(&svc, &admin, "/api/v1/routing-rules", json!({
            "name": "VIP 投诉",
            "conditions": [{"kind": "organization_tier", "tiers": ["VIP"]}],
            "actions": [{"kind": "set_group", "group_id": group["id"]}, {"kind": "assign", "strategy": {"kind": "least_loaded"}, "accept_within_minutes": 15}]
        }))
        .await
        .expect(201);
        assert_eq!(rule.header("location").unwrap(), format!("/api/v1/routing-rules/{}", rule.body["id"]));

        let agent = login(&svc, "li@test.local", "agent-password").await;
        let me = get(&svc, &agent, "/api/v1/me/agent").await.expect(200).body;
        assert_eq!(me["availability"], "offline", "new agents start offline");
        let online =
            put_json(&svc, &agent, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200).body;
        assert_eq!(online["availability"], "online");

        let customer = login(&svc, "wang@customer.test", "customer-password").await;
        let created = post(
            &svc,
            &customer,
            "/api/v1/tickets",
            json!({"type_id": ticket_type["id"], "subject": "维修人员迟到两小时"}),
        )
        .await
        .expect(201)
        .body;
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["assignee_name"], "李工");
        assert_eq!(created["group_id"], group["id"]);

        // Staff read the reason in their language; Chinese without Accept-Language.
        let zh = get(&svc, &agent, format!("/api/v1/tickets/{id}/events")).await.expect(200).body;
        let dispatched: Vec<&Value> =
            zh["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "dispatched").collect();
        assert_eq!(dispatched.len(), 1);
        assert!(dispatched[0]["note"].as_str().unwrap().contains("规则「VIP 投诉」"), "{}", dispatched[0]["note"]);
        let en = send(
            &svc,
            TestRequest::get()
                .uri(&format!("/api/v1/tickets/{id}/events"))
                .insert_header(bearer(&agent))
                .insert_header(("Accept-Language", "en-US,en;q=0.9")),
        )
        .await
        .expect(200)
        .body;
        let note = en["items"].as_array().unwrap().iter().find(|e| e["kind"] == "dispatched").unwrap()["note"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(note.contains("rule 'VIP 投诉'") && note.contains("least loaded: 李工"), "{note}");

        // The customer's history has no dispatch entries, reasons or structured decisions.
        let theirs = get(&svc, &customer, format!("/api/v1/tickets/{id}/events")).await.expect(200).body;
        for event in theirs["items"].as_array().unwrap() {
            assert!(
                ["created", "status_changed", "comment_added"].contains(&event["kind"].as_str().unwrap()),
                "{event}"
            );
            assert!(event.get("dispatch").is_none());
        }
        // …and no dispatch endpoint answers them.
        get(&svc, &customer, "/api/v1/routing-rules").await.expect_problem(403);
        get(&svc, &customer, "/api/v1/queues").await.expect_problem(403);
        post(&svc, &customer, format!("/api/v1/tickets/{id}/claim"), json!({})).await.expect_problem(403);

        // The agent accepts; the ETag comes back like on every ticket write.
        let accepted = post(&svc, &agent, format!("/api/v1/tickets/{id}/accept"), json!({})).await.expect(200);
        assert_eq!(accepted.body["status"], "in_progress");
        assert_eq!(accepted.header("etag").unwrap(), format!("\"{}\"", accepted.body["version"]));
        post(&svc, &agent, format!("/api/v1/tickets/{id}/accept"), json!({})).await.expect_problem(409);
        post(&svc, &agent, format!("/api/v1/tickets/{id}/decline"), json!({"reason": "太忙"}))
            .await
            .expect_problem(409);

        let queues = get(&svc, &admin, "/api/v1/queues").await.expect(200).body;
        let queue = queues.as_array().unwrap().iter().find(|q| q["group_id"] == group["id"]).unwrap();
        assert_eq!(queue["agents"][0]["open_count"], 1);
        let inbox = get(&svc, &agent, "/api/v1/notifications/unread-count").await.expect(200).body;
        assert_eq!(inbox["unread"], 1);
        let marked = post(&svc, &agent, "/api/v1/notifications/read", json!({})).await.expect(200).body;
        assert_eq!(marked["marked"], 1);
        assert_eq!(get(&svc, &agent, "/api/v1/notifications/unread-count").await.expect(200).body["unread"], 0);
    });
});

loopdesk_persistence::both_backends!(the_pool_has_one_winner_and_losers_get_a_clear_409, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "外勤"})).await.expect(201).body;
        let mut tokens = vec![];
        for (email, name) in [("a@test.local", "甲"), ("b@test.local", "乙")] {
            post(&svc, &admin, "/api/v1/users", json!({"email": email, "name": name, "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201);
            let token = login(&svc, email, "agent-password").await;
            put_json(&svc, &token, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200);
            tokens.push(token);
        }
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "抢修", "fields": []})).await.expect(201).body;
        post(
            &svc,
            &admin,
            "/api/v1/routing-rules",
            json!({"name": "抢单", "actions": [
                {"kind": "set_group", "group_id": group["id"]}, {"kind": "assign", "strategy": {"kind": "pool"}}
            ]}),
        )
        .await
        .expect(201);
        let ticket =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "水管爆裂"}))
                .await
                .expect(201)
                .body;
        let id = ticket["id"].as_i64().unwrap();
        let pool = get(&svc, &tokens[1], "/api/v1/tickets?pool=true").await.expect(200).body;
        assert_eq!(pool["items"].as_array().unwrap().len(), 1);

        let won = post(&svc, &tokens[0], format!("/api/v1/tickets/{id}/claim"), json!({})).await.expect(200).body;
        assert_eq!((won["assignee_name"].as_str(), won["status"].as_str()), (Some("甲"), Some("in_progress")));
        let lost = post(&svc, &tokens[1], format!("/api/v1/tickets/{id}/claim"), json!({})).await.expect_problem(409);
        assert!(lost.body["detail"].as_str().unwrap().contains("already claimed by 甲"), "{}", lost.body);
        assert!(
            get(&svc, &tokens[1], "/api/v1/tickets?pool=true").await.expect(200).body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    });
});

loopdesk_persistence::both_backends!(a_full_agent_is_not_offered_a_claim, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "外勤"})).await.expect(201).body;
        let mut agents = vec![];
        for (email, name) in [("full@test.local", "满"), ("free@test.local", "闲")] {
            let user = post(&svc, &admin, "/api/v1/users", json!({"email": email, "name": name, "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201).body;
            let token = login(&svc, email, "agent-password").await;
            put_json(&svc, &token, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200);
            agents.push((user["id"].as_i64().unwrap(), token));
        }
        let (full_id, full) = &agents[0];
        let (_, free) = &agents[1];
        patch(&svc, &admin, format!("/api/v1/agents/{full_id}"), json!({"capacity": 1})).await.expect(200);
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "抢修", "fields": []})).await.expect(201).body;
        post(
            &svc,
            &admin,
            "/api/v1/routing-rules",
            json!({"name": "抢单", "actions": [
                {"kind": "set_group", "group_id": group["id"]}, {"kind": "assign", "strategy": {"kind": "pool"}}
            ]}),
        )
        .await
        .expect(201);
        let create = |subject: &'static str| {
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": subject}))
        };
        // The first ticket is handed to 满 by a dispatcher: 满 now holds 1 open ticket, the limit.
        let held = create("电表故障").await.expect(201).body["id"].as_i64().unwrap();
        post(&svc, &admin, format!("/api/v1/tickets/{held}/assign"), json!({"assignee_id": full_id})).await.expect(200);
        let pooled = create("水管爆裂").await.expect(201).body["id"].as_i64().unwrap();

        let offer = |token: String| {
            let svc = &svc;
            async move {
                let list = get(svc, &token, "/api/v1/tickets?pool=true").await.expect(200).body;
                let item = list["items"].as_array().unwrap().iter().find(|t| t["id"] == pooled).cloned().unwrap();
                let one = get(svc, &token, format!("/api/v1/tickets/{pooled}")).await.expect(200).body;
                assert_eq!(item["claim_block"], one["claim_block"], "the list and the ticket agree");
                assert_eq!(one["in_pool"], true);
                one["claim_block"].clone()
            }
        };
        assert_eq!(offer(full.clone()).await, "at_capacity");
        assert_eq!(offer(free.clone()).await, Value::Null);
        // The assign picker's list marks 满 as full, and 闲 as free.
        let members = get(&svc, &admin, format!("/api/v1/agents?group_id={}", group["id"])).await.expect(200).body;
        let at_capacity =
            |id: i64| members.as_array().unwrap().iter().find(|a| a["user_id"] == id).unwrap()["at_capacity"].clone();
        assert_eq!((at_capacity(*full_id), at_capacity(agents[1].0)), (Value::Bool(true), Value::Bool(false)));
        assert_eq!(offer(admin.clone()).await, "not_member");
        let refused = post(&svc, full, format!("/api/v1/tickets/{pooled}/claim"), json!({})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("your limit is 1"), "{}", refused.body);
        // Clients say it in the reader's language from the stable code and its parameters.
        assert_eq!(refused.body["code"], "claim_refused_at_capacity");
        assert_eq!(refused.body["params"], json!({"open": 1, "limit": 1}));

        // Raised to 2, 满 is offered the claim and gets it.
        patch(&svc, &admin, format!("/api/v1/agents/{full_id}"), json!({"capacity": 2})).await.expect(200);
        assert_eq!(offer(full.clone()).await, Value::Null);
        post(&svc, full, format!("/api/v1/tickets/{pooled}/claim"), json!({})).await.expect(200);
    });
});

loopdesk_persistence::both_backends!(denied_and_malformed_dispatch_requests_change_nothing, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "一线"})).await.expect(201).body;
        let agent_user = post(&svc, &admin, "/api/v1/users", json!({"email": "li@test.local", "name": "李工", "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201).body;
        let agent = login(&svc, "li@test.local", "agent-password").await;
        let good_rule = json!({"name": "一线", "actions": [{"kind": "set_group", "group_id": group["id"]}]});

        // Agents may read rules but not write them; the problem names the permission, and a missing one its kind.
        let denied = post(&svc, &agent, "/api/v1/routing-rules", &good_rule).await.expect_problem(403);
        assert_eq!(
            (denied.body["code"].as_str(), denied.body["params"]["permission"].as_str()),
            (Some("permission_required"), Some("routing_manage"))
        );
        let missing = get(&svc, &agent, "/api/v1/routing-rules/999999").await.expect_problem(404);
        assert_eq!(
            (missing.body["code"].as_str(), missing.body["params"]["resource"].as_str()),
            (Some("not_found"), Some("routing_rule"))
        );
        get(&svc, &agent, "/api/v1/routing-rules").await.expect(200);
        // A rule naming a missing group, or an unknown condition kind, is a 422 by field.
        let missing = post(
            &svc,
            &admin,
            "/api/v1/routing-rules",
            json!({"name": "坏", "actions": [{"kind": "set_group", "group_id": 9999}]}),
        )
        .await
        .expect_problem(422);
        assert!(
            missing.body["errors"]["actions[0].group_id"][0].as_str().unwrap().contains("9999"),
            "{}",
            missing.body
        );
        let unknown = post(
            &svc,
            &admin,
            "/api/v1/routing-rules",
            json!({"name": "坏", "conditions": [{"kind": "moon_phase"}], "actions": []}),
        )
        .await
        .expect_problem(422);
        assert!(unknown.body["errors"].is_object());
        let empty =
            post(&svc, &admin, "/api/v1/routing-rules", json!({"name": " ", "actions": []})).await.expect_problem(422);
        assert!(
            empty.body["errors"]["name"].is_array() && empty.body["errors"]["actions"].is_array(),
            "{}",
            empty.body
        );
        assert_eq!(get(&svc, &admin, "/api/v1/routing-rules").await.expect(200).body, json!([]));

        let rule = post(&svc, &admin, "/api/v1/routing-rules", &good_rule).await.expect(201).body;
        let rule_id = rule["id"].as_i64().unwrap();
        put_json(
            &svc,
            &admin,
            &format!("/api/v1/routing-rules/{rule_id}"),
            json!({"name": "一线", "actions": [{"kind": "set_group", "group_id": 0}]}),
        )
        .await
        .expect_problem(422);
        assert_eq!(
            get(&svc, &admin, format!("/api/v1/routing-rules/{rule_id}")).await.expect(200).body["actions"],
            rule["actions"]
        );
        post(&svc, &admin, "/api/v1/routing-rules/order", json!({"rule_ids": [rule_id, rule_id]}))
            .await
            .expect_problem(422);
        post(&svc, &admin, "/api/v1/routing-rules/order", json!({"rule_ids": [rule_id]})).await.expect(200);
        get(&svc, &admin, "/api/v1/routing-rules/424242").await.expect_problem(404);
        delete(&svc, &agent, format!("/api/v1/routing-rules/{rule_id}")).await.expect_problem(403);

        // Agent profiles: limits are checked; only admins set capacity and skills; anyone sets their own availability.
        let agent_uri = format!("/api/v1/agents/{}", agent_user["id"]);
        patch(&svc, &admin, &agent_uri, json!({"capacity": 0})).await.expect_problem(422);
        patch(&svc, &admin, &agent_uri, json!({"skills": [{"name": "空调"}, {"name": "空调"}]}))
            .await
            .expect_problem(422);
        patch(&svc, &agent, &agent_uri, json!({"capacity": 50})).await.expect_problem(403);
        patch(&svc, &agent, &agent_uri, json!({"availability": "bogus"})).await.expect_problem(422);
        let saved = patch(&svc, &admin, &agent_uri, json!({"capacity": 8, "skills": [{"name": "空调", "level": 3}]}))
            .await
            .expect(200)
            .body;
        assert_eq!((saved["capacity"].as_i64(), saved["skills"][0]["level"].as_i64()), (Some(8), Some(3)));
        put_json(&svc, &agent, "/api/v1/me/location", json!({"lat": 120.0, "lon": 10.0})).await.expect_problem(422);
        let located =
            put_json(&svc, &agent, "/api/v1/me/location", json!({"lat": 31.2, "lon": 121.5})).await.expect(200).body;
        assert_eq!(located["position"], json!({"lat": 31.2, "lon": 121.5}));
        assert_eq!(
            get(&svc, &admin, &agent_uri).await.expect(200).body["capacity"],
            8,
            "the failed writes left it alone"
        );

        // Ticket actions: a decline needs a reason; someone else's ticket cannot be accepted.
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "IT", "fields": []})).await.expect(201).body;
        let ticket = post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "VPN", "group_id": group["id"], "assignee_id": agent_user["id"]})).await.expect(201).body;
        let id = ticket["id"].as_i64().unwrap();
        post(&svc, &agent, format!("/api/v1/tickets/{id}/decline"), json!({})).await.expect_problem(422);
        post(&svc, &agent, format!("/api/v1/tickets/{id}/decline"), json!({"reason": ""})).await.expect_problem(422);
        post(&svc, &admin, format!("/api/v1/tickets/{id}/accept"), json!({})).await.expect_problem(403);
        post(&svc, &agent, format!("/api/v1/tickets/{id}/claim"), json!({})).await.expect_problem(409);
        assert_eq!(
            get(&svc, &admin, format!("/api/v1/tickets/{id}")).await.expect(200).body["version"],
            ticket["version"]
        );
        // Re-routing takes no body or a valid one; a broken body is refused, not ignored.
        post(&svc, &admin, format!("/api/v1/tickets/{id}/route"), json!({"note": 5})).await.expect_problem(422);
        let garbage = TestRequest::post()
            .uri(&format!("/api/v1/tickets/{id}/route"))
            .insert_header(bearer(&admin))
            .set_payload("{note");
        send(&svc, garbage).await.expect_problem(400);
        let unchanged = get(&svc, &admin, format!("/api/v1/tickets/{id}")).await.expect(200).body;
        assert_eq!(unchanged["version"], ticket["version"]);
        let bare = TestRequest::post().uri(&format!("/api/v1/tickets/{id}/route")).insert_header(bearer(&admin));
        send(&svc, bare).await.expect(200);
        let test = post(&svc, &admin, "/api/v1/routing-rules/test", json!({"ticket": {"priority": "normal"}}))
            .await
            .expect_problem(422);
        assert!(test.body["errors"].is_object());
        get(&svc, &admin, "/api/v1/reports/transfers?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z")
            .await
            .expect_problem(422);
    });
});
