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
    let tokens = app
        .login(&loopdesk_app::auth::LoginInput { email: email.into(), password: password.into() }, "test")
        .expect("login");
    app.authenticate(&tokens.access_token).expect("authenticate")
}
pub mod receivers;

/// A clock the test moves by hand (`App::with_clock(clock.clock())`); sign-ins still use the real clock.
#[derive(Clone)]
pub struct TestClock(pub std::sync::Arc<std::sync::Mutex<chrono::DateTime<chrono::Utc>>>);

impl TestClock {
    pub fn at(t: chrono::DateTime<chrono::Utc>) -> Self {
        TestClock(std::sync::Arc::new(std::sync::Mutex::new(t)))
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }

    pub fn set(&self, t: chrono::DateTime<chrono::Utc>) {
        *self.0.lock().unwrap() = t;
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn clock(&self) -> loopdesk_app::Clock {
        let now = self.0.clone();
        std::sync::Arc::new(move || *now.lock().unwrap())
    }
}

/// A staff member created without a password (no hashing), as the policy sees them after sign-in.
pub fn staff_actor(app: &App, admin: &Actor, email: &str, name: &str, role: &str, groups: &[i64]) -> Actor {
    use loopdesk_app::domain::policy::{UserKind, default_permissions};
    let input = loopdesk_app::directory::NewUserInput {
        email: email.into(),
        name: name.into(),
        password: None,
        kind: UserKind::Staff,
        role: role.into(),
        group_ids: groups.to_vec(),
        organization_id: None,
    };
    let user = app.create_user(admin, &input).expect("staff user");
    Actor {
        user_id: user.id,
        kind: UserKind::Staff,
        permissions: default_permissions(role).expect("a built-in role").into_iter().collect(),
        group_ids: groups.to_vec(),
        organization_id: None,
        organization_shares_tickets: false,
        api_key_id: None,
    }
}

/// Runs `f` on `n` threads released at the same instant; returns their results.
pub fn race<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(n));
    let f = std::sync::Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, f) = (barrier.clone(), f.clone());
            std::thread::spawn(move || {
                barrier.wait();
                f(i)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("thread")).collect()
}

/// Another instance of Loopdesk on the same database: its own pool, the given clock.
pub fn second_instance(db: &TestDb, clock: loopdesk_app::Clock) -> App {
    let config = loopdesk_persistence::DbConfig {
        url: db.url.clone(),
        pool_size: 4,
        connect_timeout: std::time::Duration::from_secs(10),
    };
    let pool = loopdesk_persistence::build_pool(&config).expect("a second pool");
    App::new(pool, AuthConfig::with_secret(b"test-secret-test-secret-test-secret".to_vec())).with_clock(clock)
}
