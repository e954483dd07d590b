//! The contract: the committed openapi/openapi.json is exactly what the code
//! generates and serves. Regenerate with `scripts/openapi`.

mod common;

use actix_web::test::TestRequest;
use common::*;

const COMMITTED: &str = include_str!("../../../openapi/openapi.json");

#[test]
fn committed_document_matches_the_code() {
    let generated = loopdesk_http::openapi::document_json();
    if generated != COMMITTED {
        panic!("openapi/openapi.json is out of date: run scripts/openapi and commit the result");
    }
}

#[test]
fn every_operation_documents_errors_and_security() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let mut operations = 0;
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            // Generated clients name their functions after operationId: two alike and one is lost.
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(operation_ids.insert(id.to_owned()), "operationId {id} is used twice ({method} {path})");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} has no success response");
            if path.starts_with("/api/") {
                assert!(responses.contains_key("500"), "{method} {path} lacks 500");
                assert!(responses.contains_key("400"), "{method} {path} lacks 400");
                assert!(op["summary"].is_string() || op["description"].is_string(), "{method} {path} is undocumented");
            }
        }
    }
    assert!(operations >= 30, "only {operations} operations documented");
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("bearer_jwt") && schemes.contains_key("api_key"));
}

loopdesk_persistence::both_backends!(served_document_equals_committed_and_swagger_ui_loads, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let served =
            actix_web::test::call_and_read_body(&svc, TestRequest::get().uri("/api-docs/openapi.json").to_request())
                .await;
        let served: serde_json::Value = serde_json::from_slice(&served).unwrap();
        let committed: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
        assert_eq!(served, committed);
        let ui = send(&svc, TestRequest::get().uri("/swagger-ui/")).await;
        assert_eq!(ui.status.as_u16(), 200);
        let redirect = send(&svc, TestRequest::get().uri("/swagger-ui")).await;
        assert_eq!(redirect.status.as_u16(), 308);
    })
});
