//! The single-page app's files, as the web app's build leaves them in the static folder.
//!
//! The build writes `name.br` (brotli) and `name.gz` (gzip) beside every text file, so
//! nothing is compressed per request: a file is answered with the variant the client
//! accepts (brotli first, then gzip, else the file itself), with `Content-Encoding`, the
//! original file's `Content-Type` and `Vary: Accept-Encoding`. Files under `assets/` carry
//! a content hash in their names and are cached for a year (`immutable`); everything else,
//! `index.html` above all, is revalidated on every use (`no-cache`, with its ETag).
//! Paths that name no file get `index.html`, so client-side routes survive a reload,
//! except under `assets/`: a missing hashed file is a 404, never a page of HTML.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, Header, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

/// `Cache-Control` of the hashed files under `assets/`.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else (`index.html`, files at the top of the folder).
pub const REVALIDATE: &str = "no-cache";

/// The precompressed variants, in the server's order of preference, with their suffixes.
const VARIANTS: [(ContentEncoding, &str); 2] = [(ContentEncoding::Brotli, "br"), (ContentEncoding::Gzip, "gz")];

/// Answers a GET or HEAD for `req.path()` from `dir`: the file, or `index.html` for paths
/// that name no file. `None` when neither exists (the caller answers 404).
pub fn serve(req: &HttpRequest, dir: &Path) -> Option<HttpResponse> {
    let relative = req.path().trim_start_matches('/');
    let is_asset = relative.starts_with("assets/");
    if let Some(file) = file_in(dir, relative) {
        return respond(req, &file, if is_asset { IMMUTABLE } else { REVALIDATE });
    }
    if is_asset {
        return None;
    }
    respond(req, &dir.join("index.html"), REVALIDATE)
}

/// The file `relative` names inside `dir`, if it is one. Never leaves `dir`: any empty,
/// hidden or parent component (`..`, `.env`) and any backslash is refused.
fn file_in(dir: &Path, relative: &str) -> Option<PathBuf> {
    if relative.is_empty() {
        return None;
    }
    let safe = relative.split('/').all(|part| !part.is_empty() && !part.starts_with('.') && !part.contains('\\'));
    let candidate = dir.join(relative);
    (safe && candidate.is_file()).then_some(candidate)
}

/// One file, in the encoding the client accepts best among those on disk.
fn respond(req: &HttpRequest, path: &Path, cache: &'static str) -> Option<HttpResponse> {
    let original = NamedFile::open(path).ok()?;
    let variants: Vec<(ContentEncoding, PathBuf)> = VARIANTS
        .iter()
        .map(|(encoding, suffix)| (*encoding, with_suffix(path, suffix)))
        .filter(|(_, variant)| variant.is_file())
        .collect();

    // A range is a range of the file itself: ranges of a compressed body are not served.
    let chosen = if req.headers().contains_key(header::RANGE) { None } else { choose(req, &variants) };
    let file = match chosen.and_then(|(encoding, variant)| Some((encoding, NamedFile::open(variant).ok()?))) {
        Some((encoding, compressed)) => {
            compressed.set_content_type(original.content_type().clone()).set_content_encoding(encoding)
        }
        None => original,
    };

    let mut response = file.disable_content_disposition().into_response(req);
    let headers = response.headers_mut();
    if !variants.is_empty() {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(response)
}

/// The variant the request's `Accept-Encoding` prefers (q-values first, then brotli over
/// gzip); `None` means the file itself.
fn choose<'a>(req: &HttpRequest, variants: &'a [(ContentEncoding, PathBuf)]) -> Option<(ContentEncoding, &'a Path)> {
    if variants.is_empty() {
        return None;
    }
    let accepted = AcceptEncoding::parse(req).ok()?;
    let mut supported: Vec<Encoding> = variants.iter().map(|(encoding, _)| Encoding::Known(*encoding)).collect();
    supported.push(Encoding::identity());
    match accepted.negotiate(supported.iter())? {
        Encoding::Known(encoding) => variants.iter().find(|(e, _)| *e == encoding).map(|(e, p)| (*e, p.as_path())),
        Encoding::Unknown(_) => None,
    }
}

/// `app.js` → `app.js.br`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}
