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
            assert!(op["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} has no description");
            assert!(responses.contains_key("431"), "{method} {path} lacks 431");
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

#[test]
fn tagged_unions_have_named_variants_and_a_discriminator() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut unions = Vec::new();
    for (name, schema) in schemas {
        let Some(variants) = schema["oneOf"].as_array() else { continue };
        unions.push(name.as_str());
        let tag =
            schema["discriminator"]["propertyName"].as_str().unwrap_or_else(|| panic!("{name}: no discriminator"));
        let mapping = schema["discriminator"]["mapping"].as_object().unwrap_or_else(|| panic!("{name}: no mapping"));
        assert_eq!(mapping.len(), variants.len(), "{name}: one mapping per variant");
        for variant in variants {
            let reference =
                variant["$ref"].as_str().unwrap_or_else(|| panic!("{name}: an anonymous variant {variant}"));
            let target = &schemas[reference.trim_start_matches("#/components/schemas/")];
            // The tag's one value, on the variant or on one part of its allOf.
            let parts = target["allOf"].as_array().cloned().unwrap_or_else(|| vec![target.clone()]);
            let values: Vec<&str> =
                parts.iter().filter_map(|part| part["properties"][tag]["enum"][0].as_str()).collect();
            assert_eq!(values.len(), 1, "{reference}: the tag {tag}");
            assert_eq!(mapping[values[0]].as_str(), Some(reference), "{name}: {} maps elsewhere", values[0]);
        }
    }
    for expected in ["Action", "AssignStrategy", "Assignment", "Condition", "DispatchCause"] {
        assert!(unions.contains(&expected), "{expected} is not a union any more: {unions:?}");
    }
    assert_eq!(
        schemas["Condition"]["discriminator"]["mapping"]["time_window"],
        "#/components/schemas/ConditionTimeWindow"
    );
}

#[test]
fn servers_probes_and_the_stream_are_described_for_clients() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(doc["servers"][0]["url"], "/");
    for probe in ["/healthz", "/readyz"] {
        assert_eq!(doc["paths"][probe]["get"]["security"], serde_json::json!([]), "{probe} is not public");
    }
    let stream = &doc["paths"]["/api/v1/stream"]["get"]["responses"]["200"]["content"];
    assert_eq!(stream.as_object().unwrap().keys().collect::<Vec<_>>(), ["text/event-stream"]);
    let schema = &doc["components"]["schemas"][stream["text/event-stream"]["schema"]["$ref"]
        .as_str()
        .expect("a named stream schema")
        .trim_start_matches("#/components/schemas/")];
    // Each event as an event-stream parser yields it: its name and its JSON.
    assert_eq!(schema["required"], serde_json::json!(["event", "data"]));
    // Pages refer to their item's schema instead of repeating it.
    let page = &doc["components"]["schemas"]["Page_NotificationView"]["properties"]["items"]["items"];
    assert_eq!(page["$ref"], "#/components/schemas/NotificationView");
}

#[test]
fn answers_are_checked_against_the_operation_they_belong_to() {
    let id = |method: &str, path: &str| documented_operation(method, path).map(|(_, op)| op["operationId"].clone());
    assert_eq!(id("get", "/api/v1/tickets/7"), Some("get_ticket".into()));
    assert_eq!(id("post", "/api/v1/routing-rules/order"), Some("reorder_routing_rules".into()));
    assert_eq!(id("delete", "/api/v1/groups/3/members/9"), Some("remove_group_member".into()));
    assert_eq!(id("delete", "/api/v1/tickets"), None);
    // A 409 on an operation that does not list one fails the test that got it; a listed one passes.
    let undocumented =
        std::panic::catch_unwind(|| assert_documented("get", "/api/v1/tickets", actix_web::http::StatusCode::CONFLICT));
    assert!(undocumented.is_err());
    assert_documented("post", "/api/v1/tickets/7/comments", actix_web::http::StatusCode::CONFLICT);
    assert_documented("get", "/api/v1/agents", actix_web::http::StatusCode::NOT_FOUND);
}
