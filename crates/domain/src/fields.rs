//! Custom fields: per-ticket-type definitions and validation of the values clients send.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, SecondsFormat, Timelike, Utc};
use regex::Regex;
use serde_json::{Map, Value};

use crate::errors::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Number,
    Date,
    Datetime,
    Select,
    MultiSelect,
    Checkbox,
    User,
    Email,
    Phone,
    Url,
}

wire_names!(FieldKind, "field kind" {
    Text => "text",
    LongText => "long_text",
    Number => "number",
    Date => "date",
    Datetime => "datetime",
    Select => "select",
    MultiSelect => "multi_select",
    Checkbox => "checkbox",
    User => "user",
    Email => "email",
    Phone => "phone",
    Url => "url",
});

impl FieldKind {
    /// Only choice kinds carry a list of options.
    pub fn takes_options(self) -> bool {
        matches!(self, FieldKind::Select | FieldKind::MultiSelect)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldDefinition {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub customer_visible: bool,
}

pub const MAX_FIELDS: usize = 100;
pub const MAX_LABEL_CHARS: usize = 100;
pub const MAX_OPTIONS: usize = 200;
pub const MAX_OPTION_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 1000;
pub const MAX_LONG_TEXT_CHARS: usize = 20_000;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_URL_CHARS: usize = 2048;

static FIELD_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9_]{0,62}$").expect("field key pattern is valid"));
static DATE_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").expect("date pattern is valid"));

/// Checks a type's definitions on save. Error keys are "fields[i].key", "fields[i].label", "fields[i].options", "fields".
/// Rules: key matches ^[a-z][a-z0-9_]{0,62}$; keys unique; label 1..=100 chars after trim; select/multi_select need 1..=200 options, each option 1..=100 chars and unique; other kinds must have no options; at most 100 fields.
pub fn validate_definitions(defs: &[FieldDefinition]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if defs.len() > MAX_FIELDS {
        errors.add("fields", format!("at most {MAX_FIELDS} fields are allowed"));
    }

    let mut first_index_of_key: HashMap<&str, usize> = HashMap::new();
    for (i, def) in defs.iter().enumerate() {
        let key_path = format!("fields[{i}].key");
        if !FIELD_KEY.is_match(&def.key) {
            errors.add(
                &key_path,
                "must start with a lowercase letter and contain only a-z, 0-9 and _ (at most 63 characters)",
            );
        } else if let Some(first) = first_index_of_key.get(def.key.as_str()) {
            errors.add(&key_path, format!("duplicates the key of fields[{first}]"));
        } else {
            first_index_of_key.insert(&def.key, i);
        }

        let label_chars = def.label.trim().chars().count();
        if label_chars == 0 {
            errors.add(format!("fields[{i}].label"), "is required");
        } else if label_chars > MAX_LABEL_CHARS {
            errors.add(format!("fields[{i}].label"), format!("must be at most {MAX_LABEL_CHARS} characters"));
        }

        let options_path = format!("fields[{i}].options");
        if def.kind.takes_options() {
            check_options(&def.options, &options_path, &mut errors);
        } else if !def.options.is_empty() {
            errors.add(&options_path, "only select and multi_select fields take options");
        }
    }
    errors.into_result(())
}

fn check_options(options: &[String], path: &str, errors: &mut FieldErrors) {
    if options.is_empty() {
        errors.add(path, "needs at least one option");
    } else if options.len() > MAX_OPTIONS {
        errors.add(path, format!("allows at most {MAX_OPTIONS} options"));
    }
    let mut seen = HashSet::new();
    for option in options {
        if option.trim().is_empty() {
            errors.add(path, "options must not be empty");
        } else if option.chars().count() > MAX_OPTION_CHARS {
            errors.add(path, format!("option {option:?} is longer than {MAX_OPTION_CHARS} characters"));
        } else if !seen.insert(option.as_str()) {
            errors.add(path, format!("option {option:?} appears more than once"));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    Create,
    Update,
}

/// Who is writing: a customer may only write customer-visible fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Staff,
    Customer,
}

const UNKNOWN_FIELD: &str = "unknown field";
const REQUIRED: &str = "is required";

/// Validates `incoming` (the JSON object a client sent) against the definitions and merges it over `existing` (the ticket's current values, {} on create).
/// Returns the merged, normalized object. Error keys are "custom_fields.<key>".
///
/// - Unknown keys, and keys a Customer may not write, are both reported as "unknown field" so customers cannot probe for internal fields.
/// - JSON null removes the value. So does an empty value ("" after trim, or []), since forms send those when a field is cleared;
///   the merged object therefore never holds empty values. Checkbox `false` is a value.
/// - Create: every required field must end up present (for a Customer only customer-visible ones; staff fill internal ones later).
///   Update: a required field may not be cleared.
/// - Values already stored under keys that are not touched (even ones no longer defined) are kept as they are.
pub fn validate_values(
    defs: &[FieldDefinition],
    existing: &Map<String, Value>,
    incoming: &Map<String, Value>,
    mode: WriteMode,
    writer: Writer,
) -> Result<Map<String, Value>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut merged = existing.clone();

    for (key, value) in incoming {
        let path = error_path(key);
        let Some(def) = find_writable(defs, key, writer) else {
            errors.add(path, UNKNOWN_FIELD);
            continue;
        };
        if is_empty_value(value) {
            if def.required && mode == WriteMode::Update {
                errors.add(path, REQUIRED);
            }
            merged.remove(key);
            continue;
        }
        match normalize_value(def, value) {
            Ok(normalized) => {
                merged.insert(key.clone(), normalized);
            }
            Err(message) => errors.add(path, message),
        }
    }

    if mode == WriteMode::Create {
        for def in defs.iter().filter(|d| d.required && may_write(d, writer)) {
            let path = error_path(&def.key);
            // A rejected value already explains itself; "is required" on top would be noise.
            if !merged.contains_key(&def.key) && !errors.has(&path) {
                errors.add(path, REQUIRED);
            }
        }
    }

    errors.into_result(merged)
}

fn error_path(key: &str) -> String {
    format!("custom_fields.{key}")
}

fn may_write(def: &FieldDefinition, writer: Writer) -> bool {
    writer == Writer::Staff || def.customer_visible
}

fn find_writable<'a>(defs: &'a [FieldDefinition], key: &str, writer: Writer) -> Option<&'a FieldDefinition> {
    defs.iter().find(|d| d.key == key).filter(|d| may_write(d, writer))
}

/// "Empty" in the required sense: null, a blank string, or an empty list.
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Checks one non-empty value against its field kind and returns its stored form, or a message.
fn normalize_value(def: &FieldDefinition, value: &Value) -> Result<Value, String> {
    match def.kind {
        FieldKind::Text => {
            let text = expect_string(value, "must be text")?.trim();
            check_max_chars(text, MAX_TEXT_CHARS)?;
            Ok(Value::from(text))
        }
        FieldKind::LongText => {
            // Kept verbatim: leading indentation and trailing lines can be meaningful in long text.
            let text = expect_string(value, "must be text")?;
            check_max_chars(text, MAX_LONG_TEXT_CHARS)?;
            Ok(Value::from(text))
        }
        FieldKind::Number => match value {
            Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => Ok(value.clone()),
            _ => Err("must be a number".to_owned()),
        },
        FieldKind::Date => {
            const MESSAGE: &str = "must be a date like 2026-10-01";
            let text = expect_string(value, MESSAGE)?.trim();
            // The shape check keeps out forms chrono would tolerate, such as "2026-1-1" or "+2026-01-01".
            if !DATE_SHAPE.is_match(text) || NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() {
                return Err(MESSAGE.to_owned());
            }
            Ok(Value::from(text))
        }
        FieldKind::Datetime => {
            const MESSAGE: &str = "must be a date and time with offset like 2026-10-01T09:30:00+08:00";
            let text = expect_string(value, MESSAGE)?.trim();
            let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| MESSAGE.to_owned())?;
            Ok(Value::from(format_utc(parsed.with_timezone(&Utc))))
        }
        FieldKind::Select => match value {
            Value::String(choice) if def.options.contains(choice) => Ok(value.clone()),
            _ => Err(format!("must be one of: {}", def.options.join(", "))),
        },
        FieldKind::MultiSelect => normalize_multi_select(def, value),
        FieldKind::Checkbox => match value {
            Value::Bool(_) => Ok(value.clone()),
            _ => Err("must be true or false".to_owned()),
        },
        FieldKind::User => match value.as_i64() {
            Some(id) if id > 0 => Ok(Value::from(id)),
            _ => Err("must be a user id (a positive integer)".to_owned()),
        },
        FieldKind::Email => {
            const MESSAGE: &str = "must be an email address like name@example.com";
            let text = expect_string(value, MESSAGE)?.trim();
            if is_plausible_email(text) { Ok(Value::from(text)) } else { Err(MESSAGE.to_owned()) }
        }
        FieldKind::Phone => {
            const MESSAGE: &str = "must be a phone number of 3 to 32 characters using digits, spaces and + - ( )";
            let text = expect_string(value, MESSAGE)?.trim();
            if is_plausible_phone(text) { Ok(Value::from(text)) } else { Err(MESSAGE.to_owned()) }
        }
        FieldKind::Url => {
            const MESSAGE: &str = "must be an http or https URL";
            let text = expect_string(value, MESSAGE)?.trim();
            check_max_chars(text, MAX_URL_CHARS)?;
            match url::Url::parse(text) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(Value::from(text)),
                _ => Err(MESSAGE.to_owned()),
            }
        }
    }
}

fn expect_string<'a>(value: &'a Value, message: &str) -> Result<&'a str, String> {
    value.as_str().ok_or_else(|| message.to_owned())
}

fn check_max_chars(text: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max { Err(format!("must be at most {max} characters")) } else { Ok(()) }
}

/// "YYYY-MM-DDTHH:MM:SSZ", with fractional seconds only when there are any.
fn format_utc(instant: DateTime<Utc>) -> String {
    if instant.nanosecond() == 0 {
        instant.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

fn normalize_multi_select(def: &FieldDefinition, value: &Value) -> Result<Value, String> {
    let allowed = || def.options.join(", ");
    let Value::Array(items) = value else {
        return Err(format!("must be a list of options from: {}", allowed()));
    };
    let mut seen = HashSet::new();
    for item in items {
        let Some(choice) = item.as_str().filter(|c| def.options.iter().any(|o| o == c)) else {
            return Err(format!("{item} is not one of: {}", allowed()));
        };
        if !seen.insert(choice) {
            return Err(format!("lists {choice:?} more than once"));
        }
    }
    Ok(value.clone())
}

/// Deliberately loose: real validation of an address is sending mail to it.
fn is_plausible_email(text: &str) -> bool {
    if text.chars().count() > MAX_EMAIL_CHARS || text.chars().any(char::is_whitespace) {
        return false;
    }
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

fn is_plausible_phone(text: &str) -> bool {
    let length = text.chars().count();
    (3..=32).contains(&length)
        && text.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
        && text.chars().filter(char::is_ascii_digit).count() >= 3
}

/// The values a customer may see (customer_visible keys only).
pub fn customer_view(defs: &[FieldDefinition], values: &Map<String, Value>) -> Map<String, Value> {
    defs.iter()
        .filter(|def| def.customer_visible)
        .filter_map(|def| values.get(&def.key).map(|v| (def.key.clone(), v.clone())))
        .collect()
}

/// Keys whose kind is User, with their ids present in `values` (for the caller's existence check).
pub fn referenced_user_ids(defs: &[FieldDefinition], values: &Map<String, Value>) -> Vec<(String, i64)> {
    defs.iter()
        .filter(|def| def.kind == FieldKind::User)
        .filter_map(|def| {
            let id = values.get(&def.key)?.as_i64()?;
            Some((def.key.clone(), id))
        })
        .collect()
}

/// Index entries for equality filtering: for each present value a (key, string) pair: strings as-is, numbers via serde_json to_string, bools "true"/"false", multi_select one pair per element, user ids as decimal. Long_text is not indexed.
pub fn index_entries(defs: &[FieldDefinition], values: &Map<String, Value>) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    for def in defs.iter().filter(|def| def.kind != FieldKind::LongText) {
        let Some(value) = values.get(&def.key) else {
            continue;
        };
        let items = match value {
            Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        entries.extend(items.iter().filter_map(index_text).map(|text| (def.key.clone(), text)));
    }
    entries
}

fn index_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}
