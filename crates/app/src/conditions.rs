//! What the condition language needs from the database on save: which of the users, organisations, groups and
//! ticket types that conditions (and a routing rule's actions) name exist. Shared by every module whose admins
//! write conditions (routing rules, SLA policies).

use std::collections::{BTreeMap, BTreeSet};

use loopdesk_domain::conditions::{Condition, KnownRefs, referenced_organization_ids, referenced_user_ids};
use loopdesk_domain::fields::FieldDefinition;
use loopdesk_domain::policy::UserKind;
use loopdesk_persistence::DbConn;
use loopdesk_persistence::queries::{directory, ticket_types as types_q};

use crate::AppResult;

/// What exists among what `conditions` name, plus `more_user_ids` (agents a rule's actions name).
pub(crate) fn known_refs(conn: &mut DbConn, conditions: &[Condition], more_user_ids: &[i64]) -> AppResult<KnownRefs> {
    let mut user_ids = referenced_user_ids(conditions);
    user_ids.extend_from_slice(more_user_ids);
    user_ids.sort_unstable();
    user_ids.dedup();
    let users = directory::find_users(conn, &user_ids)?;
    let agent_ids =
        users.iter().filter(|u| u.active && UserKind::parse(&u.kind) == Some(UserKind::Staff)).map(|u| u.id).collect();
    let mut organization_ids = BTreeSet::new();
    for id in referenced_organization_ids(conditions) {
        if directory::find_organization(conn, id)?.is_some() {
            organization_ids.insert(id);
        }
    }
    let ticket_types: BTreeMap<i64, Vec<FieldDefinition>> =
        types_q::list(conn, true)?.iter().map(|t| (t.id, t.fields.0.clone())).collect();
    Ok(KnownRefs {
        group_ids: directory::list_groups(conn)?.iter().map(|g| g.id).collect(),
        agent_ids,
        user_ids: users.iter().map(|u| u.id).collect(),
        organization_ids,
        ticket_types,
    })
}
