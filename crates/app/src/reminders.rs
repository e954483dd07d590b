//! The morning reminder (每日提醒): each agent gets their open tickets due today and overdue; each supervisor gets
//! their groups' overdue tickets. Once a day per person, whichever instance gets there first.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveTime, TimeZone};
use chrono_tz::Tz;
use loopdesk_domain::locale::Locale;
use loopdesk_domain::notify::{NoticeParams, NotifyKind};
use loopdesk_domain::ticket as rules;
use loopdesk_persistence::queries::delivery::{self as q, DueTicket};
use loopdesk_persistence::tx;

use crate::{App, AppResult};

/// When the reminder goes out: a local time of day in a time zone (default 08:30 Asia/Shanghai).
#[derive(Debug, Clone, Copy)]
pub struct DigestSchedule {
    pub at: NaiveTime,
    pub time_zone: Tz,
}

impl Default for DigestSchedule {
    fn default() -> Self {
        DigestSchedule {
            at: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default(),
            time_zone: chrono_tz::Asia::Shanghai,
        }
    }
}

/// How many tickets a reminder lists by name; the rest are counted.
const LISTED: usize = 10;

fn lines(tickets: &[&DueTicket], now: chrono::NaiveDateTime, locale: Locale) -> String {
    let mut text: Vec<String> = tickets
        .iter()
        .take(LISTED)
        .map(|t| {
            let late = t.due_at.is_some_and(|due| due <= now);
            let mark = match (locale, late) {
                (Locale::ZhCn, true) => "超时",
                (Locale::ZhCn, false) => "今日到期",
                (Locale::En, true) => "overdue",
                (Locale::En, false) => "due today",
            };
            format!("{} {} ({mark})", rules::format_ticket_number(t.id), t.subject)
        })
        .collect();
    if tickets.len() > LISTED {
        text.push(format!("… +{}", tickets.len() - LISTED));
    }
    text.join("\n")
}

impl App {
    /// Sends today's reminders once the local time has passed `schedule.at`; a no-op before, and for anyone who
    /// got today's already (by this instance or another). Returns how many it sent.
    pub fn send_daily_digests(&self, schedule: &DigestSchedule) -> AppResult<usize> {
        let now = self.now();
        let local = now.with_timezone(&schedule.time_zone);
        if local.time() < schedule.at {
            return Ok(0);
        }
        let day = local.date_naive();
        let tomorrow = day.succ_opt().unwrap_or(day);
        let end_of_day = schedule
            .time_zone
            .with_ymd_and_hms(tomorrow.year(), tomorrow.month(), tomorrow.day(), 0, 0, 0)
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or_else(|| now.naive_utc());
        let now = self.now_naive();
        let mut conn = self.conn()?;
        let due = q::open_due_by(&mut conn, end_of_day)?;
        let supervisors = q::supervisors(&mut conn)?;

        // Per person: their own tickets due today (and overdue), and the overdue ones of groups they supervise.
        let mut mine: BTreeMap<i64, Vec<&DueTicket>> = BTreeMap::new();
        let mut watched: BTreeMap<i64, Vec<&DueTicket>> = BTreeMap::new();
        for ticket in &due {
            if let Some(agent) = ticket.assignee_id {
                mine.entry(agent).or_default().push(ticket);
            }
            let late = ticket.due_at.is_some_and(|t| t <= now);
            for (group, supervisor) in &supervisors {
                if late && ticket.group_id == Some(*group) {
                    watched.entry(*supervisor).or_default().push(ticket);
                }
            }
        }
        let people: Vec<i64> =
            mine.keys().chain(watched.keys()).copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let day_key = day.to_string();
        let mut sent = 0;
        for person in people {
            let own = mine.get(&person).map(Vec::as_slice).unwrap_or_default();
            let groups = watched.get(&person).map(Vec::as_slice).unwrap_or_default();
            let overdue = own.iter().filter(|t| t.due_at.is_some_and(|d| d <= now)).count();
            let params = NoticeParams {
                due: Some(own.len() as u32),
                overdue: Some(overdue as u32),
                group_overdue: Some(groups.len() as u32),
                ..NoticeParams::default()
            };
            let body = |locale: Locale| {
                let mut body = String::new();
                if !own.is_empty() {
                    body.push_str(&lines(own, now, locale));
                }
                if !groups.is_empty() {
                    if !body.is_empty() {
                        body.push_str("\n\n");
                    }
                    body.push_str(if locale == Locale::ZhCn {
                        "分组超时：\n"
                    } else {
                        "Overdue in your groups:\n"
                    });
                    body.push_str(&lines(groups, now, locale));
                }
                body
            };
            let claimed = tx::write(&mut conn, |conn| -> AppResult<bool> {
                if !q::claim_digest(conn, &day_key, person, now)? {
                    return Ok(false);
                }
                self.notify_about(conn, NotifyKind::DailyDigest, None, params.clone(), &body, &[person], now)?;
                Ok(true)
            })?;
            sent += usize::from(claimed);
        }
        Ok(sent)
    }
}
