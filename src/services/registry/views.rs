//! Read models of a person and a family: each person with names, claims, statelessness,
//! custody timeline, whereabouts, wishes over time and relatives (who may be in another family
//! or facility). Loaded in a fixed number of queries whatever the family's size.

use crate::auth::OrgScope;
use crate::db::models::*;
use crate::db::repo::{claims, countries, custody, facilities, families, kinships, names, persons};
use crate::db::DbConnection;
use crate::domain::custody::CustodyKind;
use crate::domain::custody::CustodyStatus;
use crate::domain::ids::*;
use crate::domain::nationality::{ClaimBasis, ClaimStatus, Standing};
use crate::domain::partial_date::{age_range, PartialDate};
use crate::domain::person::{KinshipKind, NameKind, PersonFlag, Script, Sex, Wish};
use crate::error::{AppError, AppResult};
use crate::services::derived::whereabouts_on;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NameView {
    pub id: NameId,
    pub kind: NameKind,
    pub script: Script,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimView {
    pub id: ClaimId,
    pub country_code: String,
    pub country_name: String,
    pub status: ClaimStatus,
    pub basis: ClaimBasis,
    /// As shown: `2019-02-19`, `2019-02` or `2019`.
    pub decision_date: Option<String>,
    pub decision: Option<PartialDate>,
    pub legal_note: String,
    pub source: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustodyView {
    pub id: CustodyEventId,
    pub kind: CustodyKind,
    pub facility_id: Option<FacilityId>,
    pub facility_name: Option<String>,
    pub date: PartialDate,
    pub date_display: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WhereaboutsView {
    pub status: CustodyStatus,
    pub facility_id: Option<FacilityId>,
    pub facility_name: Option<String>,
    pub since: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelativeView {
    pub kinship_id: KinshipId,
    /// How the relative relates to this person: parent, child, spouse, sibling, guardian, ward.
    pub relation: String,
    pub person_id: PersonId,
    pub name: String,
    pub family_id: Option<FamilyId>,
    pub whereabouts: WhereaboutsView,
}

/// A wish as recorded, for the wish history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WishView {
    pub wish: Wish,
    pub recorded_on: Option<NaiveDate>,
}

/// A person with everything the person and family pages show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: PersonId,
    pub family_id: Option<FamilyId>,
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub birth: Option<PartialDate>,
    pub birth_display: Option<String>,
    /// Possible ages today: [youngest, oldest].
    pub age_range: Option<(i32, i32)>,
    pub place_of_birth: String,
    pub left_home: Option<PartialDate>,
    pub left_home_age: Option<i32>,
    pub wish: Wish,
    pub wish_recorded_on: Option<NaiveDate>,
    /// Every wish recorded, oldest first.
    pub wishes: Vec<WishView>,
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
    pub id: FamilyId,
    pub label: String,
    pub notes: String,
    pub version: i64,
    pub members: Vec<PersonView>,
}

fn relation(kind: KinshipKind, from_person_side: bool) -> &'static str {
    match (kind, from_person_side) {
        (KinshipKind::ParentOf, true) => "child",
        (KinshipKind::ParentOf, false) => "parent",
        (KinshipKind::GuardianOf, true) => "ward",
        (KinshipKind::GuardianOf, false) => "guardian",
        (KinshipKind::SpouseOf, _) => "spouse",
        (KinshipKind::SiblingOf, _) => "sibling",
    }
}

fn group<T, K: std::hash::Hash + Eq>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut out: HashMap<K, Vec<T>> = HashMap::new();
    for r in rows {
        out.entry(key(&r)).or_default().push(r);
    }
    out
}

/// Builds full views of these persons (a bounded set: a family, a person and their kin).
pub fn persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: Vec<PersonRow>,
    today: NaiveDate,
) -> AppResult<Vec<PersonView>> {
    let ids: Vec<PersonId> = rows.iter().map(|r| r.id.clone()).collect();
    let mut names = group(names::of(conn, scope, &ids)?, |n| n.person_id.clone());
    let claim_rows = claims::of(conn, scope, &ids)?;
    let mut codes: Vec<String> = claim_rows.iter().map(|c| c.country_code.to_string()).collect();
    codes.sort();
    codes.dedup();
    let country_names: HashMap<String, String> = countries::names_of(conn, &codes)?.into_iter().collect();
    let mut claims = group(claim_rows, |c| c.person_id.clone());
    let mut flags = group(persons::flags_of(conn, scope, &ids)?, |f| f.person_id.clone());
    let mut wishes = group(persons::wishes_of(conn, scope, &ids)?, |w| w.person_id.clone());
    let kin = kinships::of(conn, scope, &ids)?;
    let mut relative_ids: Vec<PersonId> =
        kin.iter().flat_map(|k| [k.person_id.clone(), k.relative_id.clone()]).collect();
    relative_ids.sort();
    relative_ids.dedup();
    let relatives: HashMap<PersonId, PersonRow> =
        persons::by_ids(conn, scope, &relative_ids)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let mut all_ids = ids.clone();
    all_ids.extend(relatives.keys().cloned());
    all_ids.sort();
    all_ids.dedup();
    let events = group(custody::of(conn, scope, &all_ids)?, |e| e.person_id.clone());
    let facility_names: HashMap<FacilityId, String> =
        facilities::list(conn)?.into_iter().map(|f| (f.id, f.name)).collect();
    let where_view = |evs: Option<&Vec<CustodyEventRow>>| -> AppResult<WhereaboutsView> {
        let w = whereabouts_on(evs.map(Vec::as_slice).unwrap_or(&[]), today)?;
        Ok(WhereaboutsView {
            facility_name: w.facility_id.as_ref().and_then(|f| facility_names.get(f).cloned()),
            status: w.status,
            facility_id: w.facility_id,
            since: w.since.map(|d| d.display()),
        })
    };
    let mut views = Vec::with_capacity(rows.len());
    for r in rows {
        let birth = r.birth.get()?;
        let mut rel = Vec::new();
        for k in kin.iter().filter(|k| k.person_id == r.id || k.relative_id == r.id) {
            let (other, from_person) = if k.person_id == r.id { (&k.relative_id, true) } else { (&k.person_id, false) };
            let Some(o) = relatives.get(other) else { continue };
            rel.push(RelativeView {
                kinship_id: k.id.clone(),
                relation: relation(k.kind, from_person).into(),
                person_id: o.id.clone(),
                name: o.full_name(),
                family_id: o.family_id.clone(),
                whereabouts: where_view(events.get(&o.id))?,
            });
        }
        let mut custody_views = Vec::new();
        for e in events.get(&r.id).map(Vec::as_slice).unwrap_or(&[]) {
            let date = e.date.get()?;
            custody_views.push(CustodyView {
                id: e.id.clone(),
                kind: e.kind,
                facility_name: e.facility_id.as_ref().and_then(|f| facility_names.get(f).cloned()),
                facility_id: e.facility_id.clone(),
                date_display: date.display(),
                date,
                note: e.note.clone(),
            });
        }
        let mut claim_views = Vec::new();
        for c in claims.remove(&r.id).unwrap_or_default() {
            let decision = c.decision.get()?;
            claim_views.push(ClaimView {
                country_name: country_names.get(c.country_code.as_str()).cloned().unwrap_or_default(),
                id: c.id,
                country_code: c.country_code.to_string(),
                status: c.status,
                basis: c.basis,
                decision_date: decision.map(|d| d.display()),
                decision,
                legal_note: c.legal_note,
                source: c.source,
                version: c.version,
            });
        }
        let statuses: Vec<ClaimStatus> = claim_views.iter().map(|c| c.status).collect();
        let standing: Standing = crate::domain::nationality::standing(&statuses);
        let my_flags: Vec<PersonFlag> = flags.remove(&r.id).unwrap_or_default().into_iter().map(|f| f.flag).collect();
        let my_wishes: Vec<WishView> = wishes
            .remove(&r.id)
            .unwrap_or_default()
            .into_iter()
            .map(|w| WishView { wish: w.wish, recorded_on: w.recorded_on })
            .collect();
        let now = my_wishes.last().cloned();
        views.push(PersonView {
            whereabouts: where_view(events.get(&r.id))?,
            other_names: names
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(|n| NameView { id: n.id, kind: n.kind, script: n.script, name: n.name })
                .collect(),
            nationalities: claim_views,
            custody: custody_views,
            relatives: rel,
            age_range: birth.map(|b| age_range(&b, today)),
            birth_display: birth.map(|b| b.display()),
            birth,
            left_home: r.left_home.get()?,
            wish: now.as_ref().map(|w| w.wish).unwrap_or(Wish::NotAsked),
            wish_recorded_on: now.and_then(|w| w.recorded_on),
            wishes: my_wishes,
            unaccompanied_minor: my_flags.contains(&PersonFlag::UnaccompaniedMinor),
            orphan: my_flags.contains(&PersonFlag::Orphan),
            medical_need: my_flags.contains(&PersonFlag::MedicalNeed),
            disability: my_flags.contains(&PersonFlag::Disability),
            stateless: standing.stateless,
            at_risk_of_statelessness: standing.at_risk_of_statelessness,
            id: r.id,
            family_id: r.family_id,
            given_name: r.given_name,
            family_name: r.family_name,
            sex: r.sex,
            place_of_birth: r.place_of_birth,
            left_home_age: r.left_home_age,
            date_of_death: r.date_of_death,
            notes: r.notes,
            version: r.version,
        });
    }
    Ok(views)
}

/// One person's full view (404 outside the scope).
pub fn person(conn: &mut DbConnection, scope: &OrgScope, id: &PersonId, today: NaiveDate) -> AppResult<PersonView> {
    let row = persons::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    persons(conn, scope, vec![row], today)?.pop().ok_or(AppError::NotFound)
}

/// One family's full view (404 outside the scope).
pub fn family(conn: &mut DbConnection, scope: &OrgScope, id: &FamilyId, today: NaiveDate) -> AppResult<FamilyView> {
    let f = families::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let members = persons::of_family(conn, scope, id)?;
    Ok(FamilyView {
        members: persons(conn, scope, members, today)?,
        id: f.id,
        label: f.label,
        notes: f.notes,
        version: f.version,
    })
}

/// Where a person was on `on` (404 outside the scope).
pub fn whereabouts(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &PersonId,
    on: NaiveDate,
) -> AppResult<WhereaboutsView> {
    persons::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let events = custody::of(conn, scope, std::slice::from_ref(id))?;
    let w = whereabouts_on(&events, on)?;
    let name = match &w.facility_id {
        Some(f) => facilities::find(conn, f)?.map(|f| f.name),
        None => None,
    };
    Ok(WhereaboutsView {
        facility_name: name,
        status: w.status,
        facility_id: w.facility_id,
        since: w.since.map(|d| d.display()),
    })
}
