//! Ids with their own types, so a user id can never be passed where a ticket id is expected. They are plain
//! numbers on the wire (`serde(transparent)`) and in the database; the types live in signatures.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number as stored.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A ticket (工单).
    TicketId
);
id_type!(
    /// A person: staff or customer.
    UserId
);
id_type!(
    /// An agent group (部门 / 小组).
    GroupId
);
id_type!(
    /// A customer organisation.
    OrganizationId
);
id_type!(
    /// A ticket type (工单类型).
    TicketTypeId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_numbers_on_the_wire() {
        assert_eq!(serde_json::to_string(&TicketId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<UserId>("7").unwrap(), UserId(7));
        assert_eq!(i64::from(GroupId(3)), 3);
        assert_eq!(TicketTypeId(2).get(), 2);
        assert_eq!(OrganizationId(5).to_string(), "5");
    }
}
