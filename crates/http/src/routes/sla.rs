//! Business calendars (工作日历) and SLA policies.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use loopdesk_app::App;
use loopdesk_app::sla::{
    CalendarInput, CalendarView, HolidayImportInput, PolicyOrderInput, SlaPolicyInput, SlaPolicyView,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json};
use crate::problem::{ApiError, Problem};

/// Every business calendar (`sla_manage` or `tickets_assign`).
#[utoipa::path(get, operation_id = "list_calendars", tag = "sla",
    responses((status = 200, description = "Every calendar", body = Vec<CalendarView>)))]
#[get("/calendars")]
pub async fn list_calendars(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let calendars = caller.run(&app, move |app, actor| app.list_calendars(actor)).await?;
    Ok(HttpResponse::Ok().json(calendars))
}

/// Add a calendar (`sla_manage`): an IANA time zone, working spans per weekday (several a day), holidays and
/// make-up working days (调休). An invalid one is a 422 by field (`week.mon[1].to`, `holidays[3].date` …).
#[utoipa::path(post, operation_id = "create_calendar", tag = "sla", request_body = CalendarInput,
    responses((status = 201, description = "Created", body = CalendarView, headers(("Location" = String, description = "the calendar's URL"))),
        (status = 409, description = "A calendar with this name exists", body = Problem, content_type = "application/problem+json")))]
#[post("/calendars")]
pub async fn create_calendar(
    app: web::Data<App>,
    caller: Caller,
    input: Json<CalendarInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let calendar = caller.run(&app, move |app, actor| app.create_calendar(actor, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/calendars/{}", calendar.id)))
        .json(calendar))
}

/// One calendar.
#[utoipa::path(get, operation_id = "get_calendar", tag = "sla",
    params(("id" = i64, Path, description = "calendar id")),
    responses((status = 200, description = "The calendar", body = CalendarView)))]
#[get("/calendars/{id}")]
pub async fn get_calendar(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let calendar = caller.run(&app, move |app, actor| app.get_calendar(actor, id)).await?;
    Ok(HttpResponse::Ok().json(calendar))
}

/// Replace a calendar (`sla_manage`). Running clocks of open tickets on it move onto the new working time.
#[utoipa::path(put, operation_id = "update_calendar", tag = "sla", request_body = CalendarInput,
    params(("id" = i64, Path, description = "calendar id")),
    responses((status = 200, description = "Saved", body = CalendarView),
        (status = 409, description = "Another calendar has this name", body = Problem, content_type = "application/problem+json")))]
#[put("/calendars/{id}")]
pub async fn update_calendar(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<CalendarInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let calendar = caller.run(&app, move |app, actor| app.update_calendar(actor, id, &input)).await?;
    Ok(HttpResponse::Ok().json(calendar))
}

/// Import a year of holidays and make-up days (`sla_manage`) from CSV (`date,kind,name[,works_like]`, kind
/// `holiday` or `workday`) or JSON (a list of the same objects). Errors name their line.
#[utoipa::path(post, operation_id = "import_holidays", tag = "sla", request_body = HolidayImportInput,
    params(("id" = i64, Path, description = "calendar id")),
    responses((status = 200, description = "The calendar with the dates merged in", body = CalendarView)))]
#[post("/calendars/{id}/import")]
pub async fn import_holidays(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<HolidayImportInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let calendar = caller.run(&app, move |app, actor| app.import_holidays(actor, id, &input)).await?;
    Ok(HttpResponse::Ok().json(calendar))
}

/// Delete a calendar no policy counts on (`sla_manage`).
#[utoipa::path(delete, operation_id = "delete_calendar", tag = "sla",
    params(("id" = i64, Path, description = "calendar id")),
    responses((status = 204, description = "Deleted"),
        (status = 409, description = "A policy counts on it", body = Problem, content_type = "application/problem+json")))]
#[delete("/calendars/{id}")]
pub async fn delete_calendar(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    caller.run(&app, move |app, actor| app.delete_calendar(actor, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The SLA policies in selection order (`sla_manage` or `tickets_assign`): the first enabled policy whose
/// conditions all hold covers a new ticket.
#[utoipa::path(get, operation_id = "list_sla_policies", tag = "sla",
    responses((status = 200, description = "Every policy, first to last", body = Vec<SlaPolicyView>)))]
#[get("/sla-policies")]
pub async fn list_policies(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let policies = caller.run(&app, move |app, actor| app.list_sla_policies(actor)).await?;
    Ok(HttpResponse::Ok().json(policies))
}

/// Add a policy (`sla_manage`): conditions like routing rules, first-response and resolution targets per priority
/// in business minutes, a calendar (or none: 24×7), the warning share, and what to do on a breach.
#[utoipa::path(post, operation_id = "create_sla_policy", tag = "sla", request_body = SlaPolicyInput,
    responses((status = 201, description = "Created", body = SlaPolicyView, headers(("Location" = String, description = "the policy's URL")))))]
#[post("/sla-policies")]
pub async fn create_policy(
    app: web::Data<App>,
    caller: Caller,
    input: Json<SlaPolicyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let policy = caller.run(&app, move |app, actor| app.create_sla_policy(actor, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/sla-policies/{}", policy.id)))
        .json(policy))
}

/// One policy.
#[utoipa::path(get, operation_id = "get_sla_policy", tag = "sla",
    params(("id" = i64, Path, description = "policy id")),
    responses((status = 200, description = "The policy", body = SlaPolicyView)))]
#[get("/sla-policies/{id}")]
pub async fn get_policy(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = caller.run(&app, move |app, actor| app.get_sla_policy(actor, id)).await?;
    Ok(HttpResponse::Ok().json(policy))
}

/// Replace a policy (`sla_manage`). It applies to tickets created from now on, and to open tickets whose
/// priority changes.
#[utoipa::path(put, operation_id = "update_sla_policy", tag = "sla", request_body = SlaPolicyInput,
    params(("id" = i64, Path, description = "policy id")),
    responses((status = 200, description = "Saved", body = SlaPolicyView)))]
#[put("/sla-policies/{id}")]
pub async fn update_policy(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<SlaPolicyInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());
    let policy = caller.run(&app, move |app, actor| app.update_sla_policy(actor, id, &input)).await?;
    Ok(HttpResponse::Ok().json(policy))
}

/// Delete a policy (`sla_manage`); tickets it covers keep their clocks.
#[utoipa::path(delete, operation_id = "delete_sla_policy", tag = "sla",
    params(("id" = i64, Path, description = "policy id")),
    responses((status = 204, description = "Deleted")))]
#[delete("/sla-policies/{id}")]
pub async fn delete_policy(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    caller.run(&app, move |app, actor| app.delete_sla_policy(actor, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Put the SLA policies in a new order (`sla_manage`): list every policy id once, first to last.
#[utoipa::path(post, operation_id = "reorder_sla_policies", tag = "sla", request_body = PolicyOrderInput,
    responses((status = 200, description = "The policies in their new order", body = Vec<SlaPolicyView>)))]
#[post("/sla-policies/order")]
pub async fn reorder_policies(
    app: web::Data<App>,
    caller: Caller,
    input: Json<PolicyOrderInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let policies = caller.run(&app, move |app, actor| app.reorder_sla_policies(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(policies))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_calendars)
        .service(create_calendar)
        .service(get_calendar)
        .service(update_calendar)
        .service(import_holidays)
        .service(delete_calendar)
        .service(list_policies)
        .service(create_policy)
        .service(reorder_policies)
        .service(get_policy)
        .service(update_policy)
        .service(delete_policy);
}
