//! Row types of the registry: facilities, families, persons (own facts, derived columns, flags,
//! wishes), names, kinship, nationality claims, custody events and the change history.
//!
//! Child rows carry the organisation of their person; the database's composite foreign keys
//! make sure it is the person's own.

use crate::db::schema::*;
use crate::db::sql_types::partial_date_columns;
use crate::domain::country::CountryCode;
use crate::domain::custody::{CustodyKind, CustodyStatus};
use crate::domain::facility::FacilityKind;
use crate::domain::ids::*;
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::person::{KinshipKind, NameKind, PersonFlag, Script, Sex, Wish};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

partial_date_columns!(
    /// A person's birth date, as its range.
    BirthRange, persons, birth_earliest, birth_latest, optional
);
partial_date_columns!(
    /// When a person left home, as its range.
    DepartureRange, persons, left_home_earliest, left_home_latest, optional
);
partial_date_columns!(
    /// When a claim was decided (denied or revoked), as its range.
    DecisionRange, nationality_claims, decision_earliest, decision_latest, optional
);
partial_date_columns!(
    /// When a custody event happened, as its range.
    EventRange, custody_events, event_earliest, event_latest
);

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = facilities, treat_none_as_null = true)]
pub struct FacilityRow {
    pub id: FacilityId,
    /// Stable: policy rules refer to the facility by it, whatever its display name becomes.
    pub code: String,
    pub name: String,
    pub kind: FacilityKind,
    pub country_code: CountryCode,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = facility_authorities)]
pub struct FacilityAuthorityRow {
    pub id: String,
    pub facility_id: FacilityId,
    pub authority: String,
    pub from_date: NaiveDate,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, serde::Serialize, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = families, treat_none_as_null = true)]
pub struct FamilyRow {
    pub id: FamilyId,
    pub organisation_id: OrgId,
    pub label: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A person's own facts: what a caseworker records and the version covers. Derived columns,
/// flags and wishes live in their own tables.
#[derive(
    serde::Serialize,
    serde::Deserialize,
    Debug,
    Clone,
    PartialEq,
    Queryable,
    QueryableByName,
    Selectable,
    Insertable,
    AsChangeset,
)]
#[diesel(table_name = persons, treat_none_as_null = true)]
pub struct PersonRow {
    pub id: PersonId,
    pub organisation_id: OrgId,
    pub family_id: Option<FamilyId>,
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    #[diesel(embed)]
    pub birth: BirthRange,
    pub place_of_birth: String,
    #[diesel(embed)]
    pub left_home: DepartureRange,
    pub left_home_age: Option<i32>,
    pub date_of_death: Option<NaiveDate>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl PersonRow {
    /// "Given Family".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// What is derived from a person's names, claims and custody: written only by the refresh at
/// the end of a write transaction, read by lists and filters.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = person_derived, treat_none_as_null = true)]
pub struct PersonDerivedRow {
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub search_key: String,
    pub stateless: bool,
    pub at_risk: bool,
    pub custody_status: CustodyStatus,
    pub current_facility_id: Option<FacilityId>,
    /// The person's family (`persons.family_id`), so that a name search groups its matches
    /// by family without reading `persons` (migration 000013).
    pub family_id: Option<FamilyId>,
}

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = person_flags)]
pub struct PersonFlagRow {
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub flag: PersonFlag,
}

/// A wish as recorded on a day; the latest row is the person's wish now.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = person_wishes)]
pub struct PersonWishRow {
    pub id: String,
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub wish: Wish,
    pub recorded_on: Option<NaiveDate>,
    pub recorded_at: NaiveDateTime,
    pub actor_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = person_names)]
pub struct PersonNameRow {
    pub id: NameId,
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub kind: NameKind,
    pub script: Script,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = kinships)]
pub struct KinshipRow {
    pub id: KinshipId,
    pub organisation_id: OrgId,
    pub person_id: PersonId,
    pub relative_id: PersonId,
    pub kind: KinshipKind,
    pub created_at: NaiveDateTime,
}

#[derive(
    serde::Serialize, serde::Deserialize, Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset,
)]
#[diesel(table_name = nationality_claims, treat_none_as_null = true)]
pub struct ClaimRow {
    pub id: ClaimId,
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub country_code: CountryCode,
    pub status: ClaimStatus,
    pub basis: ClaimBasis,
    #[diesel(embed)]
    pub decision: DecisionRange,
    pub legal_note: String,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = custody_events)]
pub struct CustodyEventRow {
    pub id: CustodyEventId,
    pub person_id: PersonId,
    pub organisation_id: OrgId,
    pub kind: CustodyKind,
    pub facility_id: Option<FacilityId>,
    #[diesel(embed)]
    pub date: EventRange,
    pub note: String,
    pub created_at: NaiveDateTime,
}

impl CustodyEventRow {
    /// The event as the domain's whereabouts derivation takes it (a stored date that no partial
    /// date stands for is an error).
    pub fn event(&self) -> Result<crate::domain::custody::Event, crate::db::sql_types::StoredDateError> {
        Ok(crate::domain::custody::Event {
            kind: self.kind,
            facility_id: self.facility_id.clone(),
            date: self.date.get()?,
            recorded_order: self.created_at.and_utc().timestamp_micros(),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = record_changes)]
pub struct RecordChangeRow {
    pub id: String,
    pub organisation_id: OrgId,
    pub family_id: Option<FamilyId>,
    pub entity_type: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor_id: Option<String>,
    pub request_id: String,
    pub changed_at: NaiveDateTime,
}
