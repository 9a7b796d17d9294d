//! Policy seeds (`seeds/policies/*.toml`, embedded in the binary). A version whose content is
//! already stored is skipped; a new period is published; a changed version of a period that is
//! already published is added as a new draft for an admin to review, never written over the
//! published one.

use crate::db::models::PolicyVersionRow;
use crate::db::repo::policies;
use crate::db::DbConnection;
use crate::domain::ids::PolicyVersionId;
use crate::domain::policy::validate::check_rules;
use crate::domain::policy::PolicyStatus;
use crate::domain::policy::Rule;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use chrono::NaiveDate;
use rust_embed::Embed;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Embed)]
#[folder = "seeds/policies/"]
struct PolicySeeds;

#[derive(Debug, Deserialize)]
struct SeedFile {
    country: String,
    version: Vec<SeedVersion>,
}

#[derive(Debug, Deserialize, Serialize)]
struct SeedVersion {
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    summary: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    source_url: String,
    #[serde(default)]
    note: String,
    rule: Vec<Rule>,
}

/// Counts of what a policy seed run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PolicySeedReport {
    pub published: usize,
    pub drafts: usize,
}

fn overlaps(a_from: NaiveDate, a_to: Option<NaiveDate>, b_from: NaiveDate, b_to: Option<NaiveDate>) -> bool {
    a_to.is_none_or(|t| t >= b_from) && b_to.is_none_or(|t| t >= a_from)
}

/// Applies every policy seed file inside the caller's transaction.
pub fn apply(conn: &mut DbConnection, ctx: &AuditCtx) -> AppResult<PolicySeedReport> {
    let mut report = PolicySeedReport::default();
    let mut names: Vec<_> = PolicySeeds::iter().filter(|n| n.ends_with(".toml")).collect();
    names.sort();
    for name in names {
        let Some(file) = PolicySeeds::get(&name) else {
            continue;
        };
        let text = std::str::from_utf8(&file.data).map_err(|e| AppError::Internal(anyhow::anyhow!("{name}: {e}")))?;
        apply_text(conn, ctx, &name, text, &mut report)?;
    }
    Ok(report)
}

/// Applies one seed file's text (`name` is for error messages).
pub fn apply_text(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    name: &str,
    text: &str,
    report: &mut PolicySeedReport,
) -> AppResult<()> {
    let seed: SeedFile =
        toml::from_str(text).map_err(|e| AppError::Internal(anyhow::anyhow!("seeds/policies/{name}: {e}")))?;
    for v in seed.version {
        let errors = check_rules(&v.rule);
        if !errors.is_empty() {
            return Err(AppError::Internal(anyhow::anyhow!("seeds/policies/{name}: invalid rules {errors:?}")));
        }
        let content = serde_json::to_string(&v).map_err(|e| AppError::Internal(e.into()))?;
        let hash = hex::encode(Sha256::digest(content.as_bytes()));
        let country = crate::domain::country::CountryCode::parse(&seed.country)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("seeds/policies/{name}: country {e}")))?;
        let existing = policies::versions_of(conn, &country)?;
        if existing.iter().any(|e| e.seed_hash.as_deref() == Some(hash.as_str())) {
            continue;
        }
        let clash = existing
            .iter()
            .filter(|e| e.status == PolicyStatus::Published)
            .any(|e| e.effective_from.is_some_and(|f| overlaps(f, e.effective_to, v.effective_from, v.effective_to)));
        let at = ctx.now();
        let row = PolicyVersionRow {
            id: PolicyVersionId::new_random(),
            country_code: country,
            number: policies::next_number(conn, &country)?,
            status: if clash { PolicyStatus::Draft } else { PolicyStatus::Published },
            effective_from: Some(v.effective_from),
            effective_to: v.effective_to,
            summary: v.summary.clone(),
            source: v.source.clone(),
            source_url: v.source_url.clone(),
            note: v.note.clone(),
            rules: serde_json::to_string(&v.rule).map_err(|e| AppError::Internal(e.into()))?,
            seed_hash: Some(hash),
            based_on: None,
            created_at: at,
            updated_at: at,
            published_at: if clash { None } else { Some(at) },
            retired_at: None,
            version: 1,
        };
        policies::insert(conn, &row)?;
        if clash {
            report.drafts += 1;
        } else {
            report.published += 1;
        }
    }
    Ok(())
}
