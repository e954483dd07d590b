//! Ticket types and custom-field definitions, on both backends.

mod common;

use common::{actor_by_login, admin, app_for};
use loopdesk_app::directory::{NewGroupInput, NewUserInput};
use loopdesk_app::domain::fields::{FieldDefinition, FieldKind};
use loopdesk_app::domain::policy::{Actor, UserKind};
use loopdesk_app::domain::ticket::Priority;
use loopdesk_app::ticket_types::{NewTicketTypeInput, TicketTypePatch};
use loopdesk_app::{App, AppError};
use loopdesk_domain::ids::TicketTypeId;
use loopdesk_persistence::both_backends;

const PASSWORD: &str = "password-1234";

fn def(key: &str, kind: FieldKind, customer_visible: bool) -> FieldDefinition {
    FieldDefinition {
        key: key.into(),
        label: format!("字段 {key}"),
        kind,
        required: false,
        options: if kind.takes_options() { vec!["甲".into(), "乙".into()] } else { vec![] },
        customer_visible,
    }
}

fn new_type(name: &str, fields: Vec<FieldDefinition>) -> NewTicketTypeInput {
    NewTicketTypeInput {
        name: name.into(),
        description: None,
        default_priority: None,
        default_group_id: None,
        fields,
        required_skills: vec![],
    }
}

/// Signs in a new user of the given kind and role.
fn user(app: &App, admin: &Actor, email: &str, kind: UserKind, role: &str) -> Actor {
    app.create_user(
        admin,
        &NewUserInput {
            email: email.into(),
            name: "测试用户".into(),
            password: Some(PASSWORD.into()),
            kind,
            role: role.into(),
            group_ids: vec![],
            organization_id: None,
        },
    )
    .expect("create user");
    actor_by_login(app, email, PASSWORD)
}

fn invalid_keys<T: std::fmt::Debug>(result: Result<T, AppError>) -> Vec<String> {
    match result {
        Err(AppError::Validation(errors)) => errors.0.keys().cloned().collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

both_backends!(create_with_every_field_kind, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    assert_eq!(FieldKind::ALL.len(), 12);
    let defs: Vec<FieldDefinition> = FieldKind::ALL
        .iter()
        .enumerate()
        .map(|(i, kind)| FieldDefinition {
            required: i % 2 == 0,
            ..def(&format!("f_{}", kind.as_str()), *kind, i % 3 == 0)
        })
        .collect();
    let created = app
        .create_ticket_type(
            &admin,
            &NewTicketTypeInput {
                name: " 设备报修 ".into(),
                description: Some("空调、电梯等设备故障".into()),
                default_priority: Some(Priority::High),
                ..new_type("", defs.clone())
            },
        )
        .unwrap();
    assert_eq!(created.name, "设备报修");
    assert_eq!(created.description, "空调、电梯等设备故障");
    assert_eq!(created.default_priority, Priority::High);
    assert_eq!(created.fields, defs);
    assert!(created.active);

    // Read back from the database, in order, kinds and flags intact.
    let fetched = app.get_ticket_type(&admin, TicketTypeId(created.id)).unwrap();
    assert_eq!(fetched.fields, defs);
    assert_eq!(fetched.default_priority, Priority::High);
    let listed = app.list_ticket_types(&admin, false).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fields, defs);

    // Defaults: normal priority, no fields.
    let plain = app.create_ticket_type(&admin, &new_type("咨询", vec![])).unwrap();
    assert_eq!(plain.default_priority, Priority::Normal);
    assert!(plain.fields.is_empty());

    // Labels are stored trimmed.
    let padded = FieldDefinition { label: "  资产编号 ".into(), ..def("asset_no", FieldKind::Text, true) };
    let t = app.create_ticket_type(&admin, &new_type("巡检", vec![padded])).unwrap();
    assert_eq!(app.get_ticket_type(&admin, TicketTypeId(t.id)).unwrap().fields[0].label, "资产编号");
});

both_backends!(invalid_definitions_name_the_field, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let no_options = FieldDefinition { options: vec![], ..def("fault", FieldKind::Select, true) };
    let input = new_type("设备报修", vec![def("asset_no", FieldKind::Text, true), no_options.clone()]);
    assert_eq!(invalid_keys(app.create_ticket_type(&admin, &input)), ["fields[1].options"]);

    let bad_key = FieldDefinition { key: "Asset No".into(), ..def("x", FieldKind::Text, false) };
    let duplicate = def("asset_no", FieldKind::Number, false);
    let text_with_options = FieldDefinition { options: vec!["a".into()], ..def("note", FieldKind::Text, false) };
    let input =
        new_type("设备报修", vec![def("asset_no", FieldKind::Text, true), bad_key, duplicate, text_with_options]);
    assert_eq!(
        invalid_keys(app.create_ticket_type(&admin, &input)),
        ["fields[1].key", "fields[2].key", "fields[3].options"]
    );
    assert!(app.list_ticket_types(&admin, true).unwrap().is_empty(), "nothing was saved");

    // The same rules on update, and a rejected update changes nothing.
    let t =
        app.create_ticket_type(&admin, &new_type("设备报修", vec![def("asset_no", FieldKind::Text, true)])).unwrap();
    let patch =
        TicketTypePatch { fields: Some(vec![def("a", FieldKind::Text, true), no_options]), ..Default::default() };
    assert_eq!(invalid_keys(app.update_ticket_type(&admin, TicketTypeId(t.id), &patch)), ["fields[1].options"]);
    assert_eq!(app.get_ticket_type(&admin, TicketTypeId(t.id)).unwrap().fields, t.fields);

    let blank = FieldDefinition { label: "  ".into(), ..def("b", FieldKind::Text, true) };
    let input = new_type("  ", vec![blank]);
    assert_eq!(invalid_keys(app.create_ticket_type(&admin, &input)), ["fields[0].label", "name"]);
});

both_backends!(customers_see_only_visible_fields, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let customer = user(&app, &admin, "c@example.com", UserKind::Customer, "customer");
    let agent = user(&app, &admin, "a@example.com", UserKind::Staff, "agent");
    let defs = vec![
        def("asset_no", FieldKind::Text, true),
        def("root_cause", FieldKind::LongText, false),
        def("fault", FieldKind::Select, true),
        def("engineer", FieldKind::User, false),
    ];
    let t = app.create_ticket_type(&admin, &new_type("设备报修", defs.clone())).unwrap();

    let keys = |fields: &[FieldDefinition]| fields.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&app.get_ticket_type(&customer, TicketTypeId(t.id)).unwrap().fields), ["asset_no", "fault"]);
    let listed = app.list_ticket_types(&customer, false).unwrap();
    assert_eq!(keys(&listed[0].fields), ["asset_no", "fault"]);
    assert_eq!(app.get_ticket_type(&agent, TicketTypeId(t.id)).unwrap().fields, defs);
    assert_eq!(app.list_ticket_types(&agent, false).unwrap()[0].fields, defs);

    // Only type managers define types.
    assert!(matches!(
        app.create_ticket_type(&agent, &new_type("其他", vec![])),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert!(matches!(
        app.create_ticket_type(&customer, &new_type("其他", vec![])),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    let patch = TicketTypePatch { active: Some(false), ..Default::default() };
    assert!(matches!(
        app.update_ticket_type(&agent, TicketTypeId(t.id), &patch),
        Err(AppError::Forbidden(_) | AppError::PermissionRequired(_))
    ));
    assert!(matches!(app.get_ticket_type(&agent, TicketTypeId(9999)), Err(AppError::NotFound("ticket type"))));
});

both_backends!(inactive_types_are_hidden_from_customers, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let customer = user(&app, &admin, "c@example.com", UserKind::Customer, "customer");
    let agent = user(&app, &admin, "a@example.com", UserKind::Staff, "agent");
    let old = app.create_ticket_type(&admin, &new_type("旧类型", vec![])).unwrap();
    let current = app.create_ticket_type(&admin, &new_type("设备报修", vec![])).unwrap();
    let patch = TicketTypePatch { active: Some(false), ..Default::default() };
    assert!(!app.update_ticket_type(&admin, TicketTypeId(old.id), &patch).unwrap().active);

    let ids = |types: Vec<loopdesk_app::views::TicketTypeView>| types.iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(ids(app.list_ticket_types(&customer, false).unwrap()), [current.id]);
    assert_eq!(ids(app.list_ticket_types(&customer, true).unwrap()), [current.id], "customers never get inactive ones");
    assert!(matches!(app.get_ticket_type(&customer, TicketTypeId(old.id)), Err(AppError::NotFound("ticket type"))));

    assert_eq!(ids(app.list_ticket_types(&agent, false).unwrap()), [current.id]);
    assert_eq!(ids(app.list_ticket_types(&agent, true).unwrap()), [old.id, current.id]);
    assert!(!app.get_ticket_type(&agent, TicketTypeId(old.id)).unwrap().active);

    // Reactivated, it is back for everyone.
    let patch = TicketTypePatch { active: Some(true), ..Default::default() };
    app.update_ticket_type(&admin, TicketTypeId(old.id), &patch).unwrap();
    assert_eq!(ids(app.list_ticket_types(&customer, false).unwrap()), [old.id, current.id]);
});

both_backends!(default_group_must_exist, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    let input = NewTicketTypeInput { default_group_id: Some(9999), ..new_type("设备报修", vec![]) };
    assert_eq!(invalid_keys(app.create_ticket_type(&admin, &input)), ["default_group_id"]);

    let group = app
        .create_group(
            &admin,
            &NewGroupInput { name: "售后二组".into(), description: None, parent_id: None, supervisor_id: None },
        )
        .unwrap();
    let input = NewTicketTypeInput { default_group_id: Some(group.id), ..new_type("设备报修", vec![]) };
    let t = app.create_ticket_type(&admin, &input).unwrap();
    assert_eq!(t.default_group_id, Some(group.id));

    let missing = TicketTypePatch { default_group_id: Some(Some(9999)), ..Default::default() };
    assert_eq!(invalid_keys(app.update_ticket_type(&admin, TicketTypeId(t.id), &missing)), ["default_group_id"]);
    // Absent leaves it; null clears it.
    let other = TicketTypePatch { default_priority: Some(Priority::Urgent), ..Default::default() };
    let updated = app.update_ticket_type(&admin, TicketTypeId(t.id), &other).unwrap();
    assert_eq!((updated.default_group_id, updated.default_priority), (Some(group.id), Priority::Urgent));
    let clear = TicketTypePatch { default_group_id: Some(None), ..Default::default() };
    assert_eq!(app.update_ticket_type(&admin, TicketTypeId(t.id), &clear).unwrap().default_group_id, None);

    let parsed: TicketTypePatch = serde_json::from_str(r#"{"default_group_id": null}"#).unwrap();
    assert_eq!(parsed.default_group_id, Some(None));
    let parsed: TicketTypePatch = serde_json::from_str(r#"{"name": "x"}"#).unwrap();
    assert_eq!(parsed.default_group_id, None);
});

both_backends!(duplicate_name_is_a_conflict, |db| {
    let app = app_for(&db);
    let admin = admin(&app);
    app.create_ticket_type(&admin, &new_type("设备报修", vec![])).unwrap();
    let again = app.create_ticket_type(&admin, &new_type(" 设备报修 ", vec![]));
    assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");

    let other = app.create_ticket_type(&admin, &new_type("咨询", vec![])).unwrap();
    let rename = TicketTypePatch { name: Some("设备报修".into()), ..Default::default() };
    assert!(matches!(app.update_ticket_type(&admin, TicketTypeId(other.id), &rename), Err(AppError::Conflict { .. })));
    let rename = TicketTypePatch { name: Some("投诉".into()), ..Default::default() };
    assert_eq!(app.update_ticket_type(&admin, TicketTypeId(other.id), &rename).unwrap().name, "投诉");
    assert!(matches!(
        app.update_ticket_type(&admin, TicketTypeId(9999), &rename),
        Err(AppError::NotFound("ticket type"))
    ));
});
