//! Checks a version's rules before they are saved: what is wrong and where (`rules[2].when.of[0].years`).

use super::condition::Condition;
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
        Condition::InFacility { any_of } | Condition::FacilityAuthorityIn { any_of }
            if any_of.iter().all(|s| s.trim().is_empty()) =>
        {
            add(format!("{path}.any_of"), "must list at least one name")
        }
        _ => {}
    }
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
        if r.explanation.trim().is_empty() {
            errors
                .entry(format!("{path}.explanation"))
                .or_default()
                .push("is required: say in plain words what the rule means".into());
        }
        if r.explanation.chars().count() > 2000 {
            errors.entry(format!("{path}.explanation")).or_default().push("must be at most 2000 characters".into());
        }
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
