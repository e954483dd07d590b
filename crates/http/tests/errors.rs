//! Hostile and malformed requests get clear problem+json answers, never a 5xx,
//! and change nothing.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

loopdesk_persistence::both_backends!(malformed_requests_get_problems, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let unknown = get(&svc, &admin, "/api/v1/nope").await.expect_problem(404);
        assert!(unknown.body["detail"].as_str().unwrap().contains("/api/v1/nope"));
        get(&svc, &admin, "/api/v1/tickets/not-a-number").await.expect_problem(404);
        get(&svc, &admin, "/api/v1/tickets/999999").await.expect_problem(404);

        let malformed = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"subject\": "),
        )
        .await
        .expect_problem(400);
        assert!(malformed.body["detail"].as_str().unwrap().contains("not valid JSON"));
        send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("content-type", "text/plain"))
                .set_payload("subject=x"),
        )
        .await
        .expect_problem(415);
        let huge = format!("{{\"subject\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
        send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("content-type", "application/json"))
                .set_payload(huge),
        )
        .await
        .expect_problem(413);
        let missing = post(&svc, &admin, "/api/v1/tickets", json!({"subject": "no type"})).await.expect_problem(422);
        assert_eq!(missing.body["errors"]["type_id"], json!(["is required"]));
        let wrong_type =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": "one", "subject": "x"})).await.expect_problem(422);
        assert_eq!(wrong_type.body["errors"]["type_id"], json!(["invalid type: string \"one\", expected i64"]));
        post(&svc, &admin, "/api/v1/tickets", json!({"type_id": 1, "subject": "x", "priority": "apocalyptic"}))
            .await
            .expect_problem(422);
        get(&svc, &admin, "/api/v1/tickets?limit=abc").await.expect_problem(400);
        get(&svc, &admin, "/api/v1/tickets?created_from=yesterday").await.expect_problem(400);
        delete(&svc, &admin, "/api/v1/tickets").await.expect_problem(405);
        send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("Idempotency-Key", "has spaces"))
                .set_json(json!({"type_id": 1, "subject": "x"})),
        )
        .await
        .expect_problem(400);

        // Nothing above created anything.
        let list = get(&svc, &admin, "/api/v1/tickets").await.expect(200).body;
        assert_eq!(list["items"], json!([]));
    })
});

loopdesk_persistence::both_backends!(unauthenticated_and_forbidden_are_distinct, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let none = send(&svc, TestRequest::get().uri("/api/v1/tickets")).await.expect_problem(401);
        assert!(none.header("www-authenticate").unwrap().starts_with("Bearer"));
        send(&svc, TestRequest::get().uri("/api/v1/tickets").insert_header(("Authorization", "Basic abc")))
            .await
            .expect_problem(401);
        get(&svc, "eyJhbGciOiJIUzI1NiJ9.e30.forged", "/api/v1/tickets").await.expect_problem(401);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        post(&svc, &admin, "/api/v1/users", json!({ "email": "c@test.local", "name": "C", "password": "customer-pass", "kind": "customer", "role": "customer" })).await.expect(201);
        let customer = login(&svc, "c@test.local", "customer-pass").await;
        get(&svc, &customer, "/api/v1/api-keys").await.expect_problem(403);
    })
});

loopdesk_persistence::both_backends!(operations_endpoints_and_request_ids, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let health = send(&svc, TestRequest::get().uri("/healthz")).await.expect(200);
        assert_eq!(health.body["status"], "ok");
        let ready = send(&svc, TestRequest::get().uri("/readyz")).await.expect(200);
        assert!(ready.header("x-request-id").is_some_and(|id| id.len() >= 16));
        let echoed =
            send(&svc, TestRequest::get().uri("/healthz").insert_header(("x-request-id", "trace-abc-123"))).await;
        assert_eq!(echoed.header("x-request-id").as_deref(), Some("trace-abc-123"));
        let hostile =
            send(&svc, TestRequest::get().uri("/healthz").insert_header(("x-request-id", "bad id\twith spaces"))).await;
        assert_ne!(hostile.header("x-request-id").as_deref(), Some("bad id\twith spaces"));
        // Unknown non-API paths without a built SPA are 404 problems too.
        send(&svc, TestRequest::get().uri("/tickets/42")).await.expect_problem(404);
    })
});

loopdesk_persistence::both_backends!(a_member_that_does_not_fit_is_reported_under_its_path, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let calendar = |holidays: serde_json::Value, from: serde_json::Value| {
            json!({"name": "上海工作日", "time_zone": "Asia/Shanghai",
                   "week": {"mon": [{"from": from, "to": "18:00"}]}, "holidays": holidays})
        };

        let impossible = post(
            &svc,
            &admin,
            "/api/v1/calendars",
            calendar(json!([{"date": "2026-10-01", "name": "国庆节"}, {"date": "2027-02-30"}]), json!("09:00")),
        )
        .await
        .expect_problem(422);
        assert_eq!(
            impossible.body["errors"],
            json!({"holidays[1].date": ["is not a valid date or time (input is out of range)"]}),
            "{}",
            impossible.body
        );
        let wrong_type =
            post(&svc, &admin, "/api/v1/calendars", calendar(json!([]), json!(9))).await.expect_problem(422);
        assert_eq!(
            wrong_type.body["errors"],
            json!({"week.mon[0].from": ["invalid type: integer `9`, expected a string"]}),
            "{}",
            wrong_type.body
        );
        let missing = post(&svc, &admin, "/api/v1/calendars", calendar(json!([{"name": "国庆节"}]), json!("09:00")))
            .await
            .expect_problem(422);
        assert_eq!(missing.body["errors"], json!({"holidays[0].date": ["is required"]}), "{}", missing.body);
        let ticket = post(&svc, &admin, "/api/v1/tickets", json!({"type_id": 1, "subject": "x", "tags": ["a", 2]}))
            .await
            .expect_problem(422);
        assert_eq!(ticket.body["errors"], json!({"tags[1]": ["invalid type: integer `2`, expected a string"]}));

        // Nothing was created.
        let calendars = get(&svc, &admin, "/api/v1/calendars").await.expect(200).body;
        assert_eq!(
            calendars["items"].as_array().map(Vec::len).unwrap_or_else(|| calendars.as_array().unwrap().len()),
            0
        );
    })
});
