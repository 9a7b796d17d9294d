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

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("source")));
            }
        }
    }

    /// The operator's doors and the walk over every organisation are for the command line and
    /// background work: a handler (API or page) only ever gets its scope from the signed-in user.
    #[test]
    fn handlers_get_scopes_only_from_the_signed_in_user() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        for dir in ["api", "ui", "http"] {
            sources(&root.join(dir), &mut files);
        }
        assert!(files.len() > 20, "the handlers were found");
        let doors = ["operator_scope", "scope::operator", "each_organisation", "OrgScope::new", "repo::bulk"];
        for (path, text) in &files {
            for door in doors {
                assert!(!text.contains(door), "{path} uses `{door}`: handlers take the user's scope (Can<P>::scope)");
            }
        }
    }
}
