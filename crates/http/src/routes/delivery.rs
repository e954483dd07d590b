//! Notification channels (group robots, webhooks), your notification preferences, and the delivery log.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use loopdesk_app::App;
use loopdesk_app::delivery::{
    ChannelInput, ChannelView, DeliveryQuery, DeliveryView, PreferenceView, PreferencesInput,
};
use loopdesk_app::views::Page;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json};
use crate::problem::{ApiError, Problem};

/// The notification channels (`channels_manage`): WeCom, DingTalk and Feishu group robots, and webhooks.
#[utoipa::path(get, operation_id = "list_channels", tag = "notifications",
    responses((status = 200, description = "Every channel", body = Vec<ChannelView>)))]
#[get("/notification-channels")]
pub async fn list_channels(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let channels = caller.run(&app, move |app, actor| app.list_channels(actor)).await?;
    Ok(HttpResponse::Ok().json(channels))
}

/// Add a channel (`channels_manage`). DingTalk and Feishu robots with 加签 need their secret; a webhook with a
/// secret gets an `X-Loopdesk-Signature: sha256=<hex HMAC of the body>` header.
#[utoipa::path(post, operation_id = "create_channel", tag = "notifications", request_body = ChannelInput,
    responses((status = 201, description = "Created", body = ChannelView, headers(("Location" = String, description = "the channel's URL"))),
        (status = 409, description = "A channel with this name exists", body = Problem, content_type = "application/problem+json")))]
#[post("/notification-channels")]
pub async fn create_channel(
    app: web::Data<App>,
    caller: Caller,
    input: Json<ChannelInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let channel = caller.run(&app, move |app, actor| app.create_channel(actor, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/notification-channels/{}", channel.id)))
        .json(channel))
}

/// Replace a channel (`channels_manage`); leave `secret` out to keep the current one, send "" to remove it.
#[utoipa::path(put, operation_id = "update_channel", tag = "notifications", request_body = ChannelInput,
    params(("id" = i64, Path, description = "channel id")),
    responses((status = 200, description = "Saved", body = ChannelView),
        (status = 409, description = "Another channel has this name", body = Problem, content_type = "application/problem+json")))]
#[put("/notification-channels/{id}")]
pub async fn update_channel(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<ChannelInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let channel = caller.run(&app, move |app, actor| app.update_channel(actor, id, &input)).await?;
    Ok(HttpResponse::Ok().json(channel))
}

/// Delete a channel (`channels_manage`); what waits for it in the outbox fails ("the channel was deleted").
#[utoipa::path(delete, operation_id = "delete_channel", tag = "notifications",
    params(("id" = i64, Path, description = "channel id")),
    responses((status = 204, description = "Deleted")))]
#[delete("/notification-channels/{id}")]
pub async fn delete_channel(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    caller.run(&app, move |app, actor| app.delete_channel(actor, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How you hear about each kind of event: in the app and/or by e-mail (default: both).
#[utoipa::path(get, operation_id = "get_my_preferences", tag = "notifications",
    responses((status = 200, description = "One entry per event kind", body = Vec<PreferenceView>)))]
#[get("/me/notification-preferences")]
pub async fn my_preferences(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let preferences = caller.run(&app, move |app, actor| app.my_preferences(actor)).await?;
    Ok(HttpResponse::Ok().json(preferences))
}

/// Set how you hear about events; kinds you leave out go back to the default.
#[utoipa::path(put, operation_id = "set_my_preferences", tag = "notifications", request_body = PreferencesInput,
    responses((status = 200, description = "Saved", body = Vec<PreferenceView>)))]
#[put("/me/notification-preferences")]
pub async fn set_my_preferences(
    app: web::Data<App>,
    caller: Caller,
    input: Json<PreferencesInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let preferences = caller.run(&app, move |app, actor| app.set_my_preferences(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(preferences))
}

/// The delivery log, newest first (`channels_manage`): e-mails and robot messages sent, waiting for a retry, or
/// failed after every retry.
#[utoipa::path(get, operation_id = "list_deliveries", tag = "notifications", params(DeliveryQuery),
    responses((status = 200, description = "One page", body = Page<DeliveryView>)))]
#[get("/deliveries")]
pub async fn list_deliveries(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = caller.run(&app, move |app, actor| app.list_deliveries(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Send a failed delivery again (`channels_manage`).
#[utoipa::path(post, operation_id = "retry_delivery", tag = "notifications",
    params(("id" = i64, Path, description = "delivery id")),
    responses((status = 204, description = "Queued again"),
        (status = 409, description = "The delivery has not failed", body = Problem, content_type = "application/problem+json")))]
#[post("/deliveries/{id}/retry")]
pub async fn retry_delivery(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    caller.run(&app, move |app, actor| app.retry_delivery(actor, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_channels)
        .service(create_channel)
        .service(update_channel)
        .service(delete_channel)
        .service(my_preferences)
        .service(set_my_preferences)
        .service(list_deliveries)
        .service(retry_delivery);
}
