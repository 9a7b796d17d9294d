//! Read models of policies: a version with its rules (and the rules in plain English for API
//! clients; the pages render them through the translations), and the deployment's change log,
//! which every organisation's admins and coordinators read: policies are shared, so a change
//! made by one organisation's steward must be visible to all.

use crate::db::models::PolicyVersionRow;
use crate::db::repo::{audit, users, Page};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::PolicyVersionId;
use crate::domain::policy::{PolicyStatus, Rule};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A policy version with its rules.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyVersionView {
    pub id: PolicyVersionId,
    pub country_code: CountryCode,
    pub number: i32,
    pub status: PolicyStatus,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub summary: String,
    pub source: String,
    pub source_url: String,
    pub note: String,
    pub rules: Vec<Rule>,
    /// Each rule in plain English: "If <condition>: <outcome> — <explanation>".
    pub rules_in_words: Vec<String>,
    pub published_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
    pub version: i64,
}

/// The parsed rules of a stored version.
pub fn rules_of(r: &PolicyVersionRow) -> AppResult<Vec<Rule>> {
    serde_json::from_str(&r.rules).map_err(|e| AppError::Internal(anyhow::anyhow!("stored rules of {}: {e}", r.id)))
}

/// The view of a stored version.
pub fn view(r: PolicyVersionRow) -> AppResult<PolicyVersionView> {
    let rules = rules_of(&r)?;
    let english = crate::i18n::I18n::new(crate::i18n::Lang::En);
    let rules_in_words = rules.iter().map(|r| english.rule(r)).collect();
    Ok(PolicyVersionView {
        id: r.id,
        country_code: r.country_code,
        number: r.number,
        status: r.status,
        effective_from: r.effective_from,
        effective_to: r.effective_to,
        summary: r.summary,
        source: r.source,
        source_url: r.source_url,
        note: r.note,
        rules,
        rules_in_words,
        published_at: r.published_at,
        retired_at: r.retired_at,
        version: r.version,
    })
}

/// One entry of the deployment's policy change log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyChange {
    pub at: NaiveDateTime,
    /// `policy.publish`, `policy.retire`, `policy.draft.create`, `policy.draft.update`,
    /// `policy.version.close`, `steward.grant`, `steward.revoke`.
    pub action: String,
    pub policy_version_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_organisation: Option<String>,
}

/// The most recent policy changes of the whole deployment, newest first.
pub fn changes(conn: &mut DbConnection, page: Page) -> AppResult<Vec<PolicyChange>> {
    let events = audit::deployment_events(conn, &["policy.", "steward."], page)?;
    let actor_ids: Vec<String> = events.iter().filter_map(|e| e.actor_id.clone()).collect();
    let names: HashMap<String, (String, String)> =
        users::names_with_organisation(conn, &actor_ids)?.into_iter().map(|(id, n, o)| (id, (n, o))).collect();
    Ok(events
        .into_iter()
        .map(|e| {
            let who = e.actor_id.as_ref().and_then(|a| names.get(a)).cloned();
            PolicyChange {
                at: e.occurred_at,
                action: e.action,
                policy_version_id: e.entity_id.filter(|_| e.entity_type.as_deref() == Some("policy_version")),
                actor_name: who.as_ref().map(|w| w.0.clone()),
                actor_organisation: who.map(|w| w.1),
            }
        })
        .collect())
}
