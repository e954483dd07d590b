//! Browser security headers on every response, whatever produced it (a handler, a problem, the SPA, Swagger UI,
//! a 404):
//!
//! - `X-Content-Type-Options: nosniff`: a browser never guesses a type (a JSON body or an upload read as HTML);
//! - `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page of Loopdesk can be framed (click-jacking);
//! - `Referrer-Policy: no-referrer`: a link in a ticket (customers write them) does not tell its site which desk,
//!   ticket or search the agent came from. Loopdesk itself never reads `Referer` (nor `Origin`: credentials are
//!   bearer tokens and a SameSite=Strict cookie), so nothing relies on it;
//! - `Content-Security-Policy`: on HTML (the web app, Swagger UI) only our own scripts run and only our own origin is
//!   reachable; styles may be inline because Ant Design and Swagger UI write `<style>` elements and `style=`
//!   attributes at run time. Everything else (JSON, problems, assets, the event stream) gets `default-src 'none'`:
//!   opened directly, it can run and load nothing;
//! - `Strict-Transport-Security` only when the operator set `LOOPDESK_HSTS_MAX_AGE` (a server on plain HTTP must
//!   not tell browsers otherwise).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::web;

use crate::HttpConfig;

/// The policy of HTML pages: the web app and Swagger UI.
pub const HTML_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// The policy of everything that is not a page (API JSON, problems, assets, the event stream).
pub const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The middleware. Outermost but for the access log, so even the edge checks' 422s carry the headers. (An inner
/// layer's `Err` — a body that broke off mid-read — is rendered by actix above every middleware, without them.)
pub async fn security_headers<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let hsts = req.app_data::<web::Data<HttpConfig>>().and_then(|config| config.hsts_max_age);
    let mut res = next.call(req).await?;
    apply(res.headers_mut(), hsts);
    Ok(res)
}

/// Sets the headers on a response (kept when a handler chose its own CSP).
pub fn apply(headers: &mut HeaderMap, hsts_max_age: Option<u64>) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
        let policy = if html { HTML_CSP } else { STRICT_CSP };
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    if let Some(max_age) = hsts_max_age
        && let Ok(value) = HeaderValue::from_str(&format!("max-age={max_age}; includeSubDomains"))
    {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, value);
    }
}
