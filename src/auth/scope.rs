//! The organisation scope: which organisation's records a query may read or write. Every repo
//! function for people data (persons, families, names, claims, custody, kinship, stored
//! results, cases and documents to come) takes one, and only three doors make one:
//! - a signed-in user with a permission over records (`Can<P>::scope`, see `current_user`);
//! - the operator at the command line, naming an organisation ([`operator`]);
//! - work over everyone, one organisation at a time ([`each_organisation`]).
//!
//! There is no constructor from a string or an id, so a scope cannot be made up from input.

use crate::db::models::OrganisationRow;
use crate::db::DbConnection;
use crate::domain::ids::OrgId;

/// The organisation whose records a query may return or change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgScope(OrgId);

impl OrgScope {
    /// Only this module and the user extractor make scopes.
    pub(in crate::auth) fn new(id: OrgId) -> OrgScope {
        OrgScope(id)
    }

    /// The organisation id.
    pub fn id(&self) -> &OrgId {
        &self.0
    }
}

/// The operator acting on a named organisation (the CLI, the demo loader, tests that play the
/// operator): the row must have come from the database.
pub fn operator(org: &OrganisationRow) -> OrgScope {
    OrgScope::new(org.id.clone())
}

/// Every organisation's scope, for work over everyone (re-evaluation, simulation counts).
pub fn each_organisation(conn: &mut DbConnection) -> diesel::QueryResult<Vec<OrgScope>> {
    Ok(crate::db::repo::organisations::list(conn)?.into_iter().map(|o| OrgScope::new(o.id)).collect())
}
