//! Who hears about what happens on a ticket: @mentions, watchers (关注), the assignee, and the requester for
//! public updates. Everyone told must be able to see the ticket, and internal notes reach only staff who may read
//! them — the rule that keeps internal content from customers holds for notifications too.

use loopdesk_domain::notify::{self, NoticeParams, NotifyKind, TicketUpdate};
use loopdesk_domain::policy::{self, Actor};
use loopdesk_domain::ticket::{self as rules, TicketStatus};
use loopdesk_persistence::DbConn;
use loopdesk_persistence::models::TicketRow;
use loopdesk_persistence::queries::{delivery as q, watchers as watchers_q};

use crate::auth::actor_of_user;
use crate::kernel::{TicketChange, WriteStep, access_facts};
use crate::{App, AppResult};

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

/// The users among `candidates` who may see this ticket (and, for internal content, read internal notes).
pub(crate) fn audience(
    conn: &mut DbConn,
    ticket: &TicketRow,
    candidates: &[i64],
    internal: bool,
) -> AppResult<Vec<i64>> {
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
                self.notify(conn, NotifyKind::Mentioned, ticket, NoticeParams::ticket(&number), &mentioned, at)?;
                told.extend(mentioned);
            }
        }

        let mut followers = watchers_q::watchers_of(conn, ticket.id)?;
        followers.extend(ticket.assignee_id);
        followers.retain(|u| !told.contains(u));
        followers.sort_unstable();
        followers.dedup();
        let followers = audience(conn, ticket, &followers, internal)?;
        let what = match &activity {
            Activity::Comment { internal: true, .. } => {
                NoticeParams { update: Some(TicketUpdate::InternalNote), ..NoticeParams::ticket(&number) }
            }
            Activity::Comment { .. } => {
                NoticeParams { update: Some(TicketUpdate::Reply), ..NoticeParams::ticket(&number) }
            }
            Activity::Status { to } => {
                NoticeParams { update: Some(TicketUpdate::Status), status: Some(*to), ..NoticeParams::ticket(&number) }
            }
            Activity::HandedOver { .. } => return Ok(()),
        };
        if !followers.is_empty() {
            self.notify(conn, NotifyKind::TicketUpdated, ticket, what.clone(), &followers, at)?;
            told.extend(followers);
        }

        if !internal && !told.contains(&ticket.requester_id) {
            let requester = audience(conn, ticket, &[ticket.requester_id], false)?;
            self.notify(conn, NotifyKind::TicketReplied, ticket, what, &requester, at)?;
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
                let params = NoticeParams::ticket(rules::format_ticket_number(ticket.id));
                self.notify(conn, NotifyKind::TicketAssigned, ticket, params, &[user], at)
            }
            _ => Ok(()),
        }
    }
}
