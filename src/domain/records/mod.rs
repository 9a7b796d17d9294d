//! What caseworkers record, as it arrives (`*Input`, the request bodies the API and the forms
//! share) and as it is once checked (`*Facts`): one step, `parse`, turns the first into the
//! second or into every field problem at once. The database-dependent checks (does the
//! country, the facility exist) are the services'; everything else is here, once.

pub mod claims;
pub mod patch;
pub mod person;
pub mod plausibility;

pub use claims::{ClaimFacts, ClaimInput, CustodyFacts, CustodyInput, NameFacts, NameInput};
pub use patch::Patch;
pub use person::{PersonFacts, PersonInput, PersonPatch};

/// `prefix` + `name`, the path of a field in a larger input (`members[0].` + `birth`).
pub(crate) fn field(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}
