//! Sign-in, token refresh, sign-out, and the current user.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use loopdesk_app::App;
use loopdesk_app::auth::{LocaleInput, LoginInput, RefreshInput};
use loopdesk_app::domain::errors::FieldErrors;
use loopdesk_app::views::{TokenView, UserView};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::HttpConfig;
use crate::extract::{Caller, Json, OptionalJson, blocking, validated};
use crate::problem::{ApiError, Problem, for_status};

/// Sign in with e-mail and password.
///
/// Failed attempts slow down the client that made them, per e-mail: after five in a row from one address the next
/// attempt from that address waits 30 seconds, then 60, 120 … up to 15 minutes (a successful sign-in or an admin's
/// `POST /users/{id}/sign-in-unlock` clears it). The owner signing in from another address is not slowed down.
/// Each address and each e-mail also has a rate limit. Either answers 429 with `Retry-After`. Known and unknown
/// e-mails get the same answers, so this route does not tell which accounts exist.
///
/// The refresh token comes back twice: in the body (for API clients) and in the `loopdesk_refresh` cookie
/// (`HttpOnly; SameSite=Strict; Path=/api/v1/auth`, for browsers). With `X-Token-Delivery: cookie` it comes only in
/// the cookie, so no script of the page ever sees it.
#[utoipa::path(post, tag = "auth", request_body = LoginInput, security(()),
    params(("X-Token-Delivery" = Option<String>, Header, description = "`cookie`: the refresh token only in the `loopdesk_refresh` cookie, not in the body")),
    responses(
        (status = 200, description = "Signed in: a 15-minute access token and a rotating refresh token", body = TokenView,
            headers(("Set-Cookie" = String, description = "`loopdesk_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=2592000` (and `Secure` over HTTPS)"))),
        (status = 401, description = "Wrong e-mail or password", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "E-mail or password missing or too long", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address or for this e-mail: wait `Retry-After` seconds (also in `params.retry_after` and the `retry_after` member)", body = crate::problem::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "seconds until the next attempt is allowed")),
            example = json!({"type": "https://loopdesk.dev/problems/too-many-requests", "title": "Too many requests", "status": 429, "detail": "too many sign-in attempts; try again in 30 seconds", "code": "too_many_requests", "params": {"retry_after": 30}})),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    app: web::Data<App>,
    config: web::Data<HttpConfig>,
    input: Json<LoginInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let input = input.into_inner();
    let client = client_key(&req, &config);
    let tokens = blocking(&app, move |app| app.login(&input, &client)).await?;
    Ok(token_response(&req, &app, &config, tokens, wants_cookie_only(&req)))
}

/// The key the client is throttled under: its address (the TCP peer, or per `X-Forwarded-For` behind a trusted
/// proxy), an IPv6 address by its /64. `unknown` when the connection has no peer address (not over TCP).
fn client_key(req: &HttpRequest, config: &HttpConfig) -> String {
    let Some(peer) = req.peer_addr() else { return "unknown".into() };
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    loopdesk_domain::net::client_key(config.trusted_proxies.client_address(peer.ip(), forwarded))
}

/// The refresh token to rotate or end. API clients send it here; a browser may leave it out (send `{}` or no
/// body): the `loopdesk_refresh` cookie then carries it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(as = RefreshInput)]
pub struct RefreshBody {
    #[serde(default)]
    #[validate(length(min = 1, max = 512, message = "is required"))]
    pub refresh_token: Option<String>,
}

/// Exchange a refresh token for new tokens.
///
/// Each refresh token works once: presenting a used one again revokes the whole session (it was probably stolen)
/// — except within 20 seconds of its rotation, when two refreshes raced (two tabs, a retried request): the
/// latecomer gets new tokens of the same session too.
///
/// The token is read from the body, else from the `loopdesk_refresh` cookie. A token that came in the cookie goes
/// back only in the cookie (the body has no `refresh_token`); one that came in the body goes back in both.
#[utoipa::path(post, tag = "auth", request_body(content = Option<RefreshBody>, description = "`{refresh_token}`; optional when the `loopdesk_refresh` cookie is sent"), security(()),
    params(
        ("loopdesk_refresh" = Option<String>, Cookie, description = "the refresh token, as set by sign-in and refresh (browsers)"),
        ("X-Token-Delivery" = Option<String>, Header, description = "`cookie`: the new refresh token only in the cookie, not in the body"),
    ),
    responses(
        (status = 200, description = "New access and refresh tokens", body = TokenView,
            headers(("Set-Cookie" = String, description = "`loopdesk_refresh=<new refresh token>; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=2592000` (and `Secure` over HTTPS)"))),
        (status = 401, description = "Missing, invalid, expired, revoked or reused refresh token", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    app: web::Data<App>,
    config: web::Data<HttpConfig>,
    input: OptionalJson<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let from_body = body_token(input.0)?;
    let from_cookie = from_body.is_none();
    let refresh_token = from_body.or_else(|| cookie_token(&req)).ok_or_else(|| {
        ApiError::new(for_status(
            StatusCode::UNAUTHORIZED,
            format!("no refresh token: send it as refresh_token in the body or in the {REFRESH_COOKIE} cookie"),
        ))
    })?;
    let input = RefreshInput { refresh_token };
    let tokens = blocking(&app, move |app| app.refresh(&input)).await?;
    Ok(token_response(&req, &app, &config, tokens, from_cookie || wants_cookie_only(&req)))
}

/// Sign out: ends the session of the given refresh token; its access tokens stop working at once.
///
/// The token is read from the body, else from the `loopdesk_refresh` cookie; the cookie is cleared.
#[utoipa::path(post, tag = "auth", request_body(content = Option<RefreshBody>, description = "`{refresh_token}`; optional when the `loopdesk_refresh` cookie is sent"),
    params(("loopdesk_refresh" = Option<String>, Cookie, description = "the refresh token (browsers)")),
    responses(
        (status = 204, description = "Signed out", headers(("Set-Cookie" = String, description = "clears `loopdesk_refresh`"))),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    app: web::Data<App>,
    config: web::Data<HttpConfig>,
    caller: Caller,
    input: OptionalJson<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let refresh_token = body_token(input.0)?.or_else(|| cookie_token(&req)).ok_or_else(|| {
        let mut errors = FieldErrors::new();
        errors.add("refresh_token", "is required");
        ApiError::new(Problem::validation(errors))
    })?;
    let input = RefreshInput { refresh_token };
    caller.run(&app, move |app, actor| app.logout(actor, &input)).await?;
    Ok(HttpResponse::NoContent()
        .insert_header((header::SET_COOKIE, refresh_cookie("", 0, secure(&req, &config))))
        .finish())
}

/// The cookie that carries the refresh token to browsers. Scoped to the auth routes, so no other request carries
/// it; `SameSite=Strict`, so no other site's page can make the browser send it (the CSRF defence, see
/// docs/architecture.md).
pub const REFRESH_COOKIE: &str = "loopdesk_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
/// `X-Token-Delivery: cookie` asks for the refresh token in the cookie only.
const TOKEN_DELIVERY_HEADER: &str = "x-token-delivery";

fn refresh_cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{REFRESH_COOKIE}={value}; HttpOnly; SameSite=Strict; Path={REFRESH_COOKIE_PATH}; Max-Age={max_age}{secure}"
    )
}

/// `Secure` when the site is HTTPS by configuration, or this request came over HTTPS (directly or, per
/// `X-Forwarded-Proto`/`Forwarded`, through a proxy). On plain HTTP a `Secure` cookie would be dropped by the
/// browser (except on localhost) and every tab signed out after 15 minutes.
fn secure(req: &HttpRequest, config: &HttpConfig) -> bool {
    config.secure_cookies || req.connection_info().scheme().eq_ignore_ascii_case("https")
}

fn wants_cookie_only(req: &HttpRequest) -> bool {
    req.headers()
        .get(TOKEN_DELIVERY_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cookie"))
}

fn body_token(body: Option<RefreshBody>) -> Result<Option<String>, ApiError> {
    let Some(body) = body else { return Ok(None) };
    validated(&body)?;
    Ok(body.refresh_token)
}

/// The refresh token from the `loopdesk_refresh` cookie, if the request has one.
fn cookie_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == REFRESH_COOKIE && !value.is_empty() && value.len() <= 512)
        .map(|(_, value)| value.to_string())
}

/// 200 with the tokens; the refresh token also (or, `cookie_only`, only) in the cookie. Never cached.
fn token_response(
    req: &HttpRequest,
    app: &App,
    config: &HttpConfig,
    tokens: TokenView,
    cookie_only: bool,
) -> HttpResponse {
    let cookie = refresh_cookie(&tokens.refresh_token, app.auth.refresh_token_ttl.num_seconds(), secure(req, config));
    let mut body = serde_json::to_value(&tokens).unwrap_or_default();
    if cookie_only && let Some(fields) = body.as_object_mut() {
        fields.remove("refresh_token");
    }
    HttpResponse::Ok()
        .insert_header((header::SET_COOKIE, cookie))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
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

/// Choose the language the server writes to you in: e-mail and notification titles (`zh-CN` or `en`). The web app
/// sets it when you switch its language; it renders notifications itself from their kind and parameters.
#[utoipa::path(put, operation_id = "set_my_locale", tag = "auth", request_body = LocaleInput, responses(
    (status = 200, description = "Saved; the current user", body = UserView),
    (status = 403, description = "A read-only API key", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Not a language Loopdesk speaks", body = Problem, content_type = "application/problem+json"),
))]
#[put("/me/locale")]
pub async fn set_my_locale(
    app: web::Data<App>,
    caller: Caller,
    input: Json<LocaleInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let user = caller.run(&app, move |app, actor| app.set_my_locale(actor, &input)).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(me).service(set_my_locale);
}
