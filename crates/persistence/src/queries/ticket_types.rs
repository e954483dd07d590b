//! Ticket types and their custom-field definitions (stored as JSON text).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use loopdesk_domain::dispatch::SkillRequirement;
use loopdesk_domain::fields::FieldDefinition;

use crate::db::DbConn;
use crate::json::Json;
use crate::models::*;
use crate::schema::ticket_types;

type QResult<T> = Result<T, diesel::result::Error>;

pub fn insert(conn: &mut DbConn, row: &NewTicketType) -> QResult<TicketTypeRow> {
    diesel::insert_into(ticket_types::table)
        .values(row)
        .returning(<TicketTypeRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QResult<Option<TicketTypeRow>> {
    ticket_types::table.find(id).select(TicketTypeRow::as_select()).first(conn).optional()
}

pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<TicketTypeRow>> {
    ticket_types::table.filter(ticket_types::id.eq_any(ids)).select(TicketTypeRow::as_select()).load(conn)
}

pub fn list(conn: &mut DbConn, include_inactive: bool) -> QResult<Vec<TicketTypeRow>> {
    let mut query = ticket_types::table.select(TicketTypeRow::as_select()).into_boxed();
    if !include_inactive {
        query = query.filter(ticket_types::active.eq(true));
    }
    query.order(ticket_types::id.asc()).load(conn)
}

#[derive(Debug, Clone, AsChangeset, Default)]
#[diesel(table_name = ticket_types)]
pub struct TicketTypeChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub default_priority: Option<i32>,
    pub default_group_id: Option<Option<i64>>,
    pub fields: Option<Json<Vec<FieldDefinition>>>,
    pub active: Option<bool>,
    pub required_skills: Option<Json<Vec<SkillRequirement>>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update(conn: &mut DbConn, id: i64, changes: &TicketTypeChanges) -> QResult<TicketTypeRow> {
    diesel::update(ticket_types::table.find(id))
        .set(changes)
        .returning(<TicketTypeRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}
