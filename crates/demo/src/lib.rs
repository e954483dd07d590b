//! The demo data set (`loopdesk seed-demo`): departments, staff, customer organisations,
//! four ticket types with custom fields and a few hundred tickets in every status, in
//! Chinese and English.
//!
//! Everything goes through the use cases (create_user, create_ticket, assign_ticket,
//! transition_ticket …) so every ticket carries the history a real one would. The content
//! comes from a fixed-seed xorshift generator and is the same on every run; the timestamps
//! are spread over the 60 days before "now" by running the use cases on a simulated clock.

use loopdesk_app::domain::ids::{GroupId, OrganizationId, TicketId, UserId};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, Utc};
use loopdesk_domain::fields::{FieldDefinition, FieldKind};
use loopdesk_domain::policy::{Actor, Permission, TicketVisibility, UserKind};
use loopdesk_domain::ticket::{Channel, Priority, TicketStatus};
use loopdesk_persistence::queries::directory as directory_q;
use loopdesk_persistence::queries::tickets::{self as tickets_q, TicketFilter};
use serde_json::{Map, Value, json};

use loopdesk_app::auth::{LoginInput, NewApiKeyInput};
use loopdesk_app::directory::{NewGroupInput, NewOrganizationInput, NewUserInput, PageQuery};
use loopdesk_app::ticket_types::NewTicketTypeInput;
use loopdesk_app::tickets::{
    AssignInput, NewCommentInput, NewTicketInput, TicketPatch, TransferInput, TransitionInput,
};
use loopdesk_app::{App, AppError, AppResult};

pub const DEMO_ADMIN_EMAIL: &str = "admin@loopdesk.local";
pub const DEMO_CUSTOMER_EMAIL: &str = "customer@loopdesk.local";
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "loopdesk-demo";
pub const DEFAULT_DEMO_TICKETS: usize = 300;

/// How far back the demo tickets reach.
const HISTORY_DAYS: i64 = 60;
const SEED: u64 = 0x4c6f_6f70_6465_736b; // "Loopdesk"

// ---------------------------------------------------------------------------
// the directory

struct GroupSpec {
    name: &'static str,
    description: &'static str,
    parent: Option<&'static str>,
}

const CUSTOMER_SERVICE: &str = "客服中心";
const AFTER_SALES_1: &str = "售后一组";
const AFTER_SALES_2: &str = "售后二组";
const ENGINEERING: &str = "技术部";
const FIELD_SERVICE: &str = "现场服务组";
const IT_OPS: &str = "IT 运维组";
const PRODUCT: &str = "产品部";
const HR_ADMIN: &str = "人事行政部";

const GROUPS: [GroupSpec; 8] = [
    GroupSpec {
        name: CUSTOMER_SERVICE, description: "Customer Service：热线、投诉与售后服务", parent: None
    },
    GroupSpec {
        name: AFTER_SALES_1, description: "After-sales team 1：华东区客户", parent: Some(CUSTOMER_SERVICE)
    },
    GroupSpec {
        name: AFTER_SALES_2,
        description: "After-sales team 2：华南区与海外客户",
        parent: Some(CUSTOMER_SERVICE),
    },
    GroupSpec { name: ENGINEERING, description: "Engineering：设备、系统与技术支持", parent: None },
    GroupSpec {
        name: FIELD_SERVICE,
        description: "Field Service：设备维修、上门服务与巡检",
        parent: Some(ENGINEERING),
    },
    GroupSpec {
        name: IT_OPS, description: "IT Ops：办公系统、网络、邮箱与打印机", parent: Some(ENGINEERING)
    },
    GroupSpec { name: PRODUCT, description: "Product：产品设计与质量问题分析", parent: None },
    GroupSpec { name: HR_ADMIN, description: "HR & Admin：请假、考勤与行政事务", parent: None },
];

struct StaffSpec {
    email: &'static str,
    name: &'static str,
    supervisor: bool,
    english: bool,
    groups: &'static [&'static str],
}

const fn staff(
    email: &'static str,
    name: &'static str,
    supervisor: bool,
    english: bool,
    groups: &'static [&'static str],
) -> StaffSpec {
    StaffSpec { email, name, supervisor, english, groups }
}

const STAFF: [StaffSpec; 14] = [
    staff("supervisor@loopdesk.local", "王主管", true, false, &[CUSTOMER_SERVICE, AFTER_SALES_1, AFTER_SALES_2]),
    staff("zhao.jingli@loopdesk.local", "赵经理", true, false, &[ENGINEERING, FIELD_SERVICE, IT_OPS]),
    staff("sun.jingli@loopdesk.local", "孙经理", true, false, &[PRODUCT]),
    staff("zhou.zhuren@loopdesk.local", "周主任", true, false, &[HR_ADMIN]),
    staff("zhang.xiaoyan@loopdesk.local", "张晓燕", false, false, &[AFTER_SALES_1]),
    staff("chen.jing@loopdesk.local", "陈静", false, false, &[AFTER_SALES_1]),
    staff("liu.yang@loopdesk.local", "刘洋", false, false, &[AFTER_SALES_2]),
    staff("emily.carter@loopdesk.local", "Emily Carter", false, true, &[AFTER_SALES_2]),
    staff("li.gong@loopdesk.local", "李工", false, false, &[FIELD_SERVICE]),
    staff("yang.shifu@loopdesk.local", "杨师傅", false, false, &[FIELD_SERVICE]),
    staff("huang.lei@loopdesk.local", "黄磊", false, false, &[IT_OPS]),
    staff("daniel.wong@loopdesk.local", "Daniel Wong", false, true, &[IT_OPS]),
    staff("wu.min@loopdesk.local", "吴敏", false, false, &[PRODUCT]),
    staff("zheng.li@loopdesk.local", "郑丽", false, false, &[HR_ADMIN]),
];

struct OrganizationSpec {
    name: &'static str,
    shared_ticket_view: bool,
    english: bool,
    /// (e-mail, name)
    members: &'static [(&'static str, &'static str)],
}

const ORGANIZATIONS: [OrganizationSpec; 3] = [
    OrganizationSpec {
        name: "华东电力有限公司",
        shared_ticket_view: true,
        english: false,
        members: &[
            (DEMO_CUSTOMER_EMAIL, "陈建国"),
            ("lin.hai@hdpower.example.com", "林海"),
            ("xu.ting@hdpower.example.com", "徐婷"),
        ],
    },
    OrganizationSpec {
        name: "星河商场",
        shared_ticket_view: false,
        english: false,
        members: &[
            ("ma.li@xinghe-mall.example.com", "马丽"),
            ("he.wei@xinghe-mall.example.com", "何伟"),
            ("gao.feng@xinghe-mall.example.com", "高峰"),
        ],
    },
    OrganizationSpec {
        name: "Acme Trading Ltd",
        shared_ticket_view: false,
        english: true,
        members: &[
            ("john.smith@acme-trading.example.com", "John Smith"),
            ("sarah.lee@acme-trading.example.com", "Sarah Lee"),
        ],
    },
];

// ---------------------------------------------------------------------------
// ticket types

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Complaint,
    Repair,
    It,
    Leave,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Complaint, Kind::Repair, Kind::It, Kind::Leave];

    fn default_group(self) -> &'static str {
        match self {
            Kind::Complaint => AFTER_SALES_1,
            Kind::Repair => FIELD_SERVICE,
            Kind::It => IT_OPS,
            Kind::Leave => HR_ADMIN,
        }
    }

    /// Where a ticket of this kind may be handed on, and why.
    fn transfers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Complaint => &[
                (AFTER_SALES_2, "售后一组 → 售后二组: 客户位于华南区，转售后二组跟进"),
                (PRODUCT, "客服中心 → 产品部: 疑似批次质量问题，需产品确认"),
            ],
            Kind::Repair => &[
                (PRODUCT, "技术部 → 产品部: 需确认产品设计问题"),
                (IT_OPS, "现场服务组 → IT 运维组: 门禁控制器网络故障，需 IT 排查"),
            ],
            Kind::It => &[(FIELD_SERVICE, "IT 运维组 → 现场服务组: 需现场更换硬件")],
            Kind::Leave => &[],
        }
    }
}

fn field(
    key: &str,
    label: &str,
    kind: FieldKind,
    required: bool,
    customer_visible: bool,
    options: &[&str],
) -> FieldDefinition {
    FieldDefinition {
        key: key.into(),
        label: label.into(),
        kind,
        required,
        options: options.iter().map(|o| o.to_string()).collect(),
        customer_visible,
    }
}

const COMPLAINT_CATEGORIES: [&str; 4] = ["产品质量", "服务态度", "物流配送", "价格争议"];
const FAULT_TYPES: [&str; 5] = ["空调", "电梯", "照明", "给排水", "高压电"];
const SYSTEMS: [&str; 5] = ["OA", "ERP", "邮箱", "VPN", "打印机"];
const LEAVE_TYPES: [&str; 4] = ["年假", "病假", "事假", "调休"];

fn type_input(kind: Kind, default_group_id: i64) -> NewTicketTypeInput {
    use FieldKind::*;
    let (name, description, priority, fields) = match kind {
        Kind::Complaint => (
            "客户投诉",
            "Customer complaint：产品质量、服务态度、物流配送与价格争议",
            Priority::Normal,
            vec![
                field("complaint_category", "投诉类别", Select, true, true, &COMPLAINT_CATEGORIES),
                field("order_no", "订单号", Text, false, true, &[]),
                field("compensation_requested", "要求赔偿", Checkbox, false, true, &[]),
                field("root_cause", "根本原因", LongText, false, false, &[]),
            ],
        ),
        Kind::Repair => (
            "设备报修",
            "Equipment repair：空调、电梯、照明、给排水与高压电设备故障",
            Priority::High,
            vec![
                field("asset_no", "资产编号", Text, true, true, &[]),
                field("location", "位置", Text, true, true, &[]),
                field("fault_type", "故障类型", Select, true, true, &FAULT_TYPES),
                field("occurred_at", "发生时间", Datetime, false, true, &[]),
                field("parts_cost", "配件费用（元）", Number, false, false, &[]),
                field("engineer", "维修工程师", User, false, false, &[]),
            ],
        ),
        Kind::It => (
            "IT 故障",
            "IT incident：OA、ERP、邮箱、VPN 与打印机",
            Priority::Normal,
            vec![
                field("system", "系统", Select, true, true, &SYSTEMS),
                field("affected_users", "影响人数", Number, false, true, &[]),
                field("contact_phone", "联系电话", Phone, false, true, &[]),
                field("screenshot_url", "截图链接", Url, false, true, &[]),
            ],
        ),
        Kind::Leave => (
            "请假审批",
            "Leave request：年假、病假、事假与调休",
            Priority::Low,
            vec![
                field("leave_type", "假期类型", Select, true, true, &LEAVE_TYPES),
                field("start_date", "开始日期", Date, true, false, &[]),
                field("end_date", "结束日期", Date, true, false, &[]),
                field("days", "天数", Number, true, false, &[]),
                field("approver", "审批人", User, false, false, &[]),
            ],
        ),
    };
    NewTicketTypeInput {
        name: name.into(),
        description: Some(description.into()),
        default_priority: Some(priority),
        default_group_id: Some(default_group_id),
        fields,
        required_skills: vec![],
    }
}

/// Supervisors of the groups: who hears about escalations.
const SUPERVISORS: [(&str, &[&str]); 4] = [
    ("王主管", &[CUSTOMER_SERVICE, AFTER_SALES_1, AFTER_SALES_2]),
    ("赵经理", &[ENGINEERING, FIELD_SERVICE, IT_OPS]),
    ("孙经理", &[PRODUCT]),
    ("周主任", &[HR_ADMIN]),
];

/// A field engineer's name, skills with levels, and last position.
type FieldEngineer = (&'static str, &'static [(&'static str, u8)], f64, f64);

/// Skills and positions of the field engineers (Shanghai), for the skills and nearest strategies.
const FIELD_ENGINEERS: [FieldEngineer; 2] = [
    ("李工", &[("空调", 3), ("电梯", 2)], 31.2304, 121.4737),
    ("杨师傅", &[("给排水", 3), ("照明", 2), ("高压电", 2)], 31.1850, 121.6050),
];

impl Seeder {
    /// Group supervisors, organisation tiers, agents online with capacities and skills, and four routing rules:
    /// VIP complaints to the least loaded agent, urgent repairs into the claim pool, air-conditioning repairs by
    /// skill, IT incidents in turn. Returns how many rules it created.
    fn seed_dispatch(&mut self) -> AppResult<usize> {
        use loopdesk_app::agents::AgentPatch;
        use loopdesk_app::directory::{GroupPatch, OrganizationPatch};
        use loopdesk_app::routing::RoutingRuleInput;
        use loopdesk_domain::dispatch::{AgentSkill, Availability};

        let app = self.app.clone();
        let admin = self.admin.clone();
        let staff_id = |name: &str| self.staff.iter().find(|p| p.name == name).map(|p| p.id);
        for (supervisor, groups) in SUPERVISORS {
            for group in groups {
                let patch = GroupPatch { supervisor_id: Some(staff_id(supervisor)), ..GroupPatch::default() };
                app.update_group(&admin, GroupId(self.groups[group]), &patch)?;
            }
        }
        let tiers = [Some("vip"), None, Some("gold")];
        for (organization_id, tier) in self.organization_ids.iter().zip(tiers) {
            let patch = OrganizationPatch { tier: Some(tier.map(str::to_string)), ..OrganizationPatch::default() };
            app.update_organization(&admin, OrganizationId(*organization_id), &patch)?;
        }
        for (spec, person) in STAFF.iter().zip(&self.staff) {
            let skills = FIELD_ENGINEERS
                .iter()
                .find(|(name, ..)| *name == person.name)
                .map(|(_, skills, ..)| skills.iter().map(|(s, level)| AgentSkill::new(*s, Some(*level))).collect());
            let patch = AgentPatch {
                availability: Some(if spec.supervisor { Availability::Away } else { Availability::Online }),
                capacity: Some(Some(if spec.supervisor { 5 } else { 12 })),
                skills,
            };
            app.update_agent(&admin, UserId(person.id), &patch)?;
        }
        for (name, _, lat, lon) in FIELD_ENGINEERS {
            if let Some(person) = self.staff.iter().find(|p| p.name == name) {
                app.set_my_location(&person.actor, &loopdesk_app::agents::LocationInput { lat, lon })?;
            }
        }

        let (complaint, repair, it) = (self.types[&Kind::Complaint], self.types[&Kind::Repair], self.types[&Kind::It]);
        let (after_sales, field, it_ops) =
            (self.groups[AFTER_SALES_1], self.groups[FIELD_SERVICE], self.groups[IT_OPS]);
        let rules = [
            json!({"name": "VIP 客户投诉", "conditions": [
                {"kind": "ticket_type", "type_ids": [complaint]},
                {"kind": "organization_tier", "tiers": ["vip"]}
            ], "actions": [
                {"kind": "set_group", "group_id": after_sales},
                {"kind": "set_priority", "priority": "high"},
                {"kind": "add_tags", "tags": ["VIP"]},
                {"kind": "assign", "strategy": {"kind": "least_loaded"}, "accept_within_minutes": 30}
            ]}),
            json!({"name": "特急报修进抢单池", "conditions": [
                {"kind": "ticket_type", "type_ids": [repair]},
                {"kind": "priority", "priorities": ["urgent"]}
            ], "actions": [
                {"kind": "set_group", "group_id": field},
                {"kind": "assign", "strategy": {"kind": "pool"}}
            ]}),
            json!({"name": "空调报修按技能派单", "conditions": [
                {"kind": "ticket_type", "type_ids": [repair]},
                {"kind": "custom_field", "field": "fault_type", "operator": "equals", "value": "空调"}
            ], "actions": [
                {"kind": "set_group", "group_id": field},
                {"kind": "require_skills", "skills": [{"name": "空调", "min_level": 2}]},
                {"kind": "assign", "strategy": {"kind": "skills", "then": "least_loaded"}, "accept_within_minutes": 30}
            ]}),
            json!({"name": "IT 故障轮流派单", "conditions": [
                {"kind": "ticket_type", "type_ids": [it]}
            ], "actions": [
                {"kind": "set_group", "group_id": it_ops},
                {"kind": "assign", "strategy": {"kind": "round_robin"}, "accept_within_minutes": 15}
            ]}),
        ];
        for rule in &rules {
            let input: RoutingRuleInput = serde_json::from_value(rule.clone())
                .map_err(|e| AppError::Internal(format!("demo routing rule: {e}")))?;
            app.create_routing_rule(&admin, &input)?;
        }
        Ok(rules.len())
    }
}

// ---------------------------------------------------------------------------
// a deterministic generator

/// xorshift64*: small, fast and the same everywhere, which is all demo data needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// 0..n (n > 0)
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// lo..=hi
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo).max(0) as u64 + 1)) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// Draws from a deck holding each item `weight` times, reshuffled when empty, so that
    /// every item shows up once per deck (all statuses even in a small data set).
    fn deal<T: Copy>(&mut self, deck: &mut Vec<T>, weights: &[(T, usize)]) -> T {
        if deck.is_empty() {
            for (item, weight) in weights {
                deck.extend(std::iter::repeat_n(*item, *weight));
            }
            self.shuffle(deck);
        }
        deck.pop().expect("the deck was just filled")
    }
}

fn text(english: bool, zh: &str, en: &str) -> String {
    if english { en.to_string() } else { zh.to_string() }
}

fn beijing(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset"))
}

// ---------------------------------------------------------------------------
// the people the seeder acts as

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    /// the CRM integration's API key
    Api,
    Staff(usize),
    Customer(usize),
}

struct Person {
    id: i64,
    name: &'static str,
    english: bool,
    actor: Actor,
}

struct Customer {
    person: Person,
    organization: usize,
}

/// What one ticket is about, with the lines the people on it will write.
struct Draft {
    subject: String,
    description: String,
    /// values given when the ticket is opened (customer-visible ones, plus staff fields when staff opens it)
    fields: Map<String, Value>,
    /// internal values staff records when resolving
    resolve_fields: Map<String, Value>,
    tags: Vec<String>,
    priority: Priority,
    english: bool,
    first_reply: String,
    question: String,
    answer: String,
    internal_note: String,
    fix: String,
    resolve_note: String,
}

#[derive(Debug, Clone, Copy)]
struct Plan {
    kind: Kind,
    target: TicketStatus,
}

struct Seeder {
    /// the application on the simulated clock
    app: App,
    clock: Arc<AtomicI64>,
    /// the simulated clock never passes this
    limit: DateTime<Utc>,
    rng: Rng,
    admin: Actor,
    api: Actor,
    groups: HashMap<&'static str, i64>,
    staff: Vec<Person>,
    customers: Vec<Customer>,
    organization_ids: Vec<i64>,
    types: HashMap<Kind, i64>,
    ticket_count: usize,
}

/// Loads the demo data set into an app's database.
pub trait SeedDemo {
    /// Loads the demo data; returns a summary for the console.
    ///
    /// Does nothing when `admin@loopdesk.local` exists and there are tickets already.
    /// Groups, organisations, users and types that exist (by name or e-mail) are reused,
    /// so a run that stopped half-way can be repeated.
    fn seed_demo(&self, tickets: usize) -> AppResult<String>;
}

impl SeedDemo for App {
    fn seed_demo(&self, tickets: usize) -> AppResult<String> {
        {
            let mut conn = connection(self)?;
            if directory_q::find_user_by_email(&mut conn, DEMO_ADMIN_EMAIL)?.is_some() {
                let existing = tickets_q::count_matching(&mut conn, &TicketFilter::visible_to(TicketVisibility::All))?;
                if existing > 0 {
                    return Ok(format!(
                        "demo data is already present ({existing} tickets); nothing was added — sign in as {DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD}"
                    ));
                }
            }
        }

        // The directory is dated a day before the first ticket; tickets spread over the days after.
        let real_now = self.now();
        let start = real_now - Duration::days(HISTORY_DAYS);
        let clock = Arc::new(AtomicI64::new((start - Duration::days(1)).timestamp_micros()));
        let reading = Arc::clone(&clock);
        let app = self.clone().with_clock(Arc::new(move || {
            DateTime::from_timestamp_micros(reading.load(Ordering::Relaxed)).unwrap_or_else(Utc::now)
        }));

        if self.find_user_id(DEMO_ADMIN_EMAIL)?.is_none() {
            app.create_admin(DEMO_ADMIN_EMAIL, "系统管理员", DEMO_PASSWORD)?;
        } else {
            self.ensure_builtin_roles()?;
        }
        // Sign-ins use the real clock: the tokens are checked against it.
        let admin = self.sign_in(DEMO_ADMIN_EMAIL)?;

        let mut groups = HashMap::new();
        for spec in &GROUPS {
            let parent_id = spec.parent.and_then(|p| groups.get(p).copied());
            let id = app.ensure_group(&admin, spec.name, spec.description, parent_id)?;
            groups.insert(spec.name, id);
        }

        let mut staff = Vec::with_capacity(STAFF.len());
        for spec in &STAFF {
            let input = NewUserInput {
                email: spec.email.into(),
                name: spec.name.into(),
                password: Some(DEMO_PASSWORD.into()),
                kind: UserKind::Staff,
                role: if spec.supervisor { "supervisor" } else { "agent" }.into(),
                group_ids: spec.groups.iter().map(|g| groups[g]).collect(),
                organization_id: None,
            };
            let id = app.ensure_user(&admin, &input)?;
            staff.push(Person { id, name: spec.name, english: spec.english, actor: self.sign_in(spec.email)? });
        }

        let mut organization_ids = Vec::with_capacity(ORGANIZATIONS.len());
        let mut customers = Vec::new();
        for (index, spec) in ORGANIZATIONS.iter().enumerate() {
            let organization_id = app.ensure_organization(&admin, spec.name, spec.shared_ticket_view)?;
            organization_ids.push(organization_id);
            for (email, name) in spec.members {
                let input = NewUserInput {
                    email: email.to_string(),
                    name: name.to_string(),
                    password: Some(DEMO_PASSWORD.into()),
                    kind: UserKind::Customer,
                    role: "customer".into(),
                    group_ids: vec![],
                    organization_id: Some(organization_id),
                };
                let id = app.ensure_user(&admin, &input)?;
                let person = Person { id, name, english: spec.english, actor: self.sign_in(email)? };
                customers.push(Customer { person, organization: index });
            }
        }

        let mut types = HashMap::new();
        for kind in Kind::ALL {
            let input = type_input(kind, groups[kind.default_group()]);
            types.insert(kind, app.ensure_ticket_type(&admin, &input)?);
        }

        // Tickets from the CRM come in through an API key, as they would in production.
        let api = if tickets > 0 {
            let key = app.create_api_key(
                &admin,
                &NewApiKeyInput {
                    name: "CRM 同步（演示）".into(),
                    permissions: vec![
                        Permission::TicketsCreate,
                        Permission::TicketsReadAll,
                        Permission::CommentsPublic,
                    ],
                },
            )?;
            self.authenticate(&key.key)?
        } else {
            admin.clone()
        };

        let mut seeder = Seeder {
            app,
            clock,
            limit: real_now - Duration::minutes(1),
            rng: Rng(SEED),
            admin,
            api,
            groups,
            staff,
            customers,
            organization_ids,
            types,
            ticket_count: 0,
        };
        seeder.seed_tickets(tickets, start, real_now - Duration::minutes(30))?;
        // Dispatch is configured after the history, so that the old tickets keep the hands they were given.
        let rules = seeder.seed_dispatch()?;

        Ok(format!(
            "demo data: {} groups, {} staff, {} customers in {} organisations, {} ticket types, {} tickets, {rules} routing rules — sign in as {DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD}",
            seeder.groups.len(),
            seeder.staff.len(),
            seeder.customers.len(),
            seeder.organization_ids.len(),
            seeder.types.len(),
            seeder.ticket_count,
        ))
    }
}

fn connection(app: &App) -> AppResult<loopdesk_persistence::PooledConn> {
    app.pool.get().map_err(|e| AppError::Unavailable(format!("database unavailable: {e}")))
}

/// What the seeder does through the use cases, by name or e-mail so a repeated run reuses what exists.
trait EnsureExists {
    fn find_user_id(&self, email: &str) -> AppResult<Option<i64>>;
    fn sign_in(&self, email: &str) -> AppResult<Actor>;
    fn ensure_user(&self, admin: &Actor, input: &NewUserInput) -> AppResult<i64>;
    fn ensure_group(&self, admin: &Actor, name: &str, description: &str, parent_id: Option<i64>) -> AppResult<i64>;
    fn ensure_organization(&self, admin: &Actor, name: &str, shared_ticket_view: bool) -> AppResult<i64>;
    fn ensure_ticket_type(&self, admin: &Actor, input: &NewTicketTypeInput) -> AppResult<i64>;
}

impl EnsureExists for App {
    fn find_user_id(&self, email: &str) -> AppResult<Option<i64>> {
        let mut conn = connection(self)?;
        Ok(directory_q::find_user_by_email(&mut conn, &loopdesk_app::auth::normalize_email(email))?.map(|u| u.id))
    }

    fn sign_in(&self, email: &str) -> AppResult<Actor> {
        // Each demo person signs in as a client of their own: loading the demo is not a flood of sign-ins from one
        // address, and the per-address limit would stop it after 20 people.
        let client = format!("demo:{email}");
        let tokens = self.login(&LoginInput { email: email.into(), password: DEMO_PASSWORD.into() }, &client).map_err(|e| match e {
            AppError::Unauthenticated(_) => AppError::conflict(format!(
                "{email} exists but does not accept the demo password; the demo data cannot be loaded into this database"
            )),
            other => other,
        })?;
        self.authenticate(&tokens.access_token)
    }

    fn ensure_user(&self, admin: &Actor, input: &NewUserInput) -> AppResult<i64> {
        match self.find_user_id(&input.email)? {
            Some(id) => Ok(id),
            None => Ok(self.create_user(admin, input)?.id),
        }
    }

    fn ensure_group(&self, admin: &Actor, name: &str, description: &str, parent_id: Option<i64>) -> AppResult<i64> {
        if let Some(group) = self.list_groups(admin)?.into_iter().find(|g| g.name == name) {
            return Ok(group.id);
        }
        let input =
            NewGroupInput { name: name.into(), description: Some(description.into()), parent_id, supervisor_id: None };
        Ok(self.create_group(admin, &input)?.id)
    }

    fn ensure_organization(&self, admin: &Actor, name: &str, shared_ticket_view: bool) -> AppResult<i64> {
        let mut cursor = None;
        loop {
            let page = self.list_organizations(admin, &PageQuery { limit: Some(200), cursor })?;
            if let Some(found) = page.items.iter().find(|o| o.name == name) {
                return Ok(found.id);
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let input = NewOrganizationInput { name: name.into(), shared_ticket_view, tier: None };
        Ok(self.create_organization(admin, &input)?.id)
    }

    fn ensure_ticket_type(&self, admin: &Actor, input: &NewTicketTypeInput) -> AppResult<i64> {
        if let Some(existing) = self.list_ticket_types(admin, true)?.into_iter().find(|t| t.name == input.name) {
            return Ok(existing.id);
        }
        Ok(self.create_ticket_type(admin, input)?.id)
    }
}

// ---------------------------------------------------------------------------
// tickets

const STATUS_WEIGHTS: [(TicketStatus, usize); 6] = [
    (TicketStatus::New, 3),
    (TicketStatus::Assigned, 2),
    (TicketStatus::InProgress, 4),
    (TicketStatus::Pending, 2),
    (TicketStatus::Resolved, 3),
    (TicketStatus::Closed, 6),
];

const KIND_WEIGHTS: [(Kind, usize); 4] = [(Kind::Complaint, 6), (Kind::Repair, 6), (Kind::It, 5), (Kind::Leave, 3)];

/// How far along a status is; older tickets tend to be further along.
fn maturity(status: TicketStatus) -> u64 {
    match status {
        TicketStatus::New => 0,
        TicketStatus::Assigned => 10,
        TicketStatus::InProgress | TicketStatus::Pending => 30,
        TicketStatus::Resolved => 45,
        TicketStatus::Closed => 60,
    }
}

impl Seeder {
    fn seed_tickets(&mut self, count: usize, start: DateTime<Utc>, end: DateTime<Utc>) -> AppResult<()> {
        let mut status_deck = Vec::new();
        let mut kind_deck = Vec::new();
        let mut plans: Vec<(u64, Plan)> = (0..count)
            .map(|_| {
                let kind = self.rng.deal(&mut kind_deck, &KIND_WEIGHTS);
                let target = self.rng.deal(&mut status_deck, &STATUS_WEIGHTS);
                (maturity(target) + self.rng.next() % 50, Plan { kind, target })
            })
            .collect();
        // Most mature first: they get the oldest creation times.
        plans.sort_by_key(|(key, _)| std::cmp::Reverse(*key));
        let times = self.creation_times(count, start, end);
        for ((_, plan), at) in plans.into_iter().zip(times) {
            self.seed_ticket(plan, at)?;
        }
        Ok(())
    }

    /// `count` times between start and end, in Beijing office hours, ascending.
    fn creation_times(&mut self, count: usize, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let span = (end - start).num_seconds().max(1);
        let mut times: Vec<DateTime<Utc>> = (0..count)
            .map(|_| {
                let t = start + Duration::seconds(self.rng.range(0, span));
                // 09:00–19:00 in Beijing is 01:00–11:00 UTC.
                let day = t.date_naive().and_time(NaiveTime::MIN).and_utc();
                let at = day + Duration::seconds(self.rng.range(3600, 11 * 3600));
                at.clamp(start, end)
            })
            .collect();
        times.sort();
        times
    }

    // ---- the clock

    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.clock.load(Ordering::Relaxed)).unwrap_or(self.limit)
    }

    fn set_time(&self, t: DateTime<Utc>) {
        self.clock.store(t.min(self.limit).timestamp_micros(), Ordering::Relaxed);
    }

    /// Lets between `lo` and `hi` minutes pass.
    fn wait(&mut self, lo: i64, hi: i64) {
        let step = Duration::minutes(self.rng.range(lo, hi)) + Duration::seconds(self.rng.range(0, 59));
        self.set_time(self.now() + step);
    }

    // ---- people

    fn actor(&self, who: Who) -> &Actor {
        match who {
            Who::Admin => &self.admin,
            Who::Api => &self.api,
            Who::Staff(i) => &self.staff[i].actor,
            Who::Customer(i) => &self.customers[i].person.actor,
        }
    }

    fn user_id(&self, who: Who) -> i64 {
        self.actor(who).user_id
    }

    fn english(&self, who: Who) -> bool {
        match who {
            Who::Staff(i) => self.staff[i].english,
            Who::Customer(i) => self.customers[i].person.english,
            Who::Admin | Who::Api => false,
        }
    }

    fn in_group(&self, i: usize, group: &str) -> bool {
        STAFF[i].groups.contains(&group)
    }

    /// Someone in `group` to work the ticket: an agent if there is one, never `not`.
    fn pick_handler(&mut self, group: &str, not: Option<Who>) -> Who {
        let candidates = |supervisors: bool| -> Vec<usize> {
            (0..STAFF.len())
                .filter(|&i| {
                    self.in_group(i, group) && STAFF[i].supervisor == supervisors && not != Some(Who::Staff(i))
                })
                .collect()
        };
        let agents = candidates(false);
        let pool = if agents.is_empty() { candidates(true) } else { agents };
        if pool.is_empty() { Who::Admin } else { Who::Staff(self.rng.pick(&pool)) }
    }

    fn supervisor_of(&self, group: &str) -> Option<Who> {
        (0..STAFF.len()).find(|&i| STAFF[i].supervisor && self.in_group(i, group)).map(Who::Staff)
    }

    /// Staff who are not in `group` (employees reporting a problem to it).
    fn pick_employee(&mut self, not_in: &str) -> Who {
        let pool: Vec<usize> = (0..STAFF.len()).filter(|&i| !self.in_group(i, not_in)).collect();
        Who::Staff(self.rng.pick(&pool))
    }

    fn pick_customer(&mut self, organizations: &[usize]) -> Who {
        let pool: Vec<usize> =
            (0..self.customers.len()).filter(|&i| organizations.contains(&self.customers[i].organization)).collect();
        Who::Customer(self.rng.pick(&pool))
    }

    fn pick_priority(&mut self) -> Priority {
        match self.rng.below(100) {
            0..15 => Priority::Low,
            15..65 => Priority::Normal,
            65..90 => Priority::High,
            _ => Priority::Urgent,
        }
    }

    // ---- one ticket

    fn seed_ticket(&mut self, plan: Plan, at: DateTime<Utc>) -> AppResult<()> {
        self.set_time(at);
        let kind = plan.kind;
        let requester = match kind {
            Kind::Complaint => self.pick_customer(&[0, 1, 2]),
            Kind::Repair if self.rng.chance(80) => self.pick_customer(&[0, 1]),
            Kind::Repair => self.pick_employee(FIELD_SERVICE),
            Kind::It if self.rng.chance(25) => self.pick_customer(&[0, 1, 2]),
            Kind::It => self.pick_employee(IT_OPS),
            Kind::Leave => Who::Staff(self.rng.below(STAFF.len())),
        };
        let draft = self.draft(kind, requester);
        let mut group = kind.default_group();

        // Who opens it, and through which channel.
        let customer_requester = matches!(requester, Who::Customer(_));
        let roll = self.rng.below(100);
        let (creator, channel) = match (kind, customer_requester) {
            (Kind::Leave, _) => (requester, Channel::Web),
            (_, true) if roll < 40 => (requester, Channel::Portal),
            (_, true) if roll < 60 => (self.pick_handler(group, None), Channel::Phone),
            (_, true) if roll < 80 => (self.pick_handler(group, None), Channel::Email),
            (_, true) if roll < 90 => (Who::Api, Channel::Api),
            (_, true) => (self.pick_handler(group, None), Channel::Web),
            (_, false) if roll < 60 => (requester, Channel::Web),
            (_, false) if roll < 80 => (self.pick_handler(group, Some(requester)), Channel::Phone),
            (_, false) => (self.pick_handler(group, Some(requester)), Channel::Email),
        };
        let by_customer = matches!(creator, Who::Customer(_));
        // Staff route English complaints to the team that serves overseas customers.
        if kind == Kind::Complaint && draft.english && !by_customer {
            group = AFTER_SALES_2;
        }
        let external_id = (creator == Who::Api).then(|| format!("CRM-{}", 88_000 + self.ticket_count));
        let input = NewTicketInput {
            type_id: self.types[&kind],
            subject: draft.subject.clone(),
            description: draft.description.clone(),
            priority: (!by_customer).then_some(draft.priority),
            channel: (!by_customer).then_some(channel),
            requester_id: (!by_customer).then(|| self.user_id(requester)),
            organization_id: None,
            group_id: (!by_customer && group != kind.default_group()).then(|| self.groups[group]),
            assignee_id: None,
            tags: if by_customer { vec![] } else { draft.tags.clone() },
            location: None,
            custom_fields: draft.fields.clone(),
            external_source: external_id.as_ref().map(|_| "crm".to_string()),
            external_id,
        };
        let ticket = self.app.create_ticket(self.actor(creator), &input, None)?.ticket;
        self.ticket_count += 1;
        let id = ticket.id;
        let english = draft.english;
        let internal_note = self.rng.chance(35);

        if plan.target == TicketStatus::New {
            if internal_note && let Some(supervisor) = self.supervisor_of(group) {
                let body = text(
                    english,
                    "已电话联系客户确认问题，待分派。",
                    "Called the customer to confirm the details; waiting for dispatch.",
                );
                self.comment(supervisor, id, body, true, 10, 90)?;
            } else if self.rng.chance(30) {
                let body = text(
                    english,
                    "补充一下：问题今天上午又出现了，麻烦尽快处理。",
                    "Update: it happened again this morning, please look into it soon.",
                );
                self.comment(requester, id, body, false, 20, 240)?;
            }
            return Ok(());
        }

        // Dispatch: usually the supervisor, otherwise the agent takes it.
        let mut handler = self.pick_handler(group, Some(requester));
        let dispatcher = match self.supervisor_of(group) {
            Some(supervisor) if supervisor != handler && supervisor != requester && self.rng.chance(70) => supervisor,
            _ => handler,
        };
        self.wait(5, 120);
        let note = (dispatcher != handler).then(|| text(english, "请尽快跟进。", "Please follow up today."));
        self.app.assign_ticket(
            self.actor(dispatcher),
            TicketId(id),
            &AssignInput { assignee_id: Some(Some(self.user_id(handler))), group_id: None, note },
        )?;
        if plan.target == TicketStatus::Assigned {
            if internal_note {
                self.comment(handler, id, draft.internal_note.clone(), true, 10, 120)?;
            }
            return Ok(());
        }

        self.transition(handler, id, TicketStatus::InProgress, None, 5, 90)?;
        // A portal ticket gets its tags and priority from the agent who picks it up.
        if by_customer && (!draft.tags.is_empty() || draft.priority != ticket.priority) {
            let patch = TicketPatch {
                priority: Some(draft.priority),
                tags: Some(draft.tags.clone()),
                ..TicketPatch::default()
            };
            self.app.update_ticket(self.actor(handler), TicketId(id), &patch, None)?;
        }
        self.comment(handler, id, draft.first_reply.clone(), false, 5, 60)?;
        if internal_note {
            let author = match self.supervisor_of(group) {
                Some(supervisor) if self.rng.chance(40) => supervisor,
                _ => handler,
            };
            self.comment(author, id, draft.internal_note.clone(), true, 5, 180)?;
        }

        // A few tickets move on to another team.
        let transfers = kind.transfers();
        if !transfers.is_empty() && self.rng.chance(8) {
            let (to, reason) = self.rng.pick(transfers);
            let next = self.pick_handler(to, Some(requester));
            self.wait(30, 600);
            self.app.transfer_ticket(
                self.actor(handler),
                TicketId(id),
                &TransferInput {
                    assignee_id: Some(self.user_id(next)),
                    group_id: Some(self.groups[to]),
                    reason: reason.into(),
                },
            )?;
            handler = next;
            let body =
                text(english, "已接手，正在与相关同事确认。", "I have taken this over and am checking with the team.");
            self.comment(handler, id, body, false, 30, 240)?;
        }

        let ask = |s: &mut Seeder| -> AppResult<()> {
            s.comment(handler, id, draft.question.clone(), false, 30, 300)?;
            let note = text(english, "等待客户补充信息", "Waiting for the customer");
            s.transition(handler, id, TicketStatus::Pending, Some(note), 1, 10)
        };
        match plan.target {
            TicketStatus::Pending => return ask(self),
            TicketStatus::InProgress => {
                if self.rng.chance(40) {
                    ask(self)?;
                    // The requester's answer puts the ticket back in progress by itself.
                    self.comment(requester, id, draft.answer.clone(), false, 60, 1800)?;
                }
                return Ok(());
            }
            _ => {}
        }
        if self.rng.chance(35) {
            ask(self)?;
            self.comment(requester, id, draft.answer.clone(), false, 60, 1800)?;
        }

        // Resolve, recording what only staff may see.
        self.wait(60, 2880);
        let mut resolve_fields = draft.resolve_fields.clone();
        if kind == Kind::Repair {
            resolve_fields.insert("engineer".into(), json!(self.user_id(handler)));
        }
        if !resolve_fields.is_empty() {
            let patch = TicketPatch { custom_fields: Some(resolve_fields), ..TicketPatch::default() };
            self.app.update_ticket(self.actor(handler), TicketId(id), &patch, None)?;
        }
        self.comment(handler, id, draft.fix.clone(), false, 1, 30)?;
        self.transition(handler, id, TicketStatus::Resolved, Some(draft.resolve_note.clone()), 1, 10)?;
        if plan.target == TicketStatus::Resolved {
            return Ok(());
        }

        self.close(requester, handler, id, english)?;
        // Now and then the problem comes back: reopen, fix again, close.
        if self.rng.chance(6) {
            let note = text(english, "问题再次出现", "The problem is back");
            self.transition(requester, id, TicketStatus::InProgress, Some(note), 600, 4320)?;
            let body = text(english, "抱歉，我们马上重新处理。", "Sorry about that, we are on it again.");
            self.comment(handler, id, body, false, 10, 120)?;
            self.comment(handler, id, draft.fix.clone(), false, 60, 1440)?;
            self.transition(handler, id, TicketStatus::Resolved, Some(draft.resolve_note.clone()), 1, 10)?;
            self.close(requester, handler, id, english)?;
        }
        Ok(())
    }

    /// The requester confirms (often with thanks), or the agent closes after confirming by phone.
    fn close(&mut self, requester: Who, handler: Who, id: i64, english: bool) -> AppResult<()> {
        if self.rng.chance(60) {
            if self.rng.chance(50) {
                let thanks = if english {
                    self.rng.pick(&[
                        "Thanks, all good now.",
                        "Confirmed, thank you for the quick help!",
                        "Works again, thanks.",
                    ])
                } else {
                    self.rng.pick(&["问题已解决，谢谢！", "收到，辛苦了。", "已确认恢复正常，感谢及时处理。"])
                };
                self.comment(requester, id, thanks.into(), false, 30, 1440)?;
            }
            self.transition(requester, id, TicketStatus::Closed, None, 5, 2880)
        } else {
            let note = if english {
                self.rng.pick(&["Customer confirmed by phone.", "No reply for 3 days; closing."])
            } else {
                self.rng.pick(&["客户电话确认已解决，关闭工单。", "超过 3 天未回复，按流程关闭。"])
            };
            self.transition(handler, id, TicketStatus::Closed, Some(note.into()), 1440, 4320)
        }
    }

    fn comment(&mut self, who: Who, id: i64, body: String, internal: bool, lo: i64, hi: i64) -> AppResult<()> {
        self.wait(lo, hi);
        self.app.add_comment(
            self.actor(who),
            TicketId(id),
            &NewCommentInput { body, internal, attachment_ids: vec![] },
        )?;
        Ok(())
    }

    fn transition(
        &mut self,
        who: Who,
        id: i64,
        status: TicketStatus,
        note: Option<String>,
        lo: i64,
        hi: i64,
    ) -> AppResult<()> {
        self.wait(lo, hi);
        self.app.transition_ticket(self.actor(who), TicketId(id), &TransitionInput { status, note })?;
        Ok(())
    }

    // ---- content

    fn draft(&mut self, kind: Kind, requester: Who) -> Draft {
        let english = self.english(requester);
        match kind {
            Kind::Complaint => self.complaint(requester, english),
            Kind::Repair => self.repair(requester, english),
            Kind::It => self.it_incident(english),
            Kind::Leave => self.leave(requester, english),
        }
    }

    fn complaint(&mut self, requester: Who, english: bool) -> Draft {
        let r = &mut self.rng;
        let category = r.pick(&COMPLAINT_CATEGORIES);
        let order = format!("A{}", r.range(1000, 9999));
        let products = [
            ("电热水壶", "kettle"),
            ("空气净化器", "air purifier"),
            ("智能门锁", "smart lock"),
            ("扫地机器人", "robot vacuum"),
            ("加湿器", "humidifier"),
        ];
        let (product, product_en) = r.pick(&products);
        let variant = r.below(3);
        let (subject, description) = match (category, english) {
            ("产品质量", false) => (
                [
                    format!("{product}使用不到一周就无法开机"),
                    format!("收到的{product}外壳有裂纹"),
                    format!("{product}异响严重，要求退换"),
                ][variant]
                    .clone(),
                format!(
                    "客户反映订单 #{order} 购买的{product}存在质量问题，已按说明书操作仍无法正常使用。客户情绪较激动，要求尽快给出处理方案。"
                ),
            ),
            ("产品质量", true) => (
                [
                    format!("Defective {product_en} received (order #{order})"),
                    format!("{product_en} stopped working after a week"),
                    format!("The {product_en} is very noisy"),
                ][variant]
                    .clone(),
                format!(
                    "The {product_en} from order #{order} does not work as described. We followed the manual; please advise on a replacement or refund."
                ),
            ),
            ("服务态度", false) => (
                [
                    "热线客服态度敷衍，问题未解决".to_string(),
                    "售后人员上门迟到两小时且未提前通知".to_string(),
                    "门店店员服务态度差".to_string(),
                ][variant]
                    .clone(),
                format!("客户投诉在处理订单 #{order} 的过程中服务体验很差，希望公司给出正式答复并改进。"),
            ),
            ("服务态度", true) => (
                [
                    "Support hotline never called back".to_string(),
                    "Technician arrived two hours late".to_string(),
                    "Rude staff at the service desk".to_string(),
                ][variant]
                    .clone(),
                format!(
                    "We contacted you three times about order #{order} and nobody followed up. We expect a formal reply."
                ),
            ),
            ("物流配送", false) => (
                [
                    format!("订单 #{order} 发货延迟"),
                    format!("订单 #{order} 包裹破损"),
                    format!("订单 #{order} 显示已签收但未收到货"),
                ][variant]
                    .clone(),
                format!("订单 #{order} 承诺 48 小时内发货，目前已超过 5 天仍未收到，物流信息一直没有更新。"),
            ),
            ("物流配送", true) => (
                [
                    format!("Order #{order} shipment delayed"),
                    format!("Order #{order} arrived damaged"),
                    format!("Order #{order} delivered to the wrong address"),
                ][variant]
                    .clone(),
                format!(
                    "Order #{order} was due last week. The tracking page has not changed for five days; our warehouse is waiting for it."
                ),
            ),
            (_, false) => (
                [
                    format!("订单 #{order} 重复扣款"),
                    "促销价格与结算价格不一致".to_string(),
                    format!("订单 #{order} 优惠券未生效"),
                ][variant]
                    .clone(),
                format!("客户称订单 #{order} 的实际扣款金额与页面显示不一致，要求退还差价并给出说明。"),
            ),
            (_, true) => (
                [
                    format!("Order #{order} charged twice"),
                    "Invoice amount does not match the quotation".to_string(),
                    format!("Discount not applied to order #{order}"),
                ][variant]
                    .clone(),
                format!(
                    "Our card was charged more than the quoted amount for order #{order}. Please refund the difference and send a corrected invoice."
                ),
            ),
        };
        let compensation = matches!(category, "产品质量" | "价格争议") && r.chance(50);
        let mut fields = Map::new();
        fields.insert("complaint_category".into(), json!(category));
        fields.insert("order_no".into(), json!(order));
        fields.insert("compensation_requested".into(), json!(compensation));
        let root_cause = match category {
            "产品质量" => {
                r.pick(&["批次质量问题（供应商已确认）", "运输途中受潮导致主板短路", "用户使用方式不当，已指导"])
            }
            "服务态度" => r.pick(&["客服未按流程回访", "上门排班冲突，未及时通知客户", "新员工培训不足"]),
            "物流配送" => r.pick(&["第三方物流中转延误", "仓库打包未使用加固箱", "地址解析错误导致派送到相邻小区"]),
            _ => r.pick(&["促销规则配置错误", "支付网关重复回调导致重复扣款", "优惠券有效期配置错误"]),
        };
        let mut resolve_fields = Map::new();
        resolve_fields.insert("root_cause".into(), json!(root_cause));
        let priority = self.pick_priority();
        let mut tags = vec![];
        if matches!(requester, Who::Customer(i) if self.customers[i].organization == 0) && self.rng.chance(60) {
            tags.push("VIP".to_string());
        }
        if compensation {
            tags.push("赔偿".into());
        }
        if priority == Priority::Urgent {
            tags.push("加急".into());
            tags.push("投诉升级".into());
        }
        let r = &mut self.rng;
        Draft {
            subject,
            description,
            fields,
            resolve_fields,
            tags,
            priority,
            english,
            first_reply: if english {
                r.pick(&[
                    "Hello, we are sorry for the trouble. We have logged your complaint and will come back with a solution within 24 hours.",
                    "Thank you for reporting this. We are checking the order with our warehouse and will update you shortly.",
                ])
                .into()
            } else {
                r.pick(&[
                    "您好，非常抱歉给您带来不便，我们已记录您的问题，会在 24 小时内给出处理方案。",
                    "您好，已联系仓库核实订单信息，稍后回复您。",
                    "您好，已收到您的反馈，我们正在与相关部门核实，请耐心等待。",
                ])
                .into()
            },
            question: text(
                english,
                "请提供购买凭证或订单截图，以便我们进一步处理。",
                "Could you send the receipt or a screenshot of the order?",
            ),
            answer: text(english, "已上传订单截图，请查收。", "Receipt attached, please check."),
            internal_note: r
                .pick(&[
                    "客户为 VIP，优先处理。",
                    "同类问题本月已出现 3 次，建议提交产品部分析。",
                    "已与供应商确认，属批次质量问题，可走快速退换流程。",
                    "客户之前有过一次类似投诉，注意沟通方式。",
                ])
                .into(),
            fix: if english {
                r.pick(&[
                    "We have issued a full refund; it should reach your account in 3–5 business days.",
                    "A replacement has been shipped today, tracking number SF1234567890.",
                ])
                .into()
            } else {
                r.pick(&[
                    "已为您办理全额退款，预计 3–5 个工作日到账。",
                    "已为您补发新品，今天发出，顺丰单号 SF1234567890。",
                    "已退还差价并补发 50 元优惠券，再次向您致歉。",
                ])
                .into()
            },
            resolve_note: text(english, "已退款/补发", "Refund / replacement arranged"),
        }
    }

    fn repair(&mut self, requester: Who, english: bool) -> Draft {
        let at = self.now();
        let r = &mut self.rng;
        let fault = r.pick(&FAULT_TYPES);
        let building = r.range(1, 8);
        let floor = r.range(1, 20);
        let unit = r.range(1, 6);
        let variant = r.below(3);
        let (prefix, subject, subject_en) = match fault {
            "空调" => (
                "AC",
                [
                    format!("{building} 号楼空调不制冷"),
                    format!("{building} 号楼 {floor} 层会议室空调漏水"),
                    format!("{floor} 层机房精密空调高温报警"),
                ][variant]
                    .clone(),
                format!("Air conditioner on floor {floor} is not cooling"),
            ),
            "电梯" => (
                "EL",
                [
                    format!("{building} 号楼 {unit} 号电梯困人"),
                    format!("{building} 号楼货梯门无法关闭"),
                    format!("{building} 号楼扶梯异响"),
                ][variant]
                    .clone(),
                format!("Elevator {unit} stops between floors"),
            ),
            "照明" => (
                "LT",
                [
                    format!("{floor} 层走廊照明全部熄灭"),
                    "地下停车场灯管频繁闪烁".to_string(),
                    format!("{building} 号楼应急照明不亮"),
                ][variant]
                    .clone(),
                format!("Corridor lights on floor {floor} are out"),
            ),
            "给排水" => (
                "WS",
                [
                    format!("{floor} 层卫生间水管爆裂"),
                    "B1 排水泵故障报警".to_string(),
                    format!("{building} 号楼屋顶水箱水位异常"),
                ][variant]
                    .clone(),
                format!("Burst pipe in the floor {floor} restroom"),
            ),
            _ => (
                "HV",
                [
                    format!("{unit} 号变压器温度过高"),
                    "10kV 开关柜跳闸".to_string(),
                    format!("{building} 号楼配电室有焦糊味"),
                ][variant]
                    .clone(),
                format!("Transformer {unit} overheating"),
            ),
        };
        let (spots, symptom, symptom_en): (&[&str], &str, &str) = match fault {
            "空调" => (
                &["东侧会议室", "开放办公区", "机房"],
                "开机后只吹风不制冷，室温已超过 30 度。",
                "It only blows warm air.",
            ),
            "电梯" => (
                &["电梯厅", "货梯间", "中庭"],
                "运行中突然停止，已安抚乘客并联系维保单位。",
                "It stopped suddenly while running.",
            ),
            "照明" => (
                &["走廊", "楼梯间", "地下停车场"],
                "灯具不亮或频繁闪烁，夜间存在安全隐患。",
                "The lights flicker or stay off.",
            ),
            "给排水" => (
                &["卫生间", "水泵房", "茶水间"],
                "现场有积水，已临时关闭阀门。",
                "There is standing water; the valve is closed for now.",
            ),
            _ => (
                &["配电室", "变电站主控室"],
                "监控系统报警，值班人员已到场确认。",
                "The monitoring system raised an alarm.",
            ),
        };
        let spot = r.pick(spots);
        let location = format!("{building} 号楼 {floor} 层{spot}");
        let asset_no = format!("{prefix}-{building}-{:04}", r.range(1, 9999));
        let occurred = beijing(at - Duration::minutes(r.range(10, 240)));
        let mut fields = Map::new();
        fields.insert("asset_no".into(), json!(asset_no));
        fields.insert("location".into(), json!(location));
        fields.insert("fault_type".into(), json!(fault));
        fields.insert("occurred_at".into(), json!(occurred.to_rfc3339_opts(SecondsFormat::Secs, false)));
        let mut resolve_fields = Map::new();
        resolve_fields.insert("parts_cost".into(), json!(r.range(0, 60) * 50));
        let description = if english {
            format!("{symptom_en} Location: {location}, asset {asset_no}. Noticed at {}.", occurred.format("%H:%M"))
        } else {
            format!(
                "{symptom}位置：{location}，资产编号 {asset_no}，发现时间 {}，请尽快安排人员处理。",
                occurred.format("%m月%d日 %H:%M")
            )
        };
        let priority = if subject.contains("困人") || subject.contains("爆裂") {
            Priority::Urgent
        } else if fault == "高压电" {
            if self.rng.chance(50) { Priority::Urgent } else { Priority::High }
        } else {
            self.pick_priority()
        };
        let mut tags = vec![];
        if matches!(fault, "空调" | "电梯") {
            tags.push(fault.to_string());
        }
        if priority == Priority::Urgent {
            tags.push("加急".into());
        }
        if matches!(requester, Who::Customer(i) if self.customers[i].organization == 0) && self.rng.chance(60) {
            tags.push("VIP".into());
        }
        if self.rng.chance(10) {
            tags.push("重复报修".into());
        }
        let r = &mut self.rng;
        let cause =
            r.pick(&["压缩机电容老化", "控制板继电器烧毁", "传感器接线松动", "密封圈老化", "断路器过载保护动作"]);
        Draft {
            subject: if english { subject_en } else { subject },
            description,
            fields,
            resolve_fields,
            tags,
            priority,
            english,
            first_reply: text(
                english,
                &format!("已安排工程师今天下午上门检修，请保持电话畅通。初步判断可能是{cause}。"),
                "An engineer will be on site this afternoon; please keep your phone on.",
            ),
            question: text(
                english,
                "请确认明天方便上门的时间段，以及现场联系人电话。",
                "When can our engineer come tomorrow, and who is the contact on site?",
            ),
            answer: text(
                english,
                "明天上午 10 点以后都方便，现场联系人电话 139-1234-5678。",
                "Tomorrow after 10 am is fine, contact 139-1234-5678.",
            ),
            internal_note: r
                .pick(&[
                    "配件需从总仓调拨，预计 2 天到货。",
                    "该设备已过保，维修需按收费标准报价。",
                    "同一资产本月第二次报修，建议安排全面检测。",
                    "现场有高压作业，需两人同行并办理工作票。",
                ])
                .into(),
            fix: text(
                english,
                &format!("已更换故障部件（{cause}），设备运行恢复正常。"),
                "The faulty part has been replaced and the equipment works normally again.",
            ),
            resolve_note: text(english, "现场维修完成", "Repaired on site"),
        }
    }

    fn it_incident(&mut self, english: bool) -> Draft {
        let r = &mut self.rng;
        let system = r.pick(&SYSTEMS);
        let floor = r.range(2, 18);
        let variant = r.below(3);
        let (zh, en) = match system {
            "OA" => (
                ["OA 系统登录后白屏", "OA 审批流程卡在部门经理节点", "OA 附件上传失败"][variant].to_string(),
                "OA portal shows a blank page after login".to_string(),
            ),
            "ERP" => (
                ["ERP 月结报表导出失败", "ERP 库存数据与实际不符", "ERP 登录提示许可证已满"][variant].to_string(),
                "ERP month-end report export fails".to_string(),
            ),
            "邮箱" => (
                ["邮箱无法收取外部邮件", "邮箱容量已满无法发送", "手机邮箱无法同步"][variant].to_string(),
                "Outlook keeps asking for the password".to_string(),
            ),
            "VPN" => (
                ["VPN 无法连接", "VPN 连接后频繁断线", "VPN 证书过期"][variant].to_string(),
                "VPN connection drops every 10 minutes".to_string(),
            ),
            _ => (
                [
                    format!("{floor} 层打印机卡纸"),
                    format!("{floor} 层打印机无法扫描到邮箱"),
                    format!("{floor} 层彩色打印机缺粉"),
                ][variant]
                    .clone(),
                format!("Printer on floor {floor} jams"),
            ),
        };
        let affected =
            if matches!(system, "VPN" | "邮箱" | "ERP") && r.chance(30) { r.range(5, 80) } else { r.range(1, 3) };
        let tail = r.below(3);
        let mut fields = Map::new();
        fields.insert("system".into(), json!(system));
        fields.insert("affected_users".into(), json!(affected));
        fields.insert("contact_phone".into(), json!(format!("138-{:04}-{:04}", r.range(0, 9999), r.range(0, 9999))));
        if r.chance(40) {
            fields.insert(
                "screenshot_url".into(),
                json!(format!("https://files.loopdesk.local/screenshots/it-{:05}.png", r.range(1, 99_999))),
            );
        }
        let description = if english {
            let tail =
                ["Restarting did not help.", "Clearing the cache did not help.", "Colleagues see the same."][tail];
            format!("{en}. It started this morning; {affected} user(s) affected. {tail}")
        } else {
            let tail = ["重启电脑后仍然存在。", "已尝试清除缓存，无效。", "同事也遇到同样的问题。"][tail];
            format!("{zh}，今天上午开始出现，影响 {affected} 人，{tail}")
        };
        let priority = if affected > 50 { Priority::Urgent } else { self.pick_priority() };
        let mut tags = vec![];
        match system {
            "VPN" => tags.push("远程办公".to_string()),
            "打印机" => tags.push("打印机".to_string()),
            _ => {}
        }
        if priority == Priority::Urgent {
            tags.push("加急".into());
        }
        let r = &mut self.rng;
        Draft {
            subject: if english { en } else { zh },
            description,
            fields,
            resolve_fields: Map::new(),
            tags,
            priority,
            english,
            first_reply: if english {
                "Please restart the client and clear its cache. If it still fails, reply with a screenshot.".into()
            } else {
                r.pick(&["请先重启客户端并清除缓存后再试，如仍有问题请回复截图。", "已远程查看，正在排查，请稍候。"])
                    .into()
            },
            question: text(
                english,
                "请提供报错截图和出现问题的准确时间。",
                "Please send a screenshot of the error and the exact time it happened.",
            ),
            answer: text(english, "截图已上传，大概是 9 点 40 分出现的。", "Screenshot attached, it happened at 9:40."),
            internal_note: r
                .pick(&[
                    "该用户账号上周刚重置过密码，注意核实身份。",
                    "已升级至厂商技术支持，案例号 VS-20931。",
                    "与昨晚防火墙策略变更有关，已通知网络组回滚。",
                    "Known issue after the Windows update KB5034441; workaround documented in the wiki.",
                ])
                .into(),
            fix: if english {
                "We reset your certificate and cleared the profile; it works again on our side. Please try once more."
                    .into()
            } else {
                r.pick(&[
                    "已重置 VPN 证书，请重新连接试试。",
                    "已清理邮箱配额并调整收件规则，现已恢复。",
                    "已更换定影组件，打印恢复正常。",
                    "已修复服务器配置，系统恢复正常。",
                ])
                .into()
            },
            resolve_note: text(english, "故障已排除", "Fixed"),
        }
    }

    fn leave(&mut self, requester: Who, english: bool) -> Draft {
        let today = beijing(self.now()).date_naive();
        let name = match requester {
            Who::Staff(i) => self.staff[i].name,
            _ => "员工",
        };
        let approver = self.approver_for(requester);
        let r = &mut self.rng;
        let leave_type = r.pick(&LEAVE_TYPES);
        let (days, lead) = match leave_type {
            "年假" => (r.range(1, 5), r.range(3, 20)),
            "病假" => (r.range(1, 3), 0),
            "事假" => (r.range(1, 2), r.range(1, 7)),
            _ => (1, r.range(2, 10)),
        };
        let start: NaiveDate = today + Duration::days(lead);
        let end = start + Duration::days(days - 1);
        let colleague = r.pick(&["张晓燕", "陈静", "刘洋", "黄磊", "吴敏"]);
        let (subject, description) = if english {
            let kind = match leave_type {
                "年假" => "Annual leave",
                "病假" => "Sick leave",
                "事假" => "Personal leave",
                _ => "Time off in lieu",
            };
            (
                format!("{kind} request: {name}, {days} day(s)"),
                format!("{kind} from {start} to {end} ({days} day(s)). Handover to {colleague}."),
            )
        } else {
            let reason = match leave_type {
                "年假" => "休年假，回老家探亲",
                "病假" => "发烧就医，医生建议休息",
                "事假" => "家中有事需要处理",
                _ => "使用上月加班调休",
            };
            (
                format!("{name} {leave_type}申请（{days} 天）"),
                format!("申请 {start} 至 {end} {reason}，共 {days} 天，工作已交接给{colleague}。"),
            )
        };
        let mut fields = Map::new();
        fields.insert("leave_type".into(), json!(leave_type));
        fields.insert("start_date".into(), json!(start.format("%Y-%m-%d").to_string()));
        fields.insert("end_date".into(), json!(end.format("%Y-%m-%d").to_string()));
        fields.insert("days".into(), json!(days));
        fields.insert("approver".into(), json!(approver));
        Draft {
            subject,
            description,
            fields,
            resolve_fields: Map::new(),
            tags: if leave_type == "病假" { vec!["病假".into()] } else { vec![] },
            priority: Priority::Low,
            english,
            first_reply: text(
                english,
                "已收到申请，正在核对剩余假期天数。",
                "Received; checking your remaining leave balance.",
            ),
            question: text(
                english,
                if leave_type == "病假" {
                    "请补充医院开具的病假证明。"
                } else {
                    "请确认工作交接人并在系统中补充交接说明。"
                },
                "Please attach the supporting document and confirm who covers for you.",
            ),
            answer: text(english, "已补充，谢谢。", "Attached, thanks."),
            internal_note: r
                .pick(&[
                    "年假余额仅剩 2 天，超出部分按事假处理。",
                    "部门主管已口头同意。",
                    "本月该员工已请假 3 次，提醒主管关注。",
                ])
                .into(),
            fix: text(
                english,
                "假期已批准，请提前做好工作交接。",
                "Approved. Please hand over your work before you go.",
            ),
            resolve_note: text(english, "已批准", "Approved"),
        }
    }

    /// The requester's department head; the HR head for department heads; the admin for the HR head.
    fn approver_for(&self, requester: Who) -> i64 {
        let Who::Staff(i) = requester else { return self.admin.user_id };
        let own = (0..STAFF.len())
            .find(|&s| s != i && STAFF[s].supervisor && STAFF[i].groups.iter().any(|g| self.in_group(s, g)));
        let hr = (0..STAFF.len()).find(|&s| s != i && STAFF[s].supervisor && self.in_group(s, HR_ADMIN));
        match own.or(hr) {
            Some(s) => self.staff[s].id,
            None => self.admin.user_id,
        }
    }
}
