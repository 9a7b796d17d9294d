//! Partial dates: a birth date is often known only to the year, or estimated ("about 2012,
//! give or take two years"). A partial date is the range of days it may stand for, and an age
//! computed from it is a range too: honest about what is not known.
//!
//! A `PartialDate` can only be made valid: its fields are private, every constructor checks
//! them (a day needs a month and must exist, an estimate has no month, years 1900 to 2100), and
//! serde goes through the same checks. It is stored as the range it stands for (two real date
//! columns, `*_earliest` and `*_latest`), from which [`PartialDate::from_range`] gives it back
//! exactly; a pair that no partial date stands for is an error, never a silent guess.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Earliest year a partial date may name.
pub const MIN_YEAR: i32 = 1900;
/// Latest year a partial date may name (whether it is in the future is the caller's question).
pub const MAX_YEAR: i32 = 2100;
/// Widest estimate, in years either side.
pub const MAX_MARGIN: u32 = 20;

/// A date known to the day, the month or the year, or estimated as a year plus or minus a
/// margin. In JSON: `{"year": 2012, "month": 3}` (or the text `"2012-03"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "RawPartialDate")]
pub struct PartialDate {
    year: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    month: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<u32>,
    /// Years either side of `year` for an estimate (0 = the year is known).
    #[serde(skip_serializing_if = "is_zero")]
    margin_years: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What clients may send for a partial date: the parts (`{"year": 2012, "month": 3}`), or the
/// text `YYYY`, `YYYY-MM`, `YYYY-MM-DD`. Request bodies hold this unchecked form, so that one
/// bad date is reported under its field together with every other problem of the request;
/// [`RawPartialDate::check`] makes the `PartialDate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RawPartialDate {
    Parts {
        year: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        month: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        day: Option<i64>,
        #[serde(default, skip_serializing_if = "is_zero_i64")]
        margin_years: i64,
    },
    Text(String),
}

fn is_zero_i64(n: &i64) -> bool {
    *n == 0
}

impl RawPartialDate {
    /// The partial date, or why it is not one.
    pub fn check(&self) -> Result<PartialDate, String> {
        match self {
            RawPartialDate::Parts { year, month, day, margin_years } => {
                let int = |v: i64, what: &str| i32::try_from(v).map_err(|_| format!("{what} is out of range"));
                let part = |v: Option<i64>, what: &str| {
                    v.map(|v| u32::try_from(v).map_err(|_| format!("{what} is out of range"))).transpose()
                };
                let margin = u32::try_from(*margin_years).map_err(|_| "margin is out of range".to_string())?;
                PartialDate::new(int(*year, "year")?, part(*month, "month")?, part(*day, "day")?, margin)
            }
            RawPartialDate::Text(s) => PartialDate::parse(s),
        }
    }
}

impl From<PartialDate> for RawPartialDate {
    fn from(d: PartialDate) -> RawPartialDate {
        RawPartialDate::Parts {
            year: i64::from(d.year),
            month: d.month.map(i64::from),
            day: d.day.map(i64::from),
            margin_years: i64::from(d.margin_years),
        }
    }
}

impl TryFrom<RawPartialDate> for PartialDate {
    type Error = String;
    fn try_from(raw: RawPartialDate) -> Result<PartialDate, String> {
        raw.check()
    }
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
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(format!("year must be between {MIN_YEAR} and {MAX_YEAR}"));
        }
        if margin_years > MAX_MARGIN {
            return Err(format!("margin must be at most {MAX_MARGIN} years"));
        }
        if margin_years > 0 && month.is_some() {
            return Err("an estimated year cannot have a month or day".into());
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&(year - margin_years as i32))
            || !(MIN_YEAR..=MAX_YEAR).contains(&(year + margin_years as i32))
        {
            return Err(format!("the estimate must stay between {MIN_YEAR} and {MAX_YEAR}"));
        }
        match (month, day) {
            (None, Some(_)) => return Err("a day needs a month".into()),
            (Some(m), _) if !(1..=12).contains(&m) => return Err("month must be between 1 and 12".into()),
            (Some(m), Some(d)) if NaiveDate::from_ymd_opt(year, m, d).is_none() => {
                return Err(format!("{year}-{m:02}-{d:02} is not a date that exists"))
            }
            _ => {}
        }
        Ok(PartialDate { year, month, day, margin_years })
    }

    /// An exact date (`None` outside the years a partial date may name).
    pub fn exact(d: NaiveDate) -> Option<PartialDate> {
        PartialDate::new(d.year(), Some(d.month()), Some(d.day()), 0).ok()
    }

    /// A year only.
    pub fn year_only(year: i32) -> Result<PartialDate, String> {
        PartialDate::new(year, None, None, 0)
    }

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<PartialDate, String> {
        let bad = || format!("`{s}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD");
        let mut parts = s.trim().split('-');
        let year = parts.next().filter(|p| p.len() == 4).and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let mut next = || parts.next().map(|p| p.parse::<u32>().map_err(|_| bad())).transpose();
        let (month, day) = (next()?, next()?);
        if next()?.is_some() {
            return Err(bad());
        }
        PartialDate::new(year, month, day, 0)
    }

    /// The partial date a stored range stands for, or why no partial date does: a single day;
    /// a whole month; a whole year; or `2k+1` whole years, an estimate of the middle one ±k.
    pub fn from_range(earliest: NaiveDate, latest: NaiveDate) -> Result<PartialDate, String> {
        let bad = || format!("{earliest}..{latest} is not the range of a partial date");
        if earliest == latest {
            return PartialDate::exact(earliest).ok_or_else(bad);
        }
        if earliest.day() == 1 && last_day_of_month(earliest.year(), earliest.month()) == Some(latest) {
            return PartialDate::new(earliest.year(), Some(earliest.month()), None, 0).map_err(|_| bad());
        }
        let whole_years = (earliest.month(), earliest.day()) == (1, 1) && (latest.month(), latest.day()) == (12, 31);
        let span = latest.year() - earliest.year();
        if whole_years && span >= 0 && span % 2 == 0 {
            let margin = (span / 2) as u32;
            return PartialDate::new(earliest.year() + span / 2, None, None, margin).map_err(|_| bad());
        }
        Err(bad())
    }

    /// The year (the middle year of an estimate).
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, when known.
    pub fn month(&self) -> Option<u32> {
        self.month
    }

    /// The day, when known.
    pub fn day(&self) -> Option<u32> {
        self.day
    }

    /// Years either side of an estimate (0 when the year is known).
    pub fn margin_years(&self) -> u32 {
        self.margin_years
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
        // Valid by construction: the constructor checked the year, month and day.
        NaiveDate::from_ymd_opt(y, self.month.unwrap_or(1), self.day.unwrap_or(1)).unwrap_or(NaiveDate::MIN)
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

    /// True when it surely ends before `other` could begin.
    pub fn surely_before(&self, other: &PartialDate) -> bool {
        self.latest() < other.earliest()
    }

    /// Refuses a date that surely lies after `today` (its earliest day is later).
    pub fn check_not_future(self, today: NaiveDate) -> Result<PartialDate, String> {
        if self.earliest() > today {
            Err("must not be in the future".into())
        } else {
            Ok(self)
        }
    }

    /// Human form: `2012-03-04`, `2012-03`, `2012`, `~2012 (±2)`.
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

/// A full day given as input (a death, a wish's date, a policy's start, a filter's bound): the
/// same years as partial dates, so that every database stores it and no arithmetic on it
/// overflows. chrono reads years far outside (`-5000-01-01`), which PostgreSQL refuses.
pub fn check_day(d: NaiveDate) -> Result<NaiveDate, String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("year must be between {MIN_YEAR} and {MAX_YEAR}"))
    }
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

/// The date `years` before `d` (29 February becomes 28 February in a common year): the day
/// from which a person born after it is certainly younger than `years` on `d` (the backlog's
/// ages, the "ages out" flag and the list filters all count with it).
pub fn years_before(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(chrono::Months::new(12 * years)).unwrap_or(d.with_day(1).unwrap_or(d))
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
    fn every_precision_survives_storage_as_its_range() {
        for p in [
            PartialDate::new(2014, Some(9), Some(3), 0),
            PartialDate::new(2016, Some(2), None, 0),
            PartialDate::new(2014, None, None, 0),
            PartialDate::new(2014, None, None, 2),
            PartialDate::new(2000, Some(12), Some(31), 0),
        ] {
            let p = p.expect("valid");
            assert_eq!(PartialDate::from_range(p.earliest(), p.latest()), Ok(p));
        }
    }

    #[test]
    fn a_stored_range_that_no_partial_date_stands_for_is_an_error() {
        assert!(PartialDate::from_range(d(2014, 1, 1), d(2015, 12, 31)).is_err(), "two years: no middle year");
        assert!(PartialDate::from_range(d(2014, 3, 2), d(2014, 3, 9)).is_err());
        assert!(PartialDate::from_range(d(2014, 3, 9), d(2014, 3, 2)).is_err(), "reversed");
        assert!(PartialDate::from_range(d(1850, 1, 1), d(1850, 12, 31)).is_err(), "out of bounds");
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        assert!(PartialDate::new(2010, Some(2), Some(30), 0).unwrap_err().contains("not a date"));
        assert!(PartialDate::new(2010, None, Some(3), 0).unwrap_err().contains("needs a month"));
        assert!(PartialDate::new(2010, Some(13), None, 0).is_err());
        assert!(PartialDate::new(1850, None, None, 0).is_err());
        assert!(PartialDate::new(1905, None, None, 10).is_err(), "the estimate reaches before 1900");
        assert!(PartialDate::new(2010, Some(3), None, 2).is_err());
        assert!(PartialDate::new(2010, Some(0), None, 0).is_err());
    }

    #[test]
    fn serde_refuses_what_the_constructor_refuses() {
        let ok: PartialDate = serde_json::from_str(r#"{"year": 2012, "month": 3}"#).expect("valid");
        assert_eq!(ok, PartialDate::new(2012, Some(3), None, 0).expect("valid"));
        let text: PartialDate = serde_json::from_str(r#""2019-02-19""#).expect("valid text");
        assert_eq!(text.display(), "2019-02-19");
        assert!(serde_json::from_str::<PartialDate>(r#"{"year": 2012, "month": 2, "day": 30}"#).is_err());
        assert!(serde_json::from_str::<PartialDate>(r#"{"year": -5}"#).is_err());
        assert!(serde_json::from_str::<PartialDate>(r#""2019-13""#).is_err());
        assert_eq!(serde_json::to_string(&ok).expect("json"), r#"{"year":2012,"month":3}"#);
    }

    #[test]
    fn a_date_is_in_the_future_only_if_it_surely_is() {
        let today = d(2026, 11, 26);
        assert!(PartialDate::year_only(2026).expect("y").check_not_future(today).is_ok());
        assert!(PartialDate::new(2026, Some(12), None, 0).expect("m").check_not_future(today).is_err());
    }
}
