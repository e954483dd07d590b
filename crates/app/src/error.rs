//! What can go wrong in a use case, in terms the HTTP layer maps to problem+json.

use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::policy::Permission;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed in a way no field error describes.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no or invalid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: authenticated, but the policy says no.
    #[error("{0}")]
    Forbidden(String),
    /// 403: the caller lacks this permission.
    #[error("requires permission {0}")]
    PermissionRequired(Permission),
    /// 404: missing, or not visible to the caller (the two are not told apart).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request conflicts with the current state. `code` is stable (clients render it in their language
    /// with `params`); `detail` says the same in English; `extra` are members beside the standard ones.
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        params: serde_json::Map<String, serde_json::Value>,
        detail: String,
        extra: serde_json::Map<String, serde_json::Value>,
    },
    /// 413 / 415 (`status`): the content is refused for its size or its kind; `code` says which rule.
    #[error("{detail}")]
    ContentRefused {
        status: u16,
        code: &'static str,
        params: serde_json::Map<String, serde_json::Value>,
        detail: String,
    },
    /// 412: If-Match did not match the current version.
    #[error("the ticket was changed by someone else (current version {current_version})")]
    PreconditionFailed { current_version: i64 },
    /// 422: field validation failed.
    #[error("validation failed: {0}")]
    Validation(FieldErrors),
    /// 423-like: too many failed sign-ins.
    #[error("{0}")]
    Locked(String),
    /// 429: too many attempts; the client may try again after `retry_after_secs`.
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after_secs: u64 },
    /// 503: the database cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected database error; the detail is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn conflict(detail: impl Into<String>) -> Self {
        AppError::refused("conflict", detail)
    }

    /// A 409 with a stable code: `ticket_closed`, `name_taken` …
    pub fn refused(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            params: serde_json::Map::new(),
            detail: detail.into(),
            extra: serde_json::Map::new(),
        }
    }

    /// A parameter of the problem's code (`{"resource": "group"}`); only conflicts and refused contents carry them.
    pub fn with_param(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let AppError::Conflict { params, .. } | AppError::ContentRefused { params, .. } = &mut self {
            params.insert(key.into(), value.into());
        }
        self
    }

    /// One field error as a 422.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        AppError::Validation(errors)
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound("record"),
            other => AppError::Internal(with_causes(&other)),
        }
    }
}

/// An error with the chain of its causes, for the operator's log ("Error deserializing field 'fields': unreadable
/// JSON column as Vec<FieldDefinition>: …").
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

impl From<loopdesk_domain::policy::Denied> for AppError {
    fn from(d: loopdesk_domain::policy::Denied) -> Self {
        match d {
            loopdesk_domain::policy::Denied::Permission(p) => AppError::PermissionRequired(p),
            other => AppError::Forbidden(other.to_string()),
        }
    }
}
