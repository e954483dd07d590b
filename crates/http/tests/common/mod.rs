//! Shared fixtures for API tests: the real actix service over a fresh database
//! (SQLite and PostgreSQL), signed-in callers, and a tiny request helper.
#![allow(dead_code)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use loopdesk_app::{App, AuthConfig};
use loopdesk_persistence::testdb::TestDb;
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@test.local";
pub const ADMIN_PASSWORD: &str = "admin-password";

/// The secret the test app signs access tokens with.
pub const HTTP_TEST_SECRET: &[u8] = b"http-test-secret-http-test-secret";

pub fn app_for(db: &TestDb) -> App {
    let store = loopdesk_app::attachments::FileStore::local(&db.files_dir).expect("file store");
    let app = App::new(db.pool.clone(), AuthConfig::with_secret(HTTP_TEST_SECRET.to_vec()))
        .with_files(loopdesk_app::attachments::FileSettings::new(store));
    app.ensure_builtin_roles().expect("roles");
    app.create_admin(ADMIN_EMAIL, "Admin", ADMIN_PASSWORD).expect("admin");
    app
}

/// Runs an async test body on an actix system (the handlers need one).
pub fn block_on<F: std::future::Future<Output = ()>>(future: F) {
    actix_web::rt::System::new().block_on(future);
}

/// Builds the real service with every middleware, like the server does.
#[macro_export]
macro_rules! service {
    ($app:expr) => {
        actix_web::test::init_service(loopdesk_http::loopdesk_service!(
            $app.clone(),
            loopdesk_http::HttpConfig::default()
        ))
        .await
    };
}

/// The real service with a running live feed (for `GET /api/v1/stream`).
#[macro_export]
macro_rules! live_service {
    ($app:expr) => {{
        let live = loopdesk_http::live::Live::start(&$app);
        let config = loopdesk_http::HttpConfig { live: Some(live), ..Default::default() };
        actix_web::test::init_service(loopdesk_http::loopdesk_service!($app.clone(), config)).await
    }};
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self
    }

    /// Asserts a problem+json error with this status.
    #[track_caller]
    pub fn expect_problem(self, status: u16) -> Self {
        let reply = self.expect(status);
        assert!(
            reply.content_type().starts_with("application/problem+json"),
            "not a problem: {}",
            reply.content_type()
        );
        assert_eq!(reply.body["status"], status, "problem status member");
        assert!(reply.body["title"].is_string() && reply.body["detail"].is_string() && reply.body["type"].is_string());
        reply
    }
}

/// The app under test as the request helpers call it: `S: TestApi<B>` stands for the whole actix bound.
pub trait TestApi<B>: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error> {}

impl<S, B> TestApi<B> for S where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

/// Sends a request and reads the JSON answer (Null when the body is empty or not JSON).
pub async fn send<S, B>(svc: &S, req: TestRequest) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    let request = req.to_request();
    let (method, path) = (request.method().as_str().to_ascii_lowercase(), request.path().to_string());
    let res = actix_web::test::call_service(svc, request).await;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = actix_web::test::read_body(res).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    assert_documented(&method, &path, status);
    Reply { status, headers, body }
}

/// Every 404 and 409 an operation really answers (in any test) is among the responses the committed OpenAPI
/// document lists for it, so generated clients and readers know to expect it.
pub fn assert_documented(method: &str, path: &str, status: StatusCode) {
    if !matches!(status.as_u16(), 404 | 409) {
        return;
    }
    let Some((template, operation)) = documented_operation(method, path) else { return };
    assert!(
        operation["responses"].get(status.as_str()).is_some(),
        "{method} {path} answered {status}, which the document does not list for {method} {template} ({}): \
         add it to the operation's responses",
        operation["operationId"]
    );
}

/// The committed document's operation for a request (the template with the most literal segments wins:
/// `/tickets/search` over `/tickets/{id}`), if any.
pub fn documented_operation(method: &str, path: &str) -> Option<(String, Value)> {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let document = DOCUMENT
        .get_or_init(|| serde_json::from_str(include_str!("../../../../openapi/openapi.json")).expect("the document"));
    let parts: Vec<&str> = path.split('/').collect();
    document["paths"]
        .as_object()?
        .iter()
        .filter_map(|(template, item)| {
            let segments: Vec<&str> = template.split('/').collect();
            let fits = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| s == p || (s.starts_with('{') && !p.is_empty()));
            let operation = item.get(method)?;
            fits.then(|| (segments.iter().filter(|s| !s.starts_with('{')).count(), template.clone(), operation.clone()))
        })
        .max_by_key(|(literals, _, _)| *literals)
        .map(|(_, template, operation)| (template, operation))
}

pub fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

/// Signs in over HTTP and returns the access token.
pub async fn login<S, B>(svc: &S, email: &str, password: &str) -> String
where
    S: TestApi<B>,
    B: MessageBody,
{
    let reply = send(
        svc,
        TestRequest::post().uri("/api/v1/auth/login").set_json(json!({"email": email, "password": password})),
    )
    .await;
    let reply = reply.expect(200);
    reply.body["access_token"].as_str().expect("access_token").to_string()
}

/// `GET uri` as the holder of `token`.
pub async fn get<S, B>(svc: &S, token: &str, uri: impl AsRef<str>) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    send(svc, TestRequest::get().uri(uri.as_ref()).insert_header(bearer(token))).await
}

/// `DELETE uri` as the holder of `token`.
pub async fn delete<S, B>(svc: &S, token: &str, uri: impl AsRef<str>) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    send(svc, TestRequest::delete().uri(uri.as_ref()).insert_header(bearer(token))).await
}

/// `POST uri` with a JSON body as the holder of `token`.
pub async fn post<S, B>(svc: &S, token: &str, uri: impl AsRef<str>, body: impl serde::Serialize) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    send(svc, TestRequest::post().uri(uri.as_ref()).insert_header(bearer(token)).set_json(body)).await
}

/// `PATCH uri` with a JSON body as the holder of `token`.
pub async fn patch<S, B>(svc: &S, token: &str, uri: impl AsRef<str>, body: impl serde::Serialize) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    send(svc, TestRequest::patch().uri(uri.as_ref()).insert_header(bearer(token)).set_json(body)).await
}

/// `PUT uri` with a JSON body as the holder of `token`.
pub async fn put_json<S, B>(svc: &S, token: &str, uri: impl AsRef<str>, body: impl serde::Serialize) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    send(svc, TestRequest::put().uri(uri.as_ref()).insert_header(bearer(token)).set_json(body)).await
}

/// `PUT uri` as the holder of `token` (no body).
pub async fn put<S, B>(svc: &S, token: &str, uri: impl AsRef<str>) -> Reply
where
    S: TestApi<B>,
    B: MessageBody,
{
    send(svc, TestRequest::put().uri(uri.as_ref()).insert_header(bearer(token))).await
}
