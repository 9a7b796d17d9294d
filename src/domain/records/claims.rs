//! Other names, nationality claims and custody events, as sent and as checked.

use super::{field, Patch};
use crate::domain::country::CountryCode;
use crate::domain::custody::CustodyKind;
use crate::domain::ids::FacilityId;
use crate::domain::names::detect_script;
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::partial_date::{PartialDate, RawPartialDate};
use crate::domain::person::{NameKind, Script};
use crate::domain::problems::Problems;
use crate::domain::text::{check_name, check_short};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Another name of a person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NameInput {
    pub kind: NameKind,
    /// Detected from the name when absent.
    pub script: Option<Script>,
    pub name: String,
}

/// Another name, checked (NFC, nothing hidden), with its script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameFacts {
    pub kind: NameKind,
    pub script: Script,
    pub name: String,
}

impl NameInput {
    pub fn parse(self, prefix: &str) -> Result<NameFacts, Problems> {
        let mut p = Problems::new();
        let name = p.take(field(prefix, "name"), check_name(&self.name));
        p.or(|| {
            let name = name?;
            Some(NameFacts { kind: self.kind, script: self.script.unwrap_or_else(|| detect_script(&name)), name })
        })
    }
}

/// A nationality claim as sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClaimInput {
    /// ISO 3166-1 alpha-2 (from the seeded list).
    pub country: String,
    pub status: ClaimStatus,
    pub basis: Option<ClaimBasis>,
    /// When the claim was denied or revoked: a day, a month or a year (`"2019-02-19"`).
    pub decision_date: Option<RawPartialDate>,
    #[serde(default)]
    pub legal_note: String,
    #[serde(default)]
    pub source: String,
}

/// A claim, checked. A denied or revoked claim has its decision date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFacts {
    pub country: CountryCode,
    pub status: ClaimStatus,
    pub basis: Option<ClaimBasis>,
    pub decision: Option<PartialDate>,
    pub legal_note: String,
    pub source: String,
}

impl ClaimInput {
    pub fn parse(self, prefix: &str, today: NaiveDate) -> Result<ClaimFacts, Problems> {
        let f = |name: &str| field(prefix, name);
        let mut p = Problems::new();
        let country = p.take(f("country"), CountryCode::parse(&self.country));
        let decision = match &self.decision_date {
            Some(d) => p.take(f("decision_date"), d.check().and_then(|d| d.check_not_future(today))).map(Some),
            None => Some(None),
        };
        if matches!(self.status, ClaimStatus::Revoked | ClaimStatus::Denied) && self.decision_date.is_none() {
            p.add(f("decision_date"), "is required when a claim is denied or revoked");
        }
        let legal_note = p.take(f("legal_note"), check_short(&self.legal_note));
        let source = p.take(f("source"), check_short(&self.source));
        p.or(|| {
            Some(ClaimFacts {
                country: country?,
                status: self.status,
                basis: self.basis,
                decision: decision?,
                legal_note: legal_note?,
                source: source?,
            })
        })
    }
}

/// A partial change of a claim: only the fields sent change (`null` clears the basis, the
/// decision date, the legal note or the source), then the whole claim is checked again.
/// `country` may be sent, but only as the claim's own: a claim's country never changes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ClaimPatch {
    pub country: Option<String>,
    pub status: Option<ClaimStatus>,
    /// `null` makes it `unknown`.
    #[serde(default)]
    #[schema(value_type = Option<ClaimBasis>)]
    pub basis: Patch<ClaimBasis>,
    #[serde(default)]
    #[schema(value_type = Option<RawPartialDate>)]
    pub decision_date: Patch<RawPartialDate>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub legal_note: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub source: Patch<String>,
}

impl ClaimPatch {
    /// A patch from a form that sends every field: an empty field clears its value, except the
    /// basis, which a form left unchosen keeps (as it always has).
    pub fn replace_with(i: ClaimInput) -> ClaimPatch {
        ClaimPatch {
            country: Some(i.country),
            status: Some(i.status),
            basis: i.basis.map_or(Patch::Missing, Patch::Value),
            decision_date: Patch::from(i.decision_date),
            legal_note: Patch::Value(i.legal_note),
            source: Patch::Value(i.source),
        }
    }

    /// The claim after the patch, as an input to check; `current` is the stored claim.
    pub fn apply(self, current: ClaimInput) -> ClaimInput {
        ClaimInput {
            country: self.country.unwrap_or(current.country),
            status: self.status.unwrap_or(current.status),
            basis: match self.basis {
                Patch::Null => Some(ClaimBasis::Unknown),
                other => other.apply(current.basis),
            },
            decision_date: self.decision_date.apply(current.decision_date),
            legal_note: self.legal_note.apply(Some(current.legal_note)).unwrap_or_default(),
            source: self.source.apply(Some(current.source)).unwrap_or_default(),
        }
    }
}

/// A custody event as sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustodyInput {
    pub kind: CustodyKind,
    /// Required for admitted, transferred and recaptured.
    pub facility_id: Option<String>,
    pub date: RawPartialDate,
    #[serde(default)]
    pub note: String,
}

/// A custody event, checked: a facility when the kind needs one (and none otherwise), a date
/// not in the future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyFacts {
    pub kind: CustodyKind,
    pub facility: Option<FacilityId>,
    pub date: PartialDate,
    pub note: String,
}

impl CustodyInput {
    /// (An event before the person's birth is a plausibility warning, not a problem: see
    /// `plausibility::check_event`.)
    pub fn parse(self, prefix: &str, today: NaiveDate) -> Result<CustodyFacts, Problems> {
        let f = |name: &str| field(prefix, name);
        let mut p = Problems::new();
        let facility = match (self.kind.needs_facility(), self.facility_id.as_deref().filter(|s| !s.is_empty())) {
            (true, None) => {
                p.add(f("facility_id"), format!("is required for `{}`", self.kind));
                None
            }
            (true, Some(id)) => {
                p.take(f("facility_id"), FacilityId::parse(id).map_err(|_| "is not a known facility".into())).map(Some)
            }
            (false, _) => Some(None),
        };
        let date = p.take(f("date"), self.date.check().and_then(|d| d.check_not_future(today)));
        let note = p.take(f("note"), check_short(&self.note));
        p.or(|| Some(CustodyFacts { kind: self.kind, facility: facility?, date: date?, note: note? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
    }

    #[test]
    fn a_revoked_claim_needs_its_decision_date_and_a_real_country_code() {
        let c = ClaimInput {
            country: "gb".into(),
            status: ClaimStatus::Revoked,
            basis: None,
            decision_date: None,
            legal_note: String::new(),
            source: String::new(),
        };
        let p = c.parse("", today()).expect_err("invalid");
        assert!(p.fields.contains_key("country") && p.fields.contains_key("decision_date"), "{p:?}");
    }

    #[test]
    fn a_claim_patch_keeps_what_it_does_not_send_and_clears_what_it_sends_as_null() {
        let current = ClaimInput {
            country: "GB".into(),
            status: ClaimStatus::Revoked,
            basis: Some(ClaimBasis::Birth),
            decision_date: Some(RawPartialDate::Text("2019-02-19".into())),
            legal_note: "s.40(2) order (fictional)".into(),
            source: "Home Office letter (fictional)".into(),
        };
        let keep: ClaimPatch = serde_json::from_str(r#"{"status": "denied"}"#).expect("json");
        let next = keep.apply(current.clone()).parse("", today()).expect("valid");
        assert_eq!((next.status, next.basis), (ClaimStatus::Denied, Some(ClaimBasis::Birth)));
        assert_eq!(
            (next.legal_note.as_str(), next.source.as_str()),
            (current.legal_note.as_str(), current.source.as_str())
        );
        assert!(next.decision.is_some());
        let clear: ClaimPatch =
            serde_json::from_str(r#"{"status": "verified", "decision_date": null, "source": null, "basis": null}"#)
                .expect("json");
        let next = clear.apply(current).parse("", today()).expect("valid");
        assert_eq!((next.decision, next.source.as_str(), next.basis), (None, "", Some(ClaimBasis::Unknown)));
        assert_eq!(next.legal_note, "s.40(2) order (fictional)");
    }

    #[test]
    fn an_admission_needs_a_facility_and_a_date_not_in_the_future() {
        let c = CustodyInput {
            kind: CustodyKind::Admitted,
            facility_id: None,
            date: PartialDate::new(2027, None, None, 0).expect("date").into(),
            note: String::new(),
        };
        let p = c.parse("custody[0].", today()).expect_err("invalid");
        assert!(p.fields.contains_key("custody[0].facility_id"));
        assert!(p.fields.contains_key("custody[0].date"));
    }

    #[test]
    fn a_name_gets_its_script_detected() {
        let n = NameInput { kind: NameKind::OtherScript, script: None, name: "زينب".into() };
        assert_eq!(n.parse("").expect("valid").script, Script::Arabic);
    }
}
