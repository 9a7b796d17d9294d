//! What a publication or a retirement would change, before a steward confirms it: which
//! published versions a publication would close (or whether a later one refuses it), and how
//! outcomes would change, for everyone with a claim to the country. Read-only: nothing is
//! written. Counts cover every organisation; names only the caller's, as in `simulate`.

use super::simulate::{self, compare, Simulation};
use super::versions::publication_effect;
use crate::auth::OrgScope;
use crate::db::models::PolicyVersionRow;
use crate::db::repo::policies;
use crate::db::DbConnection;
use crate::domain::ids::PolicyVersionId;
use crate::domain::policy::{PolicyStatus, PolicyVersion};
use crate::error::{AppError, AppResult};
use crate::services::eligibility::domain_versions;
use chrono::NaiveDate;

/// A version as the confirmations name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRef {
    pub number: i32,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

impl VersionRef {
    fn of(r: &PolicyVersionRow) -> VersionRef {
        VersionRef { number: r.number, effective_from: r.effective_from, effective_to: r.effective_to }
    }
}

/// The effect of publishing a draft from `from`.
#[derive(Debug, Clone)]
pub struct PublishPreview {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Published versions still running on `from`: they would end the day before.
    pub closes: Vec<VersionRef>,
    /// A published version that starts on or after `from`: the publication would be refused
    /// (the same rule as `versions::publish`).
    pub refused_by: Option<VersionRef>,
    /// Outcomes before and after, as of `from` (none when the publication would be refused).
    pub simulation: Option<Simulation>,
}

/// What publishing the draft `id` from `from` (to `to`) would do.
pub fn publication(
    conn: &mut DbConnection,
    id: &PolicyVersionId,
    from: NaiveDate,
    to: Option<NaiveDate>,
    names_for: Option<&OrgScope>,
) -> AppResult<PublishPreview> {
    let draft = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
    let (closes, refused_by) = publication_effect(policies::versions_of(conn, &draft.country_code)?, from);
    let (closes, refused_by) = (closes.iter().map(VersionRef::of).collect(), refused_by.as_ref().map(VersionRef::of));
    let simulation = if refused_by.is_none() { Some(simulate::simulate(conn, id, from, names_for)?) } else { None };
    Ok(PublishPreview { from, to, closes, refused_by, simulation })
}

/// The effect of retiring a version.
#[derive(Debug, Clone)]
pub struct RetirePreview {
    pub version: VersionRef,
    pub status: PolicyStatus,
    /// The date the comparison is made on.
    pub as_of: NaiveDate,
    /// Outcomes with the version and without it (none for a draft: it never applied).
    pub simulation: Option<Simulation>,
}

/// The date a retirement is best shown on: `today` when the version is in force, else the
/// nearest day of its period (its first day for a future version, its last for a past one).
pub fn retirement_date(v: &PolicyVersionRow, today: NaiveDate) -> NaiveDate {
    let mut on = today;
    if let Some(from) = v.effective_from {
        on = on.max(from);
    }
    if let Some(to) = v.effective_to {
        on = on.min(to);
    }
    on
}

/// What retiring `id` would change on `as_of`: everyone with a claim to its country, under the
/// published versions as they are and without this one.
pub fn retirement(
    conn: &mut DbConnection,
    id: &PolicyVersionId,
    as_of: NaiveDate,
    names_for: Option<&OrgScope>,
) -> AppResult<RetirePreview> {
    let row = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
    let simulation = if row.status == PolicyStatus::Published {
        let current = domain_versions(&policies::published(conn, Some(&row.country_code))?)?;
        let without: Vec<PolicyVersion> = current.iter().filter(|v| v.id != row.id.as_str()).cloned().collect();
        Some(compare(conn, &row.country_code, &current, &without, as_of, names_for)?)
    } else {
        None
    };
    Ok(RetirePreview { version: VersionRef::of(&row), status: row.status, as_of, simulation })
}
