//! Notifications leaving Loopdesk: the event kinds people and systems subscribe to, the message formats of the
//! group robots (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书) and of the generic webhook, their signatures, and the
//! retry schedule of the outbox. Pure: the app writes what this builds to the outbox, a worker sends it.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::locale::Locale;
use crate::sla::{SlaEventKind, SlaMetric, sla_words};
use crate::ticket::TicketStatus;

/// What a notification is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NotifyKind {
    /// Dispatch gave you a ticket.
    TicketAssigned,
    /// A ticket of your group was not accepted in time.
    TicketEscalated,
    /// An SLA clock reached its warning share.
    SlaWarning,
    /// An SLA clock ran out.
    SlaBreached,
    /// Someone @mentioned you in a reply or internal note.
    Mentioned,
    /// A ticket you watch got a reply, a note or a new status.
    TicketUpdated,
    /// Your ticket got a public reply or a new status (the requester; never internal notes).
    TicketReplied,
    /// The morning reminder: your tickets due today and overdue; for supervisors, their groups' overdue ones.
    DailyDigest,
}

wire_names!(NotifyKind, "notification kind" {
    TicketAssigned => "ticket_assigned",
    TicketEscalated => "ticket_escalated",
    SlaWarning => "sla_warning",
    SlaBreached => "sla_breached",
    Mentioned => "mentioned",
    TicketUpdated => "ticket_updated",
    TicketReplied => "ticket_replied",
    DailyDigest => "daily_digest",
});

/// What changed on a ticket, for `ticket_updated` and `ticket_replied`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketUpdate {
    /// A public reply.
    Reply,
    /// An internal note (staff only).
    InternalNote,
    /// A new status (`status` says which).
    Status,
}

/// What a notification says, as data beside its kind: the web app renders it in its own language, e-mail and robots
/// get `notice_title` in the recipient's language. Members that do not apply to the kind are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NoticeParams {
    /// The ticket's number; absent on a digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "T-000042")]
    pub ticket_number: Option<String>,
    /// ticket_updated, ticket_replied: what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<TicketUpdate>,
    /// With `update` = status: the new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TicketStatus>,
    /// sla_warning, sla_breached: which clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_metric: Option<SlaMetric>,
    /// sla_warning, sla_breached: the clock's target in business minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 240)]
    pub target_minutes: Option<u32>,
    /// daily_digest: your tickets due today or overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<u32>,
    /// daily_digest: of those, overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<u32>,
    /// daily_digest: overdue tickets of the groups you supervise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_overdue: Option<u32>,
}

impl NoticeParams {
    /// About one ticket, nothing more.
    pub fn ticket(number: impl Into<String>) -> Self {
        NoticeParams { ticket_number: Some(number.into()), ..Self::default() }
    }
}

/// A notification's one line in a language, from its kind and parameters: `T-000042 已分配给你` /
/// `T-000042 assigned to you`. The web app has the same sentences in its catalogs.
pub fn notice_title(kind: NotifyKind, params: &NoticeParams, locale: Locale) -> String {
    let zh = locale == Locale::ZhCn;
    let number = params.ticket_number.as_deref().unwrap_or("");
    let line = match kind {
        NotifyKind::TicketAssigned => {
            if zh {
                "已分配给你".to_string()
            } else {
                "assigned to you".to_string()
            }
        }
        NotifyKind::TicketEscalated => {
            if zh {
                "超时未接单，已升级".to_string()
            } else {
                "not accepted in time, escalated".to_string()
            }
        }
        NotifyKind::SlaWarning | NotifyKind::SlaBreached => {
            let event = if kind == NotifyKind::SlaBreached { SlaEventKind::Breached } else { SlaEventKind::Warning };
            let metric = params.sla_metric.unwrap_or(SlaMetric::Resolution);
            sla_words(metric, event, params.target_minutes.unwrap_or(0), locale)
        }
        NotifyKind::Mentioned => {
            if zh {
                "有人提到了你".to_string()
            } else {
                "you were mentioned".to_string()
            }
        }
        NotifyKind::TicketUpdated | NotifyKind::TicketReplied => match (params.update, params.status) {
            (Some(TicketUpdate::Status), Some(status)) => {
                if zh {
                    format!("状态变为{}", status.label(locale))
                } else {
                    format!("status is now {}", status.label(locale))
                }
            }
            (Some(TicketUpdate::InternalNote), _) => {
                if zh {
                    "新的内部批注".to_string()
                } else {
                    "new internal note".to_string()
                }
            }
            _ => {
                if zh {
                    "新回复".to_string()
                } else {
                    "new reply".to_string()
                }
            }
        },
        NotifyKind::DailyDigest => {
            let (due, overdue, groups) =
                (params.due.unwrap_or(0), params.overdue.unwrap_or(0), params.group_overdue.unwrap_or(0));
            if zh {
                format!("今日提醒：{due} 张到期（{overdue} 张超时），分组超时 {groups} 张")
            } else {
                format!("Today: {due} due ({overdue} overdue), {groups} overdue in your groups")
            }
        }
    };
    if number.is_empty() { line } else { format!("{number} {line}") }
}

/// The handles mentioned with `@` in a text, in order, without repeats: `@李工`, `@li.gong`, `@Emily_Carter`. A
/// mention starts at the beginning or after a space or punctuation (so `li@example.com` is not one) and runs over
/// letters (any script), digits, `.`, `_` and `-`; a trailing `.` is not part of it.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' || (i > 0 && (chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '.' | '_' | '-'))) {
            continue;
        }
        let handle: String =
            chars[i + 1..].iter().take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-')).collect();
        let handle = handle.trim_end_matches('.').to_string();
        if !handle.is_empty() && handle.chars().count() <= 100 && !found.contains(&handle) {
            found.push(handle);
        }
    }
    found
}

/// Where a group-chat or system notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// 企业微信群机器人
    Wecom,
    /// 钉钉群机器人 (optionally signed)
    Dingtalk,
    /// 飞书群机器人 (optionally signed)
    Feishu,
    /// Any HTTP endpoint: JSON, signed with HMAC-SHA256 when a secret is set.
    Webhook,
}

wire_names!(ChannelKind, "channel kind" {
    Wecom => "wecom",
    Dingtalk => "dingtalk",
    Feishu => "feishu",
    Webhook => "webhook",
});

/// One notification as every channel renders it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notice {
    pub kind: NotifyKind,
    pub ticket_id: Option<i64>,
    /// "T-000042"
    pub ticket_number: Option<String>,
    /// One line: what happened, in the language of the channel.
    pub title: String,
    /// What happened as data (the same as in-app notifications carry).
    #[serde(default)]
    pub params: NoticeParams,
    /// The ticket's subject (never an internal note).
    pub body: String,
    /// A link to the ticket in the web app, when the public address is configured.
    pub link: Option<String>,
    /// RFC 3339.
    pub at: String,
}

impl Notice {
    fn text(&self) -> String {
        let mut text = format!("{}\n{}", self.title, self.body);
        if let Some(link) = &self.link {
            text.push('\n');
            text.push_str(link);
        }
        text
    }

    fn markdown(&self) -> String {
        let mut text = format!("**{}**\n\n{}", escape_markdown(&self.title), escape_markdown(&self.body));
        if let Some(link) = &self.link {
            text.push_str(&format!("\n\n[{}]({link})", self.ticket_number.as_deref().unwrap_or("Loopdesk")));
        }
        text
    }
}

/// Text a person wrote (a subject), made inert for a group robot's Markdown: every character that could open a
/// link, an image, emphasis, a heading, a quote, a table, code or HTML is escaped with a backslash (CommonMark), and
/// line breaks become spaces, so a customer cannot post a disguised link or a tracking image into the team's chat.
/// Ticket numbers and ordinary punctuation stay as they are.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The JSON body a channel expects.
pub fn channel_body(kind: ChannelKind, notice: &Notice) -> Value {
    match kind {
        ChannelKind::Wecom => json!({"msgtype": "markdown", "markdown": {"content": notice.markdown()}}),
        ChannelKind::Dingtalk => {
            json!({"msgtype": "markdown", "markdown": {"title": notice.title, "text": notice.markdown()}})
        }
        ChannelKind::Feishu => json!({"msg_type": "text", "content": {"text": notice.text()}}),
        ChannelKind::Webhook => json!({
            "event": notice.kind,
            "ticket_id": notice.ticket_id,
            "ticket_number": notice.ticket_number,
            "title": notice.title,
            "params": notice.params,
            "body": notice.body,
            "link": notice.link,
            "at": notice.at,
        }),
    }
}

pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// DingTalk's signature: base64(HMAC-SHA256(key = secret, "{timestamp_ms}\n{secret}")), sent URL-encoded as
/// `&timestamp=…&sign=…` on the robot's URL.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let message = format!("{timestamp_ms}\n{secret}");
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(secret.as_bytes(), message.as_bytes()))
}

/// Feishu's signature: base64(HMAC-SHA256(key = "{timestamp_s}\n{secret}", empty message)), sent in the body as
/// `timestamp` and `sign`.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    let key = format!("{timestamp_s}\n{secret}");
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(key.as_bytes(), b""))
}

/// The generic webhook's signature header value: `sha256=` + hex(HMAC-SHA256(secret, body)).
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(secret.as_bytes(), body)))
}

/// Deliveries are tried this many times before they are marked failed (kept, and retryable by hand).
pub const MAX_ATTEMPTS: i32 = 12;

/// Seconds to wait after the `attempts`-th failed try: 30 s, 1 min, 2 min … doubling, at most an hour
/// (twelve tries span about six hours).
pub fn retry_delay_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(1, 8) - 1;
    (30_i64 << exponent).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> Notice {
        Notice {
            kind: NotifyKind::SlaBreached,
            ticket_id: Some(42),
            ticket_number: Some("T-000042".into()),
            title: "T-000042 解决时限已超时".into(),
            params: NoticeParams::ticket("T-000042"),
            body: "机房空调停机".into(),
            link: Some("https://desk.example.com/tickets/42".into()),
            at: "2026-10-10T08:05:00Z".into(),
        }
    }

    #[test]
    fn robots_get_their_own_formats() {
        let n = notice();
        assert_eq!(channel_body(ChannelKind::Wecom, &n)["msgtype"], "markdown");
        assert!(
            channel_body(ChannelKind::Wecom, &n)["markdown"]["content"]
                .as_str()
                .unwrap()
                .contains("[T-000042](https://desk.example.com/tickets/42)")
        );
        assert_eq!(channel_body(ChannelKind::Dingtalk, &n)["markdown"]["title"], "T-000042 解决时限已超时");
        assert_eq!(
            channel_body(ChannelKind::Feishu, &n)["content"]["text"],
            "T-000042 解决时限已超时\n机房空调停机\nhttps://desk.example.com/tickets/42"
        );
        assert_eq!(channel_body(ChannelKind::Webhook, &n)["event"], "sla_breached");
        assert_eq!(channel_body(ChannelKind::Webhook, &n)["params"]["ticket_number"], "T-000042");
    }

    #[test]
    fn notification_titles_read_in_one_language_from_kind_and_parameters() {
        let t42 = NoticeParams::ticket("T-000042");
        let title = |kind, params: &NoticeParams| {
            (notice_title(kind, params, Locale::ZhCn), notice_title(kind, params, Locale::En))
        };
        assert_eq!(
            title(NotifyKind::TicketAssigned, &t42),
            ("T-000042 已分配给你".to_string(), "T-000042 assigned to you".to_string())
        );
        let breached =
            NoticeParams { sla_metric: Some(SlaMetric::FirstResponse), target_minutes: Some(30), ..t42.clone() };
        assert_eq!(
            title(NotifyKind::SlaBreached, &breached),
            (
                "T-000042 首次响应时限已超时（目标 30 分钟）".to_string(),
                "T-000042 first response SLA breached (target 30 min)".to_string()
            )
        );
        let resolved =
            NoticeParams { update: Some(TicketUpdate::Status), status: Some(TicketStatus::Resolved), ..t42.clone() };
        assert_eq!(
            title(NotifyKind::TicketReplied, &resolved),
            ("T-000042 状态变为已解决".to_string(), "T-000042 status is now resolved".to_string())
        );
        let note = NoticeParams { update: Some(TicketUpdate::InternalNote), ..t42.clone() };
        assert_eq!(title(NotifyKind::TicketUpdated, &note).1, "T-000042 new internal note");
        let digest = NoticeParams { due: Some(3), overdue: Some(1), group_overdue: Some(2), ..NoticeParams::default() };
        assert_eq!(
            title(NotifyKind::DailyDigest, &digest),
            (
                "今日提醒：3 张到期（1 张超时），分组超时 2 张".to_string(),
                "Today: 3 due (1 overdue), 2 overdue in your groups".to_string()
            )
        );
        // Never both languages at once.
        for kind in NotifyKind::ALL {
            let (zh, en) = title(kind, &breached);
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
            assert!(!zh.contains(" / "), "{zh}");
        }
    }

    #[test]
    fn a_subject_cannot_smuggle_links_or_images_into_a_robot_message() {
        let n = Notice {
            body: "[点此退款](http://phish.example) ![](http://track.example/p.png) <b>x</b>\n# 标题".into(),
            ..notice()
        };
        for kind in [ChannelKind::Wecom, ChannelKind::Dingtalk] {
            let body = channel_body(kind, &n);
            let text = body["markdown"].get("content").or(body["markdown"].get("text")).unwrap().as_str().unwrap();
            assert!(text.contains(r"\[点此退款\]\(http://phish.example\)"), "{text}");
            assert!(text.contains(r"\!\[\]\(") && !text.contains("<b>") && !text.contains("\n# "), "{text}");
            // Our own link to the ticket stays a link.
            assert!(text.contains("[T-000042](https://desk.example.com/tickets/42)"), "{text}");
        }
        assert_eq!(escape_markdown("机房空调停机"), "机房空调停机");
    }

    #[test]
    fn signatures_match_the_documented_algorithms() {
        // HMAC-SHA256 test vector (RFC 4231 case 2): key "Jefe", "what do ya want for nothing?".
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let ding = dingtalk_sign("SEC123", 1_700_000_000_000);
        assert_eq!(
            ding,
            base64::engine::general_purpose::STANDARD.encode(hmac_sha256(b"SEC123", b"1700000000000\nSEC123"))
        );
        let feishu = feishu_sign("secret", 1_700_000_000);
        assert_eq!(feishu, base64::engine::general_purpose::STANDARD.encode(hmac_sha256(b"1700000000\nsecret", b"")));
        assert!(webhook_signature("k", b"{}").starts_with("sha256="));
    }

    #[test]
    fn mentions_are_handles_after_at_signs() {
        assert_eq!(mentions("@李工 请看一下，@li.gong 也看下。"), ["李工", "li.gong"]);
        assert_eq!(mentions("发给 chen@example.com，@王主管，@王主管"), ["王主管"]);
        assert_eq!(mentions("(@Emily_Carter) @ @"), ["Emily_Carter"]);
        assert!(mentions("no mentions here").is_empty());
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let delays: Vec<i64> = (1..=MAX_ATTEMPTS).map(retry_delay_seconds).collect();
        assert_eq!(&delays[..4], &[30, 60, 120, 240]);
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*delays.last().unwrap(), 3600);
    }
}
