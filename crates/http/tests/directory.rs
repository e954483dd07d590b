//! Users, roles, groups and organisations over HTTP, on both backends.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};

const PASSWORD: &str = "password-1234";

fn ids(value: &Value) -> Vec<i64> {
    value.as_array().expect("an array of ids").iter().map(|v| v.as_i64().expect("an id")).collect()
}

loopdesk_persistence::both_backends!(admin_builds_the_directory_and_roles_are_enforced, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let group = post(&svc, &admin, "/api/v1/groups", json!({"name": "售后二组", "description": "华东区售后服务"}))
            .await
            .expect(201);
        let group_id = group.body["id"].as_i64().unwrap();
        assert_eq!(group.body["name"], "售后二组");
        assert_eq!(group.body["member_ids"], json!([]));
        assert_eq!(group.header("location").as_deref(), Some(format!("/api/v1/groups/{group_id}").as_str()));

        let org = post(
            &svc,
            &admin,
            "/api/v1/organizations",
            json!({"name": "华东电力有限公司", "shared_ticket_view": true}),
        )
        .await
        .expect(201);
        let org_id = org.body["id"].as_i64().unwrap();
        assert_eq!(org.body["shared_ticket_view"], true);

        let agent = post(&svc, &admin, "/api/v1/users", json!({ "email": "Li.Gong@Example.com", "name": "李工", "password": PASSWORD, "kind": "staff", "role": "agent", "group_ids": [group_id] }))
        .await
        .expect(201);
        let agent_id = agent.body["id"].as_i64().unwrap();
        assert_eq!(agent.body["email"], "li.gong@example.com");
        assert_eq!(agent.body["role"], "agent");
        assert_eq!(ids(&agent.body["group_ids"]), vec![group_id]);
        assert_eq!(agent.header("location").as_deref(), Some(format!("/api/v1/users/{agent_id}").as_str()));

        let customer = post(&svc, &admin, "/api/v1/users", json!({ "email": "wang@hd-power.example.com", "name": "王经理", "password": PASSWORD, "kind": "customer", "role": "customer", "organization_id": org_id }))
        .await
        .expect(201);
        assert_eq!(customer.body["organization_id"], org_id);
        assert_eq!(customer.body["kind"], "customer");

        // The agent may read the directory but not change it.
        let agent_token = login(&svc, "li.gong@example.com", PASSWORD).await;
        let listed = get(&svc, &agent_token, "/api/v1/users?kind=staff").await.expect(200);
        let emails: Vec<&str> =
            listed.body["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
        assert!(emails.contains(&"li.gong@example.com") && emails.contains(&ADMIN_EMAIL), "{emails:?}");
        assert!(!emails.contains(&"wang@hd-power.example.com"), "kind=staff filters customers out");
        assert!(listed.body["next_cursor"].is_null());
        let in_group = get(&svc, &agent_token, format!("/api/v1/users?group_id={group_id}")).await.expect(200);
        assert_eq!(in_group.body["items"].as_array().unwrap().len(), 1);
        get(&svc, &agent_token, format!("/api/v1/users/{agent_id}")).await.expect(200);
        let roles = get(&svc, &agent_token, "/api/v1/roles").await.expect(200);
        let role_names: Vec<&str> =
            roles.body.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        for builtin in ["admin", "supervisor", "agent", "customer"] {
            assert!(role_names.contains(&builtin), "{role_names:?}");
        }
        post(
            &svc,
            &agent_token,
            "/api/v1/users",
            json!({ "email": "new@example.com", "name": "新人", "kind": "staff", "role": "agent" }),
        )
        .await
        .expect_problem(403);
        post(&svc, &agent_token, "/api/v1/groups", json!({"name": "偷建小组"})).await.expect_problem(403);
        let groups = get(&svc, &agent_token, "/api/v1/groups").await.expect(200);
        assert_eq!(groups.body.as_array().unwrap().len(), 1);
        assert_eq!(ids(&groups.body[0]["member_ids"]), vec![agent_id]);

        // Customers cannot browse the directory, but may read their own organisation.
        let customer_token = login(&svc, "wang@hd-power.example.com", PASSWORD).await;
        get(&svc, &customer_token, "/api/v1/users").await.expect_problem(403);
        get(&svc, &customer_token, "/api/v1/groups").await.expect_problem(403);
        get(&svc, &customer_token, "/api/v1/organizations").await.expect_problem(403);
        let own = get(&svc, &customer_token, format!("/api/v1/organizations/{org_id}")).await.expect(200);
        assert_eq!(own.body["name"], "华东电力有限公司");

        // No credentials at all.
        let anonymous = send(&svc, TestRequest::get().uri("/api/v1/users")).await.expect_problem(401);
        assert!(anonymous.header("www-authenticate").is_some());
        get(&svc, "not-a-token", "/api/v1/roles").await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(user_input_errors_are_problems, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let new_user = |email: &str| json!({"email": email, "name": "李工", "password": PASSWORD, "kind": "staff", "role": "agent"});

        post(&svc, &admin, "/api/v1/users", new_user("li.gong@example.com")).await.expect(201);
        let duplicate = post(&svc, &admin, "/api/v1/users", new_user("LI.GONG@example.com")).await.expect_problem(409);
        assert_eq!(duplicate.body["type"], "https://loopdesk.dev/problems/conflict");

        let invalid = post(&svc, &admin, "/api/v1/users", new_user("not-an-email")).await.expect_problem(422);
        assert!(invalid.body["errors"]["email"].is_array(), "{}", invalid.body);

        // Several problems are reported together.
        let many = post(&svc, &admin, "/api/v1/users", json!({ "email": "x@example.com", "name": " ", "password": "short", "kind": "customer", "role": "no-such-role", "group_ids": [999] }))
        .await
        .expect_problem(422);
        for field in ["name", "password", "role", "group_ids"] {
            assert!(many.body["errors"][field].is_array(), "missing errors.{field}: {}", many.body);
        }

        // Wrong shapes: unknown kind, missing field, no JSON content type.
        let bad_kind = post(
            &svc,
            &admin,
            "/api/v1/users",
            json!({ "email": "y@example.com", "name": "某人", "kind": "robot", "role": "agent" }),
        )
        .await
        .expect_problem(422);
        assert!(bad_kind.body["errors"].is_object());
        let missing = post(&svc, &admin, "/api/v1/users", json!({"email": "z@example.com"})).await.expect_problem(422);
        assert!(missing.body["errors"].is_object());
        send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/users")
                .insert_header(bearer(&admin))
                .insert_header(("content-type", "text/plain"))
                .set_payload("{}"),
        )
        .await
        .expect_problem(415);

        get(&svc, &admin, "/api/v1/users?limit=0").await.expect_problem(422);
        get(&svc, &admin, "/api/v1/users?kind=robot").await.expect_problem(400);
        get(&svc, &admin, "/api/v1/users/999999").await.expect_problem(404);
        get(&svc, &admin, "/api/v1/users/abc").await.expect_problem(404);
    })
});

loopdesk_persistence::both_backends!(deactivated_user_cannot_sign_in, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let created = post(&svc, &admin, "/api/v1/users", json!({ "email": "zhao@example.com", "name": "赵工", "password": PASSWORD, "kind": "staff", "role": "agent" }))
        .await
        .expect(201);
        let id = created.body["id"].as_i64().unwrap();
        let token = login(&svc, "zhao@example.com", PASSWORD).await;
        get(&svc, &token, "/api/v1/me").await.expect(200);

        let patched =
            patch(&svc, &admin, format!("/api/v1/users/{id}"), json!({"active": false, "name": "赵工（离职）"}))
                .await
                .expect(200);
        assert_eq!(patched.body["active"], false);
        assert_eq!(patched.body["name"], "赵工（离职）");

        send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": "zhao@example.com", "password": PASSWORD})),
        )
        .await
        .expect_problem(401);
        get(&svc, &token, "/api/v1/me").await.expect_problem(401);

        let inactive = get(&svc, &admin, "/api/v1/users?active=false").await.expect(200);
        let items = inactive.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], id);

        // The admin cannot lock themself out.
        let me = get(&svc, &admin, "/api/v1/me").await.expect(200);
        let admin_id = me.body["id"].as_i64().unwrap();
        let self_off = patch(&svc, &admin, format!("/api/v1/users/{admin_id}"), json!({"active": false}))
            .await
            .expect_problem(422);
        assert!(self_off.body["errors"]["active"].is_array());

        // Reactivating lets them back in.
        patch(&svc, &admin, format!("/api/v1/users/{id}"), json!({"active": true})).await.expect(200);
        login(&svc, "zhao@example.com", PASSWORD).await;
    })
});

loopdesk_persistence::both_backends!(group_members_and_nesting, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let parent = post(&svc, &admin, "/api/v1/groups", json!({"name": "售后服务部"})).await.expect(201);
        let parent_id = parent.body["id"].as_i64().unwrap();
        let group =
            post(&svc, &admin, "/api/v1/groups", json!({"name": "售后二组", "parent_id": parent_id})).await.expect(201);
        let group_id = group.body["id"].as_i64().unwrap();
        assert_eq!(group.body["parent_id"], parent_id);
        post(&svc, &admin, "/api/v1/groups", json!({"name": "售后二组"})).await.expect_problem(409);

        let agent = post(&svc, &admin, "/api/v1/users", json!({ "email": "qian@example.com", "name": "钱工", "password": PASSWORD, "kind": "staff", "role": "agent" }))
        .await
        .expect(201);
        let agent_id = agent.body["id"].as_i64().unwrap();
        let customer = post(&svc, &admin, "/api/v1/users", json!({ "email": "sun@example.com", "name": "孙女士", "password": PASSWORD, "kind": "customer", "role": "customer" }))
        .await
        .expect(201);
        let customer_id = customer.body["id"].as_i64().unwrap();

        let member_uri = format!("/api/v1/groups/{group_id}/members/{agent_id}");
        let added = put(&svc, &admin, &member_uri).await.expect(200);
        assert_eq!(ids(&added.body["member_ids"]), vec![agent_id]);
        // Idempotent.
        let again = put(&svc, &admin, &member_uri).await.expect(200);
        assert_eq!(ids(&again.body["member_ids"]), vec![agent_id]);
        let user = get(&svc, &admin, format!("/api/v1/users/{agent_id}")).await.expect(200);
        assert_eq!(ids(&user.body["group_ids"]), vec![group_id]);
        let fetched = get(&svc, &admin, format!("/api/v1/groups/{group_id}")).await.expect(200);
        assert_eq!(ids(&fetched.body["member_ids"]), vec![agent_id]);

        let refused =
            put(&svc, &admin, format!("/api/v1/groups/{group_id}/members/{customer_id}")).await.expect_problem(422);
        assert!(refused.body["errors"]["user_id"].is_array());
        put(&svc, &admin, format!("/api/v1/groups/{group_id}/members/999999")).await.expect_problem(404);
        put(&svc, &admin, format!("/api/v1/groups/999999/members/{agent_id}")).await.expect_problem(404);

        let agent_token = login(&svc, "qian@example.com", PASSWORD).await;
        delete(&svc, &agent_token, &member_uri).await.expect_problem(403);

        let removed = delete(&svc, &admin, &member_uri).await.expect(200);
        assert_eq!(removed.body["member_ids"], json!([]));
        delete(&svc, &admin, &member_uri).await.expect(200);
        let user = get(&svc, &admin, format!("/api/v1/users/{agent_id}")).await.expect(200);
        assert_eq!(user.body["group_ids"], json!([]));

        // PATCH: rename, and no cycles.
        let renamed =
            patch(&svc, &admin, format!("/api/v1/groups/{group_id}"), json!({"name": "售后三组", "parent_id": null}))
                .await
                .expect(200);
        assert_eq!(renamed.body["name"], "售后三组");
        assert!(renamed.body["parent_id"].is_null());
        patch(&svc, &admin, format!("/api/v1/groups/{parent_id}"), json!({"parent_id": group_id})).await.expect(200);
        let cycle = patch(&svc, &admin, format!("/api/v1/groups/{group_id}"), json!({"parent_id": parent_id}))
            .await
            .expect_problem(422);
        assert!(cycle.body["errors"]["parent_id"].is_array());

        get(&svc, &admin, "/api/v1/groups/abc").await.expect_problem(404);
        get(&svc, &admin, "/api/v1/groups/999999").await.expect_problem(404);
        send(&svc, TestRequest::get().uri("/api/v1/groups")).await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(organizations_page_and_patch, |db| {
    common::block_on(async move {
        let app = common::app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let mut created = Vec::new();
        for name in ["华东电力有限公司", "华南物业集团", "西北水务"] {
            let org = post(&svc, &admin, "/api/v1/organizations", json!({"name": name})).await.expect(201);
            assert_eq!(org.body["shared_ticket_view"], false);
            created.push(org.body["id"].as_i64().unwrap());
        }
        post(&svc, &admin, "/api/v1/organizations", json!({"name": "西北水务"})).await.expect_problem(409);
        let blank = post(&svc, &admin, "/api/v1/organizations", json!({"name": ""})).await.expect_problem(422);
        assert!(blank.body["errors"]["name"].is_array());

        let first = get(&svc, &admin, "/api/v1/organizations?limit=2").await.expect(200);
        assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
        let cursor = first.body["next_cursor"].as_str().expect("a next page").to_string();
        let second = get(&svc, &admin, format!("/api/v1/organizations?limit=2&cursor={cursor}")).await.expect(200);
        assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
        assert!(second.body["next_cursor"].is_null());
        let mut seen: Vec<i64> = first.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .chain(second.body["items"].as_array().unwrap())
            .map(|o| o["id"].as_i64().unwrap())
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, created);
        get(&svc, &admin, "/api/v1/organizations?cursor=xyz").await.expect_problem(400);

        let patched =
            patch(&svc, &admin, format!("/api/v1/organizations/{}", created[0]), json!({"shared_ticket_view": true}))
                .await
                .expect(200);
        assert_eq!(patched.body["shared_ticket_view"], true);
        assert_eq!(patched.body["name"], "华东电力有限公司");
        patch(&svc, &admin, format!("/api/v1/organizations/{}", created[0]), json!({"name": "华南物业集团"}))
            .await
            .expect_problem(409);
        let fetched = get(&svc, &admin, format!("/api/v1/organizations/{}", created[0])).await.expect(200);
        assert_eq!(fetched.body["shared_ticket_view"], true);
        get(&svc, &admin, "/api/v1/organizations/999999").await.expect_problem(404);
    })
});
