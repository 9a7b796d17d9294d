//! A person's own facts as form fields, shared by the intake form (`members[i].` prefix) and the
//! person edit form (no prefix): read typed values into a `PersonCore`, and fill a form from a
//! stored person. Birth dates are partial: year, month, day and an estimate's margin.

use super::forms::{Form, Words};
use super::i18n::I18n;
use crate::domain::partial_date::PartialDate;
use crate::domain::person::{Sex, Wish};
use crate::services::registry::input::PersonCore;
use crate::services::registry::input::{check_core, Errors};
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
/// `<base>`, where the service puts its own (e.g. `members[1].birth`).
pub fn read_partial(form: &mut Form, prefix: &str, base: &str) -> Option<PartialDate> {
    let err_as = format!("{prefix}{base}");
    let name = |part: &str| format!("{prefix}{base}_{part}");
    let year = form.int(&name("year"), &err_as, 0, 9999);
    let month = form.int(&name("month"), &err_as, 0, 99);
    let day = form.int(&name("day"), &err_as, 0, 99);
    let margin = form.int(&name("margin"), &err_as, 0, 99);
    match year {
        Some(year) => Some(PartialDate {
            year,
            month: month.map(|m| m as u32),
            day: day.map(|d| d as u32),
            margin_years: margin.unwrap_or(0) as u32,
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
pub fn read_core(form: &mut Form, prefix: &str) -> PersonCore {
    let f = |name: &str| format!("{prefix}{name}");
    let birth = read_partial(form, prefix, "birth");
    let left_home = read_partial(form, prefix, "left_home");
    PersonCore {
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
/// service's own checks of what could be read, so every message shows at once.
pub fn check_too(
    form: &mut Form,
    prefix: &str,
    core: &PersonCore,
    today: chrono::NaiveDate,
    map: impl Fn(&str) -> Option<String>,
) {
    let mut errors = Errors::new();
    check_core(&mut errors, prefix, core, today);
    let fresh: crate::error::FieldErrors =
        errors.fields.into_iter().filter(|(field, _)| map(field).is_some_and(|input| !form.has_err(&input))).collect();
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
    form.set("sex", p.sex.clone());
    form.set("birth_year", num(p.birth.map(|b| b.year)));
    form.set("birth_month", num(p.birth.and_then(|b| b.month)));
    form.set("birth_day", num(p.birth.and_then(|b| b.day)));
    form.set("birth_margin", num(p.birth.map(|b| b.margin_years).filter(|m| *m > 0)));
    form.set("place_of_birth", p.place_of_birth.clone());
    form.set("left_home_year", num(p.left_home.map(|d| d.year)));
    form.set("left_home_month", num(p.left_home.and_then(|d| d.month)));
    form.set("left_home_day", num(p.left_home.and_then(|d| d.day)));
    form.set("left_home_age", num(p.left_home_age));
    form.set("wish", p.wish.clone());
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
        assert_eq!(core.birth, Some(PartialDate { year: 2011, month: None, day: None, margin_years: 0 }));
        assert!(core.orphan && !core.disability);
        assert_eq!(core.sex, Some(Sex::Female));
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
