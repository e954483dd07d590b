//! Creating tickets: validation of the input, then the kernel's commit path; with an Idempotency-Key a retry
//! gets the first response.

use loopdesk_domain::errors::FieldErrors;
use loopdesk_domain::fields::{self, FieldDefinition, WriteMode};
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_domain::ticket::{self as rules, Channel, Priority, TicketStatus};
use loopdesk_persistence::models::{NewIdempotencyKey, TicketRow};
use loopdesk_persistence::queries::tickets::{self as q, TicketRefs};
use loopdesk_persistence::queries::{directory, ticket_types as types_q};
use loopdesk_persistence::{DbConn, Json, tx};
use serde::Deserialize;

use super::{CreatedTicket, NewTicketInput, checked_location, writer};
use crate::auth::sha256_hex;
use crate::dispatch::RouteOnCreate;
use crate::kernel::{By, EventLog, JsonMap, NewTicketDraft, organization_tier, to_json};
use crate::views::TicketView;
use crate::{App, AppError, AppResult};

impl App {
    // ---- create

    /// Creates a ticket. With an idempotency key, a repeated request returns the
    /// first response and creates nothing; the same key with a different body is a 422.
    pub fn create_ticket(
        &self,
        actor: &Actor,
        input: &NewTicketInput,
        idempotency_key: Option<&str>,
    ) -> AppResult<CreatedTicket> {
        policy::require(actor, Permission::TicketsCreate)?;
        let request_hash = sha256_hex(&to_json(input));
        let mut conn = self.conn()?;
        let attempt = tx::write(&mut conn, |conn| -> AppResult<CreatedTicket> {
            if let Some(key) = idempotency_key
                && let Some(replay) = self.replay(conn, actor, key, &request_hash)?
            {
                return Ok(replay);
            }
            let row = self.insert_ticket(conn, actor, input)?;
            let view = self.view_with_names(conn, actor, &row)?;
            if let Some(key) = idempotency_key {
                q::insert_idempotency_key(
                    conn,
                    &NewIdempotencyKey {
                        user_id: actor.user_id,
                        idempotency_key: key,
                        request_hash: &request_hash,
                        ticket_id: Some(row.id),
                        response_status: 201,
                        response_body: &to_json(&view),
                        created_at: self.now_naive(),
                    },
                )?;
            }
            Ok(CreatedTicket { ticket: view, replayed: false })
        });
        match attempt {
            // A concurrent request with the same key committed first (PostgreSQL): replay it.
            Err(AppError::Internal(_)) | Err(AppError::Conflict { .. }) if idempotency_key.is_some() => {
                let key = idempotency_key.unwrap_or_default();
                match self.replay(&mut conn, actor, key, &request_hash)? {
                    Some(replay) => Ok(replay),
                    None => attempt,
                }
            }
            other => other,
        }
    }

    fn replay(
        &self,
        conn: &mut DbConn,
        actor: &Actor,
        key: &str,
        request_hash: &str,
    ) -> AppResult<Option<CreatedTicket>> {
        let Some(stored) = q::find_idempotency_key(conn, actor.user_id, key)? else { return Ok(None) };
        if stored.request_hash != request_hash {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "this key was already used for a different request; use a new key for a new ticket",
            ));
        }
        let unreadable =
            |e: serde_json::Error| AppError::Internal(format!("stored idempotent response unreadable: {e}"));
        let mut body: serde_json::Value = serde_json::from_str(&stored.response_body).map_err(unreadable)?;
        if body.get("type_name").is_none() {
            self.add_legacy_names(conn, &mut body)?;
        }
        let ticket: TicketView = serde_json::from_value(body).map_err(unreadable)?;
        Ok(Some(CreatedTicket { ticket, replayed: true }))
    }

    /// Responses stored before views carried names lack them: resolve the names of the
    /// ids the stored response holds, so a late retry still gets a complete ticket.
    fn add_legacy_names(&self, conn: &mut DbConn, body: &mut serde_json::Value) -> AppResult<()> {
        #[derive(Deserialize)]
        struct StoredIds {
            type_id: i64,
            requester_id: i64,
            assignee_id: Option<i64>,
            group_id: Option<i64>,
            organization_id: Option<i64>,
        }
        let ids: StoredIds = serde_json::from_value(body.clone())
            .map_err(|e| AppError::Internal(format!("stored idempotent response unreadable: {e}")))?;
        let refs = TicketRefs {
            type_id: ids.type_id,
            requester_id: ids.requester_id,
            assignee_id: ids.assignee_id,
            group_id: ids.group_id,
            organization_id: ids.organization_id,
        };
        let (names, _) = q::names_for(conn, refs)?.unwrap_or_default();
        if let Some(fields) = body.as_object_mut() {
            fields.insert("type_name".into(), names.type_name.into());
            fields.insert("requester_name".into(), names.requester_name.into());
            fields.insert("assignee_name".into(), names.assignee_name.into());
            fields.insert("group_name".into(), names.group_name.into());
            fields.insert("organization_name".into(), names.organization_name.into());
        }
        Ok(())
    }

    fn insert_ticket(&self, conn: &mut DbConn, actor: &Actor, input: &NewTicketInput) -> AppResult<TicketRow> {
        let now = self.now_naive();
        let mut errors = FieldErrors::new();
        let (ticket_type, defs) = match types_q::find(conn, input.type_id)? {
            Some(t) if t.active => {
                let defs = t.fields.0.clone();
                (t, defs)
            }
            _ => return Err(AppError::invalid("type_id", "no such ticket type")),
        };
        let customer = actor.is_customer();

        let requester_id = match (customer, input.requester_id) {
            (true, _) | (false, None) => actor.user_id,
            (false, Some(id)) => id,
        };
        let requester = directory::find_user(conn, requester_id)?;
        let Some(requester) = requester.filter(|u| u.active) else {
            return Err(AppError::invalid("requester_id", "no such active user"));
        };
        // The organisation is read once: its existence is checked here, its tier is what rules match.
        let (organization_id, organization_tier) = if customer {
            (actor.organization_id, organization_tier(conn, actor.organization_id)?)
        } else {
            match input.organization_id {
                Some(id) => match directory::find_organization(conn, id)? {
                    Some(org) => (Some(id), org.tier),
                    None => {
                        errors.add("organization_id", "no such organization");
                        (None, None)
                    }
                },
                None => (requester.organization_id, organization_tier(conn, requester.organization_id)?),
            }
        };
        // Customers cannot route or prioritise their own tickets: the type decides.
        let group_id = match (customer, input.group_id) {
            (false, Some(id)) => {
                if directory::find_group(conn, id)?.is_none() {
                    errors.add("group_id", "no such group");
                }
                Some(id)
            }
            _ => ticket_type.default_group_id,
        };
        let priority = match (customer, input.priority) {
            (false, Some(p)) => p,
            _ => Priority::from_rank(ticket_type.default_priority).unwrap_or(Priority::Normal),
        };
        let channel = if customer {
            Channel::Portal
        } else if actor.api_key_id.is_some() {
            input.channel.unwrap_or(Channel::Api)
        } else {
            input.channel.unwrap_or(Channel::Web)
        };
        let assignee_id = match input.assignee_id {
            None => None,
            Some(_) if customer || !actor.has(Permission::TicketsAssign) => {
                return Err(AppError::Forbidden("assigning requires permission tickets_assign".into()));
            }
            Some(id) => {
                if let Err(message) = self.check_assignee(conn, id, group_id)? {
                    errors.add("assignee_id", message);
                }
                Some(id)
            }
        };
        let tags = match rules::normalize_tags(&input.tags) {
            Ok(tags) => tags,
            Err(e) => {
                errors.merge(e);
                vec![]
            }
        };
        let custom_fields = match fields::validate_values(
            &defs,
            &JsonMap::new(),
            &input.custom_fields,
            WriteMode::Create,
            writer(actor),
        ) {
            Ok(values) => values,
            Err(e) => {
                errors.merge(e);
                JsonMap::new()
            }
        };
        self.check_user_fields(conn, &defs, &custom_fields, &mut errors)?;
        let location = checked_location(input.location.as_ref(), &mut errors);
        let subject = input.subject.trim();
        if subject.is_empty() {
            errors.add("subject", "must not be blank");
        }
        let external_source = match (&input.external_id, &input.external_source) {
            (Some(_), None) => Some("api".to_string()),
            (None, Some(_)) => {
                errors.add("external_id", "is required when external_source is given");
                None
            }
            (_, source) => source.clone(),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if let (Some(source), Some(external_id)) = (&external_source, &input.external_id)
            && let Some(existing) = q::find_by_external(conn, source, external_id)?
        {
            return Err(existing_external(existing.id, source, external_id));
        }
        // The steps fill in the rest: routing what the creator left open (naming an assignee skips it), the SLA
        // clocks on the ticket as routing left it.
        let status = rules::status_after_assignment(TicketStatus::New, assignee_id.is_some());
        let mut log = EventLog::new(By::Actor(actor), now);
        if assignee_id.is_none() {
            log.note(RouteOnCreate {
                keep_group: !customer && input.group_id.is_some(),
                keep_priority: !customer && input.priority.is_some(),
            });
        }
        let row = TicketRow {
            id: 0,
            type_id: ticket_type.id,
            subject: subject.to_string(),
            description: input.description.clone(),
            status: status.as_str().to_string(),
            priority: priority.rank(),
            channel: channel.as_str().to_string(),
            requester_id: requester.id,
            organization_id,
            group_id,
            assignee_id,
            tags: Json(tags),
            custom_fields: Json(custom_fields),
            external_id: input.external_id.clone(),
            external_source,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            location_label: location.label,
            location_lat: location.point.map(|p| p.lat),
            location_lon: location.point.map(|p| p.lon),
            sla_due_at: None,
        };
        let draft = NewTicketDraft { row, log, field_definitions: defs, organization_tier };
        self.commit_new_ticket(conn, By::Actor(actor), draft)
    }

    /// Ok(Err(message)) when `user_id` cannot take tickets (of `group_id`, when given).
    pub(super) fn check_assignee(
        &self,
        conn: &mut DbConn,
        user_id: i64,
        group_id: Option<i64>,
    ) -> AppResult<Result<(), String>> {
        let Some(user) = directory::find_user(conn, user_id)? else {
            return Ok(Err("no such user".into()));
        };
        if !user.active || UserKind::parse(&user.kind) != Some(UserKind::Staff) {
            return Ok(Err("must be an active staff user".into()));
        }
        if let Some(group_id) = group_id
            && !directory::group_ids_of_user(conn, user_id)?.contains(&group_id)
        {
            return Ok(Err(format!("is not a member of group {group_id}")));
        }
        Ok(Ok(()))
    }

    /// Custom fields of kind user must name existing users.
    pub(super) fn check_user_fields(
        &self,
        conn: &mut DbConn,
        defs: &[FieldDefinition],
        values: &JsonMap,
        errors: &mut FieldErrors,
    ) -> AppResult<()> {
        let referenced = fields::referenced_user_ids(defs, values);
        if referenced.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = referenced.iter().map(|(_, id)| *id).collect();
        let existing = directory::existing_user_ids(conn, &ids)?;
        for (key, id) in referenced {
            if !existing.contains(&id) {
                errors.add(format!("custom_fields.{key}"), format!("no user with id {id}"));
            }
        }
        Ok(())
    }
}

fn existing_external(existing_id: i64, source: &str, external_id: &str) -> AppError {
    let mut extra = serde_json::Map::new();
    extra.insert("existing_ticket_id".into(), existing_id.into());
    extra.insert("existing_ticket_number".into(), rules::format_ticket_number(existing_id).into());
    AppError::Conflict {
        code: "external_id_taken",
        params: extra.clone(),
        detail: format!(
            "ticket {} already has external id {external_id} from {source}",
            rules::format_ticket_number(existing_id)
        ),
        extra,
    }
}
