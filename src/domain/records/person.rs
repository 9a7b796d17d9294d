//! A person's own facts: names, sex, birth, departure, wish, flags, death, notes.

use super::{field, Patch};
use crate::domain::partial_date::{check_day, PartialDate, RawPartialDate};
use crate::domain::person::{PersonFlag, Sex, Wish};
use crate::domain::problems::Problems;
use crate::domain::text::{check_name, check_notes, check_short};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// A person's own facts as sent (not their names, claims or custody, which have their own
/// inputs). The flags are booleans in the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PersonInput {
    pub given_name: String,
    pub family_name: String,
    pub sex: Option<Sex>,
    pub birth: Option<RawPartialDate>,
    #[serde(default)]
    pub place_of_birth: String,
    /// When they left their home country (year, or year and month).
    pub left_home: Option<RawPartialDate>,
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

/// A person's own facts, checked: names NFC-normalised and trimmed, no date in the future or
/// before 1900, no departure or death before birth, lengths within bounds. Only [`PersonInput::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub birth: Option<PartialDate>,
    pub place_of_birth: String,
    pub left_home: Option<PartialDate>,
    pub left_home_age: Option<i32>,
    pub wish: Wish,
    pub wish_recorded_on: Option<NaiveDate>,
    pub flags: BTreeSet<PersonFlag>,
    pub date_of_death: Option<NaiveDate>,
    pub notes: String,
}

impl PersonInput {
    /// Checks every field; problems are named `prefix` + field (`members[2].birth`).
    pub fn parse(self, prefix: &str, today: NaiveDate) -> Result<PersonFacts, Problems> {
        let f = |name: &str| field(prefix, name);
        let mut p = Problems::new();
        let given_name = p.take(f("given_name"), check_name(&self.given_name));
        let family_name = p.take(f("family_name"), check_name(&self.family_name));
        let place_of_birth = p.take(f("place_of_birth"), check_short(&self.place_of_birth));
        let notes = p.take(f("notes"), check_notes(&self.notes));
        let birth = match &self.birth {
            Some(b) => p.take(f("birth"), b.check().and_then(|b| b.check_not_future(today))).map(Some),
            None => Some(None),
        };
        let left_home = match &self.left_home {
            Some(l) => p.take(f("left_home"), l.check().and_then(|l| l.check_not_future(today))).map(Some),
            None => Some(None),
        };
        if let (Some(Some(b)), Some(Some(l))) = (birth, left_home) {
            if l.surely_before(&b) {
                p.add(f("left_home"), "is before the birth date");
            }
        }
        if let Some(age) = self.left_home_age {
            if !(0..=120).contains(&age) {
                p.add(f("left_home_age"), "must be between 0 and 120");
            }
        }
        for (name, date) in [("wish_recorded_on", self.wish_recorded_on), ("date_of_death", self.date_of_death)] {
            if let Some(d) = date {
                // First the years every database stores (chrono reads `-5000-01-01` too).
                if let Err(m) = check_day(d) {
                    p.add(f(name), m);
                } else if d > today {
                    p.add(f(name), "must not be in the future");
                } else if birth.flatten().is_some_and(|b| d < b.earliest()) {
                    p.add(f(name), "is before the birth date");
                }
            }
        }
        let flags = [
            (self.unaccompanied_minor, PersonFlag::UnaccompaniedMinor),
            (self.orphan, PersonFlag::Orphan),
            (self.medical_need, PersonFlag::MedicalNeed),
            (self.disability, PersonFlag::Disability),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        p.or(|| {
            Some(PersonFacts {
                given_name: given_name?,
                family_name: family_name?,
                sex: self.sex.unwrap_or(Sex::Unknown),
                birth: birth?,
                place_of_birth: place_of_birth?,
                left_home: left_home?,
                left_home_age: self.left_home_age,
                wish: self.wish.unwrap_or(Wish::NotAsked),
                wish_recorded_on: self.wish_recorded_on,
                flags,
                date_of_death: self.date_of_death,
                notes: notes?,
            })
        })
    }
}

impl PersonFacts {
    /// The facts as an input again (to apply a patch to them and check the result).
    pub fn to_input(&self) -> PersonInput {
        PersonInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            sex: Some(self.sex),
            birth: self.birth.map(Into::into),
            place_of_birth: self.place_of_birth.clone(),
            left_home: self.left_home.map(Into::into),
            left_home_age: self.left_home_age,
            wish: Some(self.wish),
            wish_recorded_on: self.wish_recorded_on,
            unaccompanied_minor: self.flags.contains(&PersonFlag::UnaccompaniedMinor),
            orphan: self.flags.contains(&PersonFlag::Orphan),
            medical_need: self.flags.contains(&PersonFlag::MedicalNeed),
            disability: self.flags.contains(&PersonFlag::Disability),
            date_of_death: self.date_of_death,
            notes: self.notes.clone(),
        }
    }
}

/// A partial change of a person's own facts: only the fields sent change (`null` clears a field
/// that may be empty), then the whole is checked again.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PersonPatch {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub sex: Option<Sex>,
    #[serde(default)]
    #[schema(value_type = Option<RawPartialDate>)]
    pub birth: Patch<RawPartialDate>,
    pub place_of_birth: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<RawPartialDate>)]
    pub left_home: Patch<RawPartialDate>,
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub left_home_age: Patch<i32>,
    pub wish: Option<Wish>,
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    pub wish_recorded_on: Patch<NaiveDate>,
    pub unaccompanied_minor: Option<bool>,
    pub orphan: Option<bool>,
    pub medical_need: Option<bool>,
    pub disability: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    pub date_of_death: Patch<NaiveDate>,
    pub notes: Option<String>,
}

impl PersonPatch {
    /// A patch that sets every field to the input's (an edit form that sends them all).
    pub fn replace_with(i: PersonInput) -> PersonPatch {
        PersonPatch {
            given_name: Some(i.given_name),
            family_name: Some(i.family_name),
            sex: i.sex,
            birth: Patch::from(i.birth),
            place_of_birth: Some(i.place_of_birth),
            left_home: Patch::from(i.left_home),
            left_home_age: Patch::from(i.left_home_age),
            wish: i.wish,
            wish_recorded_on: Patch::from(i.wish_recorded_on),
            unaccompanied_minor: Some(i.unaccompanied_minor),
            orphan: Some(i.orphan),
            medical_need: Some(i.medical_need),
            disability: Some(i.disability),
            date_of_death: Patch::from(i.date_of_death),
            notes: Some(i.notes),
        }
    }

    /// The facts after the patch, as an input to check.
    pub fn apply(self, current: &PersonFacts) -> PersonInput {
        let c = current.to_input();
        PersonInput {
            given_name: self.given_name.unwrap_or(c.given_name),
            family_name: self.family_name.unwrap_or(c.family_name),
            sex: self.sex.or(c.sex),
            birth: self.birth.apply(c.birth),
            place_of_birth: self.place_of_birth.unwrap_or(c.place_of_birth),
            left_home: self.left_home.apply(c.left_home),
            left_home_age: self.left_home_age.apply(c.left_home_age),
            wish: self.wish.or(c.wish),
            wish_recorded_on: self.wish_recorded_on.apply(c.wish_recorded_on),
            unaccompanied_minor: self.unaccompanied_minor.unwrap_or(c.unaccompanied_minor),
            orphan: self.orphan.unwrap_or(c.orphan),
            medical_need: self.medical_need.unwrap_or(c.medical_need),
            disability: self.disability.unwrap_or(c.disability),
            date_of_death: self.date_of_death.apply(c.date_of_death),
            notes: self.notes.unwrap_or(c.notes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
    }

    fn amina() -> PersonInput {
        PersonInput {
            given_name: " Amina ".into(),
            family_name: "Haddad".into(),
            birth: PartialDate::new(2012, None, None, 0).ok().map(Into::into),
            orphan: true,
            ..PersonInput::default()
        }
    }

    #[test]
    fn an_input_becomes_checked_facts_in_one_step() {
        let facts = amina().parse("", today()).expect("valid");
        assert_eq!(facts.given_name, "Amina");
        assert_eq!(facts.sex, Sex::Unknown);
        assert_eq!(facts.flags, BTreeSet::from([PersonFlag::Orphan]));
    }

    #[test]
    fn every_problem_is_reported_under_its_prefixed_field() {
        let bad = PersonInput {
            given_name: "".into(),
            family_name: "X\u{0}".into(),
            birth: PartialDate::new(2027, None, None, 0).ok().map(Into::into),
            left_home_age: Some(130),
            date_of_death: NaiveDate::from_ymd_opt(2030, 1, 1),
            ..PersonInput::default()
        };
        let p = bad.parse("members[1].", today()).expect_err("invalid");
        for f in ["given_name", "family_name", "birth", "left_home_age", "date_of_death"] {
            assert!(p.fields.contains_key(&format!("members[1].{f}")), "{f}: {p:?}");
        }
    }

    #[test]
    fn full_days_outside_1900_to_2100_are_refused_before_any_other_check() {
        for day in [NaiveDate::from_ymd_opt(-5000, 1, 1), NaiveDate::from_ymd_opt(1899, 12, 31)] {
            let input = PersonInput { birth: None, date_of_death: day, wish_recorded_on: day, ..amina() };
            let p = input.parse("", today()).expect_err("out of range");
            for f in ["date_of_death", "wish_recorded_on"] {
                assert_eq!(p.fields.get(f), Some(&vec!["year must be between 1900 and 2100".to_string()]), "{f}");
            }
        }
        let ok = PersonInput { date_of_death: NaiveDate::from_ymd_opt(2020, 5, 1), ..amina() };
        assert!(ok.parse("", today()).is_ok());
    }

    #[test]
    fn a_patch_changes_only_what_it_sends() {
        let current = amina().parse("", today()).expect("valid");
        let patch: PersonPatch = serde_json::from_str(r#"{"family_name": "Haddad-Ali", "birth": null}"#).expect("json");
        let next = patch.apply(&current).parse("", today()).expect("valid");
        assert_eq!(next.family_name, "Haddad-Ali");
        assert_eq!(next.birth, None);
        assert_eq!((next.given_name, next.sex, next.flags.len()), ("Amina".to_string(), Sex::Unknown, 1));
    }
}
