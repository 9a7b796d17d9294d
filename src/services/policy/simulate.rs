//! Simulation of a draft before it is published: everyone with a claim to the draft's country
//! is evaluated under the versions in force and under the draft (as if published on a date),
//! organisation by organisation, in batches of persons by id. Counts cover every organisation;
//! names only the caller's, and only for a caller who may read persons.

use crate::auth::scope::each_organisation;
use crate::auth::OrgScope;
use crate::db::models::PolicyVersionRow;
use crate::db::repo::{facilities, policies};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::{FacilityId, PersonId, PolicyVersionId};
use crate::domain::policy::{Outcome, PolicyStatus, PolicyVersion};
use crate::error::{AppError, AppResult};
use crate::services::eligibility::domain_versions;
use crate::services::eligibility::walk::{evaluate_members, for_each_claimant_chunk};
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

/// Most persons a simulation names (the counts cover everyone).
pub const MAX_AFFECTED: usize = 500;

/// Evaluates everyone with a claim to `country` on `as_of` under `before` and under `after`,
/// organisation by organisation in chunks of claimants loaded set-wise, and counts the changed
/// outcomes for that country.
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
    for scope in each_organisation(conn)? {
        let show = names_for == Some(&scope);
        for_each_claimant_chunk(conn, &scope, *country, |_, batch, members| {
            let old = evaluate_members(batch, members, before, as_of, Some(*country))?;
            let new = evaluate_members(batch, members, after, as_of, Some(*country))?;
            for ((i, b), (_, a)) in old.iter().zip(new.iter()) {
                sim.evaluated += 1;
                let (from, to) = (b.outcome, a.outcome);
                if from == to {
                    continue;
                }
                sim.changed += 1;
                *sim.transitions.entry(format!("{from} -> {to}")).or_default() += 1;
                let p = &members[*i];
                let facility = batch
                    .facility_on(&p.id, as_of)
                    .and_then(|f| facility_names.get(&f).cloned())
                    .unwrap_or_else(|| "not held".into());
                *sim.by_facility.entry(facility).or_default() += 1;
                if show && sim.affected.len() < MAX_AFFECTED {
                    sim.affected.push(AffectedPerson { person_id: p.id.clone(), name: p.full_name(), from, to });
                }
            }
            Ok(())
        })?;
    }
    Ok(sim)
}
