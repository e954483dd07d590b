//! A ticket's SLA: the policy applied and its two clocks, driven by the ticket's life.

use chrono::{DateTime, Utc};

use super::clock::{SlaClock, SlaEvent, SlaEventKind, SlaMetric, SlaState};
use super::policy::SlaPolicy;
use crate::calendar::Schedule;
use crate::ticket::{Priority, TicketStatus};

/// The SLA of one ticket. The schedule passed to every method is the one of `calendar_id` (or `Schedule::always`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TicketSla {
    #[schema(example = 3)]
    pub policy_id: i64,
    #[schema(example = 1)]
    pub calendar_id: Option<i64>,
    pub first_response: Option<SlaClock>,
    pub resolution: Option<SlaClock>,
}

/// Business time and state of one clock at a moment, for the API and the countdown badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaClockView {
    pub metric: SlaMetric,
    pub state: SlaState,
    #[schema(example = 240)]
    pub target_minutes: u32,
    /// Business minutes left (rounded down); negative when overdue.
    #[schema(example = 80)]
    pub remaining_minutes: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    pub warned_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

impl SlaClock {
    pub fn view(&self, schedule: &Schedule, now: DateTime<Utc>) -> SlaClockView {
        SlaClockView {
            metric: self.metric,
            state: self.state(schedule, now),
            target_minutes: self.target_minutes,
            remaining_minutes: self.remaining_minutes(schedule, now),
            due_at: self.due_at,
            paused_since: self.paused_since,
            met_at: self.met_at,
            warned_at: self.warned_at,
            breached_at: self.breached_at,
        }
    }
}

/// The state of a ticket from its clocks' states: breached if any is; else warning if any is; else ok if any runs;
/// else paused if any is paused; else met. `None` without clocks.
pub fn combine_states(states: impl IntoIterator<Item = SlaState>) -> Option<SlaState> {
    let rank = |s: &SlaState| match s {
        SlaState::Breached => 4,
        SlaState::Warning => 3,
        SlaState::Ok => 2,
        SlaState::Paused => 1,
        SlaState::Met => 0,
    };
    states.into_iter().max_by_key(rank)
}

impl TicketSla {
    /// Starts the clocks the policy has targets for at the ticket's priority, running from `now` (the ticket is
    /// open and not pending; call `on_status_change` next otherwise).
    pub fn start(
        policy: &SlaPolicy,
        priority: Priority,
        schedule: &Schedule,
        now: DateTime<Utc>,
    ) -> (Self, Vec<SlaEvent>) {
        let start = |metric| {
            policy
                .targets
                .minutes(priority, metric)
                .map(|minutes| SlaClock::start(metric, minutes, policy.warn_at_percent, schedule, now))
        };
        let sla = Self {
            policy_id: policy.id,
            calendar_id: policy.calendar_id,
            first_response: start(SlaMetric::FirstResponse),
            resolution: start(SlaMetric::Resolution),
        };
        let events = sla.clocks().map(|c| c.event(SlaEventKind::Started, now)).collect();
        (sla, events)
    }

    pub fn clocks(&self) -> impl Iterator<Item = &SlaClock> {
        self.first_response.iter().chain(self.resolution.iter())
    }

    pub fn clocks_mut(&mut self) -> impl Iterator<Item = &mut SlaClock> {
        self.first_response.iter_mut().chain(self.resolution.iter_mut())
    }

    pub fn clock(&self, metric: SlaMetric) -> Option<&SlaClock> {
        match metric {
            SlaMetric::FirstResponse => self.first_response.as_ref(),
            SlaMetric::Resolution => self.resolution.as_ref(),
        }
    }

    /// The ticket's SLA state (see `combine_states`).
    pub fn state(&self, schedule: &Schedule, now: DateTime<Utc>) -> Option<SlaState> {
        combine_states(self.clocks().map(|c| c.state(schedule, now)))
    }

    /// The due time to sort and filter by: the earliest `due_at` of the clocks not met (`None` when all are met or
    /// paused short of their target).
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        self.clocks().filter(|c| !c.is_met()).filter_map(|c| c.due_at).min()
    }

    /// When the worker should next look at this ticket (the earliest `SlaClock::next_check_at`).
    pub fn next_check_at(&self) -> Option<DateTime<Utc>> {
        self.clocks().filter_map(SlaClock::next_check_at).min()
    }

    /// Warning and breach events due at `now`, not yet recorded (first response before resolution).
    pub fn due_events(&self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        self.clocks().flat_map(|c| c.due_events(schedule, now)).collect()
    }

    /// Records due warnings and breaches (what the worker does under its row lock) and returns them.
    pub fn record_due(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        self.clocks_mut().flat_map(|c| c.record_due(schedule, now)).collect()
    }

    /// Follows a status change:
    ///
    /// - into `pending`: every running clock pauses;
    /// - out of `pending` into another open status: paused clocks resume;
    /// - into `resolved` or `closed`: every clock not met is met (resolving also answers the first response);
    /// - out of `resolved`/`closed` into an open status (reopen): the resolution clock runs again (paused if the
    ///   new status is `pending`); the first response stays met.
    pub fn on_status_change(
        &mut self,
        schedule: &Schedule,
        from: TicketStatus,
        to: TicketStatus,
        now: DateTime<Utc>,
    ) -> Vec<SlaEvent> {
        let mut events = Vec::new();
        if from == to {
            return events;
        }
        if !to.is_open() {
            for clock in self.clocks_mut() {
                events.extend(clock.meet(schedule, now));
            }
            return events;
        }
        if !from.is_open()
            && let Some(clock) = self.resolution.as_mut()
        {
            events.extend(clock.reopen(schedule, now));
        }
        for clock in self.clocks_mut() {
            if to == TicketStatus::Pending {
                events.extend(clock.pause(schedule, now));
            } else {
                events.extend(clock.resume(schedule, now));
            }
        }
        events
    }

    /// Moves the running clocks onto another schedule (see `SlaClock::rebase`); call it for every open ticket on a
    /// calendar after the calendar was edited, and before `reapply` when the new policy uses another calendar.
    pub fn rebase(&mut self, old: &Schedule, new: &Schedule, now: DateTime<Utc>) -> bool {
        let mut changed = false;
        for clock in self.clocks_mut() {
            changed |= clock.rebase(old, new, now);
        }
        changed
    }

    /// A public reply by staff: meets the first-response clock (no-op when met or absent).
    pub fn on_public_reply(&mut self, schedule: &Schedule, now: DateTime<Utc>) -> Vec<SlaEvent> {
        match self.first_response.as_mut() {
            Some(clock) => clock.meet(schedule, now),
            None => Vec::new(),
        }
    }

    /// Re-applies a policy after the priority or the ticket's facts changed (`policy` may be another one; the
    /// schedule is the new policy's). Per metric:
    ///
    /// - a clock not met gets the new target (business time used is kept; due times are recomputed) or, when the
    ///   new policy has no target for it, is cancelled (removed);
    /// - a met clock stays as it is;
    /// - a missing clock with a new target starts at `now` — paused when `status` is pending, not at all when the
    ///   ticket is resolved or closed, and for the first response only when `responded` is false.
    pub fn reapply(
        &mut self,
        policy: &SlaPolicy,
        priority: Priority,
        status: TicketStatus,
        responded: bool,
        schedule: &Schedule,
        now: DateTime<Utc>,
    ) -> Vec<SlaEvent> {
        let mut events = Vec::new();
        self.policy_id = policy.id;
        self.calendar_id = policy.calendar_id;
        for metric in [SlaMetric::FirstResponse, SlaMetric::Resolution] {
            let target = policy.targets.minutes(priority, metric);
            let slot = match metric {
                SlaMetric::FirstResponse => &mut self.first_response,
                SlaMetric::Resolution => &mut self.resolution,
            };
            match (slot.as_mut(), target) {
                (Some(clock), _) if clock.is_met() => {}
                (Some(clock), Some(minutes)) => {
                    events.extend(clock.retarget(schedule, minutes, policy.warn_at_percent, now));
                }
                (Some(clock), None) => {
                    events.push(clock.event(SlaEventKind::Cancelled, now));
                    *slot = None;
                }
                (None, Some(minutes)) => {
                    let wanted = status.is_open() && !(metric == SlaMetric::FirstResponse && responded);
                    if wanted {
                        let mut clock = SlaClock::start(metric, minutes, policy.warn_at_percent, schedule, now);
                        events.push(clock.event(SlaEventKind::Started, now));
                        if status == TicketStatus::Pending {
                            events.extend(clock.pause(schedule, now));
                        }
                        *slot = Some(clock);
                    }
                }
                (None, None) => {}
            }
        }
        events
    }
}
