//! Row types of the registry: facilities, families, persons, names, kinship, nationality claims,
//! custody events and the change history.

use crate::db::schema::*;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, serde::Serialize, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = facilities, treat_none_as_null = true)]
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country_code: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = facility_authorities)]
pub struct FacilityAuthorityRow {
    pub id: String,
    pub facility_id: String,
    pub authority: String,
    pub from_date: NaiveDate,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, serde::Serialize, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = families, treat_none_as_null = true)]
pub struct FamilyRow {
    pub id: String,
    pub organisation_id: String,
    pub label: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = persons, treat_none_as_null = true)]
pub struct PersonRow {
    pub id: String,
    pub organisation_id: String,
    pub family_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub sex: String,
    pub birth_year: Option<i32>,
    pub birth_month: Option<i32>,
    pub birth_day: Option<i32>,
    pub birth_margin: i32,
    pub birth_earliest: Option<NaiveDate>,
    pub birth_latest: Option<NaiveDate>,
    pub place_of_birth: String,
    /// `PartialDate::encode` form.
    pub left_home: Option<String>,
    pub left_home_age: Option<i32>,
    pub wish: String,
    pub wish_recorded_on: Option<NaiveDate>,
    pub unaccompanied_minor: bool,
    pub orphan: bool,
    pub medical_need: bool,
    pub disability: bool,
    pub date_of_death: Option<NaiveDate>,
    pub notes: String,
    pub search_key: String,
    pub stateless: bool,
    pub at_risk: bool,
    pub custody_status: String,
    pub current_facility_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = person_names)]
pub struct PersonNameRow {
    pub id: String,
    pub person_id: String,
    pub kind: String,
    pub script: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = kinships)]
pub struct KinshipRow {
    pub id: String,
    pub organisation_id: String,
    pub person_id: String,
    pub relative_id: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, serde::Serialize, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = nationality_claims, treat_none_as_null = true)]
pub struct ClaimRow {
    pub id: String,
    pub person_id: String,
    pub country_code: String,
    pub status: String,
    pub basis: String,
    pub decision_date: Option<NaiveDate>,
    pub legal_note: String,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = custody_events)]
pub struct CustodyEventRow {
    pub id: String,
    pub person_id: String,
    pub kind: String,
    pub facility_id: Option<String>,
    pub event_year: i32,
    pub event_month: Option<i32>,
    pub event_day: Option<i32>,
    pub event_margin: i32,
    pub event_earliest: NaiveDate,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = record_changes)]
pub struct RecordChangeRow {
    pub id: String,
    pub organisation_id: String,
    pub family_id: Option<String>,
    pub entity_type: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor_id: Option<String>,
    pub request_id: String,
    pub changed_at: NaiveDateTime,
}
