//! Evaluating persons against the published policies, storing the results, and reading them
//! back: per person, per family (with separation risk) and the aging-out watch.

use super::facts;
use crate::clock::Clock;
use crate::db::models::{EligibilityRow, PersonRow, PolicyVersionRow};
use crate::db::repo::{organisations, policies, registry, OrgScope, Page};
use crate::db::{write_tx, DbConnection};
use crate::domain::nationality::ClaimStatus;
use crate::domain::policy::{evaluate_claim, summarise, ClaimResult, Outcome, PolicyVersion, Rule};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

/// Persons evaluated per transaction.
const BATCH: i64 = 500;

/// Published rows as the domain evaluates them (rows without a start date are skipped).
pub fn domain_versions(rows: &[PolicyVersionRow]) -> AppResult<Vec<PolicyVersion>> {
    rows.iter()
        .filter(|r| r.status == "published")
        .filter_map(|r| r.effective_from.map(|from| (r, from)))
        .map(|(r, from)| {
            let rules: Vec<Rule> = serde_json::from_str(&r.rules)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("stored rules of {} are invalid: {e}", r.id)))?;
            Ok(PolicyVersion {
                id: r.id.clone(),
                country: r.country_code.clone(),
                number: r.number,
                effective_from: from,
                effective_to: r.effective_to,
                rules,
            })
        })
        .collect()
}

/// Evaluates each person's claims on `on`.
pub fn evaluate(
    conn: &mut DbConnection,
    scope: &OrgScope,
    persons: &[PersonRow],
    versions: &[PolicyVersion],
    on: NaiveDate,
) -> AppResult<Vec<(PersonRow, Vec<ClaimResult>)>> {
    let batch = facts::load(conn, scope, persons)?;
    Ok(persons
        .iter()
        .map(|p| {
            let f = batch.facts(p, on);
            let results = batch
                .claims
                .get(&p.id)
                .map(|cs| {
                    cs.iter()
                        .filter_map(|c| {
                            let status = c.status.parse::<ClaimStatus>().ok()?;
                            Some(evaluate_claim(versions, &c.country_code, status, c.decision_date, &f, on))
                        })
                        .collect()
                })
                .unwrap_or_default();
            (p.clone(), results)
        })
        .collect())
}

fn store(
    conn: &mut DbConnection,
    evaluated: &[(PersonRow, Vec<ClaimResult>)],
    on: NaiveDate,
    at: NaiveDateTime,
) -> AppResult<()> {
    let ids: Vec<String> = evaluated.iter().map(|(p, _)| p.id.clone()).collect();
    let mut rows = Vec::new();
    for (p, results) in evaluated {
        for r in results {
            rows.push(EligibilityRow {
                person_id: p.id.clone(),
                country_code: r.country.clone(),
                organisation_id: p.organisation_id.clone(),
                outcome: r.outcome.as_str().into(),
                uncertain: r.uncertain.is_some(),
                policy_version_id: r.version_id.clone(),
                changes_on: r.changes_on,
                changes_to: r.changes_to.map(|o| o.as_str().to_string()),
                change_reason: r.change_reason.clone(),
                result: serde_json::to_string(r).map_err(|e| AppError::Internal(e.into()))?,
                evaluated_on: on,
                evaluated_at: at,
            });
        }
    }
    policies::replace_results(conn, &ids, &rows)?;
    Ok(())
}

/// Re-evaluates these persons (and stores the results) inside the caller's transaction.
pub fn reevaluate_persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    ids: &[String],
    clock: &Clock,
) -> AppResult<usize> {
    let persons = registry::persons_by_ids(conn, scope, ids)?;
    let versions = domain_versions(&policies::published(conn, None)?)?;
    let on = clock.today();
    let evaluated = evaluate(conn, scope, &persons, &versions, on)?;
    store(conn, &evaluated, on, clock.now())?;
    Ok(persons.len())
}

/// Re-evaluates everyone, one transaction per batch (after a publication, and daily for ages).
pub fn reevaluate_all(conn: &mut DbConnection, clock: &Clock) -> AppResult<usize> {
    let versions = domain_versions(&policies::published(conn, None)?)?;
    let on = clock.today();
    let mut count = 0;
    for org in organisations::list(conn)? {
        let scope = OrgScope::new(org.id);
        let mut offset = 0;
        loop {
            let (persons, total) =
                registry::list_persons(conn, &scope, &Default::default(), Page { limit: BATCH, offset })?;
            if persons.is_empty() {
                break;
            }
            write_tx(conn, |conn| {
                let evaluated = evaluate(conn, &scope, &persons, &versions, on)?;
                store(conn, &evaluated, on, clock.now())
            })?;
            count += persons.len();
            offset += BATCH;
            if offset >= total {
                break;
            }
        }
    }
    Ok(count)
}

/// A person's results: stored ones for today, computed ones for another date.
pub fn person_results(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &str,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> AppResult<Vec<ClaimResult>> {
    let person = registry::find_person(conn, scope, id)?.ok_or(AppError::NotFound)?;
    if as_of.is_none_or(|d| d == today) {
        let stored = policies::results_for(conn, scope, std::slice::from_ref(&person.id))?;
        if stored.iter().all(|r| r.evaluated_on == today) && !stored.is_empty() {
            return stored
                .iter()
                .map(|r| serde_json::from_str(&r.result).map_err(|e| AppError::Internal(e.into())))
                .collect();
        }
    }
    let on = as_of.unwrap_or(today);
    let versions = domain_versions(&policies::published(conn, None)?)?;
    Ok(evaluate(conn, scope, &[person], &versions, on)?.pop().map(|(_, r)| r).unwrap_or_default())
}

/// One member's evaluation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberEligibility {
    pub person_id: String,
    pub name: String,
    /// The best outcome across the member's claims.
    pub outcome: Outcome,
    pub uncertain: bool,
    pub results: Vec<ClaimResult>,
}

/// A family's evaluation with its flags.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyEligibility {
    pub as_of: NaiveDate,
    pub members: Vec<MemberEligibility>,
    pub all_eligible: bool,
    pub none_eligible: bool,
    /// Some members may return and others not (e.g. a children-only policy).
    pub separation_risk: bool,
}

fn is_eligible(o: Outcome) -> bool {
    matches!(o, Outcome::Eligible | Outcome::EligibleWithConditions)
}

/// Every member's outcome and the family flags, on `on`.
pub fn family(
    conn: &mut DbConnection,
    scope: &OrgScope,
    family_id: &str,
    on: NaiveDate,
) -> AppResult<FamilyEligibility> {
    registry::find_family(conn, scope, family_id)?.ok_or(AppError::NotFound)?;
    let members = registry::family_members(conn, scope, family_id)?;
    let versions = domain_versions(&policies::published(conn, None)?)?;
    let evaluated = evaluate(conn, scope, &members, &versions, on)?;
    let members: Vec<MemberEligibility> = evaluated
        .into_iter()
        .filter(|(p, _)| p.date_of_death.is_none())
        .map(|(p, results)| MemberEligibility {
            outcome: summarise(&results),
            uncertain: results.iter().any(|r| r.uncertain.is_some()),
            person_id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            results,
        })
        .collect();
    let eligible = members.iter().filter(|m| is_eligible(m.outcome)).count();
    Ok(FamilyEligibility {
        as_of: on,
        all_eligible: !members.is_empty() && eligible == members.len(),
        none_eligible: eligible == 0,
        separation_risk: eligible > 0 && eligible < members.len(),
        members,
    })
}

/// A person whose outcome gets worse because of age, soon.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgingOut {
    pub person_id: String,
    pub name: String,
    pub family_id: Option<String>,
    pub country: String,
    pub outcome: Outcome,
    pub changes_on: NaiveDate,
    pub changes_to: Outcome,
    pub explanation: String,
}

/// The organisation's persons whose outcome gets worse within `days` of `today` because of
/// age, by date.
pub fn aging_out(conn: &mut DbConnection, scope: &OrgScope, days: i64, today: NaiveDate) -> AppResult<Vec<AgingOut>> {
    let until = today + chrono::Duration::days(days);
    let rows = policies::age_changes_until(conn, scope, until)?;
    let ids: Vec<String> = rows.iter().map(|r| r.person_id.clone()).collect();
    let persons: std::collections::HashMap<String, PersonRow> =
        registry::persons_by_ids(conn, scope, &ids)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let mut out = Vec::new();
    for r in rows {
        let (Some(p), Some(on), Ok(now_o), Some(Ok(to))) = (
            persons.get(&r.person_id),
            r.changes_on,
            r.outcome.parse::<Outcome>(),
            r.changes_to.as_deref().map(str::parse::<Outcome>),
        ) else {
            continue;
        };
        if to <= now_o || p.date_of_death.is_some() {
            continue;
        }
        let result: ClaimResult = serde_json::from_str(&r.result).map_err(|e| AppError::Internal(e.into()))?;
        out.push(AgingOut {
            person_id: p.id.clone(),
            name: format!("{} {}", p.given_name, p.family_name),
            family_id: p.family_id.clone(),
            country: r.country_code,
            outcome: now_o,
            changes_on: on,
            changes_to: to,
            explanation: result.explanation,
        });
    }
    Ok(out)
}
