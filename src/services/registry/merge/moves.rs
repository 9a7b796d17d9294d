//! The moves of a merge, table by table: what of the merged person's goes to the kept person,
//! and what stays apart in the snapshot (see the module above).

use super::Snapshot;
use crate::auth::OrgScope;
use crate::db::models::{CaseMemberRow, PersonNameRow, PersonRow};
use crate::db::repo::merges as repo;
use crate::db::repo::{claims as claims_repo, kinships as kin_repo, names as names_repo};
use crate::db::DbConnection;
use crate::domain::ids::{CaseId, NameId, PersonId};
use crate::domain::person::NameKind;
use crate::error::{AppError, AppResult};
use crate::services::unit::Unit;
use std::collections::HashSet;

/// The merged person's own facts that the kept person's row does not carry, as people read
/// them: they stay in the snapshot, and the merge says so.
pub(super) fn facts_apart(k: &PersonRow, m: &PersonRow) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    let (kb, mb) = (k.birth.get()?, m.birth.get()?);
    if mb.is_some() && kb != mb {
        out.push(format!("birth {}", mb.map(|b| b.display()).unwrap_or_default()));
    }
    if m.date_of_death.is_some() && k.date_of_death != m.date_of_death {
        out.push(format!("date of death {}", m.date_of_death.map(|d| d.to_string()).unwrap_or_default()));
    }
    if !m.place_of_birth.trim().is_empty() && k.place_of_birth != m.place_of_birth {
        out.push(format!("place of birth {}", m.place_of_birth));
    }
    let (kl, ml) = (k.left_home.get()?, m.left_home.get()?);
    if ml.is_some() && kl != ml {
        out.push(format!("left home {}", ml.map(|d| d.display()).unwrap_or_default()));
    }
    if m.left_home_age.is_some() && k.left_home_age != m.left_home_age {
        out.push(format!("left home at {}", m.left_home_age.unwrap_or_default()));
    }
    if !m.notes.trim().is_empty() && k.notes != m.notes {
        out.push("notes".to_string());
    }
    if k.sex != m.sex {
        out.push(format!("sex {}", m.sex));
    }
    Ok(out.into_iter().map(|f| format!("{f}: the kept record says otherwise")).collect())
}

pub(super) fn names(
    conn: &mut DbConnection,
    scope: &OrgScope,
    u: &Unit,
    k: &PersonRow,
    m: &PersonRow,
    snap: &mut Snapshot,
) -> AppResult<()> {
    snap.names_moved = repo::ids_of(conn, scope, repo::NAMES, &m.id)?;
    repo::move_rows(conn, scope, repo::NAMES, &snap.names_moved, &m.id, &k.id)?;
    // The merged person's own name, as another name of the kept person (searchable, and read
    // by the duplicate keys), unless the kept person already bears it.
    let name = m.full_name();
    let known: HashSet<String> = names_repo::of(conn, scope, std::slice::from_ref(&k.id))?
        .into_iter()
        .map(|n| n.name.to_lowercase())
        .chain([k.full_name().to_lowercase()])
        .collect();
    if !name.trim().is_empty() && !known.contains(&name.to_lowercase()) {
        let row = PersonNameRow {
            id: NameId::new_random(),
            person_id: k.id.clone(),
            organisation_id: scope.id().clone(),
            kind: NameKind::Alias,
            script: crate::domain::names::detect_script(&name),
            name: name.clone(),
            created_at: u.ctx.now(),
        };
        names_repo::insert(conn, scope, &row)?;
        snap.names_added.push(row.id.as_str().to_string());
    }
    Ok(())
}

pub(super) fn kinships(
    conn: &mut DbConnection,
    scope: &OrgScope,
    k: &PersonRow,
    m: &PersonRow,
    snap: &mut Snapshot,
) -> AppResult<()> {
    let links = kin_repo::of(conn, scope, &[k.id.clone(), m.id.clone()])?;
    let swap = |p: &PersonId| if p == &m.id { k.id.clone() } else { p.clone() };
    let mut have: HashSet<(PersonId, PersonId, String)> = links
        .iter()
        .filter(|l| l.person_id != m.id && l.relative_id != m.id)
        .map(|l| (l.person_id.clone(), l.relative_id.clone(), l.kind.to_string()))
        .collect();
    for l in links.iter().filter(|l| l.person_id == m.id || l.relative_id == m.id) {
        let (p, r) = (swap(&l.person_id), swap(&l.relative_id));
        if p == r || !have.insert((p, r, l.kind.to_string())) {
            snap.kin_kept.push(l.clone());
        } else if l.person_id == m.id {
            snap.kin_person_moved.push(l.id.as_str().to_string());
        } else {
            snap.kin_relative_moved.push(l.id.as_str().to_string());
        }
    }
    let kept_ids: Vec<String> = snap.kin_kept.iter().map(|l| l.id.as_str().to_string()).collect();
    // A kept-apart link is deleted by its id whichever side the merged person is on.
    repo::delete_rows(conn, scope, repo::KIN_PERSON, &kept_ids, &m.id)?;
    repo::delete_rows(conn, scope, repo::KIN_RELATIVE, &kept_ids, &m.id)?;
    repo::move_rows(conn, scope, repo::KIN_PERSON, &snap.kin_person_moved, &m.id, &k.id)?;
    repo::move_rows(conn, scope, repo::KIN_RELATIVE, &snap.kin_relative_moved, &m.id, &k.id)?;
    Ok(())
}

pub(super) fn claims(
    conn: &mut DbConnection,
    scope: &OrgScope,
    k: &PersonRow,
    m: &PersonRow,
    snap: &mut Snapshot,
) -> AppResult<()> {
    let all = claims_repo::of(conn, scope, &[k.id.clone(), m.id.clone()])?;
    let countries: HashSet<_> = all.iter().filter(|c| c.person_id == k.id).map(|c| c.country_code).collect();
    for c in all.iter().filter(|c| c.person_id == m.id) {
        if countries.contains(&c.country_code) {
            snap.claims_kept.push(c.clone());
        } else {
            snap.claims_moved.push(c.id.as_str().to_string());
        }
    }
    let kept: Vec<String> = snap.claims_kept.iter().map(|c| c.id.as_str().to_string()).collect();
    repo::delete_rows(conn, scope, repo::CLAIMS, &kept, &m.id)?;
    repo::move_rows(conn, scope, repo::CLAIMS, &snap.claims_moved, &m.id, &k.id)?;
    Ok(())
}

pub(super) fn cases(
    conn: &mut DbConnection,
    scope: &OrgScope,
    k: &PersonRow,
    m: &PersonRow,
    snap: &mut Snapshot,
) -> AppResult<()> {
    let mine = repo::memberships(conn, scope, &k.id)?;
    let theirs = repo::memberships(conn, scope, &m.id)?;
    let in_case: HashSet<&CaseId> = mine.iter().map(|c| &c.case_id).collect();
    let mut moved = Vec::new();
    for c in &theirs {
        if in_case.contains(&c.case_id) {
            snap.cases_kept.push(c.clone());
        } else {
            if c.is_open && mine.iter().any(|o| o.is_open && o.destination == c.destination) {
                return Err(AppError::Conflict {
                    message: format!(
                        "both persons are in open cases to {}: close or withdraw one of the cases before merging",
                        c.destination
                    ),
                    current_version: None,
                });
            }
            moved.push(CaseMemberRow { person_id: k.id.clone(), ..c.clone() });
            snap.cases_moved.push(c.case_id.clone());
        }
    }
    // The kept person joins the merged person's cases first: the consents name their member.
    repo::add_memberships(conn, scope, &moved)?;
    snap.consents_moved = repo::ids_of(conn, scope, repo::CONSENTS, &m.id)?;
    repo::move_rows(conn, scope, repo::CONSENTS, &snap.consents_moved, &m.id, &k.id)?;
    let all: Vec<CaseId> = theirs.iter().map(|c| c.case_id.clone()).collect();
    repo::remove_memberships(conn, scope, &m.id, &all)?;
    Ok(())
}
