//! Getting a database ready: built-in roles and the first administrator.

use loopdesk_domain::policy::{BUILTIN_ROLES, UserKind, default_permissions};
use loopdesk_persistence::models::NewRole;
use loopdesk_persistence::queries::directory;

use crate::auth::permission_names;
use crate::directory::NewUserInput;
use crate::views::UserView;
use crate::{App, AppResult};

impl App {
    /// Inserts the built-in roles that are missing. Existing rows are left alone:
    /// the database copy is authoritative once it exists (admins may tune it).
    pub fn ensure_builtin_roles(&self) -> AppResult<()> {
        let mut conn = self.conn()?;
        for name in BUILTIN_ROLES {
            if directory::find_role_by_name(&mut conn, name)?.is_none() {
                let perms = default_permissions(name).unwrap_or_default();
                let description = match name {
                    "admin" => "Everything, including users, types and API keys",
                    "supervisor" => "Department lead: the group's tickets, dispatch and internal notes",
                    "agent" => "Handles the group's tickets",
                    _ => "Customer or partner in the self-service portal",
                };
                directory::insert_role(
                    &mut conn,
                    &NewRole {
                        name,
                        description,
                        permissions: permission_names(&perms),
                        builtin: true,
                        created_at: self.now_naive(),
                    },
                )?;
            }
        }
        Ok(())
    }

    /// Recounts every agent's stored workload from the tickets (at start: a safety net for writes that bypassed
    /// the use cases, such as a restore or a bulk import).
    pub fn recount_workloads(&self) -> AppResult<()> {
        let mut conn = self.conn()?;
        loopdesk_persistence::tx::write(&mut conn, |conn| -> AppResult<()> {
            loopdesk_persistence::queries::dispatch::recount_workload(conn)?;
            Ok(())
        })
    }

    /// Creates an administrator (the CLI's `create-admin`, and the first admin at start).
    pub fn create_admin(&self, email: &str, name: &str, password: &str) -> AppResult<UserView> {
        self.ensure_builtin_roles()?;
        let mut conn = self.conn()?;
        let input = NewUserInput {
            email: email.to_string(),
            name: name.to_string(),
            password: Some(password.to_string()),
            kind: UserKind::Staff,
            role: "admin".into(),
            group_ids: vec![],
            organization_id: None,
        };
        let row = self.insert_user(&mut conn, &input, None)?;
        self.user_view(&mut conn, &row)
    }

    /// On an empty database, creates the first admin from the given credentials.
    /// Returns None when users already exist.
    pub fn bootstrap_admin(&self, email: &str, password: &str) -> AppResult<Option<UserView>> {
        self.ensure_builtin_roles()?;
        let mut conn = self.conn()?;
        if directory::count_users(&mut conn)? > 0 {
            return Ok(None);
        }
        drop(conn);
        self.create_admin(email, "Administrator", password).map(Some)
    }
}
