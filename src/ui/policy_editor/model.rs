//! The rule editor's form, as typed: every value is kept as text (a year field may hold "" or
//! "0"), so that a refused save shows exactly what was typed. Input names are the validation's
//! paths (`rules[2].when.of[0].years`), so `check_rules`'s messages land on the field they
//! concern without a translation table. Converting to domain rules collects what is wrong.

use super::body::Body;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{Sex, Wish};
use crate::domain::policy::explain::LANGUAGES;
use crate::domain::policy::validate::check_rules;
use crate::domain::policy::{Condition, LocalizedText, Outcome, ReturnCondition, Rule};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Messages by field path, as `check_rules` keys them.
pub type Errors = BTreeMap<String, Vec<String>>;

/// How deeply conditions may nest in the form (deeper ones are not read).
pub const MAX_DEPTH: usize = 6;

/// The kinds of condition the type select offers (the `type` of `Condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Always,
    All,
    Any,
    Not,
    AgeUnder,
    AgeAtLeast,
    LeftHomeAgeUnder,
    Sex,
    HasChildUnder18InCustody,
    AccompaniedByParentInCustody,
    OrphanOrUnaccompanied,
    ClaimStatusIn,
    HoldsOnlyThisNationality,
    WishIn,
    LeftHomeBefore,
    LeftHomeAfter,
    InFacility,
    FacilityAuthorityIn,
}
crate::string_enum!(Kind { Always => "always", All => "all", Any => "any", Not => "not", AgeUnder => "age_under", AgeAtLeast => "age_at_least", LeftHomeAgeUnder => "left_home_age_under", Sex => "sex", HasChildUnder18InCustody => "has_child_under18_in_custody", AccompaniedByParentInCustody => "accompanied_by_parent_in_custody", OrphanOrUnaccompanied => "orphan_or_unaccompanied", ClaimStatusIn => "claim_status_in", HoldsOnlyThisNationality => "holds_only_this_nationality", WishIn => "wish_in", LeftHomeBefore => "left_home_before", LeftHomeAfter => "left_home_after", InFacility => "in_facility", FacilityAuthorityIn => "facility_authority_in" });

impl Kind {
    /// `all`, `any` and `not` hold sub-conditions.
    pub fn is_group(self) -> bool {
        matches!(self, Kind::All | Kind::Any | Kind::Not)
    }

    /// The kinds with a number of years.
    pub fn has_years(self) -> bool {
        matches!(self, Kind::AgeUnder | Kind::AgeAtLeast | Kind::LeftHomeAgeUnder)
    }

    /// The kinds with a date.
    pub fn has_date(self) -> bool {
        matches!(self, Kind::LeftHomeBefore | Kind::LeftHomeAfter)
    }

    /// The kinds whose values are ticked in a list (statuses, wishes, facility codes).
    pub fn has_picks(self) -> bool {
        matches!(self, Kind::ClaimStatusIn | Kind::WishIn | Kind::InFacility)
    }
}

/// One condition as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondForm {
    pub kind: Kind,
    pub years: String,
    pub sex: String,
    /// Ticked statuses, wishes or facility codes.
    pub picked: BTreeSet<String>,
    /// Authority names, one per line.
    pub authorities: String,
    pub date: String,
    /// Sub-conditions (`not` has at most one).
    pub of: Vec<CondForm>,
}

impl CondForm {
    /// A condition of a kind with empty fields.
    pub fn new(kind: Kind) -> CondForm {
        CondForm {
            kind,
            years: String::new(),
            sex: String::new(),
            picked: BTreeSet::new(),
            authorities: String::new(),
            date: String::new(),
            of: vec![],
        }
    }

    /// What "add a sub-condition" and "add a rule" start from: under 18, to be changed.
    pub fn starter() -> CondForm {
        CondForm { years: "18".into(), ..CondForm::new(Kind::AgeUnder) }
    }

    /// The form of a stored condition.
    pub fn of(c: &Condition) -> CondForm {
        let mut f = CondForm::new(Kind::Always);
        let set = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
        match c {
            Condition::Always => {}
            Condition::All { of } => (f.kind, f.of) = (Kind::All, of.iter().map(CondForm::of).collect()),
            Condition::Any { of } => (f.kind, f.of) = (Kind::Any, of.iter().map(CondForm::of).collect()),
            Condition::Not { of } => (f.kind, f.of) = (Kind::Not, vec![CondForm::of(of)]),
            Condition::AgeUnder { years } => (f.kind, f.years) = (Kind::AgeUnder, years.to_string()),
            Condition::AgeAtLeast { years } => (f.kind, f.years) = (Kind::AgeAtLeast, years.to_string()),
            Condition::LeftHomeAgeUnder { years } => (f.kind, f.years) = (Kind::LeftHomeAgeUnder, years.to_string()),
            Condition::Sex { is } => (f.kind, f.sex) = (Kind::Sex, is.as_str().to_string()),
            Condition::HasChildUnder18InCustody => f.kind = Kind::HasChildUnder18InCustody,
            Condition::AccompaniedByParentInCustody => f.kind = Kind::AccompaniedByParentInCustody,
            Condition::OrphanOrUnaccompanied => f.kind = Kind::OrphanOrUnaccompanied,
            Condition::ClaimStatusIn { any_of } => {
                (f.kind, f.picked) = (Kind::ClaimStatusIn, set(any_of.iter().map(|s| s.as_str().to_string()).collect()))
            }
            Condition::HoldsOnlyThisNationality => f.kind = Kind::HoldsOnlyThisNationality,
            Condition::WishIn { any_of } => {
                (f.kind, f.picked) = (Kind::WishIn, set(any_of.iter().map(|w| w.as_str().to_string()).collect()))
            }
            Condition::LeftHomeBefore { date } => (f.kind, f.date) = (Kind::LeftHomeBefore, date.to_string()),
            Condition::LeftHomeAfter { date } => (f.kind, f.date) = (Kind::LeftHomeAfter, date.to_string()),
            Condition::InFacility { any_of } => (f.kind, f.picked) = (Kind::InFacility, set(any_of.clone())),
            Condition::FacilityAuthorityIn { any_of } => {
                (f.kind, f.authorities) = (Kind::FacilityAuthorityIn, any_of.join("\n"))
            }
        }
        f
    }

    /// Reads the condition whose inputs are named `{p}.type`, `{p}.years` ... A type changed
    /// from a simple condition to `all`/`any`/`not` keeps the simple one as its first
    /// sub-condition; a `not` given several sub-conditions negates them all together.
    pub fn parse(b: &Body, p: &str, depth: usize) -> CondForm {
        let kind = b.get(&format!("{p}.type")).parse().unwrap_or(Kind::Always);
        let was = b.get(&format!("{p}.was")).parse::<Kind>().ok();
        let picked = b.picked(&format!("{p}.pick"));
        let mut c = CondForm {
            kind,
            years: b.get(&format!("{p}.years")).trim().to_string(),
            sex: b.get(&format!("{p}.is")).to_string(),
            // Ticked values belong to the kind they were shown for.
            picked: if was.is_some_and(|w| w != kind) { BTreeSet::new() } else { picked.clone() },
            authorities: b.get(&format!("{p}.authorities")).to_string(),
            date: b.get(&format!("{p}.date")).trim().to_string(),
            of: vec![],
        };
        if !kind.is_group() || depth >= MAX_DEPTH {
            return c;
        }
        let mut of: Vec<CondForm> = if b.has(&format!("{p}.of.type")) {
            vec![CondForm::parse(b, &format!("{p}.of"), depth + 1)]
        } else {
            b.indices(&format!("{p}.of"))
                .into_iter()
                .map(|k| CondForm::parse(b, &format!("{p}.of[{k}]"), depth + 1))
                .collect()
        };
        if let Some(w) = was.filter(|w| of.is_empty() && !w.is_group() && *w != Kind::Always) {
            of.push(CondForm { kind: w, picked, of: vec![], ..c.clone() });
        }
        if kind == Kind::Not && of.len() > 1 {
            of = vec![CondForm { of, ..CondForm::new(Kind::All) }];
        }
        c.of = of;
        c
    }

    /// The domain condition, with the messages of what cannot be read (under `p`'s paths).
    /// A field that cannot be read is replaced by a harmless stand-in, so that the rest of the
    /// rule can still be checked; `ok` is false then, and the condition is only for checking.
    pub fn convert(&self, p: &str, errors: &mut Errors) -> (Condition, bool) {
        let mut ok = true;
        let mut fail = |field: &str, m: &str| {
            errors.entry(format!("{p}.{field}")).or_default().push(m.to_string());
            ok = false;
        };
        let c = match self.kind {
            Kind::Always => Condition::Always,
            Kind::All | Kind::Any => {
                let (of, read) = self.children(p, errors);
                ok &= read;
                if self.kind == Kind::All {
                    Condition::All { of }
                } else {
                    Condition::Any { of }
                }
            }
            Kind::Not => match self.of.first() {
                None => {
                    fail("of", NOT_EMPTY);
                    Condition::Not { of: Box::new(Condition::Always) }
                }
                Some(inner) => {
                    let (inner, read) = inner.convert(&format!("{p}.of"), errors);
                    ok &= read;
                    Condition::Not { of: Box::new(inner) }
                }
            },
            Kind::AgeUnder | Kind::AgeAtLeast | Kind::LeftHomeAgeUnder => {
                let years = match self.years.parse::<u32>() {
                    Ok(y) => y,
                    Err(_) => {
                        fail("years", if self.years.is_empty() { REQUIRED } else { NOT_A_NUMBER });
                        18
                    }
                };
                match self.kind {
                    Kind::AgeUnder => Condition::AgeUnder { years },
                    Kind::AgeAtLeast => Condition::AgeAtLeast { years },
                    _ => Condition::LeftHomeAgeUnder { years },
                }
            }
            Kind::Sex => Condition::Sex {
                is: self.sex.parse::<Sex>().unwrap_or_else(|_| {
                    fail("is", REQUIRED);
                    Sex::Unknown
                }),
            },
            Kind::HasChildUnder18InCustody => Condition::HasChildUnder18InCustody,
            Kind::AccompaniedByParentInCustody => Condition::AccompaniedByParentInCustody,
            Kind::OrphanOrUnaccompanied => Condition::OrphanOrUnaccompanied,
            Kind::HoldsOnlyThisNationality => Condition::HoldsOnlyThisNationality,
            Kind::ClaimStatusIn => {
                let (any_of, bad) = parse_all::<ClaimStatus>(&self.picked);
                if bad {
                    fail("any_of", NOT_A_CHOICE);
                }
                Condition::ClaimStatusIn { any_of }
            }
            Kind::WishIn => {
                let (any_of, bad) = parse_all::<Wish>(&self.picked);
                if bad {
                    fail("any_of", NOT_A_CHOICE);
                }
                Condition::WishIn { any_of }
            }
            Kind::InFacility => Condition::InFacility { any_of: self.picked.iter().cloned().collect() },
            Kind::FacilityAuthorityIn => Condition::FacilityAuthorityIn {
                any_of: self.authorities.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
            },
            Kind::LeftHomeBefore | Kind::LeftHomeAfter => {
                let date = NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").unwrap_or_else(|_| {
                    fail("date", if self.date.is_empty() { REQUIRED } else { NOT_A_DATE });
                    NaiveDate::MIN
                });
                if self.kind == Kind::LeftHomeBefore {
                    Condition::LeftHomeBefore { date }
                } else {
                    Condition::LeftHomeAfter { date }
                }
            }
        };
        (c, ok)
    }

    fn children(&self, p: &str, errors: &mut Errors) -> (Vec<Condition>, bool) {
        let mut ok = true;
        let of = self
            .of
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let (c, read) = c.convert(&format!("{p}.of[{k}]"), errors);
                ok &= read;
                c
            })
            .collect();
        (of, ok)
    }
}

/// The values that parse, and whether some did not.
fn parse_all<T: std::str::FromStr>(values: &BTreeSet<String>) -> (Vec<T>, bool) {
    let parsed: Vec<T> = values.iter().filter_map(|v| v.parse().ok()).collect();
    let bad = parsed.len() != values.len();
    (parsed, bad)
}

// Messages of the form's own checks (English, like the services'; the pages translate them).
pub const REQUIRED: &str = "is required";
pub const NOT_A_NUMBER: &str = "must be a whole number";
pub const NOT_A_DATE: &str = "must be a date (YYYY-MM-DD)";
pub const NOT_A_CHOICE: &str = "must be one of the choices";
pub const NOT_EMPTY: &str = "must name the condition to negate";

/// One rule as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleForm {
    pub when: CondForm,
    pub outcome: String,
    /// Ticked return conditions (read only for `eligible_with_conditions`).
    pub conditions: BTreeSet<String>,
    /// Explanation per language code (English, Arabic, and any other already written).
    pub texts: BTreeMap<String, String>,
}

impl RuleForm {
    /// A new rule, inserted before the default.
    pub fn starter() -> RuleForm {
        RuleForm {
            when: CondForm::starter(),
            outcome: Outcome::CaseByCase.as_str().into(),
            conditions: BTreeSet::new(),
            texts: BTreeMap::new(),
        }
    }

    pub fn of(r: &Rule) -> RuleForm {
        RuleForm {
            when: CondForm::of(&r.when),
            outcome: r.outcome.as_str().into(),
            conditions: r.conditions.iter().map(|c| c.as_str().to_string()).collect(),
            texts: r.explanation.texts().into_iter().map(|(l, t)| (l.to_string(), t.to_string())).collect(),
        }
    }

    pub fn parse(b: &Body, i: usize) -> RuleForm {
        let p = format!("rules[{i}]");
        let texts = LANGUAGES
            .iter()
            .filter_map(|l| {
                let name = format!("{p}.explanation.{l}");
                b.has(&name).then(|| (l.to_string(), b.get(&name).to_string()))
            })
            .collect();
        RuleForm {
            when: CondForm::parse(b, &format!("{p}.when"), 0),
            outcome: b.get(&format!("{p}.outcome")).to_string(),
            conditions: b.picked(&format!("{p}.conditions")),
            texts,
        }
    }

    /// The explanation as stored: one English text, or a text per language.
    fn explanation(&self) -> LocalizedText {
        let written: BTreeMap<String, String> =
            self.texts.iter().map(|(l, t)| (l.clone(), t.trim().to_string())).filter(|(_, t)| !t.is_empty()).collect();
        match (written.len(), written.get("en")) {
            (0, _) => LocalizedText::Plain(String::new()),
            (1, Some(en)) => LocalizedText::Plain(en.clone()),
            _ => LocalizedText::ByLanguage(written),
        }
    }

    /// The domain rule and whether it was read as typed (see `CondForm::convert`).
    pub fn convert(&self, i: usize, errors: &mut Errors) -> (Rule, bool) {
        let p = format!("rules[{i}]");
        let (when, mut ok) = self.when.convert(&format!("{p}.when"), errors);
        let mut fail = |field: &str| {
            errors.entry(format!("{p}.{field}")).or_default().push(NOT_A_CHOICE.into());
            ok = false;
        };
        let outcome = self.outcome.parse::<Outcome>().unwrap_or_else(|_| {
            fail("outcome");
            Outcome::CaseByCase
        });
        // Return conditions count only with the outcome that has them (the boxes stay shown).
        let conditions = if outcome == Outcome::EligibleWithConditions {
            let (c, bad) = parse_all::<ReturnCondition>(&self.conditions);
            if bad {
                fail("conditions");
            }
            c
        } else {
            vec![]
        };
        (Rule { when, outcome, conditions, explanation: self.explanation() }, ok)
    }
}

/// Converts every rule and checks the list: the rules as typed (in place, `None` where a field
/// could not be read), and every message by path: the form's own and `check_rules`'s, which
/// sees stand-ins for the unreadable fields, so that all the problems show at once.
pub fn check(rules: &[RuleForm]) -> (Vec<Option<Rule>>, Errors) {
    let mut errors = Errors::new();
    let converted: Vec<(Rule, bool)> = rules.iter().enumerate().map(|(i, r)| r.convert(i, &mut errors)).collect();
    let whole: Vec<Rule> = converted.iter().map(|(r, _)| r.clone()).collect();
    for (path, messages) in check_rules(&whole) {
        // A field with its own message already says what is wrong with it.
        errors.entry(path).or_insert(messages);
    }
    (converted.into_iter().map(|(r, ok)| ok.then_some(r)).collect(), errors)
}

/// The rule a path is about: `rules[2].when` → 2.
pub fn rule_index(path: &str) -> Option<usize> {
    path.strip_prefix("rules[")?.split_once(']')?.0.parse().ok()
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
