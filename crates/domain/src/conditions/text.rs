//! Text normalisation for matching keywords, tags, skills and regions.
//!
//! Chinese text has no word boundaries, so matching is by substring on normalised text, never by words.
//! Normalising: Unicode lowercase; full-width ASCII forms (Ａ，１) to their half-width letters; the ideographic
//! space and every other whitespace run to one ASCII space; leading and trailing whitespace dropped.

use std::char::ToLowercase;
use std::str::Chars;

/// CJK punctuation, kana and ideographs: no case and no whitespace, so they pass through without table lookups.
const CJK_FAST_PATH: std::ops::RangeInclusive<char> = '\u{3001}'..='\u{9FFF}';

/// Iterator over the normalised characters of a string, without allocating.
#[derive(Debug, Clone)]
pub(crate) struct Normalized<'a> {
    chars: Chars<'a>,
    lower: Option<ToLowercase>,
    pending_space: bool,
    started: bool,
}

impl<'a> Normalized<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self { chars: text.chars(), lower: None, pending_space: false, started: false }
    }
}

impl Iterator for Normalized<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(lower) = &mut self.lower {
            if let Some(c) = lower.next() {
                return Some(c);
            }
            self.lower = None;
        }
        loop {
            // At the end any pending space is trailing whitespace: dropped.
            let c = fold_width(self.chars.next()?);
            let cjk = CJK_FAST_PATH.contains(&c);
            if !cjk && c.is_whitespace() {
                self.pending_space = self.started;
                continue;
            }
            self.started = true;
            if self.pending_space {
                self.pending_space = false;
                self.lower = Some(c.to_lowercase());
                return Some(' ');
            }
            if cjk || c.is_ascii() {
                return Some(c.to_ascii_lowercase());
            }
            let mut lower = c.to_lowercase();
            let first = lower.next();
            self.lower = Some(lower);
            return first;
        }
    }
}

/// Full-width ASCII variants (U+FF01..U+FF5E) to ASCII, the ideographic space to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        other => other,
    }
}

/// The normalised form of `text` (see the module documentation).
pub fn normalize_text(text: &str) -> String {
    Normalized::new(text).collect()
}

/// Appends the normalised form of `text` to `out` (lets callers reuse one buffer).
pub(crate) fn normalize_into(text: &str, out: &mut String) {
    out.extend(Normalized::new(text));
}

/// Equality of the normalised forms, without allocating: "VIP" equals " vip ", "ＶＩＰ" equals "vip".
pub fn eq_normalized(a: &str, b: &str) -> bool {
    a == b || Normalized::new(a).eq(Normalized::new(b))
}

/// Whether the normalised form is empty (the text is blank).
pub(crate) fn is_blank(text: &str) -> bool {
    Normalized::new(text).next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cjk_fast_path_has_no_case_and_no_whitespace() {
        for c in CJK_FAST_PATH {
            assert!(!c.is_whitespace(), "{c:?}");
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }
}
