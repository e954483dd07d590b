//! Notifications: who hears about an event and how (in-app, e-mail, group robots, webhooks), written in the
//! transaction of the change that caused it; and the delivery of the outbox to SMTP and HTTP receivers with
//! retries, so that a receiver that is down loses nothing.

use std::collections::{BTreeSet, HashMap};
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::locale::Locale;
use loopdesk_domain::net::{self, OutboundAllow};
use loopdesk_domain::notify::{self, ChannelKind, Notice, NoticeParams, NotifyKind};
use loopdesk_domain::policy::{self, Actor, Permission};
use loopdesk_domain::ticket as rules;
use loopdesk_persistence::models::{
    ChannelRow, ChannelValues, NewNotification, NewOutbox, OutboxRow, PreferenceRow, TicketRow,
};
use loopdesk_persistence::queries::{delivery as q, notifications as notifications_q};
use loopdesk_persistence::{DbConn, Json, tx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kernel::{id_page, to_json};
use crate::views::Page;
use crate::{App, AppError, AppResult, utc};

/// How many deliveries one pass sends; the rest wait for the next pass.
const DELIVERY_BATCH: i64 = 50;
/// How long a worker holds a delivery it is sending before another may try it.
const LEASE_SECONDS: i64 = 120;
/// Time limit of one SMTP conversation or HTTP call.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Where notifications leave Loopdesk. Without an SMTP URL nobody gets e-mail (in-app and robots still work).
#[derive(Debug, Clone, Default)]
pub struct NotifyConfig {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://user:pass@host:465`
    pub smtp_url: Option<String>,
    /// the From address, e.g. `Loopdesk <noreply@example.com>`
    pub from: String,
    /// the web app's public address, for links in messages, e.g. `https://desk.example.com`
    pub public_url: Option<String>,
    /// internal networks robots and webhooks may be called on (none by default: public addresses only)
    pub outbound_allow: OutboundAllow,
    /// the language of messages to group robots and webhooks (people get theirs in their own)
    pub robot_locale: Locale,
}

// ---- inputs and views

/// A group robot or webhook that hears about chosen events.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelInput {
    #[schema(example = "运维值班群")]
    pub name: String,
    pub kind: ChannelKind,
    /// the robot's webhook address, e.g. `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`
    #[schema(example = "https://oapi.dingtalk.com/robot/send?access_token=…")]
    pub url: String,
    /// DingTalk or Feishu signing secret (加签), or the webhook's HMAC secret
    pub secret: Option<String>,
    /// which events; empty: all
    #[serde(default)]
    pub event_kinds: Vec<NotifyKind>,
    #[serde(default = "enabled")]
    pub enabled: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelView {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    /// whether a secret is set (the secret itself is never shown again)
    pub signed: bool,
    pub event_kinds: Vec<NotifyKind>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One kind of event and how you want to hear about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PreferenceView {
    pub kind: NotifyKind,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PreferencesInput {
    /// kinds not listed keep the default: in-app and e-mail
    pub preferences: Vec<PreferenceView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// email, wecom, dingtalk, feishu or webhook
    pub channel: String,
    /// the e-mail address, or the notification channel's id
    pub target: String,
    pub event_kind: String,
    pub ticket_id: Option<i64>,
    /// "T-000042"
    pub ticket_number: Option<String>,
    /// the notification channel's name (robots and webhooks)
    pub channel_name: Option<String>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// pending, sent or failed
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

#[derive(Serialize, Deserialize)]
struct EmailPayload {
    subject: String,
    text: String,
}

fn channel_view(row: &ChannelRow) -> ChannelView {
    ChannelView {
        id: row.id,
        name: row.name.clone(),
        kind: ChannelKind::parse(&row.kind).unwrap_or(ChannelKind::Webhook),
        url: row.url.clone(),
        signed: row.secret.is_some(),
        event_kinds: row.event_kinds.0.clone(),
        enabled: row.enabled,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

fn delivery_view(row: &OutboxRow, channel_names: &HashMap<String, String>) -> DeliveryView {
    DeliveryView {
        id: row.id,
        channel: row.channel.clone(),
        target: row.target.clone(),
        event_kind: row.event_kind.clone(),
        ticket_id: row.ticket_id,
        ticket_number: row.ticket_id.map(rules::format_ticket_number),
        channel_name: if row.channel == "email" { None } else { channel_names.get(&row.target).cloned() },
        status: match row.status.as_str() {
            "sent" => DeliveryStatus::Sent,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        },
        attempts: row.attempts,
        next_attempt_at: utc(row.next_attempt_at),
        last_error: row.last_error.clone(),
        created_at: utc(row.created_at),
        sent_at: row.sent_at.map(utc),
    }
}

fn wants(channel: &ChannelRow, kind: NotifyKind) -> bool {
    channel.enabled && (channel.event_kinds.is_empty() || channel.event_kinds.contains(&kind))
}

impl App {
    /// Tells `users` about `kind` on `ticket`, each by the channels they chose (default: in-app and e-mail), and
    /// every enabled robot or webhook that wants this kind — all in the caller's transaction: a rollback sends
    /// nothing, a commit loses nothing. What it says is `params`: each person reads the title in their language,
    /// robots in the operator's (`notify.robot_locale`). The message body is the ticket's subject, never a note.
    pub(crate) fn notify(
        &self,
        conn: &mut DbConn,
        kind: NotifyKind,
        ticket: &TicketRow,
        params: NoticeParams,
        users: &[i64],
        at: NaiveDateTime,
    ) -> AppResult<()> {
        let subject = ticket.subject.clone();
        self.notify_about(conn, kind, Some(ticket), params, &|_| subject.clone(), users, at)
    }

    /// `notify` with a body in each reader's language, about a ticket or (a digest) about none. Robots and webhooks
    /// hear only about tickets.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn notify_about(
        &self,
        conn: &mut DbConn,
        kind: NotifyKind,
        ticket: Option<&TicketRow>,
        params: NoticeParams,
        body: &dyn Fn(Locale) -> String,
        users: &[i64],
        at: NaiveDateTime,
    ) -> AppResult<()> {
        let users: Vec<i64> = users.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
        let preferences: HashMap<i64, PreferenceRow> = q::preferences_of(conn, &users)?
            .into_iter()
            .filter(|p| p.kind == kind.as_str())
            .map(|p| (p.user_id, p))
            .collect();
        let recipients: HashMap<i64, (String, bool, Locale)> = q::recipients_of(conn, &users)?
            .into_iter()
            .map(|(id, email, active, locale)| (id, (email, active, Locale::parse(&locale).unwrap_or_default())))
            .collect();
        let ticket_id = ticket.map(|t| t.id);
        let link = match (self.notify.public_url.as_deref(), ticket_id) {
            (Some(base), Some(id)) => Some(format!("{}/tickets/{id}", base.trim_end_matches('/'))),
            (Some(base), None) => Some(format!("{}/tickets", base.trim_end_matches('/'))),
            _ => None,
        };
        for user in &users {
            let (in_app, email) = preferences.get(user).map_or((true, true), |p| (p.in_app, p.email));
            let Some((address, active, locale)) = recipients.get(user) else { continue };
            let title = notify::notice_title(kind, &params, *locale);
            let body = body(*locale);
            if in_app {
                notifications_q::insert_notification(
                    conn,
                    &NewNotification {
                        user_id: *user,
                        kind: kind.as_str().into(),
                        ticket_id,
                        title: title.clone(),
                        body: body.clone(),
                        created_at: at,
                        params: params.clone().into(),
                    },
                )?;
            }
            if email && *active && self.notify.smtp_url.is_some() {
                let mut text = format!("{title}\n\n{body}");
                if let Some(link) = &link {
                    text.push_str(&format!("\n\n{link}"));
                }
                let payload = EmailPayload { subject: title, text };
                enqueue(conn, "email", address, kind, ticket_id, to_json(&payload), at)?;
            }
        }
        if ticket.is_some() {
            let locale = self.notify.robot_locale;
            let notice = Notice {
                kind,
                ticket_id,
                ticket_number: ticket_id.map(rules::format_ticket_number),
                title: notify::notice_title(kind, &params, locale),
                params: params.clone(),
                body: body(locale),
                link: link.clone(),
                at: utc(at).to_rfc3339(),
            };
            for channel in q::list_channels(conn)?.iter().filter(|c| wants(c, kind)) {
                enqueue(conn, &channel.kind, &channel.id.to_string(), kind, ticket_id, to_json(&notice), at)?;
            }
        }
        Ok(())
    }

    // ---- delivery

    /// One pass of the delivery worker: leases due deliveries (instances take different ones), sends each, and
    /// marks it sent, or due again after a back-off, or failed after `notify::MAX_ATTEMPTS` tries (kept, and
    /// retryable). A worker that dies mid-send lets its lease run out and another one sends it.
    pub fn deliver_due(&self) -> AppResult<DeliveryReport> {
        let now = self.now_naive();
        let lease_until = now + chrono::Duration::seconds(LEASE_SECONDS);
        let mut conn = self.conn()?;
        let leased = tx::write(&mut conn, |conn| q::lease_due(conn, now, lease_until, DELIVERY_BATCH))?;
        let mut report = DeliveryReport::default();
        for row in leased {
            let outcome = self.send(&mut conn, &row);
            let at = self.now_naive();
            match outcome {
                Ok(()) => {
                    q::mark_sent(&mut conn, row.id, at)?;
                    report.sent += 1;
                }
                Err(error) if row.attempts < notify::MAX_ATTEMPTS => {
                    let retry_at = at + chrono::Duration::seconds(notify::retry_delay_seconds(row.attempts));
                    log::warn!("delivery {} ({} to {}) failed, retrying: {error}", row.id, row.channel, row.target);
                    q::mark_failed(&mut conn, row.id, &error, Some(retry_at))?;
                    report.retrying += 1;
                }
                Err(error) => {
                    log::warn!("delivery {} ({} to {}) failed for good: {error}", row.id, row.channel, row.target);
                    q::mark_failed(&mut conn, row.id, &error, None)?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    fn send(&self, conn: &mut DbConn, row: &OutboxRow) -> Result<(), String> {
        if row.channel == "email" {
            let payload: EmailPayload =
                serde_json::from_str(&row.payload).map_err(|e| format!("unreadable payload: {e}"))?;
            return self.send_email(&row.target, &payload);
        }
        let channel_id: i64 = row.target.parse().map_err(|_| "unknown channel".to_string())?;
        let channel = q::find_channel(conn, channel_id)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "the channel was deleted".to_string())?;
        let kind = ChannelKind::parse(&channel.kind).ok_or("unknown channel kind")?;
        let notice: Notice = serde_json::from_str(&row.payload).map_err(|e| format!("unreadable payload: {e}"))?;
        let target = Target { url: &channel.url, allow: &self.notify.outbound_allow };
        send_to_channel(kind, target, channel.secret.as_deref(), &notice, self.now())
    }

    fn send_email(&self, to: &str, payload: &EmailPayload) -> Result<(), String> {
        use lettre::Transport;
        let url = self.notify.smtp_url.as_deref().ok_or("no SMTP server is configured (LOOPDESK_SMTP_URL)")?;
        let message = lettre::Message::builder()
            .from(self.notify.from.parse().map_err(|e| format!("LOOPDESK_SMTP_FROM is not an address: {e}"))?)
            .to(to.parse().map_err(|e| format!("{to} is not an address: {e}"))?)
            .subject(payload.subject.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(payload.text.clone())
            .map_err(|e| e.to_string())?;
        let transport =
            lettre::SmtpTransport::from_url(url).map_err(|e| e.to_string())?.timeout(Some(SEND_TIMEOUT)).build();
        transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }

    // ---- channels, preferences, deliveries

    pub fn list_channels(&self, actor: &Actor) -> AppResult<Vec<ChannelView>> {
        policy::require(actor, Permission::ChannelsManage)?;
        let mut conn = self.conn()?;
        Ok(q::list_channels(&mut conn)?.iter().map(channel_view).collect())
    }

    pub fn create_channel(&self, actor: &Actor, input: &ChannelInput) -> AppResult<ChannelView> {
        policy::require(actor, Permission::ChannelsManage)?;
        let values = checked_channel(input, None, &self.notify.outbound_allow, self.now_naive())?;
        let mut conn = self.conn()?;
        let row = q::insert_channel(&mut conn, &values, self.now_naive()).map_err(duplicate_channel)?;
        Ok(channel_view(&row))
    }

    /// Replaces a channel; leaving `secret` out keeps the current one.
    pub fn update_channel(&self, actor: &Actor, id: i64, input: &ChannelInput) -> AppResult<ChannelView> {
        policy::require(actor, Permission::ChannelsManage)?;
        let mut conn = self.conn()?;
        let current = q::find_channel(&mut conn, id)?.ok_or(AppError::NotFound("channel"))?;
        let values = checked_channel(input, current.secret, &self.notify.outbound_allow, self.now_naive())?;
        let row = q::update_channel(&mut conn, id, &values)
            .map_err(duplicate_channel)?
            .ok_or(AppError::NotFound("channel"))?;
        Ok(channel_view(&row))
    }

    pub fn delete_channel(&self, actor: &Actor, id: i64) -> AppResult<()> {
        policy::require(actor, Permission::ChannelsManage)?;
        let mut conn = self.conn()?;
        if !q::delete_channel(&mut conn, id)? {
            return Err(AppError::NotFound("channel"));
        }
        Ok(())
    }

    pub fn my_preferences(&self, actor: &Actor) -> AppResult<Vec<PreferenceView>> {
        let mut conn = self.conn()?;
        let stored: HashMap<String, PreferenceRow> =
            q::preferences_of(&mut conn, &[actor.user_id])?.into_iter().map(|p| (p.kind.clone(), p)).collect();
        Ok(NotifyKind::ALL
            .iter()
            .map(|kind| match stored.get(kind.as_str()) {
                Some(p) => PreferenceView { kind: *kind, in_app: p.in_app, email: p.email },
                None => PreferenceView { kind: *kind, in_app: true, email: true },
            })
            .collect())
    }

    pub fn set_my_preferences(&self, actor: &Actor, input: &PreferencesInput) -> AppResult<Vec<PreferenceView>> {
        policy::may_change_personal_state(actor)?;
        let kinds: BTreeSet<NotifyKind> = input.preferences.iter().map(|p| p.kind).collect();
        if kinds.len() != input.preferences.len() {
            return Err(AppError::invalid("preferences", "lists a kind more than once"));
        }
        let rows: Vec<PreferenceRow> = input
            .preferences
            .iter()
            .map(|p| PreferenceRow {
                user_id: actor.user_id,
                kind: p.kind.as_str().into(),
                in_app: p.in_app,
                email: p.email,
            })
            .collect();
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| q::set_preferences(conn, actor.user_id, &rows))?;
        self.my_preferences(actor)
    }

    /// Deliveries, newest first (`channels_manage`): what was sent, what waits for a retry, what failed.
    pub fn list_deliveries(&self, actor: &Actor, query: &DeliveryQuery) -> AppResult<Page<DeliveryView>> {
        policy::require(actor, Permission::ChannelsManage)?;
        let status = match query.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s @ ("pending" | "sent" | "failed")) => Some(s),
            Some(_) => return Err(AppError::invalid("status", "must be pending, sent or failed")),
        };
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let mut conn = self.conn()?;
        let mut rows = q::list_outbox(&mut conn, status, page.after_id, page.limit + 1)?;
        let has_more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit as usize);
        let next_cursor = if has_more { rows.last().map(|r| r.id.to_string()) } else { None };
        let channel_names: HashMap<String, String> =
            q::list_channels(&mut conn)?.into_iter().map(|c| (c.id.to_string(), c.name)).collect();
        Ok(Page { items: rows.iter().map(|r| delivery_view(r, &channel_names)).collect(), next_cursor })
    }

    /// Sends a failed delivery again, with fresh attempts.
    pub fn retry_delivery(&self, actor: &Actor, id: i64) -> AppResult<()> {
        policy::require(actor, Permission::ChannelsManage)?;
        let mut conn = self.conn()?;
        if !q::retry(&mut conn, id, self.now_naive())? {
            return Err(AppError::refused("delivery_not_failed", "only a failed delivery can be retried"));
        }
        Ok(())
    }
}

fn enqueue(
    conn: &mut DbConn,
    channel: &str,
    target: &str,
    kind: NotifyKind,
    ticket_id: Option<i64>,
    payload: String,
    at: NaiveDateTime,
) -> AppResult<()> {
    q::enqueue(
        conn,
        &NewOutbox {
            channel: channel.into(),
            target: target.into(),
            event_kind: kind.as_str().into(),
            ticket_id,
            payload,
            next_attempt_at: at,
            created_at: at,
        },
    )?;
    Ok(())
}

/// Posts a notice to a robot or webhook. The robots answer 200 with an error code in the body when they refuse a
/// message (bad signature, wrong key): that counts as a failure too.
/// Where a channel's request goes, and which internal networks it may reach.
struct Target<'a> {
    url: &'a str,
    allow: &'a OutboundAllow,
}

/// Why a channel's address may not be called as typed, if it may not: an internal address, or a name that always
/// means this machine, that the operator did not allow. Names are checked again after resolving, when sending.
fn refused_address(url: &url::Url, allow: &OutboundAllow) -> Option<String> {
    let refused = match url.host()? {
        url::Host::Ipv4(ip) => !allow.permits(ip.into()),
        url::Host::Ipv6(ip) => !allow.permits(ip.into()),
        url::Host::Domain(name) => net::is_local_name(name) && !allow.permits(std::net::Ipv4Addr::LOCALHOST.into()),
    };
    refused.then(|| {
        "must be a public address: loopback, private and link-local addresses are refused unless the operator \
         allows them (LOOPDESK_OUTBOUND_ALLOW)"
            .to_string()
    })
}

/// The addresses a request to `url` may use: every address its name resolves to must be allowed, and the request
/// is then pinned to them, so a second lookup cannot send it elsewhere (DNS rebinding).
fn pinned_addresses(url: &url::Url, allow: &OutboundAllow) -> Result<Option<(String, Vec<SocketAddr>)>, String> {
    if let Some(problem) = refused_address(url, allow) {
        return Err(format!("refused: the address {problem}"));
    }
    let Some(url::Host::Domain(name)) = url.host() else { return Ok(None) };
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> =
        (name, port).to_socket_addrs().map_err(|e| format!("cannot resolve {name}: {e}"))?.collect();
    if addrs.is_empty() {
        return Err(format!("cannot resolve {name}"));
    }
    if let Some(internal) = addrs.iter().find(|a| !allow.permits(a.ip())) {
        return Err(format!("refused: {name} resolves to an internal address ({})", internal.ip()));
    }
    Ok(Some((name.to_string(), addrs)))
}

fn send_to_channel(
    kind: ChannelKind,
    target: Target<'_>,
    secret: Option<&str>,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let mut body = notify::channel_body(kind, notice);
    let mut url = target.url.to_string();
    match (kind, secret) {
        (ChannelKind::Dingtalk, Some(secret)) => {
            let timestamp = now.timestamp_millis();
            let sign = notify::dingtalk_sign(secret, timestamp);
            let encoded: String = url::form_urlencoded::byte_serialize(sign.as_bytes()).collect();
            url.push_str(if url.contains('?') { "&" } else { "?" });
            url.push_str(&format!("timestamp={timestamp}&sign={encoded}"));
        }
        (ChannelKind::Feishu, Some(secret)) => {
            let timestamp = now.timestamp();
            body["timestamp"] = timestamp.to_string().into();
            body["sign"] = notify::feishu_sign(secret, timestamp).into();
        }
        _ => {}
    }
    let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    let parsed = url::Url::parse(&url).map_err(|e| format!("unusable address: {e}"))?;
    // No redirects and no proxy from the environment: either could lead the request to an address not checked here.
    let mut builder = reqwest::blocking::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if let Some((name, addrs)) = pinned_addresses(&parsed, target.allow)? {
        builder = builder.resolve_to_addrs(&name, &addrs);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let mut request = client.post(&url).header("content-type", "application/json");
    if let (ChannelKind::Webhook, Some(secret)) = (kind, secret) {
        request = request.header("X-Loopdesk-Signature", notify::webhook_signature(secret, &bytes));
    }
    let response = request.body(bytes).send().map_err(|e| format!("cannot reach the receiver: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the receiver answered {status}"));
    }
    if kind == ChannelKind::Webhook {
        return Ok(());
    }
    let answer: serde_json::Value = response.json().unwrap_or_default();
    let code = answer.get("errcode").or_else(|| answer.get("code")).or_else(|| answer.get("StatusCode"));
    match code.and_then(serde_json::Value::as_i64) {
        None | Some(0) => Ok(()),
        // Only the code is kept: the rest of a remote answer is not ours to store or show.
        Some(code) => Err(format!("the robot refused the message (code {code})")),
    }
}

fn checked_channel(
    input: &ChannelInput,
    current_secret: Option<String>,
    allow: &OutboundAllow,
    at: NaiveDateTime,
) -> AppResult<ChannelValues> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add("name", "must be 1 to 100 characters");
    }
    match url::Url::parse(input.url.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            if let Some(problem) = refused_address(&url, allow) {
                errors.add("url", problem);
            }
        }
        _ => errors.add("url", "must be an http(s) address"),
    }
    let secret = match input.secret.as_deref().map(str::trim) {
        Some("") => None,
        Some(secret) if secret.len() > 500 => {
            errors.add("secret", "must be at most 500 characters");
            None
        }
        Some(secret) => Some(secret.to_string()),
        None => current_secret,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(ChannelValues {
        name: name.to_string(),
        kind: input.kind.as_str().into(),
        url: input.url.trim().to_string(),
        secret,
        event_kinds: Json(input.event_kinds.clone()),
        enabled: input.enabled,
        updated_at: at,
    })
}

fn duplicate_channel(e: diesel::result::Error) -> AppError {
    if tx::is_unique_violation(&e) {
        AppError::refused("name_taken", "a channel with this name already exists").with_param("resource", "channel")
    } else {
        e.into()
    }
}
