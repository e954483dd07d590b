//! `loopdesk-bench`: seeds a running Loopdesk server and measures it over HTTP.
//!
//! `loopdesk-bench run` sets up a ticket type, seeds tickets (over HTTP or straight
//! into the database), then measures ticket creation at concurrency 1 and 32,
//! GET by id, and two filtered list pages, and writes the figures as JSON.
//! `loopdesk-bench dispatch` times the smart-dispatch decision (rules + strategy) without I/O;
//! `loopdesk-bench dispatch-load` measures ticket creation over HTTP with routing off and on.
//! `loopdesk-bench login-flood` floods sign-in while a signed-in user reads tickets (server memory, reader latency).
//! `loopdesk-bench report` renders JSON results into docs/performance.md between
//! `<!-- bench:begin -->` and `<!-- bench:end -->` (and the dispatch markers). scripts/bench drives them all.

mod data;
mod dispatch;
mod dispatch_load;
mod load;
mod login_flood;
mod report;
mod seed;
mod sla_scan;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::load::{Bounds, MakeRequest, PhaseResult};

#[derive(Parser)]
#[command(name = "loopdesk-bench", version, about = "Load generator for a running Loopdesk server (loopback only)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seed and measure one running server; write the figures as JSON
    Run(RunArgs),
    /// Time the dispatch decision (100 rules, 1,000 candidates) per strategy, without I/O; write JSON
    Dispatch(dispatch::DecisionArgs),
    /// Measure ticket creation with routing off and on (1,000 agents, 100 rules) on one running server
    DispatchLoad(dispatch_load::LoadArgs),
    /// Time the SLA worker's pass over many open tickets with clocks (straight on a database); write JSON
    SlaScan(sla_scan::ScanArgs),
    /// Wrong sign-ins from many clients while a signed-in user reads tickets: server memory and the reader's latency
    LoginFlood(login_flood::FloodArgs),
    /// Render JSON results into the benchmark sections of a Markdown file
    Report(ReportArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SeedMethod {
    /// POST /api/v1/tickets at concurrency 32 (every ticket is `new`/`assigned`, created now)
    Http,
    /// batched inserts through loopdesk_persistence (varied status, a year of history)
    Db,
}

#[derive(clap::Args)]
struct RunArgs {
    /// the server, e.g. http://127.0.0.1:18080 (loopback only)
    #[arg(long)]
    base_url: String,
    /// an administrator's e-mail
    #[arg(long)]
    email: String,
    #[arg(long)]
    password: String,
    /// backend name for the report: sqlite or postgres
    #[arg(long)]
    label: String,
    /// how many tickets to seed before measuring
    #[arg(long, default_value_t = 100_000)]
    seed: usize,
    #[arg(long, value_enum, default_value = "db")]
    seed_method: SeedMethod,
    /// the server's database (needed for --seed-method db)
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// run ANALYZE after seeding (what PostgreSQL's autovacuum does shortly after a bulk load)
    #[arg(long)]
    analyze: bool,
    /// measured seconds per phase (each phase also stops at its request cap)
    #[arg(long, default_value_t = 8.0)]
    phase_seconds: f64,
    /// warm-up seconds before each phase (not counted)
    #[arg(long, default_value_t = 1.0)]
    warmup_seconds: f64,
    /// client runtime threads (the server shares this machine's cores)
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// where to write the JSON results
    #[arg(long)]
    json: PathBuf,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// the Markdown file to update (created when missing)
    #[arg(long)]
    out: PathBuf,
    /// the command line that produced the results, quoted in the report
    #[arg(long)]
    command: String,
    /// JSON files written by `run` (rewrite the backend section)
    results: Vec<PathBuf>,
    /// JSON written by `dispatch` (with --dispatch-load: rewrite the dispatch section)
    #[arg(long)]
    dispatch: Option<PathBuf>,
    /// JSON files written by `dispatch-load`
    #[arg(long)]
    dispatch_load: Vec<PathBuf>,
}

/// Everything one `run` measured.
#[derive(Debug, Serialize, Deserialize)]
pub struct BackendResult {
    pub label: String,
    pub seed_method: String,
    pub seeded: usize,
    pub seed_seconds: f64,
    pub analyzed: bool,
    pub client_threads: usize,
    pub phases: Vec<PhaseResult>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(args.client_threads.max(1))
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(run(args))
        }
        Command::Dispatch(args) => dispatch::run_decision(&args),
        Command::SlaScan(args) => sla_scan::run_scan(&args),
        Command::DispatchLoad(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(args.client_threads.max(1))
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(dispatch_load::run(args))
        }
        Command::LoginFlood(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(login_flood::run(args))
        }
        Command::Report(args) => {
            report::write_all(&args.out, &args.command, &args.results, args.dispatch.as_deref(), &args.dispatch_load)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("loopdesk-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The server connection and the signed-in administrator.
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> Result<(String, i64), String> {
        let body: Value = expect(
            client.post(format!("{base}/api/v1/auth/login")).json(&json!({"email": email, "password": password})),
            200,
        )
        .await?;
        let token = body["access_token"].as_str().ok_or("login: no access_token")?.to_string();
        let id = body["user"]["id"].as_i64().ok_or("login: no user id")?;
        Ok((token, id))
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        expect(self.client.post(self.url(path)).bearer_auth(&self.token).json(&body), 201).await
    }
}

/// Sends and insists on `status`; the problem body explains any other answer.
async fn expect(request: reqwest::RequestBuilder, status: u16) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| format!("request failed: {e}"))?;
    let got = response.status().as_u16();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if got != status {
        return Err(format!("expected HTTP {status}, got {got}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("unreadable JSON ({e}): {text}"))
}

fn check_loopback(base: &str) -> Result<(), String> {
    let rest =
        base.strip_prefix("http://").ok_or("--base-url must be http://127.0.0.1:PORT or http://localhost:PORT")?;
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        Ok(())
    } else {
        Err(format!("refusing to load {host}: loopback only"))
    }
}

fn ticket_body(rng: &mut StdRng, n: u64, type_id: i64, groups: &[(i64, Vec<i64>)]) -> Value {
    let (group_id, _) = &groups[rng.random_range(0..groups.len())];
    let channel = ["web", "email", "phone"][rng.random_range(0..3)];
    json!({
        "type_id": type_id,
        "subject": data::subject(rng, n),
        "description": data::description(rng),
        "priority": data::priority_name(data::priority_rank(rng)),
        "channel": channel,
        "group_id": group_id,
        "tags": data::tags(rng),
        "custom_fields": data::custom_fields(rng),
    })
}

/// POST /api/v1/tickets with custom fields and a distinct Idempotency-Key per request.
fn create_request(
    api: &Arc<Api>,
    type_id: i64,
    groups: Arc<Vec<(i64, Vec<i64>)>>,
    run_id: u64,
    phase: &'static str,
) -> MakeRequest {
    let api = api.clone();
    Arc::new(move |n| {
        let mut rng = StdRng::seed_from_u64(run_id ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let body = ticket_body(&mut rng, n, type_id, &groups);
        api.client
            .post(api.url("/api/v1/tickets"))
            .bearer_auth(&api.token)
            .header("Idempotency-Key", format!("bench-{run_id:x}-{phase}-{n}"))
            .json(&body)
    })
}

async fn run(args: RunArgs) -> Result<(), String> {
    check_loopback(&args.base_url)?;
    let base = args.base_url.trim_end_matches('/').to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let (token, admin_id) = Api::login(&client, &base, &args.email, &args.password).await?;
    let mut api = Arc::new(Api { client: client.clone(), base: base.clone(), token });
    let run_id: u64 = rand::rng().random();
    let suffix = format!("{:06x}", run_id & 0xff_ffff);

    // Groups with agents, and the ticket type with two custom fields.
    eprintln!("[{}] setting up groups, agents and a ticket type", args.label);
    let mut groups = Vec::new();
    for g in 0..4 {
        let group = api.post("/api/v1/groups", json!({"name": format!("Bench group {g} {suffix}")})).await?;
        let group_id = group["id"].as_i64().ok_or("group without id")?;
        let mut agents = Vec::new();
        for a in 0..3 {
            let user = api
                .post(
                    "/api/v1/users",
                    json!({
                        "email": format!("agent{g}{a}.{suffix}@bench.test"), "name": format!("Agent {g}-{a}"),
                        "password": "bench-agent-password", "kind": "staff", "role": "agent", "group_ids": [group_id]
                    }),
                )
                .await?;
            agents.push(user["id"].as_i64().ok_or("user without id")?);
        }
        groups.push((group_id, agents));
    }
    let ticket_type = api
        .post("/api/v1/ticket-types", json!({
            "name": format!("设备报修 bench {suffix}"), "default_group_id": groups[0].0, "default_priority": "normal",
            "fields": data::field_definitions()
        }))
        .await?;
    let type_id = ticket_type["id"].as_i64().ok_or("ticket type without id")?;
    let mut requester_ids: Vec<i64> = groups.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    requester_ids.push(admin_id);
    let groups = Arc::new(groups);

    // Seed.
    eprintln!("[{}] seeding {} tickets ({:?})", args.label, args.seed, args.seed_method);
    let seed_started = Instant::now();
    let mut ids: Vec<i64> = match args.seed_method {
        SeedMethod::Db => {
            let url = args.database_url.clone().ok_or("--seed-method db needs --database-url or DATABASE_URL")?;
            let refs = seed::Refs { type_id, groups: groups.to_vec(), requester_ids, creator_id: admin_id };
            let now = chrono::Utc::now().naive_utc();
            let count = args.seed;
            tokio::task::spawn_blocking(move || seed::seed(&url, &refs, count, now))
                .await
                .map_err(|e| e.to_string())??
        }
        SeedMethod::Http => {
            let make = create_request(&api, type_id, groups.clone(), run_id, "seed");
            let (errors, samples) = load::all(32, args.seed as u64, make).await;
            if errors > 0 {
                return Err(format!("{errors} seeding requests failed, e.g. {samples:?}"));
            }
            // The ids come from the list endpoint afterwards.
            collect_ids(&api, type_id, args.seed).await?
        }
    };
    let seed_seconds = seed_started.elapsed().as_secs_f64();
    eprintln!(
        "[{}] seeded {} tickets in {seed_seconds:.1} s ({:.0}/s)",
        args.label,
        ids.len(),
        ids.len() as f64 / seed_seconds
    );
    if args.analyze {
        let url = args.database_url.clone().ok_or("--analyze needs --database-url")?;
        tokio::task::spawn_blocking(move || seed::analyze(&url)).await.map_err(|e| e.to_string())??;
        eprintln!("[{}] ANALYZE done", args.label);
    }
    ids.sort_unstable();
    let ids = Arc::new(ids);

    let bounds = |max_requests: u64| Bounds {
        warmup: Duration::from_secs_f64(args.warmup_seconds),
        duration: Duration::from_secs_f64(args.phase_seconds),
        max_requests,
    };
    let mut phases = Vec::new();
    let relogin = async |api: &mut Arc<Api>| -> Result<(), String> {
        // A fresh 15-minute access token per phase, so a long seed never lets it expire mid-phase.
        let (token, _) = Api::login(&client, &base, &args.email, &args.password).await?;
        *api = Arc::new(Api { client: client.clone(), base: base.clone(), token });
        Ok(())
    };

    // Reads first, on exactly the seeded data; then creation (which adds tickets).
    relogin(&mut api).await?;
    let get: MakeRequest = {
        let (api, ids) = (api.clone(), ids.clone());
        let counter = Arc::new(AtomicU64::new(0));
        Arc::new(move |n| {
            let mut rng = StdRng::seed_from_u64(run_id ^ n ^ counter.fetch_add(1, Ordering::Relaxed).rotate_left(32));
            let id = ids[rng.random_range(0..ids.len())];
            api.client.get(api.url(&format!("/api/v1/tickets/{id}"))).bearer_auth(&api.token)
        })
    };
    phases.push(load::phase("get by id", 32, bounds(200_000), get).await);

    for (name, query) in [
        ("list status+priority", "status=new,in_progress&priority=high,urgent&limit=50"),
        ("list unassigned by -updated_at", "assignee=none&sort=-updated_at&limit=50"),
    ] {
        relogin(&mut api).await?;
        let api2 = api.clone();
        let url = api.url(&format!("/api/v1/tickets?{query}"));
        let make: MakeRequest = Arc::new(move |_| api2.client.get(&url).bearer_auth(&api2.token));
        phases.push(load::phase(name, 8, bounds(50_000), make).await);
    }

    relogin(&mut api).await?;
    phases.push(
        load::phase("create", 1, bounds(5_000), create_request(&api, type_id, groups.clone(), run_id, "c1")).await,
    );
    relogin(&mut api).await?;
    phases.push(
        load::phase("create", 32, bounds(30_000), create_request(&api, type_id, groups.clone(), run_id, "c32")).await,
    );

    let result = BackendResult {
        label: args.label.clone(),
        seed_method: match args.seed_method {
            SeedMethod::Http => "http".into(),
            SeedMethod::Db => "db".into(),
        },
        seeded: ids.len(),
        seed_seconds,
        analyzed: args.analyze,
        client_threads: args.client_threads,
        phases,
    };
    let text = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
    std::fs::write(&args.json, text).map_err(|e| format!("cannot write {}: {e}", args.json.display()))?;
    let errors: u64 = result.phases.iter().map(|p| p.errors).sum();
    if errors > 0 {
        eprintln!("[{}] {errors} request(s) failed: see the samples above", args.label);
    }
    Ok(())
}

/// The ids of this run's tickets of `type_id`, through the list endpoint (HTTP seeding).
async fn collect_ids(api: &Api, type_id: i64, expected: usize) -> Result<Vec<i64>, String> {
    let mut ids = Vec::with_capacity(expected);
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{}?type_id={type_id}&limit=200&sort=number", api.url("/api/v1/tickets"));
        if let Some(c) = &cursor {
            let c = c.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
            url.push_str(&format!("&cursor={c}"));
        }
        let page = expect(api.client.get(url).bearer_auth(&api.token), 200).await?;
        for item in page["items"].as_array().ok_or("list without items")? {
            ids.push(item["id"].as_i64().ok_or("ticket without id")?);
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    Ok(ids)
}
