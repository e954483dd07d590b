//! Business calendars: validation, arithmetic on the 2026 Chinese holidays, daylight saving time, import.

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use loopdesk_domain::calendar::*;
use loopdesk_domain::dispatch::Weekday;
use serde_json::json;

// ---------------------------------------------------------------- helpers

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A local wall-clock time in `zone` that exists exactly once, as UTC.
fn local(zone: &str, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    let tz: Tz = zone.parse().unwrap();
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("unambiguous local time").with_timezone(&Utc)
}

fn cst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    local("Asia/Shanghai", y, mo, d, h, mi)
}

fn office_week() -> WeekHours {
    WeekHours::weekdays(&[WorkSpan::new("09:00", "12:00"), WorkSpan::new("13:30", "18:00")])
}

/// Mon–Fri 09:00–12:00, 13:30–18:00 in Shanghai with the official 2026 Mid-Autumn and National Day arrangement
/// (国务院办公厅, Nov 2025): 9/25–9/27 off (中秋节), 10/1–10/7 off (国庆节), make-up days Sunday 9/20 and
/// Saturday 10/10.
fn shanghai_2026() -> BusinessCalendar {
    let mut cal = BusinessCalendar::new("Asia/Shanghai", office_week());
    for d in 25..=27 {
        cal.add_holiday(date(2026, 9, d), "中秋节");
    }
    for d in 1..=7 {
        cal.add_holiday(date(2026, 10, d), "国庆节");
    }
    cal.add_extra_working_day(date(2026, 9, 20), "国庆调休", Weekday::Mon);
    cal.add_extra_working_day(date(2026, 10, 10), "国庆调休", Weekday::Mon);
    cal
}

fn compile(cal: &BusinessCalendar) -> Schedule {
    cal.compile().expect("valid calendar")
}

// ---------------------------------------------------------------- validation

#[test]
fn a_sound_calendar_is_valid_and_round_trips_through_json() {
    let cal = shanghai_2026();
    assert_eq!(validate_calendar(&cal), Ok(()));
    let value = serde_json::to_value(&cal).unwrap();
    assert_eq!(value["time_zone"], "Asia/Shanghai");
    assert_eq!(value["week"]["mon"], json!([{"from": "09:00", "to": "12:00"}, {"from": "13:30", "to": "18:00"}]));
    assert_eq!(value["week"]["sat"], json!([]));
    assert_eq!(value["holidays"][0], json!({"date": "2026-09-25", "name": "中秋节"}));
    assert_eq!(value["extra_working_days"][1], json!({"date": "2026-10-10", "name": "国庆调休", "works_like": "mon"}));
    let back: BusinessCalendar = serde_json::from_value(value).unwrap();
    assert_eq!(back, cal);
}

#[test]
fn minimal_json_gets_defaults() {
    let cal: BusinessCalendar = serde_json::from_value(json!({
        "time_zone": "Asia/Shanghai",
        "week": {"mon": [{"from": "09:00", "to": "18:00"}]},
        "extra_working_days": [{"date": "2026-10-10"}]
    }))
    .unwrap();
    assert!(cal.week.tue.is_empty() && cal.holidays.is_empty());
    assert_eq!(cal.extra_working_days[0].works_like, Weekday::Mon);
    assert_eq!(cal.extra_working_days[0].name, "");
    assert_eq!(validate_calendar(&cal), Ok(()));
}

#[test]
fn bad_calendars_report_json_paths() {
    let mut cal = BusinessCalendar::new("Asia/Shangai", WeekHours::default());
    cal.week.mon = vec![
        WorkSpan::new("09:00", "12:00"),
        WorkSpan::new("11:00", "13:00"), // overlaps
        WorkSpan::new("9:00", "25:00"),  // bad times
        WorkSpan::new("18:00", "17:00"), // backwards
        WorkSpan::new("24:00", "24:00"), // 24:00 cannot start
    ];
    cal.week.sat = vec![WorkSpan::new("13:00", "17:00"), WorkSpan::new("09:00", "12:00")]; // out of order
    cal.holidays = vec![
        Holiday { date: date(2026, 10, 1), name: "国庆节".into() },
        Holiday { date: date(2026, 10, 1), name: "again".into() },
        Holiday { date: date(226, 10, 2), name: "x".repeat(101) },
    ];
    cal.extra_working_days = vec![
        ExtraWorkingDay { date: date(2026, 10, 1), name: String::new(), works_like: Weekday::Mon },
        ExtraWorkingDay { date: date(2026, 10, 10), name: String::new(), works_like: Weekday::Sun },
    ];
    let errors = validate_calendar(&cal).unwrap_err();
    let keys: Vec<&str> = errors.0.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "extra_working_days[0].date",
            "extra_working_days[1].works_like",
            "holidays[1].date",
            "holidays[2].date",
            "holidays[2].name",
            "time_zone",
            "week.mon[1]",
            "week.mon[2].from",
            "week.mon[2].to",
            "week.mon[3]",
            "week.mon[4].from",
            "week.sat[1]",
        ]
    );
    assert_eq!(errors.get("holidays[1].date"), ["2026-10-01 is already listed at holidays[0]"]);
    assert_eq!(errors.get("extra_working_days[0].date"), ["2026-10-01 is already listed at holidays[0]"]);
    assert_eq!(errors.get("week.mon[3]"), ["must end after it starts (18:00–17:00)"]);
    assert!(errors.get("time_zone")[0].contains("IANA"));
    assert!(errors.get("extra_working_days[1].works_like")[0].starts_with("sun has no working hours"));
    assert!(cal.compile().is_err());
}

#[test]
fn a_week_without_hours_and_too_many_spans_are_rejected() {
    let cal = BusinessCalendar::new("UTC", WeekHours::default());
    assert_eq!(validate_calendar(&cal).unwrap_err().get("week"), ["needs working hours on at least one weekday"]);
    let many: Vec<WorkSpan> = (0..13).map(|h| WorkSpan::new(format!("{h:02}:00"), format!("{h:02}:30"))).collect();
    let cal = BusinessCalendar::new("UTC", WeekHours::weekdays(&many));
    assert!(validate_calendar(&cal).unwrap_err().has("week.mon"));
    let cal = BusinessCalendar::new(" UTC", office_week());
    assert!(validate_calendar(&cal).unwrap_err().has("time_zone"));
    let cal = BusinessCalendar::new("", office_week());
    assert_eq!(validate_calendar(&cal).unwrap_err().get("time_zone"), ["is required"]);
}

#[test]
fn touching_spans_and_the_end_of_the_day_are_fine() {
    let cal = BusinessCalendar::new(
        "Europe/Berlin",
        WeekHours::every_day(&[WorkSpan::new("00:00", "12:00"), WorkSpan::new("12:00", "24:00")]),
    );
    assert_eq!(validate_calendar(&cal), Ok(()));
    let schedule = compile(&cal);
    let monday = local("Europe/Berlin", 2026, 6, 1, 0, 0);
    assert_eq!(schedule.seconds_between(monday, monday + Duration::days(7)), 7 * 86_400);
    // Touching pieces read as one interval.
    let pieces = schedule.intervals(monday, monday + Duration::days(2), 10);
    assert_eq!(pieces, vec![(monday, monday + Duration::days(2))]);
}

#[test]
fn spans_on_a_date_follow_holidays_and_make_up_days() {
    let cal = shanghai_2026();
    assert_eq!(cal.spans_on(date(2026, 9, 21)).len(), 2); // Monday
    assert!(cal.spans_on(date(2026, 9, 19)).is_empty()); // Saturday
    assert_eq!(cal.spans_on(date(2026, 9, 20)), cal.week.mon.as_slice()); // make-up Sunday
    assert!(cal.spans_on(date(2026, 10, 1)).is_empty()); // holiday Thursday
    // Turning a holiday into a make-up day replaces it, and the other way round.
    let mut cal = cal;
    cal.add_extra_working_day(date(2026, 10, 7), "x", Weekday::Fri);
    assert!(!cal.holidays.iter().any(|h| h.date == date(2026, 10, 7)));
    cal.add_holiday(date(2026, 10, 10), "y");
    assert!(!cal.extra_working_days.iter().any(|d| d.date == date(2026, 10, 10)));
    assert_eq!(validate_calendar(&cal), Ok(()));
}

// ---------------------------------------------------------------- the 2026 Golden Week

#[test]
fn urgent_ticket_on_friday_evening_is_due_on_the_make_up_saturday() {
    let schedule = compile(&shanghai_2026());
    // Friday 10/9 17:30 + 4 h: 30 min on Friday, then Saturday 10/10 (调休上班) 09:00–12:00 (3 h) and 13:30–14:00.
    let start = cst(2026, 10, 9, 17, 30);
    let due = add_business_minutes(&schedule, start, 240);
    assert_eq!(due, cst(2026, 10, 10, 14, 0));
    assert_eq!(business_minutes_between(&schedule, start, due), 240);
    // First response 30 min: exactly the end of Friday's span, not Saturday 09:00.
    assert_eq!(add_business_minutes(&schedule, start, 30), cst(2026, 10, 9, 18, 0));
    // 3.5 h ends with the morning span at 12:00, not at 13:30.
    assert_eq!(add_business_minutes(&schedule, start, 210), cst(2026, 10, 10, 12, 0));
    assert_eq!(add_business_minutes(&schedule, start, 211), cst(2026, 10, 10, 13, 31));
}

#[test]
fn the_golden_week_holds_no_business_time() {
    let schedule = compile(&shanghai_2026());
    let start = cst(2026, 9, 30, 17, 30);
    assert_eq!(add_business_minutes(&schedule, start, 240), cst(2026, 10, 8, 14, 0));
    assert_eq!(business_minutes_between(&schedule, cst(2026, 9, 30, 18, 0), cst(2026, 10, 8, 9, 0)), 0);
    assert!(!is_working_time(&schedule, cst(2026, 10, 5, 10, 0)));
    assert_eq!(next_working_instant(&schedule, cst(2026, 10, 1, 0, 0)), Some(cst(2026, 10, 8, 9, 0)));
    assert_eq!(next_working_instant(&schedule, cst(2026, 10, 8, 10, 15)), Some(cst(2026, 10, 8, 10, 15)));
    assert_eq!(next_working_instant(&schedule, cst(2026, 10, 8, 12, 0)), Some(cst(2026, 10, 8, 13, 30)));
    // Both make-up days are full working days.
    assert_eq!(business_minutes_between(&schedule, cst(2026, 10, 10, 0, 0), cst(2026, 10, 11, 0, 0)), 450);
    assert_eq!(business_minutes_between(&schedule, cst(2026, 9, 20, 0, 0), cst(2026, 9, 21, 0, 0)), 450);
    // The Mid-Autumn week: Monday to Thursday only.
    assert_eq!(business_minutes_between(&schedule, cst(2026, 9, 21, 0, 0), cst(2026, 9, 28, 0, 0)), 4 * 450);
    // Measured backwards: negative.
    assert_eq!(business_minutes_between(&schedule, cst(2026, 9, 28, 0, 0), cst(2026, 9, 21, 0, 0)), -4 * 450);
}

#[test]
fn a_ticket_created_on_the_mid_autumn_holiday_starts_counting_on_monday() {
    let schedule = compile(&shanghai_2026());
    // Friday 9/25 is 中秋节 in 2026: nothing counts until Monday 9/28 09:00.
    let start = cst(2026, 9, 25, 17, 30);
    assert_eq!(add_business_minutes(&schedule, start, 240), cst(2026, 9, 28, 14, 30));
    assert_eq!(add_business_minutes(&schedule, start, 0), start);
}

#[test]
fn the_briefs_hypothetical_make_up_sunday() {
    // Test data as stated in the task (not the official 2026 arrangement): only 10/1–10/7 off, make-up days
    // Sunday 9/27 and Saturday 10/10. Friday 9/25 17:30 + 4 h = 0.5 h Friday + 3 h Sunday morning + 0.5 h after
    // lunch: Sunday 9/27 14:00.
    let mut cal = BusinessCalendar::new("Asia/Shanghai", office_week());
    for d in 1..=7 {
        cal.add_holiday(date(2026, 10, d), "国庆节");
    }
    cal.add_extra_working_day(date(2026, 9, 27), "国庆调休", Weekday::Mon);
    cal.add_extra_working_day(date(2026, 10, 10), "国庆调休", Weekday::Mon);
    let schedule = compile(&cal);
    let start = cst(2026, 9, 25, 17, 30);
    assert_eq!(add_business_minutes(&schedule, start, 210), cst(2026, 9, 27, 12, 0));
    assert_eq!(add_business_minutes(&schedule, start, 240), cst(2026, 9, 27, 14, 0));
}

#[test]
fn make_up_days_follow_the_hours_of_their_weekday() {
    let mut week = office_week();
    week.fri = vec![WorkSpan::new("09:00", "15:00")]; // short Fridays
    let mut cal = BusinessCalendar::new("Asia/Shanghai", week);
    cal.add_extra_working_day(date(2026, 10, 10), "调休", Weekday::Fri);
    cal.add_extra_working_day(date(2026, 10, 11), "调休", Weekday::Mon);
    let schedule = compile(&cal);
    assert_eq!(business_minutes_between(&schedule, cst(2026, 10, 10, 0, 0), cst(2026, 10, 11, 0, 0)), 360);
    assert_eq!(business_minutes_between(&schedule, cst(2026, 10, 11, 0, 0), cst(2026, 10, 12, 0, 0)), 450);
    // A make-up day on a working weekday takes the other weekday's hours.
    cal.add_extra_working_day(date(2026, 10, 12), "调休", Weekday::Fri);
    let schedule = compile(&cal);
    assert_eq!(business_minutes_between(&schedule, cst(2026, 10, 12, 0, 0), cst(2026, 10, 13, 0, 0)), 360);
}

#[test]
fn subtracting_business_minutes_walks_back() {
    let schedule = compile(&shanghai_2026());
    let due = cst(2026, 10, 10, 14, 0);
    assert_eq!(add_business_minutes(&schedule, due, -240), cst(2026, 10, 9, 17, 30));
    // The latest instant: 30 minutes before 13:30 on a working day is 11:30, and before 09:00 the previous span.
    assert_eq!(add_business_minutes(&schedule, cst(2026, 10, 8, 13, 30), -30), cst(2026, 10, 8, 11, 30));
    assert_eq!(add_business_minutes(&schedule, cst(2026, 10, 8, 9, 0), -1), cst(2026, 9, 30, 17, 59));
}

#[test]
fn always_counts_every_second() {
    let schedule = Schedule::always();
    assert!(schedule.is_always() && schedule.time_zone().is_none());
    let start = Utc.with_ymd_and_hms(2026, 10, 1, 3, 0, 7).unwrap();
    assert_eq!(add_business_minutes(&schedule, start, 240), start + Duration::hours(4));
    assert_eq!(add_business_minutes(&schedule, start, -60), start - Duration::hours(1));
    assert_eq!(business_minutes_between(&schedule, start, start + Duration::days(3)), 3 * 1440);
    assert!(is_working_time(&schedule, start));
}

#[test]
fn a_24x7_calendar_in_a_zone_counts_every_second_too() {
    let schedule = compile(&BusinessCalendar::twenty_four_seven("America/New_York"));
    let start = Utc.with_ymd_and_hms(2026, 3, 7, 12, 0, 0).unwrap();
    // Across the spring-forward night: local days of 23 hours still count every real second.
    assert_eq!(schedule.seconds_between(start, start + Duration::days(3)), 3 * 86_400);
    assert_eq!(add_business_minutes(&schedule, start, 3 * 1440), start + Duration::days(3));
    let start = Utc.with_ymd_and_hms(2026, 10, 31, 12, 0, 0).unwrap();
    assert_eq!(schedule.seconds_between(start, start + Duration::days(3)), 3 * 86_400);
}

#[test]
fn sub_second_parts_are_dropped() {
    let schedule = Schedule::always();
    let start = Utc.with_ymd_and_hms(2026, 10, 1, 3, 0, 7).unwrap() + Duration::milliseconds(900);
    assert_eq!(add_business_minutes(&schedule, start, 0), start);
    assert_eq!(add_business_minutes(&schedule, start, 1), Utc.with_ymd_and_hms(2026, 10, 1, 3, 1, 7).unwrap());
}

// ---------------------------------------------------------------- daylight saving time

#[test]
fn spring_forward_loses_the_missing_hour() {
    // Europe/Berlin, Sunday 2026-03-29: 02:00 CET → 03:00 CEST. A night span 01:00–04:00 holds 2 real hours.
    let cal = BusinessCalendar::new("Europe/Berlin", WeekHours::every_day(&[WorkSpan::new("01:00", "04:00")]));
    let schedule = compile(&cal);
    let day = |d| local("Europe/Berlin", 2026, 3, d, 0, 0);
    assert_eq!(schedule.seconds_between(day(28), day(29)), 3 * 3600);
    assert_eq!(schedule.seconds_between(day(29), day(30)), 2 * 3600);
    assert_eq!(schedule.seconds_between(day(30), day(31)), 3 * 3600);
    // 90 minutes from 01:30: 30 minutes to 02:00, the clocks jump, 60 more from 03:00.
    let start = local("Europe/Berlin", 2026, 3, 29, 1, 30);
    assert_eq!(add_business_minutes(&schedule, start, 90), local("Europe/Berlin", 2026, 3, 29, 4, 0));
    assert_eq!(add_business_minutes(&schedule, start, 30), local("Europe/Berlin", 2026, 3, 29, 3, 0));
    // A span that lies entirely in the gap holds nothing.
    let cal = BusinessCalendar::new("Europe/Berlin", WeekHours::every_day(&[WorkSpan::new("02:15", "02:45")]));
    let schedule = compile(&cal);
    assert_eq!(schedule.seconds_between(day(29), day(30)), 0);
    assert_eq!(schedule.seconds_between(day(30), day(31)), 30 * 60);
}

#[test]
fn fall_back_counts_the_repeated_hour_twice() {
    // Europe/Berlin, Sunday 2026-10-25: 03:00 CEST → 02:00 CET; 02:00–03:00 happens twice.
    let whole = BusinessCalendar::new("Europe/Berlin", WeekHours::every_day(&[WorkSpan::new("00:00", "24:00")]));
    let schedule = compile(&whole);
    let day = |d| local("Europe/Berlin", 2026, 10, d, 0, 0);
    assert_eq!(schedule.seconds_between(day(25), day(26)), 25 * 3600);
    let night = BusinessCalendar::new("Europe/Berlin", WeekHours::every_day(&[WorkSpan::new("02:00", "02:30")]));
    let schedule = compile(&night);
    assert_eq!(schedule.seconds_between(day(25), day(26)), 3600);
    let pieces = schedule.intervals(day(25), day(26), 10);
    let utc = |h, m| Utc.with_ymd_and_hms(2026, 10, 25, h, m, 0).unwrap();
    assert_eq!(pieces, vec![(utc(0, 0), utc(0, 30)), (utc(1, 0), utc(1, 30))]);
    // Adding 45 minutes from the first 02:00 ends at the second 02:15.
    assert_eq!(add_business_minutes(&schedule, utc(0, 0), 45), utc(1, 15));
    assert_eq!(add_business_minutes(&schedule, utc(1, 15), -45), utc(0, 0));
}

#[test]
fn new_york_office_hours_are_unaffected_by_the_night_change() {
    let cal = BusinessCalendar::new("America/New_York", office_week());
    let schedule = compile(&cal);
    // Friday 2026-10-30 17:00 EDT (UTC−4) + 2 h → Monday 2026-11-02 10:00 EST (UTC−5).
    let start = local("America/New_York", 2026, 10, 30, 17, 0);
    let due = add_business_minutes(&schedule, start, 120);
    assert_eq!(due, local("America/New_York", 2026, 11, 2, 10, 0));
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap());
}

#[test]
fn half_hour_shifts_work_too() {
    // Australia/Lord_Howe moves by 30 minutes: 2026-10-04 02:00 → 02:30.
    let cal = BusinessCalendar::new("Australia/Lord_Howe", WeekHours::every_day(&[WorkSpan::new("00:00", "24:00")]));
    let schedule = compile(&cal);
    let day = |d| local("Australia/Lord_Howe", 2026, 10, d, 0, 0);
    assert_eq!(schedule.seconds_between(day(4), day(5)), 23 * 3600 + 1800);
}

// ---------------------------------------------------------------- speed

#[test]
fn long_additions_iterate_per_day_not_per_minute() {
    // A year of holidays, and 30 calendar days' worth of business minutes (about five months of office hours).
    let mut cal = shanghai_2026();
    for (m, d) in [(1, 1), (1, 2), (2, 16), (2, 17), (2, 18), (4, 6), (5, 1), (5, 4), (5, 5), (6, 19)] {
        cal.add_holiday(date(2026, m, d), "假日");
    }
    let schedule = compile(&cal);
    let start = cst(2026, 1, 5, 10, 0);
    let began = Instant::now();
    let mut due = start;
    for _ in 0..200 {
        due = add_business_minutes(&schedule, start, 30 * 24 * 60);
        assert_eq!(business_minutes_between(&schedule, start, due), 30 * 24 * 60);
    }
    assert!(due > cst(2026, 5, 1, 0, 0) && due < cst(2026, 8, 1, 0, 0), "{due}");
    // 400 walks over ~7 months each; per-minute stepping would take minutes in a debug build.
    assert!(began.elapsed().as_secs() < 20, "took {:?}", began.elapsed());
}

#[test]
fn huge_amounts_saturate_instead_of_hanging() {
    let schedule = compile(&shanghai_2026());
    let start = cst(2026, 1, 1, 0, 0);
    let far = add_business_minutes(&schedule, start, i64::MAX);
    assert!(far > start + Duration::days(50 * 365));
    let back = add_business_minutes(&schedule, start, i64::MIN);
    assert!(back < start - Duration::days(50 * 365));
}

// ---------------------------------------------------------------- import

const CSV: &str = "\u{feff}date,kind,name\r\n\
# 2026 国庆\r\n\
2026-10-01,holiday,国庆节\r\n\
2026-10-02,Holiday,\"国庆节, 第二天\"\r\n\
\r\n\
2026-10-10,workday,国庆调休\r\n\
2026-09-20,workday,国庆调休,mon\r\n\
2026/10/03,holiday\r\n";

#[test]
fn csv_import_reads_holidays_and_make_up_days() {
    let import = parse_holiday_csv(CSV).unwrap();
    let holidays: Vec<(NaiveDate, &str)> = import.holidays.iter().map(|h| (h.date, h.name.as_str())).collect();
    assert_eq!(
        holidays,
        [(date(2026, 10, 1), "国庆节"), (date(2026, 10, 2), "国庆节, 第二天"), (date(2026, 10, 3), "")]
    );
    let workdays: Vec<(NaiveDate, Weekday)> =
        import.extra_working_days.iter().map(|d| (d.date, d.works_like)).collect();
    assert_eq!(workdays, [(date(2026, 9, 20), Weekday::Mon), (date(2026, 10, 10), Weekday::Mon)]);
    assert_eq!(parse_holiday_file(CSV).unwrap(), import);
}

#[test]
fn csv_import_reports_every_bad_line() {
    let text = "date,kind,name\n\
2026-10-01,holiday,国庆节\n\
2026-13-01,holiday,x\n\
2026-10-02,holliday,x\n\
2026-10-01,workday,again\n\
2026-10-03\n\
2026-10-04,holiday,x,tue\n\
2026-10-05,workday,x,funday\n\
a,b,c,d,e\n\
2026-10-06,holiday,\"open\n";
    let errors = parse_holiday_csv(text).unwrap_err();
    let lines: Vec<usize> = errors.0.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(errors.0[0].message, "\"2026-13-01\" is not a date like 2026-10-01");
    assert_eq!(errors.0[1].message, "unknown kind \"holliday\"; use holiday or workday");
    assert_eq!(errors.0[2].message, "2026-10-01 is already listed on line 2");
    assert_eq!(errors.0[3].message, "kind is required: holiday or workday");
    assert_eq!(errors.0[4].message, "works_like applies to workday rows only");
    assert!(errors.0[5].message.starts_with("unknown weekday \"funday\""));
    assert!(errors.0[6].message.starts_with("expected date,kind,name"));
    assert_eq!(errors.0[7].message, "a quoted field is not closed");
    assert!(errors.to_string().starts_with("line 3: \"2026-13-01\" is not a date"));
    let field_errors = errors.to_field_errors("file");
    assert_eq!(field_errors.get("file").len(), 8);
    assert_eq!(field_errors.get("file")[1], "line 4: unknown kind \"holliday\"; use holiday or workday");
}

#[test]
fn an_empty_file_is_an_error() {
    assert_eq!(parse_holiday_csv("date,kind,name\n\n").unwrap_err().0[0].message, "the file lists no dates");
    assert!(parse_holiday_json("[]").is_err());
}

#[test]
fn json_import_reads_the_same_dates_with_entry_lines() {
    let text = r#"[
  {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
  {"date": "2026-10-10", "kind": "workday", "name": "国庆调休 \"补班\" [周六]"},
  {"date": "2026-09-20", "kind": "WORKDAY", "works_like": "fri"}
]"#;
    let import = parse_holiday_json(text).unwrap();
    assert_eq!(import.holidays, vec![Holiday { date: date(2026, 10, 1), name: "国庆节".into() }]);
    assert_eq!(import.extra_working_days[0].works_like, Weekday::Fri);
    assert_eq!(import.extra_working_days[1].name, "国庆调休 \"补班\" [周六]");
    assert_eq!(parse_holiday_file(&format!("\u{feff}  {text}")).unwrap(), import);

    let bad = r#"[
  {"date": "2026-10-01", "kind": "holiday"},
  {"date": "2026-10-01",
   "kind": "workday"},
  "2026-10-02",
  {"date": 20261003, "kind": "holiday"},
  {"date": "2026-10-04", "kind": "holiday", "nmae": "x"}
]"#;
    let errors = parse_holiday_json(bad).unwrap_err();
    let found: Vec<(usize, &str)> = errors.0.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "2026-10-01 is already listed on line 2"),
            (5, "entry 3 must be an object with date, kind and name"),
            (6, "date must be a string"),
            (7, "unknown key \"nmae\"; expected date, kind, name, works_like"),
        ]
    );
    let syntax = parse_holiday_json("[\n{\"date\": \"2026-10-01\",\n}").unwrap_err();
    assert_eq!(syntax.0[0].line, 3);
    assert!(syntax.0[0].message.starts_with("not valid JSON"));
    assert_eq!(parse_holiday_json("{}").unwrap_err().0[0].line, 1);
}

#[test]
fn imports_merge_into_a_calendar() {
    let mut cal = BusinessCalendar::new("Asia/Shanghai", office_week());
    cal.add_holiday(date(2025, 10, 1), "2025 国庆节");
    cal.add_holiday(date(2026, 5, 1), "劳动节");
    cal.add_holiday(date(2026, 10, 10), "wrong: actually a make-up day");
    let import = parse_holiday_csv(CSV).unwrap();
    apply_import(&mut cal, &import, false);
    assert_eq!(cal.holidays.len(), 5); // 2025-10-01, 2026-05-01, 10-01, 10-02, 10-03
    assert!(cal.extra_working_days.iter().any(|d| d.date == date(2026, 10, 10)));
    assert_eq!(validate_calendar(&cal), Ok(()));
    // Replacing the imported years drops 2026's other dates but keeps 2025's.
    apply_import(&mut cal, &import, true);
    let dates: Vec<NaiveDate> = cal.holidays.iter().map(|h| h.date).collect();
    assert_eq!(dates, [date(2025, 10, 1), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)]);
    assert!(cal.holidays.is_sorted_by_key(|h| h.date));
}

#[test]
fn wire_names_match_serde() {
    for kind in ImportKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
    for format in ImportFormat::ALL {
        assert_eq!(serde_json::to_value(format).unwrap(), format.as_str());
    }
}
