//! API keys for other systems (CRM, ERP, monitoring).

use actix_web::{HttpResponse, delete, get, post, web};
use loopdesk_app::App;
use loopdesk_app::auth::NewApiKeyInput;
use loopdesk_app::views::{ApiKeyView, CreatedApiKeyView};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json, validated};
use crate::problem::ApiError;

/// Create an API key acting as you, limited to the given permissions. The secret is shown once.
#[utoipa::path(post, operation_id = "create_api_key", tag = "api-keys", request_body = NewApiKeyInput, responses(
    (status = 201, description = "Created; `key` is shown only now", body = CreatedApiKeyView),
))]
#[post("/api-keys")]
pub async fn create(
    app: web::Data<App>,
    caller: Caller,
    input: Json<NewApiKeyInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let created = caller.run(&app, move |app, actor| app.create_api_key(actor, &input)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// All API keys (without secrets), with their last use.
#[utoipa::path(get, operation_id = "list_api_keys", tag = "api-keys", responses(
    (status = 200, description = "The keys", body = Vec<ApiKeyView>),
))]
#[get("/api-keys")]
pub async fn list(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let keys = caller.run(&app, move |app, actor| app.list_api_keys(actor)).await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Revoke a key: it stops working at once.
#[utoipa::path(delete, operation_id = "revoke_api_key", tag = "api-keys", params(("id" = i64, Path, description = "API key id")), responses(
    (status = 200, description = "Revoked", body = ApiKeyView),
))]
#[delete("/api-keys/{id}")]
pub async fn revoke(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let key = caller.run(&app, move |app, actor| app.revoke_api_key(actor, id)).await?;
    Ok(HttpResponse::Ok().json(key))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(revoke);
}
