//! Gathers what policy rules read about persons, for many persons at once (a fixed number of
//! queries per batch, whatever its size): claims, custody, kin in custody, wishes, flags,
//! facility codes and who controls each facility. Depends on the domain and the repo only,
//! never on the registry's write services.

use crate::auth::OrgScope;
use crate::db::models::{ClaimRow, CustodyEventRow, FacilityAuthorityRow, KinshipRow, PersonRow};
use crate::db::repo::{claims, custody, facilities, kinships, persons};
use crate::db::DbConnection;
use crate::domain::custody::{whereabouts, Event};
use crate::domain::facility::authority_on;
use crate::domain::ids::{FacilityId, PersonId};
use crate::domain::partial_date::PartialDate;
use crate::domain::person::{KinshipKind, PersonFlag, Wish};
use crate::domain::policy::Facts;
use crate::error::AppResult;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// Everything loaded for a batch of persons of one organisation.
pub struct Batch {
    pub claims: HashMap<PersonId, Vec<ClaimRow>>,
    events: HashMap<PersonId, Vec<Event>>,
    kin: Vec<KinshipRow>,
    births: HashMap<PersonId, Option<PartialDate>>,
    wishes: HashMap<PersonId, Wish>,
    flags: HashSet<(PersonId, PersonFlag)>,
    facility_codes: HashMap<FacilityId, String>,
    authorities: HashMap<FacilityId, Vec<FacilityAuthorityRow>>,
}

/// Loads the batch; `batch` must be the scope's persons (a bounded set).
pub fn load(conn: &mut DbConnection, scope: &OrgScope, batch: &[PersonRow]) -> AppResult<Batch> {
    let ids: Vec<PersonId> = batch.iter().map(|p| p.id.clone()).collect();
    let kin = kinships::of(conn, scope, &ids)?;
    let mut all_ids = ids.clone();
    all_ids.extend(kin.iter().flat_map(|k| [k.person_id.clone(), k.relative_id.clone()]));
    all_ids.sort();
    all_ids.dedup();
    let mut births = HashMap::new();
    for p in persons::by_ids(conn, scope, &all_ids)?.iter().chain(batch) {
        births.insert(p.id.clone(), p.birth.get()?);
    }
    let mut claims_by: HashMap<PersonId, Vec<ClaimRow>> = HashMap::new();
    for c in claims::of(conn, scope, &ids)? {
        claims_by.entry(c.person_id.clone()).or_default().push(c);
    }
    let mut rows: HashMap<PersonId, Vec<CustodyEventRow>> = HashMap::new();
    for e in custody::of(conn, scope, &all_ids)? {
        rows.entry(e.person_id.clone()).or_default().push(e);
    }
    let mut events = HashMap::new();
    for (id, evs) in rows {
        events.insert(id, evs.iter().map(CustodyEventRow::event).collect::<Result<Vec<Event>, _>>()?);
    }
    // The last wish recorded is the wish now (rows come oldest first).
    let wishes = persons::wishes_of(conn, scope, &ids)?.into_iter().map(|w| (w.person_id, w.wish)).collect();
    let flags = persons::flags_of(conn, scope, &ids)?.into_iter().map(|f| (f.person_id, f.flag)).collect();
    let mut authorities: HashMap<FacilityId, Vec<FacilityAuthorityRow>> = HashMap::new();
    for a in facilities::all_authorities(conn)? {
        authorities.entry(a.facility_id.clone()).or_default().push(a);
    }
    Ok(Batch {
        claims: claims_by,
        events,
        kin,
        births,
        wishes,
        flags,
        facility_codes: facilities::list(conn)?.into_iter().map(|f| (f.id, f.code)).collect(),
        authorities,
    })
}

impl Batch {
    fn facility_on(&self, person: &PersonId, on: NaiveDate) -> Option<FacilityId> {
        let evs = self.events.get(person).map(Vec::as_slice).unwrap_or(&[]);
        whereabouts(evs, on).facility_id
    }

    /// The facts of one person of the batch on `on`.
    pub fn facts(&self, p: &PersonRow, on: NaiveDate) -> AppResult<Facts> {
        let facility = self.facility_on(&p.id, on);
        let children_in_custody = self
            .kin
            .iter()
            .filter(|k| k.person_id == p.id && k.kind == KinshipKind::ParentOf)
            .filter(|k| self.facility_on(&k.relative_id, on).is_some())
            .map(|k| self.births.get(&k.relative_id).copied().flatten())
            .collect();
        let parent_in_custody_with_them = facility.is_some()
            && self
                .kin
                .iter()
                .filter(|k| k.relative_id == p.id && k.kind == KinshipKind::ParentOf)
                .any(|k| self.facility_on(&k.person_id, on) == facility);
        let authority = facility.as_ref().and_then(|fid| {
            let periods = self.authorities.get(fid).map(Vec::as_slice).unwrap_or(&[]);
            authority_on(periods.iter().map(|a| (a.from_date, a.authority.as_str())), on).map(str::to_string)
        });
        let flag = |f: PersonFlag| self.flags.contains(&(p.id.clone(), f));
        Ok(Facts {
            birth: p.birth.get()?,
            sex: Some(p.sex),
            left_home: p.left_home.get()?,
            left_home_age: p.left_home_age,
            wish: Some(self.wishes.get(&p.id).copied().unwrap_or(Wish::NotAsked)),
            orphan: flag(PersonFlag::Orphan),
            unaccompanied_minor: flag(PersonFlag::UnaccompaniedMinor),
            claims: self
                .claims
                .get(&p.id)
                .map(|cs| cs.iter().map(|c| (c.country_code.to_string(), c.status)).collect())
                .unwrap_or_default(),
            facility: facility.as_ref().and_then(|f| self.facility_codes.get(f).cloned()),
            facility_authority: authority,
            children_in_custody,
            parent_in_custody_with_them,
        })
    }
}
