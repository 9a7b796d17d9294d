//! Row types of cases: the case, its members, its timeline and the members' consents.

use crate::db::schema::*;
use crate::domain::case::{CaseEventKind, CaseStatus, ConsentBy};
use crate::domain::country::CountryCode;
use crate::domain::ids::*;
use crate::domain::policy::Outcome;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A case as stored. The version covers every column: each change (a step, an assignment, the
/// next action) bumps it, so two people acting on the same case cannot both succeed.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cases, treat_none_as_null = true)]
pub struct CaseRow {
    pub id: CaseId,
    pub organisation_id: OrgId,
    pub family_id: FamilyId,
    pub destination: CountryCode,
    pub status: CaseStatus,
    pub held_from: Option<CaseStatus>,
    pub status_reason: Option<String>,
    pub status_since: NaiveDateTime,
    pub assignee_id: Option<UserId>,
    pub opened_on: NaiveDate,
    pub next_action: String,
    pub next_action_due: Option<NaiveDate>,
    pub handover_on: Option<NaiveDate>,
    pub submitted_on: Option<NaiveDate>,
    pub wish_override: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A member of a case.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_members, treat_none_as_null = true)]
pub struct CaseMemberRow {
    pub case_id: CaseId,
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub destination: CountryCode,
    pub is_open: bool,
    pub submitted_outcome: Option<Outcome>,
    pub submitted_policy_version_id: Option<PolicyVersionId>,
    pub added_at: NaiveDateTime,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    pub id: String,
    pub case_id: CaseId,
    pub organisation_id: OrgId,
    pub kind: CaseEventKind,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    pub reason: Option<String>,
    pub note: String,
    pub on_date: Option<NaiveDate>,
    pub actor_id: Option<UserId>,
    pub at: NaiveDateTime,
}

/// A member's consent as recorded (the latest per member counts).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_consents)]
pub struct CaseConsentRow {
    pub id: String,
    pub case_id: CaseId,
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub given_by: ConsentBy,
    pub given_by_name: String,
    pub given_on: NaiveDate,
    pub to_case: bool,
    pub to_sharing: bool,
    pub recorded_at: NaiveDateTime,
    pub actor_id: Option<UserId>,
}
