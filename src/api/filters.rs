//! The query string of the family and person lists: search and filters, checked into a
//! `PersonFilter` with field-level messages.

use super::extract::PageQuery;
use crate::db::repo::registry::PersonFilter;
use crate::db::repo::Page;
use crate::domain::names::search_key;
use crate::domain::person::Sex;
use crate::error::{AppError, AppResult, FieldErrors};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

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
        }
        if let Some(n) = &self.nationality {
            if n.len() != 2 || !n.chars().all(|c| c.is_ascii_uppercase()) {
                bad("nationality", "must be an ISO 3166-1 alpha-2 code such as FR");
            }
        }
        for (name, v) in [("age_min", self.age_min), ("age_max", self.age_max)] {
            if v.is_some_and(|a| !(0..=120).contains(&a)) {
                bad(name, "must be between 0 and 120");
            }
        }
        if let (Some(a), Some(b)) = (self.age_min, self.age_max) {
            if a > b {
                bad("age_min", "must not be above age_max");
            }
        }
        if let Some(s) = &self.sex {
            if s.parse::<Sex>().is_err() {
                bad("sex", "must be one of: female, male, unknown");
            }
        }
        if !fields.is_empty() {
            return Err(AppError::Validation { message: "some filters are not valid".into(), fields });
        }
        let filter = PersonFilter {
            q: self.q.as_deref().map(search_key).filter(|k| !k.is_empty()),
            nationality: self.nationality.clone(),
            facility_id: self.facility_id.clone().filter(|f| !f.is_empty()),
            age_min: self.age_min,
            age_max: self.age_max,
            as_of: Some(self.as_of.unwrap_or(today)),
            sex: self.sex.clone(),
            unaccompanied_minor: self.unaccompanied_minor,
            orphan: self.orphan,
            medical_need: self.medical_need,
            disability: self.disability,
            stateless: self.stateless,
            at_risk: self.at_risk,
        };
        Ok((filter, page))
    }
}
