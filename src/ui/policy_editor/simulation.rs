//! The simulation of a draft in words, and its page: `GET /policy-versions/{id}/simulate?as_of=`
//! for coordinators and stewards (the draft read-only, how outcomes would change if it were
//! published on that date, counts over every organisation, names of the reader's own only).

use super::{load, SimView};
use crate::auth::permissions::SimulatePolicy;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::PolicyVersionId;
use crate::domain::policy::Outcome;
use crate::error::AppResult;
use crate::http::db;
use crate::i18n::I18n;
use crate::services::policy::simulate::{self, Simulation};
use crate::services::policy::views::PolicyVersionView;
use crate::ui::forms::{page, see_other, Nav, Words as _};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

impl SimView {
    /// A simulation's counts with outcomes and places in the reader's words.
    pub fn of(i18n: &I18n, sim: &Simulation) -> SimView {
        let label = |o: &str| o.parse::<Outcome>().map(|o| i18n.outcome(&o)).unwrap_or_else(|_| o.to_string());
        let mut transitions: Vec<(String, String, String, usize)> = sim
            .transitions
            .iter()
            .map(|(t, n)| {
                let (from, to) = t.split_once(" -> ").unwrap_or((t, ""));
                (from.to_string(), label(from), label(to), *n)
            })
            .collect();
        transitions.sort_by_key(|t| std::cmp::Reverse(t.3));
        let mut by_facility: Vec<(String, usize)> = sim
            .by_facility
            .iter()
            .map(|(f, n)| (if f == "not held" { i18n.t("pe-sim-not-held") } else { f.clone() }, *n))
            .collect();
        by_facility.sort_by_key(|f| std::cmp::Reverse(f.1));
        let mut affected: Vec<(String, String, String)> =
            sim.affected.iter().map(|a| (a.name.clone(), i18n.outcome(&a.from), i18n.outcome(&a.to))).collect();
        affected.sort();
        SimView {
            as_of: sim.as_of,
            evaluated: sim.evaluated,
            changed: sim.changed,
            transitions,
            by_facility,
            affected,
            names_shown: false,
        }
    }

    /// Says whether the reader may see names at all (the page explains why there are none).
    pub fn with_names(self, shown: bool) -> SimView {
        SimView { names_shown: shown, ..self }
    }
}

/// `GET /policy-versions/{id}/simulate`.
#[derive(Template)]
#[template(path = "policies/simulate.html")]
pub struct SimulatePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub v: PolicyVersionView,
    pub as_of: String,
    pub as_of_error: String,
    pub sim: Option<SimView>,
    pub today: NaiveDate,
}

impl SimulatePage {
    pub fn rule(&self, r: &crate::domain::policy::Rule) -> String {
        self.i18n.rule(r)
    }
}

/// The `as_of` asked for, or today; with a message when it is not a date.
pub fn as_of(i18n: &I18n, raw: &str, today: NaiveDate) -> (NaiveDate, String, String) {
    let raw = raw.trim();
    if raw.is_empty() {
        return (today, today.to_string(), String::new());
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => (d, raw.to_string(), String::new()),
        Err(_) => (today, raw.to_string(), i18n.t("err-date-format")),
    }
}

/// `GET /policy-versions/{id}/simulate?as_of=DATE`.
pub async fn show(
    req: HttpRequest,
    user: Can<SimulatePolicy>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let i18n = I18n::of_request(&req);
    let q = super::body::Body::of_str(req.query_string());
    let today = user.today();
    let (on, typed, error) = as_of(&i18n, q.get("as_of"), today);
    let v = load(&pool, id.clone()).await?;
    let names_for = user.registry_scope();
    let sim = if error.is_empty() {
        let i = id.clone();
        let sim = db(&pool, move |conn| simulate::simulate(conn, &i, on, names_for.as_ref())).await?;
        Some(SimView::of(&i18n, &sim).with_names(user.registry_scope().is_some()))
    } else {
        None
    };
    let path = format!("/policy-versions/{id}/simulate");
    let status = if error.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(status, &SimulatePage { i18n, path, nav: Nav::of(&user), v, as_of: typed, as_of_error: error, sim, today })
}

/// `POST /policy-versions/{id}/simulate` (the editor's former button): the same page.
pub async fn post(
    _user: Can<SimulatePolicy>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let b = super::body::Body::parse(&body)?;
    let query = serde_urlencoded::to_string([("as_of", b.get("as_of"))]).unwrap_or_default();
    Ok(see_other(&format!("/policy-versions/{}/simulate?{query}", id.into_inner())))
}
