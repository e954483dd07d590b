//! Customer organisations (客户单位): customers belong to one; members may share a ticket view.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use loopdesk_app::App;
use loopdesk_app::directory::{NewOrganizationInput, OrganizationPatch, PageQuery};
use loopdesk_app::domain::ids::OrganizationId;
use loopdesk_app::views::{OrganizationView, Page};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json, validated};
use crate::problem::{ApiError, Problem};

/// Create an organisation (`organizations_manage`).
#[utoipa::path(post, operation_id = "create_organization", tag = "organizations", request_body = NewOrganizationInput, responses(
    (status = 201, description = "Created", body = OrganizationView,
        headers(("Location" = String, description = "the organisation's URL"))),
    (status = 409, description = "An organisation with this name already exists", body = Problem, content_type = "application/problem+json"),
))]
#[post("/organizations")]
pub async fn create(
    app: web::Data<App>,
    caller: Caller,
    input: Json<NewOrganizationInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let organization = caller.run(&app, move |app, actor| app.create_organization(actor, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/organizations/{}", organization.id)))
        .json(organization))
}

/// List organisations (`organizations_manage` or `users_read`), one keyset page at a time.
#[utoipa::path(get, operation_id = "list_organizations", tag = "organizations", params(PageQuery), responses(
    (status = 200, description = "One page of organisations", body = Page<OrganizationView>),
))]
#[get("/organizations")]
pub async fn list(app: web::Data<App>, caller: Caller, query: web::Query<PageQuery>) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = caller.run(&app, move |app, actor| app.list_organizations(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One organisation. Customers may read their own.
#[utoipa::path(get, operation_id = "get_organization", tag = "organizations", params(("id" = i64, Path, description = "organisation id")), responses(
    (status = 200, description = "The organisation", body = OrganizationView),
))]
#[get("/organizations/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let organization = caller.run(&app, move |app, actor| app.get_organization(actor, OrganizationId(id))).await?;
    Ok(HttpResponse::Ok().json(organization))
}

/// Rename an organisation or switch its shared ticket view (`organizations_manage`).
#[utoipa::path(patch, operation_id = "update_organization", tag = "organizations", request_body = OrganizationPatch,
    params(("id" = i64, Path, description = "organisation id")),
    responses(
        (status = 200, description = "Updated", body = OrganizationView),
        (status = 409, description = "An organisation with this name already exists", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/organizations/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<OrganizationPatch>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let organization =
        caller.run(&app, move |app, actor| app.update_organization(actor, OrganizationId(id), &input)).await?;
    Ok(HttpResponse::Ok().json(organization))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update);
}
