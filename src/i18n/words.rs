//! The engine's structured explanations, conditions and rules in the reader's language, from
//! the catalogues (`web/locales/*/explain.ftl`). The one place where they become words: the
//! pages use it in the user's language, the API for the English text beside the codes.
//!
//! Dates, codes and numbers are isolated left-to-right in right-to-left languages, so that
//! "2026-11-26" never reads backwards inside Arabic text.

use super::{I18n, Lang};
use crate::domain::policy::condition::Condition;
use crate::domain::policy::explain::{ClaimFact, Explanation, FactUsed, Reason, Verdict};
use crate::domain::policy::{Outcome, ReturnCondition, Rule};

/// Left-to-right text kept whole inside right-to-left text (LRI ... PDI).
pub fn ltr(i: &I18n, s: &str) -> String {
    match i.lang {
        Lang::Ar => format!("\u{2066}{s}\u{2069}"),
        Lang::En => s.to_string(),
    }
}

fn value(i: &I18n, prefix: &str, v: impl std::fmt::Display) -> String {
    let v = v.to_string();
    let key = format!("{prefix}-{v}");
    let t = i.t(&key);
    if t == key {
        v.replace('_', " ")
    } else {
        t
    }
}

fn join(i: &I18n, items: Vec<String>, word: &str) -> String {
    match items.len() {
        0 => String::new(),
        1 => items.into_iter().next().unwrap_or_default(),
        _ => {
            let sep = i.t("word-list-separator");
            let (last, rest) = items.split_last().map(|(l, r)| (l.clone(), r.to_vec())).unwrap_or_default();
            format!("{} {} {last}", rest.join(&sep), i.t(word))
        }
    }
}

/// An outcome's label.
pub fn outcome(i: &I18n, o: Outcome) -> String {
    value(i, "outcome", o)
}

/// What an `eligible_with_conditions` return requires.
pub fn return_condition(i: &I18n, c: ReturnCondition) -> String {
    value(i, "retcond", c)
}

/// A condition in words.
pub fn condition(i: &I18n, c: &Condition) -> String {
    let list = |items: Vec<String>| join(i, items, "word-or");
    match c {
        Condition::Always => i.t("cond-always"),
        Condition::All { of } => join(i, of.iter().map(|c| condition(i, c)).collect(), "word-and"),
        Condition::Any { of } => {
            i.t_args("cond-any", &[("list", join(i, of.iter().map(|c| condition(i, c)).collect(), "word-or").into())])
        }
        Condition::Not { of } => i.t_args("cond-not", &[("inner", condition(i, of).into())]),
        Condition::AgeUnder { years } => i.t_args("cond-age_under", &[("years", (*years).into())]),
        Condition::AgeAtLeast { years } => i.t_args("cond-age_at_least", &[("years", (*years).into())]),
        Condition::LeftHomeAgeUnder { years } => i.t_args("cond-left_home_age_under", &[("years", (*years).into())]),
        Condition::Sex { is } => i.t_args("cond-sex", &[("sex", value(i, "sex", is).into())]),
        Condition::HasChildUnder18InCustody => i.t("cond-has_child_under18_in_custody"),
        Condition::AccompaniedByParentInCustody => i.t("cond-accompanied_by_parent_in_custody"),
        Condition::OrphanOrUnaccompanied => i.t("cond-orphan_or_unaccompanied"),
        Condition::ClaimStatusIn { any_of } => i.t_args(
            "cond-claim_status_in",
            &[("statuses", list(any_of.iter().map(|s| value(i, "claim-status", s)).collect()).into())],
        ),
        Condition::HoldsOnlyThisNationality => i.t("cond-holds_only_this_nationality"),
        Condition::WishIn { any_of } => {
            i.t_args("cond-wish_in", &[("wishes", list(any_of.iter().map(|w| value(i, "wish", w)).collect()).into())])
        }
        Condition::LeftHomeBefore { date } => {
            i.t_args("cond-left_home_before", &[("date", ltr(i, &date.to_string()).into())])
        }
        Condition::LeftHomeAfter { date } => {
            i.t_args("cond-left_home_after", &[("date", ltr(i, &date.to_string()).into())])
        }
        Condition::InFacility { any_of } => {
            i.t_args("cond-in_facility", &[("facilities", list(any_of.iter().map(|f| ltr(i, f)).collect()).into())])
        }
        Condition::FacilityAuthorityIn { any_of } => {
            i.t_args("cond-facility_authority_in", &[("authorities", list(any_of.clone()).into())])
        }
    }
}

/// A rule in words: "If under 18: eligible with conditions (conditions: DNA test) — text".
pub fn rule(i: &I18n, r: &Rule) -> String {
    let conditions = if r.conditions.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = r.conditions.iter().map(|c| return_condition(i, *c)).collect();
        i.t_args("rule-conditions", &[("list", names.join(&i.t("word-list-separator")).into())])
    };
    i.t_args(
        "rule-line",
        &[
            ("condition", condition(i, &r.when).into()),
            ("outcome", outcome(i, r.outcome).into()),
            ("conditions", conditions.into()),
            ("text", r.explanation.get(i.code()).into()),
        ],
    )
}

/// Why a condition could not be decided.
pub fn reason(i: &I18n, r: &Reason) -> String {
    match r {
        Reason::BirthUnknown => i.t("reason-birth_unknown"),
        Reason::AgeUncertain { youngest, oldest, born } => i.t_args(
            "reason-age_uncertain",
            &[("youngest", (*youngest).into()), ("oldest", (*oldest).into()), ("born", ltr(i, born).into())],
        ),
        Reason::LeavingAgeUnknown => i.t("reason-leaving_age_unknown"),
        Reason::LeavingAgeUncertain { youngest, oldest } => {
            i.t_args("reason-leaving_age_uncertain", &[("youngest", (*youngest).into()), ("oldest", (*oldest).into())])
        }
        Reason::SexUnknown => i.t("reason-sex_unknown"),
        Reason::WishUnknown => i.t("reason-wish_unknown"),
        Reason::DepartureUnknown => i.t("reason-departure_unknown"),
        Reason::DepartureTooVague => i.t("reason-departure_too_vague"),
    }
}

/// Why a claim has its outcome.
pub fn explanation(i: &I18n, e: &Explanation) -> String {
    match e {
        Explanation::Rule { text, .. } => i.t_args("expl-rule", &[("text", text.get(i.code()).into())]),
        Explanation::Uncertain { reason: r, rule, if_applies, otherwise } => i.t_args(
            "expl-uncertain",
            &[
                ("reason", reason(i, r).into()),
                ("rule", (*rule).into()),
                ("if_applies", if_applies.get(i.code()).into()),
                ("otherwise", explanation(i, otherwise).into()),
            ],
        ),
        Explanation::Revoked { on: Some(on) } => i.t_args("expl-revoked-on", &[("on", ltr(i, on).into())]),
        Explanation::Revoked { on: None } => i.t("expl-revoked"),
        Explanation::Denied { on: Some(on) } => i.t_args("expl-denied-on", &[("on", ltr(i, on).into())]),
        Explanation::Denied { on: None } => i.t("expl-denied"),
        Explanation::NoPolicy { country } => i.t_args("expl-no-policy", &[("country", ltr(i, country).into())]),
        Explanation::NotInForce { country, on } => i.t_args(
            "expl-not-in-force",
            &[("country", ltr(i, country).into()), ("on", ltr(i, &on.to_string()).into())],
        ),
        Explanation::NoRuleApplies => i.t("expl-no-rule"),
    }
}

fn verdict(i: &I18n, v: Verdict) -> String {
    value(i, "verdict", v.as_str())
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::No => "no",
            Verdict::Unknown => "unknown",
        }
    }
}

fn claim(i: &I18n, c: &ClaimFact) -> String {
    format!("{} {}", ltr(i, &c.country), value(i, "claim-status", c.status))
}

/// A fact the deciding rule read.
pub fn fact(i: &I18n, f: &FactUsed) -> String {
    match f {
        FactUsed::Age { youngest, oldest, born, verdict: v, condition: c } => {
            let age = if youngest == oldest {
                i.t_args("fact-age-one", &[("age", (*youngest).into()), ("born", ltr(i, born).into())])
            } else {
                i.t_args(
                    "fact-age-range",
                    &[("youngest", (*youngest).into()), ("oldest", (*oldest).into()), ("born", ltr(i, born).into())],
                )
            };
            i.t_args(
                "fact-age",
                &[
                    ("age", age.into()),
                    ("verdict", i.t(&format!("fact-is-{}", v.as_str())).into()),
                    ("condition", condition(i, c).into()),
                ],
            )
        }
        FactUsed::Claims { claims } if claims.is_empty() => i.t("fact-claims-none"),
        FactUsed::Claims { claims } => i.t_args(
            "fact-claims",
            &[(
                "claims",
                claims.iter().map(|c| claim(i, c)).collect::<Vec<_>>().join(&i.t("word-list-separator")).into(),
            )],
        ),
        FactUsed::Condition { condition: c, verdict: v } => {
            i.t_args("fact-condition", &[("condition", condition(i, c).into()), ("verdict", verdict(i, *v).into())])
        }
    }
}

/// The same, as methods, for templates: `{{ i18n.explain(r.explanation) }}`.
impl I18n {
    pub fn explain(&self, e: &Explanation) -> String {
        explanation(self, e)
    }

    pub fn fact(&self, f: &FactUsed) -> String {
        fact(self, f)
    }

    pub fn reason(&self, r: &Reason) -> String {
        reason(self, r)
    }

    pub fn rule(&self, r: &Rule) -> String {
        rule(self, r)
    }

    pub fn outcome(&self, o: &Outcome) -> String {
        outcome(self, *o)
    }

    pub fn return_condition(&self, c: &ReturnCondition) -> String {
        return_condition(self, *c)
    }

    /// Left-to-right text (a date, a code) kept whole inside right-to-left text.
    pub fn ltr(&self, s: impl AsRef<str>) -> String {
        ltr(self, s.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::explain::LocalizedText;

    fn en() -> I18n {
        I18n::new(Lang::En)
    }

    fn ar() -> I18n {
        I18n::new(Lang::Ar)
    }

    #[test]
    fn an_uncertain_age_reads_in_english_and_in_arabic() {
        let e = Explanation::Uncertain {
            reason: Reason::AgeUncertain { youngest: 17, oldest: 18, born: "2008".into() },
            rule: 1,
            if_applies: LocalizedText::Plain("Children are received.".into()),
            otherwise: Box::new(Explanation::Rule { rule: 2, text: "Adults are not.".into() }),
        };
        assert_eq!(
            explanation(&en(), &e),
            "age uncertain: 17–18 (born 2008); exact birth date needed. If rule 1 applies: Children are received. \
             Otherwise: Adults are not."
        );
        let arabic = explanation(&ar(), &e);
        assert!(arabic.contains("العمر غير مؤكد") && arabic.contains("\u{2066}2008\u{2069}"), "{arabic}");
    }

    #[test]
    fn a_rule_reads_with_its_conditions_and_authored_text_per_language() {
        let mut texts = std::collections::BTreeMap::new();
        texts.insert("en".to_string(), "Children return.".to_string());
        texts.insert("ar".to_string(), "يعود الأطفال.".to_string());
        let r = Rule {
            when: Condition::All {
                of: vec![Condition::AgeUnder { years: 18 }, Condition::InFacility { any_of: vec!["al-hol".into()] }],
            },
            outcome: Outcome::EligibleWithConditions,
            conditions: vec![ReturnCondition::DnaTest],
            explanation: LocalizedText::ByLanguage(texts),
        };
        assert_eq!(
            rule(&en(), &r),
            "If under 18 and held in al-hol: eligible with conditions (conditions: DNA test) — Children return."
        );
        let arabic = rule(&ar(), &r);
        assert!(arabic.contains("يعود الأطفال.") && arabic.contains("فحص الحمض النووي"), "{arabic}");
    }

    #[test]
    fn no_policy_is_not_dressed_as_an_outcome() {
        let e = Explanation::NoPolicy { country: "MA".into() };
        assert_eq!(explanation(&en(), &e), "no policy recorded for MA");
    }
}
