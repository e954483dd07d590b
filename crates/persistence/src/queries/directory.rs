//! Roles, users, groups and organisations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::IdPage;
use crate::db::DbConn;
use crate::models::*;
use crate::schema::{agent_groups, group_members, organizations, roles, sign_in_backoffs, users};

type QResult<T> = Result<T, diesel::result::Error>;

// ---- roles

pub fn find_role_by_name(conn: &mut DbConn, name: &str) -> QResult<Option<RoleRow>> {
    roles::table.filter(roles::name.eq(name)).select(RoleRow::as_select()).first(conn).optional()
}

pub fn find_role(conn: &mut DbConn, id: i64) -> QResult<Option<RoleRow>> {
    roles::table.find(id).select(RoleRow::as_select()).first(conn).optional()
}

pub fn list_roles(conn: &mut DbConn) -> QResult<Vec<RoleRow>> {
    roles::table.order(roles::id.asc()).select(RoleRow::as_select()).load(conn)
}

pub fn insert_role(conn: &mut DbConn, role: &NewRole) -> QResult<RoleRow> {
    diesel::insert_into(roles::table)
        .values(role)
        .returning(<RoleRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

// ---- users

pub fn insert_user(conn: &mut DbConn, user: &NewUser) -> QResult<UserRow> {
    diesel::insert_into(users::table)
        .values(user)
        .returning(<UserRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find_user(conn: &mut DbConn, id: i64) -> QResult<Option<UserRow>> {
    users::table.find(id).select(UserRow::as_select()).first(conn).optional()
}

pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QResult<Option<UserRow>> {
    users::table.filter(users::email.eq(email)).select(UserRow::as_select()).first(conn).optional()
}

pub fn count_users(conn: &mut DbConn) -> QResult<i64> {
    users::table.count().get_result(conn)
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub kind: Option<String>,
    pub role_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub group_id: Option<i64>,
    pub active: Option<bool>,
    /// matches name or e-mail
    pub q: Option<String>,
}

pub fn list_users(conn: &mut DbConn, filter: &UserFilter, page: IdPage) -> QResult<Vec<UserRow>> {
    let mut query = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(users::kind.eq(kind.clone()));
    }
    if let Some(role_id) = filter.role_id {
        query = query.filter(users::role_id.eq(role_id));
    }
    if let Some(org) = filter.organization_id {
        query = query.filter(users::organization_id.eq(org));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(group_id) = filter.group_id {
        let members = group_members::table.filter(group_members::group_id.eq(group_id)).select(group_members::user_id);
        query = query.filter(users::id.eq_any(members));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        let pattern = like_pattern(&q.to_lowercase());
        query = query.filter(
            super::lower(users::name).like(pattern.clone()).escape('\\').or(users::email.like(pattern).escape('\\')),
        );
    }
    if let Some(after) = page.after_id {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id.asc()).limit(page.limit).load(conn)
}

#[derive(Debug, Clone, AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role_id: Option<i64>,
    pub organization_id: Option<Option<i64>>,
    pub password_hash: Option<Option<String>>,
    pub active: Option<bool>,
    pub failed_logins: Option<i32>,
    pub locked_until: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
    pub locale: Option<String>,
}

pub fn update_user(conn: &mut DbConn, id: i64, changes: &UserChanges) -> QResult<UserRow> {
    diesel::update(users::table.find(id))
        .set(changes)
        .returning(<UserRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

/// What a sign-in attempt may do, per [`claim_sign_in_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInClaim {
    /// The password may be checked; this is the client's `failures`-th attempt in a row for the e-mail.
    Allowed { failures: i32 },
    /// Too soon after the last failures: no password may be checked before `until`.
    Wait { until: NaiveDateTime },
}

/// Takes one sign-in attempt for (e-mail, client address) before the password is checked, in the caller's write
/// transaction (which holds the row, so concurrent attempts count one after another). The attempt is counted as a
/// failure until [`clear_sign_in_backoff`] says it succeeded; `next_attempt_at(failures)` is when the attempt
/// after it may come. However many guesses arrive at once, only those the back-off allows check a password.
pub fn claim_sign_in_attempt(
    conn: &mut DbConn,
    email: &str,
    client: &str,
    now: NaiveDateTime,
    next_attempt_at: impl Fn(i32) -> NaiveDateTime,
) -> QResult<SignInClaim> {
    use diesel::sql_types::{Text, Timestamp};
    const SQL: &str = "INSERT INTO sign_in_backoffs (email, client, failures, next_attempt_at, updated_at) \
                       VALUES ({}) ON CONFLICT (email, client) DO NOTHING";
    match conn {
        DbConn::Pg(pg) => diesel::sql_query(SQL.replace("{}", "$1, $2, 0, $3, $3"))
            .bind::<Text, _>(email)
            .bind::<Text, _>(client)
            .bind::<Timestamp, _>(now)
            .execute(pg)?,
        DbConn::Sqlite(lite) => diesel::sql_query(SQL.replace("{}", "?, ?, 0, ?, ?"))
            .bind::<Text, _>(email)
            .bind::<Text, _>(client)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .execute(lite)?,
    };
    let row =
        sign_in_backoffs::table.filter(sign_in_backoffs::email.eq(email)).filter(sign_in_backoffs::client.eq(client));
    let failures: Option<i32> = diesel::update(row.filter(sign_in_backoffs::next_attempt_at.le(now)))
        .set((sign_in_backoffs::failures.eq(sign_in_backoffs::failures + 1), sign_in_backoffs::updated_at.eq(now)))
        .returning(sign_in_backoffs::failures)
        .get_result(conn)
        .optional()?;
    match failures {
        Some(failures) => {
            diesel::update(row).set(sign_in_backoffs::next_attempt_at.eq(next_attempt_at(failures))).execute(conn)?;
            Ok(SignInClaim::Allowed { failures })
        }
        None => {
            let until = row.select(sign_in_backoffs::next_attempt_at).first(conn)?;
            Ok(SignInClaim::Wait { until })
        }
    }
}

/// A successful sign-in from this client: its failures are forgotten.
pub fn clear_sign_in_backoff(conn: &mut DbConn, email: &str, client: &str) -> QResult<()> {
    diesel::delete(
        sign_in_backoffs::table.filter(sign_in_backoffs::email.eq(email)).filter(sign_in_backoffs::client.eq(client)),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets the failed sign-ins of an e-mail from every client (an admin unlocks the account); how many clients
/// were being slowed down.
pub fn clear_sign_in_backoffs(conn: &mut DbConn, email: &str) -> QResult<usize> {
    diesel::delete(sign_in_backoffs::table.filter(sign_in_backoffs::email.eq(email))).execute(conn)
}

/// For each of these e-mails that some client must wait to sign in to: until when (the latest wait).
pub fn sign_in_delays(
    conn: &mut DbConn,
    emails: &[String],
    now: NaiveDateTime,
) -> QResult<Vec<(String, NaiveDateTime)>> {
    if emails.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(String, Option<NaiveDateTime>)> = sign_in_backoffs::table
        .filter(sign_in_backoffs::email.eq_any(emails))
        .filter(sign_in_backoffs::next_attempt_at.gt(now))
        .group_by(sign_in_backoffs::email)
        .select((sign_in_backoffs::email, diesel::dsl::max(sign_in_backoffs::next_attempt_at)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(email, until)| until.map(|u| (email, u))).collect())
}

/// Drops back-offs that are over and were last touched before `before` (the table stays small under a flood of
/// made-up e-mails); how many rows went.
pub fn prune_sign_in_backoffs(conn: &mut DbConn, now: NaiveDateTime, before: NaiveDateTime) -> QResult<usize> {
    diesel::delete(
        sign_in_backoffs::table
            .filter(sign_in_backoffs::updated_at.lt(before))
            .filter(sign_in_backoffs::next_attempt_at.le(now)),
    )
    .execute(conn)
}

pub fn record_successful_login(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::last_login_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn group_ids_of_user(conn: &mut DbConn, user_id: i64) -> QResult<Vec<i64>> {
    group_members::table
        .filter(group_members::user_id.eq(user_id))
        .select(group_members::group_id)
        .order(group_members::group_id.asc())
        .load(conn)
}

/// Group ids per user for a page of users, in one query.
pub fn group_ids_of_users(conn: &mut DbConn, user_ids: &[i64]) -> QResult<Vec<(i64, i64)>> {
    group_members::table
        .filter(group_members::user_id.eq_any(user_ids))
        .select((group_members::user_id, group_members::group_id))
        .order((group_members::user_id.asc(), group_members::group_id.asc()))
        .load(conn)
}

/// Replaces the user's group memberships. Memberships kept keep their round-robin position.
pub fn set_user_groups(conn: &mut DbConn, user_id: i64, group_ids: &[i64]) -> QResult<()> {
    diesel::delete(
        group_members::table
            .filter(group_members::user_id.eq(user_id))
            .filter(group_members::group_id.ne_all(group_ids.to_vec())),
    )
    .execute(conn)?;
    let current = group_ids_of_user(conn, user_id)?;
    for group_id in group_ids.iter().filter(|g| !current.contains(g)) {
        diesel::insert_into(group_members::table)
            .values((group_members::group_id.eq(group_id), group_members::user_id.eq(user_id)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn add_group_member(conn: &mut DbConn, group_id: i64, user_id: i64) -> QResult<bool> {
    let exists = group_members::table.find((group_id, user_id)).count().get_result::<i64>(conn)? > 0;
    if !exists {
        diesel::insert_into(group_members::table)
            .values((group_members::group_id.eq(group_id), group_members::user_id.eq(user_id)))
            .execute(conn)?;
    }
    Ok(!exists)
}

pub fn remove_group_member(conn: &mut DbConn, group_id: i64, user_id: i64) -> QResult<bool> {
    Ok(diesel::delete(group_members::table.find((group_id, user_id))).execute(conn)? > 0)
}

/// Every active staff user, by id.
pub fn active_staff_ids(conn: &mut DbConn) -> QResult<Vec<i64>> {
    users::table
        .filter(users::active.eq(true))
        .filter(users::kind.eq("staff"))
        .order(users::id.asc())
        .select(users::id)
        .load(conn)
}

pub fn existing_user_ids(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<i64>> {
    users::table.filter(users::id.eq_any(ids)).select(users::id).load(conn)
}

pub fn find_users(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<UserRow>> {
    users::table.filter(users::id.eq_any(ids)).select(UserRow::as_select()).load(conn)
}

/// (id, name) of the given users in one query; no query at all for no ids.
pub fn user_names(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    users::table.filter(users::id.eq_any(ids)).select((users::id, users::name)).load(conn)
}

// ---- groups

pub fn insert_group(conn: &mut DbConn, group: &NewGroup) -> QResult<GroupRow> {
    diesel::insert_into(agent_groups::table)
        .values(group)
        .returning(<GroupRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find_group(conn: &mut DbConn, id: i64) -> QResult<Option<GroupRow>> {
    agent_groups::table.find(id).select(GroupRow::as_select()).first(conn).optional()
}

pub fn list_groups(conn: &mut DbConn) -> QResult<Vec<GroupRow>> {
    agent_groups::table.order(agent_groups::id.asc()).select(GroupRow::as_select()).load(conn)
}

pub fn existing_group_ids(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<i64>> {
    agent_groups::table.filter(agent_groups::id.eq_any(ids)).select(agent_groups::id).load(conn)
}

/// (id, name) of the given groups in one query; no query at all for no ids.
pub fn group_names(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    agent_groups::table.filter(agent_groups::id.eq_any(ids)).select((agent_groups::id, agent_groups::name)).load(conn)
}

#[derive(Debug, Clone, AsChangeset, Default)]
#[diesel(table_name = agent_groups)]
pub struct GroupChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<Option<i64>>,
    pub supervisor_id: Option<Option<i64>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update_group(conn: &mut DbConn, id: i64, changes: &GroupChanges) -> QResult<GroupRow> {
    diesel::update(agent_groups::table.find(id))
        .set(changes)
        .returning(<GroupRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn group_member_ids(conn: &mut DbConn, group_id: i64) -> QResult<Vec<i64>> {
    group_members::table
        .filter(group_members::group_id.eq(group_id))
        .select(group_members::user_id)
        .order(group_members::user_id.asc())
        .load(conn)
}

/// (group_id, user_id) pairs for many groups in one query, ordered by group then user.
pub fn memberships_of_groups(conn: &mut DbConn, group_ids: &[i64]) -> QResult<Vec<(i64, i64)>> {
    group_members::table
        .filter(group_members::group_id.eq_any(group_ids))
        .select((group_members::group_id, group_members::user_id))
        .order((group_members::group_id.asc(), group_members::user_id.asc()))
        .load(conn)
}

// ---- organisations

pub fn insert_organization(conn: &mut DbConn, org: &NewOrganization) -> QResult<OrganizationRow> {
    diesel::insert_into(organizations::table)
        .values(org)
        .returning(<OrganizationRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find_organization(conn: &mut DbConn, id: i64) -> QResult<Option<OrganizationRow>> {
    organizations::table.find(id).select(OrganizationRow::as_select()).first(conn).optional()
}

/// (id, name) of the given organisations in one query; no query at all for no ids.
pub fn organization_names(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load(conn)
}

pub fn list_organizations(conn: &mut DbConn, page: IdPage) -> QResult<Vec<OrganizationRow>> {
    let mut query = organizations::table.select(OrganizationRow::as_select()).into_boxed();
    if let Some(after) = page.after_id {
        query = query.filter(organizations::id.gt(after));
    }
    query.order(organizations::id.asc()).limit(page.limit).load(conn)
}

#[derive(Debug, Clone, AsChangeset, Default)]
#[diesel(table_name = organizations)]
pub struct OrganizationChanges {
    pub name: Option<String>,
    pub shared_ticket_view: Option<bool>,
    pub tier: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update_organization(conn: &mut DbConn, id: i64, changes: &OrganizationChanges) -> QResult<OrganizationRow> {
    diesel::update(organizations::table.find(id))
        .set(changes)
        .returning(<OrganizationRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

/// `%text%` with LIKE's wildcards escaped by backslash (use with `.escape('\\')`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
