//! Files on tickets: which kinds are accepted (decided from the content, never from the name or the client's
//! `Content-Type`), how names are cleaned, the size limits, and who may see a file.

use crate::policy::{self, Actor, Denied, TicketAccessFacts};

/// How many leading bytes [`sniff`] needs to recognise every accepted kind (Office documents are zip files whose
/// first entries name the application).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// the `Content-Type` it is served with
    pub content_type: &'static str,
    /// images get a thumbnail
    pub image: bool,
}

/// The accepted kinds: images, PDF, Office documents (current and legacy), zip, mp4 / QuickTime video and plain
/// text. Anything else (scripts, executables, SVG, HTML) is refused.
const ACCEPTED: &[(&str, bool)] = &[
    ("image/png", true),
    ("image/jpeg", true),
    ("image/gif", true),
    ("image/webp", true),
    ("image/heif", false),
    ("application/pdf", false),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", false),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", false),
    ("application/msword", false),
    ("application/vnd.ms-excel", false),
    ("application/vnd.ms-powerpoint", false),
    ("application/zip", false),
    ("video/mp4", false),
    ("video/quicktime", false),
];

pub const TEXT_PLAIN: FileKind = FileKind { content_type: "text/plain; charset=utf-8", image: false };

/// Decides the kind of a file from its first bytes (up to [`SNIFF_BYTES`]; `complete` says whether that is the
/// whole file). None: not an accepted kind.
pub fn sniff(head: &[u8], complete: bool) -> Option<FileKind> {
    if head.is_empty() {
        return None;
    }
    if let Some(found) = infer::get(head) {
        let mime = match found.mime_type() {
            "image/heic" => "image/heif",
            other => other,
        };
        return ACCEPTED
            .iter()
            .find(|(accepted, _)| *accepted == mime)
            .map(|&(content_type, image)| FileKind { content_type, image });
    }
    is_plain_text(head, complete).then_some(TEXT_PLAIN)
}

/// UTF-8 text without control characters other than tab, line breaks and form feed. When the head is cut off, a
/// character split at the cut is not held against it.
fn is_plain_text(head: &[u8], complete: bool) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if !complete && e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            // the cut split the last character: the part before it is all there is to judge
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

/// The longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 180;

/// A file name safe to store and to put in a `Content-Disposition`: the last path segment only, without control
/// or direction-override characters, without leading dots, at most [`MAX_NAME_CHARS`] characters (keeping the
/// extension); "file" when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && crate::input::forbidden_character(&c.to_string()).is_none())
        .map(|c| if matches!(c, '"' | ':' | '*' | '?' | '<' | '>' | '|') { '_' } else { c })
        .collect();
    let trimmed = kept.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return "file".into();
    }
    if trimmed.chars().count() <= MAX_NAME_CHARS {
        return trimmed.to_string();
    }
    let (stem, extension) = match trimmed.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, Some(ext)),
        _ => (trimmed, None),
    };
    let room = MAX_NAME_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match extension {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem,
    }
}

/// The size limits (settings of the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_ticket_bytes: u64,
    pub max_files_per_upload: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_bytes: 25 * 1024 * 1024, max_ticket_bytes: 250 * 1024 * 1024, max_files_per_upload: 10 }
    }
}

/// Why an upload is refused for its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    File { limit: u64 },
    Ticket { limit: u64, stored: u64 },
    TooManyFiles { limit: usize },
}

impl Limits {
    /// Whether files of these sizes may be added to a ticket that already holds `stored` bytes.
    pub fn check(&self, stored: u64, sizes: &[u64]) -> Result<(), TooLarge> {
        if sizes.len() > self.max_files_per_upload {
            return Err(TooLarge::TooManyFiles { limit: self.max_files_per_upload });
        }
        if sizes.iter().any(|&size| size > self.max_file_bytes) {
            return Err(TooLarge::File { limit: self.max_file_bytes });
        }
        let adding: u64 = sizes.iter().sum();
        if stored.saturating_add(adding) > self.max_ticket_bytes {
            return Err(TooLarge::Ticket { limit: self.max_ticket_bytes, stored });
        }
        Ok(())
    }
}

/// What decides who sees a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFacts {
    /// on an internal note, or uploaded as internal
    pub internal: bool,
    /// uploaded for a reply not sent yet
    pub staged: bool,
    pub uploader_id: i64,
}

/// A file is seen exactly like the comment it belongs to: whoever sees the ticket sees its public files; internal
/// files only staff who see internal notes; a staged file only its uploader.
pub fn may_see(actor: &Actor, ticket: &TicketAccessFacts, file: &FileFacts) -> bool {
    policy::can_view(actor, ticket)
        && (!file.internal || policy::sees_internal(actor))
        && (!file.staged || file.uploader_id == actor.user_id)
}

/// Uploading is writing: the rights of a reply (public) or an internal note.
pub fn may_upload(actor: &Actor, ticket: &TicketAccessFacts, internal: bool) -> Result<(), Denied> {
    policy::may_comment(actor, ticket, internal)
}

/// The signature of a download link that needs no `Authorization` header (for `<img>`, `<video>` and plain
/// links): HMAC-SHA256 over the file, the variant (`file` or `thumbnail`) and the expiry (Unix seconds), hex.
pub fn link_signature(secret: &[u8], attachment_id: i64, variant: &str, expires: i64) -> String {
    let message = format!("loopdesk-attachment\n{attachment_id}\n{variant}\n{expires}");
    hex::encode(&crate::notify::hmac_sha256(secret, message.as_bytes())[..16])
}

/// Whether a link's signature is right and it has not expired at `now` (Unix seconds). Compares in constant time.
pub fn link_is_valid(
    secret: &[u8],
    attachment_id: i64,
    variant: &str,
    expires: i64,
    signature: &str,
    now: i64,
) -> bool {
    let expected = link_signature(secret, attachment_id, variant, expires);
    let same = expected.len() == signature.len()
        && expected.bytes().zip(signature.bytes()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0;
    same && now <= expires
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(sniff(PNG, false).map(|k| k.content_type), Some("image/png"));
        assert!(sniff(PNG, false).unwrap().image);
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", false).map(|k| k.content_type), Some("application/pdf"));
        assert_eq!(sniff("设备编号 A-17 无法开机\n".as_bytes(), true), Some(TEXT_PLAIN));
    }

    #[test]
    fn executables_scripts_and_markup_pretending_to_be_text_are_refused() {
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", false), None); // a Windows program
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", false), None);
        assert_eq!(sniff(b"", true), None);
        assert_eq!(sniff(b"binary\x00data", true), None);
        // SVG and HTML are text to the eye but scripts to a browser: infer knows them and they are not accepted
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", true), None);
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let text = "温度传感器".as_bytes();
        assert_eq!(sniff(&text[..text.len() - 1], false), Some(TEXT_PLAIN));
        assert_eq!(sniff(&text[..text.len() - 1], true), None, "a whole file may not end inside a character");
    }

    #[test]
    fn names_lose_paths_controls_and_leading_dots() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\王\\照片 1.jpg"), "照片 1.jpg");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        assert_eq!(clean_file_name("inv\u{202e}gpj.exe"), "invgpj.exe");
        assert_eq!(clean_file_name("a\"b\r\n.txt"), "a_b.txt");
        assert_eq!(clean_file_name("  /  "), "file");
        let long = format!("{}.pdf", "长".repeat(300));
        let cleaned = clean_file_name(&long);
        assert_eq!(cleaned.chars().count(), MAX_NAME_CHARS);
        assert!(cleaned.ends_with(".pdf"));
    }

    #[test]
    fn limits_say_which_one_was_hit() {
        let limits = Limits { max_file_bytes: 10, max_ticket_bytes: 25, max_files_per_upload: 2 };
        assert_eq!(limits.check(0, &[10, 10]), Ok(()));
        assert_eq!(limits.check(0, &[11]), Err(TooLarge::File { limit: 10 }));
        assert_eq!(limits.check(10, &[10, 6]), Err(TooLarge::Ticket { limit: 25, stored: 10 }));
        assert_eq!(limits.check(0, &[1, 1, 1]), Err(TooLarge::TooManyFiles { limit: 2 }));
    }

    #[test]
    fn links_are_bound_to_the_file_the_variant_and_the_time() {
        let secret = b"secret";
        let sig = link_signature(secret, 5, "file", 1_000);
        assert!(link_is_valid(secret, 5, "file", 1_000, &sig, 999));
        assert!(!link_is_valid(secret, 5, "file", 1_000, &sig, 1_001), "expired");
        assert!(!link_is_valid(secret, 6, "file", 1_000, &sig, 999), "another file");
        assert!(!link_is_valid(secret, 5, "thumbnail", 1_000, &sig, 999));
        assert!(!link_is_valid(secret, 5, "file", 2_000, &sig, 999), "a later expiry is not signed");
        assert!(!link_is_valid(b"other", 5, "file", 1_000, &sig, 999));
    }

    #[test]
    fn files_are_seen_like_their_comment() {
        use crate::policy::{Permission, UserKind};
        let ticket = TicketAccessFacts { requester_id: 7, organization_id: None, group_id: None, assignee_id: Some(3) };
        let actor = |user_id, kind, role| Actor {
            user_id,
            kind,
            permissions: crate::policy::default_permissions(role).unwrap().into_iter().collect(),
            group_ids: vec![],
            organization_id: None,
            organization_shares_tickets: false,
            api_key_id: None,
        };
        let customer = actor(7, UserKind::Customer, "customer");
        let agent = actor(3, UserKind::Staff, "agent");
        let public = FileFacts { internal: false, staged: false, uploader_id: 3 };
        let internal = FileFacts { internal: true, ..public };
        let staged = FileFacts { staged: true, ..public };
        assert!(may_see(&customer, &ticket, &public));
        assert!(!may_see(&customer, &ticket, &internal), "an internal note's file never reaches a customer");
        assert!(!may_see(&customer, &ticket, &staged));
        assert!(agent.has(Permission::CommentsInternal));
        assert!(may_see(&agent, &ticket, &internal));
        assert!(may_see(&agent, &ticket, &staged), "the uploader sees their staged file");
        assert!(may_upload(&customer, &ticket, true).is_err());
        assert!(may_upload(&customer, &ticket, false).is_ok());
    }
}
