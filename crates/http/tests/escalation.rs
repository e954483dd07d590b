//! Nobody gets more than they hold: a narrow API key cannot create or promote an admin, cannot take over a
//! stronger account, and cannot change its owner's personal state; each refusal is a 403 that changes nothing.

mod common;

use common::*;
use serde_json::json;

async fn key_with<S, B>(svc: &S, admin: &str, permissions: serde_json::Value) -> String
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let created = post(svc, admin, "/api/v1/api-keys", json!({"name": "narrow", "permissions": permissions}))
        .await
        .expect(201)
        .body;
    created["key"].as_str().unwrap().to_string()
}

loopdesk_persistence::both_backends!(a_narrow_key_cannot_become_admin, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let agent = post(&svc, &admin, "/api/v1/users", json!({"email": "li@test.local", "name": "李工", "password": "agent-password", "kind": "staff", "role": "agent"})).await.expect(201).body;
        let me = get(&svc, &admin, "/api/v1/me").await.expect(200).body;
        let key = key_with(&svc, &admin, json!(["users_manage", "users_read"])).await;
        let users_before = get(&svc, &admin, "/api/v1/users").await.expect(200).body["items"].as_array().unwrap().len();

        // Creating an admin, or anyone whose role holds more than the key: 403, nobody created.
        let made = post(&svc, &key, "/api/v1/users", json!({"email": "evil@test.local", "name": "x", "password": "evil-password-1", "kind": "staff", "role": "admin"})).await.expect_problem(403);
        assert!(made.body["detail"].as_str().unwrap().contains("api_keys_manage"), "{}", made.body);
        post(
            &svc,
            &key,
            "/api/v1/users",
            json!({"email": "a2@test.local", "name": "x", "kind": "staff", "role": "agent"}),
        )
        .await
        .expect_problem(403);
        let users_after = get(&svc, &admin, "/api/v1/users").await.expect(200).body["items"].as_array().unwrap().len();
        assert_eq!(users_before, users_after);

        // Promoting someone, or changing the password of a stronger account: 403, nothing changed.
        patch(&svc, &key, format!("/api/v1/users/{}", agent["id"]), json!({"role": "admin"})).await.expect_problem(403);
        assert_eq!(get(&svc, &admin, format!("/api/v1/users/{}", agent["id"])).await.expect(200).body["role"], "agent");
        patch(&svc, &key, format!("/api/v1/users/{}", me["id"]), json!({"password": "taken-over-123"}))
            .await
            .expect_problem(403);
        patch(&svc, &key, format!("/api/v1/users/{}", agent["id"]), json!({"password": "taken-over-123"}))
            .await
            .expect_problem(403);
        login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        login(&svc, "li@test.local", "agent-password").await;

        // A key cannot mint keys, and a person cannot grant a key more than they hold.
        post(&svc, &key, "/api/v1/api-keys", json!({"name": "full", "permissions": ["api_keys_manage"]}))
            .await
            .expect_problem(403);
        let supervisor = post(&svc, &admin, "/api/v1/users", json!({"email": "boss@test.local", "name": "主管", "password": "boss-password-1", "kind": "staff", "role": "supervisor"})).await.expect(201).body;
        let boss = login(&svc, "boss@test.local", "boss-password-1").await;
        patch(&svc, &boss, format!("/api/v1/users/{}", me["id"]), json!({"name": "降级"})).await.expect_problem(403);
        patch(&svc, &boss, format!("/api/v1/users/{}", supervisor["id"]), json!({"role": "admin"}))
            .await
            .expect_problem(403);
        assert_eq!(get(&svc, &admin, "/api/v1/me").await.expect(200).body["name"], me["name"]);

        // The admin, holding everything, still manages everyone.
        patch(&svc, &admin, format!("/api/v1/users/{}", agent["id"]), json!({"role": "supervisor"})).await.expect(200);
    })
});

loopdesk_persistence::both_backends!(a_key_cannot_change_its_owners_personal_state, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let me = get(&svc, &admin, "/api/v1/me").await.expect(200).body;
        let key =
            key_with(&svc, &admin, json!(["tickets_read_all", "tickets_create", "tickets_update", "users_read"])).await;
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "咨询", "fields": []})).await.expect(201).body;
        let ticket = post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "打印机"}))
            .await
            .expect(201)
            .body;

        put_json(&svc, &key, "/api/v1/me/availability", json!({"availability": "online"})).await.expect_problem(403);
        put_json(&svc, &key, "/api/v1/me/location", json!({"lat": 31.2, "lon": 121.5})).await.expect_problem(403);
        let agent = get(&svc, &admin, format!("/api/v1/agents/{}", me["id"])).await.expect(200).body;
        assert_eq!(agent["availability"], "offline");
        assert!(agent["position"].is_null(), "{agent}");
        let prefs = json!({"preferences": [{"kind": "mentioned", "in_app": false, "email": false}]});
        put_json(&svc, &key, "/api/v1/me/notification-preferences", prefs).await.expect_problem(403);
        let saved = get(&svc, &admin, "/api/v1/me/notification-preferences").await.expect(200).body;
        assert!(saved.as_array().unwrap().iter().all(|p| p["in_app"] == true));
        post(&svc, &key, "/api/v1/notifications/read", json!({})).await.expect_problem(403);
        post(&svc, &key, format!("/api/v1/tickets/{}/watchers", ticket["id"]), json!({})).await.expect_problem(403);
        let watchers = get(&svc, &admin, format!("/api/v1/tickets/{}/watchers", ticket["id"])).await.expect(200).body;
        assert_eq!(watchers["user_ids"], json!([]));

        // The person, in a session, still can.
        put_json(&svc, &admin, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200);
        post(&svc, &admin, format!("/api/v1/tickets/{}/watchers", ticket["id"]), json!({})).await.expect(200);
    })
});

loopdesk_persistence::both_backends!(a_read_only_key_cannot_accept_decline_or_claim_for_its_owner, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let me = get(&svc, &admin, "/api/v1/me").await.expect(200).body;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "外勤"})).await.expect(201).body;
        put(&svc, &admin, format!("/api/v1/groups/{}/members/{}", group["id"], me["id"])).await.expect(200);
        put_json(&svc, &admin, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200);
        let key = key_with(&svc, &admin, json!(["tickets_read_all", "users_read"])).await;
        let plain =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "咨询", "fields": []})).await.expect(201).body;
        let pooled_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "抢修", "fields": []})).await.expect(201).body;
        post(&svc, &admin, "/api/v1/routing-rules", json!({"name": "抢单",
            "conditions": [{"kind": "ticket_type", "type_ids": [pooled_type["id"]]}],
            "actions": [{"kind": "set_group", "group_id": group["id"]}, {"kind": "assign", "strategy": {"kind": "pool"}}]}))
        .await
        .expect(201);

        // Assigned to the key's owner: the key may read it, not accept or decline it.
        let mut assigned = vec![];
        for subject in ["打印机", "门禁"] {
            let ticket = post(&svc, &admin, "/api/v1/tickets", json!({"type_id": plain["id"], "subject": subject}))
                .await
                .expect(201)
                .body;
            let uri = format!("/api/v1/tickets/{}/assign", ticket["id"]);
            post(&svc, &admin, uri, json!({"assignee_id": me["id"]})).await.expect(200);
            assigned.push(ticket["id"].as_i64().unwrap());
        }
        let accept = format!("/api/v1/tickets/{}/accept", assigned[0]);
        let decline = format!("/api/v1/tickets/{}/decline", assigned[1]);
        post(&svc, &key, &accept, json!({})).await.expect_problem(403);
        post(&svc, &key, &decline, json!({"reason": "忙"})).await.expect_problem(403);
        for id in &assigned {
            let ticket = get(&svc, &key, format!("/api/v1/tickets/{id}")).await.expect(200).body;
            assert_eq!((&ticket["status"], &ticket["assignee_id"]), (&json!("assigned"), &me["id"]), "unchanged");
        }

        // In the pool of the owner's group: the key may not claim it.
        let pooled =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": pooled_type["id"], "subject": "水管爆裂"}))
                .await
                .expect(201)
                .body;
        let claim = format!("/api/v1/tickets/{}/claim", pooled["id"]);
        post(&svc, &key, &claim, json!({})).await.expect_problem(403);
        let still = get(&svc, &admin, format!("/api/v1/tickets/{}", pooled["id"])).await.expect(200).body;
        assert!(still["assignee_id"].is_null() && still["in_pool"] == true, "{still}");

        // The person, signed in, still can.
        post(&svc, &admin, &accept, json!({})).await.expect(200);
        post(&svc, &admin, &decline, json!({"reason": "忙"})).await.expect(200);
        post(&svc, &admin, &claim, json!({})).await.expect(200);
    })
});

loopdesk_persistence::both_backends!(a_key_cannot_read_its_owners_notifications, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = live_service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Notifications name tickets (number, subject); this key may not see a single ticket.
        let key = key_with(&svc, &admin, json!(["users_manage"])).await;
        get(&svc, &key, "/api/v1/tickets/1").await.expect_problem(404);
        for uri in ["/api/v1/notifications", "/api/v1/notifications/unread-count", "/api/v1/stream"] {
            let refused = get(&svc, &key, uri).await.expect_problem(403);
            assert!(refused.body["detail"].as_str().unwrap().contains("sign in"), "{uri}: {}", refused.body);
        }
        // The person, signed in, reads them.
        get(&svc, &admin, "/api/v1/notifications").await.expect(200);
        get(&svc, &admin, "/api/v1/notifications/unread-count").await.expect(200);
    })
});
