//! What the navigation and the home page offer the signed-in user, read once from the
//! permission table so templates never decide by role.

use crate::auth::permissions::{
    EditPolicies, ManageFacilities, ManageNames, ManageStewards, ManageUsers, ReadAudit, ReadJobs, ReadPolicyChanges,
    ReadRegistry, SimulatePolicy, WriteRegistry,
};
use crate::auth::CurrentUser;
use crate::domain::role::Role;

/// The signed-in user as the pages show them, and what the permission table lets them do:
/// the one place that decides which links and forms a page offers (the handlers behind them
/// check again, with `Can<P>`).
#[derive(Debug, Clone)]
pub struct Nav {
    pub display_name: String,
    pub role: Role,
    registry: bool,
    write: bool,
    facilities: bool,
    edit_policies: bool,
    simulate: bool,
    users: bool,
    audit: bool,
    stewards: bool,
    names: bool,
    policy_changes: bool,
    jobs: bool,
    cases: bool,
    backlog: bool,
}

impl Nav {
    pub fn of(user: &CurrentUser) -> Nav {
        Nav {
            display_name: user.display_name.clone(),
            role: user.role,
            registry: user.may::<ReadRegistry>(),
            write: user.may::<WriteRegistry>(),
            facilities: user.may::<ManageFacilities>(),
            edit_policies: user.may::<EditPolicies>(),
            simulate: user.may::<SimulatePolicy>(),
            users: user.may::<ManageUsers>(),
            audit: user.may::<ReadAudit>(),
            stewards: user.may::<ManageStewards>(),
            names: user.may::<ManageNames>(),
            policy_changes: user.may::<ReadPolicyChanges>(),
            jobs: user.may::<ReadJobs>(),
            cases: user.may::<crate::auth::permissions::ReadCases>(),
            backlog: user.may::<crate::auth::permissions::ManageCases>(),
        }
    }

    /// May see the per-country backlog (coordinators).
    pub fn backlog(&self) -> bool {
        self.backlog
    }

    /// May see the organisation's cases and work list.
    pub fn cases(&self) -> bool {
        self.cases
    }

    /// May see families and persons (and the aging-out list).
    pub fn registry(&self) -> bool {
        self.registry
    }

    /// May log and change families and persons.
    pub fn write(&self) -> bool {
        self.write
    }

    /// May create and change facilities and record who controls them.
    pub fn manage_facilities(&self) -> bool {
        self.facilities
    }

    /// May create, edit, publish and retire policy versions (a steward).
    pub fn edit_policies(&self) -> bool {
        self.edit_policies
    }

    /// May simulate a draft against the versions in force.
    pub fn simulate(&self) -> bool {
        self.simulate
    }

    /// May list, create and change the organisation's users (`/admin/users`).
    pub fn manage_users(&self) -> bool {
        self.users
    }

    /// May read and verify the organisation's audit trail (`/admin/audit`).
    pub fn read_audit(&self) -> bool {
        self.audit
    }

    /// May grant and end policy stewardships (`/admin/stewards`).
    pub fn manage_stewards(&self) -> bool {
        self.stewards
    }

    /// May add and remove names of the dictionary of name variants (`/admin/names`).
    pub fn manage_names(&self) -> bool {
        self.names
    }

    /// May read the deployment's policy change log (`/admin/policy-changes`).
    pub fn policy_changes(&self) -> bool {
        self.policy_changes
    }

    /// May follow background jobs (`/admin/jobs`).
    pub fn jobs(&self) -> bool {
        self.jobs
    }

    /// May see one of the deployment-wide pages (stewards, policy changes, jobs), which the
    /// home page lists apart from the role's own tasks.
    pub fn oversight(&self) -> bool {
        self.stewards || self.policy_changes || self.jobs
    }

    /// May open at least one admin page (the navigation's link to `/admin`).
    pub fn admin(&self) -> bool {
        self.users || self.audit || self.stewards || self.names || self.policy_changes || self.jobs
    }
}
