//! The business calendar as plain data: what the admin edits, what is stored as JSON, what `compile` reads.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use crate::dispatch::{MINUTES_PER_DAY, Weekday, parse_time_of_day};
use crate::errors::FieldErrors;

/// At most this many spans per weekday.
pub const MAX_SPANS_PER_DAY: usize = 12;
/// At most this many holidays, and this many make-up days, per calendar (a few decades of public holidays).
pub const MAX_CALENDAR_DATES: usize = 2000;
/// Holiday and make-up day names ("国庆节") are at most this long.
pub const MAX_DAY_NAME_CHARS: usize = 100;
/// Holidays and make-up days must lie in these years (catches "0226-10-01" typos).
pub const MIN_YEAR: i32 = 1970;
pub const MAX_YEAR: i32 = 2199;

/// Working hours, holidays and make-up days in one time zone. JSON:
///
/// ```json
/// {"time_zone": "Asia/Shanghai",
///  "week": {"mon": [{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}], "sat": []},
///  "holidays": [{"date": "2026-10-01", "name": "国庆节"}],
///  "extra_working_days": [{"date": "2026-10-10", "name": "国庆调休", "works_like": "mon"}]}
/// ```
///
/// See the module documentation for how make-up days and daylight saving time are handled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BusinessCalendar {
    /// An IANA time zone name.
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    pub week: WeekHours,
    /// Dates without working time (whatever their weekday).
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Make-up working days (调休): dates that work like `works_like`'s weekday.
    #[serde(default)]
    pub extra_working_days: Vec<ExtraWorkingDay>,
}

/// Working spans per weekday, in local time. A weekday that is absent or empty has no working time.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WeekHours {
    #[serde(default)]
    pub mon: Vec<WorkSpan>,
    #[serde(default)]
    pub tue: Vec<WorkSpan>,
    #[serde(default)]
    pub wed: Vec<WorkSpan>,
    #[serde(default)]
    pub thu: Vec<WorkSpan>,
    #[serde(default)]
    pub fri: Vec<WorkSpan>,
    #[serde(default)]
    pub sat: Vec<WorkSpan>,
    #[serde(default)]
    pub sun: Vec<WorkSpan>,
}

/// A span of local time, `from` ≤ t < `to`, "HH:MM" each; `to` may be "24:00" (the end of the day). Spans of a day
/// must be in order and must not overlap (they may touch).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WorkSpan {
    #[schema(example = "09:00")]
    pub from: String,
    #[schema(example = "12:00")]
    pub to: String,
}

/// A date without working time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Holiday {
    #[schema(value_type = String, format = Date, example = "2026-10-01")]
    pub date: NaiveDate,
    #[serde(default)]
    #[schema(example = "国庆节")]
    pub name: String,
}

/// A make-up working day (调休上班): on `date` the spans of `works_like` apply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ExtraWorkingDay {
    #[schema(value_type = String, format = Date, example = "2026-10-10")]
    pub date: NaiveDate,
    #[serde(default)]
    #[schema(example = "国庆调休")]
    pub name: String,
    /// The weekday whose working hours this date follows.
    #[serde(default = "monday")]
    pub works_like: Weekday,
}

fn monday() -> Weekday {
    Weekday::Mon
}

impl WorkSpan {
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self { from: from.into(), to: to.into() }
    }

    /// (from, to) in minutes after midnight, when both parse and `from` < `to`.
    pub fn minutes(&self) -> Option<(u32, u32)> {
        let from = parse_time_of_day(&self.from)?;
        let to = parse_time_of_day(&self.to)?;
        (from < to).then_some((from, to))
    }
}

impl WeekHours {
    /// The same spans Monday to Friday, nothing at the weekend.
    pub fn weekdays(spans: &[WorkSpan]) -> Self {
        Self {
            mon: spans.to_vec(),
            tue: spans.to_vec(),
            wed: spans.to_vec(),
            thu: spans.to_vec(),
            fri: spans.to_vec(),
            sat: Vec::new(),
            sun: Vec::new(),
        }
    }

    /// The same spans every day.
    pub fn every_day(spans: &[WorkSpan]) -> Self {
        Self { sat: spans.to_vec(), sun: spans.to_vec(), ..Self::weekdays(spans) }
    }

    pub fn spans(&self, day: Weekday) -> &[WorkSpan] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    pub fn spans_mut(&mut self, day: Weekday) -> &mut Vec<WorkSpan> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }
}

impl BusinessCalendar {
    /// A calendar without holidays or make-up days.
    pub fn new(time_zone: impl Into<String>, week: WeekHours) -> Self {
        Self { time_zone: time_zone.into(), week, holidays: Vec::new(), extra_working_days: Vec::new() }
    }

    /// Every day 00:00–24:00 in the zone: every instant is working time (until holidays are added).
    pub fn twenty_four_seven(time_zone: impl Into<String>) -> Self {
        Self::new(time_zone, WeekHours::every_day(&[WorkSpan::new("00:00", "24:00")]))
    }

    /// The spans that apply on a local date: none on a holiday, `works_like`'s on a make-up day, else the weekday's.
    pub fn spans_on(&self, date: NaiveDate) -> &[WorkSpan] {
        if self.holidays.iter().any(|h| h.date == date) {
            return &[];
        }
        match self.extra_working_days.iter().find(|d| d.date == date) {
            Some(day) => self.week.spans(day.works_like),
            None => self.week.spans(Weekday::from(date.weekday())),
        }
    }

    /// Adds a holiday (replacing a make-up day on the same date), keeping the list in date order.
    pub fn add_holiday(&mut self, date: NaiveDate, name: impl Into<String>) {
        self.extra_working_days.retain(|d| d.date != date);
        self.holidays.retain(|h| h.date != date);
        self.holidays.push(Holiday { date, name: name.into() });
        self.holidays.sort_by_key(|h| h.date);
    }

    /// Adds a make-up working day (replacing a holiday on the same date), keeping the list in date order.
    pub fn add_extra_working_day(&mut self, date: NaiveDate, name: impl Into<String>, works_like: Weekday) {
        self.holidays.retain(|h| h.date != date);
        self.extra_working_days.retain(|d| d.date != date);
        self.extra_working_days.push(ExtraWorkingDay { date, name: name.into(), works_like });
        self.extra_working_days.sort_by_key(|d| d.date);
    }
}

/// An IANA zone name ("Asia/Shanghai", "Europe/Berlin", "UTC"), exactly as the tz database spells it.
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// Checks a calendar on save. Errors are keyed by a path into the calendar as sent: `time_zone`, `week`,
/// `week.mon`, `week.mon[1]`, `week.mon[1].from`, `week.sat[0].to`, `holidays`, `holidays[3].date`,
/// `holidays[3].name`, `extra_working_days[0].date`, `extra_working_days[0].works_like` …
pub fn validate_calendar(calendar: &BusinessCalendar) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();

    let zone = calendar.time_zone.trim();
    if zone.is_empty() {
        errors.add("time_zone", "is required");
    } else if parse_time_zone(zone).is_none() || zone != calendar.time_zone {
        errors.add(
            "time_zone",
            format!("unknown time zone {:?}; use an IANA name like Asia/Shanghai", calendar.time_zone),
        );
    }

    let mut any_hours = false;
    for day in Weekday::ALL {
        let spans = calendar.week.spans(day);
        any_hours |= !spans.is_empty();
        check_spans(&format!("week.{day}"), spans, &mut errors);
    }
    if !any_hours {
        errors.add("week", "needs working hours on at least one weekday");
    }

    let mut seen: BTreeMap<NaiveDate, String> = BTreeMap::new();
    if calendar.holidays.len() > MAX_CALENDAR_DATES {
        errors.add("holidays", format!("at most {MAX_CALENDAR_DATES} holidays are allowed"));
    }
    for (i, holiday) in calendar.holidays.iter().enumerate() {
        let path = format!("holidays[{i}]");
        check_date(&path, holiday.date, &mut seen, &mut errors);
        check_name(&path, &holiday.name, &mut errors);
    }

    if calendar.extra_working_days.len() > MAX_CALENDAR_DATES {
        errors.add("extra_working_days", format!("at most {MAX_CALENDAR_DATES} make-up days are allowed"));
    }
    for (i, day) in calendar.extra_working_days.iter().enumerate() {
        let path = format!("extra_working_days[{i}]");
        check_date(&path, day.date, &mut seen, &mut errors);
        check_name(&path, &day.name, &mut errors);
        if any_hours && calendar.week.spans(day.works_like).is_empty() {
            errors.add(
                format!("{path}.works_like"),
                format!("{} has no working hours; pick a weekday that has some", day.works_like),
            );
        }
    }

    errors.into_result(())
}

fn check_spans(path: &str, spans: &[WorkSpan], errors: &mut FieldErrors) {
    if spans.len() > MAX_SPANS_PER_DAY {
        errors.add(path, format!("at most {MAX_SPANS_PER_DAY} spans per day are allowed"));
        return;
    }
    let mut previous_end: Option<(u32, &str)> = None;
    for (i, span) in spans.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let from = parse_time_of_day(&span.from).filter(|m| *m < MINUTES_PER_DAY);
        let to = parse_time_of_day(&span.to);
        if from.is_none() {
            errors.add(format!("{at}.from"), "must be a time of day like 09:00");
        }
        if to.is_none() {
            errors.add(format!("{at}.to"), "must be a time of day like 18:00 (24:00 for the end of the day)");
        }
        let (Some(from), Some(to)) = (from, to) else {
            previous_end = None;
            continue;
        };
        if from >= to {
            errors.add(&at, format!("must end after it starts ({}–{})", span.from, span.to));
        } else if let Some((end, end_text)) = previous_end
            && from < end
        {
            errors.add(
                &at,
                format!("must start at or after the end of the previous span ({end_text}); list spans in order"),
            );
        }
        if from < to {
            previous_end = Some((to, span.to.as_str()));
        }
    }
}

fn check_date(path: &str, date: NaiveDate, seen: &mut BTreeMap<NaiveDate, String>, errors: &mut FieldErrors) {
    let at = format!("{path}.date");
    if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        errors.add(&at, format!("must be in the years {MIN_YEAR}–{MAX_YEAR}"));
    }
    match seen.get(&date) {
        Some(first) => errors.add(&at, format!("{date} is already listed at {first}")),
        None => {
            seen.insert(date, path.to_owned());
        }
    }
}

fn check_name(path: &str, name: &str, errors: &mut FieldErrors) {
    if name.trim().chars().count() > MAX_DAY_NAME_CHARS {
        errors.add(format!("{path}.name"), format!("must be at most {MAX_DAY_NAME_CHARS} characters"));
    }
}
