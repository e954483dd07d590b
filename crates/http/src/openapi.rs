//! The OpenAPI document: the contract with integrators. `openapi/openapi.json` is
//! this document, committed; a test fails when they drift apart.

use std::collections::BTreeMap;

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ArrayItems, Discriminator, Schema};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Components, Content, Ref, RefOr, ResponseBuilder};
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
        license(name = "MIT", identifier = "MIT"),
        contact(name = "Loopdesk", url = "https://loopdesk.dev")
    ),
    servers((url = "/", description = "The server that serves this document (relative, so Swagger UI and generated clients work on any host)")),
    components(schemas(crate::problem::Problem)),
    security(("bearer_jwt" = []), ("api_key" = [])),
    tags(
        (name = "auth", description = "Sign-in, tokens and the current user"),
        (name = "tickets", description = "Tickets, replies, internal notes and history"),
        (name = "attachments", description = "Files on tickets, replies and notes: upload, list, download, thumbnails"),
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
        name_union_variants(components);
        refer_to_page_items(components);
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations =
                [item.get.as_mut(), item.post.as_mut(), item.put.as_mut(), item.patch.as_mut(), item.delete.as_mut()];
            for operation in operations.into_iter().flatten() {
                if PROBES.contains(&path.as_str()) {
                    // Load balancers call the probes without credentials.
                    operation.security = Some(Vec::new());
                }
                add_standard_problems(path, operation);
                describe(operation);
            }
        }
    }
}

/// The health probes: public, and without the API's error conventions.
const PROBES: [&str; 2] = ["/healthz", "/readyz"];

/// Every tagged union (`#[serde(tag = "kind")]` and the like: a `oneOf` whose variants all pin one property to a
/// single string) gets a named schema per variant (`Condition` + `ticket_type` → `ConditionTicketType`) and a
/// discriminator on its tag with the mapping, so that generated clients can tell the variants apart (without
/// names some generators drop every operation that uses the union). The JSON on the wire is unchanged: only the
/// document's description of it is.
fn name_union_variants(components: &mut Components) {
    let unions: Vec<String> = components
        .schemas
        .iter()
        .filter(|(_, schema)| matches!(schema, RefOr::T(Schema::OneOf(one_of)) if one_of.discriminator.is_none()))
        .map(|(name, _)| name.clone())
        .collect();
    for name in unions {
        let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut(&name) else { continue };
        let Some(tag) = union_tag(&one_of.items) else { continue };
        let mut mapping = BTreeMap::new();
        let mut variants = Vec::new();
        for item in one_of.items.iter_mut() {
            let value = tag_value(item, &tag).expect("union_tag checked every variant");
            let variant = format!("{name}{}", pascal_case(&value));
            mapping.insert(value, format!("#/components/schemas/{variant}"));
            variants.push((variant.clone(), std::mem::replace(item, RefOr::Ref(Ref::from_schema_name(variant)))));
        }
        let mut discriminator = Discriminator::new(tag);
        discriminator.mapping = mapping;
        one_of.discriminator = Some(discriminator);
        for (variant, schema) in variants {
            let clash = components.schemas.insert(variant.clone(), schema);
            assert!(clash.is_none(), "the variant schema {variant} of {name} clashes with a schema of that name");
        }
    }
}

/// `Page_NotificationView.items` refers to the `NotificationView` schema instead of repeating it inline (utoipa
/// inlines some generic arguments), so each view is one named type for readers and generated clients.
fn refer_to_page_items(components: &mut Components) {
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in names {
        let Some(item) = name.strip_prefix("Page_") else { continue };
        if !components.schemas.contains_key(item) {
            continue;
        }
        let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(&name) else { continue };
        if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items")
            && let ArrayItems::RefOrSchema(inner) = &mut items.items
            && matches!(**inner, RefOr::T(_))
        {
            **inner = RefOr::Ref(Ref::from_schema_name(item));
        }
    }
}

/// The property every variant of a union pins to one string (its tag), if there is one.
fn union_tag(items: &[RefOr<Schema>]) -> Option<String> {
    let first = items.first()?;
    tagged_properties(first)
        .into_iter()
        .map(|(property, _)| property)
        .find(|property| items.iter().all(|item| tag_value(item, property).is_some()))
}

/// The value of `tag` in a variant: a required property with a single string in its `enum`, on the variant itself
/// or on one part of an `allOf` (a newtype variant: the inner type plus the tag).
fn tag_value(item: &RefOr<Schema>, tag: &str) -> Option<String> {
    tagged_properties(item).into_iter().find(|(property, _)| property == tag).map(|(_, value)| value)
}

fn tagged_properties(item: &RefOr<Schema>) -> Vec<(String, String)> {
    match item {
        RefOr::T(Schema::Object(object)) => object
            .properties
            .iter()
            .filter(|(property, _)| object.required.contains(property))
            .filter_map(|(property, schema)| match schema {
                RefOr::T(Schema::Object(p)) => match p.enum_values.as_deref() {
                    Some([serde_json::Value::String(value)]) => Some((property.clone(), value.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        RefOr::T(Schema::AllOf(all_of)) => all_of.items.iter().flat_map(tagged_properties).collect(),
        _ => Vec::new(),
    }
}

/// `organization_tier` → `OrganizationTier`.
fn pascal_case(snake: &str) -> String {
    snake
        .split(['_', '-', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

fn add_standard_problems(path: &str, operation: &mut Operation) {
    if PROBES.contains(&path) {
        insert_problem(operation, "431", HEAD_TOO_LARGE);
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
    standard.push(("431", HEAD_TOO_LARGE));
    standard.push(("500", "Unexpected server error (details are logged, not sent)"));
    for (status, description) in standard {
        insert_problem(operation, status, description);
    }
}

const HEAD_TOO_LARGE: &str = "Request line and headers above 64 KiB";

/// A problem+json response for `status`, unless the operation describes that status itself.
fn insert_problem(operation: &mut Operation, status: &str, description: &str) {
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem")))))
        .build();
    operation.responses.responses.insert(status.to_string(), RefOr::T(response));
}

/// An operation whose handler documents only a summary gets a description of what the shared conventions mean
/// for it: who may call it, the body, pagination, the headers it reads, and which problems to expect.
fn describe(operation: &mut Operation) {
    if operation.description.is_some() {
        return;
    }
    let mut lines = Vec::new();
    let public = operation.security.as_ref().is_some_and(|requirements| {
        serde_json::to_value(requirements)
            .map(|v| v.as_array().is_some_and(|a| a.iter().all(|r| r.as_object().is_some_and(|o| o.is_empty()))))
            .unwrap_or(false)
    });
    lines.push(if public {
        "Public: no credentials needed.".to_string()
    } else {
        "Send `Authorization: Bearer` with an access token or an API key; the caller's role decides (403 when it \
         does not allow this)."
            .to_string()
    });
    if operation.request_body.is_some() {
        lines.push("The body is JSON (`Content-Type: application/json`, at most 1 MiB).".to_string());
    }
    let parameters: Vec<String> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(parameter) => Some(parameter.name.clone()),
            RefOr::Ref(_) => None,
        })
        .collect();
    if parameters.iter().any(|name| name == "cursor") {
        lines.push("Keyset-paginated: pass `next_cursor` back as `cursor` until it is null.".to_string());
    }
    if parameters.iter().any(|name| name == "If-Match") {
        lines.push("Send the `ETag` you read as `If-Match`; a stale one is a 412.".to_string());
    }
    if parameters.iter().any(|name| name == "Idempotency-Key") {
        lines.push("With `Idempotency-Key`, a retry gets the first response instead of a duplicate.".to_string());
    }
    let statuses: Vec<String> = operation
        .responses
        .responses
        .keys()
        .filter(|status| status.starts_with('4') || status.starts_with('5'))
        .cloned()
        .collect();
    if !statuses.is_empty() {
        lines.push(format!("Errors are `application/problem+json`: {}.", statuses.join(", ")));
    }
    operation.description = Some(lines.join(" "));
}
