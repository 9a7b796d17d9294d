//! Gathers what policy rules read about persons, for many persons at once (a fixed number of
//! queries per batch, whatever its size): claims, custody, the custody and births of parents
//! and children, wishes, flags, facility codes and who controls each facility. Two loaders
//! fill the same [`Batch`]: [`load`] for a bounded set of persons (a write's touched persons, a
//! family, one person) and [`load_chunk`] for a range of ids when walking everyone. Depends on
//! the domain and the repo only, never on the registry's write services.

use crate::auth::OrgScope;
use crate::db::models::{
    ClaimRow, CustodyEventRow, FacilityAuthorityRow, KinshipRow, PersonFlagRow, PersonRow, PersonWishRow,
};
use crate::db::repo::chunks::{self, Chunk};
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
use std::sync::Arc;

/// What does not depend on the persons: facility codes and authority periods (read once per
/// walk, shared by its chunks).
#[derive(Debug, Default)]
pub struct Places {
    codes: HashMap<FacilityId, String>,
    authorities: HashMap<FacilityId, Vec<FacilityAuthorityRow>>,
}

impl Places {
    pub fn load(conn: &mut DbConnection) -> AppResult<Arc<Places>> {
        let mut authorities: HashMap<FacilityId, Vec<FacilityAuthorityRow>> = HashMap::new();
        for a in facilities::all_authorities(conn)? {
            authorities.entry(a.facility_id.clone()).or_default().push(a);
        }
        let codes = facilities::list(conn)?.into_iter().map(|f| (f.id, f.code)).collect();
        Ok(Arc::new(Places { codes, authorities }))
    }
}

/// Everything loaded for a batch of persons of one organisation.
pub struct Batch {
    pub claims: HashMap<PersonId, Vec<ClaimRow>>,
    events: HashMap<PersonId, Vec<Event>>,
    /// Parent → children, and child → parents (parent links only: what rules read).
    children: HashMap<PersonId, Vec<PersonId>>,
    parents: HashMap<PersonId, Vec<PersonId>>,
    births: HashMap<PersonId, Option<PartialDate>>,
    wishes: HashMap<PersonId, Wish>,
    flags: HashSet<(PersonId, PersonFlag)>,
    places: Arc<Places>,
}

impl Batch {
    fn new(places: Arc<Places>) -> Batch {
        Batch {
            claims: HashMap::new(),
            events: HashMap::new(),
            children: HashMap::new(),
            parents: HashMap::new(),
            births: HashMap::new(),
            wishes: HashMap::new(),
            flags: HashSet::new(),
            places,
        }
    }

    fn add_births<'a>(&mut self, rows: impl IntoIterator<Item = &'a PersonRow>) -> AppResult<()> {
        for p in rows {
            self.births.insert(p.id.clone(), p.birth.get()?);
        }
        Ok(())
    }

    fn add_claims(&mut self, rows: Vec<ClaimRow>) {
        for c in rows {
            self.claims.entry(c.person_id.clone()).or_default().push(c);
        }
    }

    /// Adds whole event lists per person; a person already loaded from an earlier query keeps
    /// the list it has (each query returns all of a person's events).
    fn add_events(&mut self, rows: Vec<CustodyEventRow>) -> AppResult<()> {
        let mut by: HashMap<PersonId, Vec<Event>> = HashMap::new();
        for e in rows {
            by.entry(e.person_id.clone()).or_default().push(e.event()?);
        }
        for (id, evs) in by {
            self.events.entry(id).or_insert(evs);
        }
        Ok(())
    }

    fn add_links(&mut self, rows: impl IntoIterator<Item = KinshipRow>) {
        let mut seen = HashSet::new();
        for k in rows.into_iter().filter(|k| k.kind == KinshipKind::ParentOf) {
            if seen.insert(k.id.clone()) {
                self.children.entry(k.person_id.clone()).or_default().push(k.relative_id.clone());
                self.parents.entry(k.relative_id).or_default().push(k.person_id);
            }
        }
    }

    /// Rows come oldest first: the last wish recorded is the wish now.
    fn add_wishes(&mut self, rows: Vec<PersonWishRow>) {
        self.wishes.extend(rows.into_iter().map(|w| (w.person_id, w.wish)));
    }

    fn add_flags(&mut self, rows: Vec<PersonFlagRow>) {
        self.flags.extend(rows.into_iter().map(|f| (f.person_id, f.flag)));
    }
}

/// Loads a bounded set of the scope's persons (a write's touched persons, a family).
pub fn load(conn: &mut DbConnection, scope: &OrgScope, batch: &[PersonRow]) -> AppResult<Batch> {
    let ids: Vec<PersonId> = batch.iter().map(|p| p.id.clone()).collect();
    let mut out = Batch::new(Places::load(conn)?);
    let kin = kinships::of(conn, scope, &ids)?;
    let mut all_ids = ids.clone();
    all_ids.extend(kin.iter().flat_map(|k| [k.person_id.clone(), k.relative_id.clone()]));
    all_ids.sort();
    all_ids.dedup();
    out.add_births(&persons::by_ids(conn, scope, &all_ids)?)?;
    out.add_births(batch)?;
    out.add_links(kin);
    out.add_claims(claims::of(conn, scope, &ids)?);
    out.add_events(custody::of(conn, scope, &all_ids)?)?;
    out.add_wishes(persons::wishes_of(conn, scope, &ids)?);
    out.add_flags(persons::flags_of(conn, scope, &ids)?);
    Ok(out)
}

/// Loads a chunk of the scope's persons (see [`chunks`]): one range scan per table.
pub fn load_chunk(
    conn: &mut DbConnection,
    scope: &OrgScope,
    chunk: &Chunk,
    members: &[PersonRow],
    places: Arc<Places>,
) -> AppResult<Batch> {
    let mut out = Batch::new(places);
    out.add_births(members)?;
    out.add_births(&chunks::children(conn, scope, chunk)?)?;
    out.add_links(chunks::parent_links(conn, scope, chunk, true)?);
    out.add_links(chunks::parent_links(conn, scope, chunk, false)?);
    out.add_claims(chunks::claims(conn, scope, chunk)?);
    out.add_events(chunks::custody(conn, scope, chunk)?)?;
    out.add_events(chunks::kin_custody(conn, scope, chunk, true)?)?;
    out.add_events(chunks::kin_custody(conn, scope, chunk, false)?)?;
    out.add_wishes(chunks::wishes(conn, scope, chunk)?);
    out.add_flags(chunks::flags(conn, scope, chunk)?);
    Ok(out)
}

impl Batch {
    /// The facility where a person of the batch (or their parent or child) is held on `on`.
    pub fn facility_on(&self, person: &PersonId, on: NaiveDate) -> Option<FacilityId> {
        let evs = self.events.get(person).map(Vec::as_slice).unwrap_or(&[]);
        whereabouts(evs, on).facility_id
    }

    /// The facts of one person of the batch on `on`.
    pub fn facts(&self, p: &PersonRow, on: NaiveDate) -> AppResult<Facts> {
        let facility = self.facility_on(&p.id, on);
        let none = Vec::new();
        let children_in_custody = self
            .children
            .get(&p.id)
            .unwrap_or(&none)
            .iter()
            .filter(|c| self.facility_on(c, on).is_some())
            .map(|c| self.births.get(c).copied().flatten())
            .collect();
        let parent_in_custody_with_them = facility.is_some()
            && self.parents.get(&p.id).unwrap_or(&none).iter().any(|parent| self.facility_on(parent, on) == facility);
        let authority = facility.as_ref().and_then(|fid| {
            let periods = self.places.authorities.get(fid).map(Vec::as_slice).unwrap_or(&[]);
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
            facility: facility.as_ref().and_then(|f| self.places.codes.get(f).cloned()),
            facility_authority: authority,
            children_in_custody,
            parent_in_custody_with_them,
        })
    }
}
