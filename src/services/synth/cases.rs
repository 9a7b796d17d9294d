//! Synthetic cases: about one family in eight gets a case towards the nationality its members
//! hold most often (the smallest country code among their live claims), with the members who
//! hold it, in a status chosen from the family's id so that every status of the workflow is
//! present, opened up to two and a half years ago, with its timeline (opened, then the step to
//! the current status) and, from submission on, every member's consent. The rows are written in
//! batches as the services would store them; no audit events (the case services' events are
//! per request, and the synthetic registry's chain stays valid without them).

use crate::auth::OrgScope;
use crate::db::models::{CaseConsentRow, CaseEventRow, CaseMemberRow, CaseRow};
use crate::db::repo::bulk::{Bulk, Cell};
use crate::db::DbConnection;
use crate::domain::case::{CaseEventKind, CaseStatus, ConsentBy, HoldReason};
use crate::domain::country::CountryCode;
use crate::domain::ids::{CaseId, FamilyId, PersonId};
use crate::domain::policy::Outcome;
use crate::error::AppResult;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::sql_types::Text;
use diesel::QueryableByName;

/// A member who could be in a family's case.
#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = Text)]
    family_id: String,
    #[diesel(sql_type = Text)]
    person_id: String,
    #[diesel(sql_type = Text)]
    destination: String,
}

/// The status a family's case is in, from the second hex digit of its id (uniform over 16).
fn status_of(id: &str) -> CaseStatus {
    use CaseStatus::*;
    const BY_DIGIT: [CaseStatus; 16] = [
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
        Intake,
        Documentation,
        Submitted,
        Verification,
    ];
    let digit = id.chars().nth(1).and_then(|c| c.to_digit(16)).unwrap_or(0) as usize;
    BY_DIGIT[digit % 16]
}

/// Days since opening, from the third hex digit (10 to 910 days).
fn age_of(id: &str) -> i64 {
    i64::from(id.chars().nth(2).and_then(|c| c.to_digit(16)).unwrap_or(0)) * 60 + 10
}

/// The columns of a case, in the order the rows are pushed.
const CASE_COLUMNS: &[&str] = &[
    "id",
    "organisation_id",
    "family_id",
    "destination",
    "status",
    "held_from",
    "status_reason",
    "status_since",
    "assignee_id",
    "opened_on",
    "next_action",
    "next_action_due",
    "handover_on",
    "submitted_on",
    "wish_override",
    "created_at",
    "updated_at",
    "version",
];

/// Writes the cases of the organisation's families that have none yet; returns how many.
pub fn write(conn: &mut DbConnection, scope: &OrgScope, today: NaiveDate, at: NaiveDateTime) -> AppResult<usize> {
    let mut q = crate::db::repo::sql::Sql::new(conn);
    q.push(
        "SELECT p.family_id, p.id AS person_id, d.destination FROM persons p \
         JOIN (SELECT p2.family_id AS fid, MIN(c.country_code) AS destination FROM persons p2 \
               JOIN nationality_claims c ON c.person_id = p2.id \
               WHERE p2.organisation_id = ",
    )
    .bind(scope.id().as_str())
    .push(
        " AND c.status IN ('claimed', 'unverified', 'verified') AND p2.date_of_death IS NULL \
           AND substr(p2.family_id, 1, 1) IN ('0', '1') GROUP BY p2.family_id) d ON d.fid = p.family_id \
         WHERE p.date_of_death IS NULL AND EXISTS (SELECT 1 FROM nationality_claims c2 WHERE c2.person_id = p.id \
           AND c2.country_code = d.destination AND c2.status IN ('claimed', 'unverified', 'verified')) \
           AND NOT EXISTS (SELECT 1 FROM cases x WHERE x.family_id = p.family_id) \
         ORDER BY p.family_id, p.id",
    );
    let rows: Vec<Candidate> = q.load(conn)?;
    let (mut all_cases, mut members, mut events, mut consents) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i < rows.len() {
        let family = rows[i].family_id.clone();
        let group: Vec<&Candidate> = rows[i..].iter().take_while(|r| r.family_id == family).collect();
        i += group.len();
        let (Ok(fid), Ok(destination)) = (FamilyId::parse(&family), CountryCode::parse(&group[0].destination)) else {
            continue;
        };
        let status = status_of(&family);
        let opened_on = today - Duration::days(age_of(&family));
        let since = (opened_on + Duration::days(age_of(&family) / 2)).and_hms_opt(9, 0, 0).unwrap_or(at);
        let case_id = CaseId::parse(&family).unwrap_or_else(|_| CaseId::new_random());
        let submitted = status.is_submitted();
        all_cases.push(CaseRow {
            id: case_id.clone(),
            organisation_id: scope.id().clone(),
            family_id: fid,
            destination,
            status,
            held_from: (status == CaseStatus::OnHold).then_some(CaseStatus::Documentation),
            status_reason: match status {
                CaseStatus::OnHold => Some(HoldReason::AwaitingPolicyChange.as_str().into()),
                CaseStatus::Closed => Some("duplicate".into()),
                _ => None,
            },
            status_since: since,
            assignee_id: None,
            opened_on,
            next_action: if status.is_open() { "Follow up (synthetic)".into() } else { String::new() },
            next_action_due: status.is_open().then(|| opened_on + Duration::days(age_of(&family) / 2 + 30)),
            handover_on: (status == CaseStatus::HandoverScheduled).then(|| today + Duration::days(20)),
            submitted_on: submitted.then(|| since.date()),
            wish_override: None,
            created_at: at,
            updated_at: at,
            version: 2,
        });
        for m in &group {
            let Ok(pid) = PersonId::parse(&m.person_id) else { continue };
            members.push(CaseMemberRow {
                case_id: case_id.clone(),
                person_id: pid.clone(),
                organisation_id: scope.id().clone(),
                destination,
                is_open: status.is_open(),
                submitted_outcome: submitted.then_some(Outcome::Eligible),
                submitted_policy_version_id: None,
                added_at: at,
            });
            if submitted {
                consents.push(CaseConsentRow {
                    id: format!("synth-consent-{case_id}-{pid}"),
                    case_id: case_id.clone(),
                    person_id: pid,
                    organisation_id: scope.id().clone(),
                    given_by: ConsentBy::Person,
                    given_by_name: String::new(),
                    given_on: since.date(),
                    to_case: true,
                    to_sharing: true,
                    recorded_at: at,
                    actor_id: None,
                });
            }
        }
        for (n, (kind, from, to)) in [
            (CaseEventKind::Opened, None, Some(CaseStatus::Intake)),
            (CaseEventKind::Transition, Some(CaseStatus::Intake), Some(status)),
        ]
        .into_iter()
        .enumerate()
        {
            if n == 1 && status == CaseStatus::Intake {
                break;
            }
            events.push(CaseEventRow {
                id: format!("synth-event-{n}-{case_id}"),
                case_id: case_id.clone(),
                organisation_id: scope.id().clone(),
                kind,
                from_status: from,
                to_status: to,
                reason: None,
                note: String::new(),
                on_date: None,
                actor_id: None,
                at: if n == 0 { opened_on.and_hms_opt(9, 0, 0).unwrap_or(at) } else { since },
            });
        }
    }
    let text = |v: &str| Cell::Text(v.to_string());
    let opt = |v: Option<String>| Cell::OptText(v);
    let mut b = Bulk::new("cases", CASE_COLUMNS);
    for c in &all_cases {
        b.push(vec![
            text(c.id.as_str()),
            text(c.organisation_id.as_str()),
            text(c.family_id.as_str()),
            text(c.destination.as_str()),
            text(c.status.as_str()),
            opt(c.held_from.map(|h| h.as_str().to_string())),
            opt(c.status_reason.clone()),
            Cell::Stamp(c.status_since),
            opt(None),
            Cell::Date(c.opened_on),
            text(&c.next_action),
            Cell::OptDate(c.next_action_due),
            Cell::OptDate(c.handover_on),
            Cell::OptDate(c.submitted_on),
            opt(None),
            Cell::Stamp(c.created_at),
            Cell::Stamp(c.updated_at),
            Cell::BigInt(c.version),
        ]);
    }
    b.flush(conn)?;
    let mut b = Bulk::new(
        "case_members",
        &["case_id", "person_id", "organisation_id", "destination", "is_open", "submitted_outcome", "added_at"],
    );
    for m in &members {
        b.push(vec![
            text(m.case_id.as_str()),
            text(m.person_id.as_str()),
            text(m.organisation_id.as_str()),
            text(m.destination.as_str()),
            Cell::Bool(m.is_open),
            opt(m.submitted_outcome.map(|o| o.as_str().to_string())),
            Cell::Stamp(m.added_at),
        ]);
    }
    b.flush(conn)?;
    let mut b = Bulk::new(
        "case_events",
        &["id", "case_id", "organisation_id", "kind", "from_status", "to_status", "note", "at"],
    );
    for e in &events {
        b.push(vec![
            text(&e.id),
            text(e.case_id.as_str()),
            text(e.organisation_id.as_str()),
            text(e.kind.as_str()),
            opt(e.from_status.map(|x| x.as_str().to_string())),
            opt(e.to_status.map(|x| x.as_str().to_string())),
            text(&e.note),
            Cell::Stamp(e.at),
        ]);
    }
    b.flush(conn)?;
    let mut b = Bulk::new(
        "case_consents",
        &[
            "id",
            "case_id",
            "person_id",
            "organisation_id",
            "given_by",
            "given_by_name",
            "given_on",
            "to_case",
            "to_sharing",
            "recorded_at",
        ],
    );
    for k in &consents {
        b.push(vec![
            text(&k.id),
            text(k.case_id.as_str()),
            text(k.person_id.as_str()),
            text(k.organisation_id.as_str()),
            text(k.given_by.as_str()),
            text(&k.given_by_name),
            Cell::Date(k.given_on),
            Cell::Bool(k.to_case),
            Cell::Bool(k.to_sharing),
            Cell::Stamp(k.recorded_at),
        ]);
    }
    b.flush(conn)?;
    Ok(all_cases.len())
}
