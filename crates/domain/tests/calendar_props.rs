//! Laws of business-time arithmetic, checked against a brute-force reference that asks the tz database, minute by
//! minute, whether an instant's local wall-clock time lies in a span of its local date.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use loopdesk_domain::calendar::*;
use loopdesk_domain::dispatch::Weekday;
use proptest::prelude::*;

/// Zones with and without daylight saving time, including a 30-minute shift and a +05:45 offset.
const ZONES: [&str; 7] = [
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kathmandu",
    "UTC",
];

/// Days around the 2026 transitions (EU 3/29 and 10/25, US 3/8 and 11/1, Lord Howe 4/5 and 10/4, Chile 4/5 and
/// 9/6) and an ordinary week.
const BASE_DAYS: [(u32, u32); 9] = [(3, 6), (3, 27), (4, 3), (9, 4), (10, 2), (10, 23), (10, 30), (1, 10), (7, 15)];

/// A day's spans on a quarter-hour grid (so that night spans meet the transitions).
fn any_day_spans() -> impl Strategy<Value = Vec<WorkSpan>> {
    prop::collection::btree_set(0u32..=96, 0..=6).prop_map(|cuts| {
        let cuts: Vec<u32> = cuts.into_iter().collect();
        cuts.chunks_exact(2)
            .map(|pair| {
                let text = |q: u32| format!("{:02}:{:02}", q / 4, (q % 4) * 15);
                WorkSpan::new(text(pair[0]), text(pair[1]))
            })
            .collect()
    })
}

#[derive(Debug, Clone)]
struct Case {
    calendar: BusinessCalendar,
    tz: Tz,
    base: DateTime<Utc>,
}

fn any_case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(ZONES.to_vec()),
        prop::array::uniform7(any_day_spans()),
        prop::sample::select(BASE_DAYS.to_vec()),
        prop::collection::vec(0i64..8, 0..3),
        prop::collection::vec((0i64..8, prop::sample::select(Weekday::ALL.to_vec())), 0..3),
    )
        .prop_map(|(zone, days, (month, day), holidays, extra)| {
            let [mon, tue, wed, thu, fri, sat, sun] = days;
            let mut week = WeekHours { mon, tue, wed, thu, fri, sat, sun };
            if Weekday::ALL.iter().all(|d| week.spans(*d).is_empty()) {
                week.mon = vec![WorkSpan::new("09:00", "17:00")];
            }
            let first = NaiveDate::from_ymd_opt(2026, month, day).unwrap();
            let mut calendar = BusinessCalendar::new(zone, week);
            for offset in extra {
                let (days, like) = offset;
                if !calendar.week.spans(like).is_empty() {
                    calendar.add_extra_working_day(first + Duration::days(days), "调休", like);
                }
            }
            for days in holidays {
                calendar.add_holiday(first + Duration::days(days), "假日");
            }
            let tz: Tz = zone.parse().unwrap();
            let base = Utc.from_utc_datetime(&first.and_hms_opt(0, 0, 0).unwrap());
            Case { calendar, tz, base }
        })
}

/// Reference: is the minute starting at `t` (minute-aligned) working time?
fn ref_working(case: &Case, t: DateTime<Utc>) -> bool {
    let local = t.with_timezone(&case.tz).naive_local();
    let minute = local.hour() * 60 + local.minute();
    case.calendar.spans_on(local.date()).iter().any(|span| {
        let (from, to) = span.minutes().unwrap();
        from <= minute && minute < to
    })
}

/// Reference: working minutes in `[a, b)` for minute-aligned `a` ≤ `b`.
fn ref_minutes_between(case: &Case, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    let mut t = a;
    let mut count = 0;
    while t < b {
        count += i64::from(ref_working(case, t));
        t += Duration::minutes(1);
    }
    count
}

fn floor_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t - Duration::seconds(i64::from(t.second()))
}

fn compile(case: &Case) -> Schedule {
    case.calendar.compile().expect("generated calendars are valid")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Measuring agrees with the minute-by-minute reference, across holidays, make-up days and DST changes.
    #[test]
    fn between_matches_the_reference(case in any_case(), from in 0i64..4 * 1440, len in 0i64..3 * 1440) {
        let schedule = compile(&case);
        let a = case.base + Duration::minutes(from);
        let b = a + Duration::minutes(len);
        let expected = ref_minutes_between(&case, a, b);
        prop_assert_eq!(schedule.seconds_between(a, b), expected * 60);
        prop_assert_eq!(business_minutes_between(&schedule, a, b), expected);
        prop_assert_eq!(business_minutes_between(&schedule, b, a), -expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn is_working_matches_the_reference(case in any_case(), at in 0i64..5 * 86_400) {
        let schedule = compile(&case);
        let t = case.base + Duration::seconds(at);
        prop_assert_eq!(is_working_time(&schedule, t), ref_working(&case, floor_minute(t)));
    }

    /// Adding N business minutes then measuring gives N back, forwards and backwards.
    #[test]
    fn adding_then_measuring_gives_n_back(case in any_case(), at in 0i64..4 * 86_400, n in -3000i64..3000) {
        let schedule = compile(&case);
        let start = case.base + Duration::seconds(at);
        let end = add_business_minutes(&schedule, start, n);
        prop_assert_eq!(business_minutes_between(&schedule, start, end), n);
        prop_assert_eq!(business_seconds_between(&schedule, start, end), n * 60);
        if n > 0 {
            prop_assert!(end > start);
        } else if n < 0 {
            prop_assert!(end < start);
        } else {
            prop_assert_eq!(end, start);
        }
    }

    /// The result is never on a holiday or outside the spans: with N > 0 the second before it is working time (it
    /// ends a stretch of work), with N < 0 the result itself is; N = 0 gives the start unchanged.
    #[test]
    fn results_lie_in_working_time(case in any_case(), at in 0i64..4 * 86_400, n in 1i64..3000) {
        let schedule = compile(&case);
        let start = case.base + Duration::seconds(at);
        let end = add_business_minutes(&schedule, start, n);
        let last = end - Duration::seconds(1);
        prop_assert!(ref_working(&case, floor_minute(last)), "{last} is not working time");
        prop_assert!(is_working_time(&schedule, last));
        // The earliest such instant: one second less is not enough.
        prop_assert_eq!(business_seconds_between(&schedule, start, last), n * 60 - 1);

        let back = add_business_minutes(&schedule, start, -n);
        prop_assert!(ref_working(&case, floor_minute(back)), "{back} is not working time");
        prop_assert_eq!(add_business_minutes(&schedule, start, 0), start);
    }

    #[test]
    fn adding_is_strictly_monotonic(case in any_case(), at in 0i64..4 * 86_400, n in -2000i64..2000, more in 1i64..1000) {
        let schedule = compile(&case);
        let start = case.base + Duration::seconds(at);
        prop_assert!(add_business_minutes(&schedule, start, n) < add_business_minutes(&schedule, start, n + more));
    }

    #[test]
    fn adding_in_steps_equals_adding_at_once(case in any_case(), at in 0i64..4 * 86_400, a in 1i64..1500, b in 1i64..1500) {
        let schedule = compile(&case);
        let start = case.base + Duration::seconds(at);
        let stepwise = add_business_minutes(&schedule, add_business_minutes(&schedule, start, a), b);
        prop_assert_eq!(stepwise, add_business_minutes(&schedule, start, a + b));
        let back = add_business_minutes(&schedule, add_business_minutes(&schedule, start, -a), -b);
        prop_assert_eq!(back, add_business_minutes(&schedule, start, -(a + b)));
    }

    #[test]
    fn measuring_is_additive(case in any_case(), a in 0i64..5 * 86_400, b in 0i64..5 * 86_400, c in 0i64..5 * 86_400) {
        let schedule = compile(&case);
        let [a, b, c] = [a, b, c].map(|s| case.base + Duration::seconds(s));
        prop_assert_eq!(
            schedule.seconds_between(a, b) + schedule.seconds_between(b, c),
            schedule.seconds_between(a, c)
        );
    }

    /// Going back the same amount lands at the start or at the latest instant before it with no work in between.
    #[test]
    fn subtracting_undoes_adding(case in any_case(), at in 0i64..4 * 86_400, n in 1i64..3000) {
        let schedule = compile(&case);
        let start = case.base + Duration::seconds(at);
        let start = start - Duration::nanoseconds(i64::from(start.timestamp_subsec_nanos()));
        let back = add_business_minutes(&schedule, add_business_minutes(&schedule, start, n), -n);
        prop_assert!(back >= start);
        prop_assert_eq!(schedule.seconds_between(start, back), 0);
    }

    /// The next working instant is working time with no working time before it.
    #[test]
    fn next_working_instant_is_the_first(case in any_case(), at in 0i64..4 * 86_400) {
        let schedule = compile(&case);
        let t = case.base + Duration::seconds(at);
        let next = next_working_instant(&schedule, t).expect("every generated calendar has working time");
        prop_assert!(next >= t);
        prop_assert!(is_working_time(&schedule, next));
        prop_assert_eq!(schedule.seconds_between(t, next), 0);
    }

    /// The intervals are ordered, disjoint, working, and sum to the business time.
    #[test]
    fn intervals_cover_the_business_time(case in any_case(), from in 0i64..4 * 86_400, len in 0i64..3 * 86_400) {
        let schedule = compile(&case);
        let a = case.base + Duration::seconds(from);
        let b = a + Duration::seconds(len);
        let pieces = schedule.intervals(a, b, usize::MAX);
        let mut total = 0;
        let mut last_end = a;
        for (lo, hi) in &pieces {
            prop_assert!(*lo >= last_end && lo < hi && *hi <= b);
            prop_assert!(is_working_time(&schedule, *lo));
            total += (*hi - *lo).num_seconds();
            last_end = *hi;
        }
        prop_assert_eq!(total, schedule.seconds_between(a, b));
        let limited = schedule.intervals(a, b, 1);
        prop_assert_eq!(limited.first(), pieces.first());
        prop_assert!(limited.len() <= 1);
    }

    /// 24×7 in any zone is plain UTC arithmetic.
    #[test]
    fn twenty_four_seven_is_plain_time(zone in prop::sample::select(ZONES.to_vec()), at in 0i64..400 * 86_400, n in -100_000i64..100_000) {
        let schedule = BusinessCalendar::twenty_four_seven(zone).compile().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(at);
        prop_assert_eq!(add_business_minutes(&schedule, start, n), start + Duration::minutes(n));
        prop_assert_eq!(add_business_minutes(&Schedule::always(), start, n), start + Duration::minutes(n));
    }
}
