//! Evaluating persons against the published policies and storing the results: for the persons
//! a write touched (at the end of its unit of work), and for everyone (a background job after a
//! policy or facility change, and daily as birthdays pass). Reading results back is in `reads`.
//!
//! Everyone is walked set-wise, per organisation in chunks of ids (see [`walk`]): neither a
//! transaction nor any bound list grows with the data.

pub mod facts;
pub mod reads;
pub mod walk;

pub use walk::{reevaluate_all, Walked};

use crate::auth::OrgScope;
use crate::clock::Clock;
use crate::db::models::{EligibilityRow, PersonRow, PolicyVersionRow};
use crate::db::repo::{kinships, persons, policies};
use crate::db::DbConnection;
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

/// A claim's result as stored.
pub(crate) fn to_row(p: &PersonRow, r: &ClaimResult, on: NaiveDate, at: NaiveDateTime) -> AppResult<EligibilityRow> {
    Ok(EligibilityRow {
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
    })
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
            rows.push(to_row(p, r, on, at)?);
        }
    }
    // Two registry writes evaluate each other's kin at the same time on PostgreSQL (each holds
    // the evaluation lock shared): their replacements of stored results and of the backlog's
    // prepared counts would interleave and count a person twice. One organisation's writes
    // take turns from here to their commit; SQLite's single writer already does.
    walk::lock_organisation(conn, scope)?;
    let t = std::time::Instant::now();
    policies::replace_results(conn, scope, &ids, &rows)?;
    tracing::trace!(ms = t.elapsed().as_millis(), "results replaced");
    // The backlog's prepared counts follow the results (and the facts the unit refreshed).
    crate::db::repo::backlog_facts::refresh(conn, scope, crate::db::repo::backlog_facts::Persons::Ids(&ids))?;
    Ok(())
}

/// Re-evaluates these persons and stores the results, in the caller's transaction.
pub fn reevaluate(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId], clock: &Clock) -> AppResult<usize> {
    let t = std::time::Instant::now();
    let batch = persons::by_ids(conn, scope, ids)?;
    let versions = published(conn)?;
    let read_ms = t.elapsed().as_millis();
    let on = clock.today();
    let evaluated = evaluate(conn, scope, &batch, &versions, on)?;
    let evaluate_ms = t.elapsed().as_millis() - read_ms;
    store(conn, scope, &evaluated, on, clock.now())?;
    tracing::trace!(
        persons = batch.len(),
        read_ms,
        evaluate_ms,
        total_ms = t.elapsed().as_millis(),
        "persons re-evaluated"
    );
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
    // The kin of all of them first (in chunks of ids), so that each is evaluated once.
    for chunk in touched.chunks(500) {
        for k in kinships::of(conn, scope, chunk)? {
            ids.push(k.person_id);
            ids.push(k.relative_id);
        }
    }
    ids.sort();
    ids.dedup();
    // A bounded number of ids per query, however many kin a large write reaches.
    let mut n = 0;
    for chunk in ids.chunks(1_000) {
        n += reevaluate(conn, scope, chunk, clock)?;
    }
    Ok(n)
}
