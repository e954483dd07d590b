//! Smart dispatch: routing rules and their test box, re-routing, accept / decline, and claiming from the pool.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use loopdesk_app::App;
use loopdesk_app::dispatch::{DeclineInput, RerouteInput};
use loopdesk_app::domain::ids::TicketId;
use loopdesk_app::routing::{RoutingRuleInput, RoutingRuleView, RoutingTestInput, RoutingTestView, RuleOrderInput};
use loopdesk_app::views::TicketView;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tickets::ticket_response;
use crate::extract::{Caller, Json, locale, optional_json, validated};
use crate::problem::{ApiError, Problem};

/// The routing rules in evaluation order (`routing_manage` or `tickets_assign`).
#[utoipa::path(get, operation_id = "list_routing_rules", tag = "dispatch", responses(
    (status = 200, description = "Every rule, first to last", body = Vec<RoutingRuleView>),
))]
#[get("/routing-rules")]
pub async fn list_rules(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let rules = caller.run(&app, move |app, actor| app.list_routing_rules(actor)).await?;
    Ok(HttpResponse::Ok().json(rules))
}

/// Add a rule (`routing_manage`). Conditions all must hold; the first matching rule wins unless it says
/// `continue_matching`. A rule naming a group, agent, type, field or organisation that does not exist is a 422.
#[utoipa::path(post, operation_id = "create_routing_rule", tag = "dispatch", request_body = RoutingRuleInput, responses(
    (status = 201, description = "Created", body = RoutingRuleView, headers(("Location" = String, description = "the rule's URL"))),
))]
#[post("/routing-rules")]
pub async fn create_rule(
    app: web::Data<App>,
    caller: Caller,
    input: Json<RoutingRuleInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let rule = caller.run(&app, move |app, actor| app.create_routing_rule(actor, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/routing-rules/{}", rule.id)))
        .json(rule))
}

/// Put the rules in a new order (`routing_manage`): list every rule id once, first to last.
#[utoipa::path(post, operation_id = "reorder_routing_rules", tag = "dispatch", request_body = RuleOrderInput, responses(
    (status = 200, description = "The rules in their new order", body = Vec<RoutingRuleView>),
))]
#[post("/routing-rules/order")]
pub async fn reorder_rules(
    app: web::Data<App>,
    caller: Caller,
    input: Json<RuleOrderInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let rules = caller.run(&app, move |app, actor| app.reorder_routing_rules(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(rules))
}

/// Test routing on a sample ticket without changing anything: which rules match (condition by condition), where
/// the ticket would go and which agent today's snapshot would pick. Send `rules` to test unsaved edits.
#[utoipa::path(post, operation_id = "test_routing", tag = "dispatch", request_body = RoutingTestInput,
    params(("Accept-Language" = Option<String>, Header, description = "zh-CN (default) or en, for the reason text")),
    responses((status = 200, description = "What routing would do", body = RoutingTestView)))]
#[post("/routing-rules/test")]
pub async fn test_rules(
    app: web::Data<App>,
    caller: Caller,
    input: Json<RoutingTestInput>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (input, locale) = (input.into_inner(), locale(&req));
    let result = caller.run(&app, move |app, actor| app.test_routing(actor, &input, locale)).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One routing rule.
#[utoipa::path(get, operation_id = "get_routing_rule", tag = "dispatch",
    params(("id" = i64, Path, description = "rule id")),
    responses((status = 200, description = "The rule", body = RoutingRuleView)))]
#[get("/routing-rules/{id}")]
pub async fn get_rule(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rule = caller.run(&app, move |app, actor| app.get_routing_rule(actor, id)).await?;
    Ok(HttpResponse::Ok().json(rule))
}

/// Replace a rule (`routing_manage`); `position` may be left out to keep it where it is.
#[utoipa::path(put, operation_id = "update_routing_rule", tag = "dispatch", request_body = RoutingRuleInput,
    params(("id" = i64, Path, description = "rule id")),
    responses((status = 200, description = "Saved", body = RoutingRuleView)))]
#[put("/routing-rules/{id}")]
pub async fn update_rule(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<RoutingRuleInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let rule = caller.run(&app, move |app, actor| app.update_routing_rule(actor, id, &input)).await?;
    Ok(HttpResponse::Ok().json(rule))
}

/// Delete a rule (`routing_manage`). Tickets it routed keep their history.
#[utoipa::path(delete, operation_id = "delete_routing_rule", tag = "dispatch",
    params(("id" = i64, Path, description = "rule id")),
    responses((status = 204, description = "Deleted")))]
#[delete("/routing-rules/{id}")]
pub async fn delete_rule(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    caller.run(&app, move |app, actor| app.delete_routing_rule(actor, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Route the ticket again now (`tickets_assign`): the rules, then the strategy, with the decision in the history.
#[utoipa::path(post, operation_id = "reroute_ticket", tag = "dispatch", request_body = RerouteInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "Routed", body = TicketView),
        (status = 409, description = "The ticket is resolved or closed", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/route")]
pub async fn reroute(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let input: RerouteInput = optional_json(&body)?;
    validated(&input)?;
    let id = id.into_inner();
    let ticket = caller.run(&app, move |app, actor| app.reroute_ticket(actor, TicketId(id), &input)).await?;
    Ok(ticket_response(StatusCode::OK, &ticket))
}

/// Accept an assigned ticket (the assignee only): it moves to in_progress and its acceptance deadline ends.
#[utoipa::path(post, operation_id = "accept_ticket", tag = "dispatch",
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "Accepted", body = TicketView),
        (status = 409, description = "The ticket is not waiting for acceptance", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/accept")]
pub async fn accept(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ticket = caller.run(&app, move |app, actor| app.accept_ticket(actor, TicketId(id))).await?;
    Ok(ticket_response(StatusCode::OK, &ticket))
}

/// Decline an assigned ticket with a reason (the assignee only); dispatch runs again without you. The answer is
/// 404 when the ticket left your sight.
#[utoipa::path(post, operation_id = "decline_ticket", tag = "dispatch", request_body = DeclineInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "Declined and dispatched again", body = TicketView),
        (status = 409, description = "Already accepted: transfer it instead", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/decline")]
pub async fn decline(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<DeclineInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let ticket = caller.run(&app, move |app, actor| app.decline_ticket(actor, TicketId(id), &input)).await?;
    Ok(ticket_response(StatusCode::OK, &ticket))
}

/// Claim a ticket from the pool (抢单): exactly one claim wins, even when many arrive at once; the winner starts
/// work at once (in_progress). Every other claim is a 409 naming who has it.
#[utoipa::path(post, operation_id = "claim_ticket", tag = "dispatch",
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "Claimed: the ticket is yours", body = TicketView),
        (status = 409, description = "Already claimed, not in the pool, or you may not claim it now (offline, full, missing a skill)", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/claim")]
pub async fn claim(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ticket = caller.run(&app, move |app, actor| app.claim_ticket(actor, TicketId(id))).await?;
    Ok(ticket_response(StatusCode::OK, &ticket))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_rules)
        .service(create_rule)
        .service(reorder_rules)
        .service(test_rules)
        .service(get_rule)
        .service(update_rule)
        .service(delete_rule)
        .service(reroute)
        .service(accept)
        .service(decline)
        .service(claim);
}
