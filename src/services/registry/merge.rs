//! Merging two records of one person, and undoing it. The kept person takes the merged
//! person's other names (and its name, as an alias), kinship, nationality claims, custody
//! events, wishes, flags, case memberships with their consents and import rows; the merged
//! person's row goes. Rows that cannot move stay with the merged person's snapshot: a claim to
//! a country the kept person already claims, a kinship the kept person already has (or that
//! would link them to themselves), a case the kept person is already in. Both histories stay:
//! the merged person's changes are kept under its id, and the kept person's history says what
//! was merged.
//!
//! The merge stores a snapshot (the merged person's row, the rows kept away, the ids of the
//! rows that moved), so an undo puts everything back where it was, keeping what was changed on
//! the moved rows since. One unit of work each: audited, derived data refreshed at the end.

use super::history::{self, Change};
use crate::auth::OrgScope;
use crate::db::models::{CaseMemberRow, ClaimRow, KinshipRow, PersonNameRow, PersonRow};
use crate::db::repo::duplicate_pairs::{self as pairs, Found, PairStatus};
use crate::db::repo::merges::{self as repo, MergeRow, Owned};
use crate::db::repo::{backlog_facts, claims, kinships, names, new_id, persons};
use crate::db::DbConnection;
use crate::domain::ids::{CaseId, NameId, PersonId};
use crate::domain::person::{NameKind, PersonFlag};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit::{self, Unit};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

/// What a merge changed, enough to put it back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Snapshot {
    person: Option<PersonRow>,
    flags: Vec<PersonFlag>,
    flags_added: Vec<PersonFlag>,
    names_moved: Vec<String>,
    names_added: Vec<String>,
    kin_person_moved: Vec<String>,
    kin_relative_moved: Vec<String>,
    kin_kept: Vec<KinshipRow>,
    claims_moved: Vec<String>,
    claims_kept: Vec<ClaimRow>,
    custody_moved: Vec<String>,
    wishes_moved: Vec<String>,
    cases_moved: Vec<CaseId>,
    cases_kept: Vec<CaseMemberRow>,
    consents_moved: Vec<String>,
    import_rows_moved: Vec<String>,
}

/// A merge request: who goes into whom, at the versions the user saw.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct MergeInput {
    /// The person merged away (its row goes; its records move to the kept person).
    #[schema(value_type = String)]
    pub merged_id: PersonId,
    /// The kept person's version as shown (409 when it changed since).
    pub kept_version: i64,
    /// The merged person's version as shown.
    pub merged_version: i64,
}

/// A merge as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MergeView {
    pub id: String,
    #[schema(value_type = String)]
    pub kept_id: PersonId,
    #[schema(value_type = String)]
    pub merged_id: PersonId,
    pub merged_name: String,
    /// The kept person's name, in lists of merges ("" when not read).
    pub kept_name: String,
    pub merged_at: chrono::NaiveDateTime,
    pub undone_at: Option<chrono::NaiveDateTime>,
    /// What stayed with the merged person's snapshot ("claim to FR: the kept person claims it
    /// too").
    pub kept_apart: Vec<String>,
}

fn view(m: &MergeRow) -> MergeView {
    let snap: Snapshot = serde_json::from_str(&m.snapshot).unwrap_or_default();
    let mut kept_apart: Vec<String> = snap
        .claims_kept
        .iter()
        .map(|c| format!("claim to {} ({}): the kept person claims it too", c.country_code, c.status))
        .collect();
    kept_apart.extend(snap.kin_kept.iter().map(|k| format!("{} link: the kept person has it already", k.kind)));
    kept_apart.extend(snap.cases_kept.iter().map(|c| format!("case {}: the kept person is a member", c.case_id)));
    MergeView {
        id: m.id.clone(),
        kept_id: m.kept_id.clone(),
        merged_id: m.merged_id.clone(),
        merged_name: m.merged_name.clone(),
        kept_name: String::new(),
        merged_at: m.merged_at,
        undone_at: m.undone_at,
        kept_apart,
    }
}

/// Merges `input.merged_id` into `kept`; 404 for a person outside the scope, 409 when either
/// changed since it was shown or both have an open case to the same country.
pub fn merge(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    kept: &PersonId,
    input: &MergeInput,
) -> AppResult<MergeView> {
    unit::run(conn, ctx, scope, |conn, u| {
        let gone = &input.merged_id;
        if gone == kept {
            return Err(AppError::field("merged_id", "a person cannot be merged into themselves"));
        }
        let rows = persons::by_ids(conn, scope, &[kept.clone(), gone.clone()])?;
        let (Some(k), Some(m)) = (rows.iter().find(|r| &r.id == kept), rows.iter().find(|r| &r.id == gone)) else {
            return Err(AppError::NotFound);
        };
        if k.version != input.kept_version {
            return Err(AppError::stale("person", k.version));
        }
        if m.version != input.merged_version {
            return Err(AppError::stale("person", m.version));
        }
        let mut snap = Snapshot { person: Some(m.clone()), ..Snapshot::default() };
        move_names(conn, scope, u, k, m, &mut snap)?;
        move_kinships(conn, scope, k, m, &mut snap)?;
        move_claims(conn, scope, k, m, &mut snap)?;
        move_cases(conn, scope, k, m, &mut snap)?;
        for (t, ids) in [
            (repo::CUSTODY, &mut snap.custody_moved),
            (repo::WISHES, &mut snap.wishes_moved),
            (repo::IMPORT_ROWS, &mut snap.import_rows_moved),
        ] {
            *ids = repo::ids_of(conn, scope, t, gone)?;
            repo::move_rows(conn, scope, t, ids, gone, kept)?;
        }
        let flags = persons::flags_of(conn, scope, &[kept.clone(), gone.clone()])?;
        let had: HashSet<PersonFlag> = flags.iter().filter(|f| &f.person_id == kept).map(|f| f.flag).collect();
        snap.flags = flags.iter().filter(|f| &f.person_id == gone).map(|f| f.flag).collect();
        snap.flags_added = snap.flags.iter().copied().filter(|f| !had.contains(f)).collect();
        if !snap.flags_added.is_empty() {
            let all: Vec<PersonFlag> = had.iter().copied().chain(snap.flags_added.iter().copied()).collect();
            persons::set_flags(conn, scope, kept, &all)?;
        }
        // The backlog's counts lose the merged person's facts (it has no claims now) before its
        // row goes: deleting the row would drop them without adjusting the counts.
        backlog_facts::refresh(conn, scope, backlog_facts::Persons::Ids(std::slice::from_ref(gone)))?;
        repo::delete_derived(conn, scope, gone)?;
        let row = MergeRow {
            id: new_id(),
            kept_id: kept.clone(),
            merged_id: gone.clone(),
            merged_name: m.full_name(),
            snapshot: serde_json::to_string(&snap).map_err(|e| AppError::Internal(e.into()))?,
            merged_by: ctx.actor_id.clone(),
            merged_at: ctx.now(),
            undone_by: None,
            undone_at: None,
        };
        repo::insert(conn, scope, &row)?;
        let (a, b) = pairs::ordered(kept, gone);
        let found = Found { a, b, score: 0.0, band: "likely", reasons: "[]".into() };
        let prior = pairs::find(conn, scope, kept, gone)?;
        let found = Found {
            score: prior.as_ref().map_or(0.0, |p| p.score),
            band: if prior.as_ref().is_some_and(|p| p.band == "possible") { "possible" } else { "likely" },
            reasons: prior.map_or_else(|| "[]".to_string(), |p| p.reasons),
            ..found
        };
        pairs::decide(conn, scope, &found, PairStatus::Merged, ctx.actor_id.as_deref(), ctx.now())?;
        history::note(conn, u, Change::person(k), "merged", None, Some(format!("{} ({})", m.full_name(), gone)))?;
        u.touch(kept);
        u.audit("person.merge", "person", kept.as_str());
        u.audit("person.merge", "merge", &row.id);
        Ok(view(&row))
    })
}

fn move_names(
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
    let known: HashSet<String> = names::of(conn, scope, std::slice::from_ref(&k.id))?
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
        names::insert(conn, scope, &row)?;
        snap.names_added.push(row.id.as_str().to_string());
    }
    Ok(())
}

fn move_kinships(
    conn: &mut DbConnection,
    scope: &OrgScope,
    k: &PersonRow,
    m: &PersonRow,
    snap: &mut Snapshot,
) -> AppResult<()> {
    let links = kinships::of(conn, scope, &[k.id.clone(), m.id.clone()])?;
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

fn move_claims(
    conn: &mut DbConnection,
    scope: &OrgScope,
    k: &PersonRow,
    m: &PersonRow,
    snap: &mut Snapshot,
) -> AppResult<()> {
    let all = claims::of(conn, scope, &[k.id.clone(), m.id.clone()])?;
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

fn move_cases(
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

/// Undoes a merge: the merged person comes back with what was theirs. 404 for a merge outside
/// the scope; 409 when it was undone already or the kept person is gone (merged in turn: undo
/// that merge first).
pub fn undo(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, id: &str) -> AppResult<MergeView> {
    unit::run(conn, ctx, scope, |conn, u| {
        let row = repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let conflict = |message: &str| AppError::Conflict { message: message.into(), current_version: None };
        if row.undone_at.is_some() {
            return Err(conflict("this merge was undone already"));
        }
        let kept_id = row.kept_id.clone();
        let Some(k) = persons::by_ids(conn, scope, std::slice::from_ref(&kept_id))?.into_iter().next() else {
            return Err(conflict("the kept person was merged into another since: undo that merge first"));
        };
        let snap: Snapshot = serde_json::from_str(&row.snapshot).map_err(|e| AppError::Internal(e.into()))?;
        let m = snap.person.clone().ok_or_else(|| AppError::Internal(anyhow::anyhow!("merge without person")))?;
        if !repo::mark_undone(conn, scope, id, ctx.actor_id.clone(), ctx.now())? {
            return Err(conflict("this merge was undone already"));
        }
        persons::insert(conn, scope, &m)?;
        let back =
            |conn: &mut DbConnection, t: Owned, ids: &[String]| repo::move_rows(conn, scope, t, ids, &kept_id, &m.id);
        back(conn, repo::NAMES, &snap.names_moved)?;
        repo::delete_rows(conn, scope, repo::NAMES, &snap.names_added, &kept_id)?;
        back(conn, repo::KIN_PERSON, &snap.kin_person_moved)?;
        back(conn, repo::KIN_RELATIVE, &snap.kin_relative_moved)?;
        let ends: Vec<PersonId> =
            snap.kin_kept.iter().flat_map(|l| [l.person_id.clone(), l.relative_id.clone()]).collect();
        let alive: HashSet<PersonId> = persons::by_ids(conn, scope, &ends)?.into_iter().map(|p| p.id).collect();
        for l in snap.kin_kept.iter().filter(|l| alive.contains(&l.person_id) && alive.contains(&l.relative_id)) {
            kinships::insert(conn, scope, l)?;
        }
        for c in &snap.claims_kept {
            claims::insert(conn, scope, c)?;
        }
        back(conn, repo::CLAIMS, &snap.claims_moved)?;
        back(conn, repo::CUSTODY, &snap.custody_moved)?;
        back(conn, repo::WISHES, &snap.wishes_moved)?;
        back(conn, repo::IMPORT_ROWS, &snap.import_rows_moved)?;
        // Memberships back before their consents.
        let now_kept = repo::memberships(conn, scope, &kept_id)?;
        let returning: Vec<CaseMemberRow> = now_kept
            .iter()
            .filter(|c| snap.cases_moved.contains(&c.case_id))
            .map(|c| CaseMemberRow { person_id: m.id.clone(), ..c.clone() })
            .chain(snap.cases_kept.iter().cloned())
            .collect();
        repo::add_memberships(conn, scope, &returning)?;
        back(conn, repo::CONSENTS, &snap.consents_moved)?;
        repo::remove_memberships(conn, scope, &kept_id, &snap.cases_moved)?;
        if !snap.flags_added.is_empty() {
            let now: Vec<PersonFlag> = persons::flags_of(conn, scope, std::slice::from_ref(&kept_id))?
                .into_iter()
                .map(|f| f.flag)
                .filter(|f| !snap.flags_added.contains(f))
                .collect();
            persons::set_flags(conn, scope, &kept_id, &now)?;
        }
        persons::set_flags(conn, scope, &m.id, &snap.flags)?;
        pairs::reopen(conn, scope, &kept_id, &m.id)?;
        history::note(
            conn,
            u,
            Change::person(&k),
            "merge_undone",
            Some(format!("{} ({})", m.full_name(), m.id)),
            None,
        )?;
        history::note(
            conn,
            u,
            Change::person(&m),
            "restored",
            None,
            Some(format!("from {} ({})", k.full_name(), k.id)),
        )?;
        u.touch(&kept_id);
        u.touch(&m.id);
        u.audit("person.merge.undo", "person", kept_id.as_str());
        u.audit("person.merge.undo", "merge", id);
        let row = repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        Ok(view(&row))
    })
}

/// The merges into a person or of it, newest first.
pub fn of_person(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId) -> AppResult<Vec<MergeView>> {
    Ok(repo::of_person(conn, scope, person)?.iter().map(view).collect())
}

/// The organisation's merges, newest first, with how many there are.
pub fn recent(
    conn: &mut DbConnection,
    scope: &OrgScope,
    page: crate::db::repo::Page,
) -> AppResult<(Vec<MergeView>, i64)> {
    let mut merges: Vec<MergeView> = repo::recent(conn, scope, page)?.iter().map(view).collect();
    let kept: Vec<PersonId> = merges.iter().map(|m| m.kept_id.clone()).collect();
    let names: std::collections::HashMap<PersonId, String> =
        persons::by_ids(conn, scope, &kept)?.into_iter().map(|p| (p.id.clone(), p.full_name())).collect();
    for m in &mut merges {
        m.kept_name = names.get(&m.kept_id).cloned().unwrap_or_default();
    }
    Ok((merges, repo::count(conn, scope)?))
}

/// One merge; 404 outside the scope.
pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> AppResult<MergeView> {
    Ok(view(&repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?))
}
