//! People and structure: users, roles, agent groups (departments) and customer organisations.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;

use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::ids::{GroupId, OrganizationId, UserId};
use loopdesk_domain::locale::Locale;
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_persistence::models::{GroupRow, NewGroup, NewOrganization, NewUser, OrganizationRow, RoleRow, UserRow};
use loopdesk_persistence::queries::auth as auth_q;
use loopdesk_persistence::queries::directory::{self as q, GroupChanges, OrganizationChanges, UserChanges, UserFilter};
use loopdesk_persistence::{DbConn, tx};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{hash_password, known_permissions, normalize_email, password_errors};
use crate::kernel::{id_page, lookahead, next_id_cursor};
use crate::views::{GroupView, OrganizationView, Page, RoleView, UserView};
use crate::{App, AppError, AppResult, utc};

const MAX_NAME_CHARS: usize = 100;
const MAX_ORGANIZATION_NAME_CHARS: usize = 200;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_QUERY_CHARS: usize = 200;
/// Deeper nesting than this is surely a data error; the ancestor walk stops there.
const MAX_GROUP_DEPTH: usize = 64;

// ---- inputs

/// A new user: staff (`kind: staff`, optionally in agent groups) or a customer (`kind: customer`, optionally in an organisation).
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct NewUserInput {
    /// sign-in name; stored lower-case and unique
    #[schema(example = "li.gong@example.com")]
    #[validate(length(min = 1, max = 254, message = "must be 1 to 254 characters"))]
    pub email: String,
    #[schema(example = "李工")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: String,
    /// at least 8 characters; omit for an account that cannot sign in yet
    #[schema(example = "correct-horse-battery")]
    #[validate(length(max = 256, message = "must be at most 256 characters"))]
    pub password: Option<String>,
    pub kind: UserKind,
    /// role name: admin, supervisor, agent, customer, or a custom role
    #[schema(example = "agent")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub role: String,
    /// agent groups (departments) to join; staff only
    #[serde(default)]
    #[schema(example = json!([2]))]
    #[validate(length(max = 100, message = "at most 100 groups"))]
    pub group_ids: Vec<i64>,
    /// the customer's organisation
    #[schema(example = json!(null))]
    pub organization_id: Option<i64>,
}

/// Changes to a user; absent fields stay as they are. The kind cannot change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
pub struct UserPatch {
    #[schema(example = "li.gong@example.com")]
    #[validate(length(min = 1, max = 254, message = "must be 1 to 254 characters"))]
    pub email: Option<String>,
    #[schema(example = "李工")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: Option<String>,
    /// a new password; ends every session of the user
    #[validate(length(max = 256, message = "must be at most 256 characters"))]
    pub password: Option<String>,
    #[schema(example = "supervisor")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub role: Option<String>,
    /// false deactivates the account and ends every session
    pub active: Option<bool>,
    /// replaces the memberships
    #[schema(example = json!([2, 5]))]
    #[validate(length(max = 100, message = "at most 100 groups"))]
    pub group_ids: Option<Vec<i64>>,
    /// null removes the user from their organisation
    #[serde(default, deserialize_with = "crate::kernel::double_option")]
    #[schema(value_type = Option<i64>, example = 3)]
    pub organization_id: Option<Option<i64>>,
}

/// Filters for the user list; all optional and combined with AND.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    pub kind: Option<UserKind>,
    /// role name
    #[param(example = "agent")]
    pub role: Option<String>,
    pub organization_id: Option<i64>,
    /// members of this group
    pub group_id: Option<i64>,
    pub active: Option<bool>,
    /// part of the name or e-mail, case-insensitive
    #[param(example = "李")]
    pub q: Option<String>,
    /// 1 to 200, default 50
    #[param(example = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page
    pub cursor: Option<String>,
}

/// Keyset paging of a plain list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 200, default 50
    #[param(example = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page
    pub cursor: Option<String>,
}

/// A new agent group (department or team, e.g. 售后二组), optionally nested under a parent group.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct NewGroupInput {
    #[schema(example = "售后二组")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: String,
    #[schema(example = "华东区售后服务")]
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub description: Option<String>,
    /// the parent department, for nested groups
    #[schema(example = json!(null))]
    pub parent_id: Option<i64>,
    /// the staff member who hears about the group's escalations (部门主管)
    #[schema(example = json!(null))]
    pub supervisor_id: Option<i64>,
}

/// Changes to a group; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
pub struct GroupPatch {
    #[schema(example = "售后二组")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: Option<String>,
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub description: Option<String>,
    /// null makes it a top-level group
    #[serde(default, deserialize_with = "crate::kernel::double_option")]
    #[schema(value_type = Option<i64>, example = 1)]
    pub parent_id: Option<Option<i64>>,
    /// null removes the supervisor
    #[serde(default, deserialize_with = "crate::kernel::double_option")]
    #[schema(value_type = Option<i64>, example = 2)]
    pub supervisor_id: Option<Option<i64>>,
}

/// A new customer organisation (客户单位).
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct NewOrganizationInput {
    #[schema(example = "华东电力有限公司")]
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    pub name: String,
    /// members see each other's tickets
    #[serde(default)]
    pub shared_ticket_view: bool,
    /// service tier for routing and SLA rules, e.g. "vip"
    #[schema(example = "vip")]
    #[validate(length(max = 50, message = "must be at most 50 characters"))]
    pub tier: Option<String>,
}

/// Changes to an organisation; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
pub struct OrganizationPatch {
    #[schema(example = "华东电力有限公司")]
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    pub name: Option<String>,
    pub shared_ticket_view: Option<bool>,
    /// null or "" removes the tier
    #[serde(default, deserialize_with = "crate::kernel::double_option")]
    #[schema(value_type = Option<String>, example = "vip")]
    pub tier: Option<Option<String>>,
}

// ---- paging, shared with tickets

// ---- small checks

/// Deliberately loose, like the custom-field e-mail check: the real test is mail arriving.
fn email_problem(email: &str) -> Option<&'static str> {
    let plausible = email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|label| !label.is_empty())
        });
    (!plausible).then_some("must be an e-mail address like name@example.com")
}

/// Trims and checks a display name; records the problem under `field`.
fn checked_name(name: &str, max: usize, field: &str, errors: &mut FieldErrors) -> String {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 {
        errors.add(field, "is required");
    } else if chars > max {
        errors.add(field, format!("must be at most {max} characters"));
    }
    name.to_owned()
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

fn user_kind(row: &UserRow) -> AppResult<UserKind> {
    UserKind::parse(&row.kind)
        .ok_or_else(|| AppError::Internal(format!("user {} has unknown kind {:?}", row.id, row.kind)))
}

/// Looks the role up by name; a customer may never hold staff-only permissions through it.
fn checked_role(conn: &mut DbConn, name: &str, kind: UserKind, errors: &mut FieldErrors) -> AppResult<Option<RoleRow>> {
    let Some(role) = q::find_role_by_name(conn, name.trim())? else {
        errors.add("role", format!("no role named {:?}", name.trim()));
        return Ok(None);
    };
    if kind == UserKind::Customer {
        let forbidden = policy::forbidden_for_customers(&known_permissions(&role.permissions));
        if !forbidden.is_empty() {
            let names: Vec<&str> = forbidden.iter().map(|p| p.as_str()).collect();
            errors.add(
                "role",
                format!(
                    "a customer cannot hold role {:?}: it grants staff-only permissions ({})",
                    role.name,
                    names.join(", ")
                ),
            );
        }
    }
    Ok(Some(role))
}

/// Deduplicated group ids, all existing; customers may not join groups at all.
fn checked_groups(conn: &mut DbConn, ids: &[i64], kind: UserKind, errors: &mut FieldErrors) -> AppResult<Vec<i64>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(ids);
    }
    if kind == UserKind::Customer {
        errors.add("group_ids", "customers cannot be members of agent groups");
        return Ok(ids);
    }
    let existing: HashSet<i64> = q::existing_group_ids(conn, &ids)?.into_iter().collect();
    let missing: Vec<i64> = ids.iter().copied().filter(|id| !existing.contains(id)).collect();
    if !missing.is_empty() {
        errors.add("group_ids", format!("no such groups: {}", join_ids(&missing)));
    }
    Ok(ids)
}

fn check_organization(conn: &mut DbConn, id: Option<i64>, errors: &mut FieldErrors) -> AppResult<()> {
    if let Some(id) = id
        && q::find_organization(conn, id)?.is_none()
    {
        errors.add("organization_id", format!("no organization with id {id}"));
    }
    Ok(())
}

fn duplicate_email(e: diesel::result::Error) -> AppError {
    if tx::is_unique_violation(&e) {
        AppError::refused("email_taken", "a user with this e-mail already exists")
    } else {
        e.into()
    }
}

fn duplicate_group(e: diesel::result::Error) -> AppError {
    if tx::is_unique_violation(&e) {
        AppError::refused("name_taken", "a group with this name already exists").with_param("resource", "group")
    } else {
        e.into()
    }
}

fn duplicate_organization(e: diesel::result::Error) -> AppError {
    if tx::is_unique_violation(&e) {
        AppError::refused("name_taken", "an organization with this name already exists")
            .with_param("resource", "organization")
    } else {
        e.into()
    }
}

fn build_user_view(row: &UserRow, kind: UserKind, role: Option<&RoleRow>, group_ids: Vec<i64>) -> UserView {
    UserView {
        id: row.id,
        email: row.email.clone(),
        name: row.name.clone(),
        kind,
        role: role.map(|r| r.name.clone()).unwrap_or_default(),
        permissions: role.map(|r| known_permissions(&r.permissions)).unwrap_or_default(),
        organization_id: row.organization_id,
        group_ids,
        active: row.active,
        locale: Locale::parse(&row.locale).unwrap_or_default(),
        last_login_at: row.last_login_at.map(utc),
        sign_in_delayed_until: None,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

fn role_view(row: &RoleRow) -> RoleView {
    RoleView {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        permissions: known_permissions(&row.permissions),
        builtin: row.builtin,
    }
}

fn group_view(row: &GroupRow, member_ids: Vec<i64>) -> GroupView {
    GroupView {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        parent_id: row.parent_id,
        supervisor_id: row.supervisor_id,
        member_ids,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

fn organization_view(row: &OrganizationRow) -> OrganizationView {
    OrganizationView {
        id: row.id,
        name: row.name.clone(),
        shared_ticket_view: row.shared_ticket_view,
        tier: row.tier.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

/// Listing the directory is for staff pickers and administrators.
fn require_directory_read(actor: &Actor) -> AppResult<()> {
    policy::require(actor, Permission::UsersManage).or_else(|_| policy::require(actor, Permission::UsersRead))?;
    Ok(())
}

impl App {
    /// Validates and inserts a user with its memberships; the caller owns the transaction.
    /// Reports every field problem at once; a taken e-mail is a 409.
    /// Adds a user. `granted_by` is the person or key asking (none for the operator's `create-admin`): they may
    /// not give the new user a role with a permission they do not hold.
    pub(crate) fn insert_user(
        &self,
        conn: &mut DbConn,
        input: &NewUserInput,
        granted_by: Option<&Actor>,
    ) -> AppResult<UserRow> {
        let mut errors = FieldErrors::new();
        let email = normalize_email(&input.email);
        if let Some(problem) = email_problem(&email) {
            errors.add("email", problem);
        }
        let name = checked_name(&input.name, MAX_NAME_CHARS, "name", &mut errors);
        if let Some(problem) = input.password.as_deref().and_then(password_errors) {
            errors.add("password", problem);
        }
        let role = checked_role(conn, &input.role, input.kind, &mut errors)?;
        let group_ids = checked_groups(conn, &input.group_ids, input.kind, &mut errors)?;
        check_organization(conn, input.organization_id, &mut errors)?;
        let Some(role) = role.filter(|_| errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        if let Some(actor) = granted_by {
            policy::may_grant(actor, &known_permissions(&role.permissions))?;
        }

        let password_hash = input.password.as_deref().map(hash_password).transpose()?;
        let now = self.now_naive();
        let row = q::insert_user(
            conn,
            &NewUser {
                email: &email,
                name: &name,
                kind: input.kind.as_str(),
                role_id: role.id,
                organization_id: input.organization_id,
                password_hash,
                active: true,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(duplicate_email)?;
        if !group_ids.is_empty() {
            q::set_user_groups(conn, row.id, &group_ids)?;
        }
        Ok(row)
    }

    /// The API shape of a user: role name, its permissions and the group ids.
    pub(crate) fn user_view(&self, conn: &mut DbConn, row: &UserRow) -> AppResult<UserView> {
        let role = q::find_role(conn, row.role_id)?;
        let group_ids = q::group_ids_of_user(conn, row.id)?;
        let mut view = build_user_view(row, user_kind(row)?, role.as_ref(), group_ids);
        let delays = q::sign_in_delays(conn, std::slice::from_ref(&row.email), self.now_naive())?;
        view.sign_in_delayed_until = delays.into_iter().next().map(|(_, until)| utc(until));
        Ok(view)
    }

    /// Views for a page of users in three queries, whatever the page size.
    fn user_views(&self, conn: &mut DbConn, rows: &[UserRow]) -> AppResult<Vec<UserView>> {
        let roles: HashMap<i64, RoleRow> = q::list_roles(conn)?.into_iter().map(|r| (r.id, r)).collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut groups: HashMap<i64, Vec<i64>> = HashMap::new();
        for (user_id, group_id) in q::group_ids_of_users(conn, &ids)? {
            groups.entry(user_id).or_default().push(group_id);
        }
        let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
        let mut delays: HashMap<String, NaiveDateTime> =
            q::sign_in_delays(conn, &emails, self.now_naive())?.into_iter().collect();
        rows.iter()
            .map(|row| {
                let group_ids = groups.remove(&row.id).unwrap_or_default();
                let mut view = build_user_view(row, user_kind(row)?, roles.get(&row.role_id), group_ids);
                view.sign_in_delayed_until = delays.remove(&row.email).map(utc);
                Ok(view)
            })
            .collect()
    }

    pub fn create_user(&self, actor: &Actor, input: &NewUserInput) -> AppResult<UserView> {
        policy::require(actor, Permission::UsersManage)?;
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let row = self.insert_user(conn, input, Some(actor))?;
            self.user_view(conn, &row)
        })
    }

    pub fn list_users(&self, actor: &Actor, query: &UserListQuery) -> AppResult<Page<UserView>> {
        require_directory_read(actor)?;
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let search = query.q.as_deref().map(str::trim).filter(|text| !text.is_empty());
        if search.is_some_and(|text| text.chars().count() > MAX_QUERY_CHARS) {
            return Err(AppError::invalid("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
        }
        let mut conn = self.conn()?;
        let role_id = match query.role.as_deref() {
            None => None,
            Some(name) => match q::find_role_by_name(&mut conn, name.trim())? {
                Some(role) => Some(role.id),
                None => return Err(AppError::invalid("role", format!("no role named {:?}", name.trim()))),
            },
        };
        let filter = UserFilter {
            kind: query.kind.map(|k| k.as_str().to_owned()),
            role_id,
            organization_id: query.organization_id,
            group_id: query.group_id,
            active: query.active,
            q: search.map(str::to_owned),
        };
        let mut rows = q::list_users(&mut conn, &filter, lookahead(page))?;
        let next_cursor = next_id_cursor(&mut rows, page.limit, |row| row.id);
        let items = self.user_views(&mut conn, &rows)?;
        Ok(Page { items, next_cursor })
    }

    pub fn get_user(&self, actor: &Actor, id: UserId) -> AppResult<UserView> {
        // Anyone may read themself; checking before the lookup keeps ids from being probed.
        if id != UserId(actor.user_id) {
            require_directory_read(actor)?;
        }
        let mut conn = self.conn()?;
        let row = q::find_user(&mut conn, id.get())?.ok_or(AppError::NotFound("user"))?;
        self.user_view(&mut conn, &row)
    }

    pub fn update_user(&self, actor: &Actor, id: UserId, patch: &UserPatch) -> AppResult<UserView> {
        policy::require(actor, Permission::UsersManage)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let current = q::find_user(conn, id.get())?.ok_or(AppError::NotFound("user"))?;
            let held = q::find_role(conn, current.role_id)?.map(|r| known_permissions(&r.permissions));
            policy::may_manage_user(actor, &held.unwrap_or_default())?;
            let kind = user_kind(&current)?;
            let is_self = id == UserId(actor.user_id);
            let mut errors = FieldErrors::new();
            let mut changes = UserChanges { updated_at: Some(now), ..UserChanges::default() };

            if let Some(email) = &patch.email {
                let email = normalize_email(email);
                if let Some(problem) = email_problem(&email) {
                    errors.add("email", problem);
                }
                changes.email = Some(email);
            }
            if let Some(name) = &patch.name {
                changes.name = Some(checked_name(name, MAX_NAME_CHARS, "name", &mut errors));
            }
            if let Some(problem) = patch.password.as_deref().and_then(password_errors) {
                errors.add("password", problem);
            }
            if let Some(role_name) = &patch.role
                && let Some(role) = checked_role(conn, role_name, kind, &mut errors)?
            {
                policy::may_grant(actor, &known_permissions(&role.permissions))?;
                // Otherwise the last administrator could lock everyone out of user management.
                if is_self && !known_permissions(&role.permissions).contains(&Permission::UsersManage) {
                    errors.add("role", "you cannot remove your own users_manage permission");
                }
                changes.role_id = Some(role.id);
            }
            if patch.active == Some(false) && is_self {
                errors.add("active", "you cannot deactivate yourself");
            }
            changes.active = patch.active;
            let group_ids = match &patch.group_ids {
                Some(ids) => Some(checked_groups(conn, ids, kind, &mut errors)?),
                None => None,
            };
            if let Some(organization_id) = patch.organization_id {
                check_organization(conn, organization_id, &mut errors)?;
                changes.organization_id = Some(organization_id);
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }

            if let Some(password) = &patch.password {
                changes.password_hash = Some(Some(hash_password(password)?));
                // A new password also ends the sign-in back-off (the old one may have been what was guessed at).
                q::clear_sign_in_backoffs(conn, &current.email)?;
            }
            let row = q::update_user(conn, id.get(), &changes).map_err(duplicate_email)?;
            if let Some(group_ids) = &group_ids {
                q::set_user_groups(conn, id.get(), group_ids)?;
            }
            // A new password or a deactivation must end what the old state allowed.
            if patch.password.is_some() || patch.active == Some(false) {
                auth_q::revoke_user_sessions(conn, id.get(), now)?;
            }
            self.user_view(conn, &row)
        })
    }

    pub fn list_roles(&self, actor: &Actor) -> AppResult<Vec<RoleView>> {
        require_directory_read(actor)?;
        let mut conn = self.conn()?;
        Ok(q::list_roles(&mut conn)?.iter().map(role_view).collect())
    }

    // ---- groups

    pub fn create_group(&self, actor: &Actor, input: &NewGroupInput) -> AppResult<GroupView> {
        policy::require(actor, Permission::GroupsManage)?;
        let mut conn = self.conn()?;
        let mut errors = FieldErrors::new();
        let name = checked_name(&input.name, MAX_NAME_CHARS, "name", &mut errors);
        if let Some(parent_id) = input.parent_id
            && q::find_group(&mut conn, parent_id)?.is_none()
        {
            errors.add("parent_id", format!("no group with id {parent_id}"));
        }
        if let Some(supervisor_id) = input.supervisor_id
            && let Some(problem) = supervisor_problem(&mut conn, supervisor_id)?
        {
            errors.add("supervisor_id", problem);
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let now = self.now_naive();
        let row = q::insert_group(
            &mut conn,
            &NewGroup {
                name: &name,
                description: input.description.as_deref().unwrap_or("").trim(),
                parent_id: input.parent_id,
                supervisor_id: input.supervisor_id,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(duplicate_group)?;
        Ok(group_view(&row, Vec::new()))
    }

    pub fn list_groups(&self, actor: &Actor) -> AppResult<Vec<GroupView>> {
        require_group_read(actor)?;
        let mut conn = self.conn()?;
        let rows = q::list_groups(&mut conn)?;
        let ids: Vec<i64> = rows.iter().map(|g| g.id).collect();
        let mut members: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (group_id, user_id) in q::memberships_of_groups(&mut conn, &ids)? {
            members.entry(group_id).or_default().push(user_id);
        }
        Ok(rows.iter().map(|row| group_view(row, members.remove(&row.id).unwrap_or_default())).collect())
    }

    pub fn get_group(&self, actor: &Actor, id: GroupId) -> AppResult<GroupView> {
        require_group_read(actor)?;
        let mut conn = self.conn()?;
        load_group_view(&mut conn, id.get())
    }

    pub fn update_group(&self, actor: &Actor, id: GroupId, patch: &GroupPatch) -> AppResult<GroupView> {
        policy::require(actor, Permission::GroupsManage)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            q::find_group(conn, id.get())?.ok_or(AppError::NotFound("group"))?;
            let mut errors = FieldErrors::new();
            let mut changes = GroupChanges { updated_at: Some(now), ..GroupChanges::default() };
            if let Some(name) = &patch.name {
                changes.name = Some(checked_name(name, MAX_NAME_CHARS, "name", &mut errors));
            }
            if let Some(description) = &patch.description {
                changes.description = Some(description.trim().to_owned());
            }
            if let Some(parent_id) = patch.parent_id {
                if let Some(parent_id) = parent_id
                    && let Some(problem) = parent_problem(conn, id.get(), parent_id)?
                {
                    errors.add("parent_id", problem);
                }
                changes.parent_id = Some(parent_id);
            }
            if let Some(supervisor_id) = patch.supervisor_id {
                if let Some(supervisor_id) = supervisor_id
                    && let Some(problem) = supervisor_problem(conn, supervisor_id)?
                {
                    errors.add("supervisor_id", problem);
                }
                changes.supervisor_id = Some(supervisor_id);
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            q::update_group(conn, id.get(), &changes).map_err(duplicate_group)?;
            load_group_view(conn, id.get())
        })
    }

    pub fn add_group_member(&self, actor: &Actor, group_id: GroupId, user_id: UserId) -> AppResult<GroupView> {
        policy::require(actor, Permission::GroupsManage)?;
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            q::find_group(conn, group_id.get())?.ok_or(AppError::NotFound("group"))?;
            let user = q::find_user(conn, user_id.get())?.ok_or(AppError::NotFound("user"))?;
            if user_kind(&user)? == UserKind::Customer {
                return Err(AppError::invalid("user_id", "customers cannot be members of agent groups"));
            }
            q::add_group_member(conn, group_id.get(), user_id.get())?;
            load_group_view(conn, group_id.get())
        })
    }

    /// Removing someone who is not a member is not an error: the outcome is the same.
    pub fn remove_group_member(&self, actor: &Actor, group_id: GroupId, user_id: UserId) -> AppResult<GroupView> {
        policy::require(actor, Permission::GroupsManage)?;
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            q::find_group(conn, group_id.get())?.ok_or(AppError::NotFound("group"))?;
            q::remove_group_member(conn, group_id.get(), user_id.get())?;
            load_group_view(conn, group_id.get())
        })
    }

    // ---- organisations

    pub fn create_organization(&self, actor: &Actor, input: &NewOrganizationInput) -> AppResult<OrganizationView> {
        policy::require(actor, Permission::OrganizationsManage)?;
        let mut errors = FieldErrors::new();
        let name = checked_name(&input.name, MAX_ORGANIZATION_NAME_CHARS, "name", &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let mut conn = self.conn()?;
        let now = self.now_naive();
        let row = q::insert_organization(
            &mut conn,
            &NewOrganization {
                name: &name,
                shared_ticket_view: input.shared_ticket_view,
                tier: normalized_tier(input.tier.as_deref()),
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(duplicate_organization)?;
        Ok(organization_view(&row))
    }

    pub fn list_organizations(&self, actor: &Actor, query: &PageQuery) -> AppResult<Page<OrganizationView>> {
        policy::require(actor, Permission::OrganizationsManage)
            .or_else(|_| policy::require(actor, Permission::UsersRead))?;
        let page = id_page(query.limit, query.cursor.as_deref())?;
        let mut conn = self.conn()?;
        let mut rows = q::list_organizations(&mut conn, lookahead(page))?;
        let next_cursor = next_id_cursor(&mut rows, page.limit, |row| row.id);
        Ok(Page { items: rows.iter().map(organization_view).collect(), next_cursor })
    }

    pub fn get_organization(&self, actor: &Actor, id: OrganizationId) -> AppResult<OrganizationView> {
        // Members may read their own organisation (the portal shows it).
        if actor.organization_id != Some(id.get()) {
            policy::require(actor, Permission::OrganizationsManage)
                .or_else(|_| policy::require(actor, Permission::UsersRead))?;
        }
        let mut conn = self.conn()?;
        let row = q::find_organization(&mut conn, id.get())?.ok_or(AppError::NotFound("organization"))?;
        Ok(organization_view(&row))
    }

    pub fn update_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        patch: &OrganizationPatch,
    ) -> AppResult<OrganizationView> {
        policy::require(actor, Permission::OrganizationsManage)?;
        let mut errors = FieldErrors::new();
        let name = patch.name.as_deref().map(|n| checked_name(n, MAX_ORGANIZATION_NAME_CHARS, "name", &mut errors));
        if let Some(Some(tier)) = &patch.tier
            && tier.trim().chars().count() > MAX_TIER_CHARS
        {
            errors.add("tier", format!("must be at most {MAX_TIER_CHARS} characters"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            q::find_organization(conn, id.get())?.ok_or(AppError::NotFound("organization"))?;
            let changes = OrganizationChanges {
                name,
                shared_ticket_view: patch.shared_ticket_view,
                tier: patch.tier.as_ref().map(|tier| normalized_tier(tier.as_deref())),
                updated_at: Some(now),
            };
            let row = q::update_organization(conn, id.get(), &changes).map_err(duplicate_organization)?;
            Ok(organization_view(&row))
        })
    }
}

const MAX_TIER_CHARS: usize = 50;

/// A tier is trimmed; blank means none.
fn normalized_tier(tier: Option<&str>) -> Option<String> {
    tier.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Why this user cannot supervise a group, if they cannot.
fn supervisor_problem(conn: &mut DbConn, user_id: i64) -> AppResult<Option<String>> {
    Ok(match q::find_user(conn, user_id)? {
        None => Some(format!("no user with id {user_id}")),
        Some(user) if !user.active || user_kind(&user)? != UserKind::Staff => {
            Some("must be an active staff user".to_string())
        }
        Some(_) => None,
    })
}

/// Groups are visible to any staff member who can pick from the directory or manage groups.
fn require_group_read(actor: &Actor) -> AppResult<()> {
    policy::require(actor, Permission::UsersRead).or_else(|_| policy::require(actor, Permission::GroupsManage))?;
    Ok(())
}

fn load_group_view(conn: &mut DbConn, id: i64) -> AppResult<GroupView> {
    let row = q::find_group(conn, id)?.ok_or(AppError::NotFound("group"))?;
    let members = q::group_member_ids(conn, id)?;
    Ok(group_view(&row, members))
}

/// Why `parent_id` cannot become the parent of `group_id`, if it cannot: it must exist and
/// must not be the group itself or one of its descendants (that would close a cycle).
fn parent_problem(conn: &mut DbConn, group_id: i64, parent_id: i64) -> AppResult<Option<String>> {
    if parent_id == group_id {
        return Ok(Some("a group cannot be its own parent".into()));
    }
    let mut seen = HashSet::new();
    let mut next = Some(parent_id);
    while let Some(current) = next {
        if current == group_id {
            return Ok(Some("would make the group its own ancestor".into()));
        }
        if !seen.insert(current) || seen.len() > MAX_GROUP_DEPTH {
            // Existing data already loops or nests absurdly deep; refuse rather than extend it.
            return Ok(Some("the parent's ancestry is invalid".into()));
        }
        let Some(group) = q::find_group(conn, current)? else {
            return Ok(Some(format!("no group with id {current}")));
        };
        next = group.parent_id;
    }
    Ok(None)
}
