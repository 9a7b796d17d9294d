//! Checks a version's rules before they are saved: what is wrong and where (`rules[2].when.of[0].years`).

use super::condition::Condition;
use super::explain::{LocalizedText, LANGUAGES};
use super::{Outcome, Rule};
use std::collections::BTreeMap;

/// Field path -> messages.
pub type RuleErrors = BTreeMap<String, Vec<String>>;

fn check_condition(c: &Condition, path: &str, errors: &mut RuleErrors) {
    let mut add = |p: String, m: &str| errors.entry(p).or_default().push(m.to_string());
    match c {
        Condition::All { of } | Condition::Any { of } => {
            if of.is_empty() {
                add(format!("{path}.of"), "must list at least one condition");
            }
            for (i, sub) in of.iter().enumerate() {
                check_condition(sub, &format!("{path}.of[{i}]"), errors);
            }
        }
        Condition::Not { of } => check_condition(of, &format!("{path}.of"), errors),
        Condition::AgeUnder { years } | Condition::AgeAtLeast { years } | Condition::LeftHomeAgeUnder { years }
            if (*years == 0 || *years > 120) =>
        {
            add(format!("{path}.years"), "must be between 1 and 120");
        }
        Condition::ClaimStatusIn { any_of } if any_of.is_empty() => {
            add(format!("{path}.any_of"), "must list at least one status")
        }
        Condition::WishIn { any_of } if any_of.is_empty() => {
            add(format!("{path}.any_of"), "must list at least one wish")
        }
        Condition::InFacility { any_of } if any_of.is_empty() => {
            add(format!("{path}.any_of"), "must list at least one facility code")
        }
        Condition::InFacility { any_of } if any_of.iter().any(|c| crate::domain::facility::check_code(c).is_err()) => {
            add(format!("{path}.any_of"), "must list facility codes such as al-hol (not display names)")
        }
        Condition::FacilityAuthorityIn { any_of } if any_of.iter().all(|s| s.trim().is_empty()) => {
            add(format!("{path}.any_of"), "must list at least one name")
        }
        _ => {}
    }
}

fn check_explanation(text: &LocalizedText, path: &str, errors: &mut RuleErrors) {
    let mut add = |m: String| errors.entry(path.to_string()).or_default().push(m);
    let texts = text.texts();
    if texts.iter().all(|(_, t)| t.trim().is_empty()) {
        add("is required: say in plain words what the rule means".into());
    }
    if let LocalizedText::ByLanguage(m) = text {
        if !m.contains_key("en") {
            add("give the English text (`en`) too: it is shown where no translation exists".into());
        }
    }
    for (lang, t) in texts {
        if !LANGUAGES.contains(&lang) {
            add(format!("`{lang}` is not a language of the interface ({})", LANGUAGES.join(", ")));
        }
        if let Err(e) = crate::domain::text::check_notes(t) {
            add(e);
        }
        if t.chars().count() > 2000 {
            add("must be at most 2000 characters".into());
        }
    }
}

/// Every facility code the rules name, with the path of its list (`rules[0].when.of[1].any_of`),
/// for the caller to check against the facilities that exist.
pub fn facility_codes(rules: &[Rule]) -> Vec<(String, String)> {
    fn walk(c: &Condition, path: &str, out: &mut Vec<(String, String)>) {
        match c {
            Condition::All { of } | Condition::Any { of } => {
                of.iter().enumerate().for_each(|(i, sub)| walk(sub, &format!("{path}.of[{i}]"), out))
            }
            Condition::Not { of } => walk(of, &format!("{path}.of"), out),
            Condition::InFacility { any_of } => {
                out.extend(any_of.iter().map(|code| (format!("{path}.any_of"), code.clone())))
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        walk(&r.when, &format!("rules[{i}].when"), &mut out);
    }
    out
}

/// All problems of a rule list; empty when it can be saved.
pub fn check_rules(rules: &[Rule]) -> RuleErrors {
    let mut errors = RuleErrors::new();
    if rules.is_empty() {
        errors.entry("rules".into()).or_default().push("a version needs at least one rule".into());
        return errors;
    }
    for (i, r) in rules.iter().enumerate() {
        let path = format!("rules[{i}]");
        check_condition(&r.when, &format!("{path}.when"), &mut errors);
        check_explanation(&r.explanation, &format!("{path}.explanation"), &mut errors);
        match (r.outcome, r.conditions.is_empty()) {
            (Outcome::EligibleWithConditions, true) => {
                errors.entry(format!("{path}.conditions")).or_default().push("list what the return requires".into())
            }
            (o, false) if o != Outcome::EligibleWithConditions => errors
                .entry(format!("{path}.conditions"))
                .or_default()
                .push("only an eligible_with_conditions outcome has conditions".into()),
            _ => {}
        }
        if r.outcome == Outcome::NoRoute {
            errors
                .entry(format!("{path}.outcome"))
                .or_default()
                .push("no_route is decided by the nationality claim, not by a rule".into());
        }
    }
    if rules.last().is_some_and(|r| r.when != Condition::Always) {
        errors
            .entry(format!("rules[{}].when", rules.len() - 1))
            .or_default()
            .push("the last rule must be the default: {\"type\": \"always\"}".into());
    }
    errors
}
