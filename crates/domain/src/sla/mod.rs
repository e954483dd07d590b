//! SLA (服务等级): policies chosen by routing conditions, first-response and resolution clocks on a business
//! calendar, pauses while waiting on the customer, warnings and breaches recorded exactly once.
//!
//! Everything is pure. The life of a ticket's SLA, as the app runs it:
//!
//! 1. on creation: load the enabled policies and `select_policy(&policies, &facts)` (the same `TicketFacts` and
//!    `dispatch::Condition`s as routing); compile the policy's calendar (`BusinessCalendar::compile`, or
//!    `Schedule::always()` without one) and `TicketSla::start` → clocks with `due_at` / `warn_at`;
//! 2. on every status change `TicketSla::on_status_change` (pending pauses, leaving pending resumes, resolved or
//!    closed meets, reopen runs the resolution clock again); on the first public staff reply `on_public_reply`;
//!    on a priority change or a change of the facts `reapply` with the (re-)selected policy; after a calendar edit
//!    `rebase` the open tickets on it;
//! 3. a worker scans tickets whose `TicketSla::next_check_at` has passed, calls `record_due` under a row lock (or
//!    a conditional update on `warned_at` / `breached_at IS NULL`) and notifies about the returned events;
//! 4. the API shows `SlaClock::view` (state, remaining minutes for the badge, due time).
//!
//! Every transition returns the `SlaEvent`s to append to the ticket history; transitions that stop or move a clock
//! first record the warnings and breaches that were due, so a late answer still leaves its breach in the history.

mod clock;
mod policy;
mod ticket;
mod words;
pub use words::sla_words;

pub use clock::{SlaClock, SlaEvent, SlaEventKind, SlaMetric, SlaState, due_events, evaluate_clock, remaining_minutes};
pub use policy::{
    BreachActions, DEFAULT_WARN_AT_PERCENT, MAX_POLICY_NAME_CHARS, MAX_TARGET_MINUTES, SlaPolicy, SlaTarget,
    SlaTargets, select_policy, validate_policy,
};
pub use ticket::{SlaClockView, TicketSla, combine_states};
