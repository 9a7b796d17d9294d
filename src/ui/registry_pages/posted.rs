//! A form of a registry page that came back refused (its values, messages and, after a
//! conflict, an alert and what the user had typed), and the error summary at the top of the
//! page: every message, each linking to its input, so a refusal is seen on a long page.

use crate::domain::records::plausibility::Warning;
use crate::ui::forms::{Form, Words as _};
use crate::ui::i18n::I18n;
use crate::ui::warnings::Saved;
use actix_web::http::StatusCode;

/// A refused form: which one, whose, what was typed and what is wrong.
pub struct Posted {
    /// Which form of the page (`custody`, `claim`, `member`, `move` ...).
    pub kind: &'static str,
    /// Whose: a claim's id for a claim's status form, else "".
    pub id: String,
    pub form: Form,
    /// A conflict's alert.
    pub alert: Option<String>,
    /// After a conflict: (field, typed value) the user may want to apply again.
    pub mine: Vec<(String, String)>,
}

impl Posted {
    pub fn new(kind: &'static str, id: impl Into<String>, form: Form) -> Posted {
        Posted { kind, id: id.into(), form, alert: None, mine: Vec::new() }
    }
}

/// What a form came to: saved (the page confirms it, with the save's plausibility warnings),
/// or refused (the page shows the form again with this status).
pub enum Answer {
    Saved(Saved, Vec<Warning>),
    Refused(Box<Posted>, StatusCode),
}

impl Answer {
    /// Refused for what was typed (422).
    pub fn refused(posted: Posted) -> Answer {
        Answer::Refused(Box::new(posted), StatusCode::UNPROCESSABLE_ENTITY)
    }
}

/// An input of a form as the error summary names it: the key its messages are under, the
/// suffix of its element id, and the catalogue key of its label.
pub type Input = (&'static str, &'static str, &'static str);

/// One line of the error summary: the element to jump to ("" for none) and the message.
pub struct Problem {
    pub target: String,
    pub text: String,
}

/// The forms of a page, of which at most one came back; templates ask it for values and
/// messages by (form, id, field).
#[derive(Default)]
pub struct Forms {
    posted: Option<Posted>,
}

impl Forms {
    pub fn new(posted: Option<Posted>) -> Forms {
        Forms { posted }
    }

    fn of(&self, kind: &str, id: &str) -> Option<&Posted> {
        self.posted.as_ref().filter(|p| p.kind == kind && p.id == id)
    }

    /// Whether this form came back (its `<details>` opens).
    pub fn open(&self, kind: &str, id: impl AsRef<str>) -> bool {
        self.of(kind, id.as_ref()).is_some()
    }

    /// The typed value of a form that came back, else "".
    pub fn v(&self, kind: &str, id: impl AsRef<str>, field: &str) -> String {
        self.of(kind, id.as_ref()).map(|p| p.form.get(field).to_string()).unwrap_or_default()
    }

    /// The typed value of a form that came back, else the stored one.
    pub fn vd(&self, kind: &str, id: impl AsRef<str>, field: &str, stored: impl std::fmt::Display) -> String {
        match self.of(kind, id.as_ref()).filter(|p| p.form.contains(field)) {
            Some(p) => p.form.get(field).to_string(),
            None => stored.to_string(),
        }
    }

    /// Whether a select shows `value`: as typed, else `stored`.
    pub fn is(
        &self,
        kind: &str,
        id: impl AsRef<str>,
        field: &str,
        value: impl std::fmt::Display,
        stored: impl std::fmt::Display,
    ) -> bool {
        let value = value.to_string();
        match self.of(kind, id.as_ref()).filter(|p| p.form.contains(field)) {
            Some(p) => p.form.is(field, &value),
            None => value == stored.to_string(),
        }
    }

    /// Whether a checkbox of a form that came back was ticked.
    pub fn on(&self, kind: &str, id: impl AsRef<str>, field: &str) -> bool {
        self.of(kind, id.as_ref()).is_some_and(|p| p.form.on(field))
    }

    /// A field's messages ("" if none).
    pub fn fe(&self, kind: &str, id: impl AsRef<str>, field: &str) -> String {
        self.of(kind, id.as_ref()).map(|p| p.form.err(field)).unwrap_or_default()
    }

    /// Whether a field has a message (`aria-invalid`, `aria-describedby`).
    pub fn bad(&self, kind: &str, id: impl AsRef<str>, field: &str) -> bool {
        self.of(kind, id.as_ref()).is_some_and(|p| p.form.has_err(field))
    }

    /// What the user had typed before a conflict.
    pub fn mine(&self, kind: &str, id: impl AsRef<str>) -> Vec<(String, String)> {
        self.of(kind, id.as_ref()).map(|p| p.mine.clone()).unwrap_or_default()
    }

    /// The error summary of the form that came back: its alert, then each input's messages
    /// (linked to the input `#<prefix><suffix>`), then messages that belong to no input.
    pub fn problems(&self, i18n: &I18n, prefix: &str, inputs: &[Input]) -> Vec<Problem> {
        let Some(p) = &self.posted else { return Vec::new() };
        let mut out: Vec<Problem> =
            p.alert.iter().map(|a| Problem { target: String::new(), text: a.clone() }).collect();
        for (key, suffix, label) in inputs {
            if p.form.has_err(key) {
                let label = i18n.maybe(label).unwrap_or_else(|| key.to_string());
                out.push(Problem {
                    target: format!("{prefix}{suffix}"),
                    text: format!("{label}: {}", p.form.err(key)),
                });
            }
        }
        out.extend(p.form.general.iter().map(|g| Problem { target: String::new(), text: g.clone() }));
        if out.is_empty() {
            // Refused without a message we can place (it should not happen): still say so.
            out.push(Problem { target: String::new(), text: i18n.t("form-invalid") });
        }
        out
    }

    /// The refused form, if any.
    pub fn posted(&self) -> Option<&Posted> {
        self.posted.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn the_summary_links_each_message_to_its_input() {
        let i18n = I18n::new(Lang::En);
        let mut form = Form::parse(&i18n, "kind=transferred&date_year=2026");
        form.fail("facility_id", "err-facility-required");
        let forms = Forms::new(Some(Posted::new("custody", "", form)));
        let inputs: &[Input] = &[("kind", "kind", "field-custody_kind"), ("facility_id", "facility", "field-facility")];
        let problems = forms.problems(&i18n, "cu-", inputs);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].target, "cu-facility");
        assert!(problems[0].text.starts_with(&i18n.t("field-facility")));
        assert!(forms.open("custody", "") && !forms.open("claim", ""));
        assert_eq!(forms.v("custody", "", "date_year"), "2026");
        assert!(forms.bad("custody", "", "facility_id"));
        assert!(Forms::default().problems(&i18n, "cu-", inputs).is_empty());
    }
}
