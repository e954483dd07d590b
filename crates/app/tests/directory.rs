//! Users, roles, groups and organisations, on both backends.

mod common;

use loopdesk_domain::ids::{GroupId, OrganizationId, UserId};
use std::collections::BTreeSet;

use common::{actor_by_login, admin, app_for};
use loopdesk_app::auth::{LoginInput, RefreshInput};
use loopdesk_app::directory::{
    GroupPatch, NewGroupInput, NewOrganizationInput, NewUserInput, OrganizationPatch, PageQuery, UserListQuery,
    UserPatch,
};
use loopdesk_app::domain::policy::{Actor, Permission, UserKind};
use loopdesk_app::views::UserView;
use loopdesk_app::{App, AppError};
use loopdesk_persistence::both_backends;

const PASSWORD: &str = "password-1234";

fn user_input(email: &str, kind: UserKind, role: &str) -> NewUserInput {
    NewUserInput {
        email: email.into(),
        name: format!("用户 {email}"),
        password: Some(PASSWORD.into()),
        kind,
        role: role.into(),
        group_ids: vec![],
        organization_id: None,
    }
}

fn create(app: &App, admin: &Actor, email: &str, kind: UserKind, role: &str) -> UserView {
    app.create_user(admin, &user_input(email, kind, role)).expect("create user")
}

/// The field keys of a 422, or a panic naming what came back instead.
fn invalid_keys<T: std::fmt::Debug>(result: Result<T, AppError>) -> Vec<String> {
    match result {
        Err(AppError::Validation(errors)) => errors.0.keys().cloned().collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn login(app: &App, email: &str, password: &str) -> Result<loopdesk_app::views::TokenView, AppError> {
    app.login(&LoginInput { email: email.into(), password: password.into() }, "test")
}

both_backends!(admin_creates_staff_and_customer, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let org = app
        .create_organization(
            &admin,
            &NewOrganizationInput { name: "华东电力有限公司".into(), shared_ticket_view: false, tier: None },
        )
        .unwrap();
    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "售后二组".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap();

    let staff = app
        .create_user(
            &admin,
            &NewUserInput {
                email: "  Li.Gong@Example.COM ".into(),
                name: " 李工 ".into(),
                group_ids: vec![group.id, group.id],
                ..user_input("", UserKind::Staff, "agent")
            },
        )
        .unwrap();
    assert_eq!(staff.email, "li.gong@example.com");
    assert_eq!(staff.name, "李工");
    assert_eq!(staff.kind, UserKind::Staff);
    assert_eq!(staff.role, "agent");
    assert!(staff.permissions.contains(&Permission::TicketsReadGroup));
    assert!(!staff.permissions.contains(&Permission::UsersManage));
    assert_eq!(staff.group_ids, vec![group.id]);
    assert!(staff.active);

    let customer = app
        .create_user(
            &admin,
            &NewUserInput {
                organization_id: Some(org.id),
                ..user_input("wang@customer.cn", UserKind::Customer, "customer")
            },
        )
        .unwrap();
    assert_eq!(customer.kind, UserKind::Customer);
    assert_eq!(customer.organization_id, Some(org.id));
    assert!(customer.group_ids.is_empty());

    // Both can sign in, and what the app reports matches what was created.
    let staff_actor = actor_by_login(&app, "li.gong@example.com", PASSWORD);
    assert_eq!(staff_actor.group_ids, vec![group.id]);
    let customer_actor = actor_by_login(&app, "wang@customer.cn", PASSWORD);
    assert_eq!(customer_actor.organization_id, Some(org.id));
    assert_eq!(app.get_user(&admin, UserId(staff.id)).unwrap().group_ids, vec![group.id]);
    assert_eq!(app.get_user(&customer_actor, UserId(customer.id)).unwrap().email, "wang@customer.cn");

    // A user without a password exists but cannot sign in.
    app.create_user(
        &admin,
        &NewUserInput { password: None, ..user_input("nopass@example.com", UserKind::Staff, "agent") },
    )
    .unwrap();
    assert!(matches!(login(&app, "nopass@example.com", ""), Err(AppError::Unauthenticated(_))));
});

both_backends!(duplicate_email_is_a_conflict, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    create(&app, &admin, "dup@example.com", UserKind::Staff, "agent");
    let again = app.create_user(&admin, &user_input("DUP@example.com", UserKind::Customer, "customer"));
    assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");

    // Changing another user's e-mail to a taken one is a conflict too.
    let other = create(&app, &admin, "other@example.com", UserKind::Staff, "agent");
    let patch = UserPatch { email: Some("dup@example.com".into()), ..UserPatch::default() };
    assert!(matches!(app.update_user(&admin, UserId(other.id), &patch), Err(AppError::Conflict { .. })));
});

both_backends!(input_and_kind_role_rules, |db| {
    let app = app_for(&db);
    let admin = admin(&app);

    // A customer may not hold a role with staff-only permissions.
    let keys = invalid_keys(app.create_user(&admin, &user_input("c1@example.com", UserKind::Customer, "agent")));
    assert_eq!(keys, ["role"]);
    let keys = invalid_keys(app.create_user(&admin, &user_input("c1@example.com", UserKind::Customer, "admin")));
    assert_eq!(keys, ["role"]);
    // Staff with the customer role is allowed (a restricted staff account).
    create(&app, &admin, "limited@example.com", UserKind::Staff, "customer");
    let customer = create(&app, &admin, "c1@example.com", UserKind::Customer, "customer");
    // …and a later role change is held to the same rule.
    let patch = UserPatch { role: Some("supervisor".into()), ..UserPatch::default() };
    assert_eq!(invalid_keys(app.update_user(&admin, UserId(customer.id), &patch)), ["role"]);

    // Customers cannot be put in groups, at creation or later.
    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "一线".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap();
    let input =
        NewUserInput { group_ids: vec![group.id], ..user_input("c2@example.com", UserKind::Customer, "customer") };
    assert_eq!(invalid_keys(app.create_user(&admin, &input)), ["group_ids"]);
    let patch = UserPatch { group_ids: Some(vec![group.id]), ..UserPatch::default() };
    assert_eq!(invalid_keys(app.update_user(&admin, UserId(customer.id), &patch)), ["group_ids"]);

    // Every problem is reported at once, under the JSON field names.
    let input = NewUserInput {
        email: "not-an-email".into(),
        name: "   ".into(),
        password: Some("short".into()),
        kind: UserKind::Staff,
        role: "no-such-role".into(),
        group_ids: vec![9999],
        organization_id: Some(9999),
    };
    assert_eq!(
        invalid_keys(app.create_user(&admin, &input)),
        ["email", "group_ids", "name", "organization_id", "password", "role"]
    );
    assert!(matches!(app.get_user(&admin, UserId(9999)), Err(AppError::NotFound("user"))));
});

both_backends!(agents_read_but_do_not_manage_users, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let agent_view = create(&app, &admin, "agent@example.com", UserKind::Staff, "agent");
    let customer_view = create(&app, &admin, "cust@example.com", UserKind::Customer, "customer");
    let agent = actor_by_login(&app, "agent@example.com", PASSWORD);
    let customer = actor_by_login(&app, "cust@example.com", PASSWORD);

    let attempt = app.create_user(&agent, &user_input("new@example.com", UserKind::Staff, "agent"));
    assert!(matches!(attempt, Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))), "{attempt:?}");
    let patch = UserPatch { name: Some("改名".into()), ..UserPatch::default() };
    assert!(matches!(
        app.update_user(&agent, UserId(customer_view.id), &patch),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));

    let page = app.list_users(&agent, &UserListQuery::default()).unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(app.get_user(&agent, UserId(customer_view.id)).is_ok());
    assert!(app.list_roles(&agent).unwrap().iter().any(|r| r.name == "supervisor" && r.builtin));
    assert!(app.list_groups(&agent).is_ok());

    assert!(matches!(
        app.list_users(&customer, &UserListQuery::default()),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert!(matches!(
        app.get_user(&customer, UserId(agent_view.id)),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert!(matches!(app.list_roles(&customer), Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))));
    assert!(matches!(app.list_groups(&customer), Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))));
    // Everyone may read themself.
    assert_eq!(app.get_user(&customer, UserId(customer_view.id)).unwrap().id, customer_view.id);

    // Filters: by kind, role and a case-insensitive search.
    let customers =
        app.list_users(&agent, &UserListQuery { kind: Some(UserKind::Customer), ..Default::default() }).unwrap();
    assert_eq!(customers.items.iter().map(|u| u.id).collect::<Vec<_>>(), [customer_view.id]);
    let agents = app.list_users(&agent, &UserListQuery { role: Some("agent".into()), ..Default::default() }).unwrap();
    assert_eq!(agents.items.iter().map(|u| u.id).collect::<Vec<_>>(), [agent_view.id]);
    let found = app.list_users(&agent, &UserListQuery { q: Some("CUST@".into()), ..Default::default() }).unwrap();
    assert_eq!(found.items.iter().map(|u| u.id).collect::<Vec<_>>(), [customer_view.id]);
    let unknown_role = app.list_users(&agent, &UserListQuery { role: Some("nobody".into()), ..Default::default() });
    assert_eq!(invalid_keys(unknown_role), ["role"]);
});

both_backends!(deactivated_user_loses_access, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let user = create(&app, &admin, "leaver@example.com", UserKind::Staff, "agent");
    let tokens = login(&app, "leaver@example.com", PASSWORD).unwrap();
    assert!(app.authenticate(&tokens.access_token).is_ok());

    let patch = UserPatch { active: Some(false), ..UserPatch::default() };
    assert!(!app.update_user(&admin, UserId(user.id), &patch).unwrap().active);
    assert!(matches!(app.authenticate(&tokens.access_token), Err(AppError::Unauthenticated(_))));
    assert!(matches!(login(&app, "leaver@example.com", PASSWORD), Err(AppError::Unauthenticated(_))));
    let refreshed = app.refresh(&RefreshInput { refresh_token: tokens.refresh_token.clone() });
    assert!(matches!(refreshed, Err(AppError::Unauthenticated(_))));
    let inactive = app.list_users(&admin, &UserListQuery { active: Some(false), ..Default::default() }).unwrap();
    assert_eq!(inactive.items.iter().map(|u| u.id).collect::<Vec<_>>(), [user.id]);

    // Reactivated, the user signs in again.
    app.update_user(&admin, UserId(user.id), &UserPatch { active: Some(true), ..UserPatch::default() }).unwrap();
    assert!(login(&app, "leaver@example.com", PASSWORD).is_ok());

    // An administrator cannot lock themself out.
    let me = admin.user_id;
    assert_eq!(invalid_keys(app.update_user(&admin, UserId(me), &patch)), ["active"]);
    let demote = UserPatch { role: Some("agent".into()), ..UserPatch::default() };
    assert_eq!(invalid_keys(app.update_user(&admin, UserId(me), &demote)), ["role"]);
    assert_eq!(app.get_user(&admin, UserId(me)).unwrap().role, "admin");
});

both_backends!(password_change_revokes_sessions, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let user = create(&app, &admin, "pw@example.com", UserKind::Staff, "agent");
    let tokens = login(&app, "pw@example.com", PASSWORD).unwrap();

    let short = UserPatch { password: Some("short".into()), ..UserPatch::default() };
    assert_eq!(invalid_keys(app.update_user(&admin, UserId(user.id), &short)), ["password"]);
    // A rejected change leaves the session alone.
    assert!(app.authenticate(&tokens.access_token).is_ok());

    let patch = UserPatch { password: Some("new-password-5678".into()), ..UserPatch::default() };
    app.update_user(&admin, UserId(user.id), &patch).unwrap();
    assert!(matches!(app.authenticate(&tokens.access_token), Err(AppError::Unauthenticated(_))));
    let refreshed = app.refresh(&RefreshInput { refresh_token: tokens.refresh_token.clone() });
    assert!(matches!(refreshed, Err(AppError::Unauthenticated(_))));
    assert!(matches!(login(&app, "pw@example.com", PASSWORD), Err(AppError::Unauthenticated(_))));
    let fresh = login(&app, "pw@example.com", "new-password-5678").unwrap();
    assert!(app.authenticate(&fresh.access_token).is_ok());

    // Other changes do not end sessions.
    app.update_user(&admin, UserId(user.id), &UserPatch { name: Some("新名字".into()), ..UserPatch::default() })
        .unwrap();
    assert!(app.authenticate(&fresh.access_token).is_ok());
});

both_backends!(group_nesting_rejects_cycles, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let new =
        |name: &str, parent_id| NewGroupInput { name: name.into(), description: None, parent_id, supervisor_id: None };
    let a = app.create_group(&admin, &new("华东区", None)).unwrap();
    let b = app.create_group(&admin, &new("上海站", Some(a.id))).unwrap();
    let c = app.create_group(&admin, &new("浦东组", Some(b.id))).unwrap();
    assert_eq!(c.parent_id, Some(b.id));

    let reparent = |parent: Option<i64>| GroupPatch { parent_id: Some(parent), ..GroupPatch::default() };
    assert_eq!(invalid_keys(app.update_group(&admin, GroupId(a.id), &reparent(Some(c.id)))), ["parent_id"]);
    assert_eq!(invalid_keys(app.update_group(&admin, GroupId(a.id), &reparent(Some(a.id)))), ["parent_id"]);
    assert_eq!(invalid_keys(app.update_group(&admin, GroupId(a.id), &reparent(Some(9999)))), ["parent_id"]);
    assert_eq!(invalid_keys(app.create_group(&admin, &new("孤儿组", Some(9999)))), ["parent_id"]);
    assert_eq!(app.get_group(&admin, GroupId(a.id)).unwrap().parent_id, None);

    // Moving within the tree without closing a loop is fine, and null detaches.
    assert_eq!(app.update_group(&admin, GroupId(c.id), &reparent(Some(a.id))).unwrap().parent_id, Some(a.id));
    assert_eq!(app.update_group(&admin, GroupId(b.id), &reparent(Some(c.id))).unwrap().parent_id, Some(c.id));
    assert_eq!(app.update_group(&admin, GroupId(c.id), &reparent(None)).unwrap().parent_id, None);
    // An absent parent_id leaves it alone.
    let renamed =
        app.update_group(&admin, GroupId(b.id), &GroupPatch { name: Some("上海一站".into()), ..GroupPatch::default() });
    assert_eq!(renamed.unwrap().parent_id, Some(c.id));

    assert!(matches!(app.create_group(&admin, &new("华东区", None)), Err(AppError::Conflict { .. })));
    assert!(matches!(app.update_group(&admin, GroupId(9999), &reparent(None)), Err(AppError::NotFound("group"))));
});

both_backends!(group_membership_shows_on_both_sides, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let group = app
        .create_group(
            &admin,
            &NewGroupInput {
                name: "售后二组".into(),
                description: Some("华东".into()),
                parent_id: None,
                supervisor_id: None,
            },
        )
        .unwrap();
    let other = app
        .create_group(
            &admin,
            &NewGroupInput { name: "售后三组".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap();
    let agent = create(&app, &admin, "agent@example.com", UserKind::Staff, "agent");
    let customer = create(&app, &admin, "cust@example.com", UserKind::Customer, "customer");

    let view = app.add_group_member(&admin, GroupId(group.id), UserId(agent.id)).unwrap();
    assert_eq!(view.member_ids, [agent.id]);
    // Adding twice changes nothing.
    assert_eq!(app.add_group_member(&admin, GroupId(group.id), UserId(agent.id)).unwrap().member_ids, [agent.id]);
    assert_eq!(app.get_user(&admin, UserId(agent.id)).unwrap().group_ids, [group.id]);
    let listed = app.list_groups(&admin).unwrap();
    assert_eq!(listed.iter().find(|g| g.id == group.id).unwrap().member_ids, [agent.id]);
    assert!(listed.iter().find(|g| g.id == other.id).unwrap().member_ids.is_empty());
    let members = app.list_users(&admin, &UserListQuery { group_id: Some(group.id), ..Default::default() }).unwrap();
    assert_eq!(members.items.iter().map(|u| u.id).collect::<Vec<_>>(), [agent.id]);

    assert_eq!(invalid_keys(app.add_group_member(&admin, GroupId(group.id), UserId(customer.id))), ["user_id"]);
    assert!(app.get_group(&admin, GroupId(group.id)).unwrap().member_ids == [agent.id]);
    assert!(matches!(app.add_group_member(&admin, GroupId(9999), UserId(agent.id)), Err(AppError::NotFound("group"))));
    assert!(matches!(app.add_group_member(&admin, GroupId(group.id), UserId(9999)), Err(AppError::NotFound("user"))));

    // Replacing memberships through the user.
    let patch = UserPatch { group_ids: Some(vec![other.id]), ..UserPatch::default() };
    assert_eq!(app.update_user(&admin, UserId(agent.id), &patch).unwrap().group_ids, [other.id]);
    assert!(app.get_group(&admin, GroupId(group.id)).unwrap().member_ids.is_empty());
    assert_eq!(app.get_group(&admin, GroupId(other.id)).unwrap().member_ids, [agent.id]);

    let view = app.remove_group_member(&admin, GroupId(other.id), UserId(agent.id)).unwrap();
    assert!(view.member_ids.is_empty());
    assert!(app.get_user(&admin, UserId(agent.id)).unwrap().group_ids.is_empty());

    // Only group managers change memberships.
    let agent_actor = actor_by_login(&app, "agent@example.com", PASSWORD);
    assert!(matches!(
        app.add_group_member(&agent_actor, GroupId(group.id), UserId(agent.id)),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
});

both_backends!(user_pages_cover_everyone_once, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    for i in 0..9 {
        let kind = if i % 3 == 0 { UserKind::Customer } else { UserKind::Staff };
        let role = if kind == UserKind::Customer { "customer" } else { "agent" };
        app.create_user(
            &admin,
            &NewUserInput { password: None, ..user_input(&format!("u{i}@example.com"), kind, role) },
        )
        .unwrap();
    }
    let all: BTreeSet<i64> =
        app.list_users(&admin, &UserListQuery::default()).unwrap().items.iter().map(|u| u.id).collect();
    assert_eq!(all.len(), 10);

    for limit in [1, 3, 5, 10] {
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let query = UserListQuery { limit: Some(limit), cursor: cursor.clone(), ..Default::default() };
            let page = app.list_users(&admin, &query).unwrap();
            pages += 1;
            assert!(page.items.len() <= limit as usize);
            seen.extend(page.items.iter().map(|u| u.id));
            match page.next_cursor {
                Some(next) => {
                    assert_eq!(page.items.len(), limit as usize, "only full pages have a next page");
                    cursor = Some(next);
                }
                None => break,
            }
            assert!(pages <= 20, "paging does not end");
        }
        assert_eq!(seen.len(), all.len(), "limit {limit}: every user exactly once");
        assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), all);
        // An exact multiple ends without an empty trailing page.
        assert_eq!(pages, (10 + limit - 1) / limit, "limit {limit}");
    }

    let bad = app.list_users(&admin, &UserListQuery { cursor: Some("abc".into()), ..Default::default() });
    assert!(matches!(bad, Err(AppError::BadRequest(_))), "{bad:?}");
    for limit in [0, 201, -1] {
        let query = UserListQuery { limit: Some(limit), ..Default::default() };
        assert_eq!(invalid_keys(app.list_users(&admin, &query)), ["limit"]);
    }
});

both_backends!(organizations_crud, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let new = |name: &str, shared| NewOrganizationInput { name: name.into(), shared_ticket_view: shared, tier: None };
    let org = app.create_organization(&admin, &new(" 华东电力有限公司 ", false)).unwrap();
    assert_eq!(org.name, "华东电力有限公司");
    assert!(!org.shared_ticket_view);
    let other = app.create_organization(&admin, &new("南方电网", true)).unwrap();
    assert!(other.shared_ticket_view);
    assert!(matches!(app.create_organization(&admin, &new("华东电力有限公司", true)), Err(AppError::Conflict { .. })));
    assert_eq!(invalid_keys(app.create_organization(&admin, &new("  ", true))), ["name"]);

    let first = app.list_organizations(&admin, &PageQuery { limit: Some(1), cursor: None }).unwrap();
    assert_eq!(first.items.iter().map(|o| o.id).collect::<Vec<_>>(), [org.id]);
    let second = app.list_organizations(&admin, &PageQuery { limit: Some(1), cursor: first.next_cursor }).unwrap();
    assert_eq!(second.items.iter().map(|o| o.id).collect::<Vec<_>>(), [other.id]);
    assert!(second.next_cursor.is_none());

    create(&app, &admin, "agent@example.com", UserKind::Staff, "agent");
    app.create_user(
        &admin,
        &NewUserInput { organization_id: Some(org.id), ..user_input("c@hd.cn", UserKind::Customer, "customer") },
    )
    .unwrap();
    let agent = actor_by_login(&app, "agent@example.com", PASSWORD);
    let customer = actor_by_login(&app, "c@hd.cn", PASSWORD);
    assert!(!customer.organization_shares_tickets);

    // Staff with users_read may look; only organisation managers change anything.
    assert_eq!(app.list_organizations(&agent, &PageQuery::default()).unwrap().items.len(), 2);
    assert!(matches!(
        app.create_organization(&agent, &new("新公司", false)),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    let share = OrganizationPatch { shared_ticket_view: Some(true), ..OrganizationPatch::default() };
    assert!(matches!(
        app.update_organization(&agent, OrganizationId(org.id), &share),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    // A customer reads their own organisation and no other.
    assert_eq!(app.get_organization(&customer, OrganizationId(org.id)).unwrap().name, "华东电力有限公司");
    assert!(matches!(
        app.get_organization(&customer, OrganizationId(other.id)),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert!(matches!(
        app.list_organizations(&customer, &PageQuery::default()),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));

    let updated = app.update_organization(&admin, OrganizationId(org.id), &share).unwrap();
    assert!(updated.shared_ticket_view);
    assert_eq!(updated.name, "华东电力有限公司");
    assert!(actor_by_login(&app, "c@hd.cn", PASSWORD).organization_shares_tickets);
    let rename = OrganizationPatch { name: Some("华东电力集团".into()), ..OrganizationPatch::default() };
    let renamed = app.update_organization(&admin, OrganizationId(org.id), &rename).unwrap();
    assert_eq!(renamed.name, "华东电力集团");
    assert!(renamed.shared_ticket_view);
    let clash = OrganizationPatch { name: Some("南方电网".into()), ..OrganizationPatch::default() };
    assert!(matches!(app.update_organization(&admin, OrganizationId(org.id), &clash), Err(AppError::Conflict { .. })));
    assert!(matches!(app.get_organization(&admin, OrganizationId(9999)), Err(AppError::NotFound("organization"))));

    // Moving a user between organisations, and out of one with an explicit null.
    let user_id = customer.user_id;
    let to_other = UserPatch { organization_id: Some(Some(other.id)), ..UserPatch::default() };
    assert_eq!(app.update_user(&admin, UserId(user_id), &to_other).unwrap().organization_id, Some(other.id));
    let untouched = UserPatch { name: Some("王经理".into()), ..UserPatch::default() };
    assert_eq!(app.update_user(&admin, UserId(user_id), &untouched).unwrap().organization_id, Some(other.id));
    let none = UserPatch { organization_id: Some(None), ..UserPatch::default() };
    assert_eq!(app.update_user(&admin, UserId(user_id), &none).unwrap().organization_id, None);
    let missing = UserPatch { organization_id: Some(Some(9999)), ..UserPatch::default() };
    assert_eq!(invalid_keys(app.update_user(&admin, UserId(user_id), &missing)), ["organization_id"]);
});

#[test]
fn patch_tells_absent_from_null() {
    let absent: UserPatch = serde_json::from_str(r#"{"name": "李工"}"#).unwrap();
    assert_eq!(absent.organization_id, None);
    let null: UserPatch = serde_json::from_str(r#"{"organization_id": null}"#).unwrap();
    assert_eq!(null.organization_id, Some(None));
    let set: UserPatch = serde_json::from_str(r#"{"organization_id": 3}"#).unwrap();
    assert_eq!(set.organization_id, Some(Some(3)));
    let group: GroupPatch = serde_json::from_str(r#"{"parent_id": null}"#).unwrap();
    assert_eq!(group.parent_id, Some(None));
}
