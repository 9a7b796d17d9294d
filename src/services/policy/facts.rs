//! Gathers what policy rules read about persons, for many persons at once (a fixed number of
//! queries per batch, whatever its size): claims, custody, kin in custody, facilities.

use crate::db::models::{ClaimRow, CustodyEventRow, FacilityAuthorityRow, KinshipRow, PersonRow};
use crate::db::repo::{facilities, registry, OrgScope};
use crate::db::DbConnection;
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::PartialDate;
use crate::domain::policy::Facts;
use crate::services::registry::derived::{birth_of, whereabouts_on};
use crate::services::registry::facilities::authority_on;
use chrono::NaiveDate;
use diesel::QueryResult;
use std::collections::HashMap;

/// Everything loaded for a batch of persons of one organisation.
pub struct Batch {
    pub claims: HashMap<String, Vec<ClaimRow>>,
    events: HashMap<String, Vec<CustodyEventRow>>,
    kin: Vec<KinshipRow>,
    births: HashMap<String, Option<PartialDate>>,
    facility_names: HashMap<String, String>,
    authorities: Vec<FacilityAuthorityRow>,
}

/// Loads the batch; `persons` must all belong to `scope`'s organisation.
pub fn load(conn: &mut DbConnection, scope: &OrgScope, persons: &[PersonRow]) -> QueryResult<Batch> {
    let ids: Vec<String> = persons.iter().map(|p| p.id.clone()).collect();
    let kin = registry::kinships_of(conn, scope, &ids)?;
    let mut all_ids = ids.clone();
    all_ids.extend(kin.iter().flat_map(|k| [k.person_id.clone(), k.relative_id.clone()]));
    all_ids.sort();
    all_ids.dedup();
    let relatives = registry::persons_by_ids(conn, scope, &all_ids)?;
    let mut births: HashMap<String, Option<PartialDate>> =
        relatives.iter().map(|p| (p.id.clone(), birth_of(p))).collect();
    births.extend(persons.iter().map(|p| (p.id.clone(), birth_of(p))));
    let mut claims: HashMap<String, Vec<ClaimRow>> = HashMap::new();
    for c in registry::claims_of(conn, &ids)? {
        claims.entry(c.person_id.clone()).or_default().push(c);
    }
    let mut events: HashMap<String, Vec<CustodyEventRow>> = HashMap::new();
    for e in registry::custody_of(conn, &all_ids)? {
        events.entry(e.person_id.clone()).or_default().push(e);
    }
    let list = facilities::list(conn)?;
    let facility_ids: Vec<String> = list.iter().map(|f| f.id.clone()).collect();
    Ok(Batch {
        claims,
        events,
        kin,
        births,
        facility_names: list.into_iter().map(|f| (f.id, f.name)).collect(),
        authorities: facilities::authorities(conn, &facility_ids)?,
    })
}

impl Batch {
    fn facility_on(&self, person_id: &str, on: NaiveDate) -> Option<String> {
        let evs = self.events.get(person_id).map(Vec::as_slice).unwrap_or(&[]);
        whereabouts_on(evs, on).facility_id
    }

    /// The facts of one person of the batch on `on`.
    pub fn facts(&self, p: &PersonRow, on: NaiveDate) -> Facts {
        let facility = self.facility_on(&p.id, on);
        let children_in_custody = self
            .kin
            .iter()
            .filter(|k| k.person_id == p.id && k.kind == "parent_of")
            .filter(|k| self.facility_on(&k.relative_id, on).is_some())
            .map(|k| self.births.get(&k.relative_id).copied().flatten())
            .collect();
        let parent_in_custody_with_them = facility.is_some()
            && self
                .kin
                .iter()
                .filter(|k| k.relative_id == p.id && k.kind == "parent_of")
                .any(|k| self.facility_on(&k.person_id, on) == facility);
        let authority = facility.as_ref().and_then(|fid| {
            let periods: Vec<FacilityAuthorityRow> =
                self.authorities.iter().filter(|a| &a.facility_id == fid).cloned().collect();
            authority_on(&periods, on).map(|a| a.authority.clone())
        });
        Facts {
            birth: birth_of(p),
            sex: p.sex.parse().ok(),
            left_home: p.left_home.as_deref().and_then(PartialDate::decode),
            left_home_age: p.left_home_age,
            wish: p.wish.parse().ok(),
            orphan: p.orphan,
            unaccompanied_minor: p.unaccompanied_minor,
            claims: self
                .claims
                .get(&p.id)
                .map(|cs| {
                    cs.iter()
                        .filter_map(|c| Some((c.country_code.clone(), c.status.parse::<ClaimStatus>().ok()?)))
                        .collect()
                })
                .unwrap_or_default(),
            facility: facility.as_ref().and_then(|f| self.facility_names.get(f).cloned()),
            facility_authority: authority,
            children_in_custody,
            parent_in_custody_with_them,
        }
    }
}
