//! Business calendars (工作日历) and business-time arithmetic.
//!
//! - [`BusinessCalendar`] is the data an admin edits and the app stores (as JSON): an IANA time zone, working
//!   spans per weekday, holidays and make-up working days (调休). Check it on save with [`validate_calendar`].
//! - [`Schedule`] is a calendar compiled for arithmetic ([`BusinessCalendar::compile`]), or [`Schedule::always`]
//!   for "no calendar" (24×7). Compile once per calendar and reuse it for many tickets.
//! - [`add_business_minutes`] / [`business_minutes_between`] (and their `_seconds` forms) take and return UTC
//!   instants. They iterate per local day and span, never per minute.
//! - [`parse_holiday_csv`] / [`parse_holiday_json`] read a year of holidays and make-up days; [`apply_import`]
//!   merges them into a calendar.
//!
//! ## Make-up working days (调休)
//!
//! A make-up day is a date that works **like a given weekday** ([`ExtraWorkingDay::works_like`], Monday unless
//! said otherwise): on that date the spans of that weekday apply, whatever weekday the date falls on. So when the
//! weekly hours change, make-up days follow. A holiday is a date without working time, whatever its weekday. A date
//! is either a holiday or a make-up day, never both (validation). Make-up days may also fall on a working weekday;
//! they then get the `works_like` weekday's spans instead of their own.
//!
//! ## Time zones and daylight saving time
//!
//! An instant is working time when its **local wall-clock time** (in the calendar's zone) lies in one of the
//! spans of its **local date**. Business time is real elapsed time within those instants. Consequences on the days
//! the clocks change:
//!
//! - a local time that does not exist (spring forward, e.g. 02:00→03:00 in Europe/Berlin) is not working time:
//!   a span 01:00–04:00 on that day holds 2 hours;
//! - a local time that occurs twice (fall back) is working time both times: a span 00:00–24:00 on that day holds
//!   25 hours, and 02:00–02:30 holds one hour (two half-hours, the 30 minutes between them excluded).
//!
//! Offsets come from the tz database (chrono-tz); offset changes are located by probing once per local day and
//! bisecting, which assumes a zone does not change its offset and change it back within one day (no zone does).
//!
//! ## Resolution and limits
//!
//! Arithmetic has one-second resolution (sub-second parts of inputs are dropped, except that adding zero returns
//! the start unchanged). Searches stop [`HORIZON_DAYS`] after the start: adding more business time than the
//! calendar holds in that period saturates there.

mod import;
mod model;
mod schedule;

pub use import::{
    HolidayImport, ImportError, ImportErrors, ImportFormat, ImportKind, MAX_IMPORT_ERRORS, MAX_IMPORT_ROWS,
    apply_import, parse_holiday_csv, parse_holiday_file, parse_holiday_json,
};
pub use model::{
    BusinessCalendar, ExtraWorkingDay, Holiday, MAX_CALENDAR_DATES, MAX_DAY_NAME_CHARS, MAX_SPANS_PER_DAY, MAX_YEAR,
    MIN_YEAR, WeekHours, WorkSpan, parse_time_zone, validate_calendar,
};
pub use schedule::{
    HORIZON_DAYS, MAX_BUSINESS_MINUTES, Schedule, add_business_minutes, add_business_seconds, business_minutes_between,
    business_seconds_between, is_working_time, next_working_instant,
};
