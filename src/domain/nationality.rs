//! Nationality claims and statelessness. A claim is never deleted: it is verified, denied or
//! revoked with a date, and a person whose claims are all gone becomes stateless.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Asserted by the person or family, not yet examined.
    Claimed,
    /// Examined but not confirmed by the state.
    Unverified,
    /// Confirmed by the state (passport, registry, embassy).
    Verified,
    /// The state says the person never held it.
    Denied,
    /// The state took it away (e.g. UK deprivation under s.40(2) BNA 1981).
    Revoked,
}

/// How the nationality was acquired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimBasis {
    Birth,
    Descent,
    Marriage,
    Naturalisation,
    Unknown,
}

crate::string_enum!(ClaimStatus { Claimed => "claimed", Unverified => "unverified", Verified => "verified", Denied => "denied", Revoked => "revoked" });
crate::string_enum!(ClaimBasis { Birth => "birth", Descent => "descent", Marriage => "marriage", Naturalisation => "naturalisation", Unknown => "unknown" });

impl ClaimStatus {
    /// The statuses that are still a route home.
    pub const LIVE: &'static [ClaimStatus] = &[ClaimStatus::Claimed, ClaimStatus::Unverified, ClaimStatus::Verified];

    /// Still a route home (not denied, not revoked).
    pub fn is_live(self) -> bool {
        matches!(self, ClaimStatus::Claimed | ClaimStatus::Unverified | ClaimStatus::Verified)
    }

    /// Live but not confirmed.
    pub fn is_disputed(self) -> bool {
        matches!(self, ClaimStatus::Claimed | ClaimStatus::Unverified)
    }
}

/// A person's standing across all their claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Standing {
    /// No live claim: no state recognises the person as its national.
    pub stateless: bool,
    /// Stateless, or the only live claim is disputed, or every claim was denied or revoked.
    pub at_risk_of_statelessness: bool,
}

/// Derives the standing from the statuses of all of a person's claims.
pub fn standing(statuses: &[ClaimStatus]) -> Standing {
    let live: Vec<_> = statuses.iter().filter(|s| s.is_live()).collect();
    let stateless = live.is_empty();
    let only_live_disputed = live.len() == 1 && live[0].is_disputed();
    Standing { stateless, at_risk_of_statelessness: stateless || only_live_disputed }
}

#[cfg(test)]
mod tests {
    use super::ClaimStatus::*;
    use super::*;

    #[test]
    fn a_verified_claim_is_secure() {
        assert_eq!(standing(&[Verified]), Standing { stateless: false, at_risk_of_statelessness: false });
    }

    #[test]
    fn a_single_disputed_claim_is_at_risk_but_not_stateless() {
        assert_eq!(standing(&[Claimed]), Standing { stateless: false, at_risk_of_statelessness: true });
        assert_eq!(standing(&[Unverified, Denied]), Standing { stateless: false, at_risk_of_statelessness: true });
    }

    #[test]
    fn a_revoked_only_nationality_leaves_the_person_stateless() {
        assert_eq!(standing(&[Revoked]), Standing { stateless: true, at_risk_of_statelessness: true });
        assert_eq!(standing(&[Revoked, Denied]), Standing { stateless: true, at_risk_of_statelessness: true });
    }

    #[test]
    fn a_dual_national_losing_one_claim_keeps_the_other() {
        assert_eq!(standing(&[Revoked, Verified]), Standing { stateless: false, at_risk_of_statelessness: false });
        assert!(!standing(&[Claimed, Unverified]).stateless);
        assert!(!standing(&[Claimed, Unverified]).at_risk_of_statelessness);
    }
}
