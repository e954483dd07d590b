//! Loopdesk over HTTP: routes, extractors, problem+json errors, OpenAPI, Swagger UI,
//! and the single-page app's static files.

pub mod edge;
pub mod extract;
pub mod live;
pub mod methods;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod security_headers;
pub mod static_files;

use std::path::PathBuf;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse, error, web};
use loopdesk_app::App;
use utoipa_swagger_ui::SwaggerUi;

use crate::problem::{PROBLEM_JSON, Problem, for_status};

/// Largest accepted JSON body.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the HTTP layer needs besides the application.
#[derive(Clone, Debug, Default)]
pub struct HttpConfig {
    /// the built SPA (index.html and assets); served at `/` when it exists
    pub static_dir: Option<PathBuf>,
    /// the live notification feed behind `GET /api/v1/stream`; without it the stream answers 503
    pub live: Option<live::Live>,
    /// `Strict-Transport-Security: max-age=N; includeSubDomains` on every response when set (`LOOPDESK_HSTS_MAX_AGE`)
    pub hsts_max_age: Option<u64>,
    /// the refresh cookie is `Secure` even on a request that did not arrive over HTTPS (the site is HTTPS)
    pub secure_cookies: bool,
    /// proxies whose `X-Forwarded-For` names the client (`LOOPDESK_TRUSTED_PROXIES`); empty: the TCP peer is the client
    pub trusted_proxies: loopdesk_domain::net::TrustedProxies,
}

/// Registers everything on an actix `App`: `cfg.configure(|c| loopdesk_http::configure(c, app, config))`.
pub fn configure(cfg: &mut web::ServiceConfig, app: App, config: HttpConfig) {
    let document = openapi::document();
    cfg.app_data(web::Data::new(app))
        .app_data(web::Data::new(methods::MethodTable::from_document(&document)))
        .app_data(web::Data::new(config))
        .app_data(payload_config())
        .app_data(query_config())
        .app_data(path_config())
        .service(SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", document))
        .route(
            "/swagger-ui",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/swagger-ui/")).finish()
            }),
        )
        .configure(|cfg| {
            routes::api(&mut utoipa_actix_web::service_config::ServiceConfig::new(cfg), web::to(api_not_found))
        })
        .default_service(web::to(spa_or_not_found));
}

/// Unmatched API requests: 405 with `Allow` when the path exists with other methods, else 404.
async fn api_not_found(req: HttpRequest) -> HttpResponse {
    method_not_allowed(&req).unwrap_or_else(|| {
        for_status(StatusCode::NOT_FOUND, format!("no route {} {}", req.method(), req.path())).response()
    })
}

/// A 405 naming the methods the path supports (`Allow: GET, PATCH`, from [`methods::MethodTable`]), when it
/// supports any.
fn method_not_allowed(req: &HttpRequest) -> Option<HttpResponse> {
    let allowed = req.app_data::<web::Data<methods::MethodTable>>()?.allowed(req.path())?;
    let detail = format!("{} is not supported on {}; use {allowed}", req.method(), req.path());
    let mut response = for_status(StatusCode::METHOD_NOT_ALLOWED, detail).response();
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    Some(response)
}

/// Non-API GET and HEAD requests are the SPA's (`static_files`); API paths stay 404 problems.
async fn spa_or_not_found(req: HttpRequest, config: web::Data<HttpConfig>) -> HttpResponse {
    let path = req.path();
    let api_like = path.starts_with("/api/") || path == "/api" || path.starts_with("/api-docs");
    if let (false, Some(dir)) = (api_like, config.static_dir.as_ref())
        && (req.method() == actix_web::http::Method::GET || req.method() == actix_web::http::Method::HEAD)
        && let Some(response) = static_files::serve(&req, dir)
    {
        return response;
    }
    if let Some(response) = method_not_allowed(&req) {
        return response;
    }
    for_status(StatusCode::NOT_FOUND, format!("no route {} {}", req.method(), req.path())).response()
}

/// The body limit of the JSON extractor (`extract::Json` reads the body as bytes).
fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(MAX_JSON_BYTES)
}

/// A body that does not deserialise: a 422 naming the member at `path` (serde_path_to_error's, `.` for the body
/// as a whole) when the JSON is well formed but of the wrong shape, a 400 when it is not JSON at all.
pub(crate) fn body_problem(path: &str, e: &serde_json::Error) -> Problem {
    if !e.is_data() {
        return for_status(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {}", strip_position(&e.to_string())),
        );
    }
    let message = strip_position(&e.to_string());
    let (field, text) = match message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
        Some(missing) => (join_path(path, missing), "is required".to_string()),
        None => (join_path(path, ""), clearer(&message)),
    };
    let mut errors = loopdesk_domain::errors::FieldErrors::new();
    errors.add(field, text);
    Problem::validation(errors)
}

/// `holidays[0]` + `date` → `holidays[0].date`; the root (`.`) is `body`.
fn join_path(path: &str, member: &str) -> String {
    let path = path.trim_start_matches('.');
    match (path.is_empty(), member.is_empty()) {
        (true, true) => "body".to_string(),
        (true, false) => member.to_string(),
        (false, true) => path.to_string(),
        (false, false) => format!("{path}.{member}"),
    }
}

/// serde's message, with chrono's terse parse errors ("input is out of range" for 2027-02-30) saying what they
/// mean.
fn clearer(message: &str) -> String {
    const CHRONO: [&str; 6] = [
        "input is out of range",
        "no possible date and time matching input",
        "input is not enough for unique date and time",
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
    ];
    if CHRONO.contains(&message) { format!("is not a valid date or time ({message})") } else { message.to_string() }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let problem = for_status(StatusCode::BAD_REQUEST, format!("invalid query string: {err}"));
        error::InternalError::from_response(err, problem.response()).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        let problem = for_status(StatusCode::NOT_FOUND, format!("no such resource: {}", req.path()));
        error::InternalError::from_response(err, problem.response()).into()
    })
}

/// Turns any error response that is not already problem+json (405 from a resource,
/// a framework 4xx/5xx) into one, so clients parse a single error shape.
pub fn problem_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|res: ServiceResponse<B>| {
        let is_problem = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(PROBLEM_JSON));
        if is_problem || res.request().path().starts_with("/swagger-ui") {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        if status == StatusCode::METHOD_NOT_ALLOWED
            && let Some(response) = method_not_allowed(res.request())
        {
            let (req, _) = res.into_parts();
            return Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()));
        }
        let detail = match status {
            // From `Compress` (routes::api): Accept-Encoding refused every encoding the API can send.
            StatusCode::NOT_ACCEPTABLE => {
                "Accept-Encoding refuses every encoding the API answers in: accept br, gzip or identity".to_string()
            }
            _ => status.canonical_reason().unwrap_or("error").to_string(),
        };
        let (req, _) = res.into_parts();
        let response: HttpResponse<BoxBody> = for_status(status, detail).response();
        Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
    })
}

/// Echoes a sane incoming X-Request-Id or makes one, on every response; the access log shows it.
pub async fn request_id<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let incoming = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string);
    let id = incoming.unwrap_or_else(new_request_id);
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut().insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value.clone());
    let mut res = next.call(req).await?.map_into_left_body();
    res.headers_mut().insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    Ok(res)
}

fn new_request_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The access log format: client, request line, status, size, seconds, request id.
pub const ACCESS_LOG_FORMAT: &str = "%a \"%r\" %s %b %T %{x-request-id}o";

/// Builds the actix application with every middleware, for the server and for tests.
#[macro_export]
macro_rules! loopdesk_service {
    ($app:expr, $config:expr) => {
        actix_web::App::new()
            .wrap($crate::problem_errors())
            .wrap(actix_web::middleware::from_fn($crate::edge::check_inputs))
            .wrap(actix_web::middleware::from_fn($crate::edge::limit_head))
            .wrap(actix_web::middleware::from_fn($crate::request_id))
            .wrap(actix_web::middleware::from_fn($crate::security_headers::security_headers))
            .wrap(actix_web::middleware::Logger::new($crate::ACCESS_LOG_FORMAT))
            .configure(|cfg| $crate::configure(cfg, $app, $config))
    };
}
