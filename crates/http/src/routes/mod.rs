//! Route handlers, one module per resource. Handlers only speak HTTP: they
//! check the request's shape, call one use case on the blocking pool, and shape the response.

pub mod agents;
pub mod api_keys;
pub mod attachments;
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
///
/// Answers under `/api/v1` are compressed as the client's `Accept-Encoding` asks (brotli or gzip, by actix's
/// `Compress`): a page of tickets is ~50 KB of JSON. Two kinds of answer are left alone because they carry their own
/// `Content-Encoding`, which `Compress` never overrides: the live stream (`identity`: a compressor would buffer its
/// events) and, outside this scope anyway, the web app's precompressed files (`crate::static_files`).
pub fn api(cfg: &mut ServiceConfig, api_fallback: actix_web::Route) {
    ops::routes(cfg);
    cfg.service(
        scope::scope("/api/v1")
            .configure(auth::routes)
            .configure(api_keys::routes)
            .configure(tickets::routes)
            .configure(attachments::routes)
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
            .default_service(api_fallback)
            .wrap(actix_web::middleware::Compress::default()),
    );
}
