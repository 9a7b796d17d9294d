//! The deployment-wide backlog: the same counts as each organisation's backlog, summed over
//! every organisation of the deployment, with no personal data and no link to any list, and
//! published through small-count suppression (`domain::case::disclosure`): every count from 1
//! to 4 reads "fewer than 5", and within each row (outcomes add up to the persons held, open
//! statuses to the open cases) and each column (countries add up to the total row) a single
//! hidden cell takes another with it, so no subtraction gives it back.

use super::backlog::{self, BacklogRequest};
use crate::db::DbConnection;
use crate::domain::case::disclosure::{Count, Table};
use crate::domain::case::CaseStatus;
use crate::error::AppResult;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The measures of a row, in order (the outcomes, then the open statuses follow).
const MEASURES: &[&str] =
    &["held", "families", "children_under_18", "unaccompanied_minors", "ageing_out", "declining", "open_cases"];
/// The outcomes, adding up to `held`.
const OUTCOMES: &[&str] =
    &["eligible", "eligible_with_conditions", "case_by_case", "not_eligible", "no_route", "not_evaluated"];

/// One destination across the deployment (or the total row, `country` "ALL").
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeploymentRow {
    pub country: String,
    pub country_name: String,
    /// Each measure: a number, or "fewer than 5".
    #[schema(value_type = Object)]
    pub counts: BTreeMap<String, Count>,
    /// The held persons' outcomes under the policy in force.
    #[schema(value_type = Object)]
    pub outcomes: BTreeMap<String, Count>,
    /// Open cases by status.
    #[schema(value_type = Object)]
    pub open_by_status: BTreeMap<String, Count>,
}

/// The deployment-wide backlog.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeploymentBacklog {
    pub as_of: NaiveDate,
    /// How many organisations the counts cover.
    pub organisations: usize,
    pub countries: Vec<DeploymentRow>,
    /// Sums over the countries (a person with two nationalities counts in both).
    pub total: DeploymentRow,
}

/// Raw sums of one destination, before publication.
#[derive(Default, Clone)]
struct Raw {
    name: String,
    measures: Vec<i64>,
    outcomes: Vec<i64>,
    statuses: Vec<i64>,
}

fn open_statuses() -> Vec<CaseStatus> {
    CaseStatus::open().collect()
}

/// Sums every organisation's backlog and publishes it with suppression.
pub fn deployment(conn: &mut DbConnection, req: &BacklogRequest) -> AppResult<DeploymentBacklog> {
    let scopes = crate::auth::scope::each_organisation(conn)?;
    let open = open_statuses();
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    for scope in &scopes {
        for c in backlog::all(conn, scope, req)?.countries {
            let r = raw.entry(c.country.clone()).or_insert_with(|| Raw {
                name: c.country_name.clone(),
                measures: vec![0; MEASURES.len()],
                outcomes: vec![0; OUTCOMES.len()],
                statuses: vec![0; open.len()],
            });
            let m = [
                c.held.n,
                c.families.n,
                c.children_under_18.n,
                c.unaccompanied_minors.n,
                c.ageing_out.n,
                c.declining.n,
                c.cases.open.n,
            ];
            for (i, n) in m.into_iter().enumerate() {
                r.measures[i] += n;
            }
            let o = &c.outcomes;
            let outs = [
                o.eligible.n,
                o.eligible_with_conditions.n,
                o.case_by_case.n,
                o.not_eligible.n,
                o.no_route.n,
                o.not_evaluated.n,
            ];
            for (i, n) in outs.into_iter().enumerate() {
                r.outcomes[i] += n;
            }
            for s in &c.cases.by_status {
                if let Some(i) = open.iter().position(|x| *x == s.status) {
                    r.statuses[i] += s.cases.n;
                }
            }
        }
    }
    let mut rows: Vec<(String, Raw)> = raw.into_iter().collect();
    rows.sort_by(|a, b| b.1.measures[0].cmp(&a.1.measures[0]).then_with(|| a.0.cmp(&b.0)));
    let mut total = Raw {
        name: String::new(),
        measures: vec![0; MEASURES.len()],
        outcomes: vec![0; OUTCOMES.len()],
        statuses: vec![0; open.len()],
    };
    for (_, r) in &rows {
        for (t, n) in total.measures.iter_mut().zip(&r.measures) {
            *t += n;
        }
        for (t, n) in total.outcomes.iter_mut().zip(&r.outcomes) {
            *t += n;
        }
        for (t, n) in total.statuses.iter_mut().zip(&r.statuses) {
            *t += n;
        }
    }
    // Lay every count out in one table, with the groups that add up to a published total.
    let mut t = Table::new();
    let place = |t: &mut Table, r: &Raw| -> (Vec<usize>, Vec<usize>, Vec<usize>) {
        let m: Vec<usize> = r.measures.iter().map(|n| t.cell(*n)).collect();
        let o: Vec<usize> = r.outcomes.iter().map(|n| t.cell(*n)).collect();
        let s: Vec<usize> = r.statuses.iter().map(|n| t.cell(*n)).collect();
        t.group(m[0], o.clone());
        t.group(m[6], s.clone());
        (m, o, s)
    };
    let placed: Vec<_> = rows.iter().map(|(_, r)| place(&mut t, r)).collect();
    let tp = place(&mut t, &total);
    for i in 0..MEASURES.len() {
        t.group(tp.0[i], placed.iter().map(|p| p.0[i]).collect());
    }
    for i in 0..OUTCOMES.len() {
        t.group(tp.1[i], placed.iter().map(|p| p.1[i]).collect());
    }
    for i in 0..open.len() {
        t.group(tp.2[i], placed.iter().map(|p| p.2[i]).collect());
    }
    let out = t.publish();
    let row = |code: &str, name: &str, p: &(Vec<usize>, Vec<usize>, Vec<usize>)| DeploymentRow {
        country: code.to_string(),
        country_name: name.to_string(),
        counts: MEASURES.iter().zip(&p.0).map(|(k, i)| (k.to_string(), out[*i])).collect(),
        outcomes: OUTCOMES.iter().zip(&p.1).map(|(k, i)| (k.to_string(), out[*i])).collect(),
        open_by_status: open.iter().zip(&p.2).map(|(s, i)| (s.as_str().to_string(), out[*i])).collect(),
    };
    Ok(DeploymentBacklog {
        as_of: req.as_of,
        organisations: scopes.len(),
        countries: rows.iter().zip(&placed).map(|((code, r), p)| row(code, &r.name, p)).collect(),
        total: row("ALL", "", &tp),
    })
}
