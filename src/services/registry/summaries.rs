//! Read models of the person and family lists: one line per person with age, standing,
//! whereabouts and flags, loaded for a whole page in a fixed number of queries.

use crate::auth::OrgScope;
use crate::db::models::{FamilyRow, PersonRow};
use crate::db::repo::lists::{self, PersonFilter, Total};
use crate::db::repo::{persons, Page};
use crate::db::DbConnection;
use crate::domain::custody::CustodyStatus;
use crate::domain::ids::{FacilityId, FamilyId, PersonId};
use crate::domain::partial_date::age_range;
use crate::domain::person::{PersonFlag, Sex};
use crate::error::AppResult;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A person in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: PersonId,
    pub family_id: Option<FamilyId>,
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub birth_display: Option<String>,
    pub age_range: Option<(i32, i32)>,
    pub stateless: bool,
    pub at_risk_of_statelessness: bool,
    pub custody_status: CustodyStatus,
    pub current_facility_id: Option<FacilityId>,
    pub unaccompanied_minor: bool,
    pub orphan: bool,
    pub medical_need: bool,
    pub disability: bool,
    pub version: i64,
}

/// A family in a list, with its members.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilySummary {
    pub id: FamilyId,
    pub label: String,
    pub version: i64,
    pub members: Vec<PersonSummary>,
}

/// Summaries of these persons (a page), ages as of `on`.
pub fn of_persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: Vec<PersonRow>,
    on: NaiveDate,
) -> AppResult<Vec<PersonSummary>> {
    let ids: Vec<PersonId> = rows.iter().map(|r| r.id.clone()).collect();
    let mut derived = HashMap::new();
    let mut flags: HashMap<PersonId, Vec<PersonFlag>> = HashMap::new();
    // In chunks: a facility's population can be thousands of persons, and bound ids must stay
    // well under SQLite's limit.
    for chunk in ids.chunks(500) {
        derived.extend(persons::derived_of(conn, scope, chunk)?.into_iter().map(|d| (d.person_id.clone(), d)));
        for f in persons::flags_of(conn, scope, chunk)? {
            flags.entry(f.person_id).or_default().push(f.flag);
        }
    }
    rows.into_iter()
        .map(|r| {
            let birth = r.birth.get()?;
            let d = derived.get(&r.id);
            let f = flags.remove(&r.id).unwrap_or_default();
            Ok(PersonSummary {
                birth_display: birth.map(|b| b.display()),
                age_range: birth.map(|b| age_range(&b, on)),
                stateless: d.is_none_or(|d| d.stateless),
                at_risk_of_statelessness: d.is_none_or(|d| d.at_risk),
                custody_status: d.map(|d| d.custody_status).unwrap_or(CustodyStatus::Unknown),
                current_facility_id: d.and_then(|d| d.current_facility_id.clone()),
                unaccompanied_minor: f.contains(&PersonFlag::UnaccompaniedMinor),
                orphan: f.contains(&PersonFlag::Orphan),
                medical_need: f.contains(&PersonFlag::MedicalNeed),
                disability: f.contains(&PersonFlag::Disability),
                id: r.id,
                family_id: r.family_id,
                given_name: r.given_name,
                family_name: r.family_name,
                sex: r.sex,
                version: r.version,
            })
        })
        .collect()
}

/// One page of matching persons, summarised, with the total.
pub fn persons_page(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
    on: NaiveDate,
) -> AppResult<(Vec<PersonSummary>, Total)> {
    let (rows, total) = lists::persons(conn, scope, filter, page)?;
    Ok((of_persons(conn, scope, rows, on)?, total))
}

/// Summaries of these families (a page) with their members.
pub fn of_families(
    conn: &mut DbConnection,
    scope: &OrgScope,
    families: Vec<FamilyRow>,
    on: NaiveDate,
) -> AppResult<Vec<FamilySummary>> {
    let ids: Vec<FamilyId> = families.iter().map(|f| f.id.clone()).collect();
    let rows = lists::members_of(conn, scope, &ids)?;
    let members = of_persons(conn, scope, rows, on)?;
    let mut by_family: HashMap<FamilyId, Vec<PersonSummary>> = HashMap::new();
    for m in members {
        if let Some(f) = m.family_id.clone() {
            by_family.entry(f).or_default().push(m);
        }
    }
    Ok(families
        .into_iter()
        .map(|f| FamilySummary {
            members: by_family.remove(&f.id).unwrap_or_default(),
            id: f.id,
            label: f.label,
            version: f.version,
        })
        .collect())
}

/// One page of families with a matching member, summarised, with the total.
pub fn families_page(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
    on: NaiveDate,
) -> AppResult<(Vec<FamilySummary>, Total)> {
    let (rows, total) = lists::families(conn, scope, filter, page)?;
    Ok((of_families(conn, scope, rows, on)?, total))
}
