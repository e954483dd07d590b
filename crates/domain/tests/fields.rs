use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn def(key: &str, kind: FieldKind) -> FieldDefinition {
    FieldDefinition {
        key: key.into(),
        label: format!("Label of {key}"),
        kind,
        required: false,
        options: vec![],
        customer_visible: true,
    }
}

fn select(key: &str, kind: FieldKind, options: &[&str]) -> FieldDefinition {
    FieldDefinition { options: options.iter().map(|o| o.to_string()).collect(), ..def(key, kind) }
}

fn obj(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Staff create with a single field; returns the stored value or the messages for it.
fn write_one(definition: FieldDefinition, value: Value) -> Result<Value, Vec<String>> {
    let key = definition.key.clone();
    let incoming = obj(json!({ key.clone(): value }));
    match validate_values(&[definition], &Map::new(), &incoming, WriteMode::Create, Writer::Staff) {
        Ok(merged) => Ok(merged.get(&key).cloned().unwrap_or(Value::Null)),
        Err(errors) => Err(errors.get(&format!("custom_fields.{key}")).to_vec()),
    }
}

fn accepts(kind: FieldKind, value: Value) -> Value {
    write_one(def("f", kind), value.clone()).unwrap_or_else(|e| panic!("{kind} should accept {value}: {e:?}"))
}

fn rejects(kind: FieldKind, value: Value) -> Vec<String> {
    let messages = write_one(def("f", kind), value.clone()).expect_err(&format!("{kind} should reject {value}"));
    assert!(!messages.is_empty());
    messages
}

#[test]
fn field_kind_wire_names() {
    for kind in FieldKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), Value::from(kind.as_str()));
        assert_eq!(FieldKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(FieldKind::MultiSelect.as_str(), "multi_select");
    assert_eq!(FieldKind::parse("multiselect"), None);
}

#[test]
fn definition_defaults_when_deserializing() {
    let parsed: FieldDefinition =
        serde_json::from_value(json!({"key": "serial_no", "label": "序列号", "kind": "text"})).unwrap();
    assert_eq!(
        parsed,
        FieldDefinition { label: "序列号".into(), customer_visible: false, ..def("serial_no", FieldKind::Text) }
    );
}

#[test]
fn text_kinds() {
    assert_eq!(accepts(FieldKind::Text, json!("  空调不制冷  ")), json!("空调不制冷"));
    assert_eq!(accepts(FieldKind::Text, json!("字".repeat(1000))), json!("字".repeat(1000)));
    assert_eq!(rejects(FieldKind::Text, json!("字".repeat(1001))), ["must be at most 1000 characters"]);
    rejects(FieldKind::Text, json!(5));
    rejects(FieldKind::Text, json!(["a"]));

    assert_eq!(accepts(FieldKind::LongText, json!("  第一行\n第二行\n")), json!("  第一行\n第二行\n"));
    accepts(FieldKind::LongText, json!("x".repeat(20_000)));
    rejects(FieldKind::LongText, json!("x".repeat(20_001)));
    rejects(FieldKind::LongText, json!(true));
}

#[test]
fn numbers() {
    assert_eq!(accepts(FieldKind::Number, json!(42)), json!(42));
    assert_eq!(accepts(FieldKind::Number, json!(-3.5)), json!(-3.5));
    assert_eq!(rejects(FieldKind::Number, json!("42")), ["must be a number"]);
    rejects(FieldKind::Number, json!(true));
    rejects(FieldKind::Number, json!([1]));
}

#[test]
fn dates() {
    assert_eq!(accepts(FieldKind::Date, json!("2026-10-01")), json!("2026-10-01"));
    accepts(FieldKind::Date, json!("2028-02-29"));
    for bad in
        ["2026-02-30", "2026-13-01", "2026-1-1", "+2026-01-01", "01/10/2026", "2026年10月1日", "2026-10-01T00:00:00Z"]
    {
        assert_eq!(rejects(FieldKind::Date, json!(bad)), ["must be a date like 2026-10-01"], "{bad}");
    }
    rejects(FieldKind::Date, json!(20261001));
}

#[test]
fn datetimes_are_normalized_to_utc() {
    assert_eq!(accepts(FieldKind::Datetime, json!("2026-10-01T09:30:00+08:00")), json!("2026-10-01T01:30:00Z"));
    assert_eq!(accepts(FieldKind::Datetime, json!("2026-10-01T00:30:00+08:00")), json!("2026-09-30T16:30:00Z"));
    assert_eq!(accepts(FieldKind::Datetime, json!("2026-10-01T01:30:00.000Z")), json!("2026-10-01T01:30:00Z"));
    assert_eq!(accepts(FieldKind::Datetime, json!("2026-10-01T01:30:00.250-02:00")), json!("2026-10-01T03:30:00.250Z"));
    for bad in ["2026-10-01T09:30:00", "2026-10-01", "2026-10-01 09:30", "tomorrow"] {
        rejects(FieldKind::Datetime, json!(bad));
    }
}

#[test]
fn select_and_multi_select() {
    let unit = select("unit", FieldKind::Select, &["空调", "电梯"]);
    assert_eq!(write_one(unit.clone(), json!("电梯")), Ok(json!("电梯")));
    assert_eq!(write_one(unit.clone(), json!("锅炉")), Err(vec!["must be one of: 空调, 电梯".to_string()]));
    assert!(write_one(unit.clone(), json!(["空调"])).is_err());

    let parts = select("parts", FieldKind::MultiSelect, &["滤网", "压缩机", "风扇"]);
    assert_eq!(write_one(parts.clone(), json!(["风扇", "滤网"])), Ok(json!(["风扇", "滤网"])));
    assert!(write_one(parts.clone(), json!(["滤网", "滤网"])).is_err());
    assert!(write_one(parts.clone(), json!(["滤网", "轮胎"])).is_err());
    assert!(write_one(parts.clone(), json!("滤网")).is_err());
    assert!(write_one(parts.clone(), json!([1])).is_err());
}

#[test]
fn checkbox_user_email_phone_url() {
    assert_eq!(accepts(FieldKind::Checkbox, json!(false)), json!(false));
    rejects(FieldKind::Checkbox, json!("true"));
    rejects(FieldKind::Checkbox, json!(1));

    assert_eq!(accepts(FieldKind::User, json!(7)), json!(7));
    for bad in [json!(0), json!(-1), json!(1.5), json!("7")] {
        rejects(FieldKind::User, bad);
    }

    assert_eq!(accepts(FieldKind::Email, json!("  张三@例子.中国 ")), json!("张三@例子.中国"));
    accepts(FieldKind::Email, json!("ops+alerts@example.com"));
    for bad in [
        "no-at.example.com",
        "@example.com",
        "a@b@example.com",
        "a@localhost",
        "a b@example.com",
        "a@example.",
        "a@.com",
    ] {
        rejects(FieldKind::Email, json!(bad));
    }
    rejects(FieldKind::Email, json!(format!("{}@example.com", "a".repeat(250))));

    assert_eq!(accepts(FieldKind::Phone, json!(" +86 (010) 1234-5678 ")), json!("+86 (010) 1234-5678"));
    accepts(FieldKind::Phone, json!("110"));
    for bad in ["12", "1-2", "phone 123", "123#456", "１２３", &"1".repeat(33)] {
        rejects(FieldKind::Phone, json!(bad));
    }

    assert_eq!(accepts(FieldKind::Url, json!("https://例子.中国/工单?id=1")), json!("https://例子.中国/工单?id=1"));
    accepts(FieldKind::Url, json!("http://example.com"));
    for bad in ["ftp://example.com", "javascript:alert(1)", "example.com", "https://"] {
        rejects(FieldKind::Url, json!(bad));
    }
}

fn service_defs() -> Vec<FieldDefinition> {
    vec![
        FieldDefinition { required: true, ..def("serial_no", FieldKind::Text) },
        FieldDefinition { required: true, ..select("unit", FieldKind::Select, &["空调", "电梯"]) },
        FieldDefinition {
            label: "内部成本中心".into(),
            required: true,
            customer_visible: false,
            ..def("cost_center", FieldKind::Text)
        },
        FieldDefinition { customer_visible: false, ..def("technician", FieldKind::User) },
        def("notes", FieldKind::LongText),
        select("parts", FieldKind::MultiSelect, &["滤网", "压缩机"]),
    ]
}

#[test]
fn staff_create_requires_every_required_field() {
    let err = validate_values(
        &service_defs(),
        &Map::new(),
        &obj(json!({"serial_no": "  "})),
        WriteMode::Create,
        Writer::Staff,
    )
    .unwrap_err();
    let keys: Vec<&str> = err.0.keys().map(String::as_str).collect();
    assert_eq!(keys, ["custom_fields.cost_center", "custom_fields.serial_no", "custom_fields.unit"]);
    assert!(err.0.values().all(|m| m == &["is required"]));
}

#[test]
fn customer_create_only_requires_visible_fields() {
    let merged = validate_values(
        &service_defs(),
        &Map::new(),
        &obj(json!({"serial_no": "SN-1", "unit": "空调"})),
        WriteMode::Create,
        Writer::Customer,
    )
    .unwrap();
    assert_eq!(Value::Object(merged), json!({"serial_no": "SN-1", "unit": "空调"}));
}

#[test]
fn invalid_value_is_not_also_reported_as_missing() {
    let err = validate_values(
        &service_defs(),
        &Map::new(),
        &obj(json!({"serial_no": "SN-1", "unit": "锅炉", "cost_center": "CC"})),
        WriteMode::Create,
        Writer::Staff,
    )
    .unwrap_err();
    assert_eq!(err.get("custom_fields.unit"), ["must be one of: 空调, 电梯"]);
    assert_eq!(err.0.len(), 1);
}

#[test]
fn customer_cannot_write_internal_field_nor_learn_its_label() {
    let defs = service_defs();
    let err = validate_values(
        &defs,
        &Map::new(),
        &obj(json!({"serial_no": "SN-1", "unit": "空调", "cost_center": "CC-9"})),
        WriteMode::Create,
        Writer::Customer,
    )
    .unwrap_err();
    assert_eq!(err.get("custom_fields.cost_center"), ["unknown field"]);
    let unknown =
        validate_values(&defs, &Map::new(), &obj(json!({"nope": 1})), WriteMode::Update, Writer::Customer).unwrap_err();
    assert_eq!(
        unknown.get("custom_fields.nope"),
        err.get("custom_fields.cost_center"),
        "indistinguishable from a missing field"
    );
    let rendered = serde_json::to_string(&err).unwrap() + &err.to_string();
    assert!(!rendered.contains("内部成本中心"));

    // Clearing it is also writing it.
    let existing = obj(json!({"cost_center": "CC-1"}));
    let err =
        validate_values(&defs, &existing, &obj(json!({"cost_center": null})), WriteMode::Update, Writer::Customer)
            .unwrap_err();
    assert_eq!(err.get("custom_fields.cost_center"), ["unknown field"]);
}

#[test]
fn update_merges_over_existing_and_null_removes() {
    let defs = service_defs();
    let existing = obj(
        json!({"serial_no": "SN-1", "unit": "空调", "cost_center": "CC", "notes": "old", "technician": 5, "retired": "kept"}),
    );
    let merged = validate_values(
        &defs,
        &existing,
        &obj(json!({"notes": null, "unit": "电梯", "parts": [], "technician": 9})),
        WriteMode::Update,
        Writer::Staff,
    )
    .unwrap();
    assert_eq!(
        Value::Object(merged),
        json!({"serial_no": "SN-1", "unit": "电梯", "cost_center": "CC", "technician": 9, "retired": "kept"})
    );
}

#[test]
fn update_may_not_clear_required_fields() {
    let defs = service_defs();
    let existing = obj(json!({"serial_no": "SN-1", "unit": "空调", "cost_center": "CC"}));
    for cleared in [json!(null), json!(""), json!("   ")] {
        let err =
            validate_values(&defs, &existing, &obj(json!({"serial_no": cleared})), WriteMode::Update, Writer::Staff)
                .unwrap_err();
        assert_eq!(err.get("custom_fields.serial_no"), ["is required"]);
    }
    // Required fields missing before the update (e.g. added to the type later) are not forced on every edit.
    let merged =
        validate_values(&defs, &Map::new(), &obj(json!({"notes": "x"})), WriteMode::Update, Writer::Staff).unwrap();
    assert_eq!(Value::Object(merged), json!({"notes": "x"}));
}

#[test]
fn required_multi_select_rejects_empty_list_but_checkbox_false_counts() {
    let defs = vec![
        FieldDefinition { required: true, ..select("parts", FieldKind::MultiSelect, &["a", "b"]) },
        FieldDefinition { required: true, ..def("agreed", FieldKind::Checkbox) },
    ];
    let err = validate_values(
        &defs,
        &Map::new(),
        &obj(json!({"parts": [], "agreed": false})),
        WriteMode::Create,
        Writer::Staff,
    )
    .unwrap_err();
    assert_eq!(err.get("custom_fields.parts"), ["is required"]);
    assert!(!err.has("custom_fields.agreed"));
}

fn definition_errors(defs: &[FieldDefinition]) -> FieldErrors {
    validate_definitions(defs).unwrap_err()
}

#[test]
fn valid_definitions_pass() {
    assert_eq!(validate_definitions(&service_defs()), Ok(()));
    assert_eq!(validate_definitions(&[]), Ok(()));
}

#[test]
fn definition_errors_use_exact_keys() {
    let defs = vec![
        def("ok_key", FieldKind::Text),
        def("Bad-Key", FieldKind::Text),
        def("ok_key", FieldKind::Number),
        FieldDefinition { label: "   ".into(), ..def("blank_label", FieldKind::Text) },
        FieldDefinition { label: "长".repeat(101), ..def("long_label", FieldKind::Text) },
        def("no_options", FieldKind::Select),
        select("dup_options", FieldKind::MultiSelect, &["空调", "空调"]),
        select("stray_options", FieldKind::Text, &["a"]),
        select("empty_option", FieldKind::Select, &[""]),
        def(&format!("a{}", "b".repeat(63)), FieldKind::Text),
    ];
    let err = definition_errors(&defs);
    let keys: Vec<&str> = err.0.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "fields[1].key",
            "fields[2].key",
            "fields[3].label",
            "fields[4].label",
            "fields[5].options",
            "fields[6].options",
            "fields[7].options",
            "fields[8].options",
            "fields[9].key",
        ]
    );
    assert_eq!(err.get("fields[2].key"), ["duplicates the key of fields[0]"]);
    assert_eq!(err.get("fields[3].label"), ["is required"]);

    let sixty_three = format!("a{}", "b".repeat(62));
    assert_eq!(validate_definitions(&[def(&sixty_three, FieldKind::Text)]), Ok(()));
}

#[test]
fn definition_count_and_option_limits() {
    let many: Vec<_> = (0..101).map(|i| def(&format!("f{i}"), FieldKind::Text)).collect();
    assert_eq!(definition_errors(&many).0.keys().collect::<Vec<_>>(), ["fields"]);
    assert_eq!(validate_definitions(&many[..100]), Ok(()));

    let options: Vec<String> = (0..201).map(|i| format!("选项{i}")).collect();
    let too_many = FieldDefinition { options: options.clone(), ..def("s", FieldKind::Select) };
    assert!(definition_errors(&[too_many]).has("fields[0].options"));
    let just_enough = FieldDefinition { options: options[..200].to_vec(), ..def("s", FieldKind::Select) };
    assert_eq!(validate_definitions(&[just_enough]), Ok(()));

    let long_option = select("s", FieldKind::Select, &[&"长".repeat(101)]);
    assert!(definition_errors(&[long_option]).has("fields[0].options"));
}

#[test]
fn customer_view_hides_internal_values() {
    let values = obj(json!({"serial_no": "SN-1", "cost_center": "CC", "technician": 5, "retired": "x"}));
    assert_eq!(Value::Object(customer_view(&service_defs(), &values)), json!({"serial_no": "SN-1"}));
}

#[test]
fn referenced_user_ids_lists_user_fields() {
    let mut defs = service_defs();
    defs.push(def("reviewer", FieldKind::User));
    let values = obj(json!({"technician": 5, "reviewer": 8, "serial_no": "12"}));
    assert_eq!(referenced_user_ids(&defs, &values), [("technician".to_string(), 5), ("reviewer".to_string(), 8)]);
    assert_eq!(referenced_user_ids(&defs, &Map::new()), []);
}

#[test]
fn index_entries_cover_each_kind_but_long_text() {
    let defs = vec![
        def("serial_no", FieldKind::Text),
        def("notes", FieldKind::LongText),
        select("parts", FieldKind::MultiSelect, &["滤网", "风扇"]),
        def("hours", FieldKind::Number),
        def("agreed", FieldKind::Checkbox),
        def("technician", FieldKind::User),
        def("absent", FieldKind::Text),
    ];
    let values = obj(json!({
        "serial_no": "SN-1", "notes": "long", "parts": ["滤网", "风扇"], "hours": 1.5, "agreed": false, "technician": 12
    }));
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        index_entries(&defs, &values),
        [
            pair("serial_no", "SN-1"),
            pair("parts", "滤网"),
            pair("parts", "风扇"),
            pair("hours", "1.5"),
            pair("agreed", "false"),
            pair("technician", "12"),
        ]
    );
}

const UNIT_OPTIONS: [&str; 4] = ["空调", "电梯", "Low", "high priority"];

/// Arbitrary text plus near misses of the options (padded, case-changed, extended), which random text almost never hits.
fn select_candidate() -> impl Strategy<Value = String> {
    let option = proptest::sample::select(UNIT_OPTIONS.to_vec());
    prop_oneof![
        "\\PC{0,12}",
        (option.clone(), "[ \t]{0,2}", "[ \t]{0,2}").prop_map(|(o, before, after)| format!("{before}{o}{after}")),
        option.clone().prop_map(|o| o.to_uppercase()),
        (option, "\\PC{1,3}").prop_map(|(o, extra)| format!("{o}{extra}")),
    ]
}

proptest! {
    #[test]
    fn select_rejects_any_string_not_in_options(candidate in select_candidate()) {
        let options = UNIT_OPTIONS;
        prop_assume!(!options.contains(&candidate.as_str()));
        let result = write_one(select("unit", FieldKind::Select, &options), json!(candidate.clone()));
        // Blank strings mean "cleared"; anything else outside the options is an error.
        if candidate.trim().is_empty() {
            prop_assert_eq!(result, Ok(Value::Null));
        } else {
            prop_assert!(result.is_err(), "accepted {:?}", candidate);
        }
    }

    #[test]
    fn validate_values_never_panics_on_arbitrary_text(kind_index in 0usize..12, text in ".{0,40}") {
        let kind = FieldKind::ALL[kind_index];
        let _ = write_one(select("f", kind, &[]), json!(text));
    }
}
