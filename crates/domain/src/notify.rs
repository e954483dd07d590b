//! Notifications leaving Loopdesk: the event kinds people and systems subscribe to, the message formats of the
//! group robots (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书) and of the generic webhook, their signatures, and the
//! retry schedule of the outbox. Pure: the app writes what this builds to the outbox, a worker sends it.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

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
    /// One line: what happened.
    pub title: String,
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
            "body": notice.body,
            "link": notice.link,
            "at": notice.at,
        }),
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
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
