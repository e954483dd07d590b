//! How values are written into event values and payloads (JSON, decimal text for ids) and the small input
//! normalisations every use case shares. Typed JSON columns are encoded by the rows themselves
//! (`loopdesk_persistence::Json`).

use serde::{Deserialize, Deserializer, Serialize};

pub(crate) use loopdesk_persistence::JsonMap;

/// A value as JSON text (an event's old or new value, a queued payload).
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
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
