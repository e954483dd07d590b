//! The two languages people read Loopdesk in. Text a person reads is rendered from stable codes and parameters in
//! their language: the web app by its own catalogs, the server (history, e-mail, robots) by the functions that take
//! a `Locale`.

/// A reader's language: a user's setting for what the server sends them, and `Accept-Language` for history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub enum Locale {
    /// 简体中文 (the default: most of our users read Chinese)
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

wire_names!(Locale, "language" {
    ZhCn => "zh-CN",
    En => "en",
});

impl Locale {
    /// From a language tag ("zh-CN", "zh", "en-US"); anything not Chinese is English.
    pub fn from_tag(tag: &str) -> Self {
        let tag = tag.trim();
        if tag.get(..2).is_some_and(|lang| lang.eq_ignore_ascii_case("zh")) { Locale::ZhCn } else { Locale::En }
    }
}
