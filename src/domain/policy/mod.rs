//! Countries' repatriation policies: dated versions holding ordered rules. A rule is a
//! condition, an outcome and a plain-language explanation; the first rule that matches decides
//! and the last rule is the default. Evaluation is honest about partial birth dates: when a
//! threshold falls inside the possible age range, the result says so instead of guessing.

pub mod condition;
pub mod evaluate;
pub mod explain;
pub mod validate;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use condition::{Condition, Facts, Truth};
pub use evaluate::{evaluate_claim, summarise, ClaimResult, PolicyVersion};
pub use explain::{Explanation, FactUsed, LocalizedText, Reason, Verdict};

/// What a country will do for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Ordered from best to worst: `Ord` compares by this order.
    Eligible,
    EligibleWithConditions,
    CaseByCase,
    NotEligible,
    /// No live nationality: this country is no route home.
    NoRoute,
}
crate::string_enum!(Outcome { Eligible => "eligible", EligibleWithConditions => "eligible_with_conditions", CaseByCase => "case_by_case", NotEligible => "not_eligible", NoRoute => "no_route" });

/// Conditions attached to an `eligible_with_conditions` outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnCondition {
    ProsecutionOnReturn,
    DnaTest,
    MothersConsentToSeparation,
    SecurityAssessment,
    RehabilitationProgramme,
}

crate::string_enum!(ReturnCondition { ProsecutionOnReturn => "prosecution_on_return", DnaTest => "dna_test", MothersConsentToSeparation => "mothers_consent_to_separation", SecurityAssessment => "security_assessment", RehabilitationProgramme => "rehabilitation_programme" });

/// One rule of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Rule {
    /// A condition object, e.g. `{"type": "age_under", "years": 18}`, `{"type": "all", "of": [...]}`,
    /// `{"type": "always"}`; see docs/policies.md for the vocabulary.
    #[schema(value_type = Object)]
    pub when: Condition,
    pub outcome: Outcome,
    /// For `eligible_with_conditions`: what the return requires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ReturnCondition>,
    /// Plain language, shown to caseworkers and coordinators: one text, or one per language
    /// (`{"en": "...", "ar": "..."}`).
    pub explanation: LocalizedText,
}

/// Where a policy version stands. Published versions are never edited; a retired one no
/// longer applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyStatus {
    Draft,
    Published,
    Retired,
}
crate::string_enum!(PolicyStatus { Draft => "draft", Published => "published", Retired => "retired" });

/// Why an outcome changes by itself on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// A birthday crosses a threshold of the rules (a child ages out).
    Age,
    /// A version of the policy starts or ends.
    Policy,
}
crate::string_enum!(ChangeReason { Age => "age", Policy => "policy" });

/// Default look-ahead of the aging-out watch, in days.
pub const AGING_WINDOW_DEFAULT: i64 = 180;
/// Longest look-ahead of the aging-out watch, in days (ten years).
pub const AGING_WINDOW_MAX: i64 = 3650;

/// The aging-out look-ahead asked for: 1 to 3650 days, 180 when not given.
pub fn aging_window(days: Option<i64>) -> Result<i64, String> {
    match days.unwrap_or(AGING_WINDOW_DEFAULT) {
        d if (1..=AGING_WINDOW_MAX).contains(&d) => Ok(d),
        _ => Err(format!("must be between 1 and {AGING_WINDOW_MAX}")),
    }
}
