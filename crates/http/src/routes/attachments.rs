//! Files on tickets: upload (multipart, streamed to the store as it arrives), list, download and thumbnail.

use actix_files::NamedFile;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse, get, mime, post, web};
use futures_util::StreamExt;
use loopdesk_app::App;
use loopdesk_app::attachments::{AttachmentView, DownloadGrant, Spool, UploadInput, UploadedFile, Variant, too_large};
use loopdesk_app::domain::attachments::{SNIFF_BYTES, TooLarge};
use loopdesk_app::domain::ids::TicketId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, bearer, blocking};
use crate::problem::{ApiError, Problem, for_status};

/// Bytes gathered from the request before they are written to the spool file in one go.
const WRITE_BATCH: usize = 256 * 1024;

/// The form of an upload (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads the parts as they stream in
pub struct UploadForm {
    /// one part per file (1 to 10); the name is taken from the part's `filename`
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
    /// `true`: only staff who see internal notes see the files (default `false`)
    #[schema(example = "false")]
    internal: Option<String>,
    /// `true`: for a reply not sent yet; pass the ids as `attachment_ids` of the reply (default `false`)
    #[schema(example = "true")]
    staged: Option<String>,
}

/// Add files to a ticket (photos of a fault, a PDF report …), or stage them for a reply (`staged=true`, then send
/// their ids as the reply's `attachment_ids`). The kind is decided from the content: images, PDF, Office
/// documents, text, zip and mp4/QuickTime are accepted. Limits: per file (25 MB by default), per ticket and files
/// per upload; a refused upload stores nothing.
#[utoipa::path(post, operation_id = "upload_attachments", tag = "attachments",
    params(("id" = i64, Path, description = "ticket id")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Vec<AttachmentView>),
        (status = 413, description = "A limit was hit: `attachment_too_large`, `ticket_attachments_full` or `too_many_files` (params say the limit)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`attachment_type_refused`: a kind of file that is not accepted (params.file_name), or a body that is not multipart/form-data", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tickets/{id}/attachments")]
pub async fn upload(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let ticket_id = TicketId(id.into_inner());
    // Who and where first: nobody streams a body into the store for a ticket they may not write to.
    let actor = caller
        .run(&app, move |app, actor| {
            app.may_upload_to(actor, ticket_id)?;
            Ok(actor.clone())
        })
        .await?;
    if !is_multipart(&req) {
        return Err(ApiError::new(for_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the files as multipart/form-data (parts named files)",
        )));
    }
    let form = read_form(&app, &req, payload).await?;
    let views = blocking(&app, move |app| app.upload_attachments(&actor, ticket_id, form)).await?;
    Ok(HttpResponse::Created().json(views))
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

fn bad_form(detail: impl Into<String>) -> ApiError {
    ApiError::new(for_status(StatusCode::BAD_REQUEST, detail))
}

/// Reads the parts: each file is written to a spool file as it arrives, checked against the per-file limit on the
/// way (a file over it is dropped at once, with what was written of it).
async fn read_form(app: &web::Data<App>, req: &HttpRequest, payload: web::Payload) -> Result<UploadInput, ApiError> {
    let store = app.file_store().map_err(ApiError::from)?.clone();
    let limits = app.file_limits();
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut form = UploadInput { files: Vec::new(), internal: false, staged: false };
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(|e| bad_form(format!("the multipart body is broken: {e}")))?;
        let name = part.name().unwrap_or_default().to_string();
        match name.as_str() {
            "files" | "file" => {
                if form.files.len() == limits.max_files_per_upload {
                    return Err(too_large(TooLarge::TooManyFiles { limit: limits.max_files_per_upload }).into());
                }
                let file_name = part
                    .content_disposition()
                    .and_then(|d| d.get_filename().map(str::to_string))
                    .unwrap_or_else(|| "file".into());
                let store = store.clone();
                let mut spool = web::block(move || store.spool(SNIFF_BYTES)).await.map_err(internal)?.map_err(io)?;
                let mut batch = web::BytesMut::new();
                while let Some(chunk) = part.next().await {
                    let chunk = chunk.map_err(|e| bad_form(format!("the upload broke off: {e}")))?;
                    if spool.size() + (batch.len() + chunk.len()) as u64 > limits.max_file_bytes {
                        return Err(too_large(TooLarge::File { limit: limits.max_file_bytes }).into());
                    }
                    batch.extend_from_slice(&chunk);
                    if batch.len() >= WRITE_BATCH {
                        (spool, batch) = write_batch(spool, batch).await?;
                    }
                }
                (spool, _) = write_batch(spool, batch).await?;
                let content = web::block(move || spool.finish()).await.map_err(internal)?.map_err(io)?;
                form.files.push(UploadedFile { content, file_name });
            }
            "internal" | "staged" => {
                let mut value = Vec::new();
                while let Some(chunk) = part.next().await {
                    value.extend_from_slice(&chunk.map_err(|e| bad_form(format!("the upload broke off: {e}")))?);
                    if value.len() > 16 {
                        break;
                    }
                }
                let flag = match std::str::from_utf8(&value).unwrap_or_default().trim() {
                    "true" | "1" | "on" => true,
                    "false" | "0" | "" => false,
                    _ => {
                        return Err(loopdesk_app::AppError::invalid(&name, "must be true or false").into());
                    }
                };
                if name == "internal" {
                    form.internal = flag;
                } else {
                    form.staged = flag;
                }
            }
            other => {
                return Err(loopdesk_app::AppError::invalid(
                    other,
                    "unknown form field (send files, internal and staged)",
                )
                .into());
            }
        }
    }
    Ok(form)
}

async fn write_batch(mut spool: Spool, mut batch: web::BytesMut) -> Result<(Spool, web::BytesMut), ApiError> {
    if batch.is_empty() {
        return Ok((spool, batch));
    }
    web::block(move || {
        spool.write(&batch)?;
        batch.clear();
        Ok::<_, std::io::Error>((spool, batch))
    })
    .await
    .map_err(internal)?
    .map_err(io)
}

fn io(e: std::io::Error) -> ApiError {
    loopdesk_app::AppError::Internal(format!("spooling an upload: {e}")).into()
}

fn internal(e: actix_web::error::BlockingError) -> ApiError {
    loopdesk_app::AppError::Internal(format!("spooling an upload: {e}")).into()
}

/// The files of a ticket you may see, oldest first, with those of replies and notes. Each carries links (`url`,
/// `thumbnail_url`) that work without `Authorization` for a few minutes, for `<img>` and `<video>`.
#[utoipa::path(get, operation_id = "list_attachments", tag = "attachments",
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "The files", body = Vec<AttachmentView>)))]
#[get("/tickets/{id}/attachments")]
pub async fn list(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = TicketId(id.into_inner());
    let files = caller.run(&app, move |app, actor| app.list_attachments(actor, id)).await?;
    Ok(HttpResponse::Ok().json(files))
}

/// A signed link's parameters (from an attachment's `url`); without them, send `Authorization`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// when the link stops working (Unix seconds)
    pub expires: Option<i64>,
    /// the link's signature
    pub sig: Option<String>,
}

/// Download a file. Images, PDF, video and text open in the browser (`inline`), the rest download; ranges
/// (`Range: bytes=…`) are served for video. A file of an internal note is "not found" for anyone who may not see
/// the note.
#[utoipa::path(get, operation_id = "download_attachment", tag = "attachments",
    params(("id" = i64, Path, description = "attachment id"), LinkQuery),
    security((), ("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The file, with the `Content-Type` decided at upload (`image/png`, `application/pdf` …)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 416, description = "The range is outside the file"),
    ))]
#[get("/attachments/{id}")]
pub async fn download(
    app: web::Data<App>,
    req: HttpRequest,
    id: web::Path<i64>,
    query: web::Query<LinkQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(app, req, id.into_inner(), query.into_inner(), Variant::File).await
}

/// A JPEG thumbnail (at most 320 px) of an image file.
#[utoipa::path(get, operation_id = "attachment_thumbnail", tag = "attachments",
    params(("id" = i64, Path, description = "attachment id"), LinkQuery),
    security((), ("bearer_jwt" = []), ("api_key" = [])),
    responses((status = 200, description = "The thumbnail (sent as `image/jpeg`)", content_type = "application/octet-stream", body = Vec<u8>)))]
#[get("/attachments/{id}/thumbnail")]
pub async fn thumbnail(
    app: web::Data<App>,
    req: HttpRequest,
    id: web::Path<i64>,
    query: web::Query<LinkQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(app, req, id.into_inner(), query.into_inner(), Variant::Thumbnail).await
}

async fn serve(
    app: web::Data<App>,
    req: HttpRequest,
    id: i64,
    link: LinkQuery,
    variant: Variant,
) -> Result<HttpResponse, ApiError> {
    let credential = match (&link.expires, &link.sig) {
        (Some(_), Some(_)) => None,
        _ => Some(bearer(&req).map_err(|detail| ApiError::new(for_status(StatusCode::UNAUTHORIZED, detail)))?),
    };
    let found = blocking(&app, move |app| match credential {
        Some(credential) => {
            let actor = app.authenticate(&credential)?;
            app.open_attachment(DownloadGrant::Actor(&actor), id, variant)
        }
        None => app.open_attachment(
            DownloadGrant::Link {
                expires: link.expires.unwrap_or_default(),
                signature: link.sig.as_deref().unwrap_or_default(),
            },
            id,
            variant,
        ),
    })
    .await?;
    let mime: mime::Mime = found.content_type.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let inline = matches!(mime.type_(), mime::IMAGE | mime::VIDEO | mime::TEXT) || mime.subtype() == mime::PDF;
    let disposition = ContentDisposition {
        disposition: if inline { DispositionType::Inline } else { DispositionType::Attachment },
        parameters: vec![
            DispositionParam::Filename(ascii_fallback(&found.file_name)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: found.file_name.clone().into_bytes(),
            }),
        ],
    };
    let file = web::block(move || NamedFile::open(&found.path)).await.map_err(internal)?.map_err(io)?;
    let mut response =
        file.set_content_type(mime).set_content_disposition(disposition).use_last_modified(false).into_response(&req);
    let headers = response.headers_mut();
    // The bytes go out as stored: never recompressed (ranges stay exact), cached only by the browser.
    headers.insert(header::CONTENT_ENCODING, header::HeaderValue::from_static("identity"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, max-age=600"));
    Ok(response)
}

/// The name for clients that do not read `filename*`: ASCII only.
fn ascii_fallback(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    ascii.replace(['"', '\\'], "_")
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload).service(list).service(download).service(thumbnail);
}
