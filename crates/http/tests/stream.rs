//! The live stream over real HTTP, on SQLite and PostgreSQL: a browser's EventSource gets `ready`, then its own
//! notifications as they are written, and nobody else's.

mod common;

use std::pin::Pin;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

/// The next chunk of a streaming body, within `limit`.
async fn next_chunk<B: MessageBody + Unpin>(body: &mut B, limit: Duration) -> String
where
    B::Error: std::fmt::Debug,
{
    let chunk = tokio::time::timeout(limit, futures_util::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)))
        .await
        .expect("a chunk in time")
        .expect("the stream is open")
        .expect("a readable chunk");
    String::from_utf8_lossy(&chunk).into_owned()
}

loopdesk_persistence::both_backends!(the_stream_delivers_your_notifications_as_they_happen, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = live_service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "值班"})).await.expect(201).body;
        let mut tokens = vec![];
        for email in ["a@test.local", "b@test.local"] {
            post(&svc, &admin, "/api/v1/users", json!({"email": email, "name": email, "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201);
            let token = login(&svc, email, "agent-password").await;
            put_json(&svc, &token, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200);
            tokens.push(token);
        }
        post(
            &svc,
            &admin,
            "/api/v1/routing-rules",
            json!({"name": "轮流", "actions": [
                {"kind": "set_group", "group_id": group["id"]}, {"kind": "assign", "strategy": {"kind": "round_robin"}}
            ]}),
        )
        .await
        .expect(201);
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "告警", "fields": []})).await.expect(201).body;

        // Without a credential: 401; with the token in the query (EventSource cannot send headers): the stream.
        send(&svc, TestRequest::get().uri("/api/v1/stream")).await.expect_problem(401);
        let request = TestRequest::get().uri(&format!("/api/v1/stream?access_token={}", tokens[1])).to_request();
        let response = actix_web::test::call_service(&svc, request).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("content-type").unwrap(), "text/event-stream");
        let mut body = response.into_body();
        let ready = next_chunk(&mut body, Duration::from_secs(5)).await;
        assert!(ready.starts_with("event: ready\ndata: {\"unread\":0}"), "{ready}");

        // The first ticket goes to a@, the second to b@: b@'s stream carries only the second.
        let first = post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "磁盘告警"}))
            .await
            .expect(201)
            .body;
        let second =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "内存告警"}))
                .await
                .expect(201)
                .body;
        assert_ne!(first["assignee_id"], second["assignee_id"]);
        let event = next_chunk(&mut body, Duration::from_secs(10)).await;
        assert!(event.starts_with("event: notification\ndata: "), "{event}");
        let data: serde_json::Value = serde_json::from_str(event.trim_end().split_once("data: ").unwrap().1).unwrap();
        assert_eq!(data["ticket_id"], second["id"], "{event}");
        assert_eq!(data["kind"], "ticket_assigned");
    });
});

loopdesk_persistence::both_backends!(without_a_live_feed_the_stream_says_so, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        get(&svc, &admin, "/api/v1/stream").await.expect_problem(503);
    });
});

loopdesk_persistence::both_backends!(signing_out_ends_the_stream, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = live_service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let agent = post(&svc, &admin, "/api/v1/users", json!({"email": "a@test.local", "name": "阿强", "password": "agent-password", "kind": "staff", "role": "agent"})).await.expect(201).body;
        let tokens = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": "a@test.local", "password": "agent-password"})),
        )
        .await
        .expect(200)
        .body;
        let access = tokens["access_token"].as_str().unwrap().to_string();
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "告警", "fields": []})).await.expect(201).body;

        let request = TestRequest::get().uri(&format!("/api/v1/stream?access_token={access}")).to_request();
        let response = actix_web::test::call_service(&svc, request).await;
        assert_eq!(response.status(), 200);
        let mut body = response.into_body();
        assert!(next_chunk(&mut body, Duration::from_secs(5)).await.starts_with("event: ready"));

        post(&svc, &access, "/api/v1/auth/logout", json!({"refresh_token": tokens["refresh_token"]})).await.expect(204);
        // A ticket for the signed-out agent: the stream ends instead of delivering its notification.
        let ticket =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "磁盘告警"}))
                .await
                .expect(201)
                .body;
        post(&svc, &admin, format!("/api/v1/tickets/{}/assign", ticket["id"]), json!({"assignee_id": agent["id"]}))
            .await
            .expect(200);
        let next = tokio::time::timeout(
            Duration::from_secs(10),
            futures_util::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)),
        )
        .await
        .expect("the stream answers in time");
        assert!(next.is_none(), "the stream went on after sign-out: {:?}", next.map(|c| c.map(|b| b.len())));
    })
});

loopdesk_persistence::both_backends!(the_events_have_the_shape_the_document_gives_them, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = live_service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let request = TestRequest::get().uri("/api/v1/stream").insert_header(bearer(&admin)).to_request();
        let response = actix_web::test::call_service(&svc, request).await;
        assert_eq!(response.status().as_u16(), 200);
        let mut body = response.into_body();
        let chunk = next_chunk(&mut body, Duration::from_secs(5)).await;
        // What an event-stream parser (a browser's EventSource, a contract checker) makes of the first event.
        let mut event = serde_json::Map::new();
        for line in chunk.lines().filter(|l| !l.is_empty()) {
            let (field, value) = line.split_once(": ").expect("field: value");
            event.insert(field.to_string(), json!(value));
        }

        let doc: serde_json::Value = serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
        let schema =
            &doc["paths"]["/api/v1/stream"]["get"]["responses"]["200"]["content"]["text/event-stream"]["schema"];
        let name = schema["$ref"].as_str().expect("the stream's events are a named schema").rsplit('/').next().unwrap();
        let schema = &doc["components"]["schemas"][name];
        assert_eq!(schema["type"], "object", "{schema}");
        for required in schema["required"].as_array().unwrap() {
            assert!(event.contains_key(required.as_str().unwrap()), "the event lacks {required}: {event:?}");
        }
        for (field, value) in &event {
            assert_eq!(schema["properties"][field]["type"], "string", "{field} is not documented as a string");
            assert!(value.is_string());
        }
        assert_eq!(event["event"], "ready");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(event["data"].as_str().unwrap()).unwrap(),
            json!({"unread": 0})
        );
    })
});
