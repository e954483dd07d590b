//! Delivery on both backends, to real local peers: e-mail through an SMTP conversation, WeCom / DingTalk / Feishu
//! robots and a signed webhook over HTTP, retries until a receiver that was down comes back, and two instances
//! sending each message once. Preferences decide who gets e-mail.

mod common;

use base64::Engine;
use chrono::{Duration, TimeZone, Utc};
use common::receivers::{HttpReceiver, SmtpServer};
use common::*;
use loopdesk_app::agents::AgentPatch;
use loopdesk_app::auth::LocaleInput;
use loopdesk_app::delivery::{
    ChannelInput, DeliveryQuery, DeliveryStatus, NotifyConfig, PreferenceView, PreferencesInput,
};
use loopdesk_app::directory::NewGroupInput;
use loopdesk_app::domain::dispatch::Availability;
use loopdesk_app::domain::locale::Locale;
use loopdesk_app::domain::net::OutboundAllow;
use loopdesk_app::domain::notify::{self, NotifyKind};
use loopdesk_app::domain::policy::Actor;
use loopdesk_app::routing::RoutingRuleInput;
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::NewTicketInput;
use loopdesk_app::{App, AppError};
use loopdesk_domain::ids::UserId;
use loopdesk_persistence::testdb::TestDb;
use serde_json::json;

struct World {
    app: App,
    admin: Actor,
    agent: Actor,
    type_id: i64,
}

/// An admin, an online agent in a group, and a rule that gives every ticket to that agent (so creating a ticket
/// notifies them: `ticket_assigned`).
fn world(db: &TestDb, clock: &TestClock, smtp: Option<String>) -> World {
    let notify = NotifyConfig {
        smtp_url: smtp,
        from: "Loopdesk <desk@test.local>".into(),
        public_url: Some("https://desk.test".into()),
        // The test receivers listen on loopback, as an on-premises robot would on an allowed network.
        outbound_allow: OutboundAllow::parse("127.0.0.0/8").unwrap(),
        robot_locale: Default::default(),
    };
    let real = app_for(db);
    let admin = admin(&real);
    let app = real.with_clock(clock.clock()).with_notify(notify);
    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "运维组".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap()
        .id;
    let agent = staff_actor(&app, &admin, "li.gong@test.local", "李工", "agent", &[group]);
    let online = AgentPatch { availability: Some(Availability::Online), ..Default::default() };
    app.update_agent(&admin, UserId(agent.user_id), &online).unwrap();
    let rule: RoutingRuleInput = serde_json::from_value(json!({"name": "全部给李工", "actions": [
        {"kind": "set_group", "group_id": group}, {"kind": "assign", "strategy": {"kind": "round_robin"}}
    ]}))
    .unwrap();
    app.create_routing_rule(&admin, &rule).unwrap();
    let ticket_type: NewTicketTypeInput = serde_json::from_value(json!({"name": "故障", "fields": []})).unwrap();
    let type_id = app.create_ticket_type(&admin, &ticket_type).unwrap().id;
    World { app, admin, agent, type_id }
}

fn ticket(w: &World, subject: &str) -> i64 {
    let input: NewTicketInput = serde_json::from_value(json!({"type_id": w.type_id, "subject": subject})).unwrap();
    w.app.create_ticket(&w.admin, &input, None).unwrap().ticket.id
}

fn channel(w: &World, name: &str, kind: &str, url: String, secret: Option<&str>) -> i64 {
    let input: ChannelInput =
        serde_json::from_value(json!({"name": name, "kind": kind, "url": url, "secret": secret})).unwrap();
    w.app.create_channel(&w.admin, &input).unwrap().id
}

/// The text of a MIME part or header word, whichever transfer encoding the client chose.
fn decoded(data: &str) -> String {
    let mut text = String::new();
    // Encoded words in headers: =?utf-8?b?...?=
    for word in data.split("=?").skip(1) {
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        if parts.len() == 3 && parts[1].eq_ignore_ascii_case("b") {
            let encoded = parts[2].split("?=").next().unwrap_or_default();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded) {
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    let (headers, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let body = if headers.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        let joined: String = body.lines().collect();
        String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(joined.trim()).unwrap_or_default())
            .into_owned()
    } else if headers.to_ascii_lowercase().contains("quoted-printable") {
        let soft = body.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let raw = soft.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'='
                && i + 2 < raw.len()
                && let Ok(b) = u8::from_str_radix(&soft[i + 1..i + 3], 16)
            {
                bytes.push(b);
                i += 3;
                continue;
            }
            bytes.push(raw[i]);
            i += 1;
        }
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        body.to_string()
    };
    text.push('\n');
    text.push_str(headers);
    text.push('\n');
    text.push_str(&body);
    text
}

loopdesk_persistence::both_backends!(email_reaches_the_agent_through_a_real_smtp_conversation, |db| {
    let smtp = SmtpServer::start();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock, Some(smtp.url()));
    let id = ticket(&w, "3 号楼空调不制冷");
    let report = w.app.deliver_due().unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["li.gong@test.local"]);
    assert_eq!(mails[0].from, "desk@test.local");
    let text = decoded(&mails[0].data);
    // In the recipient's language (Chinese by default), never both at once.
    assert!(text.contains(&format!("T-{id:06} 已分配给你")) && !text.contains("assigned to you"), "{text}");
    assert!(text.contains("3 号楼空调不制冷"), "{text}");
    assert!(text.contains(&format!("https://desk.test/tickets/{id}")), "{text}");
    assert_eq!(w.app.deliver_due().unwrap(), Default::default(), "sent once");

    // The agent switches to English: the next message, and its in-app title, read in English.
    w.app.set_my_locale(&w.agent, &LocaleInput { locale: Locale::En }).unwrap();
    let second = ticket(&w, "门禁失灵");
    assert_eq!(w.app.deliver_due().unwrap().sent, 1);
    let text = decoded(&smtp.mails()[1].data);
    assert!(text.contains(&format!("T-{second:06} assigned to you")) && !text.contains("已分配给你"), "{text}");
    let newest = w.app.list_notifications(&w.agent, &Default::default()).unwrap().items.remove(0);
    assert_eq!(newest.title, format!("T-{second:06} assigned to you"));
    assert_eq!(newest.params.ticket_number, Some(format!("T-{second:06}")));

    // The agent turns e-mail off for assignments: in-app only from now on.
    let off = PreferencesInput {
        preferences: vec![PreferenceView { kind: NotifyKind::TicketAssigned, in_app: true, email: false }],
    };
    let saved = w.app.set_my_preferences(&w.agent, &off).unwrap();
    assert_eq!(saved.len(), NotifyKind::ALL.len());
    ticket(&w, "打印机卡纸");
    assert_eq!(w.app.deliver_due().unwrap().sent, 0);
    assert_eq!(smtp.mails().len(), 2);
    let inbox = w.app.list_notifications(&w.agent, &Default::default()).unwrap().items;
    assert_eq!(inbox.len(), 3, "in-app still comes");
    let log = w.app.list_deliveries(&w.admin, &DeliveryQuery::default()).unwrap().items;
    assert_eq!(
        log.iter().map(|d| (d.channel.as_str(), d.status)).collect::<Vec<_>>(),
        [("email", DeliveryStatus::Sent), ("email", DeliveryStatus::Sent)]
    );
});

loopdesk_persistence::both_backends!(robots_and_webhooks_get_their_own_signed_formats, |db| {
    let receiver = HttpReceiver::start();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock, None);
    channel(&w, "企业微信群", "wecom", receiver.url("/wecom?key=abc"), None);
    channel(&w, "钉钉群", "dingtalk", receiver.url("/ding?access_token=t0k"), Some("SECding"));
    channel(&w, "飞书群", "feishu", receiver.url("/feishu/hook"), Some("SECfei"));
    channel(&w, "ERP", "webhook", receiver.url("/erp"), Some("erp-secret"));
    let id = ticket(&w, "机房温度过高");
    let report = w.app.deliver_due().unwrap();
    assert_eq!(report.sent, 4, "{report:?}");
    let requests = receiver.requests();
    let by = |prefix: &str| requests.iter().find(|r| r.target.starts_with(prefix)).expect(prefix).clone();

    let wecom = by("/wecom").json();
    assert_eq!(wecom["msgtype"], "markdown");
    assert!(wecom["markdown"]["content"].as_str().unwrap().contains("机房温度过高"));

    let ding = by("/ding");
    let query: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(ding.target.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
    assert_eq!(query["access_token"], "t0k");
    let timestamp: i64 = query["timestamp"].parse().unwrap();
    assert_eq!(query["sign"], notify::dingtalk_sign("SECding", timestamp), "DingTalk signature verifies");
    assert_eq!(
        ding.json()["markdown"]["title"],
        format!("T-{id:06} 已分配给你"),
        "robots speak the operator's language"
    );

    let feishu = by("/feishu").json();
    let ts: i64 = feishu["timestamp"].as_str().unwrap().parse().unwrap();
    assert_eq!(feishu["sign"], notify::feishu_sign("SECfei", ts), "Feishu signature verifies");
    assert!(feishu["content"]["text"].as_str().unwrap().contains("https://desk.test/tickets/"));

    let erp = by("/erp");
    assert_eq!(erp.header("X-Loopdesk-Signature").unwrap(), notify::webhook_signature("erp-secret", &erp.body));
    assert_eq!(erp.json()["event"], "ticket_assigned");
    assert_eq!(erp.json()["ticket_id"], id);

    // A robot that refuses (wrong key: 200 with an error code) is retried, not counted as sent.
    receiver.answer("/wecom", 200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#);
    ticket(&w, "第二单");
    let report = w.app.deliver_due().unwrap();
    assert_eq!((report.sent, report.retrying), (3, 1), "{report:?}");
    let pending = w
        .app
        .list_deliveries(&w.admin, &DeliveryQuery { status: Some("pending".into()), ..Default::default() })
        .unwrap();
    assert!(pending.items[0].last_error.as_deref().unwrap().contains("93000"));
});

loopdesk_persistence::both_backends!(a_receiver_that_is_down_loses_nothing, |db| {
    // A port with nothing behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock, None);
    channel(&w, "ERP", "webhook", format!("http://127.0.0.1:{port}/erp"), None);
    ticket(&w, "断网了");
    let first = w.app.deliver_due().unwrap();
    assert_eq!(first.retrying, 1, "{first:?}");
    assert_eq!(w.app.deliver_due().unwrap(), Default::default(), "not before its retry time");
    clock.advance(Duration::seconds(29));
    assert_eq!(w.app.deliver_due().unwrap().retrying, 0);
    clock.advance(Duration::seconds(2));
    assert_eq!(w.app.deliver_due().unwrap().retrying, 1, "the second try, still down");

    let receiver = HttpReceiver::start_on(port);
    clock.advance(Duration::seconds(61));
    assert_eq!(w.app.deliver_due().unwrap().sent, 1, "sent once the receiver is back");
    assert_eq!(receiver.requests().len(), 1);
    let log = w.app.list_deliveries(&w.admin, &DeliveryQuery::default()).unwrap().items;
    assert_eq!((log[0].status, log[0].attempts), (DeliveryStatus::Sent, 3));
    assert_eq!(log[0].channel_name.as_deref(), Some("ERP"));
    assert!(log[0].ticket_number.as_deref().is_some_and(|n| n.starts_with("T-")));

    // After every retry it is kept as failed, and can be sent again by hand.
    drop(receiver);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    channel(&w, "Dead", "webhook", format!("http://127.0.0.1:{dead}/x"), None);
    ticket(&w, "又断网了");
    for _ in 0..notify::MAX_ATTEMPTS {
        w.app.deliver_due().unwrap();
        clock.advance(Duration::hours(2));
    }
    let failed = w
        .app
        .list_deliveries(&w.admin, &DeliveryQuery { status: Some("failed".into()), ..Default::default() })
        .unwrap()
        .items;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, notify::MAX_ATTEMPTS);
    w.app.retry_delivery(&w.admin, failed[0].id).unwrap();
    assert!(w.app.retry_delivery(&w.admin, failed[0].id).is_err(), "only failed ones");
});

loopdesk_persistence::both_backends!(two_instances_send_each_message_once, |db| {
    let receiver = HttpReceiver::start();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock, None);
    channel(&w, "ERP", "webhook", receiver.url("/erp"), None);
    let ids: Vec<i64> = (0..12).map(|i| ticket(&w, &format!("告警 {i}"))).collect();
    let apps = [w.app.clone(), second_instance(&db, clock.clock()).with_notify(w.app.notify.clone())];
    let total: usize = race(2, move |i| {
        let app = &apps[i];
        let mut sent = 0;
        for _ in 0..3 {
            sent += app.deliver_due().unwrap().sent;
        }
        sent
    })
    .into_iter()
    .sum();
    assert_eq!(total, ids.len());
    let mut got: Vec<i64> = receiver.requests().iter().map(|r| r.json()["ticket_id"].as_i64().unwrap()).collect();
    got.sort_unstable();
    assert_eq!(got, ids, "each message exactly once");
});

loopdesk_persistence::both_backends!(a_customer_subject_reaches_group_chats_as_plain_text, |db| {
    let receiver = HttpReceiver::start();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let w = world(&db, &clock, None);
    channel(&w, "企业微信群", "wecom", receiver.url("/wecom?key=abc"), None);
    channel(&w, "钉钉群", "dingtalk", receiver.url("/ding?access_token=t0k"), None);
    ticket(&w, "[退款请点这里](http://phish.example) ![](http://track.example/p.png)");
    assert_eq!(w.app.deliver_due().unwrap().sent, 2);
    let requests = receiver.requests();
    let wecom = requests.iter().find(|r| r.target.starts_with("/wecom")).unwrap().json();
    let ding = requests.iter().find(|r| r.target.starts_with("/ding")).unwrap().json();
    for text in [wecom["markdown"]["content"].as_str().unwrap(), ding["markdown"]["text"].as_str().unwrap()] {
        assert!(!text.contains("](http://phish") && !text.contains("![]("), "{text}");
        assert!(text.contains(r"\[退款请点这里\]"), "{text}");
    }
});

loopdesk_persistence::both_backends!(channels_cannot_point_at_internal_addresses, |db| {
    let receiver = HttpReceiver::start();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let allowed = world(&db, &clock, None);
    // The default: public addresses only.
    let strict = allowed.app.clone().with_notify(NotifyConfig { public_url: None, ..Default::default() });
    for url in [
        receiver.url("/erp"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.5/hook".to_string(),
        "http://[::1]:8080/hook".to_string(),
        "http://localhost:8080/hook".to_string(),
    ] {
        let input: ChannelInput =
            serde_json::from_value(json!({"name": "内网", "kind": "webhook", "url": url})).unwrap();
        match strict.create_channel(&allowed.admin, &input) {
            Err(AppError::Validation(errors)) => {
                assert!(format!("{errors:?}").contains("public address"), "{errors:?}")
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(strict.list_channels(&allowed.admin).unwrap().is_empty(), "nothing was saved");

    // A name is checked after it resolves: saved where localhost is allowed, refused where it is not.
    let port = receiver.url("/").split(':').nth(2).unwrap().trim_end_matches('/').to_string();
    channel(&allowed, "ERP", "webhook", format!("http://localhost:{port}/erp"), None);
    ticket(&allowed, "内网探测");
    let report = strict.deliver_due().unwrap();
    assert_eq!((report.sent, report.retrying), (0, 1), "{report:?}");
    assert!(receiver.requests().is_empty(), "no request left the server");
    let log = strict.list_deliveries(&allowed.admin, &DeliveryQuery::default()).unwrap().items;
    let error = log[0].last_error.clone().unwrap();
    assert!(error.starts_with("refused:"), "{error}");
});
