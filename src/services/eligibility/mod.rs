//! Evaluating persons against the published policies and storing the results: for the persons
//! a write touched (at the end of its unit of work), and for everyone (a background job after a
//! policy or facility change, and daily as birthdays pass). Reading results back is in `reads`.
//!
//! Everyone is walked per organisation in batches of [`BATCH`] persons by id (keyset), one
//! transaction per batch, so that neither the transaction nor any bound id list grows with the
//! data.

pub mod facts;
pub mod reads;

use crate::auth::scope::each_organisation;
use crate::auth::OrgScope;
use crate::clock::Clock;
use crate::db::models::{EligibilityRow, PersonRow, PolicyVersionRow};
use crate::db::repo::{kinships, persons, policies};
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::PersonId;
use crate::domain::policy::{evaluate_claim, ClaimResult, PolicyStatus, PolicyVersion, Rule};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};

/// Persons evaluated per transaction.
pub const BATCH: i64 = 500;

/// Published rows as the domain evaluates them (rows without a start date are skipped).
pub fn domain_versions(rows: &[PolicyVersionRow]) -> AppResult<Vec<PolicyVersion>> {
    rows.iter()
        .filter(|r| r.status == PolicyStatus::Published)
        .filter_map(|r| r.effective_from.map(|from| (r, from)))
        .map(|(r, from)| {
            let rules: Vec<Rule> = serde_json::from_str(&r.rules)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("stored rules of {} are invalid: {e}", r.id)))?;
            Ok(PolicyVersion {
                id: r.id.to_string(),
                country: r.country_code.to_string(),
                number: r.number,
                effective_from: from,
                effective_to: r.effective_to,
                rules,
            })
        })
        .collect()
}

/// Every published version, ready to evaluate.
pub fn published(conn: &mut DbConnection) -> AppResult<Vec<PolicyVersion>> {
    domain_versions(&policies::published(conn, None)?)
}

/// Evaluates each person's claims on `on` (a batch of the scope's persons).
pub fn evaluate(
    conn: &mut DbConnection,
    scope: &OrgScope,
    batch: &[PersonRow],
    versions: &[PolicyVersion],
    on: NaiveDate,
) -> AppResult<Vec<(PersonRow, Vec<ClaimResult>)>> {
    let loaded = facts::load(conn, scope, batch)?;
    batch
        .iter()
        .map(|p| {
            let f = loaded.facts(p, on)?;
            let results = loaded
                .claims
                .get(&p.id)
                .map(|cs| {
                    cs.iter()
                        .map(|c| {
                            let decision = c.decision.get()?;
                            Ok(evaluate_claim(versions, c.country_code.as_str(), c.status, decision, &f, on))
                        })
                        .collect::<AppResult<Vec<_>>>()
                })
                .transpose()?
                .unwrap_or_default();
            Ok((p.clone(), results))
        })
        .collect()
}

fn store(
    conn: &mut DbConnection,
    scope: &OrgScope,
    evaluated: &[(PersonRow, Vec<ClaimResult>)],
    on: NaiveDate,
    at: NaiveDateTime,
) -> AppResult<()> {
    let ids: Vec<PersonId> = evaluated.iter().map(|(p, _)| p.id.clone()).collect();
    let mut rows = Vec::new();
    for (p, results) in evaluated {
        for r in results {
            rows.push(EligibilityRow {
                person_id: p.id.clone(),
                country_code: crate::domain::country::CountryCode::parse(&r.country)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?,
                organisation_id: p.organisation_id.clone(),
                outcome: r.outcome,
                uncertain: r.uncertain.is_some(),
                policy_version_id: r.version_id.clone(),
                changes_on: r.changes_on,
                changes_to: r.changes_to,
                change_reason: r.change_reason,
                result: serde_json::to_string(r).map_err(|e| AppError::Internal(e.into()))?,
                evaluated_on: on,
                evaluated_at: at,
            });
        }
    }
    policies::replace_results(conn, scope, &ids, &rows)?;
    Ok(())
}

/// Re-evaluates these persons and stores the results, in the caller's transaction.
pub fn reevaluate(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId], clock: &Clock) -> AppResult<usize> {
    let batch = persons::by_ids(conn, scope, ids)?;
    let versions = published(conn)?;
    let on = clock.today();
    let evaluated = evaluate(conn, scope, &batch, &versions, on)?;
    store(conn, scope, &evaluated, on, clock.now())?;
    Ok(batch.len())
}

/// Re-evaluates the persons a write touched and their kin (a parent's outcome reads a child's
/// age and custody), each once.
pub fn reevaluate_with_kin(
    conn: &mut DbConnection,
    scope: &OrgScope,
    touched: &[PersonId],
    clock: &Clock,
) -> AppResult<usize> {
    let mut ids: Vec<PersonId> = touched.to_vec();
    for k in kinships::of(conn, scope, touched)? {
        ids.push(k.person_id);
        ids.push(k.relative_id);
    }
    ids.sort();
    ids.dedup();
    reevaluate(conn, scope, &ids, clock)
}

/// Re-evaluates everyone, organisation by organisation, a batch per transaction; `progress`
/// hears (done, total) after each batch. Returns how many persons were evaluated.
pub fn reevaluate_all(
    conn: &mut DbConnection,
    clock: &Clock,
    mut progress: impl FnMut(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<i64> {
    let versions = published(conn)?;
    let on = clock.today();
    let scopes = each_organisation(conn)?;
    let mut total = 0;
    for scope in &scopes {
        total += persons::count(conn, scope)?;
    }
    let mut done = 0;
    progress(conn, done, total)?;
    for scope in &scopes {
        let mut after: Option<PersonId> = None;
        loop {
            let batch = persons::batch_after(conn, scope, after.as_ref(), BATCH)?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id.clone());
            write_tx(conn, |conn| {
                let evaluated = evaluate(conn, scope, &batch, &versions, on)?;
                store(conn, scope, &evaluated, on, clock.now())
            })?;
            done += batch.len() as i64;
            progress(conn, done, total.max(done))?;
        }
    }
    Ok(done)
}
