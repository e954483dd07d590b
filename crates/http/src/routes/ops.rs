//! Liveness and readiness for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use loopdesk_app::App;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process serves requests.
#[utoipa::path(get, tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(get, tag = "operations", responses(
    (status = 200, description = "Ready", body = Health),
    (status = 503, description = "The database is not reachable", body = Health)
))]
#[get("/readyz")]
pub async fn readyz(app: web::Data<App>) -> HttpResponse {
    let app = app.clone();
    let ready = web::block(move || app.database_ready()).await.unwrap_or(false);
    if ready {
        HttpResponse::Ok().json(Health { status: "ok" })
    } else {
        HttpResponse::ServiceUnavailable().json(Health { status: "database unavailable" })
    }
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}
