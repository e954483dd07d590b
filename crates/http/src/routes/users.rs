//! People: staff (agents, supervisors, administrators) and customers, and the roles they hold.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use loopdesk_app::App;
use loopdesk_app::directory::{NewUserInput, UserListQuery, UserPatch};
use loopdesk_app::domain::ids::UserId;
use loopdesk_app::views::{Page, RoleView, UserView};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json, validated};
use crate::problem::{ApiError, Problem};

/// Create a user: a staff member (with groups) or a customer (with an organisation).
/// Needs `users_manage`. The e-mail is stored lower-case and must be unique.
#[utoipa::path(post, operation_id = "create_user", tag = "users", request_body = NewUserInput, responses(
    (status = 201, description = "Created", body = UserView,
        headers(("Location" = String, description = "the user's URL"))),
    (status = 409, description = "A user with this e-mail already exists", body = Problem, content_type = "application/problem+json"),
))]
#[post("/users")]
pub async fn create(app: web::Data<App>, caller: Caller, input: Json<NewUserInput>) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let user = caller.run(&app, move |app, actor| app.create_user(actor, &input)).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id))).json(user))
}

/// List users, for staff pickers and administration (`users_read` or `users_manage`).
/// Filters combine with AND; pass `next_cursor` back as `cursor` for the next page.
#[utoipa::path(get, operation_id = "list_users", tag = "users", params(UserListQuery), responses(
    (status = 200, description = "One page of users", body = Page<UserView>),
))]
#[get("/users")]
pub async fn list(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = caller.run(&app, move |app, actor| app.list_users(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One user, with role, permissions and groups. Anyone may read themself; others need `users_read`.
#[utoipa::path(get, operation_id = "get_user", tag = "users", params(("id" = i64, Path, description = "user id")), responses(
    (status = 200, description = "The user", body = UserView),
))]
#[get("/users/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = caller.run(&app, move |app, actor| app.get_user(actor, UserId(id))).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Edit a user (`users_manage`); absent fields stay as they are. `active: false` or a new
/// password ends every session of the user at once. You cannot deactivate yourself or
/// drop your own `users_manage`.
#[utoipa::path(patch, operation_id = "update_user", tag = "users", request_body = UserPatch,
    params(("id" = i64, Path, description = "user id")),
    responses(
        (status = 200, description = "Updated", body = UserView),
        (status = 409, description = "Another user already has this e-mail", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/users/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let user = caller.run(&app, move |app, actor| app.update_user(actor, UserId(id), &input)).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Let a user sign in again at once (`users_manage`): clears the back-off that slows down sign-in to the account
/// after failed attempts, from every client. Only for a user who holds no permission the caller lacks.
#[utoipa::path(post, operation_id = "unlock_user_sign_in", tag = "users",
    params(("id" = i64, Path, description = "user id")),
    responses(
        (status = 200, description = "Cleared: the user as now (`sign_in_delayed_until` is null)", body = UserView),
        (status = 403, description = "Without `users_manage`, or the user holds a permission the caller does not", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
))]
#[post("/users/{id}/sign-in-unlock")]
pub async fn unlock_sign_in(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = caller.run(&app, move |app, actor| app.unlock_sign_in(actor, UserId(id))).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// The roles users can hold (built-in admin, supervisor, agent, customer, and custom ones), with their permissions.
#[utoipa::path(get, tag = "users", responses(
    (status = 200, description = "All roles", body = Vec<RoleView>),
))]
#[get("/roles")]
pub async fn list_roles(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let roles = caller.run(&app, move |app, actor| app.list_roles(actor)).await?;
    Ok(HttpResponse::Ok().json(roles))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(unlock_sign_in).service(list_roles);
}
