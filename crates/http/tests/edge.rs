//! What every API request must satisfy before a handler runs. Control characters and direction overrides never
//! get in: a NUL, an escape or a U+202E anywhere in a body or a
//! query string is a 422 that names the field and changes nothing, on both databases (PostgreSQL used to answer
//! a NUL with a 500, SQLite stored it). Tabs and line breaks are text.

mod common;

use common::*;
use serde_json::json;

loopdesk_persistence::both_backends!(control_characters_are_refused_by_field_and_change_nothing, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let ticket_type = post(
            &svc,
            &admin,
            "/api/v1/ticket-types",
            json!({"name": "报修", "fields": [{"key": "asset_no", "label": "设备编号", "kind": "text"}]}),
        )
        .await
        .expect(201)
        .body;
        let type_id = ticket_type["id"].clone();

        let nul_subject =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": type_id, "subject": "空调\u{0}不制冷"}))
                .await
                .expect_problem(422);
        assert_eq!(nul_subject.body["errors"]["subject"], json!(["must not contain control characters (U+0000)"]));

        let nested = post(
            &svc,
            &admin,
            "/api/v1/tickets",
            json!({"type_id": type_id, "subject": "ok", "tags": ["a", "b\u{1b}"],
                   "custom_fields": {"asset_no": "AC\u{7}"}, "external_id": "crm-\u{0}"}),
        )
        .await
        .expect_problem(422);
        let fields: Vec<&String> = nested.body["errors"].as_object().unwrap().keys().collect();
        assert_eq!(fields, ["custom_fields.asset_no", "external_id", "tags[1]"]);

        let reversed =
            post(&svc, &admin, "/api/v1/tickets", json!({"type_id": type_id, "subject": "invoice\u{202e}fdp.exe"}))
                .await
                .expect_problem(422);
        assert_eq!(
            reversed.body["errors"]["subject"],
            json!(["must not contain invisible direction controls (U+202E)"])
        );

        let login_nul = send(
            &svc,
            actix_web::test::TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": "admin@test.local\u{0}", "password": ADMIN_PASSWORD})),
        )
        .await
        .expect_problem(422);
        assert!(login_nul.body["errors"]["email"].is_array());

        get(&svc, &admin, "/api/v1/tickets?q=%00").await.expect_problem(422);
        let query = get(&svc, &admin, "/api/v1/tickets?tag=ok&cf.asset_no=AC%1B").await.expect_problem(422);
        assert!(query.body["errors"]["cf.asset_no"].is_array(), "{}", query.body);
        get(&svc, &admin, "/api/v1/users?q=li%C2%85").await.expect_problem(422);

        // Nothing above was created; text with line breaks, tabs and Chinese is welcome.
        let list = get(&svc, &admin, "/api/v1/tickets").await.expect(200).body;
        assert_eq!(list["items"], json!([]));
        let fine = post(
            &svc,
            &admin,
            "/api/v1/tickets",
            json!({"type_id": type_id, "subject": "3 号楼空调不制冷", "description": "第一行\n\t第二行\r\n"}),
        )
        .await
        .expect(201)
        .body;
        let id = fine["id"].as_i64().unwrap();
        let comment = post(&svc, &admin, &format!("/api/v1/tickets/{id}/comments"), json!({"body": "已处理\u{0}"}))
            .await
            .expect_problem(422);
        assert!(comment.body["errors"]["body"].is_array());
        let comments = get(&svc, &admin, format!("/api/v1/tickets/{id}/comments")).await.expect(200).body;
        assert_eq!(comments["items"], json!([]));
    })
});

loopdesk_persistence::both_backends!(a_body_must_be_a_json_object, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let org = post(&svc, &admin, "/api/v1/organizations", json!({"name": "华东客户", "shared_ticket_view": false}))
            .await
            .expect(201)
            .body;
        let id = org["id"].as_i64().unwrap();

        // serde reads a struct from an array: ["x", true] used to rename the organisation and flip its flag.
        let flipped =
            patch(&svc, &admin, format!("/api/v1/organizations/{id}"), json!(["x", true])).await.expect_problem(422);
        assert_eq!(flipped.body["errors"]["body"], json!(["must be a JSON object"]));
        let unchanged = get(&svc, &admin, format!("/api/v1/organizations/{id}")).await.expect(200).body;
        assert_eq!(
            (unchanged["name"].as_str(), unchanged["shared_ticket_view"].as_bool()),
            (Some("华东客户"), Some(false))
        );

        let by_position = send(
            &svc,
            actix_web::test::TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!([ADMIN_EMAIL, ADMIN_PASSWORD])),
        )
        .await
        .expect_problem(422);
        assert!(by_position.body.get("access_token").is_none());
        post(&svc, &admin, "/api/v1/tickets", json!("a string")).await.expect_problem(422);
        post(&svc, &admin, "/api/v1/tickets", json!(42)).await.expect_problem(422);
    })
});

loopdesk_persistence::both_backends!(a_method_the_path_lacks_is_a_405_with_allow_from_the_routes, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let cases = [
            (actix_web::test::TestRequest::delete().uri("/api/v1/tickets"), "/api/v1/tickets", "GET, POST"),
            (actix_web::test::TestRequest::put().uri("/api/v1/tickets/7"), "/api/v1/tickets/{id}", "GET, PATCH"),
            (
                actix_web::test::TestRequest::delete().uri("/api/v1/tickets/7/comments"),
                "/api/v1/tickets/{id}/comments",
                "GET, POST",
            ),
            (actix_web::test::TestRequest::get().uri("/api/v1/auth/login"), "/api/v1/auth/login", "POST"),
            (actix_web::test::TestRequest::post().uri("/healthz"), "/healthz", "GET"),
        ];
        let committed: serde_json::Value = serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
        for (request, template, expected) in cases {
            let reply = send(&svc, request.insert_header(bearer(&admin))).await.expect_problem(405);
            assert_eq!(reply.header("allow").as_deref(), Some(expected), "{template}");
            assert!(reply.body["detail"].as_str().unwrap().contains(expected), "{}", reply.body);
            // The header says what the document says the path supports.
            let mut documented: Vec<String> =
                committed["paths"][template].as_object().unwrap().keys().map(|m| m.to_ascii_uppercase()).collect();
            let mut allowed: Vec<String> = expected.split(", ").map(str::to_string).collect();
            documented.sort();
            allowed.sort();
            assert_eq!(allowed, documented, "{template}");
        }
        let unknown = get(&svc, &admin, "/api/v1/no-such-thing").await.expect_problem(404);
        assert!(unknown.header("allow").is_none());
    })
});

loopdesk_persistence::both_backends!(a_head_above_64_kib_is_a_431_problem_and_changes_nothing, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "报修", "fields": []})).await.expect(201).body;
        let huge = "x".repeat(100 * 1024);
        let refused = send(
            &svc,
            actix_web::test::TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(bearer(&admin))
                .insert_header(("X-Trace", huge.as_str()))
                .set_json(json!({"type_id": ticket_type["id"], "subject": "空调不制冷"})),
        )
        .await
        .expect_problem(431);
        assert!(refused.body["detail"].as_str().unwrap().contains("65536"), "{}", refused.body);
        assert!(refused.header("x-request-id").is_some());
        send(&svc, actix_web::test::TestRequest::get().uri("/healthz").insert_header(("Cookie", huge.as_str())))
            .await
            .expect_problem(431);
        // Below the limit a large header is served.
        let fine = "y".repeat(60 * 1024);
        send(&svc, actix_web::test::TestRequest::get().uri("/healthz").insert_header(("Cookie", fine.as_str())))
            .await
            .expect(200);
        let list = get(&svc, &admin, "/api/v1/tickets").await.expect(200).body;
        assert_eq!(list["items"], json!([]));
    })
});
