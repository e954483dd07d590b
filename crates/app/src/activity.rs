//! Who hears about what happens on a ticket: @mentions, watchers (关注), the assignee, and the requester for
//! public updates. Everyone told must be able to see the ticket, and internal notes reach only staff who may read
//! them — the rule that keeps internal content from customers holds for notifications too.

use loopdesk_domain::notify::{self, NotifyKind};
use loopdesk_domain::policy::{self, Actor, UserKind};
use loopdesk_domain::ticket::{self as rules, TicketStatus};
use loopdesk_persistence::DbConn;
use loopdesk_persistence::models::TicketRow;
use loopdesk_persistence::queries::delivery as q;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::actor_of_user;
use crate::kernel::{TicketChange, WriteStep, access_facts};
use crate::{App, AppError, AppResult};

/// What a use case did that people should hear of: left as a note on the change (`EventLog::note`) and told by
/// the `TellPeople` write step once the change is saved.
pub(crate) enum Activity {
    Comment {
        internal: bool,
        body: String,
    },
    Status {
        to: TicketStatus,
    },
    /// a hand-over by a person: the new assignee hears of it; `from` is who held the ticket before
    HandedOver {
        from: Option<i64>,
    },
}

/// The write step that tells people about the change's activity notes, in its transaction.
pub(crate) struct TellPeople;

impl WriteStep for TellPeople {
    fn name(&self) -> &'static str {
        "tell people"
    }

    fn after_save(&self, app: &App, conn: &mut DbConn, change: &mut TicketChange) -> AppResult<()> {
        let Some(actor) = change.by.actor() else { return Ok(()) };
        for activity in change.log.take_notes::<Activity>() {
            match activity {
                Activity::HandedOver { from } => {
                    app.notify_new_assignee(conn, &change.after, actor, from, change.at())?
                }
                other => app.notify_activity(conn, &change.after, actor, other, change.at())?,
            }
        }
        Ok(())
    }
}

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
    let names: std::collections::HashMap<i64, String> =
        loopdesk_persistence::queries::directory::user_names(conn, &user_ids)?.into_iter().collect();
    let watchers = user_ids
        .iter()
        .map(|id| Watcher { user_id: *id, name: names.get(id).cloned().unwrap_or_else(|| format!("#{id}")) })
        .collect();
    Ok(WatchersView { ticket_id, user_ids, watchers })
}

/// The users among `candidates` who may see this ticket (and, for internal content, read internal notes).
fn audience(conn: &mut DbConn, ticket: &TicketRow, candidates: &[i64], internal: bool) -> AppResult<Vec<i64>> {
    let mut allowed = Vec::new();
    for user in candidates {
        let Some(actor) = actor_of_user(conn, *user)? else { continue };
        if policy::can_view(&actor, &access_facts(ticket)) && (!internal || policy::sees_internal(&actor)) {
            allowed.push(*user);
        }
    }
    Ok(allowed)
}

impl App {
    /// Notifies about a reply, note or status change, in the change's transaction: the people @mentioned (staff
    /// who can see the ticket), then the watchers and the assignee, then — for public updates only — the requester.
    /// Nobody hears about their own action, nobody twice.
    fn notify_activity(
        &self,
        conn: &mut DbConn,
        ticket: &TicketRow,
        actor: &Actor,
        activity: Activity,
        at: chrono::NaiveDateTime,
    ) -> AppResult<()> {
        let number = rules::format_ticket_number(ticket.id);
        let internal = matches!(activity, Activity::Comment { internal: true, .. });
        let mut told = vec![actor.user_id];

        if let Activity::Comment { body, .. } = &activity {
            let handles = notify::mentions(body);
            let named: Vec<i64> =
                q::staff_by_handles(conn, &handles)?.into_iter().filter(|u| !told.contains(u)).collect();
            let mentioned = audience(conn, ticket, &named, internal)?;
            if !mentioned.is_empty() {
                let title = format!("{number} 有人提到了你 / you were mentioned");
                self.notify(conn, NotifyKind::Mentioned, ticket, title, &mentioned, at)?;
                told.extend(mentioned);
            }
        }

        let mut followers = q::watchers_of(conn, ticket.id)?;
        followers.extend(ticket.assignee_id);
        followers.retain(|u| !told.contains(u));
        followers.sort_unstable();
        followers.dedup();
        let followers = audience(conn, ticket, &followers, internal)?;
        let what = match &activity {
            Activity::Comment { internal: true, .. } => "新的内部批注 / new internal note".to_string(),
            Activity::Comment { .. } => "新回复 / new reply".to_string(),
            Activity::Status { to } => format!("状态变为 {to} / status is now {to}"),
            Activity::HandedOver { .. } => return Ok(()),
        };
        if !followers.is_empty() {
            self.notify(conn, NotifyKind::TicketUpdated, ticket, format!("{number} {what}"), &followers, at)?;
            told.extend(followers);
        }

        if !internal && !told.contains(&ticket.requester_id) {
            let requester = audience(conn, ticket, &[ticket.requester_id], false)?;
            self.notify(conn, NotifyKind::TicketReplied, ticket, format!("{number} {what}"), &requester, at)?;
        }
        Ok(())
    }

    /// A hand-over by a person tells the new assignee (unless they did it themselves).
    fn notify_new_assignee(
        &self,
        conn: &mut DbConn,
        ticket: &TicketRow,
        actor: &Actor,
        before: Option<i64>,
        at: chrono::NaiveDateTime,
    ) -> AppResult<()> {
        match ticket.assignee_id {
            Some(user) if Some(user) != before && user != actor.user_id => {
                let title = format!("{} 已分配给你 / assigned to you", rules::format_ticket_number(ticket.id));
                self.notify(conn, NotifyKind::TicketAssigned, ticket, title, &[user], at)
            }
            _ => Ok(()),
        }
    }

    pub fn list_watchers(&self, actor: &Actor, ticket_id: i64) -> AppResult<WatchersView> {
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        if actor.is_customer() {
            return Err(AppError::NotFound("ticket"));
        }
        watchers_view(&mut conn, ticket.id)
    }

    /// Staff follow a ticket they can see (themselves; others need tickets_assign).
    pub fn add_watcher(&self, actor: &Actor, ticket_id: i64, input: &WatchInput) -> AppResult<WatchersView> {
        if actor.kind != UserKind::Staff {
            return Err(AppError::Forbidden("only staff can watch tickets".into()));
        }
        let user_id = input.user_id.unwrap_or(actor.user_id);
        if user_id != actor.user_id {
            policy::require(actor, loopdesk_domain::policy::Permission::TicketsAssign)?;
        }
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        if audience(&mut conn, &ticket, &[user_id], false)?.is_empty() {
            return Err(AppError::invalid("user_id", "must be staff who can see this ticket"));
        }
        q::add_watcher(&mut conn, ticket.id, user_id, self.now_naive())?;
        watchers_view(&mut conn, ticket.id)
    }

    pub fn remove_watcher(&self, actor: &Actor, ticket_id: i64, user_id: i64) -> AppResult<WatchersView> {
        if user_id != actor.user_id {
            policy::require(actor, loopdesk_domain::policy::Permission::TicketsAssign)?;
        }
        let mut conn = self.conn()?;
        let ticket = self.visible_ticket(&mut conn, actor, ticket_id)?;
        q::remove_watcher(&mut conn, ticket.id, user_id)?;
        watchers_view(&mut conn, ticket.id)
    }
}
