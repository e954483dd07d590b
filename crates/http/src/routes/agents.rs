//! Agents' dispatch profiles, the caller's availability and position, group queues, notifications and transfer
//! statistics.

use actix_web::{HttpResponse, get, patch, post, put, web};
use loopdesk_app::App;
use loopdesk_app::agents::{
    AgentListQuery, AgentPatch, AgentView, AvailabilityInput, GroupQueueView, LocationInput, MarkReadInput, MarkedRead,
    NotificationQuery, NotificationView, TransferCountView, TransferStatsQuery, UnreadCount,
};
use loopdesk_app::views::Page;

use crate::extract::{Caller, optional_json};
use crate::problem::ApiError;

/// Staff with their availability, capacity, skills, position and open work (`tickets_assign` or `routing_manage`).
#[utoipa::path(get, path = "/api/v1/agents", operation_id = "list_agents", tag = "dispatch", params(AgentListQuery), responses(
    (status = 200, description = "Agents, by id", body = Vec<AgentView>),
))]
#[get("/agents")]
pub async fn list(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<AgentListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let agents = caller.run(&app, move |app, actor| app.list_agents(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(agents))
}

/// One agent's dispatch profile and load (yourself, or anyone with `tickets_assign`).
#[utoipa::path(get, path = "/api/v1/agents/{id}", operation_id = "get_agent", tag = "dispatch",
    params(("id" = i64, Path, description = "the agent's user id")),
    responses((status = 200, description = "The agent", body = AgentView)))]
#[get("/agents/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let agent = caller.run(&app, move |app, actor| app.get_agent(actor, id)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Set an agent's capacity and skills (`routing_manage`), or availability (`routing_manage`, or yourself).
#[utoipa::path(patch, path = "/api/v1/agents/{id}", operation_id = "update_agent", tag = "dispatch", request_body = AgentPatch,
    params(("id" = i64, Path, description = "the agent's user id")),
    responses((status = 200, description = "Saved", body = AgentView)))]
#[patch("/agents/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: web::Json<AgentPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let agent = caller.run(&app, move |app, actor| app.update_agent(actor, id, &input)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Your own dispatch profile.
#[utoipa::path(get, path = "/api/v1/me/agent", operation_id = "get_my_agent", tag = "dispatch",
    responses((status = 200, description = "Your profile", body = AgentView)))]
#[get("/me/agent")]
pub async fn me(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let agent = caller.run(&app, move |app, actor| app.get_agent(actor, actor.user_id)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Go online, away or offline. Only online agents get new work from dispatch.
#[utoipa::path(put, path = "/api/v1/me/availability", operation_id = "set_my_availability", tag = "dispatch", request_body = AvailabilityInput,
    responses((status = 200, description = "Saved", body = AgentView)))]
#[put("/me/availability")]
pub async fn set_availability(
    app: web::Data<App>,
    caller: Caller,
    input: web::Json<AvailabilityInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let agent = caller.run(&app, move |app, actor| app.set_my_availability(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Report where you are (from the phone), for the nearest-agent strategy.
#[utoipa::path(put, path = "/api/v1/me/location", operation_id = "set_my_location", tag = "dispatch", request_body = LocationInput,
    responses((status = 200, description = "Saved", body = AgentView)))]
#[put("/me/location")]
pub async fn set_location(
    app: web::Data<App>,
    caller: Caller,
    input: web::Json<LocationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let agent = caller.run(&app, move |app, actor| app.set_my_location(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Your groups' queues (every group with `tickets_read_all`): unassigned tickets and each member's load.
#[utoipa::path(get, path = "/api/v1/queues", operation_id = "list_queues", tag = "dispatch",
    responses((status = 200, description = "One entry per group", body = Vec<GroupQueueView>)))]
#[get("/queues")]
pub async fn queues(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let queues = caller.run(&app, move |app, actor| app.list_queues(actor)).await?;
    Ok(HttpResponse::Ok().json(queues))
}

/// Transfers between groups in a period, most frequent first (`tickets_assign`).
#[utoipa::path(get, path = "/api/v1/reports/transfers", operation_id = "transfer_stats", tag = "dispatch", params(TransferStatsQuery),
    responses((status = 200, description = "Counts per pair of groups", body = Vec<TransferCountView>)))]
#[get("/reports/transfers")]
pub async fn transfers(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<TransferStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let stats = caller.run(&app, move |app, actor| app.transfer_stats(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(stats))
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", operation_id = "list_notifications", tag = "notifications", params(NotificationQuery),
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
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", operation_id = "unread_notifications", tag = "notifications",
    responses((status = 200, description = "How many are unread", body = UnreadCount)))]
#[get("/notifications/unread-count")]
pub async fn unread(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let count = caller.run(&app, move |app, actor| app.unread_notifications(actor)).await?;
    Ok(HttpResponse::Ok().json(count))
}

/// Mark notifications read: the given ids, or all of yours.
#[utoipa::path(post, path = "/api/v1/notifications/read", operation_id = "mark_notifications_read", tag = "notifications", request_body = MarkReadInput,
    responses((status = 200, description = "How many changed", body = MarkedRead)))]
#[post("/notifications/read")]
pub async fn mark_read(app: web::Data<App>, caller: Caller, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input: MarkReadInput = optional_json(&body)?;
    let marked = caller.run(&app, move |app, actor| app.mark_notifications_read(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(marked))
}
