//! Registry queries: families, persons, names, kinship, claims, custody events, history.
//! Everything that returns an organisation's records takes an [`OrgScope`].

use super::{OrgScope, Page};
use crate::db::models::*;
use crate::db::schema::{
    custody_events as ce, families as f, kinships as k, nationality_claims as nc, person_names as pn, persons as p,
    record_changes as rc,
};
use crate::db::{DbConnection, MultiBackend};
use chrono::NaiveDate;
use diesel::prelude::*;

/// Filters of the person and family lists; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// A folded search key (see `domain::names::search_key`).
    pub q: Option<String>,
    /// A country code: persons with a live claim to it.
    pub nationality: Option<String>,
    /// Persons held there now.
    pub facility_id: Option<String>,
    /// Persons who may be at least this old on `as_of`.
    pub age_min: Option<i32>,
    /// Persons who may be at most this old on `as_of`.
    pub age_max: Option<i32>,
    /// The day ages are counted on; the age filters apply only with it.
    pub as_of: Option<NaiveDate>,
    pub sex: Option<String>,
    pub unaccompanied_minor: Option<bool>,
    pub orphan: Option<bool>,
    pub medical_need: Option<bool>,
    pub disability: Option<bool>,
    pub stateless: Option<bool>,
    pub at_risk: Option<bool>,
}

type PersonQuery<'a> = p::BoxedQuery<'a, MultiBackend>;

fn years_before(d: NaiveDate, years: i32) -> NaiveDate {
    crate::domain::partial_date::birthday(d, -years)
}

/// The organisation's persons matching the filter (unordered, unpaged).
pub fn person_query<'a>(scope: &OrgScope, filter: &PersonFilter) -> PersonQuery<'a> {
    let mut q = p::table.filter(p::organisation_id.eq(scope.id().to_string())).into_boxed();
    if let Some(key) = filter.q.as_deref().filter(|k| !k.is_empty()) {
        let escaped = key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        q = q.filter(p::search_key.like(format!("%{escaped}%")).escape('\\'));
    }
    if let Some(code) = &filter.nationality {
        let live = nc::table
            .filter(nc::country_code.eq(code.clone()))
            .filter(nc::status.eq_any(["claimed", "unverified", "verified"]))
            .select(nc::person_id);
        q = q.filter(p::id.eq_any(live));
    }
    if let Some(fid) = &filter.facility_id {
        q = q.filter(p::current_facility_id.eq(fid.clone()));
    }
    // Ages are counted on `as_of`, which whoever builds an age filter sets (to today by default).
    if let (Some(min), Some(as_of)) = (filter.age_min, filter.as_of) {
        q = q.filter(p::birth_earliest.le(years_before(as_of, min)));
    }
    if let (Some(max), Some(as_of)) = (filter.age_max, filter.as_of) {
        q = q.filter(p::birth_latest.gt(years_before(as_of, max + 1)));
    }
    if let Some(sex) = &filter.sex {
        q = q.filter(p::sex.eq(sex.clone()));
    }
    if let Some(v) = filter.unaccompanied_minor {
        q = q.filter(p::unaccompanied_minor.eq(v));
    }
    if let Some(v) = filter.orphan {
        q = q.filter(p::orphan.eq(v));
    }
    if let Some(v) = filter.medical_need {
        q = q.filter(p::medical_need.eq(v));
    }
    if let Some(v) = filter.disability {
        q = q.filter(p::disability.eq(v));
    }
    if let Some(v) = filter.stateless {
        q = q.filter(p::stateless.eq(v));
    }
    if let Some(v) = filter.at_risk {
        q = q.filter(p::at_risk.eq(v));
    }
    q
}

/// One page of matching persons by family name, given name and id, with the total.
pub fn list_persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
) -> QueryResult<(Vec<PersonRow>, i64)> {
    let total = person_query(scope, filter).count().get_result(conn)?;
    let rows = person_query(scope, filter)
        .order((p::family_name.asc(), p::given_name.asc(), p::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(PersonRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One page of families with at least one matching member (all families when the filter is
/// empty), by label and id, with the total.
pub fn list_families(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
) -> QueryResult<(Vec<FamilyRow>, i64)> {
    // Matching members' family ids first: the multi-backend cannot nest a boxed subquery.
    let family_ids: Option<Vec<String>> = if filter.is_empty() {
        None
    } else {
        Some(
            person_query(scope, filter)
                .filter(p::family_id.is_not_null())
                .select(p::family_id.assume_not_null())
                .distinct()
                .load(conn)?,
        )
    };
    let query = || {
        let mut q = f::table.filter(f::organisation_id.eq(scope.id().to_string())).into_boxed();
        if let Some(ids) = &family_ids {
            q = q.filter(f::id.eq_any(ids.clone()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((f::label.asc(), f::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(FamilyRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

impl PersonFilter {
    /// True when nothing but `as_of` (which alone filters nothing) is set.
    pub fn is_empty(&self) -> bool {
        let f = self;
        f.q.as_deref().is_none_or(str::is_empty)
            && f.nationality.is_none()
            && f.facility_id.is_none()
            && f.age_min.is_none()
            && f.age_max.is_none()
            && f.sex.is_none()
            && f.unaccompanied_minor.is_none()
            && f.orphan.is_none()
            && f.medical_need.is_none()
            && f.disability.is_none()
            && f.stateless.is_none()
            && f.at_risk.is_none()
    }
}

pub fn find_family(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> QueryResult<Option<FamilyRow>> {
    f::table
        .filter(f::organisation_id.eq(scope.id()))
        .filter(f::id.eq(id))
        .select(FamilyRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_family(conn: &mut DbConnection, row: &FamilyRow) -> QueryResult<()> {
    diesel::insert_into(f::table).values(row).execute(conn).map(|_| ())
}

/// Writes the family if its version is still `expected`; false if someone else was first.
pub fn update_family(conn: &mut DbConnection, scope: &OrgScope, row: &FamilyRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        f::table.filter(f::organisation_id.eq(scope.id())).filter(f::id.eq(&row.id)).filter(f::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find_person(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> QueryResult<Option<PersonRow>> {
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::id.eq(id))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// Persons by id, within the scope (ids of other organisations are silently absent).
pub fn persons_by_ids(conn: &mut DbConnection, scope: &OrgScope, ids: &[String]) -> QueryResult<Vec<PersonRow>> {
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::id.eq_any(ids))
        .select(PersonRow::as_select())
        .load(conn)
}

pub fn family_members(conn: &mut DbConnection, scope: &OrgScope, family_id: &str) -> QueryResult<Vec<PersonRow>> {
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::family_id.eq(family_id))
        .order((p::birth_earliest.asc(), p::given_name.asc(), p::id.asc()))
        .select(PersonRow::as_select())
        .load(conn)
}

pub fn insert_person(conn: &mut DbConnection, row: &PersonRow) -> QueryResult<()> {
    diesel::insert_into(p::table).values(row).execute(conn).map(|_| ())
}

/// Writes the person if its version is still `expected`; false if someone else was first.
pub fn update_person(conn: &mut DbConnection, scope: &OrgScope, row: &PersonRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        p::table.filter(p::organisation_id.eq(scope.id())).filter(p::id.eq(&row.id)).filter(p::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn names_of(conn: &mut DbConnection, person_ids: &[String]) -> QueryResult<Vec<PersonNameRow>> {
    pn::table
        .filter(pn::person_id.eq_any(person_ids))
        .order((pn::person_id, pn::created_at, pn::id))
        .select(PersonNameRow::as_select())
        .load(conn)
}

pub fn insert_name(conn: &mut DbConnection, row: &PersonNameRow) -> QueryResult<()> {
    diesel::insert_into(pn::table).values(row).execute(conn).map(|_| ())
}

pub fn delete_name(conn: &mut DbConnection, person_id: &str, name_id: &str) -> QueryResult<usize> {
    diesel::delete(pn::table.filter(pn::person_id.eq(person_id)).filter(pn::id.eq(name_id))).execute(conn)
}

/// Kinship links touching any of these persons, either side.
pub fn kinships_of(conn: &mut DbConnection, scope: &OrgScope, person_ids: &[String]) -> QueryResult<Vec<KinshipRow>> {
    k::table
        .filter(k::organisation_id.eq(scope.id()))
        .filter(k::person_id.eq_any(person_ids).or(k::relative_id.eq_any(person_ids)))
        .order((k::created_at, k::id))
        .select(KinshipRow::as_select())
        .load(conn)
}

pub fn insert_kinship(conn: &mut DbConnection, row: &KinshipRow) -> QueryResult<()> {
    diesel::insert_into(k::table).values(row).execute(conn).map(|_| ())
}

pub fn find_kinship(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> QueryResult<Option<KinshipRow>> {
    k::table
        .filter(k::organisation_id.eq(scope.id()))
        .filter(k::id.eq(id))
        .select(KinshipRow::as_select())
        .first(conn)
        .optional()
}

pub fn delete_kinship(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> QueryResult<usize> {
    diesel::delete(k::table.filter(k::organisation_id.eq(scope.id())).filter(k::id.eq(id))).execute(conn)
}

pub fn claims_of(conn: &mut DbConnection, person_ids: &[String]) -> QueryResult<Vec<ClaimRow>> {
    nc::table
        .filter(nc::person_id.eq_any(person_ids))
        .order((nc::person_id, nc::created_at, nc::id))
        .select(ClaimRow::as_select())
        .load(conn)
}

pub fn find_claim(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ClaimRow>> {
    nc::table.filter(nc::id.eq(id)).select(ClaimRow::as_select()).first(conn).optional()
}

pub fn insert_claim(conn: &mut DbConnection, row: &ClaimRow) -> QueryResult<()> {
    diesel::insert_into(nc::table).values(row).execute(conn).map(|_| ())
}

pub fn update_claim(conn: &mut DbConnection, row: &ClaimRow, expected: i64) -> QueryResult<bool> {
    let n =
        diesel::update(nc::table.filter(nc::id.eq(&row.id)).filter(nc::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn custody_of(conn: &mut DbConnection, person_ids: &[String]) -> QueryResult<Vec<CustodyEventRow>> {
    ce::table
        .filter(ce::person_id.eq_any(person_ids))
        .order((ce::person_id, ce::event_earliest, ce::created_at, ce::id))
        .select(CustodyEventRow::as_select())
        .load(conn)
}

/// Custody events of the organisation's persons who were ever at this facility.
pub fn custody_touching_facility(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility_id: &str,
) -> QueryResult<Vec<CustodyEventRow>> {
    let ever_there: Vec<String> =
        ce::table.filter(ce::facility_id.eq(facility_id)).select(ce::person_id).distinct().load(conn)?;
    let in_scope: Vec<String> = p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::id.eq_any(&ever_there))
        .select(p::id)
        .load(conn)?;
    ce::table
        .filter(ce::person_id.eq_any(&in_scope))
        .order((ce::person_id, ce::event_earliest, ce::created_at, ce::id))
        .select(CustodyEventRow::as_select())
        .load(conn)
}

pub fn insert_custody(conn: &mut DbConnection, row: &CustodyEventRow) -> QueryResult<()> {
    diesel::insert_into(ce::table).values(row).execute(conn).map(|_| ())
}

pub fn insert_changes(conn: &mut DbConnection, rows: &[RecordChangeRow]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(rc::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// The change history of a record, or of everything in a family, newest first.
pub fn history(
    conn: &mut DbConnection,
    scope: &OrgScope,
    family_id: Option<&str>,
    entity_id: Option<&str>,
    page: Page,
) -> QueryResult<Vec<RecordChangeRow>> {
    let mut q = rc::table.filter(rc::organisation_id.eq(scope.id().to_string())).into_boxed();
    if let Some(fid) = family_id {
        q = q.filter(rc::family_id.eq(fid.to_string()));
    }
    if let Some(eid) = entity_id {
        q = q.filter(rc::entity_id.eq(eid.to_string()));
    }
    q.order((rc::changed_at.desc(), rc::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(RecordChangeRow::as_select())
        .load(conn)
}
