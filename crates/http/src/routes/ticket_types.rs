//! Ticket types (工单类型) and their custom-field definitions.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use loopdesk_app::App;
use loopdesk_app::domain::ids::TicketTypeId;
use loopdesk_app::ticket_types::{NewTicketTypeInput, TicketTypePatch};
use loopdesk_app::views::TicketTypeView;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json, validated};
use crate::problem::{ApiError, Problem};

/// Options of the ticket-type list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketTypeListQuery {
    /// also list deactivated types (staff only; customers never see them); default false
    #[param(example = false)]
    pub include_inactive: Option<bool>,
}

/// Create a ticket type with its custom fields (`ticket_types_manage`). Field keys are
/// `^[a-z][a-z0-9_]{0,62}$` and unique; select and multi_select fields need options, other kinds take none.
#[utoipa::path(post, operation_id = "create_ticket_type", tag = "ticket-types", request_body = NewTicketTypeInput, responses(
    (status = 201, description = "Created", body = TicketTypeView,
        headers(("Location" = String, description = "the ticket type's URL"))),
    (status = 409, description = "A ticket type with this name already exists", body = Problem, content_type = "application/problem+json"),
))]
#[post("/ticket-types")]
pub async fn create(
    app: web::Data<App>,
    caller: Caller,
    input: Json<NewTicketTypeInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let ticket_type = caller.run(&app, move |app, actor| app.create_ticket_type(actor, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/ticket-types/{}", ticket_type.id)))
        .json(ticket_type))
}

/// The ticket types, for the new-ticket form. Any signed-in caller may list them;
/// customers see only active types and only their customer-visible fields.
#[utoipa::path(get, operation_id = "list_ticket_types", tag = "ticket-types", params(TicketTypeListQuery), responses(
    (status = 200, description = "The ticket types", body = Vec<TicketTypeView>),
))]
#[get("/ticket-types")]
pub async fn list(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<TicketTypeListQuery>,
) -> Result<HttpResponse, ApiError> {
    let include_inactive = query.include_inactive.unwrap_or(false);
    let types = caller.run(&app, move |app, actor| app.list_ticket_types(actor, include_inactive)).await?;
    Ok(HttpResponse::Ok().json(types))
}

/// One ticket type with its field definitions (customers: customer-visible fields of active types only).
#[utoipa::path(get, operation_id = "get_ticket_type", tag = "ticket-types", params(("id" = i64, Path, description = "ticket type id")), responses(
    (status = 200, description = "The ticket type", body = TicketTypeView),
))]
#[get("/ticket-types/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ticket_type = caller.run(&app, move |app, actor| app.get_ticket_type(actor, TicketTypeId(id))).await?;
    Ok(HttpResponse::Ok().json(ticket_type))
}

/// Edit a ticket type (`ticket_types_manage`); absent fields stay. `fields` replaces all
/// definitions (values under removed keys stay on existing tickets); `active: false` retires the type.
#[utoipa::path(patch, operation_id = "update_ticket_type", tag = "ticket-types", request_body = TicketTypePatch,
    params(("id" = i64, Path, description = "ticket type id")),
    responses(
        (status = 200, description = "Updated", body = TicketTypeView),
        (status = 409, description = "A ticket type with this name already exists", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/ticket-types/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<TicketTypePatch>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let ticket_type =
        caller.run(&app, move |app, actor| app.update_ticket_type(actor, TicketTypeId(id), &input)).await?;
    Ok(HttpResponse::Ok().json(ticket_type))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update);
}
