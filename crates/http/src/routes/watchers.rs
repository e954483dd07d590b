//! Watchers (关注) of a ticket: list, watch and stop watching.

use actix_web::{HttpResponse, delete, get, post, web};
use loopdesk_app::App;
use loopdesk_app::domain::ids::{TicketId, UserId};
use loopdesk_app::watchers::{WatchInput, WatchersView};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::Caller;
use crate::problem::ApiError;

/// Who watches (关注) the ticket: staff who hear about its replies, notes and status changes.
#[utoipa::path(get, operation_id = "list_watchers", tag = "tickets",
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "The watchers", body = WatchersView)))]
#[get("/tickets/{id}/watchers")]
pub async fn list_watchers(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let watchers = caller.run(&app, move |app, actor| app.list_watchers(actor, TicketId(id))).await?;
    Ok(HttpResponse::Ok().json(watchers))
}

/// Watch a ticket (staff who can see it): yourself, or with `tickets_assign` someone else.
#[utoipa::path(post, operation_id = "add_watcher", tag = "tickets", request_body = WatchInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "The watchers now", body = WatchersView)))]
#[post("/tickets/{id}/watchers")]
pub async fn add_watcher(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let input: WatchInput = crate::extract::optional_json(&body)?;
    let id = id.into_inner();
    let watchers = caller.run(&app, move |app, actor| app.add_watcher(actor, TicketId(id), &input)).await?;
    Ok(HttpResponse::Ok().json(watchers))
}

/// Stop watching (yourself, or with `tickets_assign` someone else).
#[utoipa::path(delete, operation_id = "remove_watcher", tag = "tickets",
    params(("id" = i64, Path, description = "ticket id"), ("user_id" = i64, Path, description = "the watcher")),
    responses((status = 200, description = "The watchers now", body = WatchersView)))]
#[delete("/tickets/{id}/watchers/{user_id}")]
pub async fn remove_watcher(
    app: web::Data<App>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let watchers = caller.run(&app, move |app, actor| app.remove_watcher(actor, TicketId(id), UserId(user_id))).await?;
    Ok(HttpResponse::Ok().json(watchers))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_watchers).service(add_watcher).service(remove_watcher);
}
