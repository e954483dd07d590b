//! Agent groups (departments and teams, 部门/小组), which may nest, and their members.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use loopdesk_app::App;
use loopdesk_app::directory::{GroupPatch, NewGroupInput};
use loopdesk_app::domain::ids::{GroupId, UserId};
use loopdesk_app::views::GroupView;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json, validated};
use crate::problem::{ApiError, Problem};

/// Create a group (`groups_manage`), optionally under a parent group.
#[utoipa::path(post, operation_id = "create_group", tag = "groups", request_body = NewGroupInput, responses(
    (status = 201, description = "Created", body = GroupView,
        headers(("Location" = String, description = "the group's URL"))),
    (status = 409, description = "A group with this name already exists", body = Problem, content_type = "application/problem+json"),
))]
#[post("/groups")]
pub async fn create(app: web::Data<App>, caller: Caller, input: Json<NewGroupInput>) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let group = caller.run(&app, move |app, actor| app.create_group(actor, &input)).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/groups/{}", group.id))).json(group))
}

/// All groups with their member ids (`users_read` or `groups_manage`).
#[utoipa::path(get, operation_id = "list_groups", tag = "groups", responses(
    (status = 200, description = "All groups", body = Vec<GroupView>),
))]
#[get("/groups")]
pub async fn list(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let groups = caller.run(&app, move |app, actor| app.list_groups(actor)).await?;
    Ok(HttpResponse::Ok().json(groups))
}

/// One group with its member ids.
#[utoipa::path(get, operation_id = "get_group", tag = "groups", params(("id" = i64, Path, description = "group id")), responses(
    (status = 200, description = "The group", body = GroupView),
))]
#[get("/groups/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let group = caller.run(&app, move |app, actor| app.get_group(actor, GroupId(id))).await?;
    Ok(HttpResponse::Ok().json(group))
}

/// Rename, describe or move a group (`groups_manage`); `parent_id: null` makes it top-level.
/// A group cannot become its own ancestor.
#[utoipa::path(patch, operation_id = "update_group", tag = "groups", request_body = GroupPatch,
    params(("id" = i64, Path, description = "group id")),
    responses(
        (status = 200, description = "Updated", body = GroupView),
        (status = 409, description = "A group with this name already exists", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/groups/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<GroupPatch>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let group = caller.run(&app, move |app, actor| app.update_group(actor, GroupId(id), &input)).await?;
    Ok(HttpResponse::Ok().json(group))
}

/// Add a staff member to the group (`groups_manage`). Idempotent; customers cannot join (422).
#[utoipa::path(put, operation_id = "add_group_member", tag = "groups",
    params(("id" = i64, Path, description = "group id"), ("user_id" = i64, Path, description = "user id")),
    responses((status = 200, description = "The group with its members", body = GroupView)))]
#[put("/groups/{id}/members/{user_id}")]
pub async fn add_member(
    app: web::Data<App>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let group = caller.run(&app, move |app, actor| app.add_group_member(actor, GroupId(id), UserId(user_id))).await?;
    Ok(HttpResponse::Ok().json(group))
}

/// Remove someone from the group (`groups_manage`). Removing a non-member is not an error.
#[utoipa::path(delete, operation_id = "remove_group_member", tag = "groups",
    params(("id" = i64, Path, description = "group id"), ("user_id" = i64, Path, description = "user id")),
    responses((status = 200, description = "The group with its members", body = GroupView)))]
#[delete("/groups/{id}/members/{user_id}")]
pub async fn remove_member(
    app: web::Data<App>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let group =
        caller.run(&app, move |app, actor| app.remove_group_member(actor, GroupId(id), UserId(user_id))).await?;
    Ok(HttpResponse::Ok().json(group))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(add_member).service(remove_member);
}
