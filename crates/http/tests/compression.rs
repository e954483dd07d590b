//! Compression of API answers, on SQLite and PostgreSQL: a JSON list comes brotli- or gzip-encoded when the client
//! asks (and plain when it does not), the live stream is never encoded (a compressor would hold its events back), and
//! the web app's precompressed files are sent as they are on disk, never encoded a second time.

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};

/// A static folder shaped like the build: an asset with its `.br` and `.gz` beside it. Each variant holds a
/// marker instead of real compressed bytes, so a body that was encoded once more on the way would not match.
struct StaticDir(PathBuf);

impl StaticDir {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("loopdesk-compression-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::write(root.join("index.html"), "<!doctype html><title>Loopdesk</title>").unwrap();
        let asset = root.join("assets/index-AbC123.js");
        std::fs::write(&asset, "console.log('loopdesk');".repeat(100)).unwrap();
        std::fs::write(root.join("assets/index-AbC123.js.br"), "br:index-AbC123.js").unwrap();
        std::fs::write(root.join("assets/index-AbC123.js.gz"), "gz:index-AbC123.js").unwrap();
        StaticDir(root)
    }
}

impl Drop for StaticDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("a gzip body");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).expect("a brotli body");
    out
}

/// Status, headers and the raw (still encoded) body of a request.
async fn raw<S, B>(svc: &S, req: TestRequest) -> (u16, actix_web::http::header::HeaderMap, Vec<u8>)
where
    S: TestApi<B>,
    B: MessageBody,
{
    let res = actix_web::test::call_service(svc, req.to_request()).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = actix_web::test::read_body(res).await.to_vec();
    (status, headers, body)
}

fn header(headers: &actix_web::http::header::HeaderMap, name: &str) -> Vec<String> {
    headers.get_all(name).filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
}

loopdesk_persistence::both_backends!(api_json_is_compressed_the_stream_and_static_files_are_not, |db| {
    block_on(async move {
        let app = app_for(&db);
        let dir = StaticDir::new(&format!("{:?}", db.backend));
        let live = loopdesk_http::live::Live::start(&app);
        let config =
            loopdesk_http::HttpConfig { live: Some(live), static_dir: Some(dir.0.clone()), ..Default::default() };
        let svc = actix_web::test::init_service(loopdesk_http::loopdesk_service!(app.clone(), config)).await;
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let ticket_type =
            post(&svc, &admin, "/api/v1/ticket-types", json!({"name": "报修", "fields": []})).await.expect(201).body;
        for n in 0..20 {
            post(
                &svc,
                &admin,
                "/api/v1/tickets",
                json!({"type_id": ticket_type["id"], "subject": format!("3 号楼空调不制冷 {n}")}),
            )
            .await
            .expect(201);
        }
        let list = || TestRequest::get().uri("/api/v1/tickets?limit=50").insert_header(bearer(&admin));

        // Not asked: plain JSON.
        let (status, headers, plain) = raw(&svc, list()).await;
        assert_eq!(status, 200);
        assert!(header(&headers, "content-encoding").is_empty(), "{headers:?}");
        let page: Value = serde_json::from_slice(&plain).expect("plain JSON");
        assert_eq!(page["items"].as_array().unwrap().len(), 20);

        // gzip, and brotli when both are accepted: the same JSON, smaller, with Vary.
        let (status, headers, gz) = raw(&svc, list().insert_header(("Accept-Encoding", "gzip"))).await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-encoding"), ["gzip"]);
        assert!(header(&headers, "vary").iter().any(|v| v.eq_ignore_ascii_case("accept-encoding")), "{headers:?}");
        assert!(gz.len() < plain.len() / 2, "gzip {} of {} bytes", gz.len(), plain.len());
        assert_eq!(serde_json::from_slice::<Value>(&gunzip(&gz)).unwrap(), page);

        let (status, headers, br) = raw(&svc, list().insert_header(("Accept-Encoding", "gzip, deflate, br"))).await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-encoding"), ["br"]);
        assert!(br.len() < plain.len() / 2, "brotli {} of {} bytes", br.len(), plain.len());
        assert_eq!(serde_json::from_slice::<Value>(&unbrotli(&br)).unwrap(), page);

        // Problems are JSON too, and compressed alike.
        let (status, headers, body) = raw(
            &svc,
            TestRequest::get()
                .uri("/api/v1/tickets/999999")
                .insert_header(bearer(&admin))
                .insert_header(("Accept-Encoding", "gzip")),
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(header(&headers, "content-encoding"), ["gzip"]);
        assert_eq!(serde_json::from_slice::<Value>(&gunzip(&body)).unwrap()["status"], 404);

        // Refusing every encoding, identity too: a 406 problem that says what to accept.
        let refused =
            send(&svc, list().insert_header(("Accept-Encoding", "identity;q=0, *;q=0"))).await.expect_problem(406);
        assert!(refused.body["detail"].as_str().unwrap().contains("br, gzip or identity"), "{}", refused.body);

        // The stream: never encoded, its first event readable at once although the client accepts brotli and gzip.
        let request = TestRequest::get()
            .uri(&format!("/api/v1/stream?access_token={admin}"))
            .insert_header(("Accept-Encoding", "gzip, deflate, br"))
            .to_request();
        let response = actix_web::test::call_service(&svc, request).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("content-type").unwrap(), "text/event-stream");
        assert_eq!(header(response.headers(), "content-encoding"), ["identity"]);
        let mut body = response.into_body();
        let chunk = tokio::time::timeout(
            Duration::from_secs(5),
            futures_util::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)),
        )
        .await
        .expect("the first event in time, not held back by a compressor")
        .expect("the stream is open")
        .expect("a readable chunk");
        assert!(String::from_utf8_lossy(&chunk).starts_with("event: ready\n"), "{chunk:?}");
        drop(body);

        // A precompressed static file: the variant on disk, byte for byte, with one Content-Encoding.
        for (accept, encoding, marker) in
            [("gzip, deflate, br", "br", "br:index-AbC123.js"), ("gzip", "gzip", "gz:index-AbC123.js")]
        {
            let (status, headers, body) =
                raw(&svc, TestRequest::get().uri("/assets/index-AbC123.js").insert_header(("Accept-Encoding", accept)))
                    .await;
            assert_eq!(status, 200);
            assert_eq!(header(&headers, "content-encoding"), [encoding]);
            assert_eq!(String::from_utf8_lossy(&body), marker, "sent as it is on disk");
        }
    });
});
