//! The OpenAPI document: the contract with integrators. `openapi/openapi.json` is
//! this document, committed; a test fails when they drift apart.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Loopdesk API",
        description = "Work-order (工单) management: tickets are created, dispatched, handled, reviewed, closed and analysed.\n\n\
Authenticate with `Authorization: Bearer <token>`: an access token from `POST /api/v1/auth/login` (people), or an API key \
(`ldk_…`, for systems). Errors are `application/problem+json` (RFC 7807); 422 problems carry `errors` by field. \
Lists are keyset-paginated: pass `next_cursor` back as `cursor`. Send `Idempotency-Key` when creating tickets from \
systems that retry, and `If-Match` when editing.",
        version = "1.0.0",
        license(name = "MIT")
    ),
    components(schemas(crate::problem::Problem)),
    security(("bearer_jwt" = []), ("api_key" = [])),
    tags(
        (name = "auth", description = "Sign-in, tokens and the current user"),
        (name = "tickets", description = "Tickets, replies, internal notes and history"),
        (name = "users", description = "People: staff and customers"),
        (name = "groups", description = "Departments and teams"),
        (name = "organizations", description = "Customer organisations"),
        (name = "ticket-types", description = "Ticket types and their custom fields"),
        (name = "dispatch", description = "Smart dispatch: routing rules, agents' availability and skills, accept / decline, the claim pool, queues"),
        (name = "sla", description = "Business calendars and SLA policies"),
        (name = "notifications", description = "In-app notifications"),
        (name = "api-keys", description = "Keys for other systems"),
        (name = "operations", description = "Health checks"),
    )
)]
pub struct ApiDoc;

/// The generated document: the description above, the paths and schemas of every route as `routes::api` declares
/// them, and the conventions every operation shares.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let mut document = ApiDoc::openapi();
    let (_, routes) = actix_web::App::new()
        .into_utoipa_app()
        .configure(|cfg| routes::api(cfg, actix_web::web::to(actix_web::HttpResponse::NotFound)))
        .split_for_parts();
    document.merge(routes);
    Conventions.modify(&mut document);
    document
}

/// The document as committed in openapi/openapi.json (pretty, trailing newline).
pub fn document_json() -> String {
    let mut text = document().to_pretty_json().expect("the OpenAPI document serialises");
    text.push('\n');
    text
}

/// Security schemes, and the error responses every operation shares, added in one
/// place instead of repeated on each route.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_jwt",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login (valid 15 minutes)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ldk_…")
                    .description(Some("API key from POST /api/v1/api-keys, sent as Bearer"))
                    .build(),
            ),
        );
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations =
                [item.get.as_mut(), item.post.as_mut(), item.put.as_mut(), item.patch.as_mut(), item.delete.as_mut()];
            for operation in operations.into_iter().flatten() {
                add_standard_problems(path, operation);
            }
        }
    }
}

fn add_standard_problems(path: &str, operation: &mut Operation) {
    if path == "/healthz" || path == "/readyz" {
        return;
    }
    let public = operation.security.as_ref().is_some_and(|s| {
        serde_json::to_value(s)
            .map(|v| v.as_array().is_some_and(|a| a.iter().all(|r| r.as_object().is_some_and(|o| o.is_empty()))))
            .unwrap_or(false)
    });
    let has_body = operation.request_body.is_some();
    let mut standard: Vec<(&str, &str)> = vec![("400", "Malformed request: bad JSON, query or header")];
    if !public {
        standard.push(("401", "Missing, invalid or expired credentials"));
        standard.push(("403", "Authenticated, but not allowed"));
    }
    if path.contains('{') {
        standard.push(("404", "Not found, or not visible to you"));
    }
    if has_body {
        standard.push(("413", "Body larger than 1 MiB"));
        standard.push(("415", "Content-Type must be application/json"));
    }
    if has_body || operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
        standard.push(("422", "Invalid values; `errors` names each field"));
    }
    standard.push(("500", "Unexpected server error (details are logged, not sent)"));
    for (status, description) in standard {
        if operation.responses.responses.contains_key(status) {
            continue;
        }
        let response = ResponseBuilder::new()
            .description(description)
            .content("application/problem+json", Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem")))))
            .build();
        operation.responses.responses.insert(status.to_string(), RefOr::T(response));
    }
}
