//! Seeding straight into the database through loopdesk_persistence: ticket rows
//! with their tag and custom-field index rows and their `created` event, in
//! batched write transactions. The server keeps running; it just sees more rows.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use loopdesk_domain::fields::{self, FieldDefinition};
use loopdesk_persistence::models::{NewEvent, NewTicket};
use loopdesk_persistence::queries::tickets as q;
use loopdesk_persistence::schema::{ticket_events, ticket_field_values, ticket_tags, tickets};
use loopdesk_persistence::{DbConfig, DbConn, DbError, Json, build_pool, tx};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::data;

/// What the seeded tickets refer to (all created over HTTP first).
#[derive(Debug, Clone)]
pub struct Refs {
    pub type_id: i64,
    /// (group id, agents in it)
    pub groups: Vec<(i64, Vec<i64>)>,
    pub requester_ids: Vec<i64>,
    pub creator_id: i64,
}

/// Multi-row INSERTs on PostgreSQL (diesel's MultiBackend has none, so the concrete
/// connection runs them). On SQLite diesel would wrap a multi-row insert of rows
/// with optional columns in its own transaction, which cannot nest in tx::write's
/// BEGIN IMMEDIATE; there rows go one by one, which costs little in-process.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Pg(c) => diesel::insert_into($table).values($rows).execute(c).map(|_| ()),
            DbConn::Sqlite(_) => {
                let mut outcome = Ok(());
                for row in $rows {
                    if let Err(e) = diesel::insert_into($table).values(row).execute($conn) {
                        outcome = Err(e);
                        break;
                    }
                }
                outcome
            }
        }
    };
}

fn insert_tickets(conn: &mut DbConn, rows: &[NewTicket]) -> Result<Vec<(i64, String)>, DbError> {
    match conn {
        DbConn::Pg(c) => {
            diesel::insert_into(tickets::table).values(rows).returning((tickets::id, tickets::subject)).get_results(c)
        }
        DbConn::Sqlite(_) => rows.iter().map(|r| q::insert(conn, r).map(|row| (row.id, row.subject))).collect(),
    }
}

/// Rows per transaction; 18 columns × 500 rows stays under both backends' bind-parameter limits.
const BATCH: usize = 500;

/// Inserts `count` tickets created over the past year; returns their ids.
pub fn seed(database_url: &str, refs: &Refs, count: usize, now: NaiveDateTime) -> Result<Vec<i64>, String> {
    let config = DbConfig { url: database_url.to_string(), pool_size: 1, connect_timeout: Duration::from_secs(5) };
    let pool = build_pool(&config).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let defs: Vec<FieldDefinition> = serde_json::from_value(data::field_definitions()).map_err(|e| e.to_string())?;
    let span = TimeDelta::days(365);
    let step_ms = span.num_milliseconds() / count.max(1) as i64;
    let start = now - span;
    let mut rng = StdRng::seed_from_u64(0x100d_de5c);
    let mut ids = Vec::with_capacity(count);
    let mut done = 0usize;
    while done < count {
        let size = BATCH.min(count - done);
        let mut rows = Vec::with_capacity(size);
        let mut extras = Vec::with_capacity(size); // (subject, tags, field entries, status, created_at)
        for i in 0..size {
            let seq = (done + i) as u64;
            let created_at =
                start + TimeDelta::milliseconds(step_ms * seq as i64 + rng.random_range(0..step_ms.max(1)));
            let status = data::status(&mut rng);
            let age = (now - created_at).num_minutes().max(1);
            let updated_at = created_at + TimeDelta::minutes(rng.random_range(0..age.min(30 * 24 * 60)));
            let (group_id, agents) = &refs.groups[rng.random_range(0..refs.groups.len())];
            let assignee_id = match status {
                "new" => None,
                // a few open tickets sit in a group queue without a person
                "pending" | "in_progress" if rng.random_range(0..10) == 0 => None,
                _ => Some(agents[rng.random_range(0..agents.len())]),
            };
            let tags = data::tags(&mut rng);
            let custom = data::custom_fields(&mut rng);
            let subject = data::subject(&mut rng, seq);
            rows.push(NewTicket {
                type_id: refs.type_id,
                subject: subject.clone(),
                description: data::description(&mut rng),
                status: status.to_string(),
                priority: data::priority_rank(&mut rng),
                channel: data::channel(&mut rng).to_string(),
                requester_id: refs.requester_ids[rng.random_range(0..refs.requester_ids.len())],
                organization_id: None,
                group_id: Some(*group_id),
                assignee_id,
                tags: Json(tags.clone()),
                custom_fields: Json(custom.clone()),
                external_id: None,
                external_source: None,
                version: 1,
                created_by: refs.creator_id,
                created_at,
                updated_at,
                location_label: None,
                location_lat: None,
                location_lon: None,
                sla_due_at: None,
            });
            extras.push((subject, tags, fields::index_entries(&defs, &custom), created_at));
        }
        let batch_ids = tx::write(&mut conn, |conn| -> Result<Vec<i64>, DbError> {
            let returned = insert_tickets(conn, &rows)?;
            // Map by subject (unique per seed): RETURNING order is not promised by either backend.
            let by_subject: HashMap<String, i64> = returned.into_iter().map(|(id, s)| (s, id)).collect();
            let mut tag_rows = Vec::new();
            let mut field_rows = Vec::new();
            let mut events = Vec::with_capacity(size);
            let mut ids = Vec::with_capacity(size);
            for (subject, tags, entries, created_at) in &extras {
                let id = by_subject[subject];
                ids.push(id);
                tag_rows.extend(tags.iter().map(|t| (ticket_tags::ticket_id.eq(id), ticket_tags::tag.eq(t.clone()))));
                field_rows.extend(entries.iter().map(|(k, v)| {
                    (
                        ticket_field_values::ticket_id.eq(id),
                        ticket_field_values::field_key.eq(k.clone()),
                        ticket_field_values::value.eq(v.clone()),
                    )
                }));
                events.push(NewEvent {
                    ticket_id: id,
                    actor_id: Some(refs.creator_id),
                    api_key_id: None,
                    kind: "created".into(),
                    field: None,
                    old_value: None,
                    new_value: Some("new".into()),
                    note: None,
                    created_at: *created_at,
                });
            }
            if !tag_rows.is_empty() {
                insert_rows!(conn, ticket_tags::table, &tag_rows)?;
            }
            if !field_rows.is_empty() {
                insert_rows!(conn, ticket_field_values::table, &field_rows)?;
            }
            insert_rows!(conn, ticket_events::table, &events)?;
            Ok(ids)
        })
        .map_err(|e| format!("seeding failed after {done} tickets: {e}"))?;
        ids.extend(batch_ids);
        done += size;
    }
    // Done tickets carry their resolution/closing times like ones moved through the workflow.
    tx::write(&mut conn, |conn| -> Result<(), DbError> {
        diesel::update(
            tickets::table
                .filter(tickets::status.eq_any(["resolved", "closed"]))
                .filter(tickets::resolved_at.is_null()),
        )
        .set(tickets::resolved_at.eq(tickets::updated_at.nullable()))
        .execute(conn)?;
        diesel::update(tickets::table.filter(tickets::status.eq("closed")).filter(tickets::closed_at.is_null()))
            .set(tickets::closed_at.eq(tickets::updated_at.nullable()))
            .execute(conn)?;
        Ok(())
    })
    .map_err(|e| format!("cannot stamp resolution times: {e}"))?;
    drop(conn); // the pool holds one connection, and the steps need it
    // The bulk insert bypassed the commit path: the write steps bring their own rows in line (workload counters).
    let app = loopdesk_app::App::new(pool.clone(), loopdesk_app::AuthConfig::with_secret(vec![0; 32]));
    app.after_bulk_insert().map_err(|e| format!("cannot settle the write steps after the bulk insert: {e}"))?;
    Ok(ids)
}

/// Refreshes planner statistics after a bulk load (what autovacuum/ANALYZE would do in time).
pub fn analyze(database_url: &str) -> Result<(), String> {
    use diesel::connection::SimpleConnection;
    let config = DbConfig { url: database_url.to_string(), pool_size: 1, connect_timeout: Duration::from_secs(5) };
    let pool = build_pool(&config).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    conn.batch_execute("ANALYZE").map_err(|e| e.to_string())
}
