//! Sign-in under attack, on both backends.

mod common;

use common::*;
use loopdesk_app::AppError;
use loopdesk_app::auth::LoginInput;

fn guess(email: &str, password: &str) -> LoginInput {
    LoginInput { email: email.into(), password: password.into() }
}

loopdesk_persistence::both_backends!(simultaneous_guesses_check_no_more_passwords_than_the_backoff_allows, |db| {
    let app = app_for(&db);
    app.create_admin("target@test.local", "Target", "the-right-password").expect("admin");
    let free = usize::try_from(app.auth.backoff.free_attempts).unwrap();
    let racer = app.clone();
    // 40 wrong guesses at once from one client: at most `free` passwords may be checked; the rest are told to wait.
    let results = race(40, move |i| racer.login(&guess("target@test.local", &format!("guess-{i}")), "203.0.113.5"));
    let waited = |r: &Result<_, AppError>| matches!(r, Err(AppError::TooManyRequests { .. }));
    let checked = results.iter().filter(|r| !waited(r)).count();
    let unexpected: Vec<String> = results
        .iter()
        .filter_map(|r| match r {
            Err(AppError::TooManyRequests { .. }) | Err(AppError::Unauthenticated(_)) => None,
            Ok(_) => Some("a wrong guess signed in".into()),
            Err(other) => Some(other.to_string()),
        })
        .collect();
    assert!(unexpected.is_empty(), "only wrong passwords and waits: {unexpected:?}");
    assert!(checked <= free, "{checked} passwords were checked; the back-off allows {free}");
    assert!(results.iter().filter(|r| waited(r)).count() >= 40 - free);
    // Slowed down means slowed down for that client: the right password from it waits too …
    let right = app.login(&guess("target@test.local", "the-right-password"), "203.0.113.5");
    match right {
        Err(AppError::TooManyRequests { retry_after_secs, .. }) => {
            assert!((1..=app.auth.backoff.max_secs as u64).contains(&retry_after_secs), "{retry_after_secs}")
        }
        other => panic!("expected a wait, got {:?}", other.map(|_| "signed in")),
    }
    // … while the owner, from another address, signs in.
    app.login(&guess("target@test.local", "the-right-password"), "198.51.100.20").expect("the owner is not locked out");
});
