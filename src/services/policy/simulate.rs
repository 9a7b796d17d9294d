//! Simulation of a draft before it is published: everyone with a claim to the draft's country
//! is evaluated under the versions in force and under the draft (as if published on a date),
//! organisation by organisation, in batches of persons by id. Counts cover every organisation;
//! names only the caller's, and only for a caller who may read persons.

use crate::auth::scope::each_organisation;
use crate::auth::OrgScope;
use crate::db::models::PolicyVersionRow;
use crate::db::repo::{facilities, lists, policies};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::{FacilityId, PersonId, PolicyVersionId};
use crate::domain::policy::{summarise, ClaimResult, Outcome, PolicyStatus, PolicyVersion};
use crate::error::{AppError, AppResult};
use crate::services::eligibility::{domain_versions, evaluate, BATCH};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// How a draft would change outcomes compared with the versions in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Simulation {
    pub as_of: NaiveDate,
    pub evaluated: usize,
    pub changed: usize,
    /// "from -> to" -> count.
    pub transitions: BTreeMap<String, usize>,
    /// Facility name (or "not held") -> count of changed persons.
    pub by_facility: BTreeMap<String, usize>,
    /// Changed persons of the caller's organisation, when the caller may see persons.
    pub affected: Vec<AffectedPerson>,
}

/// A person whose outcome the draft would change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AffectedPerson {
    pub person_id: PersonId,
    pub name: String,
    pub from: Outcome,
    pub to: Outcome,
}

/// Evaluates the draft against everyone with a claim to its country, as if published on
/// `as_of`; names go to `names_for` (the caller's scope, when they may read persons).
pub fn simulate(
    conn: &mut DbConnection,
    id: &PolicyVersionId,
    as_of: NaiveDate,
    names_for: Option<&OrgScope>,
) -> AppResult<Simulation> {
    let draft = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
    let country = draft.country_code;
    let current = domain_versions(&policies::published(conn, Some(&country))?)?;
    let mut as_published = PolicyVersionRow {
        status: PolicyStatus::Published,
        effective_from: Some(as_of),
        effective_to: None,
        ..draft.clone()
    };
    as_published.id = draft.id.clone();
    // As if published on `as_of`: earlier versions end the day before, later ones are ignored.
    let mut proposed: Vec<_> = current
        .iter()
        .filter(|v| v.effective_from < as_of)
        .cloned()
        .map(|mut v| {
            if v.effective_to.is_none_or(|t| t >= as_of) {
                v.effective_to = as_of.pred_opt();
            }
            v
        })
        .collect();
    proposed.extend(domain_versions(&[as_published])?);
    compare(conn, &country, &current, &proposed, as_of, names_for)
}

/// Evaluates everyone with a claim to `country` on `as_of` under `before` and under `after`,
/// organisation by organisation in batches, and counts the changed outcomes for that country.
pub fn compare(
    conn: &mut DbConnection,
    country: &CountryCode,
    before: &[PolicyVersion],
    after: &[PolicyVersion],
    as_of: NaiveDate,
    names_for: Option<&OrgScope>,
) -> AppResult<Simulation> {
    let facility_names: HashMap<FacilityId, String> =
        facilities::list(conn)?.into_iter().map(|f| (f.id, f.name)).collect();
    let mut sim = Simulation {
        as_of,
        evaluated: 0,
        changed: 0,
        transitions: BTreeMap::new(),
        by_facility: BTreeMap::new(),
        affected: vec![],
    };
    let pick = |rs: &[ClaimResult]| {
        rs.iter().find(|r| r.country == country.as_str()).map(|r| r.outcome).unwrap_or(summarise(rs))
    };
    for scope in each_organisation(conn)? {
        let show = names_for == Some(&scope);
        let mut last_id: Option<PersonId> = None;
        loop {
            let batch = lists::claimants_after(conn, &scope, country, last_id.as_ref(), BATCH)?;
            let Some(last) = batch.last() else { break };
            last_id = Some(last.id.clone());
            let old = evaluate(conn, &scope, &batch, before, as_of)?;
            let new = evaluate(conn, &scope, &batch, after, as_of)?;
            let ids: Vec<PersonId> = batch.iter().map(|p| p.id.clone()).collect();
            let held: HashMap<PersonId, Option<FacilityId>> = crate::db::repo::persons::derived_of(conn, &scope, &ids)?
                .into_iter()
                .map(|d| (d.person_id, d.current_facility_id))
                .collect();
            for ((p, b), (_, a)) in old.iter().zip(new.iter()) {
                sim.evaluated += 1;
                let (from, to) = (pick(b), pick(a));
                if from == to {
                    continue;
                }
                sim.changed += 1;
                *sim.transitions.entry(format!("{from} -> {to}")).or_default() += 1;
                let facility = held
                    .get(&p.id)
                    .cloned()
                    .flatten()
                    .and_then(|f| facility_names.get(&f).cloned())
                    .unwrap_or_else(|| "not held".into());
                *sim.by_facility.entry(facility).or_default() += 1;
                if show {
                    sim.affected.push(AffectedPerson { person_id: p.id.clone(), name: p.full_name(), from, to });
                }
            }
        }
    }
    Ok(sim)
}
