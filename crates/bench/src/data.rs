//! Realistic, reproducible ticket content: varied status, priority, group,
//! assignee, tags, custom fields and creation times.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

pub const FAULT_TYPES: [&str; 5] = ["空调", "电梯", "照明", "网络", "门禁"];
const TAGS: [&str; 12] = [
    "vip",
    "repeat",
    "onsite",
    "remote",
    "warranty",
    "parts",
    "night",
    "weekend",
    "escalated",
    "floor-3",
    "floor-7",
    "lobby",
];
const SUBJECTS: [&str; 8] = [
    "空调不制冷",
    "电梯异响",
    "会议室灯不亮",
    "Wi-Fi keeps dropping",
    "门禁卡无法刷开",
    "Printer jam on floor 3",
    "漏水",
    "VPN login fails",
];
const CHANNELS: [&str; 5] = ["web", "email", "phone", "api", "portal"];

/// The ticket type's two custom fields (both required, both indexed for filters).
pub fn field_definitions() -> Value {
    json!([
        {"key": "asset_no", "label": "设备编号", "kind": "text", "required": true, "customer_visible": true},
        {"key": "fault_type", "label": "故障类型", "kind": "select", "options": FAULT_TYPES, "required": true, "customer_visible": true}
    ])
}

/// Weighted pick: `weights` pairs of (value, weight).
fn weighted<T: Copy>(rng: &mut StdRng, weights: &[(T, u32)]) -> T {
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in weights {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    weights[weights.len() - 1].0
}

/// Status mix of a working help desk: most tickets are done, a third are open.
pub fn status(rng: &mut StdRng) -> &'static str {
    weighted(
        rng,
        &[("new", 15), ("assigned", 10), ("in_progress", 15), ("pending", 10), ("resolved", 20), ("closed", 30)],
    )
}

pub fn priority_rank(rng: &mut StdRng) -> i32 {
    weighted(rng, &[(1, 20), (2, 50), (3, 20), (4, 10)])
}

pub fn priority_name(rank: i32) -> &'static str {
    match rank {
        1 => "low",
        3 => "high",
        4 => "urgent",
        _ => "normal",
    }
}

pub fn channel(rng: &mut StdRng) -> &'static str {
    CHANNELS[rng.random_range(0..CHANNELS.len())]
}

pub fn tags(rng: &mut StdRng) -> Vec<String> {
    let count = weighted(rng, &[(0usize, 30), (1, 40), (2, 20), (3, 10)]);
    let mut tags: Vec<String> = (0..count).map(|_| TAGS[rng.random_range(0..TAGS.len())].to_string()).collect();
    tags.sort();
    tags.dedup();
    tags
}

pub fn subject(rng: &mut StdRng, n: u64) -> String {
    format!("{} #{n}", SUBJECTS[rng.random_range(0..SUBJECTS.len())])
}

pub fn description(rng: &mut StdRng) -> String {
    let words = rng.random_range(10..60);
    let mut text = String::from("现场反馈：");
    for i in 0..words {
        text.push_str(["设备", "故障", "please check", "已重启", "无效", "floor", "ASAP", "谢谢"][i % 8]);
        text.push(' ');
    }
    text
}

/// Custom field values (a JSON object) for the type's two fields.
pub fn custom_fields(rng: &mut StdRng) -> serde_json::Map<String, Value> {
    let floor = rng.random_range(1..=30);
    let mut map = serde_json::Map::new();
    map.insert("asset_no".into(), json!(format!("AC-{floor}-{:04}", rng.random_range(0..5000))));
    map.insert("fault_type".into(), json!(FAULT_TYPES[rng.random_range(0..FAULT_TYPES.len())]));
    map
}
