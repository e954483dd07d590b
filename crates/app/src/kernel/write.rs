//! The one commit path for ticket writes. A use case says what changes (a new ticket's draft, or a closure that
//! edits the current row and logs events); the kernel runs the registered write steps around saving the row, all
//! in the change's transaction:
//!
//! 1. `before_save` of every step, in order: a step may still amend the row and add events (routing fills in the
//!    group and assignee of a new ticket, the SLA clocks set the due time);
//! 2. the row (insert, or update with a version check), its tag and custom-field indexes, and its events;
//! 3. `after_save` of every step, in order: a step writes its own rows (the dispatch state, the clocks, the
//!    workload counters, notifications) seeing the ticket before and after and the events written.
//!
//! The kernel names no step: they come from `App::write_steps`, registered in the crate's `steps.rs`.

use chrono::{DateTime, NaiveDateTime, Utc};
use loopdesk_domain::conditions::TicketFacts;
use loopdesk_domain::fields::{self, FieldDefinition};
use loopdesk_domain::ids::TicketId;
use loopdesk_domain::policy::{self, Actor};
use loopdesk_domain::ticket::EventKind;
use loopdesk_persistence::models::TicketRow;
use loopdesk_persistence::queries::{ticket_types as types_q, tickets as q};
use loopdesk_persistence::{DbConn, tx};

use super::events::{By, EventLog};
use super::facts::{access_facts, organization_tier, ticket_facts};
use crate::{App, AppError, AppResult};

/// How often a write that lost a race with another writer is retried before giving up.
const WRITE_ATTEMPTS: usize = 5;

/// A unit that reacts to every ticket write inside its transaction. Both hooks default to doing nothing.
pub(crate) trait WriteStep: Send + Sync {
    /// A short name for logs and docs.
    fn name(&self) -> &'static str;

    /// Before the row is saved: may change `change.after` and add events.
    fn before_save(&self, _app: &App, _conn: &mut DbConn, _change: &mut TicketChange) -> AppResult<()> {
        Ok(())
    }

    /// After the row and its events are saved (`change.after` is the saved row): writes the step's own rows.
    /// Events it adds are written after the last step.
    fn after_save(&self, _app: &App, _conn: &mut DbConn, _change: &mut TicketChange) -> AppResult<()> {
        Ok(())
    }

    /// After tickets were inserted in bulk (`bulk_inserted`), where no other hook ran: bring the step's own
    /// rows in line with what is now in the tickets table.
    fn after_bulk_insert(&self, _conn: &mut DbConn) -> AppResult<()> {
        Ok(())
    }
}

/// A ticket write in progress.
pub(crate) struct TicketChange<'a> {
    pub(crate) by: By<'a>,
    /// the ticket as it was; None while it is being created
    pub(crate) before: Option<TicketRow>,
    /// the ticket as it will be (after saving: as saved)
    pub(crate) after: TicketRow,
    pub(crate) log: EventLog,
    organization_tier: Option<Option<String>>,
    field_definitions: Option<Vec<FieldDefinition>>,
}

impl<'a> TicketChange<'a> {
    fn new(by: By<'a>, before: Option<TicketRow>, after: TicketRow, log: EventLog) -> Self {
        TicketChange { by, before, after, log, organization_tier: None, field_definitions: None }
    }

    pub(crate) fn is_create(&self) -> bool {
        self.before.is_none()
    }

    pub(crate) fn at(&self) -> NaiveDateTime {
        self.log.at
    }

    /// The ticket's facts as they are now (`routed_at`: the time rules' windows are checked against; None
    /// reads as the creation time). The organisation's tier is read once per change.
    pub(crate) fn facts(&mut self, conn: &mut DbConn, routed_at: Option<DateTime<Utc>>) -> AppResult<TicketFacts> {
        let tier = match &self.organization_tier {
            Some(tier) => tier.clone(),
            None => {
                let tier = organization_tier(conn, self.after.organization_id)?;
                self.organization_tier = Some(tier.clone());
                tier
            }
        };
        Ok(ticket_facts(&self.after, tier, routed_at))
    }

    /// Reads the custom field definitions of the ticket's type, once per change (creation brings them along).
    fn load_definitions(&mut self, conn: &mut DbConn) -> AppResult<()> {
        if self.field_definitions.is_none() {
            let defs = types_q::find(conn, self.after.type_id)?.map(|t| t.fields.0).unwrap_or_default();
            self.field_definitions = Some(defs);
        }
        Ok(())
    }

    fn run_before_save(&mut self, app: &App, conn: &mut DbConn) -> AppResult<()> {
        for step in app.write_steps.iter() {
            step.before_save(app, conn, self)?;
        }
        Ok(())
    }

    /// The indexes and events that go with the saved row, then every step's `after_save`.
    fn finish_saved(&mut self, app: &App, conn: &mut DbConn) -> AppResult<()> {
        let before = self.before.as_ref();
        if before.is_none_or(|b| b.tags != self.after.tags) {
            q::replace_tags(conn, self.after.id, &self.after.tags)?;
        }
        if before.is_none_or(|b| b.custom_fields != self.after.custom_fields) {
            self.load_definitions(conn)?;
            let defs = self.field_definitions.as_deref().unwrap_or_default();
            let entries = fields::index_entries(defs, &self.after.custom_fields);
            q::replace_field_values(conn, self.after.id, &entries)?;
        }
        self.write_events(conn)?;
        for step in app.write_steps.iter() {
            step.after_save(app, conn, self)?;
        }
        self.write_events(conn)
    }

    fn write_events(&mut self, conn: &mut DbConn) -> AppResult<()> {
        for event in self.log.take_unwritten(self.after.id) {
            q::insert_event(conn, event)?;
        }
        Ok(())
    }
}

/// What a use case hands over to create a ticket: the validated draft row (its id is not known yet), the events
/// it logged, and what it already read (the type's definitions, the organisation's tier) so no step reads them
/// again.
pub(crate) struct NewTicketDraft {
    pub(crate) row: TicketRow,
    pub(crate) log: EventLog,
    pub(crate) field_definitions: Vec<FieldDefinition>,
    pub(crate) organization_tier: Option<String>,
}

impl App {
    /// Loads a ticket the actor may see; one it may not see is "not found", not "forbidden",
    /// so ticket ids cannot be probed.
    pub(crate) fn visible_ticket(&self, conn: &mut DbConn, actor: &Actor, id: TicketId) -> AppResult<TicketRow> {
        let row = q::find(conn, id.get())?.ok_or(AppError::NotFound("ticket"))?;
        if !policy::can_view(actor, &access_facts(&row)) {
            return Err(AppError::NotFound("ticket"));
        }
        Ok(row)
    }

    /// Creates a ticket inside the caller's transaction: the steps' `before_save`, the insert with its
    /// `created` event first, then the indexes, events and `after_save`.
    pub(crate) fn commit_new_ticket(&self, conn: &mut DbConn, by: By, draft: NewTicketDraft) -> AppResult<TicketRow> {
        let mut change = TicketChange::new(by, None, draft.row, draft.log);
        change.organization_tier = Some(draft.organization_tier);
        change.field_definitions = Some(draft.field_definitions);
        change.run_before_save(self, conn)?;
        change.log.push_first(EventKind::Created, Some(change.after.status.clone()));
        let saved = q::insert(conn, &change.after.to_insert()).map_err(|e| {
            if tx::is_unique_violation(&e) {
                // A concurrent create with the same external id won the race.
                AppError::refused(
                    "external_id_taken",
                    "a ticket with this external_source and external_id already exists",
                )
            } else {
                e.into()
            }
        })?;
        change.after = saved;
        change.finish_saved(self, conn)?;
        Ok(change.after)
    }

    /// Runs `change` on the current row inside a write transaction and saves the
    /// result with its events, provided nobody changed the ticket meanwhile.
    /// With `expected_version` (If-Match) a mismatch is a 412. Writers of one ticket
    /// queue on its row lock; should a version check still fail, the change is
    /// retried on the fresh row so that the rules are checked again.
    pub(crate) fn change_ticket<T>(
        &self,
        actor: &Actor,
        id: TicketId,
        expected_version: Option<i64>,
        change: impl FnMut(&mut DbConn, &mut TicketRow, &mut EventLog) -> AppResult<T>,
    ) -> AppResult<(TicketRow, T)> {
        self.change_ticket_by(By::Actor(actor), id, expected_version, change)
    }

    /// `change_ticket` for a person or for Loopdesk itself.
    pub(crate) fn change_ticket_by<T>(
        &self,
        by: By,
        id: TicketId,
        expected_version: Option<i64>,
        mut change: impl FnMut(&mut DbConn, &mut TicketRow, &mut EventLog) -> AppResult<T>,
    ) -> AppResult<(TicketRow, T)> {
        let mut conn = self.conn()?;
        for _ in 0..WRITE_ATTEMPTS {
            let saved = tx::write(&mut conn, |conn| -> AppResult<Option<(TicketRow, T)>> {
                q::lock_for_update(conn, id.get())?;
                let before = match by {
                    By::Actor(actor) => self.visible_ticket(conn, actor, id)?,
                    By::System => q::find(conn, id.get())?.ok_or(AppError::NotFound("ticket"))?,
                };
                if let Some(expected) = expected_version
                    && expected != before.version
                {
                    return Err(AppError::PreconditionFailed { current_version: before.version });
                }
                let mut after = before.clone();
                let mut log = EventLog::new(by, self.now_naive());
                let outcome = change(conn, &mut after, &mut log)?;
                let mut write = TicketChange::new(by, Some(before), after, log);
                write.run_before_save(self, conn)?;
                let before = write.before.as_ref().expect("a change has a before");
                if write.log.is_empty() {
                    return Ok(Some((before.clone(), outcome))); // nothing changed: no write, no version bump
                }
                write.after.updated_at = write.at();
                let Some(saved) = q::update_versioned(conn, id.get(), before.version, &write.after.changes())? else {
                    return Ok(None);
                };
                write.after = saved;
                write.finish_saved(self, conn)?;
                Ok(Some((write.after, outcome)))
            })?;
            match saved {
                Some(result) => return Ok(result),
                None if expected_version.is_some() => {
                    let current = q::find(&mut conn, id.get())?.map(|r| r.version).unwrap_or_default();
                    return Err(AppError::PreconditionFailed { current_version: current });
                }
                None => continue,
            }
        }
        Err(AppError::refused("busy_try_again", "the ticket is being changed by others right now; try again"))
    }
}

impl App {
    /// The registered write steps by name, in the order they run.
    pub fn write_step_names(&self) -> Vec<&'static str> {
        self.write_steps.iter().map(|step| step.name()).collect()
    }

    /// After tickets were inserted in bulk, bypassing the commit path (the benchmark's seeder, imports): lets
    /// every registered step bring its own rows in line. The bulk writer itself inserts the rows, their indexes
    /// and their `created` events.
    pub fn after_bulk_insert(&self) -> AppResult<()> {
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| -> AppResult<()> {
            for step in self.write_steps.iter() {
                step.after_bulk_insert(conn)?;
            }
            Ok(())
        })
    }
}
