//! Sign-in, token refresh, sign-out, and the current user.

use actix_web::{HttpResponse, get, post, web};
use loopdesk_app::App;
use loopdesk_app::auth::{LoginInput, RefreshInput};
use loopdesk_app::views::{TokenView, UserView};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, blocking, validated};
use crate::problem::ApiError;

/// Sign in with e-mail and password. Five failures in a row lock the account for 15 minutes.
#[utoipa::path(post, tag = "auth", request_body = LoginInput, security(()), responses(
    (status = 200, description = "Signed in: a 15-minute access token and a rotating refresh token", body = TokenView),
    (status = 401, description = "Wrong e-mail or password", body = crate::problem::Problem, content_type = "application/problem+json"),
    (status = 423, description = "Locked after repeated failures", body = crate::problem::Problem, content_type = "application/problem+json"),
))]
#[post("/auth/login")]
pub async fn login(app: web::Data<App>, input: web::Json<LoginInput>) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let tokens = blocking(&app, move |app| app.login(&input)).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Exchange a refresh token for new tokens. Each refresh token works once: presenting
/// a used one again revokes the whole session (it was probably stolen).
#[utoipa::path(post, tag = "auth", request_body = RefreshInput, security(()), responses(
    (status = 200, description = "New access and refresh tokens", body = TokenView),
    (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = crate::problem::Problem, content_type = "application/problem+json"),
))]
#[post("/auth/refresh")]
pub async fn refresh(app: web::Data<App>, input: web::Json<RefreshInput>) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let tokens = blocking(&app, move |app| app.refresh(&input)).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Sign out: ends the session of the given refresh token; its access tokens stop working at once.
#[utoipa::path(post, tag = "auth", request_body = RefreshInput, responses(
    (status = 204, description = "Signed out"),
))]
#[post("/auth/logout")]
pub async fn logout(
    app: web::Data<App>,
    caller: Caller,
    input: web::Json<RefreshInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    caller.run(&app, move |app, actor| app.logout(actor, &input)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user (or the user an API key acts for), with role, permissions and groups.
#[utoipa::path(get, tag = "auth", responses(
    (status = 200, description = "The current user", body = UserView),
))]
#[get("/me")]
pub async fn me(app: web::Data<App>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let user = caller.run(&app, move |app, actor| app.me(actor)).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(me);
}
