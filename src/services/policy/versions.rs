//! The stewards' workflow: a draft made from the version in force, rule editing with
//! validation, publication (closing the previous period) and retirement. Published versions
//! are never edited in place. Publishing and retiring queue the re-evaluation of everyone in
//! the same transaction and answer at once with the job.

use crate::db::models::{JobRow, PolicyVersionRow};
use crate::db::repo::{countries, policies};
use crate::db::{write_tx, DbConnection};
use crate::domain::country::CountryCode;
use crate::domain::ids::PolicyVersionId;
use crate::domain::partial_date::check_day;
use crate::domain::policy::validate::check_rules;
use crate::domain::policy::{PolicyStatus, Rule};
use crate::domain::problems::Problems;
use crate::domain::records::Patch;
use crate::domain::text::{check_notes, check_short};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use crate::services::jobs;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

/// Parses rules or answers 422 saying what is wrong and where.
pub fn parse_rules(rules: &serde_json::Value) -> AppResult<Vec<Rule>> {
    let parsed: Vec<Rule> = serde_json::from_value(rules.clone())
        .map_err(|e| AppError::field("rules", format!("not a valid rule list: {e}")))?;
    let errors = check_rules(&parsed);
    if !errors.is_empty() {
        return Err(AppError::Validation { message: "some rules are not valid".into(), fields: errors });
    }
    Ok(parsed)
}

/// Refuses rules that name a facility code no facility has (a typo would make the rule never
/// match, silently).
fn check_facility_codes(conn: &mut DbConnection, rules: &[Rule], p: &mut Problems) -> AppResult<()> {
    for (path, code) in crate::domain::policy::validate::facility_codes(rules) {
        if crate::db::repo::facilities::find_by_code(conn, &code)?.is_none() {
            p.add(path, format!("`{code}` is not the code of a facility"));
        }
    }
    Ok(())
}

/// The published version of a country in force on `on`.
pub fn in_force(conn: &mut DbConnection, country: &CountryCode, on: NaiveDate) -> AppResult<Option<PolicyVersionRow>> {
    Ok(policies::versions_of(conn, country)?
        .into_iter()
        .filter(|v| v.status == PolicyStatus::Published)
        .find(|v| v.effective_from.is_some_and(|f| f <= on) && v.effective_to.is_none_or(|t| on <= t)))
}

/// Creates a draft for a country, copied from the version in force today (or a single
/// "case by case" rule).
pub fn create_draft(conn: &mut DbConnection, ctx: &AuditCtx, country: &CountryCode) -> AppResult<PolicyVersionRow> {
    if !countries::exists(conn, country)? {
        return Err(AppError::NotFound);
    }
    write_tx(conn, |conn| {
        let base = in_force(conn, country, ctx.today())?;
        let default_rules = r#"[{"when":{"type":"always"},"outcome":"case_by_case","explanation":"Case by case."}]"#;
        let at = ctx.now();
        let row = PolicyVersionRow {
            id: PolicyVersionId::new_random(),
            country_code: *country,
            number: policies::next_number(conn, country)?,
            status: PolicyStatus::Draft,
            effective_from: None,
            effective_to: None,
            summary: base.as_ref().map(|b| b.summary.clone()).unwrap_or_default(),
            source: base.as_ref().map(|b| b.source.clone()).unwrap_or_default(),
            source_url: base.as_ref().map(|b| b.source_url.clone()).unwrap_or_default(),
            note: base.as_ref().map(|b| b.note.clone()).unwrap_or_default(),
            rules: base.as_ref().map(|b| b.rules.clone()).unwrap_or_else(|| default_rules.into()),
            seed_hash: None,
            based_on: base.map(|b| b.id),
            created_at: at,
            updated_at: at,
            published_at: None,
            retired_at: None,
            version: 1,
        };
        policies::insert(conn, &row)?;
        audit::record(conn, ctx, "policy.draft.create", Some(("policy_version", row.id.as_str())), "success")?;
        Ok(row)
    })
}

/// The editable fields of a draft.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DraftEdit {
    pub summary: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub source_url: String,
    #[serde(default)]
    pub note: String,
    /// The ordered rules (see `Rule`); the last must be `{"type": "always"}`.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
}

/// A partial change of a draft: only the fields sent change (`null` empties the source, its
/// address or the note), then the whole draft is checked again.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DraftPatch {
    pub summary: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub source: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub source_url: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub note: Patch<String>,
    /// The ordered rules (see `Rule`); the last must be `{"type": "always"}`.
    #[schema(value_type = Option<Object>)]
    pub rules: Option<serde_json::Value>,
}

impl DraftPatch {
    /// A patch that sets every field to the edit's (the rule editor sends them all).
    pub fn replace_with(e: DraftEdit) -> DraftPatch {
        DraftPatch {
            summary: Some(e.summary),
            source: Patch::Value(e.source),
            source_url: Patch::Value(e.source_url),
            note: Patch::Value(e.note),
            rules: Some(e.rules),
        }
    }

    /// The draft after the patch, as an edit to check.
    fn apply(self, current: &PolicyVersionRow) -> AppResult<DraftEdit> {
        let keep = |p: Patch<String>, stored: &str| p.apply(Some(stored.to_string())).unwrap_or_default();
        Ok(DraftEdit {
            summary: self.summary.unwrap_or_else(|| current.summary.clone()),
            source: keep(self.source, &current.source),
            source_url: keep(self.source_url, &current.source_url),
            note: keep(self.note, &current.note),
            rules: match self.rules {
                Some(r) => r,
                None => serde_json::from_str(&current.rules).map_err(|e| AppError::Internal(e.into()))?,
            },
        })
    }
}

/// Saves a draft's fields and rules, all of them (the rule editor's form).
pub fn edit_draft(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &PolicyVersionId,
    expected: i64,
    edit: DraftEdit,
) -> AppResult<PolicyVersionRow> {
    patch_draft(conn, ctx, id, expected, DraftPatch::replace_with(edit))
}

/// The checked fields of a draft edit, or every problem (the rule paths at fault included).
fn check_edit(conn: &mut DbConnection, edit: DraftEdit) -> AppResult<(String, String, String, String, Vec<Rule>)> {
    let mut p = Problems::new();
    let summary = p.take(
        "summary",
        check_notes(&edit.summary).and_then(|s| {
            if s.chars().count() > 2000 {
                Err("must be at most 2000 characters".to_string())
            } else {
                Ok(s)
            }
        }),
    );
    let source = p.take("source", check_notes(&edit.source));
    let source_url = p.take("source_url", check_short(&edit.source_url));
    let note = p.take("note", check_notes(&edit.note));
    let rules = match parse_rules(&edit.rules) {
        Ok(r) => Some(r),
        Err(AppError::Validation { fields, .. }) => {
            p.absorb(Problems { fields });
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(r) = &rules {
        check_facility_codes(conn, r, &mut p)?;
    }
    Ok(p.or(|| Some((summary?, source?, source_url?, note?, rules?)))?)
}

/// Changes the fields of a draft that the patch sends (422 with the rule paths at fault; 409 if
/// stale); the draft after the change is checked as a whole.
pub fn patch_draft(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &PolicyVersionId,
    expected: i64,
    patch: DraftPatch,
) -> AppResult<PolicyVersionRow> {
    write_tx(conn, |conn| {
        let current = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
        // Checked against the stored draft: what is not sent keeps its stored value.
        let (summary, source, source_url, note, rules) = check_edit(conn, patch.apply(&current)?)?;
        if current.status != PolicyStatus::Draft {
            return Err(AppError::field("status", "only a draft can be edited; create a new draft instead"));
        }
        if current.version != expected {
            return Err(AppError::stale("policy version", current.version));
        }
        let next = PolicyVersionRow {
            summary,
            source,
            source_url,
            note,
            rules: serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.into()))?,
            updated_at: ctx.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if !policies::update(conn, &next, expected)? {
            return Err(AppError::stale("policy version", current.version + 1));
        }
        audit::record(conn, ctx, "policy.draft.update", Some(("policy_version", id.as_str())), "success")?;
        Ok(next)
    })
}

/// What publishing from `from` does to a country's versions: the published versions still
/// running on `from` (they end the day before), and the first published version starting on or
/// after `from`, which refuses the publication. The one rule `publish` applies and the
/// confirmation page previews.
pub fn publication_effect(
    versions: Vec<PolicyVersionRow>,
    from: NaiveDate,
) -> (Vec<PolicyVersionRow>, Option<PolicyVersionRow>) {
    let mut closes = Vec::new();
    let mut refused_by = None;
    for other in versions.into_iter().filter(|v| v.status == PolicyStatus::Published) {
        let Some(start) = other.effective_from else { continue };
        if start >= from {
            refused_by = refused_by.or(Some(other));
        } else if other.effective_to.is_none_or(|t| t >= from) {
            closes.push(other);
        }
    }
    (closes, refused_by)
}

/// Publishes a draft from `from` (to `to`, or open-ended); the version in force on `from` ends
/// the day before. Refused if it would overlap a later published version. Answers with the
/// re-evaluation job it queued.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &PolicyVersionId,
    expected: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> AppResult<(PolicyVersionRow, JobRow)> {
    // Full days have bounds: chrono reads `-5000-01-01`, which PostgreSQL refuses to store.
    let mut p = Problems::new();
    let from = p.take("effective_from", check_day(from));
    let to = match to {
        Some(t) => p.take("effective_to", check_day(t)).map(Some),
        None => Some(None),
    };
    let (from, to) = p.or(|| Some((from?, to?)))?;
    if to.is_some_and(|t| t < from) {
        return Err(AppError::field("effective_to", "must not be before effective_from"));
    }
    write_tx(conn, |conn| {
        let current = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
        if current.status != PolicyStatus::Draft {
            return Err(AppError::field("status", "only a draft can be published"));
        }
        if current.version != expected {
            return Err(AppError::stale("policy version", current.version));
        }
        let rules: serde_json::Value =
            serde_json::from_str(&current.rules).map_err(|e| AppError::Internal(e.into()))?;
        parse_rules(&rules)?;
        let (closes, refused_by) = publication_effect(policies::versions_of(conn, &current.country_code)?, from);
        if let Some(later) = refused_by {
            let start = later.effective_from.unwrap_or(from);
            return Err(AppError::field(
                "effective_from",
                format!(
                    "overlaps published version {} (from {start}); retire it first or choose a later date",
                    later.number
                ),
            ));
        }
        for other in closes {
            let prev_end = from.pred_opt().unwrap_or(from);
            let closed = PolicyVersionRow {
                effective_to: Some(prev_end),
                updated_at: ctx.now(),
                version: other.version + 1,
                ..other.clone()
            };
            // Another request changed it since it was read: nothing of this publication stays.
            if !policies::update(conn, &closed, other.version)? {
                return Err(AppError::stale("policy version", current.version));
            }
            audit::record(conn, ctx, "policy.version.close", Some(("policy_version", other.id.as_str())), "success")?;
        }
        let at = ctx.now();
        let next = PolicyVersionRow {
            status: PolicyStatus::Published,
            effective_from: Some(from),
            effective_to: to,
            published_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        if !policies::update(conn, &next, expected)? {
            return Err(AppError::stale("policy version", current.version + 1));
        }
        audit::record(conn, ctx, "policy.publish", Some(("policy_version", id.as_str())), "success")?;
        let job =
            jobs::queue_reevaluation(conn, ctx, &format!("policy.publish {} v{}", next.country_code, next.number))?;
        Ok((next, job))
    })
}

/// Retires a version: a published one no longer applies (and everyone's re-evaluation is
/// queued), a draft is set aside.
pub fn retire(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &PolicyVersionId,
    expected: i64,
) -> AppResult<(PolicyVersionRow, Option<JobRow>)> {
    write_tx(conn, |conn| {
        let current = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
        if current.status == PolicyStatus::Retired {
            return Err(AppError::field("status", "already retired"));
        }
        if current.version != expected {
            return Err(AppError::stale("policy version", current.version));
        }
        let at = ctx.now();
        let next = PolicyVersionRow {
            status: PolicyStatus::Retired,
            retired_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        if !policies::update(conn, &next, expected)? {
            return Err(AppError::stale("policy version", current.version + 1));
        }
        audit::record(conn, ctx, "policy.retire", Some(("policy_version", id.as_str())), "success")?;
        let job = if current.status == PolicyStatus::Published {
            let reason = format!("policy.retire {} v{}", next.country_code, next.number);
            Some(jobs::queue_reevaluation(conn, ctx, &reason)?)
        } else {
            None
        };
        Ok((next, job))
    })
}
