//! Persons of an organisation: their own facts, the derived columns, flags and wishes.
//! Functions that take several ids are for bounded sets (a family, a batch of at most a few
//! hundred, their kin); work over everyone walks [`batch_after`] instead.

use super::{outside_scope, OrgScope};
use crate::db::models::{PersonDerivedRow, PersonFlagRow, PersonRow, PersonWishRow};
use crate::db::schema::{person_derived as d, person_flags as fl, person_wishes as w, persons as p};
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::person::PersonFlag;
use diesel::prelude::*;

pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &PersonId) -> QueryResult<Option<PersonRow>> {
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::id.eq(id))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// Persons by id within the scope (ids of other organisations are silently absent).
pub fn by_ids(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<PersonRow>> {
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::id.eq_any(ids))
        .select(PersonRow::as_select())
        .load(conn)
}

/// A family's members, oldest first.
pub fn of_family(conn: &mut DbConnection, scope: &OrgScope, family_id: &FamilyId) -> QueryResult<Vec<PersonRow>> {
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::family_id.eq(family_id))
        .order((p::birth_earliest.asc(), p::given_name.asc(), p::id.asc()))
        .select(PersonRow::as_select())
        .load(conn)
}

/// The next `limit` persons of the organisation after `after`, by id: a keyset walk that
/// neither skips nor repeats anyone when rows are added meanwhile.
pub fn batch_after(
    conn: &mut DbConnection,
    scope: &OrgScope,
    after: Option<&PersonId>,
    limit: i64,
) -> QueryResult<Vec<PersonRow>> {
    let mut q = p::table.filter(p::organisation_id.eq(scope.id())).into_boxed();
    if let Some(a) = after {
        q = q.filter(p::id.gt(a.clone()));
    }
    q.order(p::id.asc()).limit(limit).select(PersonRow::as_select()).load(conn)
}

/// How many persons the organisation has.
pub fn count(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<i64> {
    p::table.filter(p::organisation_id.eq(scope.id())).count().get_result(conn)
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &PersonRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(p::table).values(row).execute(conn)?;
    let derived = PersonDerivedRow {
        person_id: row.id.clone(),
        organisation_id: row.organisation_id.clone(),
        search_key: String::new(),
        stateless: true,
        at_risk: true,
        custody_status: crate::domain::custody::CustodyStatus::Unknown,
        current_facility_id: None,
        family_id: row.family_id.clone(),
    };
    diesel::insert_into(d::table).values(&derived).execute(conn).map(|_| ())
}

/// Writes the person's own facts if the version is still `expected`; false if someone else
/// was first.
pub fn update(conn: &mut DbConnection, scope: &OrgScope, row: &PersonRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        p::table.filter(p::organisation_id.eq(scope.id())).filter(p::id.eq(&row.id)).filter(p::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

/// The derived columns of these persons.
pub fn derived_of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<PersonDerivedRow>> {
    d::table
        .filter(d::organisation_id.eq(scope.id()))
        .filter(d::person_id.eq_any(ids))
        .select(PersonDerivedRow::as_select())
        .load(conn)
}

/// Stores the freshly derived columns of many persons at once (an import's tens of thousands):
/// one multi-row upsert per few thousand rows instead of an update each. The rows exist from
/// the persons' inserts, so each takes the update path (whose triggers keep the search index).
pub fn set_derived_many(conn: &mut DbConnection, scope: &OrgScope, rows: &[PersonDerivedRow]) -> QueryResult<()> {
    use super::bulk::{Bulk, Cell};
    let mut bulk = Bulk::with_suffix(
        "person_derived",
        &[
            "person_id",
            "organisation_id",
            "search_key",
            "stateless",
            "at_risk",
            "custody_status",
            "current_facility_id",
            "family_id",
        ],
        "ON CONFLICT (person_id) DO UPDATE SET search_key = excluded.search_key, stateless = excluded.stateless, \
         at_risk = excluded.at_risk, custody_status = excluded.custody_status, \
         current_facility_id = excluded.current_facility_id, family_id = excluded.family_id",
    );
    for r in rows {
        if &r.organisation_id != scope.id() {
            return Err(outside_scope());
        }
        bulk.push(vec![
            Cell::from(r.person_id.as_str()),
            Cell::from(r.organisation_id.as_str()),
            Cell::from(r.search_key.as_str()),
            Cell::Bool(r.stateless),
            Cell::Bool(r.at_risk),
            Cell::from(r.custody_status.as_str()),
            Cell::OptText(r.current_facility_id.as_ref().map(|f| f.as_str().to_string())),
            Cell::OptText(r.family_id.as_ref().map(|f| f.as_str().to_string())),
        ]);
        if bulk.is_full() {
            bulk.flush(conn)?;
        }
    }
    bulk.flush(conn)
}

/// The flags of these persons.
pub fn flags_of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<PersonFlagRow>> {
    fl::table
        .filter(fl::organisation_id.eq(scope.id()))
        .filter(fl::person_id.eq_any(ids))
        .order((fl::person_id, fl::flag))
        .select(PersonFlagRow::as_select())
        .load(conn)
}

/// Replaces a person's flags.
pub fn set_flags(
    conn: &mut DbConnection,
    scope: &OrgScope,
    person: &PersonId,
    flags: &[PersonFlag],
) -> QueryResult<()> {
    diesel::delete(fl::table.filter(fl::organisation_id.eq(scope.id())).filter(fl::person_id.eq(person)))
        .execute(conn)?;
    let rows: Vec<PersonFlagRow> = flags
        .iter()
        .map(|f| PersonFlagRow { person_id: person.clone(), organisation_id: scope.id().clone(), flag: *f })
        .collect();
    for row in &rows {
        diesel::insert_into(fl::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// The wishes of these persons, oldest first (the last of a person's is their wish now).
pub fn wishes_of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<PersonWishRow>> {
    w::table
        .filter(w::organisation_id.eq(scope.id()))
        .filter(w::person_id.eq_any(ids))
        .order((w::person_id, w::recorded_at, w::id))
        .select(PersonWishRow::as_select())
        .load(conn)
}

/// Records a wish.
pub fn add_wish(conn: &mut DbConnection, scope: &OrgScope, row: &PersonWishRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(w::table).values(row).execute(conn).map(|_| ())
}
