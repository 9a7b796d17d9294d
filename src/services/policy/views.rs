//! Read models of policies: a version with its rules (and the rules in plain English for API
//! clients; the pages render them through the translations), and the deployment's change log,
//! which every organisation's admins and coordinators read: policies are shared, so a change
//! made by one organisation's steward must be visible to all. Facilities are shared too, and
//! policy rules read where a person is held and who controls it, so a facility's changes (its
//! `facility.*` events) are in the same log.

use crate::db::models::PolicyVersionRow;
use crate::db::repo::{audit, facilities, users, Page};
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
    /// `policy.version.close`, `steward.grant`, `steward.revoke`, `facility.create`,
    /// `facility.update`, `facility.authority.create`.
    pub action: String,
    pub policy_version_id: Option<String>,
    /// The facility a `facility.*` change is about, and its name now.
    pub facility_id: Option<String>,
    pub facility_name: Option<String>,
    pub actor_name: Option<String>,
    pub actor_organisation: Option<String>,
}

/// The audit actions of the log: the shared policies, who may change them, and the shared
/// facilities.
const LOGGED: &[&str] = &["policy.", "steward.", "facility."];

/// The most recent policy changes of the whole deployment, newest first.
pub fn changes(conn: &mut DbConnection, page: Page) -> AppResult<Vec<PolicyChange>> {
    let events = audit::deployment_events(conn, LOGGED, page)?;
    let actor_ids: Vec<String> = events.iter().filter_map(|e| e.actor_id.clone()).collect();
    let names: HashMap<String, (String, String)> =
        users::names_with_organisation(conn, &actor_ids)?.into_iter().map(|(id, n, o)| (id, (n, o))).collect();
    // Every facility by id (reference data: a few dozen rows).
    let facility_names: HashMap<String, String> =
        facilities::list(conn)?.into_iter().map(|f| (f.id.to_string(), f.name)).collect();
    Ok(events
        .into_iter()
        .map(|e| {
            let who = e.actor_id.as_ref().and_then(|a| names.get(a)).cloned();
            let entity = |kind: &str| e.entity_id.clone().filter(|_| e.entity_type.as_deref() == Some(kind));
            let facility_id = entity("facility");
            PolicyChange {
                at: e.occurred_at,
                policy_version_id: entity("policy_version"),
                facility_name: facility_id.as_ref().and_then(|f| facility_names.get(f)).cloned(),
                facility_id,
                action: e.action,
                actor_name: who.as_ref().map(|w| w.0.clone()),
                actor_organisation: who.map(|w| w.1),
            }
        })
        .collect())
}
