//! Agents' dispatch profiles, the caller's availability and position, and group queues.

use actix_web::{HttpResponse, get, patch, put, web};
use loopdesk_app::App;
use loopdesk_app::agents::{AgentListQuery, AgentPatch, AgentView, AvailabilityInput, GroupQueueView, LocationInput};
use loopdesk_app::domain::ids::UserId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json};
use crate::problem::ApiError;

/// Staff with their availability, capacity, skills, position and open work (`tickets_assign` or `routing_manage`).
#[utoipa::path(get, operation_id = "list_agents", tag = "dispatch", params(AgentListQuery), responses(
    (status = 200, description = "Agents, by id", body = Vec<AgentView>),
    (status = 404, description = "No group with this `group_id`", body = crate::problem::Problem, content_type = "application/problem+json"),
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
#[utoipa::path(get, operation_id = "get_agent", tag = "dispatch",
    params(("id" = i64, Path, description = "the agent's user id")),
    responses((status = 200, description = "The agent", body = AgentView)))]
#[get("/agents/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let agent = caller.run(&app, move |app, actor| app.get_agent(actor, UserId(id))).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Set an agent's capacity and skills (`routing_manage`), or availability (`routing_manage`, or yourself).
#[utoipa::path(patch, operation_id = "update_agent", tag = "dispatch", request_body = AgentPatch,
    params(("id" = i64, Path, description = "the agent's user id")),
    responses((status = 200, description = "Saved", body = AgentView)))]
#[patch("/agents/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<AgentPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let agent = caller.run(&app, move |app, actor| app.update_agent(actor, UserId(id), &input)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Your own dispatch profile.
#[utoipa::path(get, operation_id = "get_my_agent", tag = "dispatch",
    responses((status = 200, description = "Your profile", body = AgentView),
        (status = 404, description = "You are not staff, so you have no agent profile", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[get("/me/agent")]
pub async fn me(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let agent = caller.run(&app, move |app, actor| app.get_agent(actor, UserId(actor.user_id))).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Go online, away or offline. Only online agents get new work from dispatch.
#[utoipa::path(put, operation_id = "set_my_availability", tag = "dispatch", request_body = AvailabilityInput,
    responses((status = 200, description = "Saved", body = AgentView),
        (status = 404, description = "You are not staff, so you have no agent profile", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[put("/me/availability")]
pub async fn set_availability(
    app: web::Data<App>,
    caller: Caller,
    input: Json<AvailabilityInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let agent = caller.run(&app, move |app, actor| app.set_my_availability(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Report where you are (from the phone), for the nearest-agent strategy.
#[utoipa::path(put, operation_id = "set_my_location", tag = "dispatch", request_body = LocationInput,
    responses((status = 200, description = "Saved", body = AgentView),
        (status = 404, description = "You are not staff, so you have no agent profile", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[put("/me/location")]
pub async fn set_location(
    app: web::Data<App>,
    caller: Caller,
    input: Json<LocationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let agent = caller.run(&app, move |app, actor| app.set_my_location(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(agent))
}

/// Your groups' queues (every group with `tickets_read_all`): unassigned tickets and each member's load.
#[utoipa::path(get, operation_id = "list_queues", tag = "dispatch",
    responses((status = 200, description = "One entry per group", body = Vec<GroupQueueView>)))]
#[get("/queues")]
pub async fn queues(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let queues = caller.run(&app, move |app, actor| app.list_queues(actor)).await?;
    Ok(HttpResponse::Ok().json(queues))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(get)
        .service(update)
        .service(me)
        .service(set_availability)
        .service(set_location)
        .service(queues);
}
