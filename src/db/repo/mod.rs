//! Queries, as plain functions `fn(&mut DbConnection, ...) -> QueryResult<T>`.
//!
//! Queries that return an organisation's records take an [`OrgScope`], which only the
//! authentication layer (or the CLI, acting as the operator) creates: forgetting the scope does
//! not compile.

pub mod audit;
pub mod countries;
pub mod facilities;
pub mod login_failures;
pub mod organisations;
pub mod policies;
pub mod registry;
pub mod sessions;
pub mod users;

/// The organisation whose records a query may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgScope(String);

impl OrgScope {
    /// Scope for an organisation id. Call only from the authentication layer or the CLI.
    pub fn new(organisation_id: impl Into<String>) -> OrgScope {
        OrgScope(organisation_id.into())
    }

    /// The organisation id.
    pub fn id(&self) -> &str {
        &self.0
    }
}

/// Limit and offset of a list query.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// A new random id, as stored.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
