//! Laws of the SLA clock under random pause / resume / poll sequences, checked against an independent model of
//! running segments.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use loopdesk_domain::calendar::{BusinessCalendar, Schedule, WeekHours, WorkSpan};
use loopdesk_domain::dispatch::Weekday;
use loopdesk_domain::sla::*;
use proptest::prelude::*;

fn schedules() -> Vec<Schedule> {
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let office = WeekHours::weekdays(&[WorkSpan::new("09:00", "12:00"), WorkSpan::new("13:30", "18:00")]);
    let mut shanghai = BusinessCalendar::new("Asia/Shanghai", office);
    for d in 1..=7 {
        shanghai.add_holiday(date(10, d), "国庆节");
    }
    for d in 25..=27 {
        shanghai.add_holiday(date(9, d), "中秋节");
    }
    shanghai.add_extra_working_day(date(9, 20), "国庆调休", Weekday::Mon);
    shanghai.add_extra_working_day(date(10, 10), "国庆调休", Weekday::Mon);
    // Night shifts across the 2026-10-25 fall-back and the 2026-11-01 US change.
    let nights = WeekHours::every_day(&[WorkSpan::new("00:00", "03:00"), WorkSpan::new("22:00", "24:00")]);
    vec![
        shanghai.compile().unwrap(),
        BusinessCalendar::new("Europe/Berlin", nights.clone()).compile().unwrap(),
        BusinessCalendar::new("America/New_York", nights).compile().unwrap(),
        Schedule::always(),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Pause,
    Resume,
    Poll,
}

fn any_op() -> impl Strategy<Value = Op> {
    prop_oneof![Just(Op::Pause), Just(Op::Resume), Just(Op::Poll), Just(Op::Poll)]
}

/// The clock's running segments as the model sees them: (start, end or still running).
struct Model {
    segments: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

impl Model {
    fn elapsed(&self, schedule: &Schedule, at: DateTime<Utc>) -> i64 {
        self.segments
            .iter()
            .filter(|(start, _)| *start < at)
            .map(|(start, end)| schedule.seconds_between(*start, end.unwrap_or(at).min(at)))
            .sum()
    }

    fn running(&self) -> bool {
        self.segments.last().is_some_and(|(_, end)| end.is_none())
    }
}

fn start_time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..50 * 86_400).prop_map(|s| Utc.with_ymd_and_hms(2026, 9, 15, 0, 0, 0).unwrap() + Duration::seconds(s))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pauses_never_count_and_events_fire_exactly_once(
        which in 0usize..4,
        start in start_time(),
        target in 1u32..2000,
        percent in 1u8..100,
        ops in prop::collection::vec((0i64..2 * 86_400, any_op()), 0..25),
        tail in 0i64..4 * 86_400,
        finish in any::<bool>(),
    ) {
        let schedule = &schedules()[which];
        let mut clock = SlaClock::start(SlaMetric::Resolution, target, percent, schedule, start);
        let mut model = Model { segments: vec![(start, None)] };
        let (mut warnings, mut breaches) = (0, 0);
        let mut now = start;
        let mut due_before_pause = clock.due_at;

        for (gap, op) in ops {
            now += Duration::seconds(gap);
            // Before acting: the clock agrees with the model, and the check time predicts due events.
            prop_assert_eq!(clock.elapsed_seconds(schedule, now), model.elapsed(schedule, now));
            let due = clock.due_events(schedule, now);
            prop_assert_eq!(!due.is_empty(), clock.next_check_at().is_some_and(|t| t <= now));
            let remaining = clock.remaining_seconds(schedule, now);
            prop_assert_eq!(
                clock.state(schedule, now) == SlaState::Breached,
                remaining <= 0 || clock.breached_at.is_some()
            );
            prop_assert_eq!(clock.remaining_minutes(schedule, now) < 0, remaining < 0);

            let events = match op {
                Op::Pause => {
                    let was_running = model.running();
                    let events = clock.pause(schedule, now);
                    if was_running {
                        model.segments.last_mut().unwrap().1 = Some(now);
                        due_before_pause = clock.due_at.or(due_before_pause);
                        prop_assert!(clock.is_paused());
                        // Paused time never counts.
                        let later = now + Duration::seconds(gap + 3600);
                        prop_assert_eq!(clock.elapsed_seconds(schedule, later), clock.elapsed_seconds(schedule, now));
                        prop_assert!(clock.due_events(schedule, later).is_empty());
                    } else {
                        prop_assert!(events.is_empty());
                    }
                    events
                }
                Op::Resume => {
                    let was_paused = !model.running();
                    let before = clock.consumed_seconds;
                    let events = clock.resume(schedule, now);
                    if was_paused {
                        model.segments.push((now, None));
                        let left = clock.target_seconds() - before;
                        if left > 0 {
                            // The due time is the rest of the target from the resume, so it moved by the pause.
                            prop_assert_eq!(clock.due_at, Some(schedule.add_seconds(now, left)));
                            if let Some(before_pause) = due_before_pause {
                                prop_assert!(clock.due_at.unwrap() >= before_pause);
                            }
                        }
                    } else {
                        prop_assert!(events.is_empty());
                    }
                    events
                }
                Op::Poll => clock.record_due(schedule, now),
            };
            for event in &events {
                match event.kind {
                    SlaEventKind::Warning | SlaEventKind::Breached => {
                        let threshold = if event.kind == SlaEventKind::Warning {
                            warnings += 1;
                            clock.warn_seconds()
                        } else {
                            breaches += 1;
                            clock.target_seconds()
                        };
                        // Reported at the exact instant the threshold was reached, never in the future.
                        prop_assert!(event.at <= now);
                        prop_assert_eq!(model.elapsed(schedule, event.at), threshold);
                    }
                    _ => prop_assert_eq!(event.at, now),
                }
            }
            let acted = matches!(op, Op::Poll) || !events.is_empty();
            if acted {
                prop_assert!(clock.due_events(schedule, now).is_empty(), "everything due was recorded");
            }
        }

        now += Duration::seconds(tail);
        let elapsed = model.elapsed(schedule, now);
        prop_assert_eq!(clock.elapsed_seconds(schedule, now), elapsed);
        let final_events = if finish { clock.meet(schedule, now) } else { clock.record_due(schedule, now) };
        for event in &final_events {
            match event.kind {
                SlaEventKind::Warning => warnings += 1,
                SlaEventKind::Breached => breaches += 1,
                _ => {}
            }
        }
        prop_assert!(warnings <= 1 && breaches <= 1);
        prop_assert_eq!(clock.breached_at.is_some(), elapsed >= clock.target_seconds());
        prop_assert_eq!(breaches, i32::from(elapsed >= clock.target_seconds()));
        prop_assert_eq!(warnings, i32::from(elapsed >= clock.warn_seconds()));
        if finish {
            prop_assert_eq!(clock.consumed_seconds, elapsed);
            prop_assert_eq!(clock.met_within_target(), elapsed < clock.target_seconds());
            // A met clock is frozen.
            let later = now + Duration::days(3);
            prop_assert_eq!(clock.elapsed_seconds(schedule, later), elapsed);
            prop_assert_eq!(clock.state(schedule, later), SlaState::Met);
            prop_assert!(clock.due_events(schedule, later).is_empty());
            prop_assert_eq!(clock.next_check_at(), None);
        }
    }

    /// A clock that is never paused is due exactly `target` business minutes after its start, warns at its share,
    /// and its remaining minutes only go down.
    #[test]
    fn an_unpaused_clock_is_plain_business_time(
        which in 0usize..4,
        start in start_time(),
        target in 1u32..3000,
        percent in 1u8..100,
        probes in prop::collection::vec(0i64..6 * 86_400, 1..10),
    ) {
        let schedule = &schedules()[which];
        let clock = SlaClock::start(SlaMetric::FirstResponse, target, percent, schedule, start);
        prop_assert_eq!(clock.due_at, Some(schedule.add_seconds(start, i64::from(target) * 60)));
        prop_assert_eq!(clock.warn_at, Some(schedule.add_seconds(start, clock.warn_seconds())));
        let mut probes = probes;
        probes.sort_unstable();
        let mut last = i64::MAX;
        for offset in probes {
            let now = start + Duration::seconds(offset);
            let remaining = clock.remaining_minutes(schedule, now);
            prop_assert!(remaining <= last);
            last = remaining;
            let breached = now >= clock.due_at.unwrap();
            prop_assert_eq!(clock.state(schedule, now) == SlaState::Breached, breached);
        }
    }
}
