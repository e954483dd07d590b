//! What text Loopdesk accepts from outside: no control characters (NUL breaks PostgreSQL and hides text from
//! people), no invisible direction overrides (they make `invoice.exe` read as `exe.eciovni`). Tabs and line
//! breaks are text.

/// The first character of `text` that no input may contain, if any: C0 controls except tab, line feed and
/// carriage return; DEL; C1 controls; the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069).
pub fn forbidden_character(text: &str) -> Option<char> {
    text.chars().find(|c| is_forbidden(*c))
}

fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The problem with `text` as a field message ("must not contain control characters (U+0000)"), if any.
pub fn text_problem(text: &str) -> Option<String> {
    forbidden_character(text).map(|c| {
        let what = if c.is_control() { "control characters" } else { "invisible direction controls" };
        format!("must not contain {what} (U+{:04X})", u32::from(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_line_breaks_tabs_and_chinese_is_fine() {
        assert_eq!(forbidden_character("3 号楼空调不制冷\n\t第二行\r\n"), None);
        assert_eq!(forbidden_character("مرحبا English 中文 😀"), None);
        assert_eq!(text_problem(""), None);
    }

    #[test]
    fn controls_and_direction_overrides_are_refused() {
        for bad in ["a\u{0}b", "\u{1}", "x\u{b}", "\u{1b}[31m", "del\u{7f}", "c1\u{85}", "\u{9f}"] {
            assert!(forbidden_character(bad).is_some(), "{bad:?}");
        }
        for bad in ["invoice\u{202e}exe.pdf", "\u{202a}", "\u{2066}x\u{2069}"] {
            assert!(forbidden_character(bad).is_some(), "{bad:?}");
        }
        assert_eq!(text_problem("a\u{0}").as_deref(), Some("must not contain control characters (U+0000)"));
        assert_eq!(text_problem("\u{202e}").as_deref(), Some("must not contain invisible direction controls (U+202E)"));
    }
}
