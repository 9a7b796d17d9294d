//! Cases: the repatriation of a family, or some of its members, towards one destination
//! country. The vocabulary (statuses, reasons, consent) lives here; the state machine in
//! [`workflow`]; the priority flags a case carries are derived from the registry (see
//! [`PriorityFlag`]), never typed in; when a case is stuck and how long cases wait, for the
//! per-country backlog, in [`backlog`].

pub mod backlog;
pub mod disclosure;
pub mod workflow;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Intake,
    Documentation,
    Verification,
    ReadyForSubmission,
    Submitted,
    Accepted,
    Rejected,
    HandoverScheduled,
    Repatriated,
    OnHold,
    Withdrawn,
    Closed,
}
crate::string_enum!(CaseStatus {
    Intake => "intake",
    Documentation => "documentation",
    Verification => "verification",
    ReadyForSubmission => "ready_for_submission",
    Submitted => "submitted",
    Accepted => "accepted",
    Rejected => "rejected",
    HandoverScheduled => "handover_scheduled",
    Repatriated => "repatriated",
    OnHold => "on_hold",
    Withdrawn => "withdrawn",
    Closed => "closed",
});

impl CaseStatus {
    /// False once the case has ended (repatriated, withdrawn, closed): its members may then be in
    /// a new case towards the same destination.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Repatriated | CaseStatus::Withdrawn | CaseStatus::Closed)
    }

    /// The open statuses, in workflow order.
    pub fn open() -> impl Iterator<Item = CaseStatus> {
        CaseStatus::ALL.iter().copied().filter(|s| s.is_open())
    }

    /// True once the destination's government has the file (the eligibility then kept with the
    /// case is the one it was submitted with).
    pub fn is_submitted(self) -> bool {
        matches!(
            self,
            CaseStatus::Submitted
                | CaseStatus::Accepted
                | CaseStatus::Rejected
                | CaseStatus::HandoverScheduled
                | CaseStatus::Repatriated
        )
    }
}

/// Why a case is on hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    AwaitingPolicyChange,
    PersonDeclinesForNow,
    Security,
    NoContact,
    Other,
}
crate::string_enum!(HoldReason {
    AwaitingPolicyChange => "awaiting_policy_change",
    PersonDeclinesForNow => "person_declines_for_now",
    Security => "security",
    NoContact => "no_contact",
    Other => "other",
});

/// Why a case was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    Deceased,
    WhereaboutsUnknownAfterEscape,
    TransferredOutOfReach,
    Duplicate,
    Other,
}
crate::string_enum!(CloseReason {
    Deceased => "deceased",
    WhereaboutsUnknownAfterEscape => "whereabouts_unknown_after_escape",
    TransferredOutOfReach => "transferred_out_of_reach",
    Duplicate => "duplicate",
    Other => "other",
});

/// Who gave a member's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentBy {
    /// The member themself (an adult).
    Person,
    /// A parent, for a child.
    Parent,
    /// A guardian, for a child.
    Guardian,
}
crate::string_enum!(ConsentBy { Person => "person", Parent => "parent", Guardian => "guardian" });

/// What the case timeline records besides status changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseEventKind {
    Opened,
    Transition,
    Assigned,
    Consent,
    WishOverride,
    NextAction,
}
crate::string_enum!(CaseEventKind {
    Opened => "opened",
    Transition => "transition",
    Assigned => "assigned",
    Consent => "consent",
    WishOverride => "wish_override",
    NextAction => "next_action",
});

/// Priorities derived from the registry, shown on every case and list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriorityFlag {
    /// A member may turn 18 within 180 days (child-only policies stop applying).
    AgesOutSoon,
    /// A member is flagged as an unaccompanied minor.
    UnaccompaniedMinor,
    /// A member is flagged with a medical need.
    MedicalNeed,
    /// A member has a parent or child, alive, who is not in the case.
    SeparationRisk,
    /// A member has no live nationality, or only revoked or contested ones.
    StatelessOrAtRisk,
}
crate::string_enum!(PriorityFlag {
    AgesOutSoon => "ages_out_soon",
    UnaccompaniedMinor => "unaccompanied_minor",
    MedicalNeed => "medical_need",
    SeparationRisk => "separation_risk",
    StatelessOrAtRisk => "stateless_or_at_risk",
});

/// Days ahead in which a member's 18th birthday makes the case urgent.
pub const AGES_OUT_WITHIN_DAYS: i64 = 180;

/// Most members in one case (a family's size; more is a data error).
pub const MAX_MEMBERS: usize = 40;

/// Longest next-action text.
pub const MAX_NEXT_ACTION: usize = 300;

#[cfg(test)]
mod tests;
