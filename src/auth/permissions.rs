//! Who may do what: one table of action × role, in one place. Handlers do not check roles
//! themselves; they ask for a typed extractor, `Can<P>`, whose permission names the action, so a
//! handler that forgets the check does not compile (it has no user, and no scope, without one).
//!
//! Policy stewardship is a grant, not a role: a steward of any role may change the policies that
//! every organisation of the deployment shares. An organisation's admin is not a steward unless
//! the operator (CLI) or another steward made them one.

use crate::domain::role::Role;

/// Everything a signed-in user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read families, persons, their eligibility and history, a facility's population.
    ReadRegistry,
    /// Log and change families, persons, names, claims, custody and kinship.
    WriteRegistry,
    /// Create and change facilities and who controls them.
    ManageFacilities,
    /// List, create and change the organisation's users.
    ManageUsers,
    /// List organisations and create one.
    ManageOrganisations,
    /// Read and verify the organisation's audit trail.
    ReadAudit,
    /// Evaluate a draft against everyone (counts for all, names for one's own organisation).
    SimulatePolicy,
    /// Create, edit, publish and retire policy versions (deployment-wide).
    EditPolicies,
    /// Make another user a steward, or end a stewardship.
    ManageStewards,
    /// See background jobs and their progress.
    ReadJobs,
    /// See the deployment's log of policy changes (who published or retired what).
    ReadPolicyChanges,
    /// Read the organisation's cases and work lists.
    ReadCases,
    /// Open cases, take the steps of the workflow the role allows, record consent and the next
    /// action (the workflow in `domain::case` says which steps each role may take).
    WorkCases,
    /// Assign and reassign cases, override a member's wish with a reason, see the backlogs.
    ManageCases,
    /// Add and remove names of the dictionary of name variants (deployment-wide).
    ManageNames,
}

impl Action {
    /// The name recorded in the audit trail when the action is refused.
    pub fn name(self) -> &'static str {
        match self {
            Action::ReadRegistry => "registry.read",
            Action::WriteRegistry => "registry.write",
            Action::ManageFacilities => "facility.manage",
            Action::ManageUsers => "user.manage",
            Action::ManageOrganisations => "organisation.manage",
            Action::ReadAudit => "audit.read",
            Action::SimulatePolicy => "policy.simulate",
            Action::EditPolicies => "policy.edit",
            Action::ManageStewards => "steward.manage",
            Action::ReadJobs => "job.read",
            Action::ReadPolicyChanges => "policy.changes.read",
            Action::ReadCases => "case.read",
            Action::WorkCases => "case.work",
            Action::ManageCases => "case.manage",
            Action::ManageNames => "names.manage",
        }
    }
}

/// The table: the roles allowed each action, and whether stewardship alone allows it.
const TABLE: &[(Action, &[Role], bool)] = &[
    (Action::ReadRegistry, &[Role::Caseworker, Role::Coordinator], false),
    (Action::WriteRegistry, &[Role::Caseworker, Role::Coordinator], false),
    (Action::ManageFacilities, &[Role::Admin], false),
    (Action::ManageUsers, &[Role::Admin], false),
    (Action::ManageOrganisations, &[Role::Admin], false),
    (Action::ReadAudit, &[Role::Admin], false),
    (Action::SimulatePolicy, &[Role::Coordinator], true),
    (Action::EditPolicies, &[], true),
    (Action::ManageStewards, &[], true),
    (Action::ReadJobs, &[Role::Coordinator, Role::Admin], true),
    (Action::ReadPolicyChanges, &[Role::Coordinator, Role::Admin], true),
    (Action::ReadCases, &[Role::Caseworker, Role::Coordinator], false),
    (Action::WorkCases, &[Role::Caseworker, Role::Coordinator], false),
    (Action::ManageCases, &[Role::Coordinator], false),
    (Action::ManageNames, &[Role::Admin], false),
];

/// Deny by default: true only when the table lists the role (or stewardship) for the action.
pub fn allows(role: Role, steward: bool, action: Action) -> bool {
    TABLE
        .iter()
        .any(|(a, roles, by_stewardship)| *a == action && (roles.contains(&role) || (steward && *by_stewardship)))
}

/// A permission a handler asks for by type: `Can<ReadRegistry>`.
pub trait Permission {
    const ACTION: Action;
}

/// Permissions over one organisation's records: only these give the handler an `OrgScope`.
pub trait OrgRecords: Permission {}

macro_rules! permissions {
    ($($(#[$doc:meta])* $name:ident => $action:ident $(, $scoped:ident)?;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Permission for $name {
            const ACTION: Action = Action::$action;
        }
        $(impl $scoped for $name {})?
    )+};
}

permissions! {
    /// Read the organisation's families and persons.
    ReadRegistry => ReadRegistry, OrgRecords;
    /// Change the organisation's families and persons.
    WriteRegistry => WriteRegistry, OrgRecords;
    /// Manage facilities (shared reference data).
    ManageFacilities => ManageFacilities;
    /// Manage the organisation's users.
    ManageUsers => ManageUsers, OrgRecords;
    /// Manage organisations.
    ManageOrganisations => ManageOrganisations;
    /// Read the organisation's audit trail.
    ReadAudit => ReadAudit, OrgRecords;
    /// Simulate a policy draft.
    SimulatePolicy => SimulatePolicy;
    /// Edit the shared policies.
    EditPolicies => EditPolicies;
    /// Grant and end stewardships.
    ManageStewards => ManageStewards;
    /// Follow background jobs.
    ReadJobs => ReadJobs;
    /// Read the deployment's policy change log.
    ReadPolicyChanges => ReadPolicyChanges;
    /// Read the organisation's cases.
    ReadCases => ReadCases, OrgRecords;
    /// Work on the organisation's cases.
    WorkCases => WorkCases, OrgRecords;
    /// Assign cases, override wishes, read backlogs.
    ManageCases => ManageCases, OrgRecords;
    /// Manage the name variants (shared reference data).
    ManageNames => ManageNames;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_denies_by_default() {
        assert!(allows(Role::Caseworker, false, Action::ReadRegistry));
        assert!(!allows(Role::Admin, false, Action::ReadRegistry), "admins do not read persons");
        assert!(!allows(Role::Admin, false, Action::EditPolicies), "an organisation's admin is not a steward");
        assert!(allows(Role::Admin, true, Action::EditPolicies));
        assert!(allows(Role::Caseworker, true, Action::EditPolicies), "stewardship is a grant, not a role");
        assert!(!allows(Role::Caseworker, false, Action::SimulatePolicy));
        assert!(allows(Role::Coordinator, false, Action::SimulatePolicy));
    }

    #[test]
    fn every_action_is_in_the_table_once() {
        let all = [
            Action::ReadRegistry,
            Action::WriteRegistry,
            Action::ManageFacilities,
            Action::ManageUsers,
            Action::ManageOrganisations,
            Action::ReadAudit,
            Action::SimulatePolicy,
            Action::EditPolicies,
            Action::ManageStewards,
            Action::ReadJobs,
            Action::ReadPolicyChanges,
            Action::ReadCases,
            Action::WorkCases,
            Action::ManageCases,
            Action::ManageNames,
        ];
        for a in all {
            assert_eq!(TABLE.iter().filter(|(x, _, _)| *x == a).count(), 1, "{a:?}");
        }
    }
}
