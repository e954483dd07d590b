//! How values are kept in text columns (JSON for lists and maps, decimal text for ids in event values) and the
//! small input normalisations every use case shares. One place, so a column is read and written the same way
//! everywhere.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

pub(crate) type JsonMap = serde_json::Map<String, serde_json::Value>;

/// A value as stored in a JSON text column.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// A JSON text column read back; an unreadable value reads as the type's default (empty list, empty map).
pub(crate) fn from_json<T: DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

/// A JSON object column (custom field values).
pub(crate) fn parse_json_map(text: &str) -> JsonMap {
    from_json(text)
}

/// A JSON list-of-strings column (tags).
pub(crate) fn parse_tags(text: &str) -> Vec<String> {
    from_json(text)
}

/// An id as an event's old or new value.
pub(crate) fn id_text(id: Option<i64>) -> Option<String> {
    id.map(|v| v.to_string())
}

/// An optional free-text note: trimmed, blank is none.
pub(crate) fn trimmed_note(note: &Option<String>) -> Option<String> {
    note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string)
}

/// Lets PATCH bodies tell an absent field (None) from an explicit null (Some(None)).
/// Use with `#[serde(default, deserialize_with = "crate::kernel::double_option")]`.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
