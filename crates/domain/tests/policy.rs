use std::collections::BTreeSet;

use Permission::*;
use loopdesk_domain::policy::*;
use loopdesk_domain::ticket::TicketStatus::{self, *};
use proptest::prelude::*;

fn actor(role: &str, kind: UserKind) -> Actor {
    Actor {
        user_id: 10,
        kind,
        permissions: default_permissions(role).unwrap().into_iter().collect(),
        group_ids: vec![1, 2],
        organization_id: Some(500),
        organization_shares_tickets: false,
        api_key_id: None,
    }
}

/// A ticket unrelated to actor 10: other requester, other org, other group, other assignee.
const STRANGERS: TicketAccessFacts =
    TicketAccessFacts { requester_id: 99, organization_id: Some(501), group_id: Some(3), assignee_id: Some(98) };

#[test]
fn permission_wire_names() {
    for p in Permission::ALL {
        assert_eq!(serde_json::to_value(p).unwrap(), serde_json::Value::from(p.as_str()));
        assert_eq!(Permission::parse(p.as_str()), Some(p));
    }
    assert_eq!(TicketsReadAll.as_str(), "tickets_read_all");
    assert_eq!(ApiKeysManage.as_str(), "api_keys_manage");
    assert_eq!(Permission::ALL.len(), 17);
    for k in [UserKind::Staff, UserKind::Customer] {
        assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::from(k.as_str()));
        assert_eq!(UserKind::parse(k.as_str()), Some(k));
    }
}

#[test]
fn default_permissions_for_builtin_roles() {
    assert_eq!(default_permissions("admin").unwrap(), Permission::ALL);
    let staff =
        [TicketsReadGroup, TicketsCreate, TicketsUpdate, TicketsAssign, CommentsPublic, CommentsInternal, UsersRead];
    assert_eq!(default_permissions("supervisor").unwrap(), staff);
    assert_eq!(default_permissions("agent").unwrap(), staff);
    assert_eq!(default_permissions("customer").unwrap(), [TicketsReadOwn, TicketsCreate, CommentsPublic]);
    for role in BUILTIN_ROLES {
        assert!(default_permissions(role).is_some(), "{role}");
    }
    assert_eq!(default_permissions("Admin"), None);
    assert_eq!(default_permissions("root"), None);
    assert_eq!(default_permissions(""), None);
}

#[test]
fn forbidden_for_customers_lists_staff_only_permissions() {
    assert!(forbidden_for_customers(&default_permissions("customer").unwrap()).is_empty());
    assert_eq!(
        forbidden_for_customers(&[TicketsCreate, CommentsInternal, TicketsReadAll, CommentsInternal]),
        [CommentsInternal, TicketsReadAll]
    );
    let all_forbidden = forbidden_for_customers(&Permission::ALL);
    assert_eq!(all_forbidden.len(), Permission::ALL.len() - 3);
    assert!(!all_forbidden.contains(&TicketsReadOwn));
}

#[test]
fn visibility_for_each_role() {
    assert_eq!(ticket_visibility(&actor("admin", UserKind::Staff)), TicketVisibility::All);
    for role in ["supervisor", "agent"] {
        assert_eq!(
            ticket_visibility(&actor(role, UserKind::Staff)),
            TicketVisibility::Staff { user_id: 10, group_ids: vec![1, 2] }
        );
    }
    let mut customer = actor("customer", UserKind::Customer);
    assert_eq!(ticket_visibility(&customer), TicketVisibility::Customer { user_id: 10, organization_id: None });
    customer.organization_shares_tickets = true;
    assert_eq!(ticket_visibility(&customer), TicketVisibility::Customer { user_id: 10, organization_id: Some(500) });

    let mut nobody = actor("agent", UserKind::Staff);
    nobody.permissions = BTreeSet::from([TicketsCreate, UsersRead]);
    assert_eq!(ticket_visibility(&nobody), TicketVisibility::None);
}

#[test]
fn can_view_for_each_role() {
    let admin = actor("admin", UserKind::Staff);
    let agent = actor("agent", UserKind::Staff);
    let mut customer = actor("customer", UserKind::Customer);

    assert!(can_view(&admin, &STRANGERS));
    assert!(!can_view(&agent, &STRANGERS));
    assert!(!can_view(&customer, &STRANGERS));

    assert!(can_view(&agent, &TicketAccessFacts { group_id: Some(2), ..STRANGERS }));
    assert!(can_view(&agent, &TicketAccessFacts { assignee_id: Some(10), ..STRANGERS }));
    assert!(can_view(&agent, &TicketAccessFacts { requester_id: 10, ..STRANGERS }));
    assert!(!can_view(&agent, &TicketAccessFacts { group_id: None, ..STRANGERS }));

    assert!(can_view(&customer, &TicketAccessFacts { requester_id: 10, ..STRANGERS }));
    assert!(!can_view(&customer, &TicketAccessFacts { assignee_id: Some(10), group_id: Some(1), ..STRANGERS }));
    let colleagues_ticket = TicketAccessFacts { organization_id: Some(500), ..STRANGERS };
    assert!(!can_view(&customer, &colleagues_ticket), "organization does not share");
    customer.organization_shares_tickets = true;
    assert!(can_view(&customer, &colleagues_ticket));
    customer.organization_id = None;
    assert!(!can_view(&customer, &TicketAccessFacts { organization_id: None, ..STRANGERS }));
}

#[test]
fn customers_never_gain_staff_powers_from_misconfigured_permissions() {
    let mut customer = actor("customer", UserKind::Customer);
    customer.permissions = Permission::ALL.into_iter().collect();
    assert!(!customer.has(TicketsReadAll));
    assert!(!customer.has(CommentsInternal));
    assert!(customer.has(TicketsReadOwn));
    assert!(matches!(ticket_visibility(&customer), TicketVisibility::Customer { .. }));
    assert!(!sees_internal(&customer));
    let own = TicketAccessFacts { requester_id: 10, ..STRANGERS };
    assert!(may_comment(&customer, &own, true).is_err());
    assert!(may_transition(&customer, &own, New, Resolved).is_err());
}

#[test]
fn only_staff_with_internal_comments_see_internal() {
    assert!(sees_internal(&actor("admin", UserKind::Staff)));
    assert!(sees_internal(&actor("agent", UserKind::Staff)));
    assert!(!sees_internal(&actor("customer", UserKind::Customer)));
    let mut narrowed_key = actor("agent", UserKind::Staff);
    narrowed_key.permissions.remove(&CommentsInternal);
    narrowed_key.api_key_id = Some(3);
    assert!(!sees_internal(&narrowed_key));
}

#[test]
fn require_names_the_missing_permission() {
    let customer = actor("customer", UserKind::Customer);
    assert_eq!(require(&customer, TicketsCreate), Ok(()));
    let err = require(&customer, TicketsAssign).unwrap_err();
    assert_eq!(err.to_string(), "requires permission tickets_assign");
}

#[test]
fn customer_may_only_confirm_or_reopen() {
    let customer = actor("customer", UserKind::Customer);
    let own = TicketAccessFacts { requester_id: 10, ..STRANGERS };
    for from in TicketStatus::ALL {
        for to in TicketStatus::ALL {
            let expected = matches!((from, to), (Resolved, Closed) | (Resolved, InProgress) | (Closed, InProgress));
            assert_eq!(may_transition(&customer, &own, from, to).is_ok(), expected, "{from} -> {to}");
        }
    }
    assert!(may_transition(&customer, &STRANGERS, Resolved, Closed).is_err(), "not their ticket");
}

#[test]
fn staff_transitions_need_update_and_visibility() {
    let agent = actor("agent", UserKind::Staff);
    let in_group = TicketAccessFacts { group_id: Some(1), ..STRANGERS };
    assert_eq!(may_transition(&agent, &in_group, New, InProgress), Ok(()));
    assert!(may_transition(&agent, &STRANGERS, New, InProgress).is_err());

    let mut read_only = agent.clone();
    read_only.permissions.remove(&TicketsUpdate);
    let err = may_transition(&read_only, &in_group, New, InProgress).unwrap_err();
    assert_eq!(err.to_string(), "requires permission tickets_update");
}

#[test]
fn comment_permissions() {
    let agent = actor("agent", UserKind::Staff);
    let customer = actor("customer", UserKind::Customer);
    let own = TicketAccessFacts { requester_id: 10, group_id: Some(1), ..STRANGERS };

    assert_eq!(may_comment(&agent, &own, true), Ok(()));
    assert_eq!(may_comment(&agent, &own, false), Ok(()));
    assert!(may_comment(&agent, &STRANGERS, false).is_err());

    assert_eq!(may_comment(&customer, &own, false), Ok(()));
    assert!(may_comment(&customer, &own, true).is_err());
    assert!(may_comment(&customer, &STRANGERS, false).is_err());

    let mut silent = agent.clone();
    silent.permissions.remove(&CommentsPublic);
    assert!(may_comment(&silent, &own, false).is_err());
    assert_eq!(may_comment(&silent, &own, true), Ok(()));
}

/// Reference reading of TicketVisibility's documented meaning, written the way persistence builds its WHERE clause.
fn reference_permits(visibility: &TicketVisibility, t: &TicketAccessFacts) -> bool {
    match visibility {
        TicketVisibility::All => true,
        TicketVisibility::Staff { user_id, group_ids } => {
            let in_groups = match t.group_id {
                Some(g) => group_ids.contains(&g),
                None => false,
            };
            in_groups || t.assignee_id == Some(*user_id) || t.requester_id == *user_id
        }
        TicketVisibility::Customer { user_id, organization_id } => {
            let shared = match (organization_id, t.organization_id) {
                (Some(mine), Some(theirs)) => *mine == theirs,
                _ => false,
            };
            t.requester_id == *user_id || shared
        }
        TicketVisibility::None => false,
    }
}

// Small id ranges so generated actors and tickets collide often.
fn small_id() -> impl Strategy<Value = i64> {
    1i64..5
}

prop_compose! {
    fn any_actor()(
        user_id in small_id(),
        is_customer in any::<bool>(),
        permissions in proptest::sample::subsequence(Permission::ALL.to_vec(), 0..=Permission::ALL.len()),
        group_ids in proptest::collection::vec(small_id(), 0..3),
        organization_id in proptest::option::of(small_id()),
        organization_shares_tickets in any::<bool>(),
    ) -> Actor {
        Actor {
            user_id,
            kind: if is_customer { UserKind::Customer } else { UserKind::Staff },
            permissions: permissions.into_iter().collect(),
            group_ids,
            organization_id,
            organization_shares_tickets,
            api_key_id: None,
        }
    }
}

prop_compose! {
    fn any_facts()(
        requester_id in small_id(),
        organization_id in proptest::option::of(small_id()),
        group_id in proptest::option::of(small_id()),
        assignee_id in proptest::option::of(small_id()),
    ) -> TicketAccessFacts {
        TicketAccessFacts { requester_id, organization_id, group_id, assignee_id }
    }
}

proptest! {
    // Many cases: a wrong clause only shows for specific actor/ticket combinations.
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn can_view_agrees_with_visibility(actor in any_actor(), ticket in any_facts()) {
        let visibility = ticket_visibility(&actor);
        prop_assert_eq!(can_view(&actor, &ticket), reference_permits(&visibility, &ticket));
    }

    #[test]
    fn customers_never_see_internal_or_beyond_own_scope(mut actor in any_actor(), ticket in any_facts()) {
        actor.kind = UserKind::Customer;
        prop_assert!(!sees_internal(&actor));
        let own = ticket.requester_id == actor.user_id;
        let shared = actor.organization_shares_tickets
            && actor.organization_id.is_some()
            && ticket.organization_id == actor.organization_id;
        if can_view(&actor, &ticket) {
            prop_assert!(own || shared);
        }
        prop_assert!(may_comment(&actor, &ticket, true).is_err());
    }
}

fn holding(perms: &[Permission]) -> Actor {
    Actor { permissions: perms.iter().copied().collect(), ..actor("agent", UserKind::Staff) }
}

#[test]
fn nobody_grants_beyond_what_they_hold() {
    let admin = actor("admin", UserKind::Staff);
    let narrow_key = holding(&[UsersManage]);
    let admin_role = default_permissions("admin").unwrap();
    assert!(may_grant(&admin, &admin_role).is_ok());
    let err = may_grant(&narrow_key, &admin_role).unwrap_err().to_string();
    assert!(err.contains("api_keys_manage") && !err.contains("users_manage,"), "{err}");
    assert!(may_grant(&narrow_key, &[UsersManage]).is_ok());
    // A customer-kind caller never holds staff permissions, whatever its data says.
    let customer = Actor { permissions: admin_role.iter().copied().collect(), ..actor("customer", UserKind::Customer) };
    assert!(may_grant(&customer, &[UsersManage]).is_err());
}

#[test]
fn nobody_manages_a_stronger_account() {
    let supervisor = actor("supervisor", UserKind::Staff);
    let admin_role = default_permissions("admin").unwrap();
    let agent_role = default_permissions("agent").unwrap();
    assert!(may_manage_user(&actor("admin", UserKind::Staff), &admin_role).is_ok());
    assert!(may_manage_user(&holding(&[UsersManage]), &admin_role).is_err());
    assert!(
        may_manage_user(&Actor { permissions: admin_role.iter().copied().collect(), ..supervisor }, &agent_role)
            .is_ok()
    );
}

proptest! {
    /// Granting and managing are the subset relation: allowed exactly when every permission is held.
    #[test]
    fn grant_is_subset(held in proptest::sample::subsequence(Permission::ALL.to_vec(), 0..=17),
                       asked in proptest::sample::subsequence(Permission::ALL.to_vec(), 0..=17)) {
        let caller = holding(&held);
        let subset = asked.iter().all(|p| held.contains(p));
        prop_assert_eq!(may_grant(&caller, &asked).is_ok(), subset);
        prop_assert_eq!(may_manage_user(&caller, &asked).is_ok(), subset);
    }
}

#[test]
fn personal_state_is_changed_in_a_session_not_with_a_key() {
    let person = actor("agent", UserKind::Staff);
    assert!(may_change_personal_state(&person).is_ok());
    let key = Actor { api_key_id: Some(7), ..actor("admin", UserKind::Staff) };
    assert!(may_change_personal_state(&key).is_err());
}

#[test]
fn taking_work_needs_update_and_assign_not_just_being_the_assignee() {
    for role in ["agent", "supervisor", "admin"] {
        assert!(may_take_work(&actor(role, UserKind::Staff)).is_ok(), "{role}");
    }
    assert!(may_take_work(&actor("customer", UserKind::Customer)).is_err());
    let narrow = |permissions: &[Permission]| Actor {
        permissions: permissions.iter().copied().collect(),
        api_key_id: Some(7),
        ..actor("admin", UserKind::Staff)
    };
    assert!(may_take_work(&narrow(&[TicketsReadAll, UsersRead])).is_err());
    assert!(may_take_work(&narrow(&[TicketsReadAll, TicketsUpdate])).is_err());
    assert!(may_take_work(&narrow(&[TicketsReadAll, TicketsAssign])).is_err());
    assert!(may_take_work(&narrow(&[TicketsReadAll, TicketsUpdate, TicketsAssign])).is_ok());
}

#[test]
fn the_inbox_is_read_in_a_session_not_with_a_key() {
    assert!(may_read_personal_inbox(&actor("customer", UserKind::Customer)).is_ok());
    assert!(may_read_personal_inbox(&actor("agent", UserKind::Staff)).is_ok());
    let key = Actor { api_key_id: Some(7), ..actor("admin", UserKind::Staff) };
    assert!(may_read_personal_inbox(&key).is_err());
}
