//! Sessions, refresh tokens, API keys, and loading the caller behind a credential.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::*;
use crate::schema::{api_keys, organizations, refresh_tokens, roles, sessions, users};

type QResult<T> = Result<T, diesel::result::Error>;

/// Everything needed to build the policy's Actor for one user, in one query.
#[derive(Debug, Clone)]
pub struct PrincipalRow {
    pub user: UserRow,
    pub role: RoleRow,
    pub organization_shares_tickets: bool,
}

/// The columns both principal loaders select: user, role, and the organisation's sharing flag.
type PrincipalColumns = (UserRow, RoleRow, Option<bool>);

fn principal(row: Option<PrincipalColumns>) -> Option<PrincipalRow> {
    row.map(|(user, role, shared)| PrincipalRow { user, role, organization_shares_tickets: shared.unwrap_or(false) })
}

/// Loads an active user with role and organisation flag; None when missing or inactive.
pub fn load_principal(conn: &mut DbConn, user_id: i64) -> QResult<Option<PrincipalRow>> {
    let row = users::table
        .inner_join(roles::table)
        .left_join(organizations::table)
        .filter(users::id.eq(user_id))
        .filter(users::active.eq(true))
        .select((UserRow::as_select(), RoleRow::as_select(), organizations::shared_ticket_view.nullable()))
        .first::<PrincipalColumns>(conn)
        .optional()?;
    Ok(principal(row))
}

/// Like `load_principal`, but only while the session is live: one query per request.
pub fn load_session_principal(conn: &mut DbConn, session_id: i64, user_id: i64) -> QResult<Option<PrincipalRow>> {
    let row = users::table
        .inner_join(roles::table)
        .left_join(organizations::table)
        .inner_join(sessions::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::revoked_at.is_null())
        .filter(users::id.eq(user_id))
        .filter(users::active.eq(true))
        .select((UserRow::as_select(), RoleRow::as_select(), organizations::shared_ticket_view.nullable()))
        .first::<PrincipalColumns>(conn)
        .optional()?;
    Ok(principal(row))
}

pub fn insert_session(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QResult<SessionRow> {
    diesel::insert_into(sessions::table)
        .values((sessions::user_id.eq(user_id), sessions::created_at.eq(now)))
        .returning(<SessionRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn revoke_session(conn: &mut DbConn, session_id: i64, now: NaiveDateTime) -> QResult<()> {
    diesel::update(sessions::table.find(session_id).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

pub fn revoke_user_sessions(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QResult<()> {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

pub fn find_session(conn: &mut DbConn, session_id: i64) -> QResult<Option<SessionRow>> {
    sessions::table.find(session_id).select(SessionRow::as_select()).first(conn).optional()
}

pub fn insert_refresh_token(
    conn: &mut DbConn,
    session_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(conn: &mut DbConn, token_hash: &str) -> QResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a refresh token used; false when it already was (a concurrent rotation won).
pub fn mark_refresh_token_used(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QResult<bool> {
    let updated = diesel::update(refresh_tokens::table.find(id).filter(refresh_tokens::used_at.is_null()))
        .set(refresh_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(updated == 1)
}

// ---- API keys

pub fn insert_api_key(conn: &mut DbConn, key: &NewApiKey) -> QResult<ApiKeyRow> {
    diesel::insert_into(api_keys::table)
        .values(key)
        .returning(<ApiKeyRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find_api_key_by_hash(conn: &mut DbConn, key_hash: &str) -> QResult<Option<ApiKeyRow>> {
    api_keys::table.filter(api_keys::key_hash.eq(key_hash)).select(ApiKeyRow::as_select()).first(conn).optional()
}

pub fn find_api_key(conn: &mut DbConn, id: i64) -> QResult<Option<ApiKeyRow>> {
    api_keys::table.find(id).select(ApiKeyRow::as_select()).first(conn).optional()
}

/// (id, name) of the given API keys in one query; no query at all for no ids.
pub fn api_key_names(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    api_keys::table.filter(api_keys::id.eq_any(ids)).select((api_keys::id, api_keys::name)).load(conn)
}

pub fn list_api_keys(conn: &mut DbConn) -> QResult<Vec<ApiKeyRow>> {
    api_keys::table.order(api_keys::id.asc()).select(ApiKeyRow::as_select()).load(conn)
}

pub fn revoke_api_key(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QResult<bool> {
    let updated = diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Stamps last use; callers throttle this so a busy key does not write on every request.
pub fn touch_api_key(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QResult<()> {
    diesel::update(api_keys::table.find(id)).set(api_keys::last_used_at.eq(Some(now))).execute(conn)?;
    Ok(())
}
