//! `loopdesk-bench dispatch-load`: ticket creation over HTTP with routing off (no rules) and on (the 100 rules of
//! `dispatch::rules`, the matching one assigning least-loaded in a group of 1,000 agents), on one running server.
//!
//! Setup through the public API (groups, a ticket type, a gold-tier organisation, 1,000 staff users, their
//! availability, capacity and skills, the rules); the agents' existing work (open and closed tickets) is seeded
//! straight into the database like `run` seeds. Afterwards the candidate-loading queries the app runs on every routed
//! creation are timed directly through `loopdesk_persistence`, to show where the routing time goes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use loopdesk_domain::dispatch::AssignStrategy;
use loopdesk_persistence::queries::dispatch as q;
use loopdesk_persistence::schema::{ticket_dispatch, tickets};
use loopdesk_persistence::{DbConfig, build_pool};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::dispatch::{self, NamedTiming, Scenario, Timing};
use crate::load::{self, Bounds, MakeRequest, PhaseResult};
use crate::{Api, data, expect, seed};

#[derive(clap::Args)]
pub struct LoadArgs {
    /// the server, e.g. http://127.0.0.1:18080 (loopback only)
    #[arg(long)]
    pub base_url: String,
    /// an administrator's e-mail
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub password: String,
    /// backend name for the report: sqlite or postgres
    #[arg(long)]
    pub label: String,
    /// the server's database (the agents' existing work is seeded into it; the queries are timed on it)
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// agents in the dispatch group
    #[arg(long, default_value_t = dispatch::AGENTS)]
    pub agents: usize,
    /// tickets seeded for those agents before measuring (open and done, a year of history)
    #[arg(long, default_value_t = 30_000)]
    pub work_tickets: usize,
    /// run ANALYZE after seeding (PostgreSQL)
    #[arg(long)]
    pub analyze: bool,
    /// measured seconds per phase (each phase also stops at its request cap)
    #[arg(long, default_value_t = 8.0)]
    pub phase_seconds: f64,
    #[arg(long, default_value_t = 1.0)]
    pub warmup_seconds: f64,
    /// client runtime threads
    #[arg(long, default_value_t = 1)]
    pub client_threads: usize,
    /// how often each candidate-loading query is timed
    #[arg(long, default_value_t = 200)]
    pub query_iterations: usize,
    #[arg(long)]
    pub json: PathBuf,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DispatchLoadResult {
    pub label: String,
    pub agents: usize,
    pub online_agents: usize,
    pub rules: usize,
    pub matching_rule: usize,
    pub work_tickets: usize,
    pub work_seconds: f64,
    pub setup_seconds: f64,
    pub analyzed: bool,
    pub client_threads: usize,
    /// tickets in the database when the measurements ended
    pub tickets_total: i64,
    /// phases named "create routing off" / "create routing on"
    pub phases: Vec<PhaseResult>,
    /// tickets the matching rule dispatched (warm-up included), and how many of them got an agent
    pub dispatched: i64,
    pub dispatched_assigned: i64,
    pub queries: Vec<NamedTiming>,
}

/// Builds request `i` of a setup batch.
type MakeSetupRequest = Arc<dyn Fn(&Api, usize) -> reqwest::RequestBuilder + Send + Sync>;

/// Sends `count` requests through `concurrency` workers, insisting on `status`; the answers come back in order.
async fn send_all(
    api: &Arc<Api>,
    count: usize,
    concurrency: usize,
    status: u16,
    make: MakeSetupRequest,
) -> Result<Vec<Value>, String> {
    let mut tasks = Vec::new();
    for worker in 0..concurrency.max(1) {
        let (api, make) = (api.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for i in (worker..count).step_by(concurrency.max(1)) {
                answers.push((i, expect(make(&api, i), status).await?));
            }
            Ok::<_, String>(answers)
        }));
    }
    let mut all = Vec::with_capacity(count);
    for task in tasks {
        all.extend(task.await.map_err(|e| e.to_string())??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, v)| v).collect())
}

fn id_of(value: &Value, what: &str) -> Result<i64, String> {
    value["id"].as_i64().ok_or_else(|| format!("{what} without id: {value}"))
}

/// POST /api/v1/tickets as in `run`, but without a group (routing or the type's default decides) and from the
/// gold-tier organisation; the same bodies with routing off and on.
fn create_request(api: &Arc<Api>, type_id: i64, organization_id: i64, run_id: u64, phase: &'static str) -> MakeRequest {
    let api = api.clone();
    Arc::new(move |n| {
        let mut rng = StdRng::seed_from_u64(run_id ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let channel = ["web", "email", "phone"][rng.random_range(0..3)];
        let body = json!({
            "type_id": type_id,
            "subject": data::subject(&mut rng, n),
            "description": data::description(&mut rng),
            "priority": data::priority_name(data::priority_rank(&mut rng)),
            "channel": channel,
            "organization_id": organization_id,
            "tags": data::tags(&mut rng),
            "custom_fields": data::custom_fields(&mut rng),
        });
        api.client
            .post(api.url("/api/v1/tickets"))
            .bearer_auth(&api.token)
            .header("Idempotency-Key", format!("bench-dispatch-{run_id:x}-{phase}-{n}"))
            .json(&body)
    })
}

pub async fn run(args: LoadArgs) -> Result<(), String> {
    crate::check_loopback(&args.base_url)?;
    let base = args.base_url.trim_end_matches('/').to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let login = async || -> Result<(Arc<Api>, i64), String> {
        let (token, admin_id) = Api::login(&client, &base, &args.email, &args.password).await?;
        Ok((Arc::new(Api { client: client.clone(), base: base.clone(), token }), admin_id))
    };
    let (mut api, admin_id) = login().await?;
    let run_id: u64 = rand::rng().random();
    let suffix = format!("{:06x}", run_id & 0xff_ffff);
    let label = args.label.clone();

    let existing = expect(api.client.get(api.url("/api/v1/routing-rules")).bearer_auth(&api.token), 200).await?;
    if existing.as_array().is_some_and(|rules| !rules.is_empty()) {
        return Err("the server already has routing rules; the 'routing off' phases need none".into());
    }

    eprintln!("[{label}] dispatch: setting up groups, a ticket type, an organisation and {} agents", args.agents);
    let setup_started = Instant::now();
    let mut small_groups = Vec::new();
    for g in 0..4 {
        let group = api.post("/api/v1/groups", json!({"name": format!("Dispatch small {g} {suffix}")})).await?;
        small_groups.push(id_of(&group, "group")?);
    }
    let big = api.post("/api/v1/groups", json!({"name": format!("千人坐席组 {suffix}")})).await?;
    let big_group = id_of(&big, "group")?;
    let ticket_type = api
        .post("/api/v1/ticket-types", json!({
            "name": format!("设备报修 dispatch {suffix}"), "default_group_id": small_groups[0], "default_priority": "normal",
            "fields": data::field_definitions()
        }))
        .await?;
    let type_id = id_of(&ticket_type, "ticket type")?;
    let org =
        api.post("/api/v1/organizations", json!({"name": format!("华东电力 bench {suffix}"), "tier": "gold"})).await?;
    let organization_id = id_of(&org, "organization")?;

    let users = {
        let suffix = suffix.clone();
        send_all(
            &api,
            args.agents,
            16,
            201,
            Arc::new(move |api: &Api, i| {
                api.client.post(api.url("/api/v1/users")).bearer_auth(&api.token).json(&json!({
                    "email": format!("dispatch{i}.{suffix}@bench.test"), "name": format!("坐席 {i:04}"),
                    "kind": "staff", "role": "agent", "group_ids": [big_group]
                }))
            }),
        )
        .await?
    };
    let agent_ids: Vec<i64> = users.iter().map(|u| id_of(u, "user")).collect::<Result<_, _>>()?;
    let mut online_agents = 0;
    let mut profiles = Vec::with_capacity(agent_ids.len());
    for i in 0..agent_ids.len() {
        let p = dispatch::profile(&mut StdRng::seed_from_u64(0xa6e7 ^ i as u64));
        online_agents += usize::from(p.availability == loopdesk_domain::dispatch::Availability::Online);
        profiles.push(json!({"availability": p.availability, "capacity": p.capacity, "skills": p.skills}));
    }
    {
        let (ids, profiles) = (Arc::new(agent_ids.clone()), Arc::new(profiles));
        send_all(
            &api,
            ids.len(),
            16,
            200,
            Arc::new(move |api: &Api, i| {
                api.client
                    .patch(api.url(&format!("/api/v1/agents/{}", ids[i])))
                    .bearer_auth(&api.token)
                    .json(&profiles[i])
            }),
        )
        .await?;
    }
    let setup_seconds = setup_started.elapsed().as_secs_f64();
    eprintln!("[{label}] {} agents ({online_agents} online) set up in {setup_seconds:.1} s", agent_ids.len());

    eprintln!("[{label}] seeding {} tickets of the agents' existing work", args.work_tickets);
    let work_started = Instant::now();
    {
        let url = args.database_url.clone();
        let refs = seed::Refs {
            type_id,
            groups: vec![(big_group, agent_ids.clone())],
            requester_ids: vec![admin_id],
            creator_id: admin_id,
        };
        let count = args.work_tickets;
        let now = chrono::Utc::now().naive_utc();
        tokio::task::spawn_blocking(move || seed::seed(&url, &refs, count, now)).await.map_err(|e| e.to_string())??;
    }
    let work_seconds = work_started.elapsed().as_secs_f64();
    if args.analyze {
        let url = args.database_url.clone();
        tokio::task::spawn_blocking(move || seed::analyze(&url)).await.map_err(|e| e.to_string())??;
    }
    eprintln!("[{label}] seeded in {work_seconds:.1} s{}", if args.analyze { ", ANALYZE done" } else { "" });

    let bounds = |max_requests: u64| Bounds {
        warmup: Duration::from_secs_f64(args.warmup_seconds),
        duration: Duration::from_secs_f64(args.phase_seconds),
        max_requests,
    };
    let mut phases = Vec::new();
    for (concurrency, cap, tag) in [(1, 5_000, "off1"), (32, 30_000, "off32")] {
        (api, _) = login().await?;
        let make = create_request(&api, type_id, organization_id, run_id, tag);
        phases.push(load::phase("create routing off", concurrency, bounds(cap), make).await);
    }

    let scenario = Scenario { type_id, small_groups, big_group };
    let rules = dispatch::rules(&scenario, &AssignStrategy::LeastLoaded);
    let mut matching_rule_id = None;
    for (i, rule) in rules.iter().enumerate() {
        let saved = api.post("/api/v1/routing-rules", dispatch::rule_input(rule)).await?;
        if i == dispatch::MATCHING_INDEX {
            matching_rule_id = Some(id_of(&saved, "routing rule")?);
        }
    }
    let matching_rule_id = matching_rule_id.ok_or("no matching rule")?;
    eprintln!("[{label}] {} routing rules saved (the matching one: id {matching_rule_id})", rules.len());

    for (concurrency, cap, tag) in [(1, 5_000, "on1"), (32, 30_000, "on32")] {
        (api, _) = login().await?;
        let make = create_request(&api, type_id, organization_id, run_id, tag);
        phases.push(load::phase("create routing on", concurrency, bounds(cap), make).await);
    }

    // Check what routing did, then time the queries a routed creation runs (the server is idle now).
    let url = args.database_url.clone();
    let iterations = args.query_iterations.max(1);
    let ids = agent_ids.clone();
    let (tickets_total, dispatched, dispatched_assigned, queries) =
        tokio::task::spawn_blocking(move || time_queries(&url, big_group, matching_rule_id, &ids, iterations))
            .await
            .map_err(|e| e.to_string())??;
    eprintln!("[{label}] the matching rule dispatched {dispatched} tickets, {dispatched_assigned} of them to an agent");
    for query in &queries {
        eprintln!(
            "  {:<60} p50 {:>8.1} µs  p99 {:>8.1} µs  ({} rows)",
            query.name,
            query.timing.p50_us,
            query.timing.p99_us,
            query.rows.unwrap_or(0)
        );
    }

    let result = DispatchLoadResult {
        label,
        agents: agent_ids.len(),
        online_agents,
        rules: rules.len(),
        matching_rule: dispatch::MATCHING_INDEX + 1,
        work_tickets: args.work_tickets,
        work_seconds,
        setup_seconds,
        analyzed: args.analyze,
        client_threads: args.client_threads,
        tickets_total,
        phases,
        dispatched,
        dispatched_assigned,
        queries,
    };
    let text = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
    std::fs::write(&args.json, text).map_err(|e| format!("cannot write {}: {e}", args.json.display()))?;
    let errors: u64 = result.phases.iter().map(|p| p.errors).sum();
    if errors > 0 {
        return Err(format!("{errors} creation request(s) failed: see the samples above"));
    }
    if dispatched_assigned == 0 {
        return Err("routing assigned no ticket: the scenario is broken".into());
    }
    Ok(())
}

type QueryReport = (i64, i64, i64, Vec<NamedTiming>);

/// Counts what the matching rule did, then times each candidate-loading query of a routed creation.
fn time_queries(
    url: &str,
    group_id: i64,
    rule_id: i64,
    agent_ids: &[i64],
    iterations: usize,
) -> Result<QueryReport, String> {
    let config = DbConfig { url: url.to_string(), pool_size: 1, connect_timeout: Duration::from_secs(5) };
    let pool = build_pool(&config).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let conn = &mut *conn;
    let e = |e: diesel::result::Error| e.to_string();
    let total: i64 = tickets::table.count().get_result(conn).map_err(e)?;
    let dispatched: i64 =
        ticket_dispatch::table.filter(ticket_dispatch::rule_id.eq(rule_id)).count().get_result(conn).map_err(e)?;
    let assigned: i64 = ticket_dispatch::table
        .inner_join(tickets::table)
        .filter(ticket_dispatch::rule_id.eq(rule_id))
        .filter(tickets::assignee_id.is_not_null())
        .count()
        .get_result(conn)
        .map_err(e)?;

    let mut queries = Vec::new();
    let mut time = |name: String, f: &mut dyn FnMut(&mut loopdesk_persistence::DbConn) -> QueryResult<usize>| {
        let mut samples = Vec::with_capacity(iterations);
        let mut rows = 0;
        for i in 0..iterations + iterations / 10 {
            let started = Instant::now();
            rows = f(conn).map_err(e)?;
            if i >= iterations / 10 {
                samples.push(started.elapsed().as_nanos() as u64);
            }
        }
        queries.push(NamedTiming { name, rows: Some(rows), timing: Timing::of(samples) });
        Ok::<_, String>(())
    };
    time("list_rules (every rule, ordered)".into(), &mut |c| q::list_rules(c).map(|r| r.len()))?;
    time("online_members (group members ⋈ users ⋈ profiles ⋈ workload, what dispatch reads)".into(), &mut |c| {
        q::online_members(c, group_id).map(|r| r.len())
    })?;
    time(format!("workloads_of ({} ids, the agent views)", agent_ids.len()), &mut |c| {
        q::workloads_of(c, agent_ids).map(|r| r.len())
    })?;
    Ok((total, dispatched, assigned, queries))
}
