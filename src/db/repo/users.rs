//! User queries. Lookups for the API are scoped to an organisation; lookups by email are for
//! login and uniqueness checks only.

use super::{OrgScope, Page};
use crate::db::models::UserRow;
use crate::db::schema::users::dsl as u;
use crate::db::DbConnection;
use crate::domain::ids::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConnection, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(u::users).values(row).execute(conn).map(|_| ())
}

/// For login and the uniqueness check: not scoped, never returned to a client.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    u::users.filter(u::email.eq(email)).select(UserRow::as_select()).first(conn).optional()
}

/// For the session check: the user behind a session, whatever the organisation.
pub fn find_by_id_unscoped(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<UserRow>> {
    u::users.filter(u::id.eq(id)).select(UserRow::as_select()).first(conn).optional()
}

pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &UserId) -> QueryResult<Option<UserRow>> {
    u::users
        .filter(u::organisation_id.eq(scope.id()))
        .filter(u::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Display names of the organisation's users among `ids` (a page of history's actors).
pub fn names(conn: &mut DbConnection, scope: &OrgScope, ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    u::users
        .filter(u::organisation_id.eq(scope.id()))
        .filter(u::id.eq_any(ids))
        .select((u::id, u::display_name))
        .load(conn)
}

/// Display names and organisations of any users (for the deployment's policy change log,
/// which every organisation's admins read): (id, name, organisation name).
pub fn names_with_organisation(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<(String, String, String)>> {
    use crate::db::schema::organisations as o;
    u::users.inner_join(o::table).filter(u::id.eq_any(ids)).select((u::id, u::display_name, o::name)).load(conn)
}

/// One page of the organisation's users by email, with the total count.
pub fn list(conn: &mut DbConnection, scope: &OrgScope, page: Page) -> QueryResult<(Vec<UserRow>, i64)> {
    let total = u::users.filter(u::organisation_id.eq(scope.id())).count().get_result(conn)?;
    let rows = u::users
        .filter(u::organisation_id.eq(scope.id()))
        .order((u::email.asc(), u::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(UserRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The editable fields of a user, as they will be after an update.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = crate::db::schema::users, treat_none_as_null = true)]
pub struct UserChanges {
    pub display_name: String,
    pub role: crate::domain::role::Role,
    pub password_hash: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// Writes the changes if the stored version is still `expected_version`; returns false if
/// someone else changed the user first.
pub fn update_versioned(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &UserId,
    expected_version: i64,
    changes: &UserChanges,
) -> QueryResult<bool> {
    let n = diesel::update(
        u::users.filter(u::organisation_id.eq(scope.id())).filter(u::id.eq(id)).filter(u::version.eq(expected_version)),
    )
    .set((changes, u::version.eq(expected_version + 1)))
    .execute(conn)?;
    Ok(n == 1)
}
