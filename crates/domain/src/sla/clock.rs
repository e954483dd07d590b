//! One SLA clock (first response or resolution) and its pure transitions.

use chrono::{DateTime, Utc};

use crate::calendar::Schedule;

/// What a clock measures.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SlaMetric {
    /// Until the first public reply by staff (or resolution, whichever comes first).
    FirstResponse,
    /// Until the ticket is resolved or closed.
    Resolution,
}

wire_names!(SlaMetric, "SLA metric" {
    FirstResponse => "first_response",
    Resolution => "resolution",
});

/// Where a clock (or a ticket) stands, for the countdown badge and the list filters.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Running, below the warning share.
    Ok,
    /// Running at or past the warning share, target not yet used up.
    Warning,
    /// The target is used up (also while paused), or a breach was recorded.
    Breached,
    /// Paused (pending: waiting on the customer), not breached.
    Paused,
    /// Stopped by a first reply or resolution; `SlaClock::met_within_target` tells whether in time.
    Met,
}

wire_names!(SlaState, "SLA state" {
    Ok => "ok",
    Warning => "warning",
    Breached => "breached",
    Paused => "paused",
    Met => "met",
});

/// Something that happened to a clock, for the ticket history.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SlaEventKind {
    Started,
    Paused,
    Resumed,
    Met,
    /// A met resolution clock runs again (the ticket was reopened).
    Reopened,
    /// The target changed (priority or policy changed).
    Retargeted,
    /// The clock no longer applies (the new policy or priority has no target for it).
    Cancelled,
    /// The warning share of the target was used up. Recorded once per clock.
    Warning,
    /// The target was used up. Recorded once per clock.
    Breached,
}

wire_names!(SlaEventKind, "SLA event kind" {
    Started => "started",
    Paused => "paused",
    Resumed => "resumed",
    Met => "met",
    Reopened => "reopened",
    Retargeted => "retargeted",
    Cancelled => "cancelled",
    Warning => "warning",
    Breached => "breached",
});

/// An event to record in the ticket history (and, for warnings and breaches, to notify about).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaEvent {
    pub metric: SlaMetric,
    pub kind: SlaEventKind,
    /// When it happened: the transition's time, or for warnings and breaches the instant the threshold was crossed
    /// (which may be earlier than when the worker noticed).
    pub at: DateTime<Utc>,
    /// The clock's due time after the event (`None` while paused before the target was reached).
    pub due_at: Option<DateTime<Utc>>,
    #[schema(example = 240)]
    pub target_minutes: u32,
}

/// One clock. Business time is counted in whole seconds on the ticket's schedule (calendar or 24×7).
///
/// The clock runs in segments: it starts running at `started_at`; a pause closes the current segment, adding its
/// business time to `consumed_seconds`; a resume opens a new segment at `segment_started_at`. So the business time
/// used at `now` is `consumed_seconds` plus, while running, the business time from `segment_started_at` to `now`;
/// time while paused never counts.
///
/// `warn_at` and `due_at` are the instants at which the warning share and the target are (or were) used up; from
/// `due_at` on the clock is breached (a due time at the end of a span, 12:00, breaches at 12:00, not after lunch).
/// They are recomputed on every resume, so the due time moves by the paused time in business terms. While paused
/// they are `None` unless already reached. The app stores them as columns so the worker can find due clocks by
/// index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaClock {
    pub metric: SlaMetric,
    #[schema(example = 240)]
    pub target_minutes: u32,
    #[schema(example = 75)]
    pub warn_at_percent: u8,
    pub started_at: DateTime<Utc>,
    /// Business seconds used in the segments before the current one (all of them while paused or met).
    pub consumed_seconds: i64,
    /// Start of the current running segment (`started_at`, or the last resume or reopen).
    pub segment_started_at: DateTime<Utc>,
    pub paused_since: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    /// Set once the warning event was recorded.
    pub warned_at: Option<DateTime<Utc>>,
    /// Set once the breach event was recorded.
    pub breached_at: Option<DateTime<Utc>>,
}

impl SlaClock {
    /// A clock running from `now` towards `target_minutes` of business time.
    pub fn start(
        metric: SlaMetric,
        target_minutes: u32,
        warn_at_percent: u8,
        schedule: &Schedule,
        now: DateTime<Utc>,
    ) -> Self {
        let mut clock = Self {
            metric,
            target_minutes,
            warn_at_percent,
            started_at: now,
            consumed_seconds: 0,
            segment_started_at: now,
            paused_since: None,
            warn_at: None,
            due_at: None,
            met_at: None,
            warned_at: None,
            breached_at: None,
        };
        clock.plan(schedule, now);
        clock
    }

    pub fn target_seconds(&self) -> i64 {
        i64::from(self.target_minutes) * 60
    }

    /// The warning threshold: `warn_at_percent` of the target, in whole seconds (rounded down).
    pub fn warn_seconds(&self) -> i64 {
        self.target_seconds() * i64::from(self.warn_at_percent.min(100)) / 100
    }

    pub fn is_running(&self) -> bool {
        self.paused_since.is_none() && self.met_at.is_none()
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some() && self.met_at.is_none()
    }

    pub fn is_met(&self) -> bool {
        self.met_at.is_some()
    }

    /// Business seconds used by `now` (never counting paused time; frozen once met).
    pub fn elapsed_seconds(&self, schedule: &Schedule, now: DateTime<Utc>) -> i64 {
        if !self.is_running() || now <= self.segment_started_at {
            return self.consumed_seconds;
        }
        self.consumed_seconds + schedule.seconds_between(self.segment_started_at, now)
    }

    /// Target minus elapsed business seconds; negative when overdue.
    pub fn remaining_seconds(&self, schedule: &Schedule, now: DateTime<Utc>) -> i64 {
        self.target_seconds() - self.elapsed_seconds(schedule, now)
    }

    /// Business minutes left, rounded down: "剩余 1 小时 20 分" for 80, "超时 35 分" for −35; 0 at the due instant,
    /// −1 from one second after it.
    pub fn remaining_minutes(&self, schedule: &Schedule, now: DateTime<Utc>) -> i64 {
        self.remaining_seconds(schedule, now).div_euclid(60)
    }

    /// The clock's state at `now`: met; else breached (target used up, or a breach was recorded — a recorded breach
    /// sticks even if the target is raised later); else paused; else warning (at or past the warning share); else
    /// ok.
    pub fn state(&self, schedule: &Schedule, now: DateTime<Utc>) -> SlaState {
        if self.is_met() {
            return SlaState::Met;
        }
        let elapsed = self.elapsed_seconds(schedule, now);
        if self.breached_at.is_some() || elapsed >= self.target_seconds() {
            SlaState::Breached
        } else if self.is_paused() {
            SlaState::Paused
        } else if elapsed >= self.warn_seconds() {
            SlaState::Warning
        } else {
            SlaState::Ok
        }
    }

    /// Met before the target was used up.
    pub fn met_within_target(&self) -> bool {
        self.is_met() && self.breached_at.is_none() && self.consumed_seconds < self.target_seconds()
    }

    /// The warning and breach events that are due at `now` and not yet recorded, in that order: a warning once the
    /// warning share is used up, a breach once the target is, each only while `warned_at` / `breached_at`
    /// is unset — so a worker that records them (setting those fields with a conditional update) does so exactly
    /// once. A paused clock still reports what it crossed before pausing; a met clock reports nothing (the
    /// transitions record what was due when the clock stopped).
    pub fn due_events(&self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        let mut events = Vec::new();
        if self.is_met() {
            return events;
        }
        let elapsed = self.elapsed_seconds(schedule, now);
        let breach_due = self.breached_at.is_none() && elapsed >= self.target_seconds();
        if self.warned_at.is_none() && self.breached_at.is_none() && elapsed >= self.warn_seconds() {
            events.push(self.event(SlaEventKind::Warning, self.warn_at.unwrap_or(now).min(now)));
        }
        if breach_due {
            events.push(self.event(SlaEventKind::Breached, self.due_at.unwrap_or(now).min(now)));
        }
        events
    }

    /// Notes that a warning or breach event was recorded (sets `warned_at` / `breached_at` to the event's `at`).
    /// Returns false when it already was (or the event is not a warning or breach).
    pub fn record(&mut self, event: &SlaEvent) -> bool {
        let slot = match event.kind {
            SlaEventKind::Warning => &mut self.warned_at,
            SlaEventKind::Breached => &mut self.breached_at,
            _ => return false,
        };
        if slot.is_some() {
            return false;
        }
        *slot = Some(event.at);
        true
    }

    /// Records whatever `due_events` reports at `now` and returns it.
    pub fn record_due(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        let events = self.due_events(schedule, now);
        for event in &events {
            self.record(event);
        }
        events
    }

    /// Stops counting (the ticket waits on the customer). Records due warnings/breaches first. No-op (no events)
    /// when paused or met already.
    pub fn pause(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        if !self.is_running() {
            return Vec::new();
        }
        let mut events = self.record_due(schedule, now);
        let now = now.max(self.segment_started_at);
        self.consumed_seconds = self.elapsed_seconds(schedule, now);
        self.paused_since = Some(now);
        self.plan(schedule, now);
        events.push(self.event(SlaEventKind::Paused, now));
        events
    }

    /// Counts again from `now`; the due time moves by the business time spent paused. No-op unless paused.
    pub fn resume(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        let Some(paused_since) = self.paused_since.filter(|_| !self.is_met()) else {
            return Vec::new();
        };
        let now = now.max(paused_since);
        self.paused_since = None;
        self.segment_started_at = now;
        self.plan(schedule, now);
        let mut events = vec![self.event(SlaEventKind::Resumed, now)];
        events.extend(self.record_due(schedule, now));
        events
    }

    /// Stops the clock for good (first reply, resolution). Records due warnings/breaches first, so a late answer
    /// still leaves its breach in the history. No-op when met already.
    pub fn meet(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        if self.is_met() {
            return Vec::new();
        }
        let mut events = self.record_due(schedule, now);
        let now = now.max(self.segment_started_at);
        self.consumed_seconds = self.elapsed_seconds(schedule, now);
        self.paused_since = None;
        self.met_at = Some(now);
        events.push(self.event(SlaEventKind::Met, now));
        events
    }

    /// Runs a met clock again from `now` (reopened ticket), keeping the business time already used. Recorded
    /// warnings and breaches stay recorded. No-op unless met.
    pub fn reopen(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        let Some(met_at) = self.met_at else {
            return Vec::new();
        };
        let now = now.max(met_at);
        self.met_at = None;
        self.paused_since = None;
        self.segment_started_at = now;
        self.plan(schedule, now);
        let mut events = vec![self.event(SlaEventKind::Reopened, now)];
        events.extend(self.record_due(schedule, now));
        events
    }

    /// Changes the target and warning share (priority or policy changed), keeping the business time used; the due
    /// and warning times are recomputed. A met clock keeps its target. No-op when nothing changes.
    pub fn retarget(
        &mut self,
        schedule: &Schedule,
        target_minutes: u32,
        warn_at_percent: u8,
        now: DateTime<Utc>,
    ) -> Vec<SlaEvent> {
        if self.is_met() || (self.target_minutes == target_minutes && self.warn_at_percent == warn_at_percent) {
            return Vec::new();
        }
        self.target_minutes = target_minutes;
        self.warn_at_percent = warn_at_percent;
        self.warn_at = None;
        self.due_at = None;
        self.plan(schedule, now);
        let mut events = vec![self.event(SlaEventKind::Retargeted, now)];
        events.extend(self.record_due(schedule, now));
        events
    }

    /// Moves a running clock onto another schedule (its calendar was edited, or the policy's calendar changed): the
    /// business time used so far is measured on `old` up to `now`, the rest of the target on `new` from `now`. Paused
    /// and met clocks only get their thresholds recomputed on their next resume. Returns whether the clock changed.
    pub fn rebase(&mut self, old: &Schedule, new: &Schedule, now: DateTime<Utc>) -> bool {
        if !self.is_running() {
            return false;
        }
        let now = now.max(self.segment_started_at);
        self.consumed_seconds = self.elapsed_seconds(old, now);
        self.segment_started_at = now;
        self.plan(new, now);
        true
    }

    /// When the worker should next look at this clock: the earliest of `warn_at` (warning not recorded) and
    /// `due_at` (breach not recorded); `None` when met, or paused short of both thresholds. `due_events(now)` is
    /// non-empty exactly when this is `Some(t)` with `t <= now`. Store it (the earliest over a ticket's clocks) in
    /// an indexed column and scan `WHERE next_check_at <= now`.
    pub fn next_check_at(&self) -> Option<DateTime<Utc>> {
        if self.is_met() {
            return None;
        }
        let warn = self.warn_at.filter(|_| self.warned_at.is_none() && self.breached_at.is_none());
        let breach = self.due_at.filter(|_| self.breached_at.is_none());
        warn.into_iter().chain(breach).min()
    }

    /// The clock's event of `kind` at `at`, carrying the current due time and target.
    pub fn event(&self, kind: SlaEventKind, at: DateTime<Utc>) -> SlaEvent {
        SlaEvent { metric: self.metric, kind, at, due_at: self.due_at, target_minutes: self.target_minutes }
    }

    /// Recomputes `warn_at` and `due_at`. A threshold ahead of the used business time: while running, the instant
    /// the current segment reaches it; while paused, unknown (`None`). A threshold already behind: the instant it
    /// was reached if known, else the start of the current segment or `now`, whichever is earlier.
    fn plan(&mut self, schedule: &Schedule, now: DateTime<Utc>) {
        let running = self.is_running();
        let consumed = self.consumed_seconds;
        let segment = self.segment_started_at;
        let at = |threshold: i64, known: Option<DateTime<Utc>>| {
            if threshold > consumed {
                running.then(|| schedule.add_seconds(segment, threshold - consumed))
            } else {
                Some(known.unwrap_or(segment.min(now)))
            }
        };
        self.warn_at = at(self.warn_seconds(), self.warn_at);
        self.due_at = at(self.target_seconds(), self.due_at);
    }
}

/// `clock.state(schedule, now)`.
pub fn evaluate_clock(clock: &SlaClock, schedule: &Schedule, now: DateTime<Utc>) -> SlaState {
    clock.state(schedule, now)
}

/// `clock.remaining_minutes(schedule, now)`: negative when overdue.
pub fn remaining_minutes(clock: &SlaClock, schedule: &Schedule, now: DateTime<Utc>) -> i64 {
    clock.remaining_minutes(schedule, now)
}

/// `clock.due_events(schedule, now)`: the warning/breach events to record now, each exactly once.
pub fn due_events(clock: &SlaClock, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
    clock.due_events(schedule, now)
}
