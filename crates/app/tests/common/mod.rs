//! Shared fixtures for app tests: an App over a fresh test database, and actors.
#![allow(dead_code)]

use loopdesk_app::{App, AuthConfig, domain::policy::Actor};
use loopdesk_persistence::testdb::TestDb;

pub fn app_for(db: &TestDb) -> App {
    let app = App::new(db.pool.clone(), AuthConfig::with_secret(b"test-secret-test-secret-test-secret".to_vec()));
    app.ensure_builtin_roles().expect("roles");
    app
}

/// Creates an admin and returns it as an Actor (through the real sign-in path).
pub fn admin(app: &App) -> Actor {
    app.create_admin("admin@test.local", "Admin", "admin-password").expect("admin");
    actor_by_login(app, "admin@test.local", "admin-password")
}

/// Signs in and authenticates the access token, as a request would.
pub fn actor_by_login(app: &App, email: &str, password: &str) -> Actor {
    let tokens =
        app.login(&loopdesk_app::auth::LoginInput { email: email.into(), password: password.into() }).expect("login");
    app.authenticate(&tokens.access_token).expect("authenticate")
}
pub mod receivers;
