//! Route handlers, one module per resource. Handlers only speak HTTP: they
//! check the request's shape, call one use case on the blocking pool, and shape the response.

pub mod agents;
pub mod api_keys;
pub mod auth;
pub mod delivery;
pub mod dispatch;
pub mod groups;
pub mod ops;
pub mod organizations;
pub mod sla;
pub mod ticket_types;
pub mod tickets;
pub mod users;
