//! Case lists with their filters and the priority flags derived from the registry, in one
//! statement per page: each flag is an `EXISTS` over the case's members (a page holds at most
//! a hundred cases, so the flags cost a few index probes per row), and the same expressions
//! filter the list when a flag is asked for.

use super::super::sql::Sql;
use super::super::{OrgScope, Page};
use crate::db::models::CaseRow;
use crate::db::DbConnection;
use crate::domain::case::{CaseStatus, PriorityFlag, AGES_OUT_WITHIN_DAYS};
use crate::domain::country::CountryCode;
use crate::domain::ids::{FacilityId, UserId};
use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::{QueryResult, QueryableByName};

/// What a case list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// One case (its page reads its flags through the list's statement).
    pub id: Option<crate::domain::ids::CaseId>,
    pub status: Option<CaseStatus>,
    /// Only open cases (the default of lists): not repatriated, withdrawn or closed.
    pub open_only: bool,
    pub destination: Option<CountryCode>,
    pub assignee: Option<UserId>,
    /// Cases with nobody assigned.
    pub unassigned: bool,
    pub flag: Option<PriorityFlag>,
    /// Cases whose next action is due before today.
    pub overdue: bool,
    /// Cases in which a member's outcome changed since submission.
    pub eligibility_changed: bool,
    /// Cases with a member held in this facility.
    pub facility: Option<FacilityId>,
    /// Open cases without a step for at least this many days.
    pub stuck_days: Option<i64>,
}

/// A case in a list, with its family's label, size, assignee and flags.
#[derive(Debug, Clone, QueryableByName)]
pub struct CaseListRow {
    #[diesel(embed)]
    pub case: CaseRow,
    #[diesel(sql_type = Text)]
    pub family_label: String,
    #[diesel(sql_type = BigInt)]
    pub member_count: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
    #[diesel(sql_type = Bool)]
    pub ages_out_soon: bool,
    #[diesel(sql_type = Bool)]
    pub unaccompanied_minor: bool,
    #[diesel(sql_type = Bool)]
    pub medical_need: bool,
    #[diesel(sql_type = Bool)]
    pub separation_risk: bool,
    #[diesel(sql_type = Bool)]
    pub stateless_or_at_risk: bool,
    #[diesel(sql_type = Bool)]
    pub eligibility_changed: bool,
}

impl CaseListRow {
    /// The flags that are set.
    pub fn flags(&self) -> Vec<PriorityFlag> {
        [
            (self.ages_out_soon, PriorityFlag::AgesOutSoon),
            (self.unaccompanied_minor, PriorityFlag::UnaccompaniedMinor),
            (self.medical_need, PriorityFlag::MedicalNeed),
            (self.separation_risk, PriorityFlag::SeparationRisk),
            (self.stateless_or_at_risk, PriorityFlag::StatelessOrAtRisk),
        ]
        .into_iter()
        .filter_map(|(on, f)| on.then_some(f))
        .collect()
    }
}

/// Ages are counted back with the domain's rule, so that lists, flags and the backlog agree.
pub use crate::domain::partial_date::years_before;

/// Appends the condition "the person aliased `p` ages out soon": possibly still a minor on
/// `today`, and possibly 18 within `AGES_OUT_WITHIN_DAYS` (the case flag, and the backlog's
/// count, say the same).
pub(crate) fn push_ages_out(q: &mut Sql, p: &str, today: NaiveDate) {
    let soon = today + chrono::Duration::days(AGES_OUT_WITHIN_DAYS);
    q.push(&format!("{p}.birth_latest > "))
        .bind(years_before(today, 18))
        .push(&format!(" AND {p}.birth_earliest <= "))
        .bind(years_before(soon, 18));
}

/// Appends the condition "a member of the case aliased `c` is held in the facility now" (the
/// list's filter, and the backlog's, say the same).
pub(crate) fn push_in_facility(q: &mut Sql, c: &str, facility: &FacilityId) {
    q.push(&format!(
        "EXISTS (SELECT 1 FROM case_members m JOIN person_derived d ON d.person_id = m.person_id \
         WHERE m.case_id = {c}.id AND d.current_facility_id = "
    ))
    .bind(facility.as_str())
    .push(")");
}

/// Appends the SQL condition of a flag for the case aliased `c`, binding the dates it needs.
fn flag_sql(q: &mut Sql, flag: PriorityFlag, today: NaiveDate) {
    let members = "EXISTS (SELECT 1 FROM case_members m ";
    match flag {
        PriorityFlag::AgesOutSoon => {
            q.push(members)
                .push("JOIN persons p ON p.id = m.person_id WHERE m.case_id = c.id AND p.date_of_death IS NULL AND ");
            push_ages_out(q, "p", today);
            q.push(")");
        }
        PriorityFlag::UnaccompaniedMinor | PriorityFlag::MedicalNeed => {
            let name = if flag == PriorityFlag::UnaccompaniedMinor { "unaccompanied_minor" } else { "medical_need" };
            q.push(members)
                .push("JOIN person_flags pf ON pf.person_id = m.person_id WHERE m.case_id = c.id AND pf.flag = ")
                .bind(name)
                .push(")");
        }
        PriorityFlag::StatelessOrAtRisk => {
            q.push(members).push(
                "JOIN person_derived d ON d.person_id = m.person_id \
                 WHERE m.case_id = c.id AND (d.stateless OR d.at_risk))",
            );
        }
        PriorityFlag::SeparationRisk => {
            // A parent or guardian, or a child or ward, alive and not known to be out of custody,
            // who is not in this case.
            for (member_side, other_side) in [("relative_id", "person_id"), ("person_id", "relative_id")] {
                if member_side == "person_id" {
                    q.push(" OR ");
                } else {
                    q.push("(");
                }
                q.push(members).push(&format!(
                    "JOIN kinships k ON k.{member_side} = m.person_id AND k.kind IN ('parent_of', 'guardian_of') \
                     JOIN persons o ON o.id = k.{other_side} AND o.date_of_death IS NULL \
                     JOIN person_derived od ON od.person_id = o.id AND od.custody_status IN ('held', 'unknown') \
                     WHERE m.case_id = c.id AND NOT EXISTS (SELECT 1 FROM case_members m2 \
                        WHERE m2.case_id = c.id AND m2.person_id = k.{other_side}))"
                ));
            }
            q.push(")");
        }
    }
}

/// The condition "a member's stored outcome differs from the one kept at submission".
fn changed_sql(q: &mut Sql) {
    q.push(
        "EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.submitted_outcome IS NOT NULL \
         AND COALESCE((SELECT er.outcome FROM eligibility_results er \
            WHERE er.person_id = m.person_id AND er.country_code = m.destination), 'no_route') <> m.submitted_outcome)",
    );
}

/// `FROM ... WHERE ...` of a filtered list (for the page and its count).
fn from_where(q: &mut Sql, scope: &OrgScope, f: &CaseFilter, today: NaiveDate) {
    q.push(" FROM cases c JOIN families fam ON fam.id = c.family_id LEFT JOIN users u ON u.id = c.assignee_id")
        .push(" WHERE c.organisation_id = ")
        .bind(scope.id().as_str());
    if let Some(id) = &f.id {
        q.push(" AND c.id = ").bind(id.as_str());
    }
    if let Some(s) = f.status {
        q.push(" AND c.status = ").bind(s.as_str());
    } else if f.open_only {
        q.push(" AND c.status NOT IN ('repatriated', 'withdrawn', 'closed')");
    }
    if let Some(d) = &f.destination {
        q.push(" AND c.destination = ").bind(d.as_str());
    }
    if let Some(a) = &f.assignee {
        q.push(" AND c.assignee_id = ").bind(a.as_str());
    }
    if f.unassigned {
        q.push(" AND c.assignee_id IS NULL");
    }
    if let Some(flag) = f.flag {
        q.push(" AND ");
        flag_sql(q, flag, today);
    }
    if f.overdue {
        q.push(" AND c.next_action_due < ").bind(today);
    }
    if f.eligibility_changed {
        q.push(" AND ");
        changed_sql(q);
    }
    if let Some(fac) = &f.facility {
        q.push(" AND ");
        push_in_facility(q, "c", fac);
    }
    if let Some(days) = f.stuck_days {
        let before = today - chrono::Duration::days(days);
        q.push(" AND c.status NOT IN ('repatriated', 'withdrawn', 'closed') AND c.status_since < ").bind(before);
    }
}

/// The list's order: soonest due first, then the oldest.
const ORDER: &str =
    " ORDER BY CASE WHEN c.next_action_due IS NULL THEN 1 ELSE 0 END, c.next_action_due, c.opened_on, c.id";

/// One page of the organisation's cases (soonest due first, then oldest), with the total.
pub fn page(
    conn: &mut DbConnection,
    scope: &OrgScope,
    f: &CaseFilter,
    page: Page,
    today: NaiveDate,
) -> QueryResult<(Vec<CaseListRow>, i64)> {
    let mut count = Sql::new(conn);
    count.push("SELECT COUNT(*) AS n");
    from_where(&mut count, scope, f, today);
    let total = count.count(conn)?;
    let mut q = Sql::new(conn);
    q.push(
        "SELECT c.*, fam.label AS family_label, u.display_name AS assignee_name, \
         (SELECT COUNT(*) FROM case_members m WHERE m.case_id = c.id) AS member_count",
    );
    for (flag, name) in [
        (PriorityFlag::AgesOutSoon, "ages_out_soon"),
        (PriorityFlag::UnaccompaniedMinor, "unaccompanied_minor"),
        (PriorityFlag::MedicalNeed, "medical_need"),
        (PriorityFlag::SeparationRisk, "separation_risk"),
        (PriorityFlag::StatelessOrAtRisk, "stateless_or_at_risk"),
    ] {
        q.push(", ");
        flag_sql(&mut q, flag, today);
        q.push(&format!(" AS {name}"));
    }
    q.push(", ");
    changed_sql(&mut q);
    q.push(" AS eligibility_changed");
    // The page's ids first, its flags after: asked for every matching case before the sort,
    // PostgreSQL computes the flags for all of them (hashed subplans over every member and
    // person: 0.9 s at 500,000 persons); for the fifty rows of a page, a few index probes each.
    q.push(" FROM (SELECT c.id AS page_id");
    from_where(&mut q, scope, f, today);
    q.push(ORDER).push(" LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    q.push(
        ") pg JOIN cases c ON c.id = pg.page_id JOIN families fam ON fam.id = c.family_id \
         LEFT JOIN users u ON u.id = c.assignee_id",
    );
    q.push(ORDER);
    Ok((q.load(conn)?, total))
}
