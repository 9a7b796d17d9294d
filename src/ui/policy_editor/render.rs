//! The editor as the template draws it: each rule a block whose condition tree is flattened
//! into rows (a group opens, its sub-conditions follow, it closes with its "add" button), the
//! plain-language preview of what was typed, and each message on the field it concerns (the
//! words of the messages and of their places are in `words`).

use super::model::{Errors, Kind, RuleForm};
use super::words::fid;
use super::words::message;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{Sex, Wish};
use crate::domain::policy::{Outcome, ReturnCondition, Rule};
use crate::i18n::{Arg, I18n};
use crate::ui::forms::Words as _;
use std::collections::BTreeMap;

/// A choice of a select or a box of a list, with whether it is chosen.
#[derive(Debug, Clone)]
pub struct Pick {
    pub value: String,
    pub label: String,
    pub on: bool,
}

/// One row of a rule's condition tree.
#[derive(Debug, Clone)]
pub struct CondRow {
    /// "open" (a group's start), "leaf", or "close" (a group's end, with its add button).
    pub shape: &'static str,
    pub depth: usize,
    /// The prefix of the inputs' names, and the path of its messages.
    pub name: String,
    pub id: String,
    pub legend: String,
    pub kind: &'static str,
    pub years: String,
    pub sex: Vec<Pick>,
    pub picks: Vec<Pick>,
    pub authorities: String,
    pub date: String,
    /// A sub-condition of a group (it has a "remove" button).
    pub removable: bool,
    /// A group that takes another sub-condition.
    pub can_add: bool,
    pub has_years: bool,
    pub has_date: bool,
    pub has_picks: bool,
    pub is_sex: bool,
    pub is_authorities: bool,
    errs: BTreeMap<&'static str, String>,
}

impl CondRow {
    /// The messages of a field of this condition ("" for the condition itself).
    pub fn err(&self, field: &str) -> String {
        self.errs.get(field).cloned().unwrap_or_default()
    }

    pub fn bad(&self, field: &str) -> bool {
        self.errs.contains_key(field)
    }

    /// The input name of a field.
    pub fn n(&self, field: &str) -> String {
        format!("{}.{field}", self.name)
    }

    /// The id of a field's element (the messages' paths use `any_of` for every list).
    pub fn f(&self, field: &str) -> String {
        fid(&format!("{}.{field}", self.name))
    }
}

/// An explanation's text in one language.
#[derive(Debug, Clone)]
pub struct TextField {
    pub lang: String,
    pub label: String,
    pub text: String,
    pub id: String,
    /// English is required (it is shown where no translation exists).
    pub required: bool,
}

/// A rule block.
#[derive(Debug, Clone)]
pub struct RuleView {
    pub index: usize,
    /// 1-based, as the page says it.
    pub number: usize,
    pub name: String,
    pub id: String,
    pub title: String,
    pub outcomes: Vec<Pick>,
    pub retconds: Vec<Pick>,
    pub texts: Vec<TextField>,
    /// The rule in plain language, when what was typed can be read.
    pub words: Option<String>,
    pub rows: Vec<CondRow>,
    pub first: bool,
    pub last: bool,
    /// The anchors to land on after moving it up or down, or removing it.
    pub up_to: String,
    pub down_to: String,
    pub removed_to: String,
    errs: BTreeMap<&'static str, String>,
}

impl RuleView {
    pub fn err(&self, field: &str) -> String {
        self.errs.get(field).cloned().unwrap_or_default()
    }

    pub fn bad(&self, field: &str) -> bool {
        self.errs.contains_key(field)
    }

    pub fn f(&self, field: &str) -> String {
        fid(&format!("{}.{field}", self.name))
    }
}

/// What the views need besides the typed rules.
pub struct Context<'a> {
    pub i18n: &'a I18n,
    pub errors: &'a Errors,
    /// Facility (code, name) for the `in_facility` boxes.
    pub facilities: &'a [(String, String)],
}

impl Context<'_> {
    fn errs(&self, prefix: &str, fields: &[&'static str]) -> BTreeMap<&'static str, String> {
        fields
            .iter()
            .filter_map(|f| {
                let path = if f.is_empty() { prefix.to_string() } else { format!("{prefix}.{f}") };
                self.errors
                    .get(&path)
                    .map(|ms| (*f, ms.iter().map(|m| message(self.i18n, m)).collect::<Vec<_>>().join("; ")))
            })
            .collect()
    }

    fn picks(&self, kind: Kind, picked: &std::collections::BTreeSet<String>) -> Vec<Pick> {
        let i = self.i18n;
        let mut out: Vec<Pick> = match kind {
            Kind::ClaimStatusIn => {
                ClaimStatus::ALL.iter().map(|s| (s.as_str().to_string(), i.tv("claim-status", s))).collect::<Vec<_>>()
            }
            Kind::WishIn => Wish::ALL.iter().map(|w| (w.as_str().to_string(), i.tv("wish", w))).collect(),
            Kind::InFacility => {
                self.facilities.iter().map(|(code, name)| (code.clone(), format!("{name} ({code})"))).collect()
            }
            _ => vec![],
        }
        .into_iter()
        .map(|(value, label)| Pick { on: picked.contains(&value), value, label })
        .collect();
        // A code typed in the JSON that no facility has is kept (and shown) as it is.
        let extras: Vec<Pick> = picked
            .iter()
            .filter(|p| !out.iter().any(|o| &o.value == *p))
            .map(|p| Pick { value: p.clone(), label: p.clone(), on: true })
            .collect();
        out.extend(extras);
        out
    }

    fn rows(&self, c: &super::model::CondForm, name: &str, pos: &[usize], rows: &mut Vec<CondRow>) {
        let i = self.i18n;
        let legend = if pos.is_empty() {
            i.t("pe-condition")
        } else {
            let dotted = pos.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".");
            i.t_args("pe-sub-title", &[("pos", i.ltr(dotted).into())])
        };
        let row = CondRow {
            shape: if c.kind.is_group() { "open" } else { "leaf" },
            depth: pos.len(),
            name: name.to_string(),
            id: fid(name),
            legend,
            kind: c.kind.as_str(),
            years: c.years.clone(),
            sex: Sex::ALL
                .iter()
                .map(|s| Pick { value: s.as_str().into(), label: i.tv("sex", s), on: c.sex == s.as_str() })
                .collect(),
            picks: self.picks(c.kind, &c.picked),
            authorities: c.authorities.clone(),
            date: c.date.clone(),
            removable: !pos.is_empty(),
            can_add: c.kind.is_group()
                && (c.kind != Kind::Not || c.of.is_empty())
                && pos.len() < super::model::MAX_DEPTH,
            has_years: c.kind.has_years(),
            has_date: c.kind.has_date(),
            has_picks: c.kind.has_picks(),
            is_sex: c.kind == Kind::Sex,
            is_authorities: c.kind == Kind::FacilityAuthorityIn,
            errs: self.errs(name, &["", "years", "is", "any_of", "date", "of"]),
        };
        rows.push(row.clone());
        if c.kind.is_group() {
            for (k, sub) in c.of.iter().enumerate() {
                let sub_name = if c.kind == Kind::Not { format!("{name}.of") } else { format!("{name}.of[{k}]") };
                let mut sub_pos = pos.to_vec();
                sub_pos.push(k + 1);
                self.rows(sub, &sub_name, &sub_pos, rows);
            }
            rows.push(CondRow { shape: "close", ..row });
        }
    }

    /// The blocks of the typed rules, with the preview of those that can be read.
    pub fn rules(&self, rules: &[RuleForm], read: &[Option<Rule>]) -> Vec<RuleView> {
        let i = self.i18n;
        let n = rules.len();
        rules
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let name = format!("rules[{k}]");
                let mut rows = vec![];
                self.rows(&r.when, &format!("{name}.when"), &[], &mut rows);
                let mut texts = vec![];
                for lang in crate::domain::policy::explain::LANGUAGES {
                    let shown = matches!(*lang, "en" | "ar") || r.texts.get(*lang).is_some_and(|t| !t.is_empty());
                    if shown {
                        let label =
                            i.t_args("pe-explanation-in", &[("lang", Arg::from(i.t(&format!("pe-lang-{lang}"))))]);
                        let id = if *lang == "en" {
                            fid(&format!("{name}.explanation"))
                        } else {
                            fid(&format!("{name}.explanation.{lang}"))
                        };
                        let text = r.texts.get(*lang).cloned().unwrap_or_default();
                        texts.push(TextField { lang: lang.to_string(), label, text, id, required: *lang == "en" });
                    }
                }
                RuleView {
                    index: k,
                    number: k + 1,
                    id: format!("rule-{k}"),
                    title: i.t_args("pe-rule-title", &[("n", (k + 1).into())]),
                    outcomes: Outcome::ALL
                        .iter()
                        .filter(|o| **o != Outcome::NoRoute)
                        .map(|o| Pick { value: o.as_str().into(), label: i.outcome(o), on: r.outcome == o.as_str() })
                        .collect(),
                    retconds: ReturnCondition::ALL
                        .iter()
                        .map(|c| Pick {
                            value: c.as_str().into(),
                            label: i.return_condition(c),
                            on: r.conditions.contains(c.as_str()),
                        })
                        .collect(),
                    texts,
                    words: read.get(k).cloned().flatten().map(|rule| i.rule(&rule)),
                    rows,
                    first: k == 0,
                    last: k + 1 == n,
                    up_to: format!("rule-{}", k.saturating_sub(1)),
                    down_to: format!("rule-{}", (k + 1).min(n.saturating_sub(1))),
                    removed_to: format!("rule-{}", k.min(n.saturating_sub(2))),
                    errs: self.errs(&name, &["outcome", "conditions", "explanation"]),
                    name,
                }
            })
            .collect()
    }
}

/// The condition types for the select, in the order a reader thinks of them.
pub fn kinds(i18n: &I18n) -> Vec<Pick> {
    Kind::ALL
        .iter()
        .map(|k| Pick { value: k.as_str().into(), label: i18n.t(&format!("pe-kind-{k}")), on: false })
        .collect()
}
