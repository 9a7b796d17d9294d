//! The admin workflow: a draft made from the version in force, rule editing with validation,
//! simulation against the version in force, publication (closing the previous period) and
//! retirement. Published versions are never edited in place.

use super::evaluation::{domain_versions, evaluate, reevaluate_all};
use crate::db::models::PolicyVersionRow;
use crate::db::repo::{new_id, organisations, policies, registry, OrgScope, Page};
use crate::db::{write_tx, DbConnection};
use crate::domain::policy::validate::check_rules;
use crate::domain::policy::{summarise, Outcome, Rule};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

fn conflict(current: i64) -> AppError {
    crate::services::registry::conflict("policy version", current)
}

/// Parses rules or answers 422 saying what is wrong and where.
pub fn parse_rules(rules: &serde_json::Value) -> AppResult<Vec<Rule>> {
    let parsed: Vec<Rule> = serde_json::from_value(rules.clone())
        .map_err(|e| AppError::field("rules", format!("not a valid rule list: {e}")))?;
    let errors = check_rules(&parsed);
    if !errors.is_empty() {
        return Err(AppError::Validation { message: "some rules are not valid".into(), fields: errors });
    }
    Ok(parsed)
}

/// The published version of a country in force on `on`.
pub fn in_force(conn: &mut DbConnection, country: &str, on: NaiveDate) -> AppResult<Option<PolicyVersionRow>> {
    Ok(policies::versions_of(conn, country)?
        .into_iter()
        .filter(|v| v.status == "published")
        .find(|v| v.effective_from.is_some_and(|f| f <= on) && v.effective_to.is_none_or(|t| on <= t)))
}

/// Creates a draft for a country, copied from the version in force today (or empty).
pub fn create_draft(conn: &mut DbConnection, ctx: &AuditCtx, country: &str) -> AppResult<PolicyVersionRow> {
    if !crate::db::repo::countries::exists(conn, country)? {
        return Err(AppError::NotFound);
    }
    write_tx(conn, |conn| {
        let base = in_force(conn, country, ctx.today())?;
        let default_rules = r#"[{"when":{"type":"always"},"outcome":"case_by_case","explanation":"Case by case."}]"#;
        let at = ctx.now();
        let row = PolicyVersionRow {
            id: new_id(),
            country_code: country.into(),
            number: policies::next_number(conn, country)?,
            status: "draft".into(),
            effective_from: None,
            effective_to: None,
            summary: base.as_ref().map(|b| b.summary.clone()).unwrap_or_default(),
            source: base.as_ref().map(|b| b.source.clone()).unwrap_or_default(),
            source_url: base.as_ref().map(|b| b.source_url.clone()).unwrap_or_default(),
            note: base.as_ref().map(|b| b.note.clone()).unwrap_or_default(),
            rules: base.as_ref().map(|b| b.rules.clone()).unwrap_or_else(|| default_rules.into()),
            seed_hash: None,
            based_on: base.map(|b| b.id),
            created_at: at,
            updated_at: at,
            published_at: None,
            retired_at: None,
            version: 1,
        };
        policies::insert(conn, &row)?;
        audit::record(conn, ctx, "policy.draft.create", Some(("policy_version", &row.id)), "success")?;
        Ok(row)
    })
}

/// The editable fields of a draft.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DraftEdit {
    pub summary: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub source_url: String,
    #[serde(default)]
    pub note: String,
    /// The ordered rules (see `Rule`); the last must be `{"type": "always"}`.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
}

/// Saves a draft's fields and rules (422 with the rule paths at fault; 409 if stale).
pub fn edit_draft(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &str,
    expected: i64,
    edit: DraftEdit,
) -> AppResult<PolicyVersionRow> {
    let rules = parse_rules(&edit.rules)?;
    if edit.summary.chars().count() > 2000 {
        return Err(AppError::field("summary", "must be at most 2000 characters"));
    }
    write_tx(conn, |conn| {
        let current = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
        if current.status != "draft" {
            return Err(AppError::field("status", "only a draft can be edited; create a new draft instead"));
        }
        if current.version != expected {
            return Err(conflict(current.version));
        }
        let next = PolicyVersionRow {
            summary: edit.summary.trim().into(),
            source: edit.source.trim().into(),
            source_url: edit.source_url.trim().into(),
            note: edit.note.trim().into(),
            rules: serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.into()))?,
            updated_at: ctx.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if !policies::update(conn, &next, expected)? {
            return Err(conflict(current.version + 1));
        }
        audit::record(conn, ctx, "policy.draft.update", Some(("policy_version", id)), "success")?;
        Ok(next)
    })
}

/// Publishes a draft from `from` (to `to`, or open-ended); the version in force on `from` ends
/// the day before. Refused if it would overlap a later published version.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &str,
    expected: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> AppResult<PolicyVersionRow> {
    if to.is_some_and(|t| t < from) {
        return Err(AppError::field("effective_to", "must not be before effective_from"));
    }
    let row = write_tx(conn, |conn| {
        let current = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
        if current.status != "draft" {
            return Err(AppError::field("status", "only a draft can be published"));
        }
        if current.version != expected {
            return Err(conflict(current.version));
        }
        let rules: serde_json::Value =
            serde_json::from_str(&current.rules).map_err(|e| AppError::Internal(e.into()))?;
        parse_rules(&rules)?;
        for other in policies::versions_of(conn, &current.country_code)?.into_iter().filter(|v| v.status == "published")
        {
            let Some(start) = other.effective_from else { continue };
            if start >= from {
                return Err(AppError::field(
                    "effective_from",
                    format!(
                        "overlaps published version {} (from {start}); retire it first or choose a later date",
                        other.number
                    ),
                ));
            }
            if other.effective_to.is_none_or(|t| t >= from) {
                let prev_end = from.pred_opt().unwrap_or(from);
                let closed = PolicyVersionRow {
                    effective_to: Some(prev_end),
                    updated_at: ctx.now(),
                    version: other.version + 1,
                    ..other.clone()
                };
                policies::update(conn, &closed, other.version)?;
                audit::record(conn, ctx, "policy.version.close", Some(("policy_version", &other.id)), "success")?;
            }
        }
        let at = ctx.now();
        let next = PolicyVersionRow {
            status: "published".into(),
            effective_from: Some(from),
            effective_to: to,
            published_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        if !policies::update(conn, &next, expected)? {
            return Err(conflict(current.version + 1));
        }
        audit::record(conn, ctx, "policy.publish", Some(("policy_version", id)), "success")?;
        Ok(next)
    })?;
    reevaluate_all(conn, &ctx.clock)?;
    Ok(row)
}

/// Retires a published version (it no longer applies); everyone is re-evaluated.
pub fn retire(conn: &mut DbConnection, ctx: &AuditCtx, id: &str, expected: i64) -> AppResult<PolicyVersionRow> {
    let row = write_tx(conn, |conn| {
        let current = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
        if current.status == "retired" {
            return Err(AppError::field("status", "already retired"));
        }
        if current.version != expected {
            return Err(conflict(current.version));
        }
        let at = ctx.now();
        let next = PolicyVersionRow {
            status: "retired".into(),
            retired_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        policies::update(conn, &next, expected)?;
        audit::record(conn, ctx, "policy.retire", Some(("policy_version", id)), "success")?;
        Ok(next)
    })?;
    reevaluate_all(conn, &ctx.clock)?;
    Ok(row)
}

/// How a draft would change outcomes compared with the version in force.
#[derive(Debug, Serialize, ToSchema)]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct AffectedPerson {
    pub person_id: String,
    pub name: String,
    pub from: Outcome,
    pub to: Outcome,
}

/// Evaluates everyone with a claim to the draft's country under the version in force and under
/// the draft (as if published on `as_of`). Counts cover every organisation; names only the
/// caller's, and only if `show_persons`.
pub fn simulate(
    conn: &mut DbConnection,
    id: &str,
    as_of: NaiveDate,
    caller: &OrgScope,
    show_persons: bool,
) -> AppResult<Simulation> {
    let draft = policies::find(conn, id)?.ok_or(AppError::NotFound)?;
    let country = draft.country_code.clone();
    let current = domain_versions(&policies::published(conn, Some(std::slice::from_ref(&country)))?)?;
    let mut as_published = PolicyVersionRow {
        status: "published".into(),
        effective_from: Some(as_of),
        effective_to: None,
        ..draft.clone()
    };
    as_published.id = format!("draft:{}", draft.id);
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
    let facility_names: std::collections::HashMap<String, String> =
        crate::db::repo::facilities::list(conn)?.into_iter().map(|f| (f.id, f.name)).collect();
    let mut sim = Simulation {
        as_of,
        evaluated: 0,
        changed: 0,
        transitions: BTreeMap::new(),
        by_facility: BTreeMap::new(),
        affected: vec![],
    };
    for org in organisations::list(conn)? {
        let scope = OrgScope::new(org.id.clone());
        let filter =
            crate::db::repo::registry::PersonFilter { nationality: Some(country.clone()), ..Default::default() };
        let (persons, _) = registry::list_persons(conn, &scope, &filter, Page { limit: 100_000, offset: 0 })?;
        let before = evaluate(conn, &scope, &persons, &current, as_of)?;
        let after = evaluate(conn, &scope, &persons, &proposed, as_of)?;
        for ((p, b), (_, a)) in before.iter().zip(after.iter()) {
            sim.evaluated += 1;
            let pick = |rs: &[crate::domain::policy::ClaimResult]| {
                rs.iter().find(|r| r.country == country).map(|r| r.outcome).unwrap_or(summarise(rs))
            };
            let (from, to) = (pick(b), pick(a));
            if from == to {
                continue;
            }
            sim.changed += 1;
            *sim.transitions.entry(format!("{from} -> {to}")).or_default() += 1;
            let facility = p
                .current_facility_id
                .as_ref()
                .and_then(|f| facility_names.get(f).cloned())
                .unwrap_or_else(|| "not held".into());
            *sim.by_facility.entry(facility).or_default() += 1;
            if show_persons && &scope == caller {
                sim.affected.push(AffectedPerson {
                    person_id: p.id.clone(),
                    name: format!("{} {}", p.given_name, p.family_name),
                    from,
                    to,
                });
            }
        }
    }
    Ok(sim)
}
