//! Importing holidays and make-up days from a simple CSV or JSON file.
//!
//! CSV, one date per line, `date,kind,name[,works_like]`; a header line starting with `date`, blank lines and
//! lines starting with `#` are skipped; fields may be quoted ("…", with "" for a quote):
//!
//! ```text
//! date,kind,name
//! 2026-10-01,holiday,国庆节
//! 2026-10-10,workday,国庆调休
//! ```
//!
//! JSON: an array of `{"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}` (`name` and `works_like`
//! optional). `kind` is `holiday` or `workday` (case-insensitive); `works_like` (workdays only, default `mon`) names
//! the weekday whose hours the make-up day follows. Errors carry the 1-based line of the offending row or entry.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use super::model::{BusinessCalendar, ExtraWorkingDay, Holiday, MAX_DAY_NAME_CHARS, MAX_YEAR, MIN_YEAR};
use crate::dispatch::Weekday;
use crate::errors::FieldErrors;

/// At most this many rows per file.
pub const MAX_IMPORT_ROWS: usize = 2000;
/// Reporting stops after this many errors.
pub const MAX_IMPORT_ERRORS: usize = 50;

/// What a row says about its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// A day off.
    Holiday,
    /// A make-up working day (调休上班).
    Workday,
}

wire_names!(ImportKind, "holiday kind" {
    Holiday => "holiday",
    Workday => "workday",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Csv,
    Json,
}

wire_names!(ImportFormat, "import format" {
    Csv => "csv",
    Json => "json",
});

/// The dates read from a file, each list in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HolidayImport {
    pub holidays: Vec<Holiday>,
    pub extra_working_days: Vec<ExtraWorkingDay>,
}

/// One problem in an imported file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportError {
    /// 1-based line in the file.
    #[schema(example = 3)]
    pub line: usize,
    #[schema(example = "unknown kind \"holliday\"; use holiday or workday")]
    pub message: String,
}

/// Every problem found (up to `MAX_IMPORT_ERRORS`), in line order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl fmt::Display for ImportErrors {
    /// "line 3: …; line 7: …"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ImportErrors {}

impl ImportErrors {
    /// As a 422 body: every message ("line 3: …") under `field` (e.g. "file").
    pub fn to_field_errors(&self, field: &str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for error in &self.0 {
            errors.add(field, error.to_string());
        }
        errors
    }

    fn push(&mut self, line: usize, message: impl Into<String>) {
        if self.0.len() < MAX_IMPORT_ERRORS {
            self.0.push(ImportError { line, message: message.into() });
        }
    }
}

/// Parses by content: JSON when the text starts with `[` (after a byte-order mark and white space), else CSV.
pub fn parse_holiday_file(text: &str) -> Result<HolidayImport, ImportErrors> {
    match detect_format(text) {
        ImportFormat::Json => parse_holiday_json(text),
        ImportFormat::Csv => parse_holiday_csv(text),
    }
}

fn detect_format(text: &str) -> ImportFormat {
    if strip_bom(text).trim_start().starts_with('[') { ImportFormat::Json } else { ImportFormat::Csv }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// One row before checking, whatever the format.
struct Row<'a> {
    line: usize,
    date: &'a str,
    kind: &'a str,
    name: &'a str,
    works_like: &'a str,
}

/// Collects checked rows and errors.
#[derive(Default)]
struct Collector {
    import: HolidayImport,
    errors: ImportErrors,
    seen: BTreeMap<NaiveDate, usize>,
    rows: usize,
}

impl Collector {
    fn accept(&mut self, row: Row<'_>) {
        self.rows += 1;
        if self.rows == MAX_IMPORT_ROWS + 1 {
            self.errors.push(row.line, format!("at most {MAX_IMPORT_ROWS} rows are allowed"));
        }
        if self.rows > MAX_IMPORT_ROWS {
            return;
        }
        let line = row.line;
        let date = match parse_date(row.date.trim()) {
            Ok(date) => Some(date),
            Err(message) => {
                self.errors.push(line, message);
                None
            }
        };
        let kind_text = row.kind.trim();
        let kind = if kind_text.is_empty() {
            self.errors.push(line, "kind is required: holiday or workday");
            None
        } else {
            let kind = ImportKind::parse(&kind_text.to_ascii_lowercase());
            if kind.is_none() {
                self.errors.push(line, format!("unknown kind {kind_text:?}; use holiday or workday"));
            }
            kind
        };
        let name = row.name.trim();
        if name.chars().count() > MAX_DAY_NAME_CHARS {
            self.errors.push(line, format!("name must be at most {MAX_DAY_NAME_CHARS} characters"));
        }
        let like_text = row.works_like.trim();
        let works_like = if like_text.is_empty() {
            Some(Weekday::Mon)
        } else if kind == Some(ImportKind::Holiday) {
            self.errors.push(line, "works_like applies to workday rows only");
            None
        } else {
            let day = Weekday::parse(&like_text.to_ascii_lowercase());
            if day.is_none() {
                self.errors
                    .push(line, format!("unknown weekday {like_text:?}; use mon, tue, wed, thu, fri, sat or sun"));
            }
            day
        };
        let Some(date) = date else { return };
        if let Some(first) = self.seen.get(&date) {
            self.errors.push(line, format!("{date} is already listed on line {first}"));
            return;
        }
        self.seen.insert(date, line);
        match (kind, works_like) {
            (Some(ImportKind::Holiday), _) => self.import.holidays.push(Holiday { date, name: name.to_owned() }),
            (Some(ImportKind::Workday), Some(works_like)) => {
                self.import.extra_working_days.push(ExtraWorkingDay { date, name: name.to_owned(), works_like })
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Result<HolidayImport, ImportErrors> {
        if !self.errors.0.is_empty() {
            self.errors.0.sort_by_key(|e| e.line);
            return Err(self.errors);
        }
        if self.rows == 0 {
            self.errors.push(1, "the file lists no dates");
            return Err(self.errors);
        }
        self.import.holidays.sort_by_key(|h| h.date);
        self.import.extra_working_days.sort_by_key(|d| d.date);
        Ok(self.import)
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    if text.is_empty() {
        return Err("date is required, like 2026-10-01".to_owned());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .map_err(|_| format!("{text:?} is not a date like 2026-10-01"))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        return Err(format!("{text:?} must be in the years {MIN_YEAR}–{MAX_YEAR}"));
    }
    Ok(date)
}

/// Reads the CSV form (see the module documentation).
pub fn parse_holiday_csv(text: &str) -> Result<HolidayImport, ImportErrors> {
    let mut collector = Collector::default();
    let mut header_allowed = true;
    for (index, raw) in strip_bom(text).split('\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields = match split_csv_line(raw) {
            Ok(fields) => fields,
            Err(message) => {
                collector.errors.push(line, message);
                header_allowed = false;
                continue;
            }
        };
        if std::mem::take(&mut header_allowed) && fields[0].trim().eq_ignore_ascii_case("date") {
            continue;
        }
        if fields.len() > 4 {
            collector
                .errors
                .push(line, format!("expected date,kind,name[,works_like] but found {} fields", fields.len()));
            continue;
        }
        let field = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
        collector.accept(Row { line, date: field(0), kind: field(1), name: field(2), works_like: field(3) });
    }
    collector.finish()
}

/// Splits one CSV line on commas; a field may be quoted ("a, b" or "say ""hi""").
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("a quoted field is not closed".to_owned()),
                }
            }
            while chars.peek().is_some_and(|c| *c != ',') {
                if !chars.next().is_some_and(char::is_whitespace) {
                    return Err("unexpected text after a quoted field".to_owned());
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                field.push(c);
            }
        }
        fields.push(field);
        if chars.next().is_none() {
            return Ok(fields);
        }
    }
}

/// Reads the JSON form (see the module documentation).
pub fn parse_holiday_json(text: &str) -> Result<HolidayImport, ImportErrors> {
    let text = strip_bom(text);
    let mut collector = Collector::default();
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            collector.errors.push(error.line().max(1), format!("not valid JSON: {error}"));
            return Err(collector.errors);
        }
    };
    let Value::Array(entries) = value else {
        collector.errors.push(1, "expected a JSON array of {\"date\", \"kind\", \"name\"} objects");
        return Err(collector.errors);
    };
    let lines = element_lines(text);
    const KEYS: [&str; 4] = ["date", "kind", "name", "works_like"];
    for (i, entry) in entries.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let Value::Object(map) = entry else {
            collector.errors.push(line, format!("entry {} must be an object with date, kind and name", i + 1));
            continue;
        };
        let mut ok = true;
        for key in map.keys().filter(|k| !KEYS.contains(&k.as_str())) {
            collector.errors.push(line, format!("unknown key {key:?}; expected date, kind, name, works_like"));
            ok = false;
        }
        let mut texts = [""; 4];
        for (slot, key) in texts.iter_mut().zip(KEYS) {
            match map.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) => *slot = s.as_str(),
                Some(_) => {
                    collector.errors.push(line, format!("{key} must be a string"));
                    ok = false;
                }
            }
        }
        let [date, kind, name, works_like] = texts;
        if ok {
            collector.accept(Row { line, date, kind, name, works_like });
        }
    }
    collector.finish()
}

/// The 1-based line on which each element of the top-level JSON array starts (the text is valid JSON).
fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut depth) = (1usize, 0usize);
    let (mut in_string, mut escaped, mut expecting) = (false, false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if expecting && c != ']' {
            lines.push(line);
        }
        expecting = false;
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                expecting = depth == 1 && c == '[';
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' => expecting = depth == 1,
            _ => {}
        }
    }
    lines
}

/// Merges imported dates into a calendar: an imported date replaces whatever the calendar said about that date.
/// With `replace_years`, every holiday and make-up day of the years the import covers is dropped first (re-importing
/// a corrected year then leaves no stale dates behind).
pub fn apply_import(calendar: &mut BusinessCalendar, import: &HolidayImport, replace_years: bool) {
    let imported: BTreeSet<NaiveDate> =
        import.holidays.iter().map(|h| h.date).chain(import.extra_working_days.iter().map(|d| d.date)).collect();
    let years: BTreeSet<i32> = imported.iter().map(|d| d.year()).collect();
    let drop = |date: &NaiveDate| imported.contains(date) || (replace_years && years.contains(&date.year()));
    calendar.holidays.retain(|h| !drop(&h.date));
    calendar.extra_working_days.retain(|d| !drop(&d.date));
    calendar.holidays.extend(import.holidays.iter().cloned());
    calendar.extra_working_days.extend(import.extra_working_days.iter().cloned());
    calendar.holidays.sort_by_key(|h| h.date);
    calendar.extra_working_days.sort_by_key(|d| d.date);
}
