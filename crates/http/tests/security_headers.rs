//! Browser security headers on every kind of response: API JSON, a problem (from a handler, from the edge
//! checks, a 404), the web app's index.html, Swagger UI; HSTS only when configured.

mod common;

use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

const APP_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";
const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

#[track_caller]
fn assert_browser_headers(reply: &Reply, csp: &str) {
    assert_eq!(reply.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(reply.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(reply.header("referrer-policy").as_deref(), Some("no-referrer"));
    assert_eq!(reply.header("content-security-policy").as_deref(), Some(csp));
}

/// A folder with a built web app's index.html, removed when dropped.
struct WebApp(std::path::PathBuf);

impl WebApp {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("loopdesk-headers-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>Loopdesk</title><div id=root></div>").unwrap();
        WebApp(dir)
    }
}

impl Drop for WebApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

loopdesk_persistence::both_backends!(every_response_carries_the_browser_headers, |db| {
    block_on(async move {
        let app = app_for(&db);
        let web_app = WebApp::new(&format!("{:?}", db.backend));
        let config = loopdesk_http::HttpConfig { static_dir: Some(web_app.0.clone()), ..Default::default() };
        let svc = actix_web::test::init_service(loopdesk_http::loopdesk_service!(app.clone(), config)).await;
        let token = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;

        // API JSON.
        let me = get(&svc, &token, "/api/v1/me").await.expect(200);
        assert!(me.content_type().starts_with("application/json"));
        assert_browser_headers(&me, STRICT_CSP);
        assert_eq!(me.header("strict-transport-security"), None, "no HSTS unless configured");

        // Problems: from a handler (no credential), from the edge checks (before any handler), a 404.
        let unauthenticated = send(&svc, TestRequest::get().uri("/api/v1/me")).await.expect_problem(401);
        assert_browser_headers(&unauthenticated, STRICT_CSP);
        let refused = post(&svc, &token, "/api/v1/groups", json!({"name": "a\u{202e}b"})).await.expect_problem(422);
        assert_browser_headers(&refused, STRICT_CSP);
        let missing = get(&svc, &token, "/api/v1/nope").await.expect_problem(404);
        assert_browser_headers(&missing, STRICT_CSP);

        // The web app: index.html for a client-side route, with the page's policy.
        let page = send(&svc, TestRequest::get().uri("/tickets/42")).await.expect(200);
        assert!(page.content_type().starts_with("text/html"), "{}", page.content_type());
        assert_browser_headers(&page, APP_CSP);

        // Swagger UI is a page too (its scripts and styles are files of its own origin), the document is JSON.
        let swagger = send(&svc, TestRequest::get().uri("/swagger-ui/")).await.expect(200);
        assert!(swagger.content_type().starts_with("text/html"), "{}", swagger.content_type());
        assert_browser_headers(&swagger, APP_CSP);
        let document = send(&svc, TestRequest::get().uri("/api-docs/openapi.json")).await.expect(200);
        assert_browser_headers(&document, STRICT_CSP);
    })
});

loopdesk_persistence::both_backends!(hsts_is_sent_when_configured, |db| {
    block_on(async move {
        let app = app_for(&db);
        let config = loopdesk_http::HttpConfig { hsts_max_age: Some(31_536_000), ..Default::default() };
        let svc = actix_web::test::init_service(loopdesk_http::loopdesk_service!(app.clone(), config)).await;
        let token = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for reply in [
            get(&svc, &token, "/api/v1/me").await.expect(200),
            get(&svc, &token, "/api/v1/nope").await.expect_problem(404),
            send(&svc, TestRequest::get().uri("/")).await.expect_problem(404),
        ] {
            assert_eq!(
                reply.header("strict-transport-security").as_deref(),
                Some("max-age=31536000; includeSubDomains")
            );
            assert_eq!(reply.header("x-content-type-options").as_deref(), Some("nosniff"));
        }
    })
});
