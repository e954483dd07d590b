//! RFC 7807 problem+json: the one error shape of the API.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use loopdesk_app::AppError;
use loopdesk_domain::errors::FieldErrors;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";
/// The extension member of a 429 that says, like the `Retry-After` header, how many seconds to wait.
pub const RETRY_AFTER_MEMBER: &str = "retry_after";

/// An error response (RFC 7807). `errors` maps request fields to messages on 422;
/// some problems add members (e.g. `allowed_transitions`, `current_version`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://loopdesk.dev/problems/validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "1 field has an invalid value",
    "code": "validation",
    "params": {},
    "errors": {"custom_fields.asset_no": ["is required"]}
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    /// in English; clients show `code` + `params` in the reader's language
    pub title: String,
    pub status: u16,
    /// in English; clients show `code` + `params` in the reader's language
    pub detail: String,
    /// stable: what went wrong (`not_found`, `permission_required`, `ticket_closed`, `claim_refused_at_capacity` …)
    #[schema(example = "not_found")]
    pub code: String,
    /// the values the code's sentence needs (`{"resource": "ticket"}`, `{"permission": "tickets_assign"}`)
    #[schema(value_type = Object, example = json!({"resource": "ticket"}))]
    pub params: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// on 422: the request field (`subject`, `custom_fields.asset_no`) → its messages
    #[schema(value_type = Option<std::collections::HashMap<String, Vec<String>>>)]
    pub errors: Option<FieldErrors>,
    /// extension members (e.g. `allowed_transitions`, `current_version`) sit beside the standard ones
    #[serde(flatten)]
    #[schema(ignore)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            problem_type: format!("https://loopdesk.dev/problems/{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: slug.replace('-', "_"),
            params: serde_json::Map::new(),
            errors: None,
            extra: serde_json::Map::new(),
        }
    }

    pub fn validation(errors: FieldErrors) -> Self {
        let count = errors.0.len();
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Validation failed",
            if count == 1 {
                "1 field has an invalid value".to_string()
            } else {
                format!("{count} fields have invalid values")
            },
        );
        problem.errors = Some(errors);
        problem
    }

    /// The same problem under a more precise code, with the parameters its sentence needs.
    pub fn coded(mut self, code: &str, params: serde_json::Map<String, serde_json::Value>) -> Self {
        self.code = code.to_string();
        self.params = params;
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if self.status == 401 {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"loopdesk\""));
        }
        if let Some(secs) = self.extra.get(RETRY_AFTER_MEMBER).and_then(|v| v.as_u64()) {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.body(serde_json::to_string(self).unwrap_or_default())
    }
}

/// A problem for a plain status, used where the framework produced the error.
pub fn for_status(status: StatusCode, detail: impl Into<String>) -> Problem {
    let (slug, title) = match status.as_u16() {
        400 => ("bad-request", "Bad request"),
        401 => ("unauthenticated", "Authentication required"),
        403 => ("forbidden", "Forbidden"),
        404 => ("not-found", "Not found"),
        405 => ("method-not-allowed", "Method not allowed"),
        406 => ("not-acceptable", "Not acceptable"),
        408 => ("timeout", "Request timeout"),
        409 => ("conflict", "Conflict"),
        411 => ("length-required", "Length required"),
        412 => ("precondition-failed", "Precondition failed"),
        413 => ("payload-too-large", "Payload too large"),
        414 => ("uri-too-long", "URI too long"),
        415 => ("unsupported-media-type", "Unsupported media type"),
        422 => ("validation", "Validation failed"),
        423 => ("locked", "Locked"),
        429 => ("too-many-requests", "Too many requests"),
        431 => ("headers-too-large", "Request header fields too large"),
        503 => ("unavailable", "Service unavailable"),
        _ if status.is_server_error() => ("internal", "Internal server error"),
        _ => ("error", status.canonical_reason().unwrap_or("Error")),
    };
    Problem::new(status, slug, title, detail)
}

fn params<const N: usize>(pairs: [(&str, serde_json::Value); N]) -> serde_json::Map<String, serde_json::Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The HTTP face of an application error.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    pub fn new(problem: Problem) -> Self {
        ApiError(Box::new(problem))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.status, self.0.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.response()
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError::new(p)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let problem = match e {
            AppError::BadRequest(detail) => for_status(StatusCode::BAD_REQUEST, detail),
            AppError::Unauthenticated(detail) => for_status(StatusCode::UNAUTHORIZED, detail),
            AppError::Forbidden(detail) => for_status(StatusCode::FORBIDDEN, detail),
            AppError::PermissionRequired(permission) => {
                for_status(StatusCode::FORBIDDEN, format!("requires permission {permission}"))
                    .coded("permission_required", params([("permission", permission.as_str().into())]))
            }
            AppError::NotFound(what) => for_status(StatusCode::NOT_FOUND, format!("{what} not found"))
                .coded("not_found", params([("resource", what.replace(' ', "_").into())])),
            AppError::Conflict { code, params, detail, extra } => {
                let mut p = for_status(StatusCode::CONFLICT, detail).coded(code, params);
                p.extra = extra;
                p
            }
            AppError::ContentRefused { status, code, params, detail } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                for_status(status, detail).coded(code, params)
            }
            AppError::PreconditionFailed { current_version } => {
                let mut p = for_status(
                    StatusCode::PRECONDITION_FAILED,
                    "the ticket was changed by someone else since you loaded it; reload and apply your change again",
                );
                p.extra.insert("current_version".into(), current_version.into());
                p.params.insert("current_version".into(), current_version.into());
                p
            }
            AppError::Validation(errors) => Problem::validation(errors),
            AppError::Locked(detail) => for_status(StatusCode::LOCKED, detail),
            AppError::TooManyRequests { detail, retry_after_secs } => {
                let mut p = for_status(StatusCode::TOO_MANY_REQUESTS, detail);
                p.extra.insert(RETRY_AFTER_MEMBER.into(), retry_after_secs.into());
                p.params.insert("retry_after".into(), retry_after_secs.into());
                p
            }
            AppError::Unavailable(detail) => {
                log::error!("{detail}");
                for_status(StatusCode::SERVICE_UNAVAILABLE, "the database is not reachable; try again shortly")
            }
            AppError::Internal(detail) => {
                // Logged for operators; the client gets no internals.
                log::error!("internal error: {detail}");
                for_status(StatusCode::INTERNAL_SERVER_ERROR, "something went wrong on our side; it has been logged")
            }
        };
        ApiError::new(problem)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        ApiError::new(Problem::validation(field_errors(&errors)))
    }
}

/// validator's errors as our per-field map (nested paths flattened with dots).
pub fn field_errors(errors: &validator::ValidationErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    collect(errors, "", &mut out);
    out
}

fn collect(errors: &validator::ValidationErrors, prefix: &str, out: &mut FieldErrors) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            validator::ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message =
                        e.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| format!("is invalid ({})", e.code));
                    out.add(path.clone(), message);
                }
            }
            validator::ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            validator::ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}
