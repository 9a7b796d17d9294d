//! Facilities (camps, prisons, rehabilitation centres): their kind, the stable code policy
//! rules refer to them by (renaming "al-Hol" must not change anyone's outcome), and who controls
//! them over time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a facility is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    Camp,
    Prison,
    RehabilitationCentre,
    Other,
}
crate::string_enum!(FacilityKind { Camp => "camp", Prison => "prison", RehabilitationCentre => "rehabilitation_centre", Other => "other" });

/// Checks a facility code: 2 to 40 characters of lower-case ASCII letters, digits and `-`,
/// starting with a letter (`al-hol`, `roj`, `jeddah-1`). Codes never change once given.
pub fn check_code(code: &str) -> Result<String, String> {
    let ok = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(code.to_string())
    } else {
        Err("must be 2 to 40 lower-case letters, digits or dashes, starting with a letter (e.g. al-hol)".into())
    }
}

/// A code made from a display name ("Jeddah-1" -> `jeddah-1`; names in other scripts give
/// `facility`): a suggestion an admin may change before saving.
pub fn code_from_name(name: &str) -> String {
    let mut code = String::new();
    for c in any_ascii_lower(name) {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('-') && !code.is_empty() {
            code.push('-');
        }
    }
    let code = code.trim_end_matches('-').chars().take(40).collect::<String>();
    if check_code(&code).is_ok() {
        code
    } else {
        "facility".into()
    }
}

fn any_ascii_lower(s: &str) -> impl Iterator<Item = char> + '_ {
    use unicode_normalization::UnicodeNormalization;
    s.nfkd().filter(char::is_ascii).flat_map(|c| c.to_lowercase())
}

/// The authority in control on `on`: the period that started last, on or before that day.
/// `periods` are (first day, authority).
pub fn authority_on<'a>(periods: impl IntoIterator<Item = (NaiveDate, &'a str)>, on: NaiveDate) -> Option<&'a str> {
    periods.into_iter().filter(|(from, _)| *from <= on).max_by_key(|(from, _)| *from).map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_made_from_names_and_checked() {
        assert_eq!(code_from_name("al-Hol"), "al-hol");
        assert_eq!(code_from_name("Jeddah-1"), "jeddah-1");
        assert_eq!(code_from_name("Ain Issa"), "ain-issa");
        assert_eq!(code_from_name("الهول"), "facility");
        assert!(check_code("Al-Hol").is_err());
        assert!(check_code("1roj").is_err());
    }

    #[test]
    fn the_authority_on_a_day_is_the_latest_period_started_by_then() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let periods = [(d(2019, 1, 1), "SDF"), (d(2026, 1, 21), "Syrian government")];
        assert_eq!(authority_on(periods, d(2026, 1, 20)), Some("SDF"));
        assert_eq!(authority_on(periods, d(2026, 1, 21)), Some("Syrian government"));
        assert_eq!(authority_on(periods, d(2018, 1, 1)), None);
    }
}
