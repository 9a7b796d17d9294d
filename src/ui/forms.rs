//! Form plumbing shared by the HTML pages: urlencoded bodies read as a name → value map (so
//! bracketed names such as `members[1].given_name` work), values kept when a form comes back,
//! field messages in the user's language, option lists, and parsing of the small inputs
//! (whole numbers, dates, choices). Forms work without JavaScript.

use super::i18n::I18n;
use crate::domain::partial_date::{check_day, RawPartialDate};
use crate::error::{AppError, AppResult, FieldErrors};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

pub use super::messages::translate;

pub use super::nav::Nav;

/// A choice of a `<select>`.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

/// The values of the registry's enums, for selects (labels come from `tv`).
#[derive(Debug, Clone)]
pub struct Choices {
    pub sexes: Vec<&'static str>,
    pub wishes: Vec<&'static str>,
    pub name_kinds: Vec<&'static str>,
    pub scripts: Vec<&'static str>,
    pub statuses: Vec<&'static str>,
    pub bases: Vec<&'static str>,
    pub custody_kinds: Vec<&'static str>,
    pub kinship_kinds: Vec<&'static str>,
}

impl Default for Choices {
    fn default() -> Choices {
        use crate::domain::custody::CustodyKind;
        use crate::domain::nationality::{ClaimBasis, ClaimStatus};
        use crate::domain::person::{KinshipKind, NameKind, Script, Sex, Wish};
        Choices {
            sexes: Sex::ALL.iter().map(|v| v.as_str()).collect(),
            wishes: Wish::ALL.iter().map(|v| v.as_str()).collect(),
            name_kinds: NameKind::ALL.iter().map(|v| v.as_str()).collect(),
            scripts: Script::ALL.iter().map(|v| v.as_str()).collect(),
            statuses: ClaimStatus::ALL.iter().map(|v| v.as_str()).collect(),
            bases: ClaimBasis::ALL.iter().map(|v| v.as_str()).collect(),
            custody_kinds: CustodyKind::ALL.iter().map(|v| v.as_str()).collect(),
            kinship_kinds: KinshipKind::ALL.iter().map(|v| v.as_str()).collect(),
        }
    }
}

/// Translations of stored values: `tv("wish", "go_home")` (or `tv("wish", Wish::GoHome)`, any
/// value whose `Display` is its stored text) looks up `wish-go_home`.
pub trait Words {
    fn tv(&self, prefix: &str, value: impl std::fmt::Display) -> String;
    /// The translation of `key`, or `None` when no catalogue has it.
    fn maybe(&self, key: &str) -> Option<String>;
}

impl Words for I18n {
    fn tv(&self, prefix: &str, value: impl std::fmt::Display) -> String {
        let value = value.to_string();
        let key = format!("{prefix}-{value}");
        self.maybe(&key).unwrap_or(value)
    }

    fn maybe(&self, key: &str) -> Option<String> {
        let t = self.t(key);
        (t != key).then_some(t)
    }
}

/// A position in a list of repeated blocks (`members[i]`), however the template borrowed it.
pub trait Index {
    fn idx(&self) -> usize;
}

impl Index for usize {
    fn idx(&self) -> usize {
        *self
    }
}

impl<T: Index + ?Sized> Index for &T {
    fn idx(&self) -> usize {
        (**self).idx()
    }
}

/// A form as typed, with the messages of its fields.
#[derive(Debug, Clone)]
pub struct Form {
    i18n: I18n,
    values: HashMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
    /// Messages that belong to no input on the page.
    pub general: Vec<String>,
}

impl Form {
    pub fn new(i18n: &I18n) -> Form {
        Form { i18n: i18n.clone(), values: HashMap::new(), errors: BTreeMap::new(), general: Vec::new() }
    }

    /// Reads an urlencoded body or query string (a malformed one reads as empty).
    pub fn parse(i18n: &I18n, body: &str) -> Form {
        let mut form = Form::new(i18n);
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(body).unwrap_or_default();
        for (k, v) in pairs {
            form.values.insert(k, v);
        }
        form
    }

    /// Reads a POST body.
    pub fn body(i18n: &I18n, bytes: &[u8]) -> AppResult<Form> {
        let text = std::str::from_utf8(bytes).map_err(|_| AppError::BadRequest("the form is not UTF-8".into()))?;
        Ok(Form::parse(i18n, text))
    }

    /// The typed value ("" if absent).
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// The typed value, trimmed.
    pub fn text(&self, name: &str) -> String {
        self.get(name).trim().to_string()
    }

    /// The names sent that start with `prefix`, without it (ticked boxes named `member-<id>`).
    pub fn names_after(&self, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> =
            self.values.keys().filter_map(|k| k.strip_prefix(prefix)).map(String::from).collect();
        names.sort();
        names
    }

    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), value.into());
    }

    /// A checked checkbox (unchecked ones are absent from the body).
    pub fn on(&self, name: &str) -> bool {
        matches!(self.get(name), "true" | "on" | "1")
    }

    /// Whether a `<select>` shows `value` as chosen.
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.get(name) == value
    }

    /// The messages of a field, in one line ("" if none).
    pub fn err(&self, name: &str) -> String {
        self.errors.get(name).map(|m| m.join("; ")).unwrap_or_default()
    }

    pub fn has_err(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }

    /// Adds a message by catalogue key.
    pub fn fail(&mut self, name: &str, key: &str) {
        let message = self.i18n.t(key);
        self.errors.entry(name.to_string()).or_default().push(message);
    }

    /// Adds a service's message (translated when known).
    pub fn fail_with(&mut self, name: &str, message: &str) {
        let message = translate(&self.i18n, message);
        self.errors.entry(name.to_string()).or_default().push(message);
    }

    /// Adds a service's field errors, each under the input `map` names (or as a general
    /// message, prefixed with the field, when `map` gives none).
    pub fn absorb(&mut self, fields: &FieldErrors, map: impl Fn(&str) -> Option<String>) {
        for (field, messages) in fields {
            for m in messages {
                match map(field) {
                    Some(input) => self.fail_with(&input, m),
                    None => {
                        let line = format!("{field}: {}", translate(&self.i18n, m));
                        self.general.push(line);
                    }
                }
            }
        }
    }

    // Members of repeated blocks: `members[i].<field>`.

    pub fn m(&self, i: impl Index, field: &str) -> &str {
        self.get(&member(i.idx(), field))
    }

    pub fn mon(&self, i: impl Index, field: &str) -> bool {
        self.on(&member(i.idx(), field))
    }

    pub fn mis(&self, i: impl Index, field: &str, value: &str) -> bool {
        self.is(&member(i.idx(), field), value)
    }

    pub fn merr(&self, i: impl Index, field: &str) -> String {
        self.err(&member(i.idx(), field))
    }

    pub fn mhas_err(&self, i: impl Index, field: &str) -> bool {
        self.has_err(&member(i.idx(), field))
    }

    // Parsing: blank reads as `None`; a bad value adds a message under `err_as`.

    /// A whole number in a range.
    pub fn int(&mut self, name: &str, err_as: &str, min: i32, max: i32) -> Option<i32> {
        let raw = self.text(name);
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i32>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.fail(err_as, "err-number");
                None
            }
        }
    }

    /// A date typed as YYYY-MM-DD.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let raw = self.text(name);
        if raw.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
            Ok(d) if crate::domain::partial_date::check_day(d).is_ok() => Some(d),
            Ok(_) => {
                self.fail(name, "err-year-range");
                None
            }
            Err(_) => {
                self.fail(name, "err-date-format");
                None
            }
        }
    }

    /// A full day typed as YYYY-MM-DD within the years every database stores (1900–2100;
    /// chrono reads `-5000-01-01` too, which PostgreSQL refuses): a filter's bound, say.
    pub fn day(&mut self, name: &str) -> Option<NaiveDate> {
        let d = self.date(name)?;
        match check_day(d) {
            Ok(d) => Some(d),
            Err(m) => {
                self.fail_with(name, &m);
                None
            }
        }
    }

    /// A date known to the day, the month or the year, as typed (`YYYY-MM-DD`, `YYYY-MM` or
    /// `YYYY`, e.g. a decision date); the domain checks it with the rest of the record.
    pub fn partial_date(&self, name: &str) -> Option<RawPartialDate> {
        Some(self.text(name)).filter(|t| !t.is_empty()).map(RawPartialDate::Text)
    }

    /// One of an enum's values (or an id).
    pub fn choice<T: FromStr>(&mut self, name: &str) -> Option<T> {
        let raw = self.text(name);
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<T>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(name, "err-choice");
                None
            }
        }
    }

    /// The fields whose typed value differs from `other`'s: what a user had typed before a
    /// conflict replaced the form with the stored record.
    pub fn differences(&self, other: &Form, fields: &[&str]) -> Vec<(String, String)> {
        fields
            .iter()
            .filter(|f| self.get(f).trim() != other.get(f).trim())
            .map(|f| (f.to_string(), self.get(f).to_string()))
            .collect()
    }
}

/// `members[i].field`.
pub fn member(i: usize, field: &str) -> String {
    format!("members[{i}].{field}")
}

/// Renders a page with a status (askama's `WebTemplate` answers 200 only).
pub fn page(status: StatusCode, t: &impl Template) -> AppResult<HttpResponse> {
    let body = t.render().map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body))
}

/// A 303 to another page (after a POST that worked).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", location.to_string())).finish()
}

/// Ages as a range: "16–17", or "16" when known.
pub fn ages(range: &Option<(i32, i32)>) -> String {
    match range {
        Some((lo, hi)) if lo == hi => lo.to_string(),
        Some((lo, hi)) => format!("{lo}–{hi}"),
        None => String::new(),
    }
}

/// Countries for a select, by name (people look a country up by its name, not its code).
pub fn country_options(conn: &mut crate::db::DbConnection) -> AppResult<Vec<Opt>> {
    let mut countries: Vec<Opt> = crate::db::repo::countries::list(conn)?
        .into_iter()
        .map(|c| Opt { label: format!("{} ({})", c.name, c.code), value: c.code })
        .collect();
    countries.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(countries)
}

/// Countries and facilities for the selects.
pub fn countries_and_facilities(conn: &mut crate::db::DbConnection) -> AppResult<(Vec<Opt>, Vec<Opt>)> {
    let countries = country_options(conn)?;
    let facilities = crate::db::repo::facilities::list(conn)?
        .into_iter()
        .map(|f| Opt { value: f.id.to_string(), label: f.name })
        .collect();
    Ok((countries, facilities))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn bracketed_names_are_read_and_blank_numbers_are_none() {
        let i18n = I18n::new(Lang::En);
        let mut f =
            Form::parse(&i18n, "members%5B1%5D.given_name=Zaynab&members[1].birth_year=&members[0].birth_year=19x");
        assert_eq!(f.m(1usize, "given_name"), "Zaynab");
        assert_eq!(f.int("members[1].birth_year", "members[1].birth", 1900, 2100), None);
        assert!(!f.has_errors());
        assert_eq!(f.int("members[0].birth_year", "members[0].birth", 1900, 2100), None);
        assert!(f.has_err("members[0].birth"));
    }

    #[test]
    fn a_day_outside_1900_to_2100_gets_the_year_message() {
        let i18n = I18n::new(Lang::En);
        let mut f = Form::parse(&i18n, "a=-5000-01-01&b=2026-11-26&c=0001-01-01&d=2026-13-01");
        assert_eq!((f.day("a"), f.day("c"), f.day("d")), (None, None, None));
        assert_eq!(f.day("b"), NaiveDate::from_ymd_opt(2026, 11, 26));
        assert_eq!(f.err("a"), i18n.t("err-year-range"));
        assert_eq!(f.err("d"), i18n.t("err-date-format"));
    }

    #[test]
    fn service_messages_are_translated_when_known() {
        let ar = I18n::new(Lang::Ar);
        assert_ne!(translate(&ar, "is required"), "is required");
        assert_eq!(translate(&ar, "something new"), "something new");
        assert_eq!(ages(&Some((16, 17))), "16–17");
        assert_eq!(ages(&Some((9, 9))), "9");
    }
}
