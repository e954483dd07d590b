//! What every API request must satisfy before any handler runs, checked once here for every route:
//!
//! - a JSON body is an object (every request body of the API is one; serde would otherwise read a struct from an
//!   array, so `["x", true]` could flip a flag);
//! - every string of the body (and every object key) and every query parameter is free of control characters and
//!   direction overrides (`domain::input`), so no use case, database or notification ever sees one — and
//!   PostgreSQL never gets the chance to answer a NUL with a 500.
//!
//! A request that fails is a 422 naming the field (`body` for the body as a whole).
//!
//! And before that, on every path: a request head (request line and headers) above [`MAX_HEAD_BYTES`] is a 431
//! problem ([`limit_head`]). actix itself closes a connection whose head passes 128 KiB with a bare 431; ours is
//! lower, so a client that sends a huge cookie or token learns what went wrong.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{HttpMessage, web};
use futures_util::StreamExt;
use loopdesk_app::domain::errors::FieldErrors;
use loopdesk_app::domain::input::text_problem;
use serde_json::Value;

use crate::MAX_JSON_BYTES;
use crate::problem::{Problem, for_status};

/// The largest request head served: the request line and every header, each counted as `name: value` plus its
/// line break. Documented in the operator guide.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The middleware refusing a request whose head is above [`MAX_HEAD_BYTES`] with a 431 problem, before anything
/// else reads it.
pub async fn limit_head<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let size = head_size(&req);
    if size <= MAX_HEAD_BYTES {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let detail = format!(
        "the request line and headers are {size} bytes; at most {MAX_HEAD_BYTES} are accepted (a cookie or header \
         that large is usually a mistake)"
    );
    let response = for_status(actix_web::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, detail).response();
    Ok(req.into_response(response).map_into_right_body())
}

/// `METHOD target HTTP/1.1\r\n` plus `name: value\r\n` per header.
fn head_size(req: &ServiceRequest) -> usize {
    let target = req.uri().path_and_query().map_or(1, |p| p.as_str().len());
    let line = req.method().as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    line + req.headers().iter().map(|(name, value)| name.as_str().len() + 2 + value.len() + 2).sum::<usize>()
}

/// The middleware: on `/api/` requests, reads a JSON body (at most one byte past the body limit, so the JSON
/// extractor still answers an oversized body with 413), checks it and the query string, and puts the body back.
pub async fn check_inputs<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if !req.path().starts_with("/api/") {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let mut errors = FieldErrors::new();
    check_query(req.query_string(), &mut errors);
    if is_json(&req) {
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            body.extend_from_slice(&chunk?);
            if body.len() > MAX_JSON_BYTES {
                break;
            }
        }
        let body = body.freeze();
        // Most bodies are an object with nothing suspicious in them: they are parsed once, by the handler. Only a
        // body that may break a rule is parsed here too. Unreadable JSON is the JSON extractor's to report.
        if may_break_a_rule(&body) {
            match serde_json::from_slice::<Value>(&body) {
                Ok(value @ Value::Object(_)) => check_value("", &value, &mut errors),
                Ok(_) => errors.add("body", "must be a JSON object"),
                Err(_) => {}
            }
        }
        req.set_payload(Payload::from(body));
    }
    if errors.is_empty() {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let response = Problem::validation(errors).response();
    Ok(req.into_response(response).map_into_right_body())
}

/// Whether the raw body can hold what the rules refuse: it does not start as an object, or it has an escape
/// (`\u0000` …), a DEL, a C1 control (UTF-8 `C2 80`–`C2 9F`) or a direction control (`E2 80 AA`–`AE`,
/// `E2 81 A6`–`A9`). Raw C0 controls cannot stand in valid JSON strings, and inside an object every string is
/// followed by at least `"}`, so three-byte windows see every sequence. A false answer is certain; a true one
/// only means "parse and look".
fn may_break_a_rule(body: &[u8]) -> bool {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return true;
    }
    body.windows(3).any(|w| {
        matches!(
            w,
            [b'\\', b'u', _]
                | [0x7f, _, _]
                | [0xc2, 0x80..=0x9f, _]
                | [0xe2, 0x80, 0xaa..=0xae]
                | [0xe2, 0x81, 0xa6..=0xa9]
        )
    })
}

fn is_json(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"))
}

/// Query parameters by name (`q`, `tag`, `cf.floor` …); a query string that does not parse is the handler's to
/// report.
fn check_query(query: &str, errors: &mut FieldErrors) {
    let Ok(pairs) = web::Query::<Vec<(String, String)>>::from_query(query) else { return };
    for (name, value) in pairs.into_inner() {
        if let Some(message) = text_problem(&name).or_else(|| text_problem(&value)) {
            errors.add(name.chars().filter(|c| !c.is_control()).collect::<String>(), message);
        }
    }
}

/// Every string of a JSON value and every key, reported under its path: `subject`, `custom_fields.asset_no`,
/// `tags[1]`, `conditions[0].keywords[2]`; a body that is itself a string is `body`.
fn check_value(path: &str, value: &Value, errors: &mut FieldErrors) {
    match value {
        Value::String(text) => {
            if let Some(message) = text_problem(text) {
                errors.add(if path.is_empty() { "body" } else { path }, message);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_value(&format!("{path}[{i}]"), item, errors);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match text_problem(key) {
                    Some(message) => {
                        let shown: String = child.chars().filter(|c| !c.is_control()).collect();
                        errors.add(shown, format!("the name {message}"));
                    }
                    None => check_value(&child, member, errors),
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(value: Value) -> Vec<String> {
        let mut errors = FieldErrors::new();
        check_value("", &value, &mut errors);
        errors.0.into_keys().collect()
    }

    #[test]
    fn each_bad_string_is_named_by_its_path() {
        let body = serde_json::json!({
            "subject": "ok\u{0}",
            "description": "line one\nline two\ttab",
            "tags": ["fine", "bad\u{202e}"],
            "custom_fields": {"asset_no": "AC\u{1}", "floor": 3},
            "bad\u{7}key": 1,
        });
        assert_eq!(problems(body), ["badkey", "custom_fields.asset_no", "subject", "tags[1]"]);
        assert_eq!(problems(serde_json::json!("\u{0}")), ["body"]);
        assert!(problems(serde_json::json!({"subject": "3 号楼空调不制冷", "n": null})).is_empty());
    }

    #[test]
    fn plain_bodies_are_not_parsed_twice() {
        assert!(!may_break_a_rule("{\"subject\": \"3 号楼空调不制冷\", \"tags\": [\"a\"]}".as_bytes()));
        for suspicious in [
            "[1]",
            "\"x\"",
            "{\"a\": \"\\u0000\"}",
            "{\"a\": \"\u{7f}\"}",
            "{\"a\": \"\u{85}\"}",
            "{\"a\": \"\u{202e}\"}",
            "{\"a\": \"\u{2066}\"}",
        ] {
            assert!(may_break_a_rule(suspicious.as_bytes()), "{suspicious:?}");
        }
    }

    #[test]
    fn query_parameters_are_named_by_theirs() {
        let mut errors = FieldErrors::new();
        check_query("q=%00x&status=new&cf.floor=3%1B&tag=ok", &mut errors);
        assert_eq!(errors.0.into_keys().collect::<Vec<_>>(), ["cf.floor", "q"]);
    }
}
