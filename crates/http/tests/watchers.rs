//! Watchers and notification preferences over real HTTP, on SQLite and PostgreSQL, including the refused cases.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

loopdesk_persistence::both_backends!(watchers_and_preferences_over_http, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "售后"})).await.expect(201).body;
        let agent = post(&svc, &admin, "/api/v1/users", json!({"email": "li@test.local", "name": "李工", "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201).body;
        post(&svc, &admin, "/api/v1/users", json!({"email": "wang@customer.test", "name": "王女士", "password": "customer-password", "kind": "customer", "role": "customer"})).await.expect(201);
        let token = login(&svc, "li@test.local", "agent-password").await;
        let customer = login(&svc, "wang@customer.test", "customer-password").await;
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "咨询", "fields": []})).await.expect(201).body;
        let ticket = post(&svc, &customer, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "发票"}))
            .await
            .expect(201)
            .body;
        let id = ticket["id"].as_i64().unwrap();
        post(&svc, &admin, format!("/api/v1/tickets/{id}/assign"), json!({"group_id": group["id"]})).await.expect(200);

        // Watch with no body (yourself); a broken body is refused; customers cannot watch.
        let bare = TestRequest::post().uri(&format!("/api/v1/tickets/{id}/watchers")).insert_header(bearer(&token));
        assert_eq!(send(&svc, bare).await.expect(200).body["user_ids"], json!([agent["id"]]));
        post(&svc, &token, format!("/api/v1/tickets/{id}/watchers"), json!({"user_id": "x"})).await.expect_problem(422);
        post(&svc, &customer, format!("/api/v1/tickets/{id}/watchers"), json!({})).await.expect_problem(403);
        get(&svc, &customer, format!("/api/v1/tickets/{id}/watchers")).await.expect_problem(404);
        let after =
            delete(&svc, &token, format!("/api/v1/tickets/{id}/watchers/{}", agent["id"])).await.expect(200).body;
        assert_eq!(after["user_ids"], json!([]));

        // Preferences: every kind listed with its default; a repeated kind is a 422.
        let prefs = get(&svc, &token, "/api/v1/me/notification-preferences").await.expect(200).body;
        assert!(prefs.as_array().unwrap().iter().all(|p| p["in_app"] == true && p["email"] == true));
        let twice = json!({"preferences": [{"kind": "mentioned", "in_app": true, "email": false}, {"kind": "mentioned", "in_app": false, "email": false}]});
        put_json(&svc, &token, "/api/v1/me/notification-preferences", twice).await.expect_problem(422);
        let once = json!({"preferences": [{"kind": "mentioned", "in_app": true, "email": false}]});
        let saved = put_json(&svc, &token, "/api/v1/me/notification-preferences", once).await.expect(200).body;
        let mentioned = saved.as_array().unwrap().iter().find(|p| p["kind"] == "mentioned").unwrap().clone();
        assert_eq!(mentioned["email"], false);

        // Channels and deliveries are for channels_manage.
        post(
            &svc,
            &token,
            "/api/v1/notification-channels",
            json!({"name": "群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/x"}),
        )
        .await
        .expect_problem(403);
        post(&svc, &admin, "/api/v1/notification-channels", json!({"name": "群", "kind": "wecom", "url": "not a url"}))
            .await
            .expect_problem(422);
        let created = post(&svc, &admin, "/api/v1/notification-channels", json!({"name": "群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x", "secret": "SEC1"})).await.expect(201).body;
        assert_eq!(
            (created["signed"].as_bool(), created.get("secret")),
            (Some(true), None),
            "the secret is never shown"
        );
        get(&svc, &admin, "/api/v1/deliveries?status=lost").await.expect_problem(422);
        get(&svc, &token, "/api/v1/deliveries").await.expect_problem(403);
        post(&svc, &admin, "/api/v1/deliveries/999/retry", json!({})).await.expect_problem(409);
    });
});

loopdesk_persistence::both_backends!(only_staff_can_be_made_watchers, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let customer = post(&svc, &admin, "/api/v1/users", json!({"email": "wang@customer.test", "name": "王女士", "password": "customer-password", "kind": "customer", "role": "customer"})).await.expect(201).body;
        let customer_token = login(&svc, "wang@customer.test", "customer-password").await;
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "咨询", "fields": []})).await.expect(201).body;
        let ticket =
            post(&svc, &customer_token, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "发票"}))
                .await
                .expect(201)
                .body;
        let id = ticket["id"].as_i64().unwrap();

        // The requester can see the ticket, but a customer is no watcher: watchers hear of internal activity.
        let refused = post(&svc, &admin, format!("/api/v1/tickets/{id}/watchers"), json!({"user_id": customer["id"]}))
            .await
            .expect_problem(422);
        assert_eq!(refused.body["errors"]["user_id"], json!(["must be staff who can see this ticket"]));
        let watchers = get(&svc, &admin, format!("/api/v1/tickets/{id}/watchers")).await.expect(200).body;
        assert_eq!(watchers["user_ids"], json!([]));
    })
});
