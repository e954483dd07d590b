//! `loopdesk-bench sla-scan`: how long the SLA worker's pass takes over a database of open tickets with clocks —
//! finding what is due (indexed on next_check_at) and recording the warnings and breaches of the due ones —
//! straight through the app, no HTTP. Writes JSON and prints a summary.

use std::time::Instant;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use loopdesk_app::{App, AuthConfig};
use loopdesk_domain::calendar::Schedule;
use loopdesk_domain::sla::{SlaPolicy, SlaTarget, SlaTargets, TicketSla};
use loopdesk_domain::ticket::Priority;
use loopdesk_persistence::models::{NewTicket, TicketSlaRow};
use loopdesk_persistence::queries::sla as sla_q;
use loopdesk_persistence::schema::{ticket_sla, tickets};
use loopdesk_persistence::{DbConfig, DbConn, Json, build_pool, run_migrations, tx};
use serde::Serialize;

#[derive(clap::Args)]
pub struct ScanArgs {
    /// a database to fill (SQLite file path or postgres:// URL); it is migrated first
    #[arg(long)]
    pub database_url: String,
    /// open tickets with running clocks
    #[arg(long, default_value_t = 100_000)]
    pub tickets: usize,
    /// how many of them are past their warning and due time when the pass runs
    #[arg(long, default_value_t = 500)]
    pub due: usize,
    #[arg(long)]
    pub label: String,
    #[arg(long)]
    pub json: std::path::PathBuf,
}

#[derive(Serialize)]
pub struct ScanResult {
    pub label: String,
    pub open_tickets: usize,
    pub due_tickets: usize,
    pub seed_seconds: f64,
    /// finding the due tickets among all of them (the worker's first query), median of 20, ms
    pub find_due_ms: f64,
    /// one full pass recording the due tickets' warnings and breaches, ms
    pub pass_with_due_ms: f64,
    pub events_recorded: usize,
    /// the next pass, with nothing due, ms
    pub idle_pass_ms: f64,
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

pub fn run_scan(args: &ScanArgs) -> Result<(), String> {
    let config =
        DbConfig { url: args.database_url.clone(), pool_size: 4, connect_timeout: std::time::Duration::from_secs(10) };
    let pool = build_pool(&config).map_err(|e| e.to_string())?;
    let mut migrating = pool.get().map_err(|e| e.to_string())?;
    run_migrations(&mut migrating).map_err(|e| e.to_string())?;
    drop(migrating);
    let app = App::new(pool.clone(), AuthConfig::with_secret(b"bench-secret-bench-secret-bench-secret".to_vec()));
    app.ensure_builtin_roles().map_err(|e| e.to_string())?;
    let admin =
        app.create_admin("sla-bench@bench.test", "SLA bench", "sla-bench-password").map_err(|e| e.to_string())?;
    let ticket_type: loopdesk_app::ticket_types::NewTicketTypeInput =
        serde_json::from_value(serde_json::json!({"name": "SLA bench", "fields": []})).map_err(|e| e.to_string())?;
    let actor = app
        .login(
            &loopdesk_app::auth::LoginInput { email: admin.email.clone(), password: "sla-bench-password".into() },
            "bench",
        )
        .and_then(|t| app.authenticate(&t.access_token))
        .map_err(|e| e.to_string())?;
    let type_id = app.create_ticket_type(&actor, &ticket_type).map_err(|e| e.to_string())?.id;
    let policy_input: loopdesk_app::sla::SlaPolicyInput = serde_json::from_value(serde_json::json!({
        "name": "bench 24×7", "targets": {"normal": {"first_response_minutes": 60, "resolution_minutes": 240}}
    }))
    .map_err(|e| e.to_string())?;
    let policy_id = app.create_sla_policy(&actor, &policy_input).map_err(|e| e.to_string())?.id;
    let policy = SlaPolicy {
        id: policy_id,
        name: "bench".into(),
        position: 10,
        enabled: true,
        conditions: vec![],
        targets: SlaTargets { normal: SlaTarget::new(Some(60), Some(240)), ..Default::default() },
        calendar_id: None,
        warn_at_percent: 75,
    };

    let now = Utc::now();
    let started = Instant::now();
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let mut made = 0;
    while made < args.tickets {
        let size = 500.min(args.tickets - made);
        tx::write(&mut conn, |conn: &mut DbConn| -> Result<(), diesel::result::Error> {
            let mut ticket_rows = Vec::with_capacity(size);
            let mut clocks = Vec::with_capacity(size);
            for i in 0..size {
                let n = made + i;
                // The first `due` tickets started five hours ago: both clocks are past warning and due; the others
                // started within the last half hour, short of the 45-minute warning.
                let start =
                    if n < args.due { now - Duration::hours(5) } else { now - Duration::minutes((n % 30) as i64) };
                let (sla, _) = TicketSla::start(&policy, Priority::Normal, &Schedule::always(), start);
                let at = start.naive_utc();
                ticket_rows.push(NewTicket {
                    type_id,
                    subject: format!("SLA bench {n}"),
                    description: String::new(),
                    status: "new".into(),
                    priority: Priority::Normal.rank(),
                    channel: "api".into(),
                    requester_id: admin.id,
                    organization_id: None,
                    group_id: None,
                    assignee_id: None,
                    tags: Json::default(),
                    custom_fields: Json::default(),
                    external_id: None,
                    external_source: None,
                    version: 1,
                    created_by: admin.id,
                    created_at: at,
                    updated_at: at,
                    location_label: None,
                    location_lat: None,
                    location_lon: None,
                    sla_due_at: sla.due_at().map(|t| t.naive_utc()),
                });
                clocks.push(sla);
            }
            let ids: Vec<i64> = match conn {
                DbConn::Pg(c) => {
                    diesel::insert_into(tickets::table).values(&ticket_rows).returning(tickets::id).get_results(c)?
                }
                DbConn::Sqlite(_) => {
                    let mut ids = Vec::with_capacity(size);
                    for row in &ticket_rows {
                        ids.push(loopdesk_persistence::queries::tickets::insert(conn, row)?.id);
                    }
                    ids
                }
            };
            for (id, sla) in ids.iter().zip(&clocks) {
                let row = TicketSlaRow {
                    ticket_id: *id,
                    policy_id: Some(policy_id),
                    calendar_id: None,
                    clocks: Json(sla.clone()),
                    next_check_at: sla.next_check_at().map(|t| t.naive_utc()),
                    updated_at: now.naive_utc(),
                };
                diesel::insert_into(ticket_sla::table).values(&row).execute(conn)?;
            }
            Ok(())
        })
        .map_err(|e| format!("seeding failed: {e}"))?;
        made += size;
    }
    if let DbConn::Pg(pg) = &mut *conn {
        use diesel::connection::SimpleConnection;
        pg.batch_execute("ANALYZE tickets; ANALYZE ticket_sla;").map_err(|e| e.to_string())?;
    }
    let seed_seconds = started.elapsed().as_secs_f64();

    let mut samples = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let due = sla_q::due_for_check(&mut conn, Utc::now().naive_utc(), 500).map_err(|e| e.to_string())?;
        samples.push(ms(started));
        if due.len() != args.due.min(500) {
            return Err(format!("expected {} due tickets, found {}", args.due.min(500), due.len()));
        }
    }
    samples.sort_by(f64::total_cmp);
    let find_due_ms = samples[samples.len() / 2];
    drop(conn);

    let started = Instant::now();
    let events_recorded = app.record_due_sla_events().map_err(|e| e.to_string())?;
    let pass_with_due_ms = ms(started);
    let started = Instant::now();
    let again = app.record_due_sla_events().map_err(|e| e.to_string())?;
    let idle_pass_ms = ms(started);
    if again != 0 {
        return Err(format!("the second pass recorded {again} events: something was recorded twice"));
    }

    let result = ScanResult {
        label: args.label.clone(),
        open_tickets: args.tickets,
        due_tickets: args.due,
        seed_seconds,
        find_due_ms,
        pass_with_due_ms,
        events_recorded,
        idle_pass_ms,
    };
    println!(
        "[{}] {} open tickets ({} due), seeded in {:.1} s: finding the due ones {:.2} ms; pass with {} events {:.0} ms; idle pass {:.2} ms",
        result.label,
        result.open_tickets,
        result.due_tickets,
        result.seed_seconds,
        result.find_due_ms,
        result.events_recorded,
        result.pass_with_due_ms,
        result.idle_pass_ms
    );
    std::fs::write(&args.json, serde_json::to_string_pretty(&result).unwrap_or_default()).map_err(|e| e.to_string())
}
