//! Sign-in under attack, on both backends.

mod common;

use common::*;
use loopdesk_app::AppError;
use loopdesk_app::auth::LoginInput;

loopdesk_persistence::both_backends!(simultaneous_guesses_check_no_more_passwords_than_the_limit, |db| {
    let app = app_for(&db);
    app.create_admin("target@test.local", "Target", "the-right-password").expect("admin");
    let limit = usize::try_from(app.auth.max_failed_logins).unwrap();
    let racer = app.clone();
    // 40 wrong guesses at once: at most `limit` passwords may be checked, the rest find the account locked.
    let results = race(40, move |i| {
        racer.login(&LoginInput { email: "target@test.local".into(), password: format!("guess-{i}") })
    });
    let checked = results.iter().filter(|r| !matches!(r, Err(AppError::Locked(_)))).count();
    let unexpected: Vec<String> = results
        .iter()
        .filter_map(|r| match r {
            Err(AppError::Locked(_)) | Err(AppError::Unauthenticated(_)) => None,
            Ok(_) => Some("a wrong guess signed in".into()),
            Err(other) => Some(other.to_string()),
        })
        .collect();
    assert!(unexpected.is_empty(), "only sign-ins, wrong passwords and lock-outs: {unexpected:?}");
    assert!(checked <= limit, "{checked} passwords were checked; the limit is {limit}");
    assert!(results.iter().filter(|r| matches!(r, Err(AppError::Locked(_)))).count() >= 40 - limit);
    // Locked means locked: the right password is not checked either until the lock ends.
    let right = app.login(&LoginInput { email: "target@test.local".into(), password: "the-right-password".into() });
    assert!(matches!(right, Err(AppError::Locked(_))), "{:?}", right.map(|_| "signed in"));
});
