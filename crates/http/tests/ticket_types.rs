//! Ticket types and their custom-field definitions over HTTP, on both backends.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};

const PASSWORD: &str = "password-1234";

fn repair_type(group_id: Option<i64>) -> Value {
    json!({
        "name": "设备报修",
        "description": "空调、电梯等设备故障",
        "default_priority": "high",
        "default_group_id": group_id,
        "fields": [
            {"key": "asset_no", "label": "资产编号", "kind": "text", "required": true, "customer_visible": true},
            {"key": "fault", "label": "故障类型", "kind": "select", "options": ["不制冷", "漏水", "异响"], "customer_visible": true},
            {"key": "floor", "label": "楼层", "kind": "number", "customer_visible": true},
            {"key": "visit_date", "label": "上门日期", "kind": "date"},
            {"key": "engineer", "label": "负责工程师", "kind": "user"},
            {"key": "root_cause", "label": "根本原因", "kind": "long_text"}
        ]
    })
}

fn keys(ticket_type: &Value) -> Vec<String> {
    ticket_type["fields"].as_array().expect("fields").iter().map(|f| f["key"].as_str().unwrap().to_string()).collect()
}

async fn customer_token<S, B>(svc: &S, admin: &str) -> String
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    post(svc, admin, "/api/v1/users", json!({ "email": "wang@hd-power.example.com", "name": "王经理", "password": PASSWORD, "kind": "customer", "role": "customer" }))
    .await
    .expect(201);
    login(svc, "wang@hd-power.example.com", PASSWORD).await
}

loopdesk_persistence::both_backends!(ticket_type_fields_round_trip, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "售后二组"})).await.expect(201);
        let group_id = group.body["id"].as_i64().unwrap();

        let input = repair_type(Some(group_id));
        let created = post(&svc, &admin, "/api/v1/ticket-types", &input).await.expect(201);
        let id = created.body["id"].as_i64().unwrap();
        assert_eq!(created.header("location").as_deref(), Some(format!("/api/v1/ticket-types/{id}").as_str()));
        assert_eq!(created.body["name"], "设备报修");
        assert_eq!(created.body["default_priority"], "high");
        assert_eq!(created.body["default_group_id"], group_id);
        assert_eq!(created.body["active"], true);

        // Every definition comes back as sent, with defaults filled in.
        let fetched = get(&svc, &admin, format!("/api/v1/ticket-types/{id}")).await.expect(200);
        for got in [&created.body, &fetched.body] {
            let fields = got["fields"].as_array().unwrap();
            let sent = input["fields"].as_array().unwrap();
            assert_eq!(fields.len(), sent.len());
            for (got, sent) in fields.iter().zip(sent) {
                for member in ["key", "label", "kind"] {
                    assert_eq!(got[member], sent[member], "{member} of {}", sent["key"]);
                }
                assert_eq!(got["required"], sent.get("required").cloned().unwrap_or(json!(false)));
                assert_eq!(got["customer_visible"], sent.get("customer_visible").cloned().unwrap_or(json!(false)));
                assert_eq!(got["options"], sent.get("options").cloned().unwrap_or(json!([])));
            }
        }

        post(&svc, &admin, "/api/v1/ticket-types", &input).await.expect_problem(409);

        // PATCH replaces the definitions; absent members stay.
        let patched = patch(&svc, &admin, format!("/api/v1/ticket-types/{id}"), json!({ "fields": [ {"key": "asset_no", "label": "资产编号", "kind": "text", "required": true, "customer_visible": true}, {"key": "symptoms", "label": "现象", "kind": "multi_select", "options": ["不制冷", "漏水"], "customer_visible": true}, {"key": "occurred_at", "label": "发生时间", "kind": "datetime"} ], "default_group_id": null }))
        .await
        .expect(200);
        assert_eq!(keys(&patched.body), ["asset_no", "symptoms", "occurred_at"]);
        assert_eq!(patched.body["name"], "设备报修");
        assert!(patched.body["default_group_id"].is_null());
        assert_eq!(patched.body["fields"][1]["options"], json!(["不制冷", "漏水"]));

        let listed = get(&svc, &admin, "/api/v1/ticket-types").await.expect(200);
        assert_eq!(listed.body.as_array().unwrap().len(), 1);
        assert_eq!(keys(&listed.body[0]), ["asset_no", "symptoms", "occurred_at"]);

        get(&svc, &admin, "/api/v1/ticket-types/999999").await.expect_problem(404);
        send(&svc, TestRequest::get().uri("/api/v1/ticket-types")).await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(invalid_definitions_are_422_by_field, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let no_options = post(&svc, &admin, "/api/v1/ticket-types", json!({ "name": "设备报修", "fields": [{"key": "fault", "label": "故障类型", "kind": "select", "options": []}] }))
        .await
        .expect_problem(422);
        assert!(no_options.body["errors"]["fields[0].options"].is_array(), "{}", no_options.body);

        let several = post(&svc, &admin, "/api/v1/ticket-types", json!({ "name": " ", "default_group_id": 999999, "fields": [ {"key": "floor", "label": "楼层", "kind": "number", "options": ["1"]}, {"key": "Bad Key", "label": "", "kind": "text"}, {"key": "floor", "label": "再次", "kind": "text"} ] }))
        .await
        .expect_problem(422);
        for field in
            ["name", "default_group_id", "fields[0].options", "fields[1].key", "fields[1].label", "fields[2].key"]
        {
            assert!(several.body["errors"][field].is_array(), "missing errors[{field:?}]: {}", several.body);
        }

        let unknown_kind = post(
            &svc,
            &admin,
            "/api/v1/ticket-types",
            json!({ "name": "设备报修", "fields": [{"key": "x", "label": "X", "kind": "colour"}] }),
        )
        .await
        .expect_problem(422);
        assert!(unknown_kind.body["errors"].is_object());

        let created = post(&svc, &admin, "/api/v1/ticket-types", repair_type(None)).await.expect(201);
        let id = created.body["id"].as_i64().unwrap();
        let bad_patch = patch(
            &svc,
            &admin,
            format!("/api/v1/ticket-types/{id}"),
            json!({ "fields": [{"key": "fault", "label": "故障类型", "kind": "select", "options": ["漏水", "漏水"]}] }),
        )
        .await
        .expect_problem(422);
        assert!(bad_patch.body["errors"]["fields[0].options"].is_array(), "{}", bad_patch.body);
        // Nothing was stored.
        let unchanged = get(&svc, &admin, format!("/api/v1/ticket-types/{id}")).await.expect(200);
        assert_eq!(keys(&unchanged.body), keys(&created.body));
    })
});

loopdesk_persistence::both_backends!(customers_see_active_types_and_visible_fields, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let customer = customer_token(&svc, &admin).await;

        let repair = post(&svc, &admin, "/api/v1/ticket-types", repair_type(None)).await.expect(201);
        let repair_id = repair.body["id"].as_i64().unwrap();
        let retired =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "旧版报修", "fields": []})).await.expect(201);
        let retired_id = retired.body["id"].as_i64().unwrap();
        let off = patch(&svc, &admin, format!("/api/v1/ticket-types/{retired_id}"), json!({"active": false}))
            .await
            .expect(200);
        assert_eq!(off.body["active"], false);

        // Customers: only customer-visible fields, never inactive types.
        let listed = get(&svc, &customer, "/api/v1/ticket-types?include_inactive=true").await.expect(200);
        let types = listed.body.as_array().unwrap();
        assert_eq!(types.len(), 1, "{}", listed.body);
        assert_eq!(keys(&types[0]), ["asset_no", "fault", "floor"]);
        let one = get(&svc, &customer, format!("/api/v1/ticket-types/{repair_id}")).await.expect(200);
        assert_eq!(keys(&one.body), ["asset_no", "fault", "floor"]);
        get(&svc, &customer, format!("/api/v1/ticket-types/{retired_id}")).await.expect_problem(404);
        post(&svc, &customer, "/api/v1/ticket-types", json!({"name": "客户自建"})).await.expect_problem(403);
        patch(&svc, &customer, format!("/api/v1/ticket-types/{repair_id}"), json!({"name": "改名"}))
            .await
            .expect_problem(403);

        // Staff: everything, inactive types on request.
        let active_only = get(&svc, &admin, "/api/v1/ticket-types").await.expect(200);
        assert_eq!(active_only.body.as_array().unwrap().len(), 1);
        assert_eq!(keys(&active_only.body[0]).len(), 6);
        let all = get(&svc, &admin, "/api/v1/ticket-types?include_inactive=true").await.expect(200);
        assert_eq!(all.body.as_array().unwrap().len(), 2);
        get(&svc, &admin, "/api/v1/ticket-types?include_inactive=maybe").await.expect_problem(400);
    })
});

loopdesk_persistence::both_backends!(internal_field_definitions_need_internal_rights, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        post(
            &svc,
            &admin,
            "/api/v1/ticket-types",
            json!({"name": "设备报修", "fields": [
                {"key": "asset_no", "label": "设备编号", "kind": "text", "customer_visible": true},
                {"key": "parts_cost", "label": "配件成本", "kind": "number", "customer_visible": false}
            ]}),
        )
        .await
        .expect(201);
        let keys = |types: &serde_json::Value| -> Vec<String> {
            types[0]["fields"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(keys(&get(&svc, &admin, "/api/v1/ticket-types").await.expect(200).body), ["asset_no", "parts_cost"]);

        // A system key that may read tickets but not internal content sees what it would see on a ticket.
        let key = post(&svc, &admin, "/api/v1/api-keys", json!({"name": "CRM", "permissions": ["tickets_read_all"]}))
            .await
            .expect(201)
            .body["key"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(keys(&get(&svc, &key, "/api/v1/ticket-types").await.expect(200).body), ["asset_no"]);
    })
});
