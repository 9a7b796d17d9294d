//! Queries, as plain functions `fn(&mut DbConnection, ...) -> QueryResult<T>`, one file per
//! table group.
//!
//! Every query that reads or writes people data (persons, families, names, claims, custody,
//! kinship, stored results) takes an [`OrgScope`], child-table lookups by their own id included,
//! and filters on the organisation column the table carries. A scope can only be made by the
//! authentication layer, the CLI or the job runner (see `auth::scope`), so forgetting it, or
//! making one up from input, does not compile.

pub mod audit;
pub mod backlog_facts;
pub(crate) mod bulk;
pub mod cases;
pub mod chunks;
pub mod claims;
pub mod countries;
pub mod custody;
pub mod devices;
pub mod duplicate_pairs;
pub mod exports;
pub mod facilities;
pub mod families;
pub mod history;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod kinships;
pub mod lists;
pub mod login_failures;
pub mod match_keys;
pub mod merges;
pub mod name_entries;
pub mod names;
pub mod organisations;
pub mod persons;
pub mod policies;
pub mod retention;
pub mod sessions;
pub mod snapshot;
pub(crate) mod sql;
pub mod stewards;
pub mod two_factor;
pub mod users;

pub use crate::auth::OrgScope;

/// Limit and offset of a list query.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// A new id for rows whose ids are not typed (sessions, history rows): time-ordered, like the
/// typed ids (`domain::ids`), so that rows written together sit together in the indexes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The error a repo write returns for a row whose organisation is not the scope's.
pub(crate) fn outside_scope() -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError("a row outside the caller's organisation scope".into())
}
