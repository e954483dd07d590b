//! Shared plumbing for enums that travel as snake_case strings (JSON, DB columns, query params).

/// Generates `ALL`, `as_str`, `parse`, `Display` and `FromStr` from one variant/name table,
/// so the list of wire names cannot drift between the five of them.
/// The names must match the enum's `#[serde(rename_all = "snake_case")]` (checked in tests).
macro_rules! wire_names {
    ($ty:ident, $what:literal { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The snake_case wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// Parses an exact wire name.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($name => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!(
                        "{s:?} is not a valid {}; expected one of: {}",
                        $what,
                        allowed.join(", ")
                    )
                })
            }
        }
    };
}
