//! In-app notifications (站内通知): each person's list with unread counts and marking read, and the feed behind the
//! live stream. What gets written, and to whom, is `delivery` (`App::notify`) and `activity`.

use chrono::{DateTime, Utc};
use loopdesk_domain::notify::NoticeParams;
use loopdesk_domain::policy::{self, Actor};
use loopdesk_persistence::models::NotificationRow;
use loopdesk_persistence::queries::notifications as q;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kernel::id_page;
use crate::views::Page;
use crate::{App, AppResult, utc};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// ticket_assigned, ticket_escalated …
    #[schema(example = "ticket_assigned")]
    pub kind: String,
    pub ticket_id: Option<i64>,
    /// the one line in the recipient's language (their `locale`); clients render `kind` + `params` in their own
    #[schema(example = "T-000042 已分配给你")]
    pub title: String,
    /// what the notification says, as data
    pub params: NoticeParams,
    #[schema(example = "3 号楼空调不制冷")]
    pub body: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// only unread ones
    #[serde(default)]
    pub unread: bool,
    pub limit: Option<i64>,
    /// next_cursor from the previous page
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// Which notifications to mark read; without ids, all of yours.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MarkReadInput {
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MarkedRead {
    pub marked: usize,
}

fn notification_view(row: &NotificationRow) -> NotificationView {
    NotificationView {
        id: row.id,
        kind: row.kind.clone(),
        ticket_id: row.ticket_id,
        title: row.title.clone(),
        params: row.params.0.clone(),
        body: row.body.clone(),
        read: row.read_at.is_some(),
        created_at: utc(row.created_at),
    }
}

impl App {
    /// The caller's notifications, newest first.
    pub fn list_notifications(&self, actor: &Actor, query: &NotificationQuery) -> AppResult<Page<NotificationView>> {
        policy::may_read_personal_inbox(actor)?;
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let mut conn = self.conn()?;
        // Newest first: the cursor is the last id shown, and the next page holds older ones.
        let mut rows = q::list_notifications(&mut conn, actor.user_id, page.after_id, query.unread, page.limit + 1)?;
        let has_more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit as usize);
        let next_cursor = if has_more { rows.last().map(|r| r.id.to_string()) } else { None };
        Ok(Page { items: rows.iter().map(notification_view).collect(), next_cursor })
    }

    pub fn unread_notifications(&self, actor: &Actor) -> AppResult<UnreadCount> {
        policy::may_read_personal_inbox(actor)?;
        let mut conn = self.conn()?;
        Ok(UnreadCount { unread: q::unread_notifications(&mut conn, actor.user_id)? })
    }

    pub fn mark_notifications_read(&self, actor: &Actor, input: &MarkReadInput) -> AppResult<MarkedRead> {
        policy::may_change_personal_state(actor)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        let marked = q::mark_notifications_read(&mut conn, actor.user_id, input.ids.as_deref(), now)?;
        Ok(MarkedRead { marked })
    }
}

/// New in-app notifications as they are written, for the live stream: one feed per instance, woken by
/// PostgreSQL's LISTEN/NOTIFY (every instance hears every commit) or, on SQLite, by looking for new rows.
pub struct NotificationFeed {
    conn: loopdesk_persistence::PooledConn,
    last_id: i64,
    /// recently forwarded ids: rows may commit out of id order, so each poll looks a little way back
    forwarded: std::collections::BTreeSet<i64>,
}

/// How far back each poll looks for rows that committed after a higher id.
const FEED_LOOKBACK: i64 = 200;

impl App {
    /// Starts a feed on a connection of its own (it listens until dropped).
    pub fn notification_feed(&self) -> AppResult<NotificationFeed> {
        let mut conn = self.conn()?;
        q::listen(&mut conn)?;
        let last_id = q::last_notification_id(&mut conn)?;
        // What exists already is not news.
        let forwarded =
            q::notifications_after(&mut conn, last_id - FEED_LOOKBACK, 1000)?.iter().map(|n| n.id).collect();
        Ok(NotificationFeed { conn, last_id, forwarded })
    }
}

impl NotificationFeed {
    /// Notifications written since the last call, with their recipients; empty when nothing happened. Cheap:
    /// on PostgreSQL one round trip unless a signal arrived, on SQLite one indexed read.
    pub fn poll(&mut self) -> AppResult<Vec<(i64, NotificationView)>> {
        if !q::signalled(&mut self.conn)? {
            return Ok(vec![]);
        }
        let rows = q::notifications_after(&mut self.conn, self.last_id - FEED_LOOKBACK, 1000)?;
        let mut fresh = Vec::new();
        for row in rows {
            if row.id > self.last_id - FEED_LOOKBACK && self.forwarded.insert(row.id) {
                self.last_id = self.last_id.max(row.id);
                fresh.push((row.user_id, notification_view(&row)));
            }
        }
        let floor = self.last_id - FEED_LOOKBACK;
        self.forwarded = self.forwarded.split_off(&floor);
        Ok(fresh)
    }
}
