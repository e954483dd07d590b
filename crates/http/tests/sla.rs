//! Calendars and SLA policies over real HTTP, on SQLite and PostgreSQL: created, imported and applied to a new
//! ticket; staff see the clocks, customers never do; bad input is a 422 that saves nothing.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};

loopdesk_persistence::both_backends!(calendars_and_policies_over_http, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        post(&svc, &admin, "/api/v1/users", json!({"email": "wang@customer.test", "name": "王女士", "password": "customer-password", "kind": "customer", "role": "customer"})).await.expect(201);
        let customer = login(&svc, "wang@customer.test", "customer-password").await;

        let bad =
            post(&svc, &admin, "/api/v1/calendars", json!({"name": "坏", "time_zone": "Nowhere/City", "week": {}}))
                .await
                .expect_problem(422);
        assert!(bad.body["errors"]["time_zone"].is_array(), "{}", bad.body);
        let created = post(
            &svc,
            &admin,
            "/api/v1/calendars",
            json!({
                "name": "上海工作日", "time_zone": "Asia/Shanghai",
                "week": {"mon": [{"from": "09:00", "to": "18:00"}], "tue": [{"from": "09:00", "to": "18:00"}]}
            }),
        )
        .await
        .expect(201);
        let calendar = created.body["id"].as_i64().unwrap();
        assert_eq!(created.header("location").unwrap(), format!("/api/v1/calendars/{calendar}"));
        post(
            &svc,
            &admin,
            "/api/v1/calendars",
            json!({"name": "上海工作日", "time_zone": "Asia/Shanghai", "week": {"mon": [{"from": "09:00", "to": "18:00"}]}}),
        )
        .await
        .expect_problem(409);
        let imported = post(
            &svc,
            &admin,
            format!("/api/v1/calendars/{calendar}/import"),
            json!({"text": "[{\"date\": \"2026-10-01\", \"kind\": \"holiday\", \"name\": \"国庆节\"}]"}),
        )
        .await
        .expect(200)
        .body;
        assert_eq!(imported["holidays"], json!([{"date": "2026-10-01", "name": "国庆节"}]));
        post(&svc, &admin, format!("/api/v1/calendars/{calendar}/import"), json!({"text": "2026-02-30,holiday,x"}))
            .await
            .expect_problem(422);

        post(&svc, &admin, "/api/v1/sla-policies", json!({"name": "", "targets": {}})).await.expect_problem(422);
        post(
            &svc,
            &customer,
            "/api/v1/sla-policies",
            json!({"name": "x", "targets": {"low": {"resolution_minutes": 5}}}),
        )
        .await
        .expect_problem(403);
        get(&svc, &customer, "/api/v1/calendars").await.expect_problem(403);
        let policy = post(&svc, &admin, "/api/v1/sla-policies", json!({
            "name": "全部", "targets": {"normal": {"first_response_minutes": 60, "resolution_minutes": 480}}, "calendar_id": calendar
        }))
        .await
        .expect(201)
        .body;
        assert_eq!(policy["warn_at_percent"], 75);
        delete(&svc, &admin, format!("/api/v1/calendars/{calendar}")).await.expect_problem(409);

        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "咨询", "fields": []})).await.expect(201).body;
        let ticket =
            post(&svc, &customer, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "发票怎么开"}))
                .await
                .expect(201)
                .body;
        assert!(ticket.get("sla").is_none_or(Value::is_null), "customers do not see the clocks: {ticket}");
        let id = ticket["id"].as_i64().unwrap();
        let staff_view = get(&svc, &admin, format!("/api/v1/tickets/{id}")).await.expect(200).body;
        assert_eq!(staff_view["sla"]["policy_name"], "全部");
        assert_eq!(staff_view["sla"]["resolution"]["target_minutes"], 480);
        let events = send(
            &svc,
            TestRequest::get()
                .uri(&format!("/api/v1/tickets/{id}/events"))
                .insert_header(bearer(&admin))
                .insert_header(("Accept-Language", "zh-CN")),
        )
        .await
        .expect(200)
        .body;
        let notes: Vec<&str> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "sla")
            .map(|e| e["note"].as_str().unwrap())
            .collect();
        assert_eq!(notes, ["首次响应时限开始计时（目标 60 分钟）", "解决时限开始计时（目标 480 分钟）"]);
        let theirs = get(&svc, &customer, format!("/api/v1/tickets/{id}/events")).await.expect(200).body;
        assert!(theirs["items"].as_array().unwrap().iter().all(|e| e["kind"] != "sla"));
        get(&svc, &admin, "/api/v1/tickets?overdue=true&sort=due_at").await.expect(200);
        let second = post(
            &svc,
            &admin,
            "/api/v1/sla-policies",
            json!({"name": "第二", "targets": {"low": {"resolution_minutes": 60}}}),
        )
        .await
        .expect(201)
        .body;
        let (first_id, second_id) = (policy["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());
        post(&svc, &admin, "/api/v1/sla-policies/order", json!({"policy_ids": [second_id, second_id]}))
            .await
            .expect_problem(422);
        post(&svc, &admin, "/api/v1/sla-policies/order", json!({"policy_ids": [second_id]})).await.expect_problem(422);
        let order = post(&svc, &admin, "/api/v1/sla-policies/order", json!({"policy_ids": [second_id, first_id]}))
            .await
            .expect(200)
            .body;
        assert_eq!(
            order.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>(),
            [second_id, first_id]
        );
        get(&svc, &admin, "/api/v1/tickets?sort=due").await.expect_problem(422);
    });
});
