//! The web app's files: the precompressed variant the client accepts (brotli, then gzip, else
//! the file), with the original's Content-Type, `Content-Encoding` and `Vary`; a year of
//! immutable caching for hashed assets only; index.html for client-side routes; nothing
//! outside the static folder. A folder of small fake files stands in for the build (each
//! variant holds a marker, so the body says which file was sent); no database is involved.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{HttpRequest, HttpResponse, web};
use loopdesk_http::static_files;

/// A temporary static folder, removed when dropped.
struct StaticDir(PathBuf);

impl StaticDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("loopdesk-static-{}-{n}", std::process::id()));
        let dir = root.join("dist");
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        // The build's shape: index.html and hashed assets, each text file with .br and .gz.
        for (name, body) in [
            ("index.html", "<!doctype html><title>Loopdesk</title>"),
            ("assets/index-AbC123.js", "console.log('loopdesk')"),
            ("assets/index-AbC123.css", "body{margin:0}"),
        ] {
            write(&dir.join(name), body);
            write(&dir.join(format!("{name}.br")), &format!("br:{name}"));
            write(&dir.join(format!("{name}.gz")), &format!("gz:{name}"));
        }
        write(&dir.join("assets/only-gzip-Xy9.js"), "plain");
        write(&dir.join("assets/only-gzip-Xy9.js.gz"), "gz:only-gzip");
        write(&dir.join("assets/logo-Zz1.png"), "png-bytes");
        write(&dir.join("robots.txt"), "User-agent: *");
        write(&dir.join(".env"), "SECRET=1");
        // Beside the static folder, not in it.
        write(&root.join("secret.txt"), "do not serve");
        StaticDir(root)
    }

    fn dist(&self) -> PathBuf {
        self.0.join("dist")
    }
}

impl Drop for StaticDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, body: &str) {
    std::fs::write(path, body).unwrap();
}

/// An actix service that answers every request from the folder, as the server's fallback does.
async fn service(
    dir: PathBuf,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(actix_web::App::new().app_data(web::Data::new(dir)).default_service(web::to(
        |req: HttpRequest, dir: web::Data<PathBuf>| async move {
            static_files::serve(&req, &dir).unwrap_or_else(|| HttpResponse::NotFound().body("404"))
        },
    )))
    .await
}

struct Got {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn get(
    svc: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    path: &str,
    accept_encoding: Option<&str>,
) -> Got {
    let mut req = TestRequest::get().uri(path);
    if let Some(value) = accept_encoding {
        req = req.insert_header(("accept-encoding", value));
    }
    let res = test::call_service(svc, req.to_request()).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    Got { status, headers, body }
}

const BROWSER: &str = "gzip, deflate, br, zstd";

#[actix_web::test]
async fn brotli_is_chosen_when_accepted_with_the_original_content_type() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;

    let js = get(&svc, "/assets/index-AbC123.js", Some(BROWSER)).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.body, "br:assets/index-AbC123.js");
    assert_eq!(js.header("content-encoding"), Some("br"));
    assert_eq!(js.header("vary"), Some("accept-encoding"));
    assert!(js.header("content-type").unwrap().starts_with("text/javascript"), "{:?}", js.header("content-type"));
    assert_eq!(js.header("content-disposition"), None);

    let css = get(&svc, "/assets/index-AbC123.css", Some("br")).await;
    assert_eq!(css.body, "br:assets/index-AbC123.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));

    let html = get(&svc, "/", Some(BROWSER)).await;
    assert_eq!(html.body, "br:index.html");
    assert_eq!(html.header("content-encoding"), Some("br"));
    assert!(html.header("content-type").unwrap().starts_with("text/html"));
}

#[actix_web::test]
async fn gzip_is_the_fallback_and_q_values_are_honoured() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;

    let gzip_only_client = get(&svc, "/assets/index-AbC123.js", Some("gzip, deflate")).await;
    assert_eq!(gzip_only_client.body, "gz:assets/index-AbC123.js");
    assert_eq!(gzip_only_client.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip_only_client.header("vary"), Some("accept-encoding"));

    let prefers_gzip = get(&svc, "/assets/index-AbC123.js", Some("br;q=0.5, gzip;q=1")).await;
    assert_eq!(prefers_gzip.header("content-encoding"), Some("gzip"));

    let refuses_brotli = get(&svc, "/assets/index-AbC123.js", Some("br;q=0, gzip")).await;
    assert_eq!(refuses_brotli.header("content-encoding"), Some("gzip"));

    // Only a .gz on disk: a brotli client gets gzip.
    let only_gzip = get(&svc, "/assets/only-gzip-Xy9.js", Some(BROWSER)).await;
    assert_eq!(only_gzip.body, "gz:only-gzip");
    assert_eq!(only_gzip.header("content-encoding"), Some("gzip"));
}

#[actix_web::test]
async fn the_file_itself_when_no_encoding_is_accepted() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;

    for accept in [None, Some("identity"), Some("zstd"), Some("br;q=0, gzip;q=0")] {
        let js = get(&svc, "/assets/index-AbC123.js", accept).await;
        assert_eq!(js.status, StatusCode::OK, "{accept:?}");
        assert_eq!(js.body, "console.log('loopdesk')", "{accept:?}");
        assert_eq!(js.header("content-encoding"), None, "{accept:?}");
        // The answer still depends on the header, so caches must key on it.
        assert_eq!(js.header("vary"), Some("accept-encoding"), "{accept:?}");
    }

    // A file without variants is sent as it is, and does not vary.
    let png = get(&svc, "/assets/logo-Zz1.png", Some(BROWSER)).await;
    assert_eq!(png.body, "png-bytes");
    assert_eq!(png.header("content-encoding"), None);
    assert_eq!(png.header("vary"), None);
    assert!(png.header("content-type").unwrap().starts_with("image/png"));
}

#[actix_web::test]
async fn a_range_is_served_from_the_file_itself() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;
    let req = TestRequest::get()
        .uri("/assets/index-AbC123.js")
        .insert_header(("accept-encoding", BROWSER))
        .insert_header(("range", "bytes=0-6"))
        .to_request();
    let res = test::call_service(&svc, req).await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_ne!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
    assert_eq!(test::read_body(res).await, "console");
}

#[actix_web::test]
async fn only_hashed_assets_are_cached_immutably() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;

    for path in ["/assets/index-AbC123.js", "/assets/index-AbC123.css", "/assets/logo-Zz1.png"] {
        let asset = get(&svc, path, Some(BROWSER)).await;
        assert_eq!(asset.header("cache-control"), Some("public, max-age=31536000, immutable"), "{path}");
    }
    for path in ["/", "/index.html", "/tickets/42", "/robots.txt"] {
        let page = get(&svc, path, Some(BROWSER)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.header("cache-control"), Some("no-cache"), "{path}");
    }
}

#[actix_web::test]
async fn client_routes_get_index_html_but_missing_assets_are_404() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;

    let route = get(&svc, "/tickets/42?tab=history", Some("gzip")).await;
    assert_eq!(route.status, StatusCode::OK);
    assert_eq!(route.body, "gz:index.html");
    assert!(route.header("content-type").unwrap().starts_with("text/html"));

    // A chunk of an older build: a 404, not HTML that the browser would refuse as a script.
    let stale = get(&svc, "/assets/index-Old999.js", Some(BROWSER)).await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn nothing_outside_the_folder_or_hidden_is_served() {
    let dir = StaticDir::new();
    let svc = service(dir.dist()).await;

    for path in [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/assets/..\\..\\secret.txt",
        "//secret.txt",
        "/.env",
        "/assets/.%2e/.%2e/secret.txt",
    ] {
        let got = get(&svc, path, None).await;
        assert!(!got.body.contains("do not serve"), "{path} leaked the file beside the folder");
        assert!(!got.body.contains("SECRET"), "{path} served a hidden file");
        if got.status == StatusCode::OK {
            assert_eq!(got.body, "<!doctype html><title>Loopdesk</title>", "{path}");
        }
    }
}
