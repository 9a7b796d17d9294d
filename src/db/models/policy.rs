//! Row types of policies and stored evaluation results.

use crate::db::schema::{eligibility_results, policy_versions};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, serde::Serialize, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = policy_versions, treat_none_as_null = true)]
pub struct PolicyVersionRow {
    pub id: String,
    pub country_code: String,
    pub number: i32,
    pub status: String,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub summary: String,
    pub source: String,
    pub source_url: String,
    pub note: String,
    /// JSON array of rules (`domain::policy::Rule`).
    pub rules: String,
    pub seed_hash: Option<String>,
    pub based_on: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = eligibility_results, treat_none_as_null = true)]
pub struct EligibilityRow {
    pub person_id: String,
    pub country_code: String,
    pub organisation_id: String,
    pub outcome: String,
    pub uncertain: bool,
    pub policy_version_id: Option<String>,
    pub changes_on: Option<NaiveDate>,
    pub changes_to: Option<String>,
    pub change_reason: Option<String>,
    /// JSON of `domain::policy::ClaimResult`.
    pub result: String,
    pub evaluated_on: NaiveDate,
    pub evaluated_at: NaiveDateTime,
}
