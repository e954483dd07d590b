//! The role × operation matrix, on SQLite and PostgreSQL: every operation of openapi/openapi.json is called by
//! every kind of caller (anonymous, customer, agent, supervisor, admin, and API keys of narrow scope), and what
//! the server answers must match the committed table in `access_matrix.tsv` exactly. An answer counts as
//! "allow" when it is not 401/403 (a 404, 409 or 422 after the policy passed is an allow); an allow where the
//! table says deny fails, and so does a deny where it says allow: the table is the truth, changed on purpose.
//!
//! Every operation of the document must have a row, and every row an operation of the document. After a
//! deliberate change, `LOOPDESK_ACCESS_MATRIX_BLESS=1 cargo nextest run -p loopdesk-http --test access_matrix
//! sqlite` rewrites the table from what the server does; review the diff before committing it.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use common::*;
use loopdesk_persistence::Backend;
use serde_json::{Value, json};

/// API keys of narrow scope, each owned by the admin: (column, scope).
const KEYS: [(&str, &[&str]); 8] = [
    ("key_read", &["tickets_read_all", "users_read"]),
    (
        "key_tickets",
        &[
            "tickets_read_all",
            "tickets_create",
            "tickets_update",
            "tickets_assign",
            "comments_public",
            "comments_internal",
        ],
    ),
    ("key_users", &["users_manage"]),
    ("key_directory", &["groups_manage", "organizations_manage", "ticket_types_manage"]),
    ("key_routing", &["routing_manage"]),
    ("key_sla", &["sla_manage"]),
    ("key_channels", &["channels_manage"]),
    ("key_api_keys", &["api_keys_manage"]),
];

/// People: (column, e-mail, password); the admin is the test app's.
const PEOPLE: [(&str, &str, &str); 4] = [
    ("customer", "wang@customer.test", "customer-password"),
    ("agent", "li@test.local", "agent-password"),
    ("supervisor", "boss@test.local", "boss-password"),
    ("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
];

fn columns() -> Vec<&'static str> {
    let mut columns = vec!["anonymous"];
    columns.extend(PEOPLE.iter().map(|p| p.0));
    columns.extend(KEYS.iter().map(|k| k.0));
    columns
}

fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/access_matrix.tsv")
}

/// Every operation of the committed document, as `METHOD /path/template`.
fn document_operations() -> BTreeSet<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("openapi/openapi.json")).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

/// The committed table: operation → column → allowed.
fn read_table() -> BTreeMap<String, BTreeMap<String, bool>> {
    let text = std::fs::read_to_string(table_path()).expect("crates/http/tests/access_matrix.tsv");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("a header row").split('\t').collect();
    let mut expected_header = vec!["operation"];
    expected_header.extend(columns());
    assert_eq!(header, expected_header, "the table's columns are the callers of this test, in order");
    let mut table = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), header.len(), "row {line:?} has {} cells, the header {}", cells.len(), header.len());
        let row = header[1..]
            .iter()
            .zip(&cells[1..])
            .map(|(column, cell)| {
                let allowed = match *cell {
                    "allow" => true,
                    "deny" => false,
                    other => panic!("row {:?}, column {column}: {other:?} is neither allow nor deny", cells[0]),
                };
                (column.to_string(), allowed)
            })
            .collect();
        assert!(table.insert(cells[0].to_string(), row).is_none(), "operation {:?} is in the table twice", cells[0]);
    }
    table
}

fn write_table(observed: &BTreeMap<String, BTreeMap<String, bool>>) {
    let mut out = String::from(
        "# Role × operation matrix: who may call what (crates/http/tests/access_matrix.rs checks it on both backends).\n\
         # allow = the answer is not 401/403; deny = 401 or 403. Edit on purpose, or rewrite from the server with\n\
         # LOOPDESK_ACCESS_MATRIX_BLESS=1 and review the diff.\n\
         # Callers: anonymous (no credentials); customer, agent, supervisor, admin (built-in roles, signed in);\n\
         # API keys owned by the admin, with these scopes:\n",
    );
    for (name, scope) in KEYS {
        out.push_str(&format!("#   {name}: {}\n", scope.join(", ")));
    }
    let columns = columns();
    out.push_str(&format!("operation\t{}\n", columns.join("\t")));
    for (op, row) in observed {
        let cells: Vec<&str> = columns.iter().map(|c| if row[*c] { "allow" } else { "deny" }).collect();
        out.push_str(&format!("{op}\t{}\n", cells.join("\t")));
    }
    std::fs::write(table_path(), out).expect("write the table");
}

/// The ids every request is filled with.
struct Fixtures {
    group: i64,
    spare_group: i64,
    org: i64,
    customer: i64,
    agent: i64,
    supervisor: i64,
    admin: i64,
    victim: i64,
    ticket_type: i64,
    /// tickets of this type go to the claim pool of `group`
    pool_type: i64,
    ticket: i64,
    calendar: i64,
    rule: i64,
    policy: i64,
    channel: i64,
    /// a public file the customer put on `ticket`
    attachment: i64,
}

/// How one caller authenticates.
#[derive(Clone)]
enum Credential {
    Anonymous,
    Person { email: &'static str, password: &'static str, token: String },
    Key { scope: &'static [&'static str], key: String },
}

impl Credential {
    fn token(&self) -> Option<&str> {
        match self {
            Credential::Anonymous => None,
            Credential::Person { token, .. } => Some(token),
            Credential::Key { key, .. } => Some(key),
        }
    }
}

async fn id_of<S, B>(svc: &S, admin: &str, uri: &str, body: Value) -> i64
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let reply = post(svc, admin, uri, body).await;
    let reply = reply.expect(201);
    reply.body["id"].as_i64().expect("an id")
}

async fn make_key<S, B>(svc: &S, admin: &str, scope: &[&str]) -> String
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let reply = post(svc, admin, "/api/v1/api-keys", json!({"name": "matrix", "permissions": scope})).await;
    reply.expect(201).body["key"].as_str().expect("the key").to_string()
}

/// Signs in and returns (access token, refresh token).
async fn session<S, B>(svc: &S, email: &str, password: &str) -> (String, String)
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let reply = send(
        svc,
        TestRequest::post().uri("/api/v1/auth/login").set_json(json!({"email": email, "password": password})),
    )
    .await
    .expect(200);
    (
        reply.body["access_token"].as_str().unwrap().to_string(),
        reply.body["refresh_token"].as_str().unwrap().to_string(),
    )
}

fn week() -> Value {
    json!({"mon": [{"from": "09:00", "to": "18:00"}]})
}

async fn fresh_calendar<S: TestApi<B>, B: actix_web::body::MessageBody>(svc: &S, admin: &str, n: u32) -> i64 {
    id_of(
        svc,
        admin,
        "/api/v1/calendars",
        json!({"name": format!("日历 {n}"), "time_zone": "Asia/Shanghai", "week": week()}),
    )
    .await
}

async fn fresh_rule<S: TestApi<B>, B: actix_web::body::MessageBody>(svc: &S, admin: &str, n: u32) -> i64 {
    id_of(
        svc,
        admin,
        "/api/v1/routing-rules",
        json!({"name": format!("规则 {n}"), "actions": [{"kind": "set_priority", "priority": "high"}]}),
    )
    .await
}

async fn fresh_policy<S: TestApi<B>, B: actix_web::body::MessageBody>(svc: &S, admin: &str, n: u32) -> i64 {
    let targets = json!({"normal": {"resolution_minutes": 480}});
    id_of(svc, admin, "/api/v1/sla-policies", json!({"name": format!("SLA {n}"), "targets": targets})).await
}

async fn fresh_channel<S: TestApi<B>, B: actix_web::body::MessageBody>(svc: &S, admin: &str, n: u32) -> i64 {
    id_of(svc, admin, "/api/v1/notification-channels", channel_body(n)).await
}

fn channel_body(n: u32) -> Value {
    json!({"name": format!("值班群 {n}"), "kind": "webhook", "url": "https://hooks.example.com/loopdesk"})
}

/// A new ticket the customer opened, in the agent's and supervisor's group.
async fn fresh_ticket<S: TestApi<B>, B: actix_web::body::MessageBody>(svc: &S, customer: &str, fx: &Fixtures) -> i64 {
    id_of(svc, customer, "/api/v1/tickets", json!({"type_id": fx.ticket_type, "subject": "空调不制冷"})).await
}

/// A new ticket assigned (not yet accepted) to `assignee`.
async fn assigned_ticket<S: TestApi<B>, B: actix_web::body::MessageBody>(
    svc: &S,
    admin: &str,
    customer: &str,
    fx: &Fixtures,
    assignee: i64,
) -> i64 {
    let id = fresh_ticket(svc, customer, fx).await;
    let reply = post(svc, admin, format!("/api/v1/tickets/{id}/assign"), json!({ "assignee_id": assignee })).await;
    assert_eq!(reply.expect(200).body["status"], "assigned");
    id
}

/// A new ticket in the claim pool of the agents' group.
async fn pooled_ticket<S: TestApi<B>, B: actix_web::body::MessageBody>(svc: &S, customer: &str, fx: &Fixtures) -> i64 {
    id_of(svc, customer, "/api/v1/tickets", json!({"type_id": fx.pool_type, "subject": "水管爆裂"})).await
}

/// The request that exercises `op` (method, uri, body); destructive operations get a fresh target of their own so
/// that later calls still find theirs; `own` is the person whose work the caller does (a key's owner), to whom
/// tickets to accept or decline are assigned. None for an operation this test does not know yet.
#[allow(clippy::too_many_arguments)]
async fn request_for<S, B>(
    svc: &S,
    admin: &str,
    customer: &str,
    fx: &Fixtures,
    op: &str,
    n: u32,
    own: i64,
) -> Option<(Method, String, Option<Value>)>
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let (method, template) = op.split_once(' ').expect("METHOD /path");
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let unique = format!("matrix-{n}");
    let id = |v: i64| Some(v);
    // (path id, second path id, body)
    let (first, second, body): (Option<i64>, Option<i64>, Option<Value>) = match op {
        "GET /healthz"
        | "GET /readyz"
        | "GET /api/v1/me"
        | "GET /api/v1/me/agent"
        | "GET /api/v1/agents"
        | "GET /api/v1/api-keys"
        | "GET /api/v1/calendars"
        | "GET /api/v1/deliveries"
        | "GET /api/v1/groups"
        | "GET /api/v1/me/notification-preferences"
        | "GET /api/v1/notification-channels"
        | "GET /api/v1/notifications"
        | "GET /api/v1/notifications/unread-count"
        | "GET /api/v1/organizations"
        | "GET /api/v1/queues"
        | "GET /api/v1/reports/transfers"
        | "GET /api/v1/roles"
        | "GET /api/v1/routing-rules"
        | "GET /api/v1/sla-policies"
        | "GET /api/v1/stream"
        | "GET /api/v1/ticket-types"
        | "GET /api/v1/tickets"
        | "GET /api/v1/users" => (None, None, None),
        "GET /api/v1/agents/{id}" => (id(fx.agent), None, None),
        "PATCH /api/v1/agents/{id}" => (id(fx.agent), None, Some(json!({"capacity": 8}))),
        "POST /api/v1/api-keys" => (None, None, Some(json!({"name": unique, "permissions": ["tickets_read_all"]}))),
        "DELETE /api/v1/api-keys/{id}" => {
            let reply = post(svc, admin, "/api/v1/api-keys", json!({"name": unique, "permissions": ["users_read"]}));
            (reply.await.expect(201).body["id"].as_i64(), None, None)
        }
        "POST /api/v1/auth/login" => (None, None, Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))),
        "POST /api/v1/auth/refresh" => {
            let (_, refresh) = session(svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
            (None, None, Some(json!({ "refresh_token": refresh })))
        }
        // The caller's own refresh token is filled in by the caller loop.
        "POST /api/v1/auth/logout" => (None, None, None),
        "POST /api/v1/calendars" => {
            (None, None, Some(json!({"name": unique, "time_zone": "Asia/Shanghai", "week": week()})))
        }
        "GET /api/v1/calendars/{id}" => (id(fx.calendar), None, None),
        "PUT /api/v1/calendars/{id}" => {
            (id(fx.calendar), None, Some(json!({"name": "上海工作日", "time_zone": "Asia/Shanghai", "week": week()})))
        }
        "DELETE /api/v1/calendars/{id}" => (id(fresh_calendar(svc, admin, n).await), None, None),
        "POST /api/v1/calendars/{id}/import" => (
            id(fx.calendar),
            None,
            Some(json!({"text": "[{\"date\": \"2026-10-01\", \"kind\": \"holiday\", \"name\": \"国庆节\"}]"})),
        ),
        // Nothing has been delivered: the policy decides before the lookup, so a 404 or 409 is an allow.
        "POST /api/v1/deliveries/{id}/retry" => (id(999_999), None, None),
        "POST /api/v1/groups" => (None, None, Some(json!({ "name": unique }))),
        "GET /api/v1/groups/{id}" => (id(fx.group), None, None),
        "PATCH /api/v1/groups/{id}" => (id(fx.group), None, Some(json!({"description": unique}))),
        "PUT /api/v1/groups/{id}/members/{user_id}" | "DELETE /api/v1/groups/{id}/members/{user_id}" => {
            (id(fx.spare_group), id(fx.victim), None)
        }
        "PUT /api/v1/me/availability" => (None, None, Some(json!({"availability": "online"}))),
        "PUT /api/v1/me/location" => (None, None, Some(json!({"lat": 31.2, "lon": 121.5}))),
        "PUT /api/v1/me/locale" => (None, None, Some(json!({"locale": "en"}))),
        "PUT /api/v1/me/notification-preferences" => (None, None, Some(json!({"preferences": []}))),
        "POST /api/v1/notification-channels" => (None, None, Some(channel_body(n))),
        "PUT /api/v1/notification-channels/{id}" => (id(fx.channel), None, Some(channel_body(0))),
        "DELETE /api/v1/notification-channels/{id}" => (id(fresh_channel(svc, admin, n).await), None, None),
        "POST /api/v1/notifications/read" => (None, None, Some(json!({}))),
        "POST /api/v1/organizations" => (None, None, Some(json!({ "name": unique }))),
        "GET /api/v1/organizations/{id}" => (id(fx.org), None, None),
        "PATCH /api/v1/organizations/{id}" => (id(fx.org), None, Some(json!({"tier": "vip"}))),
        "POST /api/v1/routing-rules" => {
            (None, None, Some(json!({"name": unique, "actions": [{"kind": "set_priority", "priority": "high"}]})))
        }
        "POST /api/v1/routing-rules/order" => (None, None, Some(json!({"rule_ids": [fx.rule]}))),
        "POST /api/v1/routing-rules/test" => (
            None,
            None,
            Some(json!({"ticket": {
                "type_id": fx.ticket_type, "priority": "normal", "channel": "web",
                "requester_id": fx.customer, "created_at": "2026-12-01T08:00:00Z"
            }})),
        ),
        "GET /api/v1/routing-rules/{id}" => (id(fx.rule), None, None),
        "PUT /api/v1/routing-rules/{id}" => (
            id(fx.rule),
            None,
            Some(json!({"name": "规则", "actions": [{"kind": "set_priority", "priority": "high"}]})),
        ),
        "DELETE /api/v1/routing-rules/{id}" => (id(fresh_rule(svc, admin, n).await), None, None),
        "POST /api/v1/sla-policies" => {
            (None, None, Some(json!({"name": unique, "targets": {"normal": {"resolution_minutes": 480}}})))
        }
        "POST /api/v1/sla-policies/order" => (None, None, Some(json!({"policy_ids": [fx.policy]}))),
        "GET /api/v1/sla-policies/{id}" => (id(fx.policy), None, None),
        "PUT /api/v1/sla-policies/{id}" => {
            (id(fx.policy), None, Some(json!({"name": "SLA", "targets": {"normal": {"resolution_minutes": 480}}})))
        }
        "DELETE /api/v1/sla-policies/{id}" => (id(fresh_policy(svc, admin, n).await), None, None),
        "POST /api/v1/ticket-types" => (None, None, Some(json!({"name": unique, "fields": []}))),
        "GET /api/v1/ticket-types/{id}" => (id(fx.ticket_type), None, None),
        "PATCH /api/v1/ticket-types/{id}" => (id(fx.ticket_type), None, Some(json!({"description": unique}))),
        "POST /api/v1/tickets" => (None, None, Some(json!({"type_id": fx.ticket_type, "subject": unique}))),
        // A JSON body where a form belongs: whoever may upload gets as far as the 415, the others are refused first.
        "POST /api/v1/tickets/{id}/attachments" => (id(fx.ticket), None, Some(json!({}))),
        "GET /api/v1/attachments/{id}" | "GET /api/v1/attachments/{id}/thumbnail" => (id(fx.attachment), None, None),
        "GET /api/v1/tickets/{id}"
        | "GET /api/v1/tickets/{id}/attachments"
        | "GET /api/v1/tickets/{id}/comments"
        | "GET /api/v1/tickets/{id}/events"
        | "GET /api/v1/tickets/{id}/watchers" => (id(fx.ticket), None, None),
        "PATCH /api/v1/tickets/{id}" => {
            (id(fresh_ticket(svc, customer, fx).await), None, Some(json!({"subject": unique})))
        }
        "POST /api/v1/tickets/{id}/accept" => {
            (id(assigned_ticket(svc, admin, customer, fx, own).await), None, Some(json!({})))
        }
        "POST /api/v1/tickets/{id}/claim" => (id(pooled_ticket(svc, customer, fx).await), None, Some(json!({}))),
        "POST /api/v1/tickets/{id}/assign" => {
            (id(fresh_ticket(svc, customer, fx).await), None, Some(json!({"assignee_id": fx.agent})))
        }
        "POST /api/v1/tickets/{id}/comments" => {
            (id(fresh_ticket(svc, customer, fx).await), None, Some(json!({"body": "请尽快处理"})))
        }
        "POST /api/v1/tickets/{id}/decline" => {
            (id(assigned_ticket(svc, admin, customer, fx, own).await), None, Some(json!({"reason": "不在附近"})))
        }
        "POST /api/v1/tickets/{id}/route" => (id(fresh_ticket(svc, customer, fx).await), None, Some(json!({}))),
        "POST /api/v1/tickets/{id}/transfer" => (
            id(fresh_ticket(svc, customer, fx).await),
            None,
            Some(json!({"group_id": fx.spare_group, "reason": "需要产品部确认"})),
        ),
        "POST /api/v1/tickets/{id}/transitions" => {
            (id(fresh_ticket(svc, customer, fx).await), None, Some(json!({"status": "in_progress"})))
        }
        "POST /api/v1/tickets/{id}/watchers" => (id(fresh_ticket(svc, customer, fx).await), None, Some(json!({}))),
        "DELETE /api/v1/tickets/{id}/watchers/{user_id}" => {
            (id(fresh_ticket(svc, customer, fx).await), id(fx.agent), None)
        }
        "POST /api/v1/users" => (
            None,
            None,
            Some(
                json!({"email": format!("{unique}@customer.test"), "name": unique, "kind": "customer", "role": "customer"}),
            ),
        ),
        "GET /api/v1/users/{id}" => (id(fx.victim), None, None),
        "PATCH /api/v1/users/{id}" => (id(fx.victim), None, Some(json!({ "name": unique }))),
        "POST /api/v1/users/{id}/sign-in-unlock" => (id(fx.victim), None, None),
        _ => return None,
    };
    let mut uri = template.to_string();
    if let Some(first) = first {
        uri = uri.replace("{id}", &first.to_string());
    }
    if let Some(second) = second {
        uri = uri.replace("{user_id}", &second.to_string());
    }
    assert!(!uri.contains('{'), "{op}: a path parameter is left unfilled in {uri}");
    Some((method, uri, body))
}

async fn seed<S, B>(svc: &S, admin: &str) -> Fixtures
where
    S: TestApi<B>,
    B: actix_web::body::MessageBody,
{
    let group = id_of(svc, admin, "/api/v1/groups", json!({"name": "售后二组"})).await;
    let spare_group = id_of(svc, admin, "/api/v1/groups", json!({"name": "产品部"})).await;
    let org = id_of(svc, admin, "/api/v1/organizations", json!({"name": "华东电力"})).await;
    let customer = id_of(svc, admin, "/api/v1/users", json!({"email": PEOPLE[0].1, "name": "王女士", "password": PEOPLE[0].2, "kind": "customer", "role": "customer", "organization_id": org})).await;
    let agent = id_of(svc, admin, "/api/v1/users", json!({"email": PEOPLE[1].1, "name": "李工", "password": PEOPLE[1].2, "kind": "staff", "role": "agent", "group_ids": [group]})).await;
    let supervisor = id_of(svc, admin, "/api/v1/users", json!({"email": PEOPLE[2].1, "name": "主管", "password": PEOPLE[2].2, "kind": "staff", "role": "supervisor", "group_ids": [group]})).await;
    let victim = id_of(svc, admin, "/api/v1/users", json!({"email": "zhao@test.local", "name": "赵工", "password": "victim-password", "kind": "staff", "role": "agent"})).await;
    let ticket_type =
        id_of(svc, admin, "/api/v1/ticket-types", json!({"name": "设备报修", "default_group_id": group, "fields": []}))
            .await;
    // The admin works in the group too (keys act for the admin); the staff are online, so they may claim.
    let admin_id = get(svc, admin, "/api/v1/me").await.expect(200).body["id"].as_i64().unwrap();
    put(svc, admin, format!("/api/v1/groups/{group}/members/{admin_id}")).await.expect(200);
    for (_, email, password) in &PEOPLE[1..] {
        let (token, _) = session(svc, email, password).await;
        put_json(svc, &token, "/api/v1/me/availability", json!({"availability": "online"})).await.expect(200);
    }
    let pool_type = id_of(svc, admin, "/api/v1/ticket-types", json!({"name": "抢修", "fields": []})).await;
    let pool = json!({"name": "抢单", "conditions": [{"kind": "ticket_type", "type_ids": [pool_type]}],
        "actions": [{"kind": "set_group", "group_id": group}, {"kind": "assign", "strategy": {"kind": "pool"}}]});
    id_of(svc, admin, "/api/v1/routing-rules", pool).await;
    let calendar = id_of(
        svc,
        admin,
        "/api/v1/calendars",
        json!({"name": "上海工作日", "time_zone": "Asia/Shanghai", "week": week()}),
    )
    .await;
    let rule = id_of(
        svc,
        admin,
        "/api/v1/routing-rules",
        json!({"name": "规则", "actions": [{"kind": "set_priority", "priority": "high"}]}),
    )
    .await;
    let targets = json!({"normal": {"resolution_minutes": 480}});
    let policy = id_of(svc, admin, "/api/v1/sla-policies", json!({"name": "SLA", "targets": targets})).await;
    let channel = fresh_channel(svc, admin, 0).await;
    let mut fx = Fixtures {
        group,
        spare_group,
        org,
        customer,
        agent,
        supervisor,
        admin: admin_id,
        victim,
        ticket_type,
        pool_type,
        ticket: 0,
        calendar,
        rule,
        policy,
        channel,
        attachment: 0,
    };
    let (customer_token, _) = session(svc, PEOPLE[0].1, PEOPLE[0].2).await;
    fx.ticket = fresh_ticket(svc, &customer_token, &fx).await;
    // A 1×1 PNG, so that the file has a thumbnail too.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    let mut form = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\n".to_vec();
    form.extend(base64::Engine::decode(&base64::engine::general_purpose::STANDARD, png).unwrap());
    form.extend(b"\r\n--b--\r\n");
    let upload = TestRequest::post()
        .uri(&format!("/api/v1/tickets/{}/attachments", fx.ticket))
        .insert_header(bearer(&customer_token))
        .insert_header(("content-type", "multipart/form-data; boundary=b"))
        .set_payload(form);
    fx.attachment = send(svc, upload).await.expect(201).body[0]["id"].as_i64().unwrap();
    fx
}

/// 401 and 403 are refusals; so is a 404 for what the fixtures made (every path id is real, except the
/// delivery to retry): the policy hides what the caller may not see.
fn denied(op: &str, status: u16) -> bool {
    status == 401 || status == 403 || (status == 404 && op != "POST /api/v1/deliveries/{id}/retry")
}

loopdesk_persistence::both_backends!(every_caller_gets_exactly_what_the_table_says, |db| {
    block_on(async move {
        let backend = db.backend;
        // The matrix signs the same people in dozens of times from one test client: that is what the sign-in rate
        // limits stop, and they have their own tests (auth.rs); here they would only hide the policy.
        let mut auth = loopdesk_app::AuthConfig::with_secret(HTTP_TEST_SECRET.to_vec());
        auth.per_address = loopdesk_app::sign_in::RateRule { burst: 100_000, every_secs: 1 };
        auth.per_account = loopdesk_app::sign_in::RateRule { burst: 100_000, every_secs: 1 };
        let store = loopdesk_app::attachments::FileStore::local(&db.files_dir).unwrap();
        let app = loopdesk_app::App::new(db.pool.clone(), auth)
            .with_files(loopdesk_app::attachments::FileSettings::new(store));
        app.ensure_builtin_roles().unwrap();
        app.create_admin(ADMIN_EMAIL, "Admin", ADMIN_PASSWORD).unwrap();
        let svc = live_service!(app);
        let admin = login(&svc, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let fx = seed(&svc, &admin).await;
        let customer = login(&svc, PEOPLE[0].1, PEOPLE[0].2).await;

        let mut callers: Vec<(&str, Credential)> = vec![("anonymous", Credential::Anonymous)];
        for (name, email, password) in PEOPLE {
            let token = login(&svc, email, password).await;
            callers.push((name, Credential::Person { email, password, token }));
        }
        for (name, scope) in KEYS {
            callers.push((name, Credential::Key { scope, key: make_key(&svc, &admin, scope).await }));
        }

        let document = document_operations();
        let bless = std::env::var("LOOPDESK_ACCESS_MATRIX_BLESS").is_ok_and(|v| v == "1");
        let mut observed: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
        let mut answers: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut unknown = vec![];
        let mut n = 0;
        for op in &document {
            for (name, credential) in &callers {
                n += 1;
                let own = match *name {
                    "agent" => fx.agent,
                    "supervisor" => fx.supervisor,
                    "anonymous" | "customer" => fx.agent,
                    _ => fx.admin,
                };
                let Some((method, uri, mut body)) = request_for(&svc, &admin, &customer, &fx, op, n, own).await else {
                    unknown.push(op.clone());
                    break;
                };
                // Signing out ends a session: each caller signs out of a session of its own (a key, of its owner's).
                let mut credential = credential.clone();
                if op == "POST /api/v1/auth/logout" {
                    let (email, password) = match &credential {
                        Credential::Person { email, password, .. } => (*email, *password),
                        _ => (ADMIN_EMAIL, ADMIN_PASSWORD),
                    };
                    let (access, refresh) = session(&svc, email, password).await;
                    body = Some(json!({ "refresh_token": refresh }));
                    match &mut credential {
                        Credential::Person { token, .. } => *token = access,
                        Credential::Key { scope, key } => *key = make_key(&svc, &admin, scope).await,
                        Credential::Anonymous => {}
                    }
                }
                let mut req = TestRequest::default().method(method).uri(&uri);
                if let Some(token) = credential.token() {
                    req = req.insert_header(bearer(token));
                }
                if let Some(body) = body {
                    req = req.set_json(body);
                }
                let res = actix_web::test::call_service(&svc, req.to_request()).await;
                let status = res.status().as_u16();
                // The stream never ends: its status is the answer.
                let detail = if op == "GET /api/v1/stream" {
                    String::new()
                } else {
                    String::from_utf8_lossy(&actix_web::test::read_body(res).await).chars().take(300).collect()
                };
                assert!(status < 500, "{op} as {name}: a server error {status}: {detail}");
                observed.entry(op.clone()).or_default().insert(name.to_string(), !denied(op, status));
                answers.insert((op.clone(), name.to_string()), format!("{status} {detail}"));
            }
        }
        assert!(unknown.is_empty(), "operations this test does not know how to call yet: {unknown:?}");

        if bless && backend == Backend::Sqlite {
            write_table(&observed);
            // Every answer, for the review of the diff.
            let listing: String =
                answers.iter().map(|((op, caller), answer)| format!("{op}\t{caller}\t{answer}\n")).collect();
            let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("access_matrix_answers.tsv");
            std::fs::write(&path, listing).expect("write the answers");
            eprintln!("every answer is in {}", path.display());
        }
        let table = read_table();
        let table_ops: BTreeSet<String> = table.keys().cloned().collect();
        let missing: Vec<&String> = document.difference(&table_ops).collect();
        let stale: Vec<&String> = table_ops.difference(&document).collect();
        assert!(missing.is_empty(), "operations of openapi/openapi.json the table lacks: {missing:?}");
        assert!(stale.is_empty(), "rows of the table that name no operation of openapi/openapi.json: {stale:?}");

        let mut wrong = vec![];
        for (op, row) in &observed {
            for (caller, allowed) in row {
                let expected = table[op][caller];
                if *allowed != expected {
                    let verdict = if *allowed { "UNEXPECTED ALLOW" } else { "unexpected deny" };
                    let answer = &answers[&(op.clone(), caller.clone())];
                    wrong.push(format!("{verdict}: {op} as {caller} → {answer}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{} cells differ from access_matrix.tsv:\n{}", wrong.len(), wrong.join("\n"));
    })
});
