//! Typed JSON columns: what a row holds is what was written, on both backends, and a stored value that no
//! longer reads as its type is an error that names the type, never a silent default.

use diesel::prelude::*;
use loopdesk_domain::dispatch::SkillRequirement;
use loopdesk_domain::fields::{FieldDefinition, FieldKind};
use loopdesk_persistence::models::NewTicketType;
use loopdesk_persistence::queries::ticket_types as q;
use loopdesk_persistence::schema::ticket_types;
use loopdesk_persistence::{Json, both_backends};

fn new_type(fields: Vec<FieldDefinition>, skills: Vec<SkillRequirement>) -> NewTicketType<'static> {
    let now = chrono::Utc::now().naive_utc();
    NewTicketType {
        name: "设备报修",
        description: "",
        default_priority: 2,
        default_group_id: None,
        fields: Json(fields),
        active: true,
        required_skills: Json(skills),
        created_at: now,
        updated_at: now,
    }
}

both_backends!(typed_columns_read_back_what_was_written, |db| {
    let mut conn = db.pool.get().unwrap();
    let fields = vec![FieldDefinition {
        key: "serial".into(),
        label: "设备编号 \"引号\" \\ 换行\n".into(),
        kind: FieldKind::Select,
        required: true,
        options: vec!["甲".into(), "乙".into()],
        customer_visible: true,
    }];
    let skills = vec![SkillRequirement { name: "电工".into(), min_level: Some(3) }];
    let inserted = q::insert(&mut conn, &new_type(fields.clone(), skills.clone())).unwrap();
    assert_eq!(inserted.fields.0, fields);
    let found = q::find(&mut conn, inserted.id).unwrap().unwrap();
    assert_eq!(found.fields.0, fields);
    assert_eq!(found.required_skills.0, skills);
    // Stored as plain JSON text, readable by any other tool.
    let text: String =
        ticket_types::table.find(inserted.id).select(ticket_types::required_skills).first(&mut conn).unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap()[0]["name"], "电工");
});

both_backends!(an_unreadable_value_is_an_error_naming_its_type, |db| {
    let mut conn = db.pool.get().unwrap();
    let row = q::insert(&mut conn, &new_type(vec![], vec![])).unwrap();
    diesel::update(ticket_types::table.find(row.id))
        .set(ticket_types::fields.eq("[{\"key\": 1}]"))
        .execute(&mut conn)
        .unwrap();
    let err = q::find(&mut conn, row.id).unwrap_err();
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert!(chain.contains("'fields'") && chain.contains("FieldDefinition"), "{chain}");
});
