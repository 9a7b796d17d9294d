//! The work list: what needs a user now (overdue next actions, members ageing out within 180
//! days, eligibility changed since submission, cases awaiting a coordinator's approval), each a
//! few cases and how many there are, from the case list's own filters.

use super::views::{page, CaseSummary};
use crate::auth::OrgScope;
use crate::db::repo::cases::list::CaseFilter;
use crate::db::repo::Page;
use crate::db::DbConnection;
use crate::domain::case::{CaseStatus, PriorityFlag};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::error::AppResult;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// What needs the user now: each section a few cases and how many there are.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkList {
    pub overdue: Section,
    pub ageing_out: Section,
    pub eligibility_changed: Section,
    /// Cases ready for a coordinator's approval (empty for caseworkers).
    pub awaiting_approval: Section,
}

/// A section of the work list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Section {
    pub total: i64,
    pub cases: Vec<CaseSummary>,
}

/// Cases shown per work-list section.
const SECTION: i64 = 10;

/// The work list of a user: a caseworker's own cases; all the organisation's for a coordinator.
pub fn work_list(
    conn: &mut DbConnection,
    scope: &OrgScope,
    user: &UserId,
    role: Role,
    today: NaiveDate,
) -> AppResult<WorkList> {
    let mine = (role != Role::Coordinator).then(|| user.clone());
    let base = CaseFilter { open_only: true, assignee: mine, ..CaseFilter::default() };
    let first = Page { limit: SECTION, offset: 0 };
    let mut section = |f: CaseFilter| -> AppResult<Section> {
        let (cases, total) = page(conn, scope, &f, first, today)?;
        Ok(Section { total, cases })
    };
    Ok(WorkList {
        overdue: section(CaseFilter { overdue: true, ..base.clone() })?,
        ageing_out: section(CaseFilter { flag: Some(PriorityFlag::AgesOutSoon), ..base.clone() })?,
        eligibility_changed: section(CaseFilter { eligibility_changed: true, ..base.clone() })?,
        awaiting_approval: if role == Role::Coordinator {
            section(CaseFilter { status: Some(CaseStatus::ReadyForSubmission), ..base.clone() })?
        } else {
            Section { total: 0, cases: Vec::new() }
        },
    })
}
