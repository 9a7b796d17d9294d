//! Table-driven tests of policy evaluation: thresholds on the day before and the day of a
//! birthday, partial birth dates straddling a threshold, revoked and dual nationalities,
//! version periods and `changes_on`.

use super::condition::{Condition, Facts};
use super::evaluate::{evaluate_claim, summarise, PolicyVersion};
use super::explain::{Explanation, FactUsed, Reason, Verdict};
use super::validate::check_rules;
use super::{Outcome, ReturnCondition, Rule};
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::PartialDate;
use crate::domain::person::Sex;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn rule(when: Condition, outcome: Outcome, text: &str) -> Rule {
    Rule { when, outcome, conditions: vec![], explanation: text.into() }
}

/// Russia: case by case before 2017-11, children only from 2017-11-01.
fn russia() -> Vec<PolicyVersion> {
    vec![
        PolicyVersion {
            id: "ru-1".into(),
            country: "RU".into(),
            number: 1,
            effective_from: d(2014, 1, 1),
            effective_to: Some(d(2017, 10, 31)),
            rules: vec![rule(Condition::Always, Outcome::CaseByCase, "Women and children case by case.")],
        },
        PolicyVersion {
            id: "ru-2".into(),
            country: "RU".into(),
            number: 2,
            effective_from: d(2017, 11, 1),
            effective_to: None,
            rules: vec![
                Rule {
                    when: Condition::AgeUnder { years: 18 },
                    outcome: Outcome::EligibleWithConditions,
                    conditions: vec![ReturnCondition::DnaTest],
                    explanation: "Children under 18 are received by relatives in Russia.".into(),
                },
                rule(Condition::Always, Outcome::NotEligible, "Adults are not repatriated since November 2017."),
            ],
        },
    ]
}

fn person(birth: PartialDate, claims: &[(&str, ClaimStatus)]) -> Facts {
    Facts {
        birth: Some(birth),
        sex: Some(Sex::Male),
        claims: claims.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
        ..Facts::default()
    }
}

#[test]
fn age_thresholds_flip_on_the_birthday_not_the_day_before() {
    let born = PartialDate::exact(d(2008, 11, 22)).expect("date");
    let f = person(born, &[("RU", ClaimStatus::Verified)]);
    let cases = [
        (d(2026, 11, 21), Outcome::EligibleWithConditions, Some(1)),
        (d(2026, 11, 22), Outcome::NotEligible, Some(2)),
        (d(2017, 10, 31), Outcome::CaseByCase, Some(1)),
        (d(2013, 12, 31), Outcome::CaseByCase, None),
    ];
    for (on, outcome, rule_number) in cases {
        let r = evaluate_claim(&russia(), "RU", ClaimStatus::Verified, None, &f, on);
        assert_eq!((r.outcome, r.rule_number), (outcome, rule_number), "on {on}");
    }
    let before = evaluate_claim(&russia(), "RU", ClaimStatus::Verified, None, &f, d(2026, 11, 21));
    assert_eq!(before.changes_on, Some(d(2026, 11, 22)));
    assert_eq!(before.changes_to, Some(Outcome::NotEligible));
    assert_eq!(before.change_reason, Some(super::ChangeReason::Age));
    assert_eq!(before.version_number, Some(2));
    assert_eq!(
        before.facts_used[0],
        FactUsed::Age {
            youngest: 17,
            oldest: 17,
            born: "2008-11-22".into(),
            verdict: Verdict::Yes,
            condition: Condition::AgeUnder { years: 18 }
        }
    );
}

#[test]
fn a_birth_year_that_straddles_the_threshold_is_reported_not_guessed() {
    let f = person(PartialDate::new(2008, None, None, 0).expect("date"), &[("RU", ClaimStatus::Verified)]);
    let r = evaluate_claim(&russia(), "RU", ClaimStatus::Verified, None, &f, d(2026, 6, 1));
    assert_eq!(r.uncertain, Some(Reason::AgeUncertain { youngest: 17, oldest: 18, born: "2008".into() }));
    assert!(matches!(r.explanation, Explanation::Uncertain { rule: 1, .. }), "{:?}", r.explanation);
    assert_eq!(r.possible_outcomes, vec![Outcome::EligibleWithConditions, Outcome::NotEligible]);
    assert_eq!(r.outcome, Outcome::NotEligible, "the summary is the worse possibility");
    // It was certain in 2025 (under 18 whatever the day), and becomes certain again in 2027.
    let r2025 = evaluate_claim(&russia(), "RU", ClaimStatus::Verified, None, &f, d(2025, 12, 31));
    assert_eq!((r2025.outcome, r2025.uncertain.is_none()), (Outcome::EligibleWithConditions, true));
    assert_eq!(r2025.changes_on, Some(d(2026, 1, 1)));
    assert_eq!(r.changes_on, Some(d(2026, 12, 31)));
}

#[test]
fn revoked_and_denied_claims_are_no_route_with_the_date() {
    let f = person(PartialDate::exact(d(1999, 5, 1)).expect("date"), &[("GB", ClaimStatus::Revoked)]);
    let r = evaluate_claim(&[], "GB", ClaimStatus::Revoked, PartialDate::exact(d(2019, 2, 19)), &f, d(2026, 1, 1));
    assert_eq!((r.outcome, r.explanation), (Outcome::NoRoute, Explanation::Revoked { on: Some("2019-02-19".into()) }));
    let r = evaluate_claim(&[], "BE", ClaimStatus::Denied, None, &f, d(2026, 1, 1));
    assert_eq!(r.outcome, Outcome::NoRoute);
}

#[test]
fn a_dual_national_gets_the_best_outcome_and_only_nationality_rules_see_the_other_claim() {
    let denmark = vec![PolicyVersion {
        id: "dk-1".into(),
        country: "DK".into(),
        number: 1,
        effective_from: d(2021, 10, 1),
        effective_to: None,
        rules: vec![
            rule(
                Condition::All { of: vec![Condition::HasChildUnder18InCustody, Condition::HoldsOnlyThisNationality] },
                Outcome::Eligible,
                "Mothers holding only Danish nationality, with their children.",
            ),
            rule(Condition::Always, Outcome::CaseByCase, "Others case by case; dual nationals may be deprived."),
        ],
    }];
    let mut f = person(
        PartialDate::exact(d(1990, 1, 1)).expect("date"),
        &[("DK", ClaimStatus::Verified), ("MA", ClaimStatus::Claimed)],
    );
    f.sex = Some(Sex::Female);
    f.children_in_custody = vec![PartialDate::exact(d(2016, 3, 3))];
    let dk = evaluate_claim(&denmark, "DK", ClaimStatus::Verified, None, &f, d(2026, 1, 1));
    assert_eq!(dk.outcome, Outcome::CaseByCase, "dual national");
    let ma = evaluate_claim(&denmark, "MA", ClaimStatus::Claimed, None, &f, d(2026, 1, 1));
    assert_eq!(ma.outcome, Outcome::CaseByCase);
    assert_eq!(
        ma.explanation,
        Explanation::NoPolicy { country: "MA".into() },
        "no policy recorded, not a real outcome"
    );
    f.claims = vec![("DK".into(), ClaimStatus::Verified), ("MA".into(), ClaimStatus::Denied)];
    let dk = evaluate_claim(&denmark, "DK", ClaimStatus::Verified, None, &f, d(2026, 1, 1));
    assert_eq!(dk.outcome, Outcome::Eligible);
    // Her child turns 18 on 2034-03-03: from then on she no longer has a child under 18 held.
    assert_eq!(dk.changes_on, Some(d(2034, 3, 3)));
    assert_eq!(summarise(&[dk, ma]), Outcome::Eligible);
}

#[test]
fn a_version_ending_is_a_change_date() {
    let mut versions = russia();
    versions[1].effective_to = Some(d(2030, 6, 30));
    let f = person(PartialDate::exact(d(1990, 1, 1)).expect("date"), &[("RU", ClaimStatus::Verified)]);
    let r = evaluate_claim(&versions, "RU", ClaimStatus::Verified, None, &f, d(2026, 1, 1));
    assert_eq!((r.changes_on, r.change_reason), (Some(d(2030, 7, 1)), Some(super::ChangeReason::Policy)));
    assert_eq!(r.changes_to, Some(Outcome::CaseByCase));
}

#[test]
fn invalid_rules_say_what_is_wrong_and_where() {
    let rules = vec![
        Rule {
            when: Condition::AgeUnder { years: 0 },
            outcome: Outcome::EligibleWithConditions,
            conditions: vec![],
            explanation: "".into(),
        },
        rule(Condition::Any { of: vec![] }, Outcome::NoRoute, "x"),
    ];
    let e = check_rules(&rules);
    for path in [
        "rules[0].when.years",
        "rules[0].explanation",
        "rules[0].conditions",
        "rules[1].when.of",
        "rules[1].outcome",
        "rules[1].when",
    ] {
        assert!(e.contains_key(path), "{path} in {e:?}");
    }
    assert!(check_rules(&russia()[1].rules).is_empty());
}
