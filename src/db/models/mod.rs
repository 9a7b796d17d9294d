//! Row types, one per table, and their insert forms. Rows hold domain types (typed ids, enums,
//! country codes, partial dates as their stored ranges), so a bad stored value fails the query
//! instead of disappearing. A row that holds a secret (`UserRow::password_hash`) never derives
//! `Serialize`: API views are separate types.

pub mod cases;
pub mod jobs;
pub mod policy;
pub mod registry;

pub use cases::*;
pub use jobs::*;
pub use policy::*;
pub use registry::*;

use crate::db::schema::*;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::role::Role;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An organisation (an NGO).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: OrgId,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
}

/// A user account, including its password hash.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub organisation_id: OrgId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A server-side session; only the hash of its token is stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// `done` for a full session; `code` or `enrol` while the second factor is awaited
    /// (`services::two_factor::Stage`).
    pub second_factor: String,
}

/// One failed login, keyed by hashes of the account and the client address.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_failures)]
pub struct LoginFailureRow {
    pub id: String,
    pub account_key: String,
    pub client_key: String,
    pub failed_at: NaiveDateTime,
}

/// One stored audit event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub organisation_id: Option<String>,
    pub action: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub request_id: String,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A country of the reference list (ISO 3166-1 alpha-2, plus XK).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, PartialEq, Eq)]
#[diesel(table_name = countries)]
pub struct CountryRow {
    pub code: String,
    pub name: String,
}

/// A deployment-level grant to change the policies every organisation shares.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = policy_stewards)]
pub struct StewardRow {
    pub user_id: UserId,
    pub granted_by: Option<String>,
    pub granted_at: NaiveDateTime,
}
