//! Evaluation of a person's claim against the version of the country's policy in force on a
//! date, with the rule that decided, the facts it used, and the next date on which the outcome
//! will change by itself (a birthday crossing a threshold, a version ending).

use super::condition::{Condition, Facts, Truth};
use super::explain::{ClaimFact, Explanation, FactUsed, Reason};
use super::{ChangeReason, Outcome, ReturnCondition, Rule};
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::{age_range, birthday, PartialDate};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A published version of a country's policy, as the evaluation needs it.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    pub id: String,
    pub country: String,
    pub number: i32,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub rules: Vec<Rule>,
}

impl PolicyVersion {
    fn in_force(&self, on: NaiveDate) -> bool {
        self.effective_from <= on && self.effective_to.is_none_or(|to| on <= to)
    }
}

/// The result for one nationality claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimResult {
    pub country: String,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ReturnCondition>,
    /// Why, as data: pages render it in the reader's language.
    pub explanation: Explanation,
    pub version_id: Option<String>,
    pub version_number: Option<i32>,
    /// 1-based number of the deciding rule.
    pub rule_number: Option<usize>,
    /// The facts the deciding rule read, and what it found.
    pub facts_used: Vec<FactUsed>,
    /// Set when the outcome depends on a fact that is not known precisely enough.
    pub uncertain: Option<Reason>,
    /// With `uncertain`: every outcome the missing fact could lead to (`outcome` is the worst).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub possible_outcomes: Vec<Outcome>,
    /// The next date on which the outcome changes by itself, if any.
    pub changes_on: Option<NaiveDate>,
    pub changes_to: Option<Outcome>,
    pub change_reason: Option<ChangeReason>,
}

struct Decision {
    rule: Option<usize>,
    outcome: Outcome,
    conditions: Vec<ReturnCondition>,
    explanation: Explanation,
    uncertain: Option<Reason>,
    possible: Vec<Outcome>,
}

fn decide(rules: &[Rule], start: usize, f: &Facts, country: &str, on: NaiveDate) -> Decision {
    for (i, rule) in rules.iter().enumerate().skip(start) {
        match rule.when.eval(f, country, on) {
            Truth::False => continue,
            Truth::True => {
                return Decision {
                    rule: Some(i),
                    outcome: rule.outcome,
                    conditions: rule.conditions.clone(),
                    explanation: Explanation::Rule { rule: i + 1, text: rule.explanation.clone() },
                    uncertain: None,
                    possible: vec![],
                }
            }
            Truth::Unknown(reason) => {
                let otherwise = decide(rules, i + 1, f, country, on);
                if otherwise.outcome == rule.outcome && otherwise.uncertain.is_none() {
                    return otherwise;
                }
                let mut possible = vec![rule.outcome, otherwise.outcome];
                possible.extend(otherwise.possible.iter().copied());
                possible.sort();
                possible.dedup();
                let worst = possible.iter().copied().max().unwrap_or(Outcome::CaseByCase);
                return Decision {
                    rule: Some(i),
                    outcome: worst,
                    conditions: vec![],
                    explanation: Explanation::Uncertain {
                        reason: reason.clone(),
                        rule: i + 1,
                        if_applies: rule.explanation.clone(),
                        otherwise: Box::new(otherwise.explanation),
                    },
                    uncertain: Some(reason),
                    possible,
                };
            }
        }
    }
    Decision {
        rule: None,
        outcome: Outcome::CaseByCase,
        conditions: vec![],
        explanation: Explanation::NoRuleApplies,
        uncertain: None,
        possible: vec![],
    }
}

fn facts_used(cond: &Condition, f: &Facts, country: &str, on: NaiveDate, out: &mut Vec<FactUsed>) {
    match cond {
        Condition::All { of } | Condition::Any { of } => of.iter().for_each(|c| facts_used(c, f, country, on, out)),
        Condition::Not { of } => facts_used(of, f, country, on, out),
        Condition::AgeUnder { .. } | Condition::AgeAtLeast { .. } => {
            if let Some(b) = &f.birth {
                let (youngest, oldest) = age_range(b, on);
                let verdict = cond.eval(f, country, on).verdict();
                out.push(FactUsed::Age { youngest, oldest, born: b.display(), verdict, condition: cond.clone() });
            }
        }
        Condition::ClaimStatusIn { .. } | Condition::HoldsOnlyThisNationality => {
            let claims = f.claims.iter().map(|(c, s)| ClaimFact { country: c.clone(), status: *s }).collect();
            out.push(FactUsed::Claims { claims });
        }
        Condition::Always => {}
        Condition::LeftHomeAgeUnder { .. }
        | Condition::Sex { .. }
        | Condition::HasChildUnder18InCustody
        | Condition::AccompaniedByParentInCustody
        | Condition::OrphanOrUnaccompanied
        | Condition::WishIn { .. }
        | Condition::LeftHomeBefore { .. }
        | Condition::LeftHomeAfter { .. }
        | Condition::InFacility { .. }
        | Condition::FacilityAuthorityIn { .. } => {
            out.push(FactUsed::Condition { condition: cond.clone(), verdict: cond.eval(f, country, on).verdict() });
        }
    }
}

fn decide_claim(
    versions: &[PolicyVersion],
    country: &str,
    status: ClaimStatus,
    decision_date: Option<PartialDate>,
    f: &Facts,
    on: NaiveDate,
) -> ClaimResult {
    let base = |outcome, explanation: Explanation| ClaimResult {
        country: country.to_string(),
        outcome,
        conditions: vec![],
        explanation,
        version_id: None,
        version_number: None,
        rule_number: None,
        facts_used: vec![],
        uncertain: None,
        possible_outcomes: vec![],
        changes_on: None,
        changes_to: None,
        change_reason: None,
    };
    let on_date = decision_date.map(|d| d.display());
    match status {
        ClaimStatus::Revoked => return base(Outcome::NoRoute, Explanation::Revoked { on: on_date }),
        ClaimStatus::Denied => return base(Outcome::NoRoute, Explanation::Denied { on: on_date }),
        ClaimStatus::Claimed | ClaimStatus::Unverified | ClaimStatus::Verified => {}
    }
    let Some(v) = versions.iter().find(|v| v.country == country && v.in_force(on)) else {
        // Case by case is what an NGO can do without a policy, but it is not the country's
        // answer: the explanation says which it is.
        let explanation = if versions.iter().any(|v| v.country == country) {
            Explanation::NotInForce { country: country.to_string(), on }
        } else {
            Explanation::NoPolicy { country: country.to_string() }
        };
        return base(Outcome::CaseByCase, explanation);
    };
    let d = decide(&v.rules, 0, f, country, on);
    let mut used = Vec::new();
    if let Some(i) = d.rule {
        facts_used(&v.rules[i].when, f, country, on, &mut used);
    }
    ClaimResult {
        outcome: d.outcome,
        conditions: d.conditions,
        explanation: d.explanation,
        version_id: Some(v.id.clone()),
        version_number: Some(v.number),
        rule_number: d.rule.map(|i| i + 1),
        facts_used: used,
        uncertain: d.uncertain,
        possible_outcomes: d.possible,
        ..base(d.outcome, Explanation::NoRuleApplies)
    }
}

/// Evaluates one claim on `on`, and finds when the outcome changes by itself (facts other than
/// dates assumed unchanged).
pub fn evaluate_claim(
    versions: &[PolicyVersion],
    country: &str,
    status: ClaimStatus,
    decision_date: Option<PartialDate>,
    f: &Facts,
    on: NaiveDate,
) -> ClaimResult {
    let mut result = decide_claim(versions, country, status, decision_date, f, on);
    if !status.is_live() {
        return result;
    }
    let mut candidates: Vec<(NaiveDate, ChangeReason)> = Vec::new();
    for v in versions.iter().filter(|v| v.country == country) {
        if v.effective_from > on {
            candidates.push((v.effective_from, ChangeReason::Policy));
        }
        if let Some(to) = v.effective_to.and_then(|t| t.succ_opt()) {
            if to > on {
                candidates.push((to, ChangeReason::Policy));
            }
        }
        let mut thresholds = Vec::new();
        v.rules.iter().for_each(|r| r.when.age_thresholds(&mut thresholds));
        let births = f.birth.iter().chain(f.children_in_custody.iter().flatten());
        for b in births {
            for n in &thresholds {
                for d in [birthday(b.earliest(), *n as i32), birthday(b.latest(), *n as i32)] {
                    if d > on {
                        candidates.push((d, ChangeReason::Age));
                    }
                }
            }
        }
    }
    candidates.sort();
    candidates.dedup_by_key(|c| c.0);
    for (d, reason) in candidates.into_iter().take(64) {
        let later = decide_claim(versions, country, status, decision_date, f, d);
        if later.outcome != result.outcome || later.uncertain.is_some() != result.uncertain.is_some() {
            result.changes_on = Some(d);
            result.changes_to = Some(later.outcome);
            result.change_reason = Some(reason);
            break;
        }
    }
    result
}

/// The best outcome across a person's claims (`no_route` when there is none).
pub fn summarise(results: &[ClaimResult]) -> Outcome {
    results.iter().map(|r| r.outcome).min().unwrap_or(Outcome::NoRoute)
}
