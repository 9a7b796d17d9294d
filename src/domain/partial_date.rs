//! Partial dates: a birth date is often known only to the year, or estimated ("about 2012,
//! give or take two years"). A partial date is the range of days it may stand for, and an age
//! computed from it is a range too: honest about what is not known.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A date known to the day, the month or the year, or estimated as a year plus or minus a margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartialDate {
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// Years either side of `year` for an estimate (0 = the year is known).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub margin_years: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How precisely a partial date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
    Estimated,
}

impl PartialDate {
    /// Checks the parts: a day needs a month, the day must exist, an estimate has no month.
    pub fn new(year: i32, month: Option<u32>, day: Option<u32>, margin_years: u32) -> Result<PartialDate, String> {
        if !(1900..=2100).contains(&year) {
            return Err("year must be between 1900 and 2100".into());
        }
        if margin_years > 20 {
            return Err("margin must be at most 20 years".into());
        }
        if margin_years > 0 && month.is_some() {
            return Err("an estimated year cannot have a month or day".into());
        }
        match (month, day) {
            (None, Some(_)) => return Err("a day needs a month".into()),
            (Some(m), _) if !(1..=12).contains(&m) => return Err("month must be between 1 and 12".into()),
            (Some(m), Some(d)) if NaiveDate::from_ymd_opt(year, m, d).is_none() => {
                return Err(format!("{year}-{m:02}-{d:02} is not a date"))
            }
            _ => {}
        }
        Ok(PartialDate { year, month, day, margin_years })
    }

    /// An exact date.
    pub fn exact(d: NaiveDate) -> PartialDate {
        PartialDate { year: d.year(), month: Some(d.month()), day: Some(d.day()), margin_years: 0 }
    }

    pub fn precision(&self) -> Precision {
        match (self.margin_years, self.month, self.day) {
            (m, _, _) if m > 0 => Precision::Estimated,
            (_, Some(_), Some(_)) => Precision::Day,
            (_, Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The first day it may stand for.
    pub fn earliest(&self) -> NaiveDate {
        let y = self.year - self.margin_years as i32;
        let d = NaiveDate::from_ymd_opt(y, self.month.unwrap_or(1), self.day.unwrap_or(1));
        d.unwrap_or(NaiveDate::MIN)
    }

    /// The last day it may stand for.
    pub fn latest(&self) -> NaiveDate {
        let y = self.year + self.margin_years as i32;
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
            (Some(m), None) => last_day_of_month(y, m),
            _ => NaiveDate::from_ymd_opt(y, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// Could this date fall after `other` could at the earliest? (false only if surely before)
    pub fn surely_before(&self, other: &PartialDate) -> bool {
        self.latest() < other.earliest()
    }

    /// Compact storage form: `2012-03-04`, `2012-03`, `2012`, `2012~2` (estimate).
    pub fn encode(&self) -> String {
        match (self.margin_years, self.month, self.day) {
            (m, _, _) if m > 0 => format!("{}~{m}", self.year),
            (_, Some(mo), Some(d)) => format!("{}-{mo:02}-{d:02}", self.year),
            (_, Some(mo), None) => format!("{}-{mo:02}", self.year),
            _ => self.year.to_string(),
        }
    }

    /// Reads the storage form back (`None` if it is not one).
    pub fn decode(s: &str) -> Option<PartialDate> {
        if let Some((y, m)) = s.split_once('~') {
            return PartialDate::new(y.parse().ok()?, None, None, m.parse().ok()?).ok();
        }
        let mut parts = s.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().map(str::parse).transpose().ok()?;
        let day = parts.next().map(str::parse).transpose().ok()?;
        PartialDate::new(year, month, day, 0).ok()
    }

    /// Human form: `2012-03-04`, `2012-03`, `2012`, `about 2012 (±2)`.
    pub fn display(&self) -> String {
        match (self.precision(), self.month, self.day) {
            (Precision::Estimated, _, _) => format!("~{} (±{})", self.year, self.margin_years),
            (_, Some(m), Some(d)) => format!("{}-{m:02}-{d:02}", self.year),
            (_, Some(m), None) => format!("{}-{m:02}", self.year),
            _ => self.year.to_string(),
        }
    }
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
}

/// Whole years between `birth` and `on` (the birthday counts on the day; 29 February
/// birthdays count on 1 March in common years).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The possible ages of a person born on `birth` as of `on`: (youngest, oldest).
pub fn age_range(birth: &PartialDate, on: NaiveDate) -> (i32, i32) {
    (age_on(birth.latest(), on), age_on(birth.earliest(), on))
}

/// The date a person born on `birth` turns `years` old.
pub fn birthday(birth: NaiveDate, years: i32) -> NaiveDate {
    let y = birth.year() + years;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_year_only_birth_date_spans_the_whole_year() {
        let p = PartialDate::new(2009, None, None, 0).expect("valid");
        assert_eq!((p.earliest(), p.latest()), (d(2009, 1, 1), d(2009, 12, 31)));
        assert_eq!(p.precision(), Precision::Year);
        assert_eq!(age_range(&p, d(2026, 6, 1)), (16, 17));
    }

    #[test]
    fn an_estimate_widens_the_range_by_its_margin() {
        let p = PartialDate::new(2012, None, None, 2).expect("valid");
        assert_eq!((p.earliest(), p.latest()), (d(2010, 1, 1), d(2014, 12, 31)));
        assert_eq!(age_range(&p, d(2026, 1, 15)), (11, 16));
        assert_eq!(p.display(), "~2012 (±2)");
    }

    #[test]
    fn a_month_precision_ends_on_the_last_day_of_the_month() {
        let p = PartialDate::new(2016, Some(2), None, 0).expect("valid");
        assert_eq!(p.latest(), d(2016, 2, 29));
    }

    #[test]
    fn ages_change_on_the_birthday_not_the_day_before() {
        let birth = d(2008, 11, 22);
        assert_eq!(age_on(birth, d(2026, 11, 21)), 17);
        assert_eq!(age_on(birth, d(2026, 11, 22)), 18);
        assert_eq!(birthday(d(2008, 2, 29), 18), d(2026, 3, 1));
    }

    #[test]
    fn every_precision_survives_storage() {
        for p in [
            PartialDate::new(2014, Some(9), Some(3), 0),
            PartialDate::new(2014, Some(9), None, 0),
            PartialDate::new(2014, None, None, 0),
            PartialDate::new(2014, None, None, 2),
        ] {
            let p = p.expect("valid");
            assert_eq!(PartialDate::decode(&p.encode()), Some(p));
        }
        assert_eq!(PartialDate::decode("2014-13"), None);
        assert_eq!(PartialDate::decode("soon"), None);
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        assert!(PartialDate::new(2010, Some(2), Some(30), 0).unwrap_err().contains("not a date"));
        assert!(PartialDate::new(2010, None, Some(3), 0).unwrap_err().contains("needs a month"));
        assert!(PartialDate::new(2010, Some(13), None, 0).is_err());
        assert!(PartialDate::new(1850, None, None, 0).is_err());
        assert!(PartialDate::new(2010, Some(3), None, 2).is_err());
    }
}
