//! Typed ids: a person's id cannot be passed where a family's is expected. Every id is a UUID
//! in its canonical text form; parsing refuses anything else, so a malformed id in a path
//! names nothing (404) and a malformed stored id is an error, not a silent miss.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(try_from = "String", into = "String")]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(String);

        impl $name {
            /// A new id: a UUIDv7, its time first and then 74 random bits, so that the rows
            /// written together (an import's 50,000 persons and their names, claims, history)
            /// sit together at the end of every index keyed by their ids instead of at random
            /// places in a large index. An id is no secret: every read checks the scope.
            pub fn new_random() -> $name {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// Parses a UUID (any case), stored in canonical lower-case form.
            pub fn parse(s: &str) -> Result<$name, String> {
                uuid::Uuid::parse_str(s)
                    .map(|u| $name(u.hyphenated().to_string()))
                    .map_err(|_| format!("`{}` is not an id", s.chars().take(40).collect::<String>()))
            }

            /// The stored text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<$name, String> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )+};
}

id_type! {
    /// An organisation (an NGO).
    OrgId;
    /// A user account.
    UserId;
    /// A family.
    FamilyId;
    /// A person.
    PersonId;
    /// Another name of a person.
    NameId;
    /// A nationality claim.
    ClaimId;
    /// A custody event.
    CustodyEventId;
    /// A kinship link.
    KinshipId;
    /// A facility (camp, prison, centre).
    FacilityId;
    /// A version of a country's policy.
    PolicyVersionId;
    /// A background job.
    JobId;
    /// A case (a family's repatriation towards one country).
    CaseId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_canonical_uuids() {
        let id = PersonId::parse("6F9619FF-8B86-D011-B42D-00C04FC964FF").expect("uuid");
        assert_eq!(id.as_str(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
        assert!(PersonId::parse("1 OR 1=1").is_err());
        assert!(serde_json::from_str::<FamilyId>("\"nope\"").is_err());
        let fresh = JobId::new_random();
        assert_eq!(JobId::parse(fresh.as_str()), Ok(fresh));
    }
}
