//! Ticket types (工单类型) and their custom-field definitions.

use loopdesk_domain::dispatch::{self, SkillRequirement};
use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::{self, FieldDefinition};
use loopdesk_domain::ids::TicketTypeId;
use loopdesk_domain::policy::{self, Actor, Permission};
use loopdesk_domain::ticket::Priority;
use loopdesk_persistence::models::{NewTicketType, TicketTypeRow};
use loopdesk_persistence::queries::directory as directory_q;
use loopdesk_persistence::queries::ticket_types::{self as q, TicketTypeChanges};
use loopdesk_persistence::{DbConn, Json, tx};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::views::TicketTypeView;
use crate::{App, AppError, AppResult, utc};

const MAX_NAME_CHARS: usize = 100;

/// A new ticket type (工单类型, e.g. 设备报修) with its custom-field definitions.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct NewTicketTypeInput {
    #[schema(example = "设备报修")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: String,
    #[schema(example = "空调、电梯等设备故障")]
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub description: Option<String>,
    /// priority of new tickets of this type when the creator gives none; default normal
    pub default_priority: Option<Priority>,
    /// group new tickets of this type go to when the creator gives none
    #[schema(example = 2)]
    pub default_group_id: Option<i64>,
    /// custom field definitions, in display order
    #[serde(default)]
    #[schema(example = json!([
        {"key": "asset_no", "label": "资产编号", "kind": "text", "required": true, "customer_visible": true},
        {"key": "fault", "label": "故障类型", "kind": "select", "options": ["不制冷", "漏水", "异响"], "customer_visible": true},
        {"key": "root_cause", "label": "根本原因", "kind": "long_text"}
    ]))]
    #[validate(length(max = 100, message = "at most 100 fields are allowed"))]
    pub fields: Vec<FieldDefinition>,
    /// skills an agent needs for every ticket of this type (dispatch only picks agents holding them all)
    #[serde(default)]
    #[schema(example = json!([{"name": "空调"}]))]
    pub required_skills: Vec<SkillRequirement>,
}

/// Changes to a type; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
pub struct TicketTypePatch {
    #[schema(example = "设备报修")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: Option<String>,
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub description: Option<String>,
    pub default_priority: Option<Priority>,
    /// null removes the default group
    #[serde(default, deserialize_with = "crate::kernel::double_option")]
    #[schema(value_type = Option<i64>, example = 2)]
    pub default_group_id: Option<Option<i64>>,
    /// replaces all definitions; values stored under removed keys stay on existing tickets
    #[validate(length(max = 100, message = "at most 100 fields are allowed"))]
    pub fields: Option<Vec<FieldDefinition>>,
    /// false hides the type from new tickets and from customers
    pub active: Option<bool>,
    /// replaces the required skills
    pub required_skills: Option<Vec<SkillRequirement>>,
}

fn checked_name(name: &str, errors: &mut FieldErrors) -> String {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 {
        errors.add("name", "is required");
    } else if chars > MAX_NAME_CHARS {
        errors.add("name", format!("must be at most {MAX_NAME_CHARS} characters"));
    }
    name.to_owned()
}

/// Checks the definitions (errors keyed "fields[i].…") and returns them as stored: labels trimmed.
/// Options stay verbatim because ticket values must equal them exactly.
fn checked_definitions(defs: &[FieldDefinition], errors: &mut FieldErrors) -> Vec<FieldDefinition> {
    if let Err(found) = fields::validate_definitions(defs) {
        errors.merge(found);
    }
    defs.iter().map(|def| FieldDefinition { label: def.label.trim().to_owned(), ..def.clone() }).collect()
}

fn check_group(conn: &mut DbConn, id: Option<i64>, errors: &mut FieldErrors) -> AppResult<()> {
    if let Some(id) = id
        && directory_q::find_group(conn, id)?.is_none()
    {
        errors.add("default_group_id", format!("no group with id {id}"));
    }
    Ok(())
}

/// The required skills as saved: checked, names trimmed.
fn checked_skills(skills: &[SkillRequirement], errors: &mut FieldErrors) -> Json<Vec<SkillRequirement>> {
    dispatch::check_skill_requirements(errors, "required_skills", skills);
    Json(skills.iter().map(|s| SkillRequirement { name: s.name.trim().to_owned(), min_level: s.min_level }).collect())
}

fn duplicate_name(e: diesel::result::Error) -> AppError {
    if tx::is_unique_violation(&e) {
        AppError::refused("name_taken", "a ticket type with this name already exists")
            .with_param("resource", "ticket_type")
    } else {
        e.into()
    }
}

/// The type as `actor` may see it: customers get only customer-visible definitions.
fn type_view(actor: &Actor, row: &TicketTypeRow, mut defs: Vec<FieldDefinition>) -> AppResult<TicketTypeView> {
    // Internal fields are for those who see internal content, the same rule as for the values on tickets.
    if !policy::sees_internal(actor) {
        defs.retain(|def| def.customer_visible);
    }
    let default_priority = Priority::from_rank(row.default_priority).ok_or_else(|| {
        AppError::Internal(format!("ticket type {} has unknown priority rank {}", row.id, row.default_priority))
    })?;
    Ok(TicketTypeView {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        default_priority,
        default_group_id: row.default_group_id,
        fields: defs,
        required_skills: if actor.is_customer() { vec![] } else { row.required_skills.0.clone() },
        active: row.active,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

impl App {
    pub fn create_ticket_type(&self, actor: &Actor, input: &NewTicketTypeInput) -> AppResult<TicketTypeView> {
        policy::require(actor, Permission::TicketTypesManage)?;
        let mut conn = self.conn()?;
        let mut errors = FieldErrors::new();
        let name = checked_name(&input.name, &mut errors);
        let defs = checked_definitions(&input.fields, &mut errors);
        let required_skills = checked_skills(&input.required_skills, &mut errors);
        check_group(&mut conn, input.default_group_id, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let now = self.now_naive();
        let row = q::insert(
            &mut conn,
            &NewTicketType {
                name: &name,
                description: input.description.as_deref().unwrap_or("").trim(),
                default_priority: input.default_priority.unwrap_or(Priority::Normal).rank(),
                default_group_id: input.default_group_id,
                fields: Json(defs.clone()),
                active: true,
                required_skills,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(duplicate_name)?;
        type_view(actor, &row, defs)
    }

    /// Any signed-in caller may list types (the new-ticket form needs them);
    /// customers never see inactive ones, whatever they ask.
    pub fn list_ticket_types(&self, actor: &Actor, include_inactive: bool) -> AppResult<Vec<TicketTypeView>> {
        let mut conn = self.conn()?;
        let rows = q::list(&mut conn, include_inactive && !actor.is_customer())?;
        rows.iter().map(|row| type_view(actor, row, row.fields.0.clone())).collect()
    }

    pub fn get_ticket_type(&self, actor: &Actor, id: TicketTypeId) -> AppResult<TicketTypeView> {
        let mut conn = self.conn()?;
        let (row, defs) = Self::load_ticket_type(&mut conn, id.get())?;
        if actor.is_customer() && !row.active {
            return Err(AppError::NotFound("ticket type"));
        }
        type_view(actor, &row, defs)
    }

    pub fn update_ticket_type(
        &self,
        actor: &Actor,
        id: TicketTypeId,
        patch: &TicketTypePatch,
    ) -> AppResult<TicketTypeView> {
        policy::require(actor, Permission::TicketTypesManage)?;
        let mut conn = self.conn()?;
        let now = self.now_naive();
        tx::write(&mut conn, |conn| {
            let (_, current_defs) = Self::load_ticket_type(conn, id.get())?;
            let mut errors = FieldErrors::new();
            let mut changes = TicketTypeChanges { updated_at: Some(now), ..TicketTypeChanges::default() };
            if let Some(name) = &patch.name {
                changes.name = Some(checked_name(name, &mut errors));
            }
            if let Some(description) = &patch.description {
                changes.description = Some(description.trim().to_owned());
            }
            changes.default_priority = patch.default_priority.map(Priority::rank);
            if let Some(group_id) = patch.default_group_id {
                check_group(conn, group_id, &mut errors)?;
                changes.default_group_id = Some(group_id);
            }
            let defs = match &patch.fields {
                Some(defs) => {
                    let defs = checked_definitions(defs, &mut errors);
                    changes.fields = Some(Json(defs.clone()));
                    defs
                }
                None => current_defs,
            };
            changes.active = patch.active;
            if let Some(skills) = &patch.required_skills {
                changes.required_skills = Some(checked_skills(skills, &mut errors));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let row = q::update(conn, id.get(), &changes).map_err(duplicate_name)?;
            type_view(actor, &row, defs)
        })
    }

    /// A type with its definitions parsed (tickets validate custom-field values against them).
    pub(crate) fn load_ticket_type(conn: &mut DbConn, id: i64) -> AppResult<(TicketTypeRow, Vec<FieldDefinition>)> {
        let row = q::find(conn, id)?.ok_or(AppError::NotFound("ticket type"))?;
        let defs = row.fields.0.clone();
        Ok((row, defs))
    }
}
