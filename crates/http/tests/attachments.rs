//! Attachments over real HTTP on SQLite and PostgreSQL: uploads checked by content and size, files kept once,
//! downloads with their headers and ranges, signed links, staged files taken by a reply, and every path by which
//! an internal note's file could reach a customer.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use base64::Engine;
use common::*;
use loopdesk_app::attachments::{FileSettings, FileStore};
use serde_json::{Value, json};

/// A valid 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(PNG).unwrap()
}

const BOUNDARY: &str = "loopdesk-test-boundary";

/// One part of a form: a file (name, bytes) or a field (name, value).
enum Part<'a> {
    File(&'a str, &'a [u8]),
    Field(&'a str, &'a str),
}

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::File(name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
            Part::Field(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}").as_bytes(),
                );
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload<S: TestApi<B>, B: MessageBody>(svc: &S, token: &str, ticket: i64, parts: &[Part<'_>]) -> Reply {
    let req = TestRequest::post()
        .uri(&format!("/api/v1/tickets/{ticket}/attachments"))
        .insert_header(bearer(token))
        .insert_header(("content-type", format!("multipart/form-data; boundary={BOUNDARY}")))
        .set_payload(multipart(parts));
    send(svc, req).await
}

/// A download's status, headers and raw bytes.
async fn fetch<S: TestApi<B>, B: MessageBody>(svc: &S, req: TestRequest) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = req.to_request();
    let path = request.path().to_string();
    let res = actix_web::test::call_service(svc, request).await;
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = actix_web::test::read_body(res).await.to_vec();
    assert_documented("get", &path, status);
    (status, headers, bytes)
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// How many contents the store holds (files under `<root>/ab/cd/`, not the temporary folder).
fn stored_contents(dir: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path, depth: usize) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                match (path.is_dir(), depth) {
                    (true, 0) if e.file_name() == "tmp" => 0,
                    (true, _) => walk(&path, depth + 1),
                    (false, 2) => 1,
                    (false, _) => 0,
                }
            })
            .sum()
    }
    walk(dir, 0)
}

fn temporary_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("tmp")).map(|d| d.count()).unwrap_or(0)
}

struct World {
    admin: String,
    agent: String,
    customer: String,
    other_customer: String,
    ticket: i64,
}

async fn world<S: TestApi<B>, B: MessageBody>(svc: &S) -> World {
    let admin = login(svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let group = post(svc, &admin, "/api/v1/groups", json!({"name": "维修"})).await.expect(201).body;
    post(svc, &admin, "/api/v1/users", json!({"email": "li@test.local", "name": "李工", "password": "agent-password", "kind": "staff", "role": "agent", "group_ids": [group["id"]]})).await.expect(201);
    for (email, name) in [("wang@customer.test", "王女士"), ("zhao@customer.test", "赵先生")] {
        post(svc, &admin, "/api/v1/users", json!({"email": email, "name": name, "password": "customer-password", "kind": "customer", "role": "customer"})).await.expect(201);
    }
    let agent = login(svc, "li@test.local", "agent-password").await;
    let customer = login(svc, "wang@customer.test", "customer-password").await;
    let other_customer = login(svc, "zhao@customer.test", "customer-password").await;
    let ticket_type =
        post(svc, &admin, "/api/v1/ticket-types", json!({"name": "报修", "fields": []})).await.expect(201).body;
    let ticket =
        post(svc, &customer, "/api/v1/tickets", json!({"type_id": ticket_type["id"], "subject": "打印机卡纸"}))
            .await
            .expect(201)
            .body["id"]
            .as_i64()
            .unwrap();
    post(svc, &admin, format!("/api/v1/tickets/{ticket}/assign"), json!({"group_id": group["id"]})).await.expect(200);
    World { admin, agent, customer, other_customer, ticket }
}

loopdesk_persistence::both_backends!(photos_in_and_out_with_their_headers, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let w = world(&svc).await;
        let photo = png();

        // The customer photographs the fault: stored, with a thumbnail, named as sent but without its path.
        let stored =
            upload(&svc, &w.customer, w.ticket, &[Part::File("../../相机/故障 1.png", &photo)]).await.expect(201);
        let file = stored.body[0].clone();
        assert_eq!(file["file_name"], "故障 1.png");
        assert_eq!(file["content_type"], "image/png");
        assert_eq!(file["size_bytes"], photo.len());
        assert_eq!(file["internal"], false);
        assert_eq!(file["uploader_name"], "王女士");
        assert!(file["thumbnail_url"].is_string());
        let id = file["id"].as_i64().unwrap();

        // Downloaded with Authorization: the same bytes, labelled from the content, shown inline, never sniffed.
        let (status, headers, bytes) =
            fetch(&svc, TestRequest::get().uri(&format!("/api/v1/attachments/{id}")).insert_header(bearer(&w.agent)))
                .await;
        assert_eq!(status, 200);
        assert_eq!(bytes, photo);
        assert_eq!(header(&headers, "content-type"), "image/png");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        let disposition = header(&headers, "content-disposition");
        assert!(disposition.starts_with("inline"), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''%E6%95%85%E9%9A%9C%201.png"), "{disposition}");
        assert!(header(&headers, "content-security-policy").contains("default-src 'none'"));

        // A range (how browsers play video): 206 with exactly those bytes; a range past the end is a 416.
        let (status, headers, bytes) = fetch(
            &svc,
            TestRequest::get()
                .uri(&format!("/api/v1/attachments/{id}"))
                .insert_header(bearer(&w.agent))
                .insert_header(("range", "bytes=1-3")),
        )
        .await;
        assert_eq!(status, 206);
        assert_eq!(bytes, &photo[1..=3]);
        assert_eq!(header(&headers, "content-range"), format!("bytes 1-3/{}", photo.len()));
        let (status, _, _) = fetch(
            &svc,
            TestRequest::get()
                .uri(&format!("/api/v1/attachments/{id}"))
                .insert_header(bearer(&w.agent))
                .insert_header(("range", "bytes=9000-9001")),
        )
        .await;
        assert_eq!(status, 416);

        // The signed link works without Authorization (for <img>); a changed signature, file or variant does not.
        let url = file["url"].as_str().unwrap().to_string();
        let (status, _, bytes) = fetch(&svc, TestRequest::get().uri(&url)).await;
        assert_eq!((status.as_u16(), bytes), (200, photo.clone()));
        let thumb = file["thumbnail_url"].as_str().unwrap().to_string();
        let (status, headers, bytes) = fetch(&svc, TestRequest::get().uri(&thumb)).await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-type"), "image/jpeg");
        assert_eq!(&bytes[..2], &[0xff, 0xd8], "a JPEG");
        let tampered = format!("{}0", &url[..url.len() - 1]);
        assert_eq!(fetch(&svc, TestRequest::get().uri(&tampered)).await.0, 404);
        let as_thumbnail = url.replacen(&format!("/attachments/{id}?"), &format!("/attachments/{id}/thumbnail?"), 1);
        assert_eq!(fetch(&svc, TestRequest::get().uri(&as_thumbnail)).await.0, 404);
        assert_eq!(fetch(&svc, TestRequest::get().uri(&format!("/api/v1/attachments/{id}"))).await.0, 401);

        // Another customer sees neither the ticket's files nor the file.
        get(&svc, &w.other_customer, format!("/api/v1/tickets/{}/attachments", w.ticket)).await.expect_problem(404);
        let (status, _, _) = fetch(
            &svc,
            TestRequest::get().uri(&format!("/api/v1/attachments/{id}")).insert_header(bearer(&w.other_customer)),
        )
        .await;
        assert_eq!(status, 404);

        // The history says a file was added, for the customer too.
        let events = get(&svc, &w.customer, format!("/api/v1/tickets/{}/events", w.ticket)).await.expect(200).body;
        let added: Vec<&Value> =
            events["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "attachment_added").collect();
        assert_eq!(added.len(), 1);
        assert_eq!(added[0]["new_value"], id.to_string());

        // The same photo again is stored once (the photo and its thumbnail: two contents).
        upload(&svc, &w.agent, w.ticket, &[Part::File("again.png", &photo)]).await.expect(201);
        assert_eq!(stored_contents(&db.files_dir), 2);
        let listed = get(&svc, &w.customer, format!("/api/v1/tickets/{}/attachments", w.ticket)).await.expect(200).body;
        assert_eq!(listed.as_array().unwrap().len(), 2);
        assert_eq!(temporary_files(&db.files_dir), 0);
        let _ = w.admin;
    });
});

loopdesk_persistence::both_backends!(refused_uploads_store_nothing_and_say_which_rule, |db| {
    block_on(async move {
        let mut settings = FileSettings::new(FileStore::local(&db.files_dir).unwrap());
        settings.limits.max_file_bytes = 2048;
        settings.limits.max_ticket_bytes = 3000;
        settings.limits.max_files_per_upload = 2;
        let app = app_for(&db).with_files(settings);
        let svc = service!(app);
        let w = world(&svc).await;

        // A program named like a photo: refused by its content.
        let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".repeat(4);
        let refused =
            upload(&svc, &w.customer, w.ticket, &[Part::File("照片.jpg", &program)]).await.expect_problem(415);
        assert_eq!(refused.body["code"], "attachment_type_refused");
        assert_eq!(refused.body["params"]["file_name"], "照片.jpg");
        // SVG is markup a browser runs: refused too.
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        upload(&svc, &w.customer, w.ticket, &[Part::File("logo.svg", svg)]).await.expect_problem(415);

        // Over the per-file limit: cut off while streaming.
        let big = "长".repeat(1000);
        let too_big =
            upload(&svc, &w.customer, w.ticket, &[Part::File("log.txt", big.as_bytes())]).await.expect_problem(413);
        assert_eq!(too_big.body["code"], "attachment_too_large");
        assert_eq!(too_big.body["params"]["limit_bytes"], 2048);

        // Too many files in one upload.
        let note = "第一行\n第二行\n".as_bytes();
        let many = upload(
            &svc,
            &w.customer,
            w.ticket,
            &[Part::File("a.txt", note), Part::File("b.txt", note), Part::File("c.txt", note)],
        )
        .await
        .expect_problem(413);
        assert_eq!(many.body["code"], "too_many_files");

        // The ticket's total: 1500 + 1500 fit, one more byte does not.
        let half = "a".repeat(1500);
        upload(
            &svc,
            &w.customer,
            w.ticket,
            &[Part::File("a.txt", half.as_bytes()), Part::File("b.txt", half.as_bytes())],
        )
        .await
        .expect(201);
        let full = upload(&svc, &w.customer, w.ticket, &[Part::File("c.txt", b"x")]).await.expect_problem(413);
        assert_eq!(full.body["code"], "ticket_attachments_full");
        assert_eq!(full.body["params"]["stored_bytes"], 3000);

        // Not a form, a bad flag, an unknown part, no credentials.
        let not_a_form = TestRequest::post()
            .uri(&format!("/api/v1/tickets/{}/attachments", w.ticket))
            .insert_header(bearer(&w.customer))
            .insert_header(("content-type", "application/octet-stream"))
            .set_payload(png());
        send(&svc, not_a_form).await.expect_problem(415);
        let bad_flag = upload(&svc, &w.agent, w.ticket, &[Part::Field("internal", "maybe"), Part::File("a.txt", note)])
            .await
            .expect_problem(422);
        assert!(bad_flag.body["errors"]["internal"].is_array());
        upload(&svc, &w.agent, w.ticket, &[Part::Field("colour", "red")]).await.expect_problem(422);
        upload(&svc, &w.agent, w.ticket, &[]).await.expect_problem(422);
        let anonymous = TestRequest::post()
            .uri(&format!("/api/v1/tickets/{}/attachments", w.ticket))
            .insert_header(("content-type", format!("multipart/form-data; boundary={BOUNDARY}")))
            .set_payload(multipart(&[Part::File("a.txt", note)]));
        send(&svc, anonymous).await.expect_problem(401);
        // A customer cannot upload internal files, nor to a ticket that is not theirs.
        upload(&svc, &w.customer, w.ticket, &[Part::Field("internal", "true"), Part::File("a.txt", note)])
            .await
            .expect_problem(403);
        upload(&svc, &w.other_customer, w.ticket, &[Part::File("a.txt", note)]).await.expect_problem(404);

        // Only the two accepted files are stored; nothing refused left a trace.
        assert_eq!(stored_contents(&db.files_dir), 1, "a.txt and b.txt have the same content");
        assert_eq!(temporary_files(&db.files_dir), 0);
        let listed = get(&svc, &w.agent, format!("/api/v1/tickets/{}/attachments", w.ticket)).await.expect(200).body;
        assert_eq!(listed.as_array().unwrap().len(), 2);
    });
});

loopdesk_persistence::both_backends!(an_internal_notes_files_never_reach_a_customer, |db| {
    block_on(async move {
        let app = app_for(&db);
        let svc = service!(app);
        let w = world(&svc).await;
        let photo = png();
        let report =
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

        // The agent stages a PDF for an internal note and sends it: the note carries it, and it is internal now.
        let staged =
            upload(&svc, &w.agent, w.ticket, &[Part::Field("staged", "true"), Part::File("维修报价.pdf", report)])
                .await
                .expect(201)
                .body[0]
                .clone();
        assert_eq!(staged["staged"], true);
        let staged_id = staged["id"].as_i64().unwrap();
        // Staged files are the uploader's alone until sent.
        let others = get(&svc, &w.admin, format!("/api/v1/tickets/{}/attachments", w.ticket)).await.expect(200).body;
        assert!(others.as_array().unwrap().is_empty());
        // Nobody sends a file staged by someone else.
        let mine =
            upload(&svc, &w.customer, w.ticket, &[Part::Field("staged", "true"), Part::File("照片.png", &photo)])
                .await
                .expect(201)
                .body[0]["id"]
                .as_i64()
                .unwrap();
        let stolen = post(
            &svc,
            &w.agent,
            format!("/api/v1/tickets/{}/comments", w.ticket),
            json!({"body": "x", "attachment_ids": [mine]}),
        )
        .await
        .expect_problem(422);
        assert!(stolen.body["errors"]["attachment_ids"].is_array());

        let note = post(
            &svc,
            &w.agent,
            format!("/api/v1/tickets/{}/comments", w.ticket),
            json!({"body": "", "internal": true, "attachment_ids": [staged_id]}),
        )
        .await
        .expect(201)
        .body;
        assert_eq!(note["attachments"][0]["id"], staged_id);
        assert_eq!(note["attachments"][0]["internal"], true);
        assert_eq!(note["attachments"][0]["staged"], false);
        // Sent once: it cannot be attached again.
        post(
            &svc,
            &w.agent,
            format!("/api/v1/tickets/{}/comments", w.ticket),
            json!({"body": "again", "attachment_ids": [staged_id]}),
        )
        .await
        .expect_problem(422);

        // The customer's reply takes their photo, publicly.
        let reply = post(
            &svc,
            &w.customer,
            format!("/api/v1/tickets/{}/comments", w.ticket),
            json!({"body": "照片见附件", "attachment_ids": [mine]}),
        )
        .await
        .expect(201)
        .body;
        assert_eq!(reply["attachments"][0]["file_name"], "照片.png");

        // An internal file on the ticket itself.
        let internal =
            upload(&svc, &w.agent, w.ticket, &[Part::Field("internal", "true"), Part::File("内部.png", &photo)])
                .await
                .expect(201)
                .body[0]["id"]
                .as_i64()
                .unwrap();

        // Staff see everything.
        let staff_view =
            get(&svc, &w.agent, format!("/api/v1/tickets/{}/attachments", w.ticket)).await.expect(200).body;
        assert_eq!(staff_view.as_array().unwrap().len(), 3);
        let comments = get(&svc, &w.agent, format!("/api/v1/tickets/{}/comments", w.ticket)).await.expect(200).body;
        assert!(comments["items"].as_array().unwrap().iter().any(|c| c["attachments"][0]["id"] == staged_id));

        // The customer: not in the list, not in the comments, not in the history, not by id.
        let listed = get(&svc, &w.customer, format!("/api/v1/tickets/{}/attachments", w.ticket)).await.expect(200).body;
        let ids: Vec<i64> = listed.as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![mine]);
        let comments = get(&svc, &w.customer, format!("/api/v1/tickets/{}/comments", w.ticket)).await.expect(200).body;
        let text = comments.to_string();
        assert!(!text.contains("维修报价") && !text.contains("内部.png"), "{text}");
        let events = get(&svc, &w.customer, format!("/api/v1/tickets/{}/events", w.ticket)).await.expect(200).body;
        assert!(!events.to_string().contains("内部.png"));
        let staff_events = get(&svc, &w.agent, format!("/api/v1/tickets/{}/events", w.ticket)).await.expect(200).body;
        assert!(staff_events["items"].as_array().unwrap().iter().any(|e| e["kind"] == "internal_attachment_added"));
        for id in [staged_id, internal] {
            for path in [format!("/api/v1/attachments/{id}"), format!("/api/v1/attachments/{id}/thumbnail")] {
                let (status, _, bytes) =
                    fetch(&svc, TestRequest::get().uri(&path).insert_header(bearer(&w.customer))).await;
                assert_eq!(status, 404, "{path}");
                assert!(!String::from_utf8_lossy(&bytes).contains("PDF"));
            }
        }
    });
});

loopdesk_persistence::both_backends!(the_sweep_removes_unsent_files_and_unreferenced_contents_only, |db| {
    block_on(async move {
        let offset = Arc::new(AtomicI64::new(0));
        let seconds = offset.clone();
        let clock = Arc::new(move || chrono::Utc::now() + chrono::Duration::seconds(seconds.load(Ordering::SeqCst)));
        let app = app_for(&db).with_clock(clock);
        let svc = service!(app);
        let w = world(&svc).await;
        let photo = png();
        let kept =
            upload(&svc, &w.agent, w.ticket, &[Part::File("kept.txt", "留下\n".as_bytes())]).await.expect(201).body;
        upload(&svc, &w.agent, w.ticket, &[Part::Field("staged", "true"), Part::File("never sent.png", &photo)])
            .await
            .expect(201);
        assert_eq!(stored_contents(&db.files_dir), 3);

        // Within the day nothing goes.
        assert_eq!(app.sweep_files().unwrap(), Default::default());
        // A day later: the unsent file and its contents (photo and thumbnail) go; the kept file stays and downloads.
        offset.store(25 * 3600, Ordering::SeqCst);
        let report = app.sweep_files().unwrap();
        assert_eq!((report.staged_files, report.contents), (1, 2));
        assert_eq!(stored_contents(&db.files_dir), 1);
        let id = kept[0]["id"].as_i64().unwrap();
        let agent = login(&svc, "li@test.local", "agent-password").await; // the first sign-in expired meanwhile
        let (status, _, bytes) =
            fetch(&svc, TestRequest::get().uri(&format!("/api/v1/attachments/{id}")).insert_header(bearer(&agent)))
                .await;
        assert_eq!((status.as_u16(), bytes), (200, "留下\n".as_bytes().to_vec()));
        assert_eq!(app.sweep_files().unwrap(), Default::default());
    });
});
