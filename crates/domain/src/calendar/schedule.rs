//! Business-time arithmetic over a compiled calendar.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::model::{BusinessCalendar, WeekHours, parse_time_zone, validate_calendar};
use crate::dispatch::Weekday;
use crate::errors::FieldErrors;

const DAY: i64 = 86_400;
/// Days since 0001-01-01 (chrono's "CE" count) of 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i64 = 719_163;

/// Searches for working time stop this many days (about a century) after their start.
pub const HORIZON_DAYS: i64 = 100 * 366;
/// `add_business_minutes` clamps its argument to ± this (a century of 24×7 time).
pub const MAX_BUSINESS_MINUTES: i64 = HORIZON_DAYS * 24 * 60;

const HORIZON_SECONDS: i64 = HORIZON_DAYS * DAY;
const MAX_BUSINESS_SECONDS: i64 = MAX_BUSINESS_MINUTES * 60;

/// A calendar ready for arithmetic, or 24×7 (every instant counts). Cheap to share; compile once per calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    inner: Inner,
}

#[derive(Debug, Clone, PartialEq)]
enum Inner {
    Always,
    Calendar(Box<Compiled>),
}

#[derive(Debug, Clone, PartialEq)]
struct Compiled {
    tz: Tz,
    /// Per weekday (Monday first): working spans in seconds after local midnight, sorted, touching spans merged.
    week: [Vec<(i64, i64)>; 7],
    /// Local day number (days since 1970-01-01) → `None` for a holiday, `Some(weekday)` for a make-up day.
    exceptions: HashMap<i64, Option<usize>>,
}

impl BusinessCalendar {
    /// Validates the calendar and prepares it for arithmetic.
    pub fn compile(&self) -> Result<Schedule, FieldErrors> {
        Schedule::from_calendar(self)
    }
}

impl Schedule {
    /// No calendar: every instant is business time, in every zone.
    pub fn always() -> Self {
        Self { inner: Inner::Always }
    }

    /// Validates the calendar (`validate_calendar`) and prepares it for arithmetic.
    pub fn from_calendar(calendar: &BusinessCalendar) -> Result<Self, FieldErrors> {
        validate_calendar(calendar)?;
        let Some(tz) = parse_time_zone(&calendar.time_zone) else {
            unreachable!("validate_calendar checks the time zone");
        };
        let week = Weekday::ALL.map(|day| compile_spans(&calendar.week, day));
        let mut exceptions = HashMap::with_capacity(calendar.holidays.len() + calendar.extra_working_days.len());
        for holiday in &calendar.holidays {
            exceptions.insert(day_number(holiday.date), None);
        }
        for day in &calendar.extra_working_days {
            exceptions.insert(day_number(day.date), Some(day.works_like as usize));
        }
        Ok(Self { inner: Inner::Calendar(Box::new(Compiled { tz, week, exceptions })) })
    }

    /// True for the 24×7 schedule of `always`.
    pub fn is_always(&self) -> bool {
        matches!(self.inner, Inner::Always)
    }

    /// The calendar's zone (`None` for `always`).
    pub fn time_zone(&self) -> Option<Tz> {
        match &self.inner {
            Inner::Always => None,
            Inner::Calendar(c) => Some(c.tz),
        }
    }

    /// `start` plus `seconds` of business time. See `add_business_minutes`.
    pub fn add_seconds(&self, start: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        if seconds == 0 {
            return start;
        }
        let seconds = seconds.clamp(-MAX_BUSINESS_SECONDS, MAX_BUSINESS_SECONDS);
        let from = start.timestamp();
        let mut left = seconds.abs();
        let mut found = None;
        if seconds > 0 {
            let until = from.saturating_add(HORIZON_SECONDS);
            self.forward(from, until, |lo, hi| {
                if left <= hi - lo {
                    found = Some(lo + left);
                    return false;
                }
                left -= hi - lo;
                true
            });
            instant(found.unwrap_or(until))
        } else {
            let until = from.saturating_sub(HORIZON_SECONDS);
            self.backward(from, until, |lo, hi| {
                if left <= hi - lo {
                    found = Some(hi - left);
                    return false;
                }
                left -= hi - lo;
                true
            });
            instant(found.unwrap_or(until))
        }
    }

    /// Business seconds from `a` to `b`; negative when `b` is before `a`. Counts at most `HORIZON_DAYS` of
    /// calendar time.
    pub fn seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let (from, to) = (a.timestamp(), b.timestamp());
        if to < from {
            return -self.seconds_between(b, a);
        }
        let mut total = 0;
        self.forward(from, to.min(from.saturating_add(HORIZON_SECONDS)), |lo, hi| {
            total += hi - lo;
            true
        });
        total
    }

    /// Whether `at` (to the second) is working time.
    pub fn is_working(&self, at: DateTime<Utc>) -> bool {
        let from = at.timestamp();
        let mut working = false;
        self.forward(from, from.saturating_add(1), |_, _| {
            working = true;
            false
        });
        working
    }

    /// `at` when it is working time, else the start of the next working span (`None` when there is none within
    /// `HORIZON_DAYS`).
    pub fn next_working_instant(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_working(at) {
            return Some(at);
        }
        let from = at.timestamp();
        let mut found = None;
        self.forward(from, from.saturating_add(HORIZON_SECONDS), |lo, _| {
            found = Some(lo);
            false
        });
        found.map(instant)
    }

    /// The working intervals `[start, end)` between `from` and `to`, clipped to them, in order; at most `limit`.
    /// For previews ("the next working hours") and tests.
    pub fn intervals(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let (from, to) = (from.timestamp(), to.timestamp());
        let mut out = Vec::new();
        if limit == 0 || to <= from {
            return out;
        }
        self.forward(from, to.min(from.saturating_add(HORIZON_SECONDS)), |lo, hi| {
            let full = out.len() == limit;
            match out.last_mut() {
                // Adjacent pieces (a span ending at 24:00 and the next starting at 00:00) read as one interval.
                Some((_, end)) if end.timestamp() == lo => *end = instant(hi),
                _ if full => return false,
                _ => out.push((instant(lo), instant(hi))),
            }
            true
        });
        out
    }

    /// Calls `visit(lo, hi)` for the working intervals within `[from, until)` in time order until it returns false.
    fn forward(&self, from: i64, until: i64, visit: impl FnMut(i64, i64) -> bool) {
        match &self.inner {
            Inner::Always => {
                let mut visit = visit;
                if from < until {
                    visit(from, until);
                }
            }
            Inner::Calendar(c) => c.forward(from, until, visit),
        }
    }

    /// Calls `visit(lo, hi)` for the working intervals within `[until, from)` latest first until it returns false.
    fn backward(&self, from: i64, until: i64, visit: impl FnMut(i64, i64) -> bool) {
        match &self.inner {
            Inner::Always => {
                let mut visit = visit;
                if until < from {
                    visit(until, from);
                }
            }
            Inner::Calendar(c) => c.backward(from, until, visit),
        }
    }
}

impl Compiled {
    /// UTC offset in seconds at a Unix second.
    fn offset(&self, t: i64) -> i64 {
        match DateTime::from_timestamp(t, 0) {
            Some(at) => i64::from(self.tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc()),
            None => 0,
        }
    }

    fn spans(&self, day: i64) -> &[(i64, i64)] {
        match self.exceptions.get(&day) {
            Some(None) => &[],
            Some(Some(like)) => &self.week[*like],
            None => &self.week[weekday_index(day)],
        }
    }

    /// Walks local days within stretches of constant offset. Within such a stretch local time runs with UTC, so
    /// the working instants of a local date are its spans shifted by the offset; after a change of offset the
    /// walk continues from the local time the clocks show then (skipping a gap, repeating a repeated hour).
    fn forward(&self, from: i64, until: i64, mut visit: impl FnMut(i64, i64) -> bool) {
        let mut u = from;
        while u < until {
            let offset = self.offset(u);
            let day = (u + offset).div_euclid(DAY);
            let midnight = day * DAY - offset;
            let mut stretch_end = (midnight + DAY).min(until);
            if self.offset(stretch_end - 1) != offset {
                stretch_end = self.first_change(u, stretch_end - 1, offset);
            }
            for &(start, end) in self.spans(day) {
                let lo = (midnight + start).max(u);
                let hi = (midnight + end).min(stretch_end);
                if lo < hi && !visit(lo, hi) {
                    return;
                }
            }
            u = stretch_end;
        }
    }

    /// The mirror image of `forward`, from `from` (exclusive) back to `until`.
    fn backward(&self, from: i64, until: i64, mut visit: impl FnMut(i64, i64) -> bool) {
        let mut u = from;
        while u > until {
            let offset = self.offset(u - 1);
            let day = (u - 1 + offset).div_euclid(DAY);
            let midnight = day * DAY - offset;
            let mut stretch_start = midnight.max(until);
            if self.offset(stretch_start) != offset {
                stretch_start = self.last_change(stretch_start, u - 1, offset);
            }
            for &(start, end) in self.spans(day).iter().rev() {
                let lo = (midnight + start).max(stretch_start);
                let hi = (midnight + end).min(u);
                if lo < hi && !visit(lo, hi) {
                    return;
                }
            }
            u = stretch_start;
        }
    }

    /// The first second in `(same, other]` whose offset is not `offset`, given `offset(same) == offset` and
    /// `offset(other) != offset`.
    fn first_change(&self, mut same: i64, mut other: i64, offset: i64) -> i64 {
        while other - same > 1 {
            let mid = same + (other - same) / 2;
            if self.offset(mid) == offset {
                same = mid;
            } else {
                other = mid;
            }
        }
        other
    }

    /// The first second of the stretch with `offset` that ends at `same`, given `offset(other) != offset`,
    /// `other < same` and `offset(same) == offset`.
    fn last_change(&self, mut other: i64, mut same: i64, offset: i64) -> i64 {
        while same - other > 1 {
            let mid = other + (same - other) / 2;
            if self.offset(mid) == offset {
                same = mid;
            } else {
                other = mid;
            }
        }
        same
    }
}

fn compile_spans(week: &WeekHours, day: Weekday) -> Vec<(i64, i64)> {
    let mut spans: Vec<(i64, i64)> = Vec::new();
    for (from, to) in week.spans(day).iter().filter_map(|s| s.minutes()) {
        let (from, to) = (i64::from(from) * 60, i64::from(to) * 60);
        match spans.last_mut() {
            Some((_, end)) if *end == from => *end = to,
            _ => spans.push((from, to)),
        }
    }
    spans
}

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_CE_DAYS
}

/// Monday = 0; day 0 (1970-01-01) was a Thursday.
fn weekday_index(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or(if seconds > 0 {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    })
}

/// `start` plus `minutes` of business time, as a UTC instant.
///
/// - `minutes` > 0: the **earliest** instant by which that much business time has passed since `start`. It lies
///   inside a working span or at its end ("due at 12:00", not "at 13:30" when the morning span ends at 12:00).
/// - `minutes` = 0: `start` itself, working time or not (use `next_working_instant` for "when does it start").
/// - `minutes` < 0: the **latest** instant before `start` from which that much business time leads to `start`;
///   it lies inside a working span or at its start.
///
/// Adding then measuring gives the minutes back: `business_minutes_between(s, add_business_minutes(s, n)) == n`
/// (for whole-second `s`). See the module documentation for daylight saving time and limits.
pub fn add_business_minutes(schedule: &Schedule, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    schedule.add_seconds(start, minutes.clamp(-MAX_BUSINESS_MINUTES, MAX_BUSINESS_MINUTES) * 60)
}

/// `start` plus `seconds` of business time; see `add_business_minutes`.
pub fn add_business_seconds(schedule: &Schedule, start: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    schedule.add_seconds(start, seconds)
}

/// Whole business minutes from `a` to `b` (truncated toward zero; negative when `b` is before `a`).
pub fn business_minutes_between(schedule: &Schedule, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    schedule.seconds_between(a, b) / 60
}

/// Business seconds from `a` to `b` (negative when `b` is before `a`).
pub fn business_seconds_between(schedule: &Schedule, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    schedule.seconds_between(a, b)
}

/// Whether `at` is working time.
pub fn is_working_time(schedule: &Schedule, at: DateTime<Utc>) -> bool {
    schedule.is_working(at)
}

/// `at` when it is working time, else the start of the next working span.
pub fn next_working_instant(schedule: &Schedule, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    schedule.next_working_instant(at)
}
