//! One change's record: who made it, when, the history events it appends, and typed notes that a use case
//! leaves for the write steps (what a reply said, that dispatch already wrote its state …).

use std::any::{Any, TypeId};
use std::collections::HashMap;

use chrono::NaiveDateTime;
use loopdesk_domain::policy::Actor;
use loopdesk_domain::ticket::{EventKind, TicketStatus};
use loopdesk_persistence::models::NewEvent;

/// Who makes a change: a person (or system acting through an API key), or Loopdesk itself
/// (the escalation and SLA workers), which sees every ticket and is recorded as no actor.
#[derive(Clone, Copy)]
pub(crate) enum By<'a> {
    Actor(&'a Actor),
    System,
}

impl<'a> By<'a> {
    pub(crate) fn actor(&self) -> Option<&'a Actor> {
        match self {
            By::Actor(actor) => Some(actor),
            By::System => None,
        }
    }
}

/// Builds events for one ticket change; the actor and time are fixed per change. The ticket id is filled in
/// when the events are written, so a ticket being created can collect its events before it has an id.
pub(crate) struct EventLog {
    actor_id: Option<i64>,
    api_key_id: Option<i64>,
    pub(crate) at: NaiveDateTime,
    events: Vec<NewEvent>,
    /// how many of `events` are already written
    written: usize,
    notes: HashMap<TypeId, Box<dyn Any + Send>>,
}

impl EventLog {
    pub(crate) fn new(by: By, at: NaiveDateTime) -> Self {
        let (actor_id, api_key_id) = match by {
            By::Actor(actor) => (Some(actor.user_id), actor.api_key_id),
            By::System => (None, None),
        };
        EventLog { actor_id, api_key_id, at, events: vec![], written: 0, notes: HashMap::new() }
    }

    pub(crate) fn push(
        &mut self,
        kind: EventKind,
        field: Option<&str>,
        old: Option<String>,
        new: Option<String>,
        note: Option<String>,
    ) {
        self.events.push(NewEvent {
            ticket_id: 0,
            actor_id: self.actor_id,
            api_key_id: self.api_key_id,
            kind: kind.as_str().to_string(),
            field: field.map(str::to_string),
            old_value: old,
            new_value: new,
            note,
            created_at: self.at,
        });
    }

    /// Puts an event before all others (the kernel's `created`, whose status is known only at the end).
    pub(crate) fn push_first(&mut self, kind: EventKind, new: Option<String>) {
        self.push(kind, None, None, new, None);
        let event = self.events.pop().expect("just pushed");
        self.events.insert(self.written, event);
    }

    pub(crate) fn status(&mut self, from: TicketStatus, to: TicketStatus, note: Option<String>) {
        self.push(EventKind::StatusChanged, Some("status"), Some(from.to_string()), Some(to.to_string()), note);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The events not written yet, stamped with the ticket's id; marks them written.
    pub(crate) fn take_unwritten(&mut self, ticket_id: i64) -> &[NewEvent] {
        let start = self.written;
        for event in &mut self.events[start..] {
            event.ticket_id = ticket_id;
        }
        self.written = self.events.len();
        &self.events[start..]
    }

    /// Leaves a note of type `T` for the write steps; notes of one type keep their order.
    pub(crate) fn note<T: Any + Send>(&mut self, note: T) {
        self.notes
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(Vec::<T>::new()))
            .downcast_mut::<Vec<T>>()
            .expect("notes are kept by their type")
            .push(note);
    }

    /// The notes of type `T` left so far.
    pub(crate) fn notes<T: Any + Send>(&self) -> &[T] {
        self.notes.get(&TypeId::of::<T>()).and_then(|n| n.downcast_ref::<Vec<T>>()).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn has_note<T: Any + Send>(&self) -> bool {
        !self.notes::<T>().is_empty()
    }

    /// Takes the notes of type `T`, leaving none.
    pub(crate) fn take_notes<T: Any + Send>(&mut self) -> Vec<T> {
        self.notes.remove(&TypeId::of::<T>()).and_then(|n| n.downcast::<Vec<T>>().ok()).map(|n| *n).unwrap_or_default()
    }
}
