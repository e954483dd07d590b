//! Agents as dispatch sees them (availability, capacity, skills, last position, open work), the supervisor's
//! view of group queues, in-app notifications, and transfer statistics.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use loopdesk_domain::dispatch::{AgentSkill, Availability, GeoPoint};
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::ids::UserId;
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_persistence::models::{AgentProfileRow, UserRow};
use loopdesk_persistence::queries::directory;
use loopdesk_persistence::queries::dispatch as q;
use loopdesk_persistence::{DbConn, Json, tx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dispatch::{open_work, profile_candidate};
use crate::kernel::double_option;
use crate::{App, AppError, AppResult, utc};

/// The most open tickets a capacity may allow.
pub const MAX_CAPACITY: u32 = 1000;

/// An agent as dispatch sees them now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgentView {
    #[schema(example = 7)]
    pub user_id: i64,
    #[schema(example = "李工")]
    pub name: String,
    pub email: String,
    /// only online agents get new work; new agents start offline
    pub availability: Availability,
    /// the most open tickets dispatch gives this agent; null: no limit
    #[schema(example = 8)]
    pub capacity: Option<u32>,
    pub skills: Vec<AgentSkill>,
    /// last reported position (PUT /me/location)
    pub position: Option<GeoPoint>,
    pub position_at: Option<DateTime<Utc>>,
    /// open tickets assigned to the agent
    #[schema(example = 3)]
    pub open_count: u32,
    /// open tickets weighted by priority (low 1, normal 2, high 3, urgent 5)
    #[schema(example = 7)]
    pub open_load: u32,
    /// holds at least one open urgent ticket (the nearest strategy passes over such agents)
    pub holds_urgent: bool,
    /// holds as many open tickets as the capacity, or more: dispatch and the claim pool give them nothing new
    pub at_capacity: bool,
    pub group_ids: Vec<i64>,
}

/// Changes to an agent's dispatch profile; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AgentPatch {
    pub availability: Option<Availability>,
    /// null removes the limit
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u32>, example = 8)]
    pub capacity: Option<Option<u32>>,
    /// replaces the skills
    #[schema(example = json!([{"name": "空调", "level": 3}, {"name": "高压电工"}]))]
    pub skills: Option<Vec<AgentSkill>>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AvailabilityInput {
    pub availability: Availability,
}

/// The phone's position, reported by the agent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LocationInput {
    #[schema(example = 31.2034)]
    pub lat: f64,
    #[schema(example = 121.5914)]
    pub lon: f64,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentListQuery {
    /// only members of this group
    pub group_id: Option<i64>,
}

/// One group's queue: what waits unassigned, and each member's load.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupQueueView {
    pub group_id: i64,
    #[schema(example = "售后二组")]
    pub group_name: String,
    pub supervisor_id: Option<i64>,
    #[schema(example = "王主管")]
    pub supervisor_name: Option<String>,
    /// open tickets of the group nobody holds (waiting in the queue or the claim pool)
    #[schema(example = 4)]
    pub unassigned: i64,
    pub agents: Vec<AgentView>,
}

fn empty_profile(user_id: i64, at: chrono::NaiveDateTime) -> AgentProfileRow {
    AgentProfileRow {
        user_id,
        availability: Availability::Offline.as_str().to_string(),
        capacity: None,
        skills: Json::default(),
        position_lat: None,
        position_lon: None,
        position_at: None,
        updated_at: at,
    }
}

/// Agent views of these staff users, with their profiles, open work and groups, in a fixed number of queries.
fn agent_views(conn: &mut DbConn, users: &[UserRow]) -> AppResult<Vec<AgentView>> {
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let profiles: HashMap<i64, AgentProfileRow> =
        q::profiles_of(conn, &ids)?.into_iter().map(|p| (p.user_id, p)).collect();
    let work = open_work(conn, &ids)?;
    let mut groups: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (user_id, group_id) in directory::group_ids_of_users(conn, &ids)? {
        groups.entry(user_id).or_default().push(group_id);
    }
    Ok(users
        .iter()
        .map(|user| {
            let profile = profiles.get(&user.id);
            let work = work.get(&user.id).copied().unwrap_or_default();
            let agent = profile_candidate(user.id, profile, work, None);
            let at_capacity = agent.is_full();
            AgentView {
                user_id: user.id,
                name: user.name.clone(),
                email: user.email.clone(),
                availability: agent.availability,
                capacity: agent.capacity,
                skills: agent.skills,
                position: agent.position,
                position_at: profile.and_then(|p| p.position_at).map(utc),
                open_count: agent.open_count,
                open_load: agent.open_load,
                holds_urgent: agent.holds_urgent,
                at_capacity,
                group_ids: groups.remove(&user.id).unwrap_or_default(),
            }
        })
        .collect())
}

/// Ensures a skill list an agent holds is well formed; returns it trimmed.
fn checked_agent_skills(skills: &[AgentSkill], errors: &mut loopdesk_domain::errors::FieldErrors) -> Vec<AgentSkill> {
    loopdesk_domain::dispatch::check_agent_skills(errors, "skills", skills);
    skills.iter().map(|s| AgentSkill { name: s.name.trim().to_string(), level: s.level }).collect()
}

fn require_dispatcher(actor: &Actor) -> AppResult<()> {
    policy::require(actor, Permission::RoutingManage).or_else(|_| policy::require(actor, Permission::TicketsAssign))?;
    Ok(())
}

fn staff_user(conn: &mut DbConn, id: i64) -> AppResult<UserRow> {
    directory::find_user(conn, id)?
        .filter(|u| UserKind::parse(&u.kind) == Some(UserKind::Staff))
        .ok_or(AppError::NotFound("agent"))
}

impl App {
    /// Active staff with their dispatch profile and load, optionally of one group.
    pub fn list_agents(&self, actor: &Actor, query: &AgentListQuery) -> AppResult<Vec<AgentView>> {
        require_dispatcher(actor)?;
        let mut conn = self.conn()?;
        let ids: Vec<i64> = match query.group_id {
            Some(group) => {
                directory::find_group(&mut conn, group)?.ok_or(AppError::NotFound("group"))?;
                q::active_staff_members(&mut conn, group)?.into_iter().map(|m| m.user_id).collect()
            }
            None => directory::active_staff_ids(&mut conn)?,
        };
        let users = directory::find_users(&mut conn, &ids)?;
        let mut views = agent_views(&mut conn, &users)?;
        views.sort_by_key(|v| v.user_id);
        Ok(views)
    }

    pub fn get_agent(&self, actor: &Actor, user_id: UserId) -> AppResult<AgentView> {
        if actor.user_id != user_id.get() {
            require_dispatcher(actor)?;
        }
        let mut conn = self.conn()?;
        let user = staff_user(&mut conn, user_id.get())?;
        agent_views(&mut conn, &[user])?.pop().ok_or(AppError::NotFound("agent"))
    }

    /// Changes an agent's profile: capacity and skills need routing_manage; anyone may set their own availability.
    pub fn update_agent(&self, actor: &Actor, user_id: UserId, patch: &AgentPatch) -> AppResult<AgentView> {
        let own_availability_only =
            actor.user_id == user_id.get() && patch.capacity.is_none() && patch.skills.is_none();
        if own_availability_only {
            policy::may_change_personal_state(actor)?;
        } else {
            policy::require(actor, Permission::RoutingManage)?;
        }
        if actor.is_customer() {
            return Err(AppError::Forbidden("customers have no agent profile".into()));
        }
        let mut errors = FieldErrors::new();
        if let Some(Some(capacity)) = patch.capacity
            && !(1..=MAX_CAPACITY).contains(&capacity)
        {
            errors.add("capacity", format!("must be between 1 and {MAX_CAPACITY}, or null for no limit"));
        }
        let skills = patch.skills.as_deref().map(|s| checked_agent_skills(s, &mut errors));
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let user = staff_user(conn, user_id.get())?;
            let mut profile =
                q::find_profile(conn, user_id.get())?.unwrap_or_else(|| empty_profile(user_id.get(), now));
            if let Some(availability) = patch.availability {
                profile.availability = availability.as_str().to_string();
            }
            if let Some(capacity) = patch.capacity {
                profile.capacity = capacity.map(|c| c as i32);
            }
            if let Some(skills) = &skills {
                profile.skills = Json(skills.clone());
            }
            profile.updated_at = now;
            q::save_profile(conn, &profile)?;
            agent_views(conn, &[user])?.pop().ok_or(AppError::NotFound("agent"))
        })
    }

    /// Online, away or offline: the header switch.
    pub fn set_my_availability(&self, actor: &Actor, input: &AvailabilityInput) -> AppResult<AgentView> {
        let patch = AgentPatch { availability: Some(input.availability), ..AgentPatch::default() };
        self.update_agent(actor, UserId(actor.user_id), &patch)
    }

    /// The phone reports where the agent is, for the nearest strategy.
    pub fn set_my_location(&self, actor: &Actor, input: &LocationInput) -> AppResult<AgentView> {
        if actor.is_customer() {
            return Err(AppError::Forbidden("customers have no agent profile".into()));
        }
        policy::may_change_personal_state(actor)?;
        let point = GeoPoint::new(input.lat, input.lon);
        if !point.is_valid() {
            return Err(AppError::invalid("lat", "lat must be within ±90 and lon within ±180"));
        }
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let user = staff_user(conn, actor.user_id)?;
            let mut profile =
                q::find_profile(conn, actor.user_id)?.unwrap_or_else(|| empty_profile(actor.user_id, now));
            profile.position_lat = Some(point.lat);
            profile.position_lon = Some(point.lon);
            profile.position_at = Some(now);
            profile.updated_at = now;
            q::save_profile(conn, &profile)?;
            agent_views(conn, &[user])?.pop().ok_or(AppError::NotFound("agent"))
        })
    }

    /// The supervisor's view: for each of the caller's groups (every group with tickets_read_all), how many tickets
    /// wait unassigned and each member's load.
    pub fn list_queues(&self, actor: &Actor) -> AppResult<Vec<GroupQueueView>> {
        policy::require(actor, Permission::TicketsAssign)?;
        let mut conn = self.conn()?;
        let groups: Vec<_> = directory::list_groups(&mut conn)?
            .into_iter()
            .filter(|g| actor.has(Permission::TicketsReadAll) || actor.group_ids.contains(&g.id))
            .collect();
        let group_ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
        let waiting: HashMap<i64, i64> = q::queue_lengths(&mut conn, &group_ids)?.into_iter().collect();
        let memberships = directory::memberships_of_groups(&mut conn, &group_ids)?;
        let mut everyone: Vec<i64> = memberships.iter().map(|(_, user)| *user).collect();
        everyone.sort_unstable();
        everyone.dedup();
        let users: Vec<UserRow> = directory::find_users(&mut conn, &everyone)?
            .into_iter()
            .filter(|u| u.active && UserKind::parse(&u.kind) == Some(UserKind::Staff))
            .collect();
        let supervisor_ids: Vec<i64> = groups.iter().filter_map(|g| g.supervisor_id).collect();
        let supervisors: HashMap<i64, String> =
            directory::user_names(&mut conn, &supervisor_ids)?.into_iter().collect();
        let mut members: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (group, user) in memberships {
            members.entry(group).or_default().push(user);
        }
        let views: HashMap<i64, AgentView> =
            agent_views(&mut conn, &users)?.into_iter().map(|v| (v.user_id, v)).collect();
        Ok(groups
            .iter()
            .map(|g| GroupQueueView {
                group_id: g.id,
                group_name: g.name.clone(),
                supervisor_id: g.supervisor_id,
                supervisor_name: g.supervisor_id.and_then(|id| supervisors.get(&id).cloned()),
                unassigned: waiting.get(&g.id).copied().unwrap_or_default(),
                agents: members
                    .get(&g.id)
                    .map(|ids| ids.iter().filter_map(|id| views.get(id).cloned()).collect())
                    .unwrap_or_default(),
            })
            .collect())
    }
}
