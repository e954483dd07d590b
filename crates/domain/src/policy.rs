//! Permissions and ticket visibility. Handlers ask these functions; they never decide access themselves.

use std::collections::BTreeSet;

use crate::ticket::TicketStatus;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See every ticket.
    TicketsReadAll,
    /// See tickets of own groups, plus those assigned to or requested by self.
    TicketsReadGroup,
    /// See tickets requested by self (plus the organization's when the organization shares).
    TicketsReadOwn,
    TicketsCreate,
    /// Edit fields and change status.
    TicketsUpdate,
    /// Assign and transfer.
    TicketsAssign,
    CommentsPublic,
    /// Write and read internal notes.
    CommentsInternal,
    UsersManage,
    GroupsManage,
    OrganizationsManage,
    TicketTypesManage,
    ApiKeysManage,
    /// List users, groups, organizations and types for pickers.
    UsersRead,
    /// Edit routing rules and agents' capacity and skills.
    RoutingManage,
    /// Edit business calendars and SLA policies.
    SlaManage,
    /// Configure notification channels (group robots, webhooks) and see deliveries.
    ChannelsManage,
}

wire_names!(Permission, "permission" {
    TicketsReadAll => "tickets_read_all",
    TicketsReadGroup => "tickets_read_group",
    TicketsReadOwn => "tickets_read_own",
    TicketsCreate => "tickets_create",
    TicketsUpdate => "tickets_update",
    TicketsAssign => "tickets_assign",
    CommentsPublic => "comments_public",
    CommentsInternal => "comments_internal",
    UsersManage => "users_manage",
    GroupsManage => "groups_manage",
    OrganizationsManage => "organizations_manage",
    TicketTypesManage => "ticket_types_manage",
    ApiKeysManage => "api_keys_manage",
    UsersRead => "users_read",
    RoutingManage => "routing_manage",
    SlaManage => "sla_manage",
    ChannelsManage => "channels_manage",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Staff,
    Customer,
}

wire_names!(UserKind, "user kind" {
    Staff => "staff",
    Customer => "customer",
});

/// The only permissions a customer-kind user may ever hold.
pub const CUSTOMER_PERMISSIONS: [Permission; 3] =
    [Permission::TicketsReadOwn, Permission::TicketsCreate, Permission::CommentsPublic];

/// The built-in roles and their default permission sets (stored in the database at migration/seed time; the DB copy is authoritative at run time).
pub const BUILTIN_ROLES: [&str; 4] = ["admin", "supervisor", "agent", "customer"];

pub fn default_permissions(role: &str) -> Option<Vec<Permission>> {
    use Permission::*;
    let permissions = match role {
        "admin" => Permission::ALL.to_vec(),
        // Supervisor and agent start out identical; they are separate roles because dispatch rights will diverge.
        "supervisor" => vec![
            TicketsReadGroup,
            TicketsCreate,
            TicketsUpdate,
            TicketsAssign,
            CommentsPublic,
            CommentsInternal,
            UsersRead,
        ],
        "agent" => vec![
            TicketsReadGroup,
            TicketsCreate,
            TicketsUpdate,
            TicketsAssign,
            CommentsPublic,
            CommentsInternal,
            UsersRead,
        ],
        "customer" => CUSTOMER_PERMISSIONS.to_vec(),
        _ => return None,
    };
    Some(permissions)
}

/// A customer kind may never hold staff-only permissions: returns the forbidden ones (everything except TicketsReadOwn, TicketsCreate, CommentsPublic).
/// Each forbidden permission is listed once, in the order given.
pub fn forbidden_for_customers(perms: &[Permission]) -> Vec<Permission> {
    let mut forbidden = Vec::new();
    for &p in perms {
        if !CUSTOMER_PERMISSIONS.contains(&p) && !forbidden.contains(&p) {
            forbidden.push(p);
        }
    }
    forbidden
}

/// The authenticated caller as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub kind: UserKind,
    pub permissions: BTreeSet<Permission>,
    pub group_ids: Vec<i64>,
    pub organization_id: Option<i64>,
    /// the customer's organization lets members see each other's tickets
    pub organization_shares_tickets: bool,
    /// Some(id) when the request came with an API key (permissions already narrowed to the key's scope)
    pub api_key_id: Option<i64>,
}

impl Actor {
    /// Whether the actor holds `p`. Staff-only permissions never count for a customer, even if
    /// misconfigured data grants them — a second line of defence behind `forbidden_for_customers`.
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p) && (!self.is_customer() || CUSTOMER_PERMISSIONS.contains(&p))
    }

    pub fn is_customer(&self) -> bool {
        self.kind == UserKind::Customer
    }
}

/// Which tickets an actor may read; persistence turns this into a WHERE clause, `can_view` applies the same rule to one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketVisibility {
    All,
    /// group_id in groups, or assignee = user, or requester = user
    Staff {
        user_id: i64,
        group_ids: Vec<i64>,
    },
    /// requester = user, or (organization shares and ticket.organization_id = organization)
    Customer {
        user_id: i64,
        organization_id: Option<i64>,
    },
    None,
}

impl TicketVisibility {
    /// Applies the rule to one ticket; must mean exactly what the persistence WHERE clause means.
    pub fn permits(&self, ticket: &TicketAccessFacts) -> bool {
        match self {
            TicketVisibility::All => true,
            TicketVisibility::Staff { user_id, group_ids } => {
                ticket.requester_id == *user_id
                    || ticket.assignee_id == Some(*user_id)
                    || ticket.group_id.is_some_and(|g| group_ids.contains(&g))
            }
            TicketVisibility::Customer { user_id, organization_id } => {
                ticket.requester_id == *user_id
                    || organization_id.is_some_and(|org| ticket.organization_id == Some(org))
            }
            TicketVisibility::None => false,
        }
    }
}

/// The broadest read permission wins: ReadAll → All; ReadGroup → Staff; ReadOwn → Customer
/// (organization_id only when the organization shares tickets); otherwise None.
pub fn ticket_visibility(actor: &Actor) -> TicketVisibility {
    if actor.has(Permission::TicketsReadAll) {
        TicketVisibility::All
    } else if actor.has(Permission::TicketsReadGroup) {
        TicketVisibility::Staff { user_id: actor.user_id, group_ids: actor.group_ids.clone() }
    } else if actor.has(Permission::TicketsReadOwn) {
        TicketVisibility::Customer {
            user_id: actor.user_id,
            organization_id: actor.organization_id.filter(|_| actor.organization_shares_tickets),
        }
    } else {
        TicketVisibility::None
    }
}

/// What the policy needs to know about one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketAccessFacts {
    pub requester_id: i64,
    pub organization_id: Option<i64>,
    pub group_id: Option<i64>,
    pub assignee_id: Option<i64>,
}

/// Same rule as `ticket_visibility`, applied to one ticket.
pub fn can_view(actor: &Actor, ticket: &TicketAccessFacts) -> bool {
    ticket_visibility(actor).permits(ticket)
}

/// May the actor see internal notes, internal custom fields and staff-only events? staff kind AND CommentsInternal.
pub fn sees_internal(actor: &Actor) -> bool {
    actor.kind == UserKind::Staff && actor.has(Permission::CommentsInternal)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("{0}")]
    Missing(String),
    #[error("requires permission {0}")]
    Permission(Permission),
}

fn denied(message: impl Into<String>) -> Denied {
    Denied::Missing(message.into())
}

pub fn require(actor: &Actor, p: Permission) -> Result<(), Denied> {
    if actor.has(p) { Ok(()) } else { Err(Denied::Permission(p)) }
}

fn require_view(actor: &Actor, ticket: &TicketAccessFacts) -> Result<(), Denied> {
    if can_view(actor, ticket) { Ok(()) } else { Err(denied("requires access to this ticket")) }
}

/// Transitions: staff need TicketsUpdate (and can_view). A customer who can view a ticket may only confirm (Resolved → Closed) or reopen (Resolved/Closed → InProgress) — that is how the requester closes the loop.
/// Only decides who may act; whether the step exists in the state machine is `check_transition`'s job.
pub fn may_transition(
    actor: &Actor,
    ticket: &TicketAccessFacts,
    from: TicketStatus,
    to: TicketStatus,
) -> Result<(), Denied> {
    require_view(actor, ticket)?;
    match actor.kind {
        UserKind::Staff => require(actor, Permission::TicketsUpdate),
        UserKind::Customer => {
            let confirms = from == TicketStatus::Resolved && to == TicketStatus::Closed;
            if confirms || TicketStatus::is_reopen(from, to) {
                Ok(())
            } else {
                Err(denied("customers may only confirm a resolved ticket or reopen it"))
            }
        }
    }
}

/// Comments: internal needs CommentsInternal and staff kind; public needs CommentsPublic; both need can_view.
pub fn may_comment(actor: &Actor, ticket: &TicketAccessFacts, internal: bool) -> Result<(), Denied> {
    require_view(actor, ticket)?;
    if internal {
        if actor.is_customer() {
            return Err(denied("customers cannot write internal notes"));
        }
        require(actor, Permission::CommentsInternal)
    } else {
        require(actor, Permission::CommentsPublic)
    }
}

/// Granting: nobody hands out a permission they do not hold themself (through a role given to a user, or an API
/// key's scope). For a caller using an API key, what it holds is already narrowed to the key's scope.
pub fn may_grant(actor: &Actor, granted: &[Permission]) -> Result<(), Denied> {
    let beyond = beyond_actor(actor, granted);
    if beyond.is_empty() {
        Ok(())
    } else {
        Err(denied(format!("you cannot grant what you do not hold: {}", beyond.join(", "))))
    }
}

/// Managing a person: nobody changes anything of someone who holds a permission they do not hold (their
/// password, e-mail, role, groups, whether they are active), so a narrow key or a junior manager cannot take
/// over a stronger account.
pub fn may_manage_user(actor: &Actor, target_holds: &[Permission]) -> Result<(), Denied> {
    let beyond = beyond_actor(actor, target_holds);
    if beyond.is_empty() {
        Ok(())
    } else {
        Err(denied(format!("this user holds permissions you do not hold: {}", beyond.join(", "))))
    }
}

fn beyond_actor(actor: &Actor, permissions: &[Permission]) -> Vec<&'static str> {
    let mut beyond: Vec<&'static str> = permissions.iter().filter(|p| !actor.has(**p)).map(|p| p.as_str()).collect();
    beyond.sort_unstable();
    beyond.dedup();
    beyond
}

/// A person's own state (availability, position, notification preferences and read marks, what they watch)
/// is changed by that person in a session, not by an API key acting for them: a key serves a system, and
/// whatever its scope, it must not put its owner online for dispatch or silence their notifications.
pub fn may_change_personal_state(actor: &Actor) -> Result<(), Denied> {
    match actor.api_key_id {
        None => Ok(()),
        Some(_) => Err(denied("an API key cannot change a person's own settings or state; sign in as that person")),
    }
}

/// Taking on work (accepting or declining an assignment, claiming a pool ticket) moves the ticket's status and
/// assignee: staff only, holding TicketsUpdate and TicketsAssign — being the assignee (or a pool member) is not
/// enough, so a read-only API key of that person cannot do it for them.
pub fn may_take_work(actor: &Actor) -> Result<(), Denied> {
    if actor.is_customer() {
        return Err(denied("only staff take on work"));
    }
    require(actor, Permission::TicketsUpdate)?;
    require(actor, Permission::TicketsAssign)
}

/// A person's notifications are read by that person in a session, not by an API key acting for them: they tell of
/// tickets (number, subject) whatever the key's scope, so a key holding only, say, `users_manage` would read what
/// it may not see.
pub fn may_read_personal_inbox(actor: &Actor) -> Result<(), Denied> {
    match actor.api_key_id {
        None => Ok(()),
        Some(_) => Err(denied("an API key cannot read a person's notifications; sign in as that person")),
    }
}
