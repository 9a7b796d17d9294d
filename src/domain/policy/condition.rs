//! Rule conditions and their three-valued evaluation: a condition on a partial birth date can
//! be true, false, or unknown (the age may be 17 or 18) when the threshold falls in the range.
//! Every match over `Condition` is exhaustive, so a new condition cannot compile without its
//! evaluation, thresholds and validation being decided.

use super::explain::{Reason, Verdict};
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::{age_on, age_range, PartialDate};
use crate::domain::person::{Sex, Wish};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A typed condition; combine with `all`, `any`, `not`. (Documented in OpenAPI as a free
/// object: the schema generator recurses forever on a self-referencing enum.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// Always true (the default rule).
    Always,
    All {
        of: Vec<Condition>,
    },
    Any {
        of: Vec<Condition>,
    },
    Not {
        of: Box<Condition>,
    },
    /// Age on the evaluation date is under `years`.
    AgeUnder {
        years: u32,
    },
    /// Age on the evaluation date is at least `years`.
    AgeAtLeast {
        years: u32,
    },
    /// Age when the person left home was under `years`.
    LeftHomeAgeUnder {
        years: u32,
    },
    Sex {
        is: Sex,
    },
    /// Has a child under 18 (on the evaluation date) in custody.
    HasChildUnder18InCustody,
    /// A parent of the person is in custody with them (same facility).
    AccompaniedByParentInCustody,
    OrphanOrUnaccompanied,
    /// The status of the claim to this policy's country is one of these.
    ClaimStatusIn {
        any_of: Vec<ClaimStatus>,
    },
    /// The person has no other live nationality.
    HoldsOnlyThisNationality,
    WishIn {
        any_of: Vec<Wish>,
    },
    LeftHomeBefore {
        date: NaiveDate,
    },
    LeftHomeAfter {
        date: NaiveDate,
    },
    /// Held in one of these facilities (by stable code: `al-hol`, `roj`).
    InFacility {
        any_of: Vec<String>,
    },
    /// Held in a facility controlled by one of these authorities on the evaluation date.
    FacilityAuthorityIn {
        any_of: Vec<String>,
    },
}

/// True, false, or unknown with the reason (e.g. the age range that straddles a threshold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown(Reason),
}

impl Truth {
    /// As a verdict on a fact.
    pub fn verdict(&self) -> Verdict {
        match self {
            Truth::True => Verdict::Yes,
            Truth::False => Verdict::No,
            Truth::Unknown(_) => Verdict::Unknown,
        }
    }
}

impl Truth {
    fn of(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

/// What a rule may read about a person, on the evaluation date.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub birth: Option<PartialDate>,
    pub sex: Option<Sex>,
    pub left_home: Option<PartialDate>,
    pub left_home_age: Option<i32>,
    pub wish: Option<Wish>,
    pub orphan: bool,
    pub unaccompanied_minor: bool,
    /// (country code, status) of every claim.
    pub claims: Vec<(String, ClaimStatus)>,
    /// Facility held in on the evaluation date (its code), and its controlling authority then.
    pub facility: Option<String>,
    pub facility_authority: Option<String>,
    /// Birth dates of the person's children held in custody on the evaluation date.
    pub children_in_custody: Vec<Option<PartialDate>>,
    pub parent_in_custody_with_them: bool,
}

fn age_truth(birth: Option<&PartialDate>, on: NaiveDate, test: impl Fn(i32) -> bool) -> Truth {
    let Some(b) = birth else { return Truth::Unknown(Reason::BirthUnknown) };
    let (young, old) = age_range(b, on);
    match (test(young), test(old)) {
        (true, true) => Truth::True,
        (false, false) => Truth::False,
        _ => Truth::Unknown(Reason::AgeUncertain { youngest: young, oldest: old, born: b.display() }),
    }
}

fn all(items: impl Iterator<Item = Truth>) -> Truth {
    let mut unknown = None;
    for t in items {
        match t {
            Truth::False => return Truth::False,
            Truth::Unknown(r) => unknown = unknown.or(Some(r)),
            Truth::True => {}
        }
    }
    unknown.map(Truth::Unknown).unwrap_or(Truth::True)
}

fn any(items: impl Iterator<Item = Truth>) -> Truth {
    let mut unknown = None;
    for t in items {
        match t {
            Truth::True => return Truth::True,
            Truth::Unknown(r) => unknown = unknown.or(Some(r)),
            Truth::False => {}
        }
    }
    unknown.map(Truth::Unknown).unwrap_or(Truth::False)
}

impl Condition {
    /// Evaluates the condition for the claim to `country` on `on`.
    pub fn eval(&self, f: &Facts, country: &str, on: NaiveDate) -> Truth {
        match self {
            Condition::Always => Truth::True,
            Condition::All { of } => all(of.iter().map(|c| c.eval(f, country, on))),
            Condition::Any { of } => any(of.iter().map(|c| c.eval(f, country, on))),
            Condition::Not { of } => match of.eval(f, country, on) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                u => u,
            },
            Condition::AgeUnder { years } => age_truth(f.birth.as_ref(), on, |a| a < *years as i32),
            Condition::AgeAtLeast { years } => age_truth(f.birth.as_ref(), on, |a| a >= *years as i32),
            Condition::LeftHomeAgeUnder { years } => match (f.left_home_age, f.left_home, f.birth) {
                (Some(age), _, _) => Truth::of(age < *years as i32),
                (None, Some(left), Some(birth)) => {
                    let (young, old) =
                        (age_on(birth.latest(), left.earliest()), age_on(birth.earliest(), left.latest()));
                    match (young < *years as i32, old < *years as i32) {
                        (true, true) => Truth::True,
                        (false, false) => Truth::False,
                        _ => Truth::Unknown(Reason::LeavingAgeUncertain { youngest: young, oldest: old }),
                    }
                }
                _ => Truth::Unknown(Reason::LeavingAgeUnknown),
            },
            Condition::Sex { is } => match f.sex {
                Some(Sex::Unknown) | None => Truth::Unknown(Reason::SexUnknown),
                Some(s) => Truth::of(s == *is),
            },
            Condition::HasChildUnder18InCustody => {
                any(f.children_in_custody.iter().map(|b| age_truth(b.as_ref(), on, |a| a < 18)))
            }
            Condition::AccompaniedByParentInCustody => Truth::of(f.parent_in_custody_with_them),
            Condition::OrphanOrUnaccompanied => Truth::of(f.orphan || f.unaccompanied_minor),
            Condition::ClaimStatusIn { any_of } => {
                Truth::of(f.claims.iter().any(|(c, s)| c == country && any_of.contains(s)))
            }
            Condition::HoldsOnlyThisNationality => {
                Truth::of(!f.claims.iter().any(|(c, s)| c != country && s.is_live()))
            }
            Condition::WishIn { any_of } => match f.wish {
                None | Some(Wish::NotAsked) if !any_of.contains(&Wish::NotAsked) => Truth::Unknown(Reason::WishUnknown),
                w => Truth::of(w.is_some_and(|w| any_of.contains(&w))),
            },
            Condition::LeftHomeBefore { date } => match f.left_home {
                Some(l) if l.latest() < *date => Truth::True,
                Some(l) if l.earliest() >= *date => Truth::False,
                Some(_) => Truth::Unknown(Reason::DepartureTooVague),
                None => Truth::Unknown(Reason::DepartureUnknown),
            },
            Condition::LeftHomeAfter { date } => match f.left_home {
                Some(l) if l.earliest() > *date => Truth::True,
                Some(l) if l.latest() <= *date => Truth::False,
                Some(_) => Truth::Unknown(Reason::DepartureTooVague),
                None => Truth::Unknown(Reason::DepartureUnknown),
            },
            Condition::InFacility { any_of } => Truth::of(f.facility.as_ref().is_some_and(|x| any_of.contains(x))),
            Condition::FacilityAuthorityIn { any_of } => {
                Truth::of(f.facility_authority.as_ref().is_some_and(|x| any_of.contains(x)))
            }
        }
    }

    /// Every age threshold (in years) this condition tests, for `changes_on`.
    pub fn age_thresholds(&self, out: &mut Vec<u32>) {
        match self {
            Condition::All { of } | Condition::Any { of } => of.iter().for_each(|c| c.age_thresholds(out)),
            Condition::Not { of } => of.age_thresholds(out),
            Condition::AgeUnder { years } | Condition::AgeAtLeast { years } => out.push(*years),
            Condition::HasChildUnder18InCustody => out.push(18),
            // Ages on leaving home are fixed: they never change with time.
            Condition::LeftHomeAgeUnder { .. }
            | Condition::Always
            | Condition::Sex { .. }
            | Condition::AccompaniedByParentInCustody
            | Condition::OrphanOrUnaccompanied
            | Condition::ClaimStatusIn { .. }
            | Condition::HoldsOnlyThisNationality
            | Condition::WishIn { .. }
            | Condition::LeftHomeBefore { .. }
            | Condition::LeftHomeAfter { .. }
            | Condition::InFacility { .. }
            | Condition::FacilityAuthorityIn { .. } => {}
        }
    }
}
