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
//! the moved rows since (`undo`). One unit of work each: audited, derived data refreshed at the
//! end. Both persons' rows are locked first, in id order, by a conditional version bump: a
//! second merge of the same person, or an edit made since the user looked, finds another
//! version and gets 409 (on PostgreSQL the second waits for the first, then finds it).
//!
//! What the merged person's own row says and the kept person's does not (a date of death, a
//! narrower birth date, notes ...) is listed as kept apart, with the claims, links and cases
//! that could not move, so that nobody believes it moved. "Not the same person" decisions of
//! the merged person carry over to the kept person (and go again with an undo).

mod moves;
mod undo;

pub use undo::undo;

use super::history::{self, Change};
use crate::auth::OrgScope;
use crate::db::models::{CaseMemberRow, ClaimRow, KinshipRow, PersonRow};
use crate::db::repo::duplicate_pairs::{self as pairs, Found, PairStatus};
use crate::db::repo::merges::{self as repo, MergeRow};
use crate::db::repo::{backlog_facts, new_id, persons};
use crate::db::DbConnection;
use crate::domain::ids::{CaseId, PersonId};
use crate::domain::person::PersonFlag;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit;
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
    /// The merged person's facts the kept person's row does not carry ("date of death
    /// 2021-04-02"), shown as kept apart.
    #[serde(default)]
    facts_apart: Vec<String>,
    /// The persons the merged person was decided "not the same" as, now decided so for the
    /// kept person too (an undo forgets these decisions again).
    #[serde(default)]
    distinct_added: Vec<PersonId>,
    /// The merged pair's status before the merge (`open`, `distinct`, or none).
    #[serde(default)]
    pair_before: Option<String>,
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
    let mut kept_apart: Vec<String> = snap.facts_apart.clone();
    kept_apart.extend(
        snap.claims_kept
            .iter()
            .map(|c| format!("claim to {} ({}): the kept person claims it too", c.country_code, c.status)),
    );
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
        // Both rows locked in id order, each at the version the user saw: a concurrent merge
        // or edit of either answers 409 here instead of interleaving.
        let mut order = [(k, input.kept_version), (m, input.merged_version)];
        order.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        for (p, seen) in order {
            if p.version != seen || !repo::bump_version(conn, scope, &p.id, Some(seen))? {
                return Err(AppError::stale("person", p.version));
            }
        }
        let mut snap = Snapshot { person: Some(m.clone()), ..Snapshot::default() };
        snap.facts_apart = moves::facts_apart(k, m)?;
        moves::names(conn, scope, u, k, m, &mut snap)?;
        moves::kinships(conn, scope, k, m, &mut snap)?;
        moves::claims(conn, scope, k, m, &mut snap)?;
        moves::cases(conn, scope, k, m, &mut snap)?;
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
        // row goes: deleting the row would drop them without adjusting the counts. Under the
        // locks the unit's own refresh takes, in the same order, so that a re-evaluation's
        // chunk cannot count the person at the same time.
        crate::services::eligibility::walk::lock_evaluation(conn, false)?;
        crate::services::eligibility::walk::lock_organisation(conn, scope)?;
        backlog_facts::refresh(conn, scope, backlog_facts::Persons::Ids(std::slice::from_ref(gone)))?;
        if !repo::delete_derived(conn, scope, gone)? {
            return Err(AppError::stale("person", m.version));
        }
        snap.distinct_added = carry_distinct(conn, ctx, scope, kept, gone)?;
        let (a, b) = pairs::ordered(kept, gone);
        let found = Found { a, b, score: 0.0, band: "likely", reasons: "[]".into() };
        let prior = pairs::find(conn, scope, kept, gone)?;
        snap.pair_before = prior.as_ref().map(|p| p.status.clone());
        let found = Found {
            score: prior.as_ref().map_or(0.0, |p| p.score),
            band: if prior.as_ref().is_some_and(|p| p.band == "possible") { "possible" } else { "likely" },
            reasons: prior.map_or_else(|| "[]".to_string(), |p| p.reasons),
            ..found
        };
        pairs::decide(conn, scope, &found, PairStatus::Merged, ctx.actor_id.as_deref(), ctx.now())?;
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
        history::note(conn, u, Change::person(k), "merged", None, Some(format!("{} ({})", m.full_name(), gone)))?;
        u.touch(kept);
        u.audit("person.merge", "person", kept.as_str());
        u.audit("person.merge", "merge", &row.id);
        Ok(view(&row))
    })
}

/// Decides "not the same person" between the kept person and everyone the merged person was
/// decided not to be (the kept person now carries the merged person's names, so those pairs
/// would be proposed again); the persons whose decision this added.
fn carry_distinct(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    kept: &PersonId,
    gone: &PersonId,
) -> AppResult<Vec<PersonId>> {
    let mut added = Vec::new();
    for other in pairs::distinct_from(conn, scope, gone)? {
        if &other == kept || pairs::find(conn, scope, kept, &other)?.is_some_and(|p| p.status != "open") {
            continue;
        }
        let (a, b) = pairs::ordered(kept, &other);
        let found = Found { a, b, score: 0.0, band: "possible", reasons: "[]".into() };
        pairs::decide(conn, scope, &found, PairStatus::Distinct, ctx.actor_id.as_deref(), ctx.now())?;
        added.push(other);
    }
    Ok(added)
}

/// The merges into a person or of it, newest first.
pub fn of_person(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId) -> AppResult<Vec<MergeView>> {
    // A person of another organisation answers as one that does not exist (the matrix test);
    // a person merged away (whose row is gone) still has the merges to undo.
    let merges: Vec<MergeView> = repo::of_person(conn, scope, person)?.iter().map(view).collect();
    if merges.is_empty() && crate::db::repo::persons::find(conn, scope, person)?.is_none() {
        return Err(crate::error::AppError::NotFound);
    }
    Ok(merges)
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
