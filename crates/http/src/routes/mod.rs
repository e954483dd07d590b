//! Route handlers, one module per resource. Handlers only speak HTTP: they
//! check the request's shape, call one use case on the blocking pool, and shape the response.

pub mod agents;
pub mod api_keys;
pub mod auth;
pub mod delivery;
pub mod dispatch;
pub mod groups;
pub mod notifications;
pub mod ops;
pub mod organizations;
pub mod reports;
pub mod sla;
pub mod ticket_types;
pub mod tickets;
pub mod users;
pub mod watchers;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every route, declared once per handler in its module's `routes`: registering them on actix also collects their
/// OpenAPI paths and schemas (`crate::openapi::document` reads the same declaration). `api_fallback` answers what
/// no route under `/api/v1` matched.
pub fn api(cfg: &mut ServiceConfig, api_fallback: actix_web::Route) {
    ops::routes(cfg);
    cfg.service(
        scope::scope("/api/v1")
            .configure(auth::routes)
            .configure(api_keys::routes)
            .configure(tickets::routes)
            .configure(watchers::routes)
            .configure(users::routes)
            .configure(groups::routes)
            .configure(organizations::routes)
            .configure(ticket_types::routes)
            .configure(dispatch::routes)
            .configure(agents::routes)
            .configure(notifications::routes)
            .configure(reports::routes)
            .configure(delivery::routes)
            .configure(sla::routes)
            .default_service(api_fallback),
    );
}
