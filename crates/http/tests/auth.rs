//! Sign-in, back-off and rate limits, refresh rotation with reuse detection, sign-out, API keys.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

/// An app whose clock the test moves forward (seconds), without sleeping.
fn app_with_clock(db: &loopdesk_persistence::testdb::TestDb) -> (loopdesk_app::App, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let seconds = offset.clone();
    let clock = Arc::new(move || chrono::Utc::now() + chrono::Duration::seconds(seconds.load(Ordering::SeqCst)));
    (app_for(db).with_clock(clock), offset)
}

/// The value of the `loopdesk_refresh` cookie a response sets, and the whole header.
fn set_refresh_cookie(reply: &Reply) -> (String, String) {
    let header = reply
        .headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("loopdesk_refresh="))
        .expect("a loopdesk_refresh cookie")
        .to_string();
    let value = header.trim_start_matches("loopdesk_refresh=").split(';').next().unwrap().to_string();
    (value, header)
}

fn refresh_with_cookie(token: &str) -> TestRequest {
    TestRequest::post().uri("/api/v1/auth/refresh").insert_header(("cookie", format!("loopdesk_refresh={token}")))
}

loopdesk_persistence::both_backends!(login_me_refresh_and_logout, |db| {
    block_on(async move {
        let (app, clock) = app_with_clock(&db);
        let svc = service!(app);
        let tokens = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": "  ADMIN@test.local ", "password": ADMIN_PASSWORD})),
        )
        .await
        .expect(200)
        .body;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 900);
        assert_eq!(tokens["user"]["role"], "admin");
        let access = tokens["access_token"].as_str().unwrap().to_string();
        let refresh = tokens["refresh_token"].as_str().unwrap().to_string();

        let me = get(&svc, &access, "/api/v1/me").await.expect(200).body;
        assert_eq!(me["email"], ADMIN_EMAIL);
        assert!(me["permissions"].as_array().unwrap().iter().any(|p| p == "users_manage"));

        // Rotation: the new refresh token works; presenting the old one again revokes the family.
        let rotated =
            send(&svc, TestRequest::post().uri("/api/v1/auth/refresh").set_json(json!({"refresh_token": refresh})))
                .await
                .expect(200)
                .body;
        let new_refresh = rotated["refresh_token"].as_str().unwrap().to_string();
        let new_access = rotated["access_token"].as_str().unwrap().to_string();
        assert_ne!(new_refresh, refresh);
        // Past the grace window for racing refreshes, a used token is reuse.
        clock.fetch_add(loopdesk_app::auth::REFRESH_REUSE_GRACE_SECS, Ordering::SeqCst);
        send(&svc, TestRequest::post().uri("/api/v1/auth/refresh").set_json(json!({"refresh_token": refresh})))
            .await
            .expect_problem(401);
        send(&svc, TestRequest::post().uri("/api/v1/auth/refresh").set_json(json!({"refresh_token": new_refresh})))
            .await
            .expect_problem(401);
        get(&svc, &new_access, "/api/v1/me").await.expect_problem(401);

        // Logout ends the session at once, access token included.
        let fresh = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await
        .expect(200)
        .body;
        let access = fresh["access_token"].as_str().unwrap().to_string();
        post(&svc, &access, "/api/v1/auth/logout", json!({"refresh_token": fresh["refresh_token"]})).await.expect(204);
        get(&svc, &access, "/api/v1/me").await.expect_problem(401);
        send(
            &svc,
            TestRequest::post().uri("/api/v1/auth/refresh").set_json(json!({"refresh_token": fresh["refresh_token"]})),
        )
        .await
        .expect_problem(401);
    })
});

/// `POST /api/v1/auth/login` from the client at `peer`.
fn login_from(peer: &str, email: &str, password: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr(peer.parse().unwrap())
        .set_json(json!({"email": email, "password": password}))
}

/// A 429 problem with `Retry-After` equal to its `retry_after` member; the seconds.
#[track_caller]
fn retry_after(reply: &Reply) -> u64 {
    assert_eq!(reply.status.as_u16(), 429, "{}", reply.body);
    assert!(reply.content_type().starts_with("application/problem+json"));
    let header: u64 = reply.header("retry-after").expect("a Retry-After header").parse().unwrap();
    assert_eq!(reply.body["retry_after"], header, "body and header agree");
    assert_eq!(reply.body["code"], "too_many_requests");
    assert_eq!(reply.body["params"]["retry_after"], header, "the web app words the wait from params");
    header
}

loopdesk_persistence::both_backends!(repeated_failures_slow_that_client_down_not_the_owner_elsewhere, |db| {
    block_on(async move {
        let (app, clock) = app_with_clock(&db);
        let svc = service!(app);
        let attacker = "203.0.113.66:50000";
        let free = app.auth.backoff.free_attempts;
        for _ in 0..free {
            send(&svc, login_from(attacker, ADMIN_EMAIL, "wrong")).await.expect_problem(401);
        }
        // That client now waits, even with the right password: no password is checked before the wait is over.
        let first_wait = app.auth.backoff.delay_after(free) as u64;
        let waiting = send(&svc, login_from(attacker, ADMIN_EMAIL, ADMIN_PASSWORD)).await.expect_problem(429);
        assert_eq!(retry_after(&waiting), first_wait);
        // The owner, from another address, is not locked out.
        send(&svc, login_from("198.51.100.7:40000", ADMIN_EMAIL, ADMIN_PASSWORD)).await.expect(200);
        // After the wait one more attempt; failing it doubles the wait.
        clock.fetch_add(first_wait as i64, std::sync::atomic::Ordering::SeqCst);
        send(&svc, login_from(attacker, ADMIN_EMAIL, "wrong again")).await.expect_problem(401);
        let longer = send(&svc, login_from(attacker, ADMIN_EMAIL, ADMIN_PASSWORD)).await;
        assert_eq!(retry_after(&longer), 2 * first_wait);
        // A success from the client, once allowed, forgets its failures.
        clock.fetch_add(2 * first_wait as i64, std::sync::atomic::Ordering::SeqCst);
        send(&svc, login_from(attacker, ADMIN_EMAIL, ADMIN_PASSWORD)).await.expect(200);
        for _ in 0..free {
            send(&svc, login_from(attacker, ADMIN_EMAIL, "wrong")).await.expect_problem(401);
        }
        assert_eq!(retry_after(&send(&svc, login_from(attacker, ADMIN_EMAIL, "x")).await), first_wait);
    })
});

loopdesk_persistence::both_backends!(known_and_unknown_emails_get_the_same_answers, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let peer = "203.0.113.80:1234";
        // Ten tries each, interleaved: the same status, body and headers every time, through the back-off.
        for attempt in 0..10 {
            let known = send(&svc, login_from(peer, ADMIN_EMAIL, "wrong-password")).await;
            let unknown = send(&svc, login_from(peer, "nobody@test.local", "wrong-password")).await;
            assert_eq!(known.status, unknown.status, "attempt {attempt}");
            assert_eq!(known.body, unknown.body, "attempt {attempt}");
            let headers = |r: &Reply| {
                let mut all: Vec<(String, String)> = r
                    .headers
                    .iter()
                    .filter(|(name, _)| name.as_str() != "x-request-id")
                    .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_string()))
                    .collect();
                all.sort();
                all
            };
            assert_eq!(headers(&known), headers(&unknown), "attempt {attempt}");
            let expected = if attempt < app.auth.backoff.free_attempts { 401 } else { 429 };
            assert_eq!(known.status.as_u16(), expected, "attempt {attempt}: {}", known.body);
        }
        let unknown =
            send(&svc, login_from("198.51.100.1:1", "nobody@test.local", "whatever1")).await.expect_problem(401);
        assert_eq!(unknown.body["detail"], "wrong e-mail or password");
        assert!(send(&svc, login_from(peer, ADMIN_EMAIL, ADMIN_PASSWORD)).await.status == 429, "no 423 any more");
    })
});

loopdesk_persistence::both_backends!(one_address_is_rate_limited_with_retry_after, |db| {
    block_on(async move {
        // A small burst that does not recover during the test, however slow the machine.
        let mut auth = loopdesk_app::AuthConfig::with_secret(HTTP_TEST_SECRET.to_vec());
        auth.per_address = loopdesk_app::sign_in::RateRule { burst: 6, every_secs: 3600 };
        let app = loopdesk_app::App::new(db.pool.clone(), auth);
        app.ensure_builtin_roles().unwrap();
        app.create_admin(ADMIN_EMAIL, "Admin", ADMIN_PASSWORD).unwrap();
        let svc = service!(app);
        let burst = app.auth.per_address.burst;
        // Every attempt for a different e-mail, so no back-off applies: the address's own limit does.
        for i in 0..burst {
            send(&svc, login_from("203.0.113.90:9", &format!("user{i}@test.local"), "wrong-password"))
                .await
                .expect_problem(401);
        }
        let limited = send(&svc, login_from("203.0.113.90:10", "another@test.local", "wrong-password")).await;
        let wait = retry_after(&limited);
        assert!((1..=app.auth.per_address.every_secs).contains(&wait), "{wait}");
        // Another address is not affected; nor is the admin signing in from it.
        send(&svc, login_from("198.51.100.90:9", ADMIN_EMAIL, ADMIN_PASSWORD)).await.expect(200);
        // IPv6 addresses count per /64: a new address in the same network does not start afresh.
        for i in 0..burst {
            send(
                &svc,
                login_from(&format!("[2001:db8:0:1::{:x}]:9", i + 1), &format!("v6-{i}@test.local"), "wrong-password"),
            )
            .await
            .expect_problem(401);
        }
        retry_after(&send(&svc, login_from("[2001:db8:0:1:ffff::1]:9", "v6@test.local", "wrong-password")).await);
    })
});

loopdesk_persistence::both_backends!(admins_unlock_sign_in_for_users_they_may_manage, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let agent = post(&svc, &admin, "/api/v1/users", json!({"email": "agent@test.local", "name": "Agent", "password": "agent-password", "kind": "staff", "role": "agent"})).await.expect(201).body;
        let agent_token = login(&svc, "agent@test.local", "agent-password").await;
        let me = get(&svc, &admin, "/api/v1/me").await.expect(200).body;
        let attacker = "203.0.113.77:1";
        for _ in 0..=app.auth.backoff.free_attempts {
            send(&svc, login_from(attacker, "agent@test.local", "wrong")).await;
            send(&svc, login_from(attacker, ADMIN_EMAIL, "wrong")).await;
        }
        retry_after(&send(&svc, login_from(attacker, "agent@test.local", "agent-password")).await);
        let slowed = get(&svc, &admin, format!("/api/v1/users/{}", agent["id"])).await.expect(200).body;
        assert!(slowed["sign_in_delayed_until"].is_string(), "{slowed}");
        let listed = get(&svc, &admin, "/api/v1/users?q=agent%40test.local").await.expect(200).body;
        assert_eq!(listed["items"][0]["sign_in_delayed_until"], slowed["sign_in_delayed_until"]);

        // Without users_manage: 403; a key with users_manage and an agent's rights, but less than an admin holds, cannot
        // unlock the admin.
        post(&svc, &agent_token, format!("/api/v1/users/{}/sign-in-unlock", me["id"]), json!({}))
            .await
            .expect_problem(403);
        let key = post(&svc, &admin, "/api/v1/api-keys", json!({"name": "users", "permissions": ["users_manage", "users_read", "tickets_read_group", "tickets_create", "tickets_update", "tickets_assign", "comments_public", "comments_internal"]}))
            .await
            .expect(201)
            .body["key"]
            .as_str()
            .unwrap()
            .to_string();
        let denied =
            post(&svc, &key, format!("/api/v1/users/{}/sign-in-unlock", me["id"]), json!({})).await.expect_problem(403);
        assert!(denied.body["detail"].as_str().unwrap().contains("permissions you do not hold"), "{}", denied.body);
        post(&svc, &key, "/api/v1/users/999999/sign-in-unlock", json!({})).await.expect_problem(404);
        retry_after(&send(&svc, login_from(attacker, ADMIN_EMAIL, ADMIN_PASSWORD)).await);

        // The key may unlock the agent (who holds nothing beyond it); the admin may unlock themself.
        let unlocked =
            post(&svc, &key, format!("/api/v1/users/{}/sign-in-unlock", agent["id"]), json!({})).await.expect(200).body;
        assert!(unlocked["sign_in_delayed_until"].is_null(), "{unlocked}");
        send(&svc, login_from(attacker, "agent@test.local", "agent-password")).await.expect(200);
        post(&svc, &admin, format!("/api/v1/users/{}/sign-in-unlock", me["id"]), json!({})).await.expect(200);
        send(&svc, login_from(attacker, ADMIN_EMAIL, ADMIN_PASSWORD)).await.expect(200);
    })
});

loopdesk_persistence::both_backends!(api_keys_are_shown_once_scoped_and_revocable, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let created =
            post(&svc, &admin, "/api/v1/api-keys", json!({"name": "CRM 同步", "permissions": ["tickets_read_all"]}))
                .await
                .expect(201)
                .body;
        let key = created["key"].as_str().unwrap().to_string();
        assert!(key.starts_with("ldk_") && key.len() >= 40);
        assert!(key.starts_with(created["prefix"].as_str().unwrap()));
        let listed = get(&svc, &admin, "/api/v1/api-keys").await.expect(200).body;
        assert!(!listed.to_string().contains(&key), "the secret is never listed");
        assert!(listed[0]["last_used_at"].is_null());

        // The key works for what it was granted, and nothing more.
        get(&svc, &key, "/api/v1/tickets").await.expect(200);
        let denied = post(
            &svc,
            &key,
            "/api/v1/users",
            json!({ "email": "x@y.z", "name": "x", "kind": "staff", "role": "agent" }),
        )
        .await
        .expect_problem(403);
        assert!(denied.body["detail"].as_str().unwrap().contains("users_manage"));
        let used = get(&svc, &admin, "/api/v1/api-keys").await.expect(200).body;
        assert!(used[0]["last_used_at"].is_string());

        // A key cannot grant more than its creator has; a revoked key stops at once.
        post(&svc, &admin, "/api/v1/api-keys", json!({"name": "empty", "permissions": []})).await.expect_problem(422);
        delete(&svc, &admin, format!("/api/v1/api-keys/{}", created["id"])).await.expect(200);
        get(&svc, &key, "/api/v1/tickets").await.expect_problem(401);
        get(&svc, "ldk_not-a-key", "/api/v1/tickets").await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(tickets_created_with_a_key_are_api_channel_and_attributed, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "IT 故障", "fields": []})).await.expect(201).body;
        let key = post(
            &svc,
            &admin,
            "/api/v1/api-keys",
            json!({"name": "monitoring", "permissions": ["tickets_create", "tickets_read_all"]}),
        )
        .await
        .expect(201)
        .body;
        let key_id = key["id"].clone();
        let key = key["key"].as_str().unwrap().to_string();
        let ticket =
            post(&svc, &key, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "VPN 无法连接"}))
                .await
                .expect(201)
                .body;
        assert_eq!(ticket["channel"], "api");
        let events = get(&svc, &admin, format!("/api/v1/tickets/{}/events", ticket["id"])).await.expect(200).body;
        assert_eq!(events["items"][0]["api_key_id"], key_id);
    })
});

loopdesk_persistence::both_backends!(a_token_living_longer_than_issued_is_refused, |db| {
    block_on(async move {
        use base64::Engine;
        let app = app_for(&db);
        let svc = service!(app);
        let token = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let payload = token.split('.').nth(1).expect("a JWT has a payload");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
        let mut claims: serde_json::Value = serde_json::from_slice(&bytes).expect("claims");
        let sign = |claims: &serde_json::Value| {
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                claims,
                &jsonwebtoken::EncodingKey::from_secret(HTTP_TEST_SECRET),
            )
            .expect("sign")
        };
        // The same claims re-signed are as good as the original (the secret is right) …
        get(&svc, &sign(&claims), "/api/v1/me").await.expect(200);
        // … but a session that claims to last until the year 3000 is refused, and so is one issued in the future.
        let issued = claims["iat"].as_i64().unwrap();
        claims["exp"] = json!(32_503_680_000_i64);
        let forever = get(&svc, &sign(&claims), "/api/v1/me").await.expect_problem(401);
        assert!(forever.body["detail"].as_str().unwrap().contains("invalid"), "{}", forever.body);
        claims["exp"] = json!(issued + 900);
        claims["iat"] = json!(issued + 3600);
        get(&svc, &sign(&claims), "/api/v1/me").await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(the_refresh_token_travels_in_an_http_only_cookie, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let login_request = || {
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        };

        // Sign-in sets the cookie, scoped to the auth routes; the body still has the token (API clients).
        let signed_in = send(&svc, login_request()).await.expect(200);
        let (cookie, header) = set_refresh_cookie(&signed_in);
        assert_eq!(
            header,
            format!("loopdesk_refresh={cookie}; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=2592000")
        );
        assert_eq!(signed_in.body["refresh_token"], cookie.as_str());
        assert_eq!(signed_in.header("cache-control").as_deref(), Some("no-store"));

        // A browser asks for the cookie only: no script sees the refresh token.
        let browser = send(&svc, login_request().insert_header(("x-token-delivery", "cookie"))).await.expect(200);
        assert!(browser.body.get("refresh_token").is_none(), "{}", browser.body);
        let (cookie, _) = set_refresh_cookie(&browser);

        // Refresh with the cookie alone (no body), and with `{}`: the token comes back in the cookie only.
        let rotated = send(&svc, refresh_with_cookie(&cookie)).await.expect(200);
        assert!(rotated.body.get("refresh_token").is_none(), "{}", rotated.body);
        let (cookie, _) = set_refresh_cookie(&rotated);
        let rotated = send(&svc, refresh_with_cookie(&cookie).set_json(json!({}))).await.expect(200);
        let (cookie, _) = set_refresh_cookie(&rotated);
        let access = rotated.body["access_token"].as_str().unwrap().to_string();
        get(&svc, &access, "/api/v1/me").await.expect(200);

        // No token anywhere: 401; a body token that is not a string: 422.
        send(&svc, TestRequest::post().uri("/api/v1/auth/refresh")).await.expect_problem(401);
        send(&svc, TestRequest::post().uri("/api/v1/auth/refresh").set_json(json!({"refresh_token": 5})))
            .await
            .expect_problem(422);

        // Behind a proxy that says the request came over HTTPS, the cookie is Secure.
        let over_https = send(&svc, login_request().insert_header(("x-forwarded-proto", "https"))).await.expect(200);
        assert!(set_refresh_cookie(&over_https).1.ends_with("; Secure"));

        // Sign-out with the cookie ends the session and clears the cookie.
        let out = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/logout")
                .insert_header(bearer(&access))
                .insert_header(("cookie", format!("other=1; loopdesk_refresh={cookie}"))),
        )
        .await
        .expect(204);
        assert_eq!(
            set_refresh_cookie(&out).1,
            "loopdesk_refresh=; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=0"
        );
        get(&svc, &access, "/api/v1/me").await.expect_problem(401);
        send(&svc, refresh_with_cookie(&cookie)).await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(two_tabs_refreshing_at_once_stay_signed_in, |db| {
    block_on(async move {
        let (app, clock) = app_with_clock(&db);
        let svc = service!(app);
        let signed_in = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await
        .expect(200);
        let mut cookie = set_refresh_cookie(&signed_in).0;
        // Several rounds: each time two tabs send the same cookie at once (the requests run concurrently on the
        // blocking pool, so on PostgreSQL one rotation waits for the other's row lock).
        for _ in 0..3 {
            let (first, second) = futures_util::future::join(
                send(&svc, refresh_with_cookie(&cookie)),
                send(&svc, refresh_with_cookie(&cookie)),
            )
            .await;
            let (first, second) = (first.expect(200), second.expect(200));
            for tab in [&first, &second] {
                let access = tab.body["access_token"].as_str().unwrap();
                get(&svc, access, "/api/v1/me").await.expect(200);
            }
            let (a, b) = (set_refresh_cookie(&first).0, set_refresh_cookie(&second).0);
            assert_ne!(a, cookie);
            assert_ne!(b, cookie);
            // Whichever answer the browser stored last, the session goes on.
            send(&svc, refresh_with_cookie(&a)).await.expect(200);
            cookie = set_refresh_cookie(&send(&svc, refresh_with_cookie(&b)).await.expect(200)).0;
        }
        // Reuse detection still holds once the race is over.
        clock.fetch_add(loopdesk_app::auth::REFRESH_REUSE_GRACE_SECS, Ordering::SeqCst);
        let fresh = send(&svc, refresh_with_cookie(&cookie)).await.expect(200);
        let access = fresh.body["access_token"].as_str().unwrap().to_string();
        clock.fetch_add(loopdesk_app::auth::REFRESH_REUSE_GRACE_SECS, Ordering::SeqCst);
        send(&svc, refresh_with_cookie(&cookie)).await.expect_problem(401);
        get(&svc, &access, "/api/v1/me").await.expect_problem(401);
    })
});

loopdesk_persistence::both_backends!(each_reader_gets_notifications_in_their_own_language, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(get(&svc, &admin, "/api/v1/me").await.expect(200).body["locale"], "zh-CN", "Chinese by default");
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "报修", "fields": []})).await.expect(201).body;
        let mut people = vec![];
        for (email, locale) in [("zh@test.local", "zh-CN"), ("en@test.local", "en")] {
            let user = post(
                &svc,
                &admin,
                "/api/v1/users",
                json!({"email": email, "name": email, "password": "agent-password", "kind": "staff", "role": "agent"}),
            )
            .await
            .expect(201)
            .body;
            let token = login(&svc, email, "agent-password").await;
            let me = put_json(&svc, &token, "/api/v1/me/locale", json!({"locale": locale})).await.expect(200).body;
            assert_eq!(me["locale"], locale);
            people.push((user["id"].as_i64().unwrap(), token));
        }
        for (id, _) in &people {
            let ticket =
                post(&svc, &admin, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "空调"}))
                    .await
                    .expect(201)
                    .body;
            let assign = json!({"assignee_id": id});
            post(&svc, &admin, format!("/api/v1/tickets/{}/assign", ticket["id"]), assign).await.expect(200);
        }
        let newest = |token: String| {
            let svc = &svc;
            async move { get(svc, &token, "/api/v1/notifications").await.expect(200).body["items"][0].clone() }
        };
        let zh = newest(people[0].1.clone()).await;
        let en = newest(people[1].1.clone()).await;
        assert_eq!((zh["kind"].as_str(), en["kind"].as_str()), (Some("ticket_assigned"), Some("ticket_assigned")));
        let (zh_title, en_title) = (zh["title"].as_str().unwrap(), en["title"].as_str().unwrap());
        assert!(zh_title.ends_with("已分配给你") && !zh_title.contains("assigned"), "{zh_title}");
        assert!(en_title.ends_with("assigned to you") && !en_title.contains("已分配"), "{en_title}");
        assert_eq!(en["params"]["ticket_number"], en_title.split(' ').next().unwrap(), "clients render from params");

        // Not a language Loopdesk speaks; a read-only key may not change it.
        put_json(&svc, &people[1].1, "/api/v1/me/locale", json!({"locale": "fr"})).await.expect_problem(422);
        let key = post(&svc, &admin, "/api/v1/api-keys", json!({"name": "只读", "permissions": ["tickets_read_all"]}))
            .await
            .expect(201)
            .body;
        let key = key["key"].as_str().unwrap();
        put_json(&svc, key, "/api/v1/me/locale", json!({"locale": "en"})).await.expect_problem(403);
        assert_eq!(get(&svc, &admin, "/api/v1/me").await.expect(200).body["locale"], "zh-CN", "nothing changed");
    });
});

loopdesk_persistence::both_backends!(behind_a_trusted_proxy_the_forwarded_address_is_the_client, |db| {
    block_on(async move {
        let mut auth = loopdesk_app::AuthConfig::with_secret(HTTP_TEST_SECRET.to_vec());
        auth.per_address = loopdesk_app::sign_in::RateRule { burst: 2, every_secs: 3600 };
        let app = loopdesk_app::App::new(db.pool.clone(), auth);
        app.ensure_builtin_roles().unwrap();
        app.create_admin(ADMIN_EMAIL, "Admin", ADMIN_PASSWORD).unwrap();
        let proxied = |trusted: &str| loopdesk_http::HttpConfig {
            trusted_proxies: loopdesk_domain::net::TrustedProxies::parse(trusted).unwrap(),
            ..Default::default()
        };
        let via_proxy = |forwarded: &str, email: &str| {
            login_from("10.0.0.2:443", email, "wrong-password")
                .insert_header(("x-forwarded-for", forwarded.to_string()))
        };
        let svc =
            actix_web::test::init_service(loopdesk_http::loopdesk_service!(app.clone(), proxied("10.0.0.0/8"))).await;
        // Two clients behind the proxy: each has its own limit of 2.
        for i in 0..2 {
            send(&svc, via_proxy("203.0.113.1", &format!("a{i}@test.local"))).await.expect_problem(401);
            send(&svc, via_proxy("198.51.100.1, 203.0.113.2", &format!("b{i}@test.local"))).await.expect_problem(401);
        }
        retry_after(&send(&svc, via_proxy("203.0.113.1", "a9@test.local")).await);
        // A made-up entry left of the proxy's does not make a new client.
        retry_after(&send(&svc, via_proxy("192.0.2.99, 203.0.113.2", "b9@test.local")).await);

        // Without trusted proxies the header is ignored: every request is the proxy's.
        let app = loopdesk_app::App::new(db.pool.clone(), {
            let mut auth = loopdesk_app::AuthConfig::with_secret(HTTP_TEST_SECRET.to_vec());
            auth.per_address = loopdesk_app::sign_in::RateRule { burst: 2, every_secs: 3600 };
            auth
        });
        let svc = actix_web::test::init_service(loopdesk_http::loopdesk_service!(app.clone(), proxied(""))).await;
        send(&svc, via_proxy("203.0.113.1", "c1@test.local")).await.expect_problem(401);
        send(&svc, via_proxy("203.0.113.2", "c2@test.local")).await.expect_problem(401);
        retry_after(&send(&svc, via_proxy("203.0.113.3", "c3@test.local")).await);
    })
});
