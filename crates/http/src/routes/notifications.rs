//! In-app notifications: your list, the unread count, marking read, and the live stream (Server-Sent Events).

use actix_web::{HttpResponse, get, post, web};
use loopdesk_app::App;
use loopdesk_app::notifications::{MarkReadInput, MarkedRead, NotificationQuery, NotificationView, UnreadCount};
use loopdesk_app::views::Page;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, blocking, optional_json};
use crate::problem::ApiError;

/// Your notifications, newest first.
#[utoipa::path(get, operation_id = "list_notifications", tag = "notifications", params(NotificationQuery),
    responses((status = 200, description = "One page", body = Page<NotificationView>)))]
#[get("/notifications")]
pub async fn notifications(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<NotificationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = caller.run(&app, move |app, actor| app.list_notifications(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// How many of your notifications are unread (the bell's badge).
#[utoipa::path(get, operation_id = "unread_notifications", tag = "notifications",
    responses((status = 200, description = "How many are unread", body = UnreadCount)))]
#[get("/notifications/unread-count")]
pub async fn unread(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let count = caller.run(&app, move |app, actor| app.unread_notifications(actor)).await?;
    Ok(HttpResponse::Ok().json(count))
}

/// Mark notifications read: the given ids, or all of yours.
#[utoipa::path(post, operation_id = "mark_notifications_read", tag = "notifications", request_body = MarkReadInput,
    responses((status = 200, description = "How many changed", body = MarkedRead)))]
#[post("/notifications/read")]
pub async fn mark_read(app: web::Data<App>, caller: Caller, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input: MarkReadInput = optional_json(&body)?;
    let marked = caller.run(&app, move |app, actor| app.mark_notifications_read(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(marked))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// the access token, for clients that cannot send headers (the browser's EventSource)
    pub access_token: Option<String>,
}

/// One event of the stream as an event-stream parser yields it (keep-alive comments are not events).
#[derive(Debug, utoipa::ToSchema)]
pub struct StreamEvent {
    /// `ready`, `notification` or `resync`
    #[schema(example = "ready")]
    pub event: String,
    /// the event's JSON: `{"unread": n}` for ready, a NotificationView for notification, `{}` for resync
    #[schema(example = "{\"unread\":0}")]
    pub data: String,
}

/// How long one stream lasts at most: about an access token's life, after which the client reconnects with a
/// fresh token (so a signed-out session stops receiving).
const STREAM_LIFETIME: std::time::Duration = std::time::Duration::from_secs(15 * 60);
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(20);

/// Live notifications as Server-Sent Events.
///
/// First `event: ready` with `{"unread": n}`, then `event: notification` with a NotificationView for each new
/// notification of yours (from any instance), comments as keep-alives every 20 s, and `event: resync` if the stream
/// fell behind (reload the list). Authenticate with the Authorization header or `?access_token=` (the browser's
/// EventSource cannot send headers); the stream ends after 15 minutes: reconnect.
#[utoipa::path(get, operation_id = "stream_notifications", tag = "notifications", params(StreamQuery),
    responses((status = 200, description = "A text/event-stream of your notifications", content_type = "text/event-stream", body = StreamEvent),
        (status = 503, description = "Live delivery is not running on this instance", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[get("/stream")]
pub async fn stream(
    app: web::Data<App>,
    config: web::Data<crate::HttpConfig>,
    req: actix_web::HttpRequest,
    query: web::Query<StreamQuery>,
) -> Result<HttpResponse, ApiError> {
    use actix_web::http::StatusCode;
    use tokio::sync::broadcast::error::RecvError;

    let credential = match (crate::extract::bearer(&req), query.into_inner().access_token) {
        (Ok(token), _) => token,
        (Err(_), Some(token)) if !token.trim().is_empty() => token.trim().to_string(),
        (Err(detail), _) => return Err(ApiError::new(crate::problem::for_status(StatusCode::UNAUTHORIZED, detail))),
    };
    let Some(live) = config.live.clone() else {
        return Err(ApiError::new(crate::problem::for_status(
            StatusCode::SERVICE_UNAVAILABLE,
            "live delivery is not running here; poll GET /api/v1/notifications/unread-count",
        )));
    };
    let receiver = live.subscribe();
    let checked = credential.clone();
    let (user_id, unread_count) = blocking(&app, move |app| {
        let actor = app.authenticate(&checked)?;
        Ok((actor.user_id, app.unread_notifications(&actor)?.unread))
    })
    .await?;
    let ready = format!("event: ready\ndata: {}\n\n", serde_json::json!({ "unread": unread_count }));
    let deadline = tokio::time::Instant::now() + STREAM_LIFETIME;
    // The stream lives only as long as its session: before each notification and at each keep-alive the
    // credential is checked again, so signing out (or a revoked key) ends the stream.
    let session_ended = move |app: web::Data<App>, credential: String| async move {
        blocking(&app, move |app| app.authenticate(&credential).map(|_| ())).await.is_err()
    };
    let state = (receiver, Some(ready), app.clone(), credential);
    let events = futures_util::stream::unfold(state, move |(mut receiver, first, app, credential)| async move {
        if let Some(first) = first {
            return Some((Ok::<_, actix_web::Error>(web::Bytes::from(first)), (receiver, None, app, credential)));
        }
        loop {
            let chunk = tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return None,
                _ = tokio::time::sleep(KEEP_ALIVE) => ": keep-alive\n\n".to_string(),
                message = receiver.recv() => match message {
                    Ok(item) if item.0 == user_id => {
                        format!("event: notification\ndata: {}\n\n", serde_json::to_string(&item.1).unwrap_or_default())
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => "event: resync\ndata: {}\n\n".to_string(),
                    Err(RecvError::Closed) => return None,
                },
            };
            if session_ended(app.clone(), credential.clone()).await {
                return None;
            }
            return Some((Ok(web::Bytes::from(chunk)), (receiver, None, app, credential)));
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        // An event stream must not be buffered by compression or proxies.
        .insert_header(("Content-Encoding", "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(notifications).service(unread).service(mark_read).service(stream);
}
