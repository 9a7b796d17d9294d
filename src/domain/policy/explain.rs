//! Explanations as data: the engine says *why* with a code and the facts behind it, never with a
//! sentence, so that every page renders it in the reader's language (`crate::i18n::words`).
//! A rule's own explanation is authored text, in one language or several.

use super::condition::Condition;
use crate::domain::nationality::ClaimStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The languages a rule's explanation may be written in.
pub const LANGUAGES: &[&str] = &["en", "ar", "ku", "ru", "fr"];

/// Authored text: one string (in English), or a text per language (`{"en": "...", "ar": "..."}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LocalizedText {
    Plain(String),
    ByLanguage(BTreeMap<String, String>),
}

impl LocalizedText {
    /// The text for `lang`, else the English, else any.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            LocalizedText::Plain(s) => s,
            LocalizedText::ByLanguage(m) => {
                m.get(lang).or_else(|| m.get("en")).or_else(|| m.values().next()).map(String::as_str).unwrap_or("")
            }
        }
    }

    /// Every (language, text) pair; a plain text counts as English.
    pub fn texts(&self) -> Vec<(&str, &str)> {
        match self {
            LocalizedText::Plain(s) => vec![("en", s.as_str())],
            LocalizedText::ByLanguage(m) => m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        }
    }
}

impl From<&str> for LocalizedText {
    fn from(s: &str) -> LocalizedText {
        LocalizedText::Plain(s.to_string())
    }
}

/// Why a condition cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// No birth date recorded.
    BirthUnknown,
    /// The threshold falls inside the birth date's range.
    AgeUncertain {
        youngest: i32,
        oldest: i32,
        born: String,
    },
    /// Neither the age on leaving nor the departure date is recorded.
    LeavingAgeUnknown,
    /// The threshold falls inside the possible ages on leaving.
    LeavingAgeUncertain {
        youngest: i32,
        oldest: i32,
    },
    SexUnknown,
    WishUnknown,
    DepartureUnknown,
    /// The departure date's range straddles the rule's date.
    DepartureTooVague,
}

/// Whether a condition held for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Yes,
    No,
    Unknown,
}

/// A claim as a fact a rule read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClaimFact {
    pub country: String,
    pub status: ClaimStatus,
}

/// A fact the deciding rule read, with what it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FactUsed {
    /// An age test: the possible ages, the birth date, and whether the condition held.
    Age {
        youngest: i32,
        oldest: i32,
        born: String,
        verdict: Verdict,
        #[schema(value_type = Object)]
        condition: Condition,
    },
    /// The person's nationality claims.
    Claims { claims: Vec<ClaimFact> },
    /// Any other condition and whether it held.
    Condition {
        #[schema(value_type = Object)]
        condition: Condition,
        verdict: Verdict,
    },
}

/// Why a claim has its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Explanation {
    /// A rule decided (1-based number); its authored explanation.
    Rule { rule: usize, text: LocalizedText },
    /// A fact the rule needs is not precise enough; the outcome is the worst possible.
    Uncertain {
        reason: Reason,
        rule: usize,
        if_applies: LocalizedText,
        #[schema(value_type = Object)]
        otherwise: Box<Explanation>,
    },
    /// The state took the nationality away (on that date, when known).
    Revoked { on: Option<String> },
    /// The state says the person never held it.
    Denied { on: Option<String> },
    /// No policy of this country is recorded at all.
    NoPolicy { country: String },
    /// The country has policy versions, none in force on that date.
    NotInForce { country: String, on: NaiveDate },
    /// The version in force has no rule for the person (its last rule should be the default).
    NoRuleApplies,
}

impl Explanation {
    /// True when the country has no policy recorded at all (the outcome is then not the
    /// country's answer and pages say so instead of showing "case by case").
    pub fn is_no_policy(&self) -> bool {
        matches!(self, Explanation::NoPolicy { .. })
    }
}
