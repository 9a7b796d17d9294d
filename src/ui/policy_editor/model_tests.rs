//! The editor's form model: stored rules survive the form unchanged, typed values are kept,
//! and messages are keyed by the validation's paths.

use super::*;
use crate::ui::policy_editor::editor::{Action, Editor};

fn rules() -> Vec<Rule> {
    serde_json::from_value(serde_json::json!([
        {"when": {"type": "all", "of": [
            {"type": "sex", "is": "female"},
            {"type": "not", "of": {"type": "in_facility", "any_of": ["al-hol", "roj"]}},
            {"type": "any", "of": [{"type": "wish_in", "any_of": ["go_home"]}, {"type": "left_home_before", "date": "2017-11-01"}]},
            {"type": "facility_authority_in", "any_of": ["Syrian government", "SDF (Syrian Democratic Forces)"]}
        ]}, "outcome": "eligible_with_conditions", "conditions": ["dna_test"],
         "explanation": {"en": "Mothers.", "ar": "الأمهات."}},
        {"when": {"type": "always"}, "outcome": "not_eligible", "explanation": "Others."}
    ]))
    .expect("rules")
}

/// The form's fields as a browser would post them, from the typed state.
fn post(rules: &[RuleForm]) -> Body {
    fn cond(c: &CondForm, p: &str, out: &mut Vec<(String, String)>) {
        out.push((format!("{p}.type"), c.kind.as_str().into()));
        out.push((format!("{p}.was"), c.kind.as_str().into()));
        out.push((format!("{p}.years"), c.years.clone()));
        out.push((format!("{p}.is"), c.sex.clone()));
        out.push((format!("{p}.date"), c.date.clone()));
        out.push((format!("{p}.authorities"), c.authorities.clone()));
        for v in &c.picked {
            out.push((format!("{p}.pick.{v}"), "on".into()));
        }
        for (k, sub) in c.of.iter().enumerate() {
            let name = if c.kind == Kind::Not { format!("{p}.of") } else { format!("{p}.of[{k}]") };
            cond(sub, &name, out);
        }
    }
    let mut out = vec![];
    for (i, r) in rules.iter().enumerate() {
        cond(&r.when, &format!("rules[{i}].when"), &mut out);
        out.push((format!("rules[{i}].outcome"), r.outcome.clone()));
        for c in &r.conditions {
            out.push((format!("rules[{i}].conditions.{c}"), "on".into()));
        }
        for (l, t) in &r.texts {
            out.push((format!("rules[{i}].explanation.{l}"), t.clone()));
        }
    }
    Body::of_str(&serde_urlencoded::to_string(&out).expect("encoded"))
}

fn parse_all(b: &Body) -> Vec<RuleForm> {
    b.indices("rules").into_iter().map(|i| RuleForm::parse(b, i)).collect()
}

#[test]
fn stored_rules_come_back_unchanged_through_the_form() {
    let forms: Vec<RuleForm> = rules().iter().map(RuleForm::of).collect();
    let again = parse_all(&post(&forms));
    assert_eq!(again, forms);
    let (read, errors) = check(&again);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(read.into_iter().flatten().collect::<Vec<_>>(), rules());
}

#[test]
fn a_bad_value_is_kept_and_its_message_is_keyed_by_its_path() {
    let mut forms: Vec<RuleForm> = rules().iter().map(RuleForm::of).collect();
    forms.insert(0, RuleForm { texts: [("en".into(), "Young.".into())].into(), ..RuleForm::starter() });
    forms[0].when = CondForm {
        kind: Kind::All,
        of: vec![CondForm { years: "0".into(), ..CondForm::starter() }],
        ..CondForm::new(Kind::All)
    };
    forms[1].when.of[0].sex = String::new();
    let again = parse_all(&post(&forms));
    assert_eq!(again[0].when.of[0].years, "0", "what was typed is kept");
    let (read, errors) = check(&again);
    assert_eq!(errors["rules[0].when.of[0].years"], vec!["must be between 1 and 120"]);
    assert_eq!(errors["rules[1].when.of[0].is"], vec![REQUIRED]);
    assert!(read[0].is_some() && read[1].is_none() && read[2].is_some());
    assert_eq!(errors.len(), 2, "stand-ins add no messages of their own: {errors:?}");
}

#[test]
fn changing_a_simple_condition_into_a_group_keeps_it_inside() {
    let b = Body::of_str(
        "rules[0].when.type=any&rules[0].when.was=age_under&rules[0].when.years=12&rules[0].outcome=eligible",
    );
    let r = RuleForm::parse(&b, 0);
    assert_eq!(r.when.kind, Kind::Any);
    assert_eq!(r.when.of, vec![CondForm { years: "12".into(), ..CondForm::new(Kind::AgeUnder) }]);
    let b = Body::of_str("rules[0].when.type=in_facility&rules[0].when.was=wish_in&rules[0].when.pick.go_home=on");
    assert!(RuleForm::parse(&b, 0).when.picked.is_empty(), "ticks of another kind are dropped");
}

#[test]
fn buttons_add_move_and_remove_rules_and_sub_conditions() {
    let mut ed = Editor {
        summary: String::new(),
        source: String::new(),
        source_url: String::new(),
        note: String::new(),
        version: "1".into(),
        rules: rules().iter().map(RuleForm::of).collect(),
        json: String::new(),
    };
    ed.apply(&Action::parse("add-rule"));
    assert_eq!(ed.rules.len(), 3);
    assert_eq!(ed.rules[2].when.kind, Kind::Always, "the default stays last");
    assert_eq!(ed.rules[1].when.kind, Kind::AgeUnder);
    ed.apply(&Action::parse("move-up:1"));
    assert_eq!(ed.rules[0].when.kind, Kind::AgeUnder);
    ed.apply(&Action::parse("add-condition:rules[1].when.of[2]"));
    assert_eq!(ed.rules[1].when.of[2].of.len(), 3);
    ed.apply(&Action::parse("remove-condition:rules[1].when.of[1].of"));
    assert!(ed.rules[1].when.of[1].of.is_empty(), "not's only sub-condition is removed");
    ed.apply(&Action::parse("add-condition:rules[1].when.of[1]"));
    assert_eq!(ed.rules[1].when.of[1].of.len(), 1);
    ed.apply(&Action::parse("add-condition:rules[1].when.of[1]"));
    assert_eq!(ed.rules[1].when.of[1].of.len(), 1, "not takes one sub-condition");
    ed.apply(&Action::parse("remove-condition:rules[1].when.of[0]"));
    assert_eq!(ed.rules[1].when.of.len(), 3);
    ed.apply(&Action::parse("remove-rule:0"));
    ed.apply(&Action::parse("move-down:9"));
    ed.apply(&Action::parse("remove-condition:nonsense"));
    assert_eq!(ed.rules.len(), 2);
}

#[test]
fn every_problem_of_a_rule_is_reported_at_once() {
    let b = Body::of_str(
        "rules[0].when.type=all&rules[0].when.of[0].type=age_under&rules[0].when.of[0].years=\
         &rules[0].when.of[1].type=in_facility&rules[0].outcome=maybe&rules[0].explanation.en=",
    );
    let (read, errors) = check(&[RuleForm::parse(&b, 0)]);
    assert_eq!(read, vec![None]);
    let paths: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        vec![
            "rules[0].explanation",
            "rules[0].outcome",
            "rules[0].when",
            "rules[0].when.of[0].years",
            "rules[0].when.of[1].any_of"
        ],
        "the missing years, the facility list, the outcome, the text and the missing default: {errors:?}"
    );
}
