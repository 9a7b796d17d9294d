//! Undoing a merge (see the module above): the merged person's row comes back, the rows that
//! moved go back by id (with what was changed on them since, and the consents recorded since
//! for the cases the merged person brought), what was kept apart is inserted again, the
//! decisions the merge carried over are forgotten.

use super::{view, MergeView, Snapshot};
use crate::auth::OrgScope;
use crate::db::models::CaseMemberRow;
use crate::db::repo::duplicate_pairs::{self as pairs, PairStatus};
use crate::db::repo::merges::{self as repo, Owned};
use crate::db::repo::{claims, kinships, persons};
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use crate::domain::person::PersonFlag;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::registry::history::{self, Change};
use crate::services::unit;
use std::collections::HashSet;

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
        let gone_since = "the kept person was merged into another since: undo that merge first";
        let Some(k) = persons::by_ids(conn, scope, std::slice::from_ref(&kept_id))?.into_iter().next() else {
            return Err(conflict(gone_since));
        };
        // The kept person's row locked (an undo changes it) before anything moves.
        if !repo::bump_version(conn, scope, &kept_id, None)? {
            return Err(conflict(gone_since));
        }
        // A snapshot emptied by retention (`services::retention`) has nothing to bring back.
        let snap: Snapshot = if row.snapshot == "{}" {
            Snapshot::default()
        } else {
            serde_json::from_str(&row.snapshot).map_err(|e| AppError::Internal(e.into()))?
        };
        let m = snap.person.clone().ok_or_else(|| conflict("the merged person's record was pseudonymised under the retention period: there is nothing to bring back"))?;
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
        let mut returning: Vec<CaseMemberRow> = now_kept
            .iter()
            .filter(|c| snap.cases_moved.contains(&c.case_id))
            .map(|c| CaseMemberRow { person_id: m.id.clone(), ..c.clone() })
            .collect();
        // A membership kept apart comes back as open or closed as the case is now (the kept
        // person's membership of the same case says it), not as it was at the merge.
        returning.extend(snap.cases_kept.iter().map(|c| {
            let now = now_kept.iter().find(|k| k.case_id == c.case_id);
            CaseMemberRow { is_open: now.map_or(c.is_open, |k| k.is_open), ..c.clone() }
        }));
        repo::add_memberships(conn, scope, &returning)?;
        back(conn, repo::CONSENTS, &snap.consents_moved)?;
        // Consents recorded for the kept person since, in a case the merged person brought, are
        // the returning member's.
        repo::move_consents_in_cases(conn, scope, &kept_id, &m.id, &snap.cases_moved)?;
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
        for other in &snap.distinct_added {
            pairs::forget(conn, scope, &kept_id, other, PairStatus::Distinct)?;
        }
        let before = match snap.pair_before.as_deref() {
            Some("distinct") => PairStatus::Distinct,
            _ => PairStatus::Open,
        };
        pairs::set_status(conn, scope, &kept_id, &m.id, before)?;
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
