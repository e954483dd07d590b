//! Watchers (关注): staff who follow a ticket hear of its replies, notes and status changes (see `activity`).

use loopdesk_domain::ids::{TicketId, UserId};
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_persistence::DbConn;
use loopdesk_persistence::queries::{directory, watchers as q};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::activity::audience;
use crate::auth::actor_of_user;
use crate::{App, AppError, AppResult};

/// Add a watcher: yourself when `user_id` is left out.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct WatchInput {
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WatchersView {
    pub ticket_id: i64,
    pub user_ids: Vec<i64>,
    /// the same people with their display names, in the same order
    pub watchers: Vec<Watcher>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Watcher {
    pub user_id: i64,
    #[schema(example = "王工")]
    pub name: String,
}

fn watchers_view(conn: &mut DbConn, ticket_id: i64) -> AppResult<WatchersView> {
    let user_ids = q::watchers_of(conn, ticket_id)?;
    let names: std::collections::HashMap<i64, String> = directory::user_names(conn, &user_ids)?.into_iter().collect();
    let watchers = user_ids
        .iter()
        .map(|id| Watcher { user_id: *id, name: names.get(id).cloned().unwrap_or_else(|| format!("#{id}")) })
        .collect();
    Ok(WatchersView { ticket_id, user_ids, watchers })
}

impl App {
    pub fn list_watchers(&self, actor: &Actor, ticket_id: TicketId) -> AppResult<WatchersView> {
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        if actor.is_customer() {
            return Err(AppError::NotFound("ticket"));
        }
        watchers_view(&mut conn, ticket.id)
    }

    /// Staff follow a ticket they can see (themselves; others need tickets_assign).
    pub fn add_watcher(&self, actor: &Actor, ticket_id: TicketId, input: &WatchInput) -> AppResult<WatchersView> {
        if actor.kind != UserKind::Staff {
            return Err(AppError::Forbidden("only staff can watch tickets".into()));
        }
        let user_id = input.user_id.unwrap_or(actor.user_id);
        if user_id == actor.user_id {
            policy::may_change_personal_state(actor)?;
        } else {
            policy::require(actor, Permission::TicketsAssign)?;
        }
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        let staff = actor_of_user(&mut conn, user_id)?.is_some_and(|watcher| watcher.kind == UserKind::Staff);
        if !staff || audience(&mut conn, &ticket, &[user_id], false)?.is_empty() {
            return Err(AppError::invalid("user_id", "must be staff who can see this ticket"));
        }
        q::add_watcher(&mut conn, ticket.id, user_id, self.now_naive())?;
        watchers_view(&mut conn, ticket.id)
    }

    pub fn remove_watcher(&self, actor: &Actor, ticket_id: TicketId, user_id: UserId) -> AppResult<WatchersView> {
        if user_id == UserId(actor.user_id) {
            policy::may_change_personal_state(actor)?;
        } else {
            policy::require(actor, Permission::TicketsAssign)?;
        }
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        q::remove_watcher(&mut conn, ticket.id, user_id.get())?;
        watchers_view(&mut conn, ticket.id)
    }
}
