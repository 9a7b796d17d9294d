//! What clients send to create or change registry records, and its validation: parse into
//! checked values or answer 422 with every field error at once (prefixed, e.g.
//! `members[1].birth`).

use crate::domain::custody::CustodyKind;
use crate::domain::names::check_name;
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::partial_date::PartialDate;
use crate::domain::person::{NameKind, Script, Sex, Wish};
use crate::error::{AppError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person's own facts (not their names, claims or custody, which have their own endpoints).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PersonCore {
    pub given_name: String,
    pub family_name: String,
    pub sex: Option<Sex>,
    pub birth: Option<PartialDate>,
    #[serde(default)]
    pub place_of_birth: String,
    /// When they left their home country (year, or year and month).
    pub left_home: Option<PartialDate>,
    /// Or, if the date is unknown, how old they were.
    pub left_home_age: Option<i32>,
    pub wish: Option<Wish>,
    pub wish_recorded_on: Option<NaiveDate>,
    #[serde(default)]
    pub unaccompanied_minor: bool,
    #[serde(default)]
    pub orphan: bool,
    #[serde(default)]
    pub medical_need: bool,
    #[serde(default)]
    pub disability: bool,
    pub date_of_death: Option<NaiveDate>,
    #[serde(default)]
    pub notes: String,
}

/// Another name of a person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NameInput {
    pub kind: NameKind,
    /// Detected from the name when absent.
    pub script: Option<Script>,
    pub name: String,
}

/// A nationality claim.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClaimInput {
    /// ISO 3166-1 alpha-2 (from the seeded list).
    pub country: String,
    pub status: ClaimStatus,
    pub basis: Option<ClaimBasis>,
    pub decision_date: Option<NaiveDate>,
    #[serde(default)]
    pub legal_note: String,
    #[serde(default)]
    pub source: String,
}

/// A custody event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustodyInput {
    pub kind: CustodyKind,
    /// Required for admitted, transferred and recaptured.
    pub facility_id: Option<String>,
    pub date: PartialDate,
    #[serde(default)]
    pub note: String,
}

/// A person with everything known at intake.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonIntake {
    #[serde(flatten)]
    pub core: PersonCore,
    #[serde(default)]
    pub other_names: Vec<NameInput>,
    #[serde(default)]
    pub nationalities: Vec<ClaimInput>,
    #[serde(default)]
    pub custody: Vec<CustodyInput>,
}

/// Collects field errors under a prefix.
pub struct Errors {
    pub fields: FieldErrors,
}

impl Errors {
    pub fn new() -> Errors {
        Errors { fields: FieldErrors::new() }
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.entry(field.into()).or_default().push(message.into());
    }

    /// `Ok` if nothing was added.
    pub fn finish(self) -> Result<(), AppError> {
        if self.fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation { message: "some fields are not valid".into(), fields: self.fields })
        }
    }
}

impl Default for Errors {
    fn default() -> Self {
        Errors::new()
    }
}

/// Re-checks a partial date that came through serde (which cannot validate it).
pub fn check_partial(errors: &mut Errors, field: &str, d: &PartialDate, today: NaiveDate) -> Option<PartialDate> {
    match PartialDate::new(d.year, d.month, d.day, d.margin_years) {
        Err(e) => {
            errors.add(field, e);
            None
        }
        Ok(d) if d.earliest() > today => {
            errors.add(field, "must not be in the future");
            None
        }
        Ok(d) => Some(d),
    }
}

/// Checks a person's own facts; `prefix` is prepended to field names (e.g. `members[0].`).
pub fn check_core(errors: &mut Errors, prefix: &str, c: &PersonCore, today: NaiveDate) {
    let f = |name: &str| format!("{prefix}{name}");
    if let Err(e) = check_name(&c.given_name) {
        errors.add(f("given_name"), e);
    }
    if let Err(e) = check_name(&c.family_name) {
        errors.add(f("family_name"), e);
    }
    if c.place_of_birth.chars().count() > 200 {
        errors.add(f("place_of_birth"), "must be at most 200 characters");
    }
    if c.notes.chars().count() > 10_000 {
        errors.add(f("notes"), "must be at most 10000 characters");
    }
    let birth = c.birth.as_ref().and_then(|b| check_partial(errors, &f("birth"), b, today));
    let left = c.left_home.as_ref().and_then(|d| check_partial(errors, &f("left_home"), d, today));
    if let (Some(b), Some(l)) = (birth, left) {
        if l.surely_before(&b) {
            errors.add(f("left_home"), "is before the birth date");
        }
    }
    if let Some(age) = c.left_home_age {
        if !(0..=120).contains(&age) {
            errors.add(f("left_home_age"), "must be between 0 and 120");
        }
    }
    for (name, date) in [("wish_recorded_on", c.wish_recorded_on), ("date_of_death", c.date_of_death)] {
        if let Some(d) = date {
            if d > today {
                errors.add(f(name), "must not be in the future");
            } else if birth.is_some_and(|b| d < b.earliest()) {
                errors.add(f(name), "is before the birth date");
            }
        }
    }
}

/// Checks another name.
pub fn check_name_input(errors: &mut Errors, prefix: &str, n: &NameInput) {
    if let Err(e) = check_name(&n.name) {
        errors.add(format!("{prefix}name"), e);
    }
}

/// Checks a claim (the country is checked against the database by the caller).
pub fn check_claim(errors: &mut Errors, prefix: &str, c: &ClaimInput, today: NaiveDate) {
    if c.country.len() != 2 || !c.country.chars().all(|ch| ch.is_ascii_uppercase()) {
        errors.add(format!("{prefix}country"), "must be an ISO 3166-1 alpha-2 code such as FR");
    }
    if c.decision_date.is_some_and(|d| d > today) {
        errors.add(format!("{prefix}decision_date"), "must not be in the future");
    }
    if matches!(c.status, ClaimStatus::Revoked | ClaimStatus::Denied) && c.decision_date.is_none() {
        errors.add(format!("{prefix}decision_date"), "is required when a claim is denied or revoked");
    }
    for (name, v) in [("legal_note", &c.legal_note), ("source", &c.source)] {
        if v.chars().count() > 2000 {
            errors.add(format!("{prefix}{name}"), "must be at most 2000 characters");
        }
    }
}

/// Checks a custody event against the person's birth date.
pub fn check_custody(
    errors: &mut Errors,
    prefix: &str,
    c: &CustodyInput,
    birth: Option<&PartialDate>,
    today: NaiveDate,
) -> Option<PartialDate> {
    if c.kind.needs_facility() && c.facility_id.is_none() {
        errors.add(format!("{prefix}facility_id"), format!("is required for `{}`", c.kind));
    }
    let date = check_partial(errors, &format!("{prefix}date"), &c.date, today)?;
    if birth.is_some_and(|b| date.surely_before(b)) {
        errors.add(format!("{prefix}date"), "is before the person's birth");
    }
    Some(date)
}
