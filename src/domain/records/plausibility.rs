//! Plausibility warnings: facts that are possible but probably mistyped (a mother aged 9 at
//! her child's birth, a child born before its parent, an admission before birth). They never
//! refuse a save: birth dates are often estimates, and the caseworker may know better. They are
//! shown after the save so the caseworker can check.

use crate::domain::partial_date::{age_on, PartialDate};
use serde::Serialize;
use utoipa::ToSchema;

/// Youngest plausible age of a parent at a child's birth.
pub const YOUNGEST_PARENT: i32 = 12;

/// What looks wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The parent would have been younger than 12 when the child was born.
    ParentTooYoung,
    /// The child would have been born before the parent.
    ChildOlderThanParent,
    /// A custody event dated before the person's birth.
    EventBeforeBirth,
}

/// One warning about a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Warning {
    pub kind: WarningKind,
    /// The field it concerns (`members[2].birth`, `kinship[0]`).
    pub field: String,
    /// The persons concerned, by name.
    pub subject: String,
    /// In English; pages render `kind` through the translations.
    pub message: String,
}

/// Checks a parent-child link: the parent's greatest possible age at the child's birth.
pub fn check_parent_child(
    field: &str,
    parent_name: &str,
    parent: Option<&PartialDate>,
    child_name: &str,
    child: Option<&PartialDate>,
) -> Option<Warning> {
    let (parent, child) = (parent?, child?);
    let subject = format!("{parent_name} / {child_name}");
    if child.latest() < parent.earliest() {
        return Some(Warning {
            kind: WarningKind::ChildOlderThanParent,
            field: field.into(),
            message: format!("{child_name} would be born before {parent_name}: check both birth dates"),
            subject,
        });
    }
    let oldest = age_on(parent.earliest(), child.latest());
    if oldest < YOUNGEST_PARENT {
        return Some(Warning {
            kind: WarningKind::ParentTooYoung,
            field: field.into(),
            message: format!("{parent_name} would be at most {oldest} at {child_name}'s birth: check both birth dates"),
            subject,
        });
    }
    None
}

/// Checks a custody event against the person's birth.
pub fn check_event(field: &str, name: &str, birth: Option<&PartialDate>, event: &PartialDate) -> Option<Warning> {
    let birth = birth?;
    event.surely_before(birth).then(|| Warning {
        kind: WarningKind::EventBeforeBirth,
        field: field.into(),
        subject: name.into(),
        message: format!("an event of {name} is dated before their birth: check the dates"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(year: i32) -> PartialDate {
        PartialDate::year_only(year).expect("year")
    }

    #[test]
    fn a_parent_aged_nine_at_the_birth_is_flagged_not_refused() {
        let w = check_parent_child("kinship[0]", "Mother", Some(&y(2006)), "Son", Some(&y(2015))).expect("warning");
        assert_eq!(w.kind, WarningKind::ParentTooYoung);
        assert!(check_parent_child("k", "Mother", Some(&y(1990)), "Son", Some(&y(2015))).is_none());
    }

    #[test]
    fn a_child_born_before_its_parent_is_flagged() {
        let w = check_parent_child("k", "Mother", Some(&y(2015)), "Son", Some(&y(2010))).expect("warning");
        assert_eq!(w.kind, WarningKind::ChildOlderThanParent);
    }

    #[test]
    fn unknown_births_give_no_warning() {
        assert!(check_parent_child("k", "M", None, "S", Some(&y(2010))).is_none());
        assert!(check_event("c", "S", None, &y(2010)).is_none());
        assert!(check_event("c", "S", Some(&y(2012)), &y(2010)).is_some());
    }
}
