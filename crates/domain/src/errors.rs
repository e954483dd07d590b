//! Validation errors reported back to API clients field by field.

use std::collections::BTreeMap;
use std::fmt;

/// Per-field validation messages, keyed by the field path as the API client sent it (e.g. "subject", "custom_fields.serial_no").
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when at least one message is recorded for `field`.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Messages recorded for `field` (empty when none).
    pub fn get(&self, field: &str) -> &[String] {
        self.0.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn merge(&mut self, other: FieldErrors) {
        for (field, messages) in other.0 {
            self.0.entry(field).or_default().extend(messages);
        }
    }

    /// `Ok(ok)` when no errors were recorded, otherwise `Err(self)`.
    pub fn into_result<T>(self, ok: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(ok) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    /// "subject: is required; tags: at most 20 tags are allowed"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no validation errors");
        }
        let mut first = true;
        for (field, messages) in &self.0 {
            for message in messages {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field}: {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_merges_and_renders() {
        let mut errors = FieldErrors::new();
        assert!(errors.is_empty());
        assert_eq!(errors.clone().into_result(7), Ok(7));

        errors.add("subject", "is required");
        let mut other = FieldErrors::new();
        other.add("subject", "is too long");
        other.add("tags", "at most 20 tags are allowed");
        errors.merge(other);

        assert_eq!(errors.get("subject"), ["is required", "is too long"]);
        assert!(errors.has("tags"));
        assert_eq!(errors.to_string(), "subject: is required; subject: is too long; tags: at most 20 tags are allowed");
        assert_eq!(
            serde_json::to_value(&errors).unwrap(),
            serde_json::json!({"subject": ["is required", "is too long"], "tags": ["at most 20 tags are allowed"]})
        );
        assert_eq!(errors.clone().into_result(()), Err(errors));
    }
}
