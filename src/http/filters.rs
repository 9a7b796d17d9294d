//! The query string of the family and person lists (the API's and the pages'): search and
//! filters, checked into a `PersonFilter` with field-level messages; and `?limit=&offset=` of
//! every list.

use crate::db::repo::lists::PersonFilter;
use crate::db::repo::Page;
use crate::domain::country::CountryCode;
use crate::domain::ids::FacilityId;
use crate::domain::names::search_key;
use crate::domain::partial_date::{birthday, check_day, years_before};
use crate::domain::person::{PersonFlag, Sex};
use crate::domain::policy::Outcome;
use crate::error::{AppError, AppResult, FieldErrors};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// Default page size of every list.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size of every list.
pub const MAX_LIMIT: i64 = 500;

/// The day a read is "as of": the one sent, within the years every database stores, or today.
pub fn as_of(sent: Option<NaiveDate>, today: NaiveDate) -> AppResult<NaiveDate> {
    match sent.map(check_day) {
        None => Ok(today),
        Some(Ok(d)) => Ok(d),
        Some(Err(m)) => Err(AppError::field("as_of", m)),
    }
}

/// `?limit=&offset=` of every list.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

impl PageQuery {
    /// Checks the bounds.
    pub fn page(&self) -> AppResult<crate::db::repo::Page> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        let offset = self.offset.unwrap_or(0);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::field("limit", format!("must be between 1 and {MAX_LIMIT}")));
        }
        if offset < 0 {
            return Err(AppError::field("offset", "must not be negative"));
        }
        Ok(crate::db::repo::Page { limit, offset })
    }
}

/// Search, filters and pagination of the family and person lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A name in any script; case, accents and Arabic diacritics are ignored.
    pub q: Option<String>,
    /// Country code: persons with a live claim to it.
    pub nationality: Option<String>,
    /// Persons held in this facility now.
    pub facility_id: Option<String>,
    /// Persons who may be at least this old on `as_of`.
    pub age_min: Option<i32>,
    /// Persons who may be at most this old on `as_of`.
    pub age_max: Option<i32>,
    /// The date ages are computed on (default today).
    pub as_of: Option<NaiveDate>,
    pub sex: Option<String>,
    pub unaccompanied_minor: Option<bool>,
    pub orphan: Option<bool>,
    pub medical_need: Option<bool>,
    pub disability: Option<bool>,
    pub stateless: Option<bool>,
    pub at_risk: Option<bool>,
    /// Living and held now (`true`), or not.
    pub held: Option<bool>,
    /// The stored eligibility outcome for the `nationality` filter's country (which it needs):
    /// eligible, eligible_with_conditions, case_by_case, not_eligible, no_route, or
    /// not_evaluated (no stored result yet).
    pub outcome: Option<String>,
    /// Persons certainly younger than this on `as_of`, even at the earliest possible birth date.
    pub under_age: Option<i32>,
    /// Persons who may still be minors on `as_of` and may turn 18 within 180 days of it.
    pub ages_out: Option<bool>,
    /// Persons whose latest wish is to stay in Syria or in the region.
    pub declining: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ListQuery {
    /// Checks the query into a filter and a page.
    /// Ages are counted on `as_of`, or on `today` when the query names no date.
    pub fn parse(&self, today: NaiveDate) -> AppResult<(PersonFilter, Page)> {
        let page = PageQuery { limit: self.limit, offset: self.offset }.page()?;
        let mut fields = FieldErrors::new();
        let mut bad = |f: &str, m: &str| fields.entry(f.to_string()).or_default().push(m.to_string());
        if let Some(q) = &self.q {
            if q.chars().count() > 200 {
                bad("q", "must be at most 200 characters");
            }
            if crate::domain::text::has_control(q) {
                bad("q", "must not contain control characters");
            }
        }
        let nationality = match self.nationality.as_deref().filter(|n| !n.is_empty()) {
            Some(n) => CountryCode::parse(n).map(Some).unwrap_or_else(|e| {
                bad("nationality", &e);
                None
            }),
            None => None,
        };
        let facility_id = match self.facility_id.as_deref().filter(|f| !f.is_empty()) {
            Some(f) => FacilityId::parse(f).map(Some).unwrap_or_else(|_| {
                bad("facility_id", "is not a known facility");
                None
            }),
            None => None,
        };
        let outcome = match self.outcome.as_deref().filter(|o| !o.is_empty()) {
            Some("not_evaluated") => Some(None),
            Some(o) => o.parse::<Outcome>().map(|o| Some(Some(o))).unwrap_or_else(|_| {
                let all: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).chain(["not_evaluated"]).collect();
                bad("outcome", &format!("must be one of: {}", all.join(", ")));
                None
            }),
            None => None,
        };
        if outcome.is_some() && self.nationality.as_deref().is_none_or(str::is_empty) {
            bad("outcome", "needs a nationality: the outcome is the one for that country");
        }
        for (name, v) in [("age_min", self.age_min), ("age_max", self.age_max), ("under_age", self.under_age)] {
            if v.is_some_and(|a| !(0..=120).contains(&a)) {
                bad(name, "must be between 0 and 120");
            }
        }
        if let (Some(a), Some(b)) = (self.age_min, self.age_max) {
            if a > b {
                bad("age_min", "must not be above age_max");
            }
        }
        // Ages are counted back from `as_of`: outside the years every database stores, the
        // bounds computed from it would be refused by PostgreSQL (chrono reads `-5000-01-01`).
        if let Some(Err(m)) = self.as_of.map(check_day) {
            bad("as_of", &m);
        }
        let sex = match self.sex.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => s.parse::<Sex>().map(Some).unwrap_or_else(|_| {
                bad("sex", "must be one of: female, male, unknown");
                None
            }),
            None => None,
        };
        if !fields.is_empty() {
            return Err(AppError::Validation { message: "some filters are not valid".into(), fields });
        }
        // Ages are counted on `as_of`: "at least 10" means born on or before the day 10 years
        // earlier; "at most 17" means born after the day 18 years earlier.
        let on = self.as_of.unwrap_or(today);
        let flags = [
            (PersonFlag::UnaccompaniedMinor, self.unaccompanied_minor),
            (PersonFlag::Orphan, self.orphan),
            (PersonFlag::MedicalNeed, self.medical_need),
            (PersonFlag::Disability, self.disability),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v)))
        .collect();
        let q = self.q.as_deref().map(search_key).filter(|k| !k.is_empty());
        let filter = PersonFilter {
            q_variants: q.as_deref().map(spellings).unwrap_or_default(),
            q,
            nationality,
            facility_id,
            born_on_or_before: self.age_min.map(|min| birthday(on, -min)),
            born_after: self.age_max.map(|max| birthday(on, -(max + 1))),
            sex,
            flags,
            stateless: self.stateless,
            at_risk: self.at_risk,
            held: self.held,
            outcome,
            // The backlog's own date arithmetic, so that its figures and these lists agree.
            surely_born_after: self.under_age.map(|n| years_before(on, n.unsigned_abs())),
            ages_out_on: self.ages_out.map(|v| (on, v)),
            declining: self.declining,
        };
        Ok((filter, page))
    }
}

/// The other spellings of a one-word name the dictionary knows (`khadija`: `khadidja`,
/// `хадиджа`, `خديجه`, ...), so that a search crosses scripts; none for other queries.
fn spellings(key: &str) -> Vec<String> {
    use crate::domain::matching::{phonetic::Word, Dictionary};
    if key.contains(' ') {
        return Vec::new();
    }
    Dictionary::shared().spellings(&Word::new(key)).into_iter().filter(|s| s != key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_as_of_outside_1900_to_2100_is_refused_under_its_name() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        for as_of in [NaiveDate::from_ymd_opt(-5000, 1, 1), NaiveDate::from_ymd_opt(2101, 1, 1)] {
            let q = ListQuery { as_of, age_min: Some(1), ..ListQuery::default() };
            match q.parse(today) {
                Err(AppError::Validation { fields, .. }) => assert!(fields.contains_key("as_of"), "{fields:?}"),
                other => panic!("expected a 422, got {other:?}"),
            }
        }
        let q = ListQuery { as_of: NaiveDate::from_ymd_opt(1950, 1, 1), age_min: Some(1), ..ListQuery::default() };
        assert!(q.parse(today).is_ok());
    }
}
