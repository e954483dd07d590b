//! Queries, one module per aggregate. Each function takes a connection so the
//! app decides the transaction boundaries.

pub mod attachments;
pub mod auth;
pub mod delivery;
pub mod directory;
pub mod dispatch;
pub mod notifications;
pub mod reports;
pub mod sla;
pub mod ticket_types;
pub mod tickets;
pub mod watchers;

/// Keyset page request: rows strictly after `after_id` in id order.
#[derive(Debug, Clone, Copy)]
pub struct IdPage {
    pub after_id: Option<i64>,
    pub limit: i64,
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends (diesel has no `ilike` for the shared connection).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}
