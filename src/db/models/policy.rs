//! Row types of policies and stored evaluation results.

use crate::db::schema::{eligibility_results, policy_versions};
use crate::domain::country::CountryCode;
use crate::domain::ids::{OrgId, PersonId, PolicyVersionId};
use crate::domain::policy::{ChangeReason, Outcome, PolicyStatus};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = policy_versions, treat_none_as_null = true)]
pub struct PolicyVersionRow {
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
    /// JSON array of rules (`domain::policy::Rule`).
    pub rules: String,
    pub seed_hash: Option<String>,
    pub based_on: Option<PolicyVersionId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = eligibility_results, treat_none_as_null = true)]
pub struct EligibilityRow {
    pub person_id: PersonId,
    pub country_code: CountryCode,
    pub organisation_id: OrgId,
    pub outcome: Outcome,
    pub uncertain: bool,
    pub policy_version_id: Option<String>,
    pub changes_on: Option<NaiveDate>,
    pub changes_to: Option<Outcome>,
    pub change_reason: Option<ChangeReason>,
    /// JSON of `domain::policy::ClaimResult`.
    pub result: String,
    pub evaluated_on: NaiveDate,
    pub evaluated_at: NaiveDateTime,
}
