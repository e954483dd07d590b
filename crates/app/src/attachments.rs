//! Files on tickets: uploading (the kind decided from the content, the limits, a thumbnail for images), listing
//! and opening them under the rules of the comment they belong to, and the sweep that removes what nothing
//! references any more.
//!
//! An upload is kept in three steps so that nothing is ever lost or orphaned: its content's row is touched (so the
//! sweep leaves it alone), the content is moved into the store, then the file rows are written in the ticket's
//! change. A change that fails leaves a content no file refers to; the sweep removes it after a grace period.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use loopdesk_domain::attachments::{self as rules, FileFacts, Limits, TooLarge};
use loopdesk_domain::ids::TicketId;
use loopdesk_domain::policy::Actor;
use loopdesk_domain::sign_in::Gate;
use loopdesk_domain::ticket::EventKind;
pub use loopdesk_persistence::files::{FileStore, Spool, Spooled};
use loopdesk_persistence::models::{AttachmentRow, NewAttachment};
use loopdesk_persistence::queries::{attachments as q, directory};
use loopdesk_persistence::{DbConn, tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::kernel::access_facts;
use crate::{App, AppError, AppResult, utc};

/// How files are kept: the store and its limits.
#[derive(Clone)]
pub struct FileSettings {
    pub store: FileStore,
    pub limits: Limits,
    /// a file uploaded for a reply that is never sent is removed after this long
    pub staged_ttl: chrono::Duration,
    /// a content nothing refers to is removed once untouched for this long (longer than any upload takes)
    pub unreferenced_grace: chrono::Duration,
    /// how long a download link without `Authorization` stays valid
    pub link_ttl: chrono::Duration,
}

impl FileSettings {
    pub fn new(store: FileStore) -> Self {
        FileSettings {
            store,
            limits: Limits::default(),
            staged_ttl: chrono::Duration::hours(24),
            unreferenced_grace: chrono::Duration::hours(1),
            link_ttl: chrono::Duration::minutes(10),
        }
    }
}

/// The file store with the thumbnail gate, shared by every clone of the app.
pub(crate) struct Files {
    pub(crate) settings: FileSettings,
    /// decoding an image takes memory: at most one per core at a time
    thumbnails: Gate,
}

impl Files {
    pub(crate) fn new(settings: FileSettings) -> Arc<Files> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Arc::new(Files { settings, thumbnails: Gate::new(cores) })
    }
}

/// The widest side of a thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 320;

/// One uploaded file, spooled to the store's temporary folder.
pub struct UploadedFile {
    pub content: Spooled,
    /// the name the client gave (cleaned before it is kept)
    pub file_name: String,
}

pub struct UploadInput {
    pub files: Vec<UploadedFile>,
    /// only staff who see internal notes see it
    pub internal: bool,
    /// for a reply not sent yet: only the uploader sees it until the reply takes it (`attachment_ids`)
    pub staged: bool,
}

/// A file on a ticket.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub ticket_id: i64,
    /// the reply or note it belongs to; null for a file on the ticket itself
    pub comment_id: Option<i64>,
    #[schema(example = "故障照片.jpg")]
    pub file_name: String,
    /// decided from the content, not from the name
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    #[schema(example = 482113)]
    pub size_bytes: i64,
    /// only staff who see internal notes see it
    pub internal: bool,
    /// uploaded for a reply not sent yet; only the uploader sees it
    pub staged: bool,
    pub uploader_id: i64,
    #[schema(example = "李工")]
    pub uploader_name: String,
    pub created_at: DateTime<Utc>,
    /// a download link that works without `Authorization` for a few minutes (for `<img>`, `<video>`, plain links)
    #[schema(example = "/api/v1/attachments/12?expires=1767225600&sig=3f2a…")]
    pub url: String,
    /// the same for a JPEG thumbnail (images only)
    pub thumbnail_url: Option<String>,
}

/// What to send for a download: where the bytes are and how to label them.
#[derive(Debug, Clone)]
pub struct Download {
    pub path: std::path::PathBuf,
    pub content_type: String,
    pub file_name: String,
}

/// Which bytes of a file a download asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    File,
    Thumbnail,
}

impl Variant {
    fn as_str(self) -> &'static str {
        match self {
            Variant::File => "file",
            Variant::Thumbnail => "thumbnail",
        }
    }
}

/// How a download proves it may be made.
pub enum DownloadGrant<'a> {
    /// a signed-in caller (the rules of the file's comment apply)
    Actor(&'a Actor),
    /// a signed link (`expires`, `sig`), minted for someone who could see the file
    Link { expires: i64, signature: &'a str },
}

/// What the sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub staged_files: usize,
    pub contents: usize,
}

impl App {
    pub fn with_files(mut self, settings: FileSettings) -> Self {
        self.files = Some(Files::new(settings));
        self
    }

    fn files(&self) -> AppResult<&Files> {
        self.files.as_deref().ok_or_else(|| AppError::Unavailable("file storage is not configured".into()))
    }

    /// The store, for the HTTP layer to spool uploads into.
    pub fn file_store(&self) -> AppResult<&FileStore> {
        Ok(&self.files()?.settings.store)
    }

    /// The limits uploads are held to.
    pub fn file_limits(&self) -> Limits {
        self.files.as_ref().map(|f| f.settings.limits).unwrap_or_default()
    }

    /// Checked before an upload's body is read: the caller may add files to this ticket at all.
    pub fn may_upload_to(&self, actor: &Actor, ticket_id: TicketId) -> AppResult<()> {
        self.files()?;
        let mut conn = self.conn()?;
        let row = self.visible_ticket(&mut conn, actor, ticket_id)?;
        rules::may_upload(actor, &access_facts(&row), false)?;
        Ok(())
    }

    /// Adds files to a ticket (or stages them for a reply). The ticket's history records files on the ticket.
    pub fn upload_attachments(
        &self,
        actor: &Actor,
        ticket_id: TicketId,
        input: UploadInput,
    ) -> AppResult<Vec<AttachmentView>> {
        let files = self.files()?;
        if input.files.is_empty() {
            return Err(AppError::invalid("files", "choose at least one file"));
        }
        let limits = files.settings.limits;
        let sizes: Vec<u64> = input.files.iter().map(|f| f.content.size).collect();
        limits.check(0, &sizes).map_err(too_large)?;
        let mut kinds = Vec::with_capacity(input.files.len());
        for file in &input.files {
            let complete = file.content.size as usize <= file.content.head.len();
            let kind = rules::sniff(&file.content.head, complete)
                .ok_or_else(|| refused_type(&rules::clean_file_name(&file.file_name)))?;
            kinds.push(kind);
        }
        {
            let mut conn = self.conn()?;
            let row = self.visible_ticket(&mut conn, actor, ticket_id)?;
            rules::may_upload(actor, &access_facts(&row), input.internal)?;
            let stored = q::ticket_bytes(&mut conn, row.id)? as u64;
            limits.check(stored, &sizes).map_err(too_large)?;
        }

        // Keep the contents (and thumbnails) before the rows that refer to them.
        let mut kept = Vec::with_capacity(input.files.len());
        for (file, kind) in input.files.into_iter().zip(kinds) {
            let thumbnail = if kind.image { self.keep_thumbnail(files, &file.content)? } else { None };
            let sha256 = file.content.sha256.clone();
            let size = file.content.size as i64;
            self.keep_content(files, file.content)?;
            kept.push((sha256, size, rules::clean_file_name(&file.file_name), kind, thumbnail));
        }

        let (_, rows) = self.change_ticket(actor, ticket_id, None, |conn, row, log| {
            rules::may_upload(actor, &access_facts(row), input.internal)?;
            let stored = q::ticket_bytes(conn, row.id)? as u64;
            limits.check(stored, &sizes).map_err(too_large)?;
            let mut rows = Vec::with_capacity(kept.len());
            for (sha256, size, file_name, kind, thumbnail) in &kept {
                let saved = q::insert(
                    conn,
                    &NewAttachment {
                        ticket_id: row.id,
                        comment_id: None,
                        uploader_id: actor.user_id,
                        sha256,
                        file_name,
                        content_type: kind.content_type,
                        size_bytes: *size,
                        internal: input.internal,
                        staged: input.staged,
                        thumbnail_sha256: thumbnail.as_deref(),
                        created_at: log.at,
                    },
                )?;
                if !input.staged {
                    let kind =
                        if input.internal { EventKind::InternalAttachmentAdded } else { EventKind::AttachmentAdded };
                    log.push(kind, None, None, Some(saved.id.to_string()), Some(saved.file_name.clone()));
                }
                rows.push(saved);
            }
            Ok(rows)
        })?;
        let mut conn = self.conn()?;
        self.attachment_views(&mut conn, &rows)
    }

    /// Touches the content's row, then moves the bytes into the store.
    fn keep_content(&self, files: &Files, content: Spooled) -> AppResult<()> {
        let mut conn = self.conn()?;
        q::touch_blob(&mut conn, &content.sha256, content.size as i64, self.now_naive())?;
        drop(conn);
        files.settings.store.keep(content).map_err(|e| AppError::Internal(format!("storing a file: {e}")))
    }

    /// A JPEG thumbnail of an image, kept like any content; None when the image cannot be decoded (the file is
    /// still accepted: it is shown as a plain file).
    fn keep_thumbnail(&self, files: &Files, content: &Spooled) -> AppResult<Option<String>> {
        let jpeg = {
            let _permit = files.thumbnails.acquire();
            match thumbnail_jpeg(content.path()) {
                Ok(jpeg) => jpeg,
                Err(e) => {
                    log::info!("no thumbnail for an upload: {e}");
                    return Ok(None);
                }
            }
        };
        let store = &files.settings.store;
        let io = |e: std::io::Error| AppError::Internal(format!("storing a thumbnail: {e}"));
        let mut spool = store.spool(0).map_err(io)?;
        spool.write(&jpeg).map_err(io)?;
        let spooled = spool.finish().map_err(io)?;
        let sha256 = spooled.sha256.clone();
        self.keep_content(files, spooled)?;
        Ok(Some(sha256))
    }

    /// The files of a ticket the caller may see, oldest first (files of replies and notes included).
    pub fn list_attachments(&self, actor: &Actor, ticket_id: TicketId) -> AppResult<Vec<AttachmentView>> {
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        let facts = access_facts(&ticket);
        let rows: Vec<AttachmentRow> = q::of_ticket(&mut conn, ticket.id)?
            .into_iter()
            .filter(|row| rules::may_see(actor, &facts, &file_facts(row)))
            .collect();
        self.attachment_views(&mut conn, &rows)
    }

    /// The files of these comments that the caller may see (the comments are visible to them already).
    pub(crate) fn comment_attachments(
        &self,
        conn: &mut DbConn,
        actor: &Actor,
        comment_ids: &[i64],
    ) -> AppResult<Vec<AttachmentView>> {
        if self.files.is_none() {
            return Ok(Vec::new());
        }
        let rows: Vec<AttachmentRow> = q::of_comments(conn, comment_ids)?
            .into_iter()
            .filter(|row| !row.internal || loopdesk_domain::policy::sees_internal(actor))
            .collect();
        self.attachment_views(conn, &rows)
    }

    /// Hands the caller's staged files to the comment just written (inside its change).
    pub(crate) fn attach_staged(
        &self,
        conn: &mut DbConn,
        actor: &Actor,
        ticket_id: i64,
        ids: &[i64],
        comment_id: i64,
        internal: bool,
    ) -> AppResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        for id in &wanted {
            let ok = q::find(conn, *id)?
                .is_some_and(|a| a.ticket_id == ticket_id && a.staged && a.uploader_id == actor.user_id);
            if !ok {
                return Err(AppError::invalid(
                    "attachment_ids",
                    format!("{id} is not a file you uploaded to this ticket for a reply not yet sent"),
                ));
            }
        }
        q::attach_to_comment(conn, &wanted, comment_id, internal)?;
        Ok(())
    }

    /// Where a file's bytes are, for a caller who may see it or a valid signed link.
    pub fn open_attachment(&self, grant: DownloadGrant, id: i64, variant: Variant) -> AppResult<Download> {
        let files = self.files()?;
        let mut conn = self.conn()?;
        let row = q::find(&mut conn, id)?.ok_or(AppError::NotFound("attachment"))?;
        match grant {
            DownloadGrant::Actor(actor) => {
                let ticket = self
                    .visible_ticket(&mut conn, actor, TicketId(row.ticket_id))
                    .map_err(|_| AppError::NotFound("attachment"))?;
                if !rules::may_see(actor, &access_facts(&ticket), &file_facts(&row)) {
                    return Err(AppError::NotFound("attachment"));
                }
            }
            DownloadGrant::Link { expires, signature } => {
                let secret = &self.auth.jwt_secret;
                if !rules::link_is_valid(secret, id, variant.as_str(), expires, signature, self.now().timestamp()) {
                    return Err(AppError::NotFound("attachment"));
                }
            }
        }
        let (sha256, content_type, file_name) = match variant {
            Variant::File => (row.sha256, row.content_type, row.file_name),
            Variant::Thumbnail => {
                let sha256 = row.thumbnail_sha256.ok_or(AppError::NotFound("thumbnail"))?;
                let stem = row.file_name.rsplit_once('.').map_or(row.file_name.as_str(), |(stem, _)| stem);
                (sha256, "image/jpeg".to_string(), format!("{stem}.thumbnail.jpg"))
            }
        };
        let path = files.settings.store.path_of(&sha256);
        if !path.is_file() {
            return Err(AppError::Internal(format!(
                "the content {sha256} of attachment {id} is missing from the store"
            )));
        }
        Ok(Download { path, content_type, file_name })
    }

    /// Removes staged files never sent and contents nothing refers to (after their grace period). Safe to run on
    /// several instances at once: each content is removed under the write lock, checked again there.
    pub fn sweep_files(&self) -> AppResult<SweepReport> {
        let Some(files) = self.files.as_deref() else { return Ok(SweepReport::default()) };
        let now = self.now_naive();
        let mut conn = self.conn()?;
        let staged_before = now - files.settings.staged_ttl;
        let staged_files = tx::write(&mut conn, |conn| q::delete_staged_before(conn, staged_before))?;
        let touched_before = now - files.settings.unreferenced_grace;
        let mut contents = 0;
        loop {
            let batch = q::unreferenced_blobs(&mut conn, touched_before, 200)?;
            if batch.is_empty() {
                break;
            }
            let mut removed_any = false;
            for sha256 in &batch {
                let removed = tx::write(&mut conn, |conn| -> AppResult<bool> {
                    if !q::delete_blob_if_unreferenced(conn, sha256, touched_before)? {
                        return Ok(false);
                    }
                    // Still inside the transaction: should the bytes not go, the row stays and the next sweep retries.
                    files
                        .settings
                        .store
                        .remove(sha256)
                        .map_err(|e| AppError::Internal(format!("removing {sha256}: {e}")))?;
                    Ok(true)
                })?;
                if removed {
                    contents += 1;
                    removed_any = true;
                }
            }
            if !removed_any || batch.len() < 200 {
                break;
            }
        }
        Ok(SweepReport { staged_files, contents })
    }

    fn attachment_views(&self, conn: &mut DbConn, rows: &[AttachmentRow]) -> AppResult<Vec<AttachmentView>> {
        let mut uploader_ids: Vec<i64> = rows.iter().map(|r| r.uploader_id).collect();
        uploader_ids.sort_unstable();
        uploader_ids.dedup();
        let names: std::collections::HashMap<i64, String> =
            directory::user_names(conn, &uploader_ids)?.into_iter().collect();
        let ttl = self.files.as_ref().map(|f| f.settings.link_ttl).unwrap_or_else(|| chrono::Duration::minutes(10));
        let expires = (self.now() + ttl).timestamp();
        Ok(rows
            .iter()
            .map(|row| AttachmentView {
                id: row.id,
                ticket_id: row.ticket_id,
                comment_id: row.comment_id,
                file_name: row.file_name.clone(),
                content_type: row.content_type.clone(),
                size_bytes: row.size_bytes,
                internal: row.internal,
                staged: row.staged,
                uploader_id: row.uploader_id,
                uploader_name: names.get(&row.uploader_id).cloned().unwrap_or_default(),
                created_at: utc(row.created_at),
                url: self.signed_link(row.id, Variant::File, expires),
                thumbnail_url: row
                    .thumbnail_sha256
                    .as_ref()
                    .map(|_| self.signed_link(row.id, Variant::Thumbnail, expires)),
            })
            .collect())
    }

    fn signed_link(&self, id: i64, variant: Variant, expires: i64) -> String {
        let sig = rules::link_signature(&self.auth.jwt_secret, id, variant.as_str(), expires);
        match variant {
            Variant::File => format!("/api/v1/attachments/{id}?expires={expires}&sig={sig}"),
            Variant::Thumbnail => format!("/api/v1/attachments/{id}/thumbnail?expires={expires}&sig={sig}"),
        }
    }
}

fn file_facts(row: &AttachmentRow) -> FileFacts {
    FileFacts { internal: row.internal, staged: row.staged, uploader_id: row.uploader_id }
}

/// A 413 that says which limit was hit.
pub fn too_large(hit: TooLarge) -> AppError {
    let (code, detail, params) = match hit {
        TooLarge::File { limit } => {
            ("attachment_too_large", format!("a file may be at most {limit} bytes"), vec![("limit_bytes", limit)])
        }
        TooLarge::Ticket { limit, stored } => (
            "ticket_attachments_full",
            format!("a ticket's files may take at most {limit} bytes; it holds {stored}"),
            vec![("limit_bytes", limit), ("stored_bytes", stored)],
        ),
        TooLarge::TooManyFiles { limit } => {
            ("too_many_files", format!("at most {limit} files per upload"), vec![("limit", limit as u64)])
        }
    };
    let mut error = AppError::ContentRefused { status: 413, code, params: serde_json::Map::new(), detail };
    for (key, value) in params {
        error = error.with_param(key, value);
    }
    error
}

/// A 415 naming the refused file.
pub fn refused_type(file_name: &str) -> AppError {
    AppError::ContentRefused {
        status: 415,
        code: "attachment_type_refused",
        params: serde_json::Map::new(),
        detail: format!(
            "{file_name}: this kind of file is not accepted (images, PDF, Office documents, text, zip and mp4 are)"
        ),
    }
    .with_param("file_name", file_name)
}

/// Decodes an image (bounded in size and memory) and encodes a JPEG no wider or taller than [`THUMBNAIL_SIDE`].
fn thumbnail_jpeg(path: &std::path::Path) -> Result<Vec<u8>, image::ImageError> {
    let mut reader = image::ImageReader::open(path)?.with_guessed_format()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(160 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode()?;
    let small = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).into_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    small.write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}
