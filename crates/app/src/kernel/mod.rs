//! The ticket-write kernel: what every module that touches tickets stands on. It holds the change loop and the
//! one commit path with its write steps (`write`), the change's record (`events`), status application and
//! hand-over (`status`), the facts rules decide on (`facts`), how values sit in text columns (`codec`), paging
//! (`paging`) and ordered lists (`order`).
//!
//! The kernel depends on no other module of this crate; every module may depend on it.

mod codec;
mod events;
mod facts;
mod order;
mod paging;
mod status;
mod write;

pub use codec::double_option;
pub(crate) use codec::{JsonMap, id_text, to_json, trimmed_note};
pub(crate) use events::{By, EventLog};
pub(crate) use facts::{access_facts, organization_tier, point, ticket_facts};
pub(crate) use order::checked_order;
pub use paging::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
pub(crate) use paging::{id_page, lookahead, next_id_cursor};
pub(crate) use status::{apply_status, hand_over, set_tags, status_of};
pub(crate) use write::{NewTicketDraft, TicketChange, WriteStep};
