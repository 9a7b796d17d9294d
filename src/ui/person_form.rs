//! A person's own facts as form fields, shared by the intake form (`members[i].` prefix) and the
//! person edit form (no prefix): read typed values into a `PersonInput`, and fill a form from a
//! stored person. Birth dates are partial: year, month, day and an estimate's margin.

use super::forms::{Form, Words};
use super::i18n::I18n;
use crate::domain::partial_date::RawPartialDate;
use crate::domain::person::{Sex, Wish};
use crate::domain::records::PersonInput;
use crate::services::registry::views::PersonView;

/// The inputs of a person's own facts (without prefix).
pub const CORE_FIELDS: &[&str] = &[
    "given_name",
    "family_name",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_margin",
    "place_of_birth",
    "left_home_year",
    "left_home_month",
    "left_home_day",
    "left_home_age",
    "wish",
    "wish_recorded_on",
    "unaccompanied_minor",
    "orphan",
    "medical_need",
    "disability",
    "date_of_death",
    "notes",
];

/// The flags, as checkboxes.
pub const FLAGS: &[&str] = &["unaccompanied_minor", "orphan", "medical_need", "disability"];

/// Reads a partial date from `<base>_year`, `_month`, `_day`, `_margin`; messages go under
/// `<base>`, where the domain puts its own (e.g. `members[1].birth`). The parts are read as
/// numbers only: whether they make a date (a month in 1..=12, a day that exists, a year between
/// 1900 and 2100) is the domain's check, reported with every other problem of the form.
pub fn read_partial(form: &mut Form, prefix: &str, base: &str) -> Option<RawPartialDate> {
    let err_as = format!("{prefix}{base}");
    let name = |part: &str| format!("{prefix}{base}_{part}");
    let year = form.int(&name("year"), &err_as, 0, 9999);
    let month = form.int(&name("month"), &err_as, 0, 99);
    let day = form.int(&name("day"), &err_as, 0, 99);
    let margin = form.int(&name("margin"), &err_as, 0, 99);
    match year {
        Some(year) => Some(RawPartialDate::Parts {
            year: i64::from(year),
            month: month.map(i64::from),
            day: day.map(i64::from),
            margin_years: i64::from(margin.unwrap_or(0)),
        }),
        None => {
            if month.is_some() || day.is_some() {
                form.fail(&err_as, "err-year-needed");
            }
            None
        }
    }
}

/// Reads a person's own facts; parse problems are added to the form's messages.
pub fn read_core(form: &mut Form, prefix: &str) -> PersonInput {
    let f = |name: &str| format!("{prefix}{name}");
    let birth = read_partial(form, prefix, "birth");
    let left_home = read_partial(form, prefix, "left_home");
    PersonInput {
        given_name: form.text(&f("given_name")),
        family_name: form.text(&f("family_name")),
        sex: form.choice::<Sex>(&f("sex")),
        birth,
        place_of_birth: form.text(&f("place_of_birth")),
        left_home,
        left_home_age: form.int(&f("left_home_age"), &f("left_home_age"), 0, 200),
        wish: form.choice::<Wish>(&f("wish")),
        wish_recorded_on: form.date(&f("wish_recorded_on")),
        unaccompanied_minor: form.on(&f("unaccompanied_minor")),
        orphan: form.on(&f("orphan")),
        medical_need: form.on(&f("medical_need")),
        disability: form.on(&f("disability")),
        date_of_death: form.date(&f("date_of_death")),
        notes: form.text(&f("notes")),
    }
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// When typed values could not even be read, the service is not called; this adds the
/// domain's own checks of what could be read, so every message shows at once.
pub fn check_too(
    form: &mut Form,
    prefix: &str,
    core: &PersonInput,
    today: chrono::NaiveDate,
    map: impl Fn(&str) -> Option<String>,
) {
    let Err(problems) = core.clone().parse(prefix, today) else { return };
    let fresh: crate::error::FieldErrors = problems
        .fields
        .into_iter()
        .filter(|(field, _)| map(field).is_some_and(|input| !form.has_err(&input)))
        .collect();
    form.absorb(&fresh, map);
}

/// A typed value as a person reads it (choices translated, checkboxes as a tick).
pub fn shown(i18n: &I18n, field: &str, value: &str) -> String {
    match field {
        "sex" | "wish" if !value.is_empty() => i18n.tv(field, value),
        f if FLAGS.contains(&f) && !value.is_empty() => "✓".into(),
        _ => value.to_string(),
    }
}

/// Fills the form (no prefix) with a stored person's facts.
pub fn fill_core(form: &mut Form, p: &PersonView) {
    form.set("given_name", p.given_name.clone());
    form.set("family_name", p.family_name.clone());
    form.set("sex", p.sex.as_str());
    form.set("birth_year", num(p.birth.map(|b| b.year())));
    form.set("birth_month", num(p.birth.and_then(|b| b.month())));
    form.set("birth_day", num(p.birth.and_then(|b| b.day())));
    form.set("birth_margin", num(p.birth.map(|b| b.margin_years()).filter(|m| *m > 0)));
    form.set("place_of_birth", p.place_of_birth.clone());
    form.set("left_home_year", num(p.left_home.map(|d| d.year())));
    form.set("left_home_month", num(p.left_home.and_then(|d| d.month())));
    form.set("left_home_day", num(p.left_home.and_then(|d| d.day())));
    form.set("left_home_age", num(p.left_home_age));
    form.set("wish", p.wish.as_str());
    form.set("wish_recorded_on", num(p.wish_recorded_on));
    for (name, on) in [
        ("unaccompanied_minor", p.unaccompanied_minor),
        ("orphan", p.orphan),
        ("medical_need", p.medical_need),
        ("disability", p.disability),
    ] {
        if on {
            form.set(name, "true");
        }
    }
    form.set("date_of_death", num(p.date_of_death));
    form.set("notes", p.notes.clone());
    form.set("version", p.version.to_string());
}

/// Where a service's message about a person's facts is shown on the edit form.
pub fn core_input(field: &str) -> Option<String> {
    let known = [
        "given_name",
        "family_name",
        "sex",
        "birth",
        "place_of_birth",
        "left_home",
        "left_home_age",
        "wish",
        "wish_recorded_on",
        "date_of_death",
        "notes",
        "version",
    ];
    known.contains(&field).then(|| field.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn a_year_only_birth_and_flags_are_read() {
        let i18n = I18n::new(Lang::En);
        let mut form =
            Form::parse(&i18n, "p.given_name=+Amina+&p.family_name=K&p.birth_year=2011&p.orphan=true&p.sex=female");
        let core = read_core(&mut form, "p.");
        assert!(!form.has_errors());
        assert_eq!(core.given_name, "Amina");
        assert_eq!(core.birth.map(|b| b.check()), Some(crate::domain::partial_date::PartialDate::year_only(2011)));
        assert!(core.orphan && !core.disability);
        assert_eq!(core.sex, Some(Sex::Female));
    }

    #[test]
    fn an_impossible_day_is_the_domains_to_refuse_with_the_other_problems() {
        let i18n = I18n::new(Lang::En);
        let mut form = Form::parse(&i18n, "birth_year=2010&birth_month=2&birth_day=30&wish=nonsense");
        let core = read_core(&mut form, "");
        assert!(form.has_err("wish") && !form.has_err("birth"));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        check_too(&mut form, "", &core, today, core_input);
        assert_eq!(form.err("birth"), i18n.t("err-not-a-date"));
        assert!(form.has_err("given_name"), "every message at once");
    }

    #[test]
    fn a_month_without_a_year_is_refused_under_the_date_field() {
        let i18n = I18n::new(Lang::En);
        let mut form = Form::parse(&i18n, "birth_month=3");
        let core = read_core(&mut form, "");
        assert_eq!(core.birth, None);
        assert!(form.has_err("birth"));
    }
}
