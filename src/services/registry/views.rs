//! Read models: a family with its members, each with names, claims, statelessness, custody
//! timeline, whereabouts and relatives (who may be in another family or facility). Loaded in a
//! fixed number of queries whatever the family's size.

use super::derived::{birth_of, partial, whereabouts_on};
use crate::db::models::*;
use crate::db::repo::{facilities, registry, OrgScope};
use crate::db::DbConnection;
use crate::domain::partial_date::{age_range, PartialDate};
use crate::domain::person::KinshipKind;
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NameView {
    pub id: String,
    pub kind: String,
    pub script: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimView {
    pub id: String,
    pub country_code: String,
    pub country_name: String,
    pub status: String,
    pub basis: String,
    pub decision_date: Option<NaiveDate>,
    pub legal_note: String,
    pub source: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustodyView {
    pub id: String,
    pub kind: String,
    pub facility_id: Option<String>,
    pub facility_name: Option<String>,
    pub date: PartialDate,
    pub date_display: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WhereaboutsView {
    /// held, escaped, released, repatriated, dead or unknown.
    pub status: String,
    pub facility_id: Option<String>,
    pub facility_name: Option<String>,
    pub since: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelativeView {
    pub kinship_id: String,
    /// How the relative relates to this person: parent, child, spouse, sibling, guardian, ward.
    pub relation: String,
    pub person_id: String,
    pub name: String,
    pub family_id: Option<String>,
    pub whereabouts: WhereaboutsView,
}

/// A person with everything the family page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub family_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub sex: String,
    pub birth: Option<PartialDate>,
    pub birth_display: Option<String>,
    /// Possible ages today: [youngest, oldest].
    pub age_range: Option<(i32, i32)>,
    pub place_of_birth: String,
    pub left_home: Option<PartialDate>,
    pub left_home_age: Option<i32>,
    pub wish: String,
    pub wish_recorded_on: Option<NaiveDate>,
    pub unaccompanied_minor: bool,
    pub orphan: bool,
    pub medical_need: bool,
    pub disability: bool,
    pub date_of_death: Option<NaiveDate>,
    pub notes: String,
    pub stateless: bool,
    pub at_risk_of_statelessness: bool,
    pub whereabouts: WhereaboutsView,
    pub other_names: Vec<NameView>,
    pub nationalities: Vec<ClaimView>,
    pub custody: Vec<CustodyView>,
    pub relatives: Vec<RelativeView>,
    pub version: i64,
}

/// A family with its members.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyView {
    pub id: String,
    pub label: String,
    pub notes: String,
    pub version: i64,
    pub members: Vec<PersonView>,
}

fn relation(kind: &str, from_person_side: bool) -> String {
    let k: Option<KinshipKind> = kind.parse().ok();
    match (k, from_person_side) {
        (Some(KinshipKind::ParentOf), true) => "child",
        (Some(KinshipKind::ParentOf), false) => "parent",
        (Some(KinshipKind::GuardianOf), true) => "ward",
        (Some(KinshipKind::GuardianOf), false) => "guardian",
        (Some(KinshipKind::SpouseOf), _) => "spouse",
        (Some(KinshipKind::SiblingOf), _) => "sibling",
        (None, _) => "relative",
    }
    .to_string()
}

/// Builds full views of these persons.
pub fn persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: Vec<PersonRow>,
    today: NaiveDate,
) -> AppResult<Vec<PersonView>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut names: HashMap<String, Vec<NameView>> = HashMap::new();
    for n in registry::names_of(conn, &ids)? {
        names.entry(n.person_id.clone()).or_default().push(NameView {
            id: n.id,
            kind: n.kind,
            script: n.script,
            name: n.name,
        });
    }
    let countries: HashMap<String, String> =
        crate::db::repo::countries::list(conn)?.into_iter().map(|c| (c.code, c.name)).collect();
    let mut claims: HashMap<String, Vec<ClaimView>> = HashMap::new();
    for c in registry::claims_of(conn, &ids)? {
        claims.entry(c.person_id.clone()).or_default().push(ClaimView {
            country_name: countries.get(&c.country_code).cloned().unwrap_or_default(),
            id: c.id,
            country_code: c.country_code,
            status: c.status,
            basis: c.basis,
            decision_date: c.decision_date,
            legal_note: c.legal_note,
            source: c.source,
            version: c.version,
        });
    }
    let kin = registry::kinships_of(conn, scope, &ids)?;
    let relative_ids: Vec<String> = kin.iter().flat_map(|k| [k.person_id.clone(), k.relative_id.clone()]).collect();
    let relatives: HashMap<String, PersonRow> =
        registry::persons_by_ids(conn, scope, &relative_ids)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let mut all_ids = ids.clone();
    all_ids.extend(relatives.keys().cloned());
    let mut events: HashMap<String, Vec<CustodyEventRow>> = HashMap::new();
    for e in registry::custody_of(conn, &all_ids)? {
        events.entry(e.person_id.clone()).or_default().push(e);
    }
    let facility_names: HashMap<String, String> = facilities::list(conn)?.into_iter().map(|f| (f.id, f.name)).collect();
    let where_view = |evs: Option<&Vec<CustodyEventRow>>| {
        let w = whereabouts_on(evs.map(Vec::as_slice).unwrap_or(&[]), today);
        WhereaboutsView {
            facility_name: w.facility_id.as_ref().and_then(|f| facility_names.get(f).cloned()),
            status: w.status,
            facility_id: w.facility_id,
            since: w.since.map(|d| d.display()),
        }
    };
    let mut views = Vec::with_capacity(rows.len());
    for r in rows {
        let birth = birth_of(&r);
        let rel = kin
            .iter()
            .filter(|k| k.person_id == r.id || k.relative_id == r.id)
            .filter_map(|k| {
                let (other, from_person) =
                    if k.person_id == r.id { (&k.relative_id, true) } else { (&k.person_id, false) };
                let o = relatives.get(other)?;
                Some(RelativeView {
                    kinship_id: k.id.clone(),
                    relation: relation(&k.kind, from_person),
                    person_id: o.id.clone(),
                    name: format!("{} {}", o.given_name, o.family_name),
                    family_id: o.family_id.clone(),
                    whereabouts: where_view(events.get(&o.id)),
                })
            })
            .collect();
        let custody = events
            .get(&r.id)
            .map(|evs| {
                evs.iter()
                    .filter_map(|e| {
                        let date = partial(Some(e.event_year), e.event_month, e.event_day, e.event_margin)?;
                        Some(CustodyView {
                            id: e.id.clone(),
                            kind: e.kind.clone(),
                            facility_name: e.facility_id.as_ref().and_then(|f| facility_names.get(f).cloned()),
                            facility_id: e.facility_id.clone(),
                            date_display: date.display(),
                            date,
                            note: e.note.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        views.push(PersonView {
            whereabouts: where_view(events.get(&r.id)),
            other_names: names.remove(&r.id).unwrap_or_default(),
            nationalities: claims.remove(&r.id).unwrap_or_default(),
            custody,
            relatives: rel,
            age_range: birth.map(|b| age_range(&b, today)),
            birth_display: birth.map(|b| b.display()),
            birth,
            left_home: r.left_home.as_deref().and_then(PartialDate::decode),
            id: r.id,
            family_id: r.family_id,
            given_name: r.given_name,
            family_name: r.family_name,
            sex: r.sex,
            place_of_birth: r.place_of_birth,
            left_home_age: r.left_home_age,
            wish: r.wish,
            wish_recorded_on: r.wish_recorded_on,
            unaccompanied_minor: r.unaccompanied_minor,
            orphan: r.orphan,
            medical_need: r.medical_need,
            disability: r.disability,
            date_of_death: r.date_of_death,
            notes: r.notes,
            stateless: r.stateless,
            at_risk_of_statelessness: r.at_risk,
            version: r.version,
        });
    }
    Ok(views)
}

/// One person's full view (404 outside the scope).
pub fn person(conn: &mut DbConnection, scope: &OrgScope, id: &str, today: NaiveDate) -> AppResult<PersonView> {
    let row = registry::find_person(conn, scope, id)?.ok_or(AppError::NotFound)?;
    persons(conn, scope, vec![row], today)?.pop().ok_or(AppError::NotFound)
}

/// One family's full view (404 outside the scope).
pub fn family(conn: &mut DbConnection, scope: &OrgScope, id: &str, today: NaiveDate) -> AppResult<FamilyView> {
    let f = registry::find_family(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let members = registry::family_members(conn, scope, id)?;
    Ok(FamilyView {
        members: persons(conn, scope, members, today)?,
        id: f.id,
        label: f.label,
        notes: f.notes,
        version: f.version,
    })
}
