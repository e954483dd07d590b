//! Loopdesk's domain rules: ticket lifecycle, custom fields, access policy and dispatch.
//!
//! Pure logic only — no I/O — so every other crate can share one source of truth.

#[macro_use]
mod wire;

pub mod attachments;
pub mod calendar;
pub mod conditions;
pub mod dispatch;
pub mod errors;
pub mod fields;
pub mod geo;
pub mod ids;
pub mod input;
pub mod locale;
pub mod net;
pub mod notify;
pub mod policy;
pub mod sign_in;
pub mod sla;
pub mod ticket;

pub use errors::FieldErrors;
pub use fields::{
    FieldDefinition, FieldKind, WriteMode, Writer, customer_view, index_entries, referenced_user_ids,
    validate_definitions, validate_values,
};
pub use policy::{
    Actor, BUILTIN_ROLES, Denied, Permission, TicketAccessFacts, TicketVisibility, UserKind, can_view,
    default_permissions, forbidden_for_customers, may_comment, may_transition, require, sees_internal,
    ticket_visibility,
};
pub use ticket::{
    Channel, EventKind, Priority, TicketStatus, TransitionError, check_transition, format_ticket_number,
    normalize_tags, parse_ticket_number, status_after_assignment,
};
