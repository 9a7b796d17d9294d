//! What the API and the pages show of cases: a case with its members (eligibility under the
//! destination's policy now and at submission), timeline, flags and the steps the reader may
//! take; lists; the destinations a family's members could open a case towards; the work list.

use crate::auth::OrgScope;
use crate::db::models::CaseRow;
use crate::db::repo::cases::list::{self, CaseFilter, CaseListRow};
use crate::db::repo::{cases, claims, countries, persons, policies, users, Page};
use crate::db::DbConnection;
use crate::domain::case::workflow::{self, NextStep, SubmissionGate};
use crate::domain::case::{CaseEventKind, CaseStatus, ConsentBy, PriorityFlag};
use crate::domain::custody::CustodyStatus;
use crate::domain::ids::{CaseId, FamilyId, PersonId, UserId};
use crate::domain::person::Wish;
use crate::domain::policy::Outcome;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::services::eligibility::reads::ResultView;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// A case in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseSummary {
    #[schema(value_type = String)]
    pub id: CaseId,
    #[schema(value_type = String)]
    pub family_id: FamilyId,
    pub family_label: String,
    #[schema(value_type = String)]
    pub destination: String,
    pub status: CaseStatus,
    pub members: i64,
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub opened_on: NaiveDate,
    pub status_since: NaiveDateTime,
    pub next_action: String,
    pub next_action_due: Option<NaiveDate>,
    pub overdue: bool,
    pub flags: Vec<PriorityFlag>,
    /// A member's outcome under the destination's policy differs from the one at submission.
    pub eligibility_changed: bool,
    pub version: i64,
}

impl CaseSummary {
    fn of(r: CaseListRow, today: NaiveDate) -> CaseSummary {
        let flags = r.flags();
        let c = r.case;
        CaseSummary {
            overdue: c.status.is_open() && c.next_action_due.is_some_and(|d| d < today),
            id: c.id,
            family_id: c.family_id,
            family_label: r.family_label,
            destination: c.destination.as_str().to_string(),
            status: c.status,
            members: r.member_count,
            assignee_id: c.assignee_id,
            assignee_name: r.assignee_name,
            opened_on: c.opened_on,
            status_since: c.status_since,
            next_action: c.next_action,
            next_action_due: c.next_action_due,
            flags,
            eligibility_changed: r.eligibility_changed,
            version: c.version,
        }
    }
}

/// One page of cases, with the total.
pub fn page(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &CaseFilter,
    page: Page,
    today: NaiveDate,
) -> AppResult<(Vec<CaseSummary>, i64)> {
    let (rows, total) = list::page(conn, scope, filter, page, today)?;
    Ok((rows.into_iter().map(|r| CaseSummary::of(r, today)).collect(), total))
}

/// A member's consent as recorded last.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentView {
    pub given_by: ConsentBy,
    pub given_by_name: String,
    pub given_on: NaiveDate,
    pub to_case: bool,
    pub to_sharing: bool,
}

/// A member of a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseMemberView {
    #[schema(value_type = String)]
    pub person_id: PersonId,
    pub name: String,
    pub birth_display: Option<String>,
    pub age_range: Option<(i32, i32)>,
    pub custody_status: CustodyStatus,
    pub wish: Option<Wish>,
    pub consent: Option<ConsentView>,
    /// The outcome under the destination's policy today, with its explanation (`None`: no
    /// claim of that nationality, so no route).
    pub eligibility: Option<ResultView>,
    pub outcome: Outcome,
    /// The outcome kept when the case was submitted.
    pub submitted_outcome: Option<Outcome>,
    /// The stored outcome differs from the one at submission (a birthday, a new version).
    pub outcome_changed: bool,
}

/// An entry of the timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseEventView {
    pub kind: CaseEventKind,
    pub from: Option<CaseStatus>,
    pub to: Option<CaseStatus>,
    pub reason: Option<String>,
    pub note: String,
    pub on_date: Option<NaiveDate>,
    pub actor_name: Option<String>,
    pub at: NaiveDateTime,
}

/// A case with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub destination_name: String,
    pub held_from: Option<CaseStatus>,
    pub status_reason: Option<String>,
    pub handover_on: Option<NaiveDate>,
    pub submitted_on: Option<NaiveDate>,
    pub wish_override: Option<String>,
    pub members_detail: Vec<CaseMemberView>,
    pub timeline: Vec<CaseEventView>,
    /// The steps the reader may take now.
    pub next_steps: Vec<NextStep>,
    /// What stops a submission now (empty when consent and wishes allow it).
    pub submission_blockers: Vec<String>,
}

/// A member's name, birth, age range and result under the destination's policy.
type Evaluated = (String, Option<String>, Option<(i32, i32)>, Option<ResultView>);

/// A case as its page shows it to a user of this role, on `today`.
pub fn case(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &CaseId,
    role: Role,
    today: NaiveDate,
) -> AppResult<CaseView> {
    let filter = CaseFilter { id: Some(id.clone()), ..CaseFilter::default() };
    let (mut rows, _) = list::page(conn, scope, &filter, Page { limit: 1, offset: 0 }, today)?;
    let row = rows.pop().ok_or(AppError::NotFound)?;
    let c: CaseRow = row.case.clone();
    let summary = CaseSummary::of(row, today);
    let members = cases::members(conn, scope, id)?;
    let ids: Vec<PersonId> = members.iter().map(|m| m.person_id.clone()).collect();
    let person_rows = persons::by_ids(conn, scope, &ids)?;
    let derived: HashMap<PersonId, CustodyStatus> =
        persons::derived_of(conn, scope, &ids)?.into_iter().map(|d| (d.person_id, d.custody_status)).collect();
    let mut wishes: HashMap<PersonId, (NaiveDateTime, Wish)> = HashMap::new();
    for w in persons::wishes_of(conn, scope, &ids)? {
        if wishes.get(&w.person_id).is_none_or(|(at, _)| *at <= w.recorded_at) {
            wishes.insert(w.person_id.clone(), (w.recorded_at, w.wish));
        }
    }
    let mut consents: HashMap<PersonId, ConsentView> = HashMap::new();
    for k in cases::consents(conn, scope, id)? {
        let v = ConsentView {
            given_by: k.given_by,
            given_by_name: k.given_by_name,
            given_on: k.given_on,
            to_case: k.to_case,
            to_sharing: k.to_sharing,
        };
        consents.insert(k.person_id, v);
    }
    let stored: HashMap<PersonId, Outcome> = policies::results_for(conn, scope, &ids)?
        .into_iter()
        .filter(|r| r.country_code == c.destination)
        .map(|r| (r.person_id, r.outcome))
        .collect();
    let versions = crate::services::eligibility::published(conn)?;
    let live = crate::services::eligibility::evaluate(conn, scope, &person_rows, &versions, today)?;
    let mut by_person: HashMap<PersonId, Evaluated> = HashMap::new();
    for (p, results) in live {
        let birth = p.birth.get()?;
        let mine = results.into_iter().find(|r| r.country == c.destination.as_str()).map(ResultView::of);
        by_person.insert(
            p.id.clone(),
            (
                p.full_name(),
                birth.map(|b| b.display()),
                birth.map(|b| crate::domain::partial_date::age_range(&b, today)),
                mine,
            ),
        );
    }
    let members_detail: Vec<CaseMemberView> = members
        .iter()
        .map(|m| {
            let (name, birth_display, age_range, eligibility) = by_person.remove(&m.person_id).unwrap_or_default();
            let now_stored = stored.get(&m.person_id).copied().unwrap_or(Outcome::NoRoute);
            CaseMemberView {
                outcome: eligibility.as_ref().map(|e| e.outcome).unwrap_or(Outcome::NoRoute),
                outcome_changed: m.submitted_outcome.is_some_and(|s| s != now_stored),
                submitted_outcome: m.submitted_outcome,
                custody_status: derived.get(&m.person_id).copied().unwrap_or(CustodyStatus::Unknown),
                wish: wishes.get(&m.person_id).map(|(_, w)| *w),
                consent: consents.remove(&m.person_id),
                person_id: m.person_id.clone(),
                name,
                birth_display,
                age_range,
                eligibility,
            }
        })
        .collect();
    let readiness: Vec<workflow::MemberReadiness> = members_detail
        .iter()
        .map(|m| workflow::MemberReadiness {
            name: m.name.clone(),
            consented: m.consent.as_ref().is_some_and(|k| k.to_case && k.to_sharing),
            wishes_to_stay: matches!(m.wish, Some(Wish::StayInSyria | Wish::StayInRegion)),
        })
        .collect();
    let events = cases::events(conn, scope, id)?;
    let actor_ids: Vec<String> = events.iter().filter_map(|e| e.actor_id.as_ref().map(|a| a.to_string())).collect();
    let names: BTreeMap<String, String> = users::names(conn, scope, &actor_ids)?.into_iter().collect();
    let timeline = events
        .into_iter()
        .map(|e| CaseEventView {
            actor_name: e.actor_id.as_ref().and_then(|a| names.get(a.as_str()).cloned()),
            kind: e.kind,
            from: e.from_status,
            to: e.to_status,
            reason: e.reason,
            note: e.note,
            on_date: e.on_date,
            at: e.at,
        })
        .collect();
    let destination_name = countries::names_of(conn, &[c.destination.as_str().to_string()])?
        .pop()
        .map(|(_, n)| n)
        .unwrap_or_else(|| c.destination.as_str().to_string());
    Ok(CaseView {
        summary,
        destination_name,
        held_from: c.held_from,
        status_reason: c.status_reason,
        handover_on: c.handover_on,
        submitted_on: c.submitted_on,
        submission_blockers: SubmissionGate::problems(&readiness, c.wish_override.is_some()),
        wish_override: c.wish_override,
        members_detail,
        timeline,
        next_steps: workflow::next_steps(c.status, c.held_from, role),
    })
}

/// A destination a family's members could go to, with who could be in the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    pub destination: String,
    pub destination_name: String,
    /// Living members with a live nationality of the destination.
    #[schema(value_type = Vec<String>)]
    pub members: Vec<PersonId>,
    /// Members already in an open case towards it.
    #[schema(value_type = Vec<String>)]
    pub already_in_case: Vec<PersonId>,
}

/// The destinations the living members' live nationalities allow, most members first.
pub fn proposals(conn: &mut DbConnection, scope: &OrgScope, family: &FamilyId) -> AppResult<Vec<Proposal>> {
    let living: Vec<PersonId> = persons::of_family(conn, scope, family)?
        .into_iter()
        .filter(|p| p.date_of_death.is_none())
        .map(|p| p.id)
        .collect();
    let mut by_country: BTreeMap<String, Vec<PersonId>> = BTreeMap::new();
    for c in claims::of(conn, scope, &living)? {
        if c.status.is_live() {
            let list = by_country.entry(c.country_code.as_str().to_string()).or_default();
            if !list.contains(&c.person_id) {
                list.push(c.person_id);
            }
        }
    }
    let codes: Vec<String> = by_country.keys().cloned().collect();
    let names: HashMap<String, String> = countries::names_of(conn, &codes)?.into_iter().collect();
    let mut out = Vec::new();
    for (code, members) in by_country {
        let cc =
            crate::domain::country::CountryCode::parse(&code).map_err(|m| AppError::Internal(anyhow::anyhow!(m)))?;
        let already = cases::open_cases_of(conn, scope, &members, &cc)?.into_iter().map(|(p, _)| p).collect();
        out.push(Proposal {
            destination_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
            destination: code,
            members,
            already_in_case: already,
        });
    }
    out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.destination.cmp(&b.destination)));
    Ok(out)
}

/// The cases of a family, for its page.
pub fn of_family(conn: &mut DbConnection, scope: &OrgScope, family: &FamilyId) -> AppResult<Vec<CaseRow>> {
    Ok(cases::of_family(conn, scope, family)?)
}

/// A member as the printable summary lists them: every name in every script, and every claim.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberRecord {
    #[schema(value_type = String)]
    pub person_id: PersonId,
    /// (name, script, kind) of each other name.
    pub names: Vec<(String, String, String)>,
    /// (country, status, basis) of each nationality claim.
    pub claims: Vec<(String, String, String)>,
}

/// The printable summary for a submission: the case as its page shows it, plus each member's
/// names and claims.
pub fn summary(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &CaseId,
    role: Role,
    today: NaiveDate,
) -> AppResult<(CaseView, Vec<MemberRecord>)> {
    let view = case(conn, scope, id, role, today)?;
    let ids: Vec<PersonId> = view.members_detail.iter().map(|m| m.person_id.clone()).collect();
    let names = crate::db::repo::names::of(conn, scope, &ids)?;
    let claims = claims::of(conn, scope, &ids)?;
    let records = ids
        .iter()
        .map(|p| MemberRecord {
            person_id: p.clone(),
            names: names
                .iter()
                .filter(|n| &n.person_id == p)
                .map(|n| (n.name.clone(), n.script.as_str().to_string(), n.kind.as_str().to_string()))
                .collect(),
            claims: claims
                .iter()
                .filter(|c| &c.person_id == p)
                .map(|c| {
                    (c.country_code.as_str().to_string(), c.status.as_str().to_string(), c.basis.as_str().to_string())
                })
                .collect(),
        })
        .collect();
    Ok((view, records))
}
