//! The condition language: tests on a ticket's facts ("priority is high or urgent", "the subject mentions 不制冷",
//! "the organisation's tier is vip", "a custom field is above 5000"), as data an admin edits and the app stores as
//! JSON. One language for every module that selects tickets: routing rules and SLA policies today; workflows,
//! macros and webhook filters next.
//!
//! - `TicketFacts`: what a condition sees of a ticket (built by the app from the ticket row);
//! - `Condition`: one test; a list holds when all its tests hold;
//! - `condition_matches` / `all_match`: the test, pure and allocation-light (Chinese works by substring);
//! - `check_conditions` / `validate_conditions`: on save, against what exists (`KnownRefs`).

mod facts;
pub(crate) mod matcher;
mod model;
pub(crate) mod text;
mod validate;
mod window;

pub use facts::TicketFacts;
pub use matcher::{SoFar, all_match, condition_matches};
pub use model::{Condition, FieldOperator, KeywordScope, RegionOperator, TagMatch};
pub use text::{eq_normalized, normalize_text};
pub use validate::{
    KnownRefs, MAX_CONDITIONS, MAX_KEYWORD_CHARS, MAX_KEYWORDS, MAX_LIST_ITEMS, check_conditions, operators_for,
    referenced_organization_ids, referenced_user_ids, validate_conditions,
};
pub use window::{
    MAX_UTC_OFFSET_MINUTES, MIN_UTC_OFFSET_MINUTES, MINUTES_PER_DAY, TimeWindow, Weekday, parse_time_of_day,
};
