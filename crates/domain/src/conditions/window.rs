//! Time-of-day / weekday windows ("after hours", "weekend duty").

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

wire_names!(Weekday, "weekday" {
    Mon => "mon",
    Tue => "tue",
    Wed => "wed",
    Thu => "thu",
    Fri => "fri",
    Sat => "sat",
    Sun => "sun",
});

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }
}

impl Weekday {
    /// The day before (Mon → Sun).
    pub fn pred(self) -> Self {
        Weekday::ALL[(self as usize + 6) % 7]
    }
}

/// Minutes in a day; `to` may be "24:00" (the end of the day).
pub const MINUTES_PER_DAY: u32 = 24 * 60;
/// UTC offsets from −12:00 to +14:00.
pub const MIN_UTC_OFFSET_MINUTES: i32 = -12 * 60;
pub const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;

/// A weekly window in local time, e.g. weekdays 18:00–08:30 at UTC+8.
///
/// - `from` and `to` are "HH:MM" local time; `to` may be "24:00". The window is `from` ≤ t < `to`.
/// - `from` > `to` crosses midnight: Fri 22:00–06:00 covers Friday 22:00 to Saturday 06:00. The weekday
///   is the day the window **starts**, so Saturday 03:00 is inside when Friday is listed.
/// - `from` = `to` means the whole day.
/// - Local time is UTC + `utc_offset_minutes` (China: 480). Fixed offsets only: no IANA zones (no DST in China).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TimeWindow {
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub weekdays: Vec<Weekday>,
    #[schema(example = "18:00")]
    pub from: String,
    #[schema(example = "08:30")]
    pub to: String,
    #[serde(default)]
    #[schema(example = 480)]
    pub utc_offset_minutes: i32,
}

impl TimeWindow {
    /// Whether the instant falls in the window. A window with unparsable times or an offset out of range contains
    /// nothing (validation reports those on save).
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let (Some(from), Some(to)) = (parse_time_of_day(&self.from), parse_time_of_day(&self.to)) else {
            return false;
        };
        if from >= MINUTES_PER_DAY
            || !(MIN_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES).contains(&self.utc_offset_minutes)
        {
            return false;
        }
        let Some(local) = at.naive_utc().checked_add_signed(Duration::minutes(i64::from(self.utc_offset_minutes)))
        else {
            return false;
        };
        let day = Weekday::from(local.weekday());
        let minute = local.hour() * 60 + local.minute();
        let listed = |d: Weekday| self.weekdays.contains(&d);
        if from == to {
            listed(day)
        } else if from < to {
            listed(day) && (from..to).contains(&minute)
        } else {
            (listed(day) && minute >= from) || (listed(day.pred()) && minute < to)
        }
    }
}

/// "HH:MM" (two digits each, 00:00–23:59, or 24:00) → minutes after midnight.
pub fn parse_time_of_day(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let digits = |i: usize| -> Option<u32> {
        let (a, b) = (bytes[i], bytes[i + 1]);
        (a.is_ascii_digit() && b.is_ascii_digit()).then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    };
    let (hours, minutes) = (digits(0)?, digits(3)?);
    match (hours, minutes) {
        (24, 0) => Some(MINUTES_PER_DAY),
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        _ => None,
    }
}
