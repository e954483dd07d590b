//! Extractors and request plumbing: the caller, the blocking bridge, headers.

use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use loopdesk_app::{Actor, App, AppResult};
use validator::Validate;

use crate::problem::{ApiError, for_status};

/// The caller's credential (`Authorization: Bearer <access token or API key>`).
/// Extraction only reads the header; [`Caller::run`] authenticates it and runs the
/// use case in the same trip to the blocking pool (one hop per request, not two).
pub struct Caller {
    credential: String,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            bearer(req)
                .map(|credential| Caller { credential })
                .map_err(|detail| ApiError::new(for_status(StatusCode::UNAUTHORIZED, detail))),
        )
    }
}

impl Caller {
    /// Authenticates the credential, then runs `f` as that actor, on the blocking pool.
    pub async fn run<T, F>(self, app: &web::Data<App>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&App, &Actor) -> AppResult<T> + Send + 'static,
    {
        blocking(app, move |app| {
            let actor = app.authenticate(&self.credential)?;
            f(app, &actor)
        })
        .await
    }
}

/// The bearer credential of a request, for routes that authenticate by hand.
pub fn bearer(req: &HttpRequest) -> Result<String, &'static str> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or("send Authorization: Bearer <access token or API key>")?
        .to_str()
        .map_err(|_| "the Authorization header is not readable")?;
    let (scheme, token) = value.split_once(' ').ok_or("the Authorization header must be 'Bearer <token>'")?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err("the Authorization header must be 'Bearer <token>'");
    }
    Ok(token.trim().to_string())
}

/// Runs a blocking use case on the thread pool (diesel is synchronous), so the
/// async workers keep serving. A panic inside becomes a 500 problem, not a dropped connection.
pub async fn blocking<T, F>(app: &web::Data<App>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&App) -> AppResult<T> + Send + 'static,
{
    let app = app.clone();
    match web::block(move || f(&app)).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => {
            log::error!("blocking task failed: {e}");
            Err(ApiError::new(for_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on our side; it has been logged",
            )))
        }
    }
}

/// Shape checks declared on the input type (`validator`), as a 422 problem.
pub fn validated<T: Validate>(input: &T) -> Result<(), ApiError> {
    input.validate().map_err(ApiError::from)
}

/// The version in `If-Match` ("3", W/"3"), None when absent or `*`.
pub fn if_match_version(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(raw) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    let text = raw.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let unquoted = text.trim_start_matches("W/").trim_matches('"');
    unquoted.parse::<i64>().map(Some).map_err(|_| {
        ApiError::new(for_status(StatusCode::BAD_REQUEST, "If-Match must be the ETag of the ticket, e.g. \"3\""))
    })
}

pub fn etag(version: i64) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// The Idempotency-Key header, checked for a sane shape.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get("Idempotency-Key") else { return Ok(None) };
    let key = raw.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::new(for_status(
            StatusCode::BAD_REQUEST,
            "Idempotency-Key must be 1 to 200 visible ASCII characters (a UUID is ideal)",
        )));
    }
    Ok(Some(key.to_string()))
}

/// A JSON body that may be left out entirely (then the type's default); a body that is there must be valid.
pub fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    parse_json(body)
}

/// A JSON body as `T`. A body of the wrong shape is a 422 naming the member that did not fit by its path
/// (`holidays[0].date`, `conditions[1].kind`; `body` for the body as a whole), JSON that does not parse a 400.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| ApiError::new(crate::body_problem(&e.path().to_string(), e.inner())))?;
    deserializer.end().map_err(|e| ApiError::new(crate::body_problem(".", &e)))?;
    Ok(value)
}

/// The JSON request body (what `web::Json` is, with errors by field path, see [`parse_json`]): a body without
/// `Content-Type: application/json` is a 415, one above [`crate::MAX_JSON_BYTES`] a 413.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let is_json = matches!(
            req.mime_type(),
            Ok(Some(mime)) if mime.subtype() == actix_web::mime::JSON || mime.suffix() == Some(actix_web::mime::JSON)
        );
        if !is_json {
            return Box::pin(async {
                Err(ApiError::new(for_status(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "send the body as JSON with Content-Type: application/json",
                )))
            });
        }
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body.await.map_err(|e| {
                ApiError::new(match e.as_response_error().status_code() {
                    StatusCode::PAYLOAD_TOO_LARGE => for_status(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("the body must be at most {} bytes", crate::MAX_JSON_BYTES),
                    ),
                    _ => for_status(StatusCode::BAD_REQUEST, format!("cannot read the body: {e}")),
                })
            })?;
            parse_json(&body).map(Json)
        })
    }
}

/// The reader's language from `Accept-Language` (the first tag): Chinese when it starts with `zh`, else English.
/// Without the header: Chinese, the product's primary language.
pub fn locale(req: &HttpRequest) -> loopdesk_app::domain::dispatch::Locale {
    use loopdesk_app::domain::dispatch::Locale;
    match req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) {
        Some(value) => Locale::from_tag(value.split([',', ';']).next().unwrap_or_default()),
        None => Locale::ZhCn,
    }
}

/// A JSON body that may be left out: `None` when the request has no body (whatever its `Content-Type`); otherwise
/// exactly [`Json<T>`] (a wrong content type is a 415, a malformed body a 400 or 422).
pub struct OptionalJson<T>(pub Option<T>);

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let length =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
        let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
        if !chunked && length.unwrap_or(0) == 0 {
            return Box::pin(async { Ok(OptionalJson(None)) });
        }
        let json = Json::<T>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(Some(json.await?.into_inner()))) })
    }
}
