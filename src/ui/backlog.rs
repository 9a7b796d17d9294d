//! The coordinator's dashboard: every destination's backlog as a table and a bar chart stacked
//! by outcome (`/backlog`), and one destination's figures with its facilities, cases by status,
//! stuck cases and waiting days (`/backlog/{country}`). Every number links to the list behind
//! it: the API's list paths become the pages that show the same filters.

use super::backlog_chart;
use super::forms::{page, Nav, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::ManageCases;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::FacilityId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::cases::backlog::{self as service, Backlog, BacklogRequest, CountryReport, Figure};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

/// `?facility=&as_of=` as typed.
#[derive(Debug, Default, Deserialize)]
struct Query {
    facility: Option<String>,
    as_of: Option<String>,
}

/// The request for the backlog service, or 422 naming the filter.
fn request(req: &HttpRequest, today: NaiveDate) -> AppResult<(BacklogRequest, String, String)> {
    let q: Query = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let as_of_text = q.as_of.clone().unwrap_or_default();
    let as_of = match as_of_text.trim() {
        "" => None,
        s => Some(
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::field("as_of", "a date (YYYY-MM-DD)"))?,
        ),
    };
    let as_of = crate::http::filters::as_of(as_of, today)?;
    let facility_text = q.facility.clone().unwrap_or_default();
    let facility = match facility_text.trim() {
        "" => None,
        f => Some(FacilityId::parse(f).map_err(|_| AppError::field("facility", "is not a known facility"))?),
    };
    let thresholds = crate::http::settings_of(req)?.case_stuck_days.clone();
    Ok((BacklogRequest { as_of, facility, today, thresholds }, facility_text, as_of_text))
}

/// The page that shows an API list: cases on `/cases`, families on `/families`, persons on
/// `/families?view=persons` (the same filters, one row per matching person).
pub fn page_of(api: &str) -> String {
    api.replacen("/api/v1/cases", "/cases", 1).replacen("/api/v1/persons?", "/families?view=persons&", 1).replacen(
        "/api/v1/families",
        "/families",
        1,
    )
}

/// `GET /backlog`.
#[derive(Template)]
#[template(path = "backlog/index.html")]
pub struct BacklogPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub backlog: Backlog,
    pub chart: String,
    pub facility: String,
    pub as_of: String,
    pub facilities: Vec<(String, String)>,
}

/// `GET /backlog/{country}`.
#[derive(Template)]
#[template(path = "backlog/country.html")]
pub struct CountryPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub report: CountryReport,
    pub query: String,
}

/// A figure as a link to its list (or plain when none says exactly the same).
pub fn figure(f: &Figure) -> String {
    match &f.list {
        Some(l) => format!("<a href=\"{}\" data-testid=\"drill\">{}</a>", page_of(l).replace('&', "&amp;"), f.n),
        None => f.n.to_string(),
    }
}

impl BacklogPage {
    pub fn fig(&self, f: &Figure) -> String {
        figure(f)
    }
    pub fn query(&self) -> String {
        serde_urlencoded::to_string([("facility", &self.facility), ("as_of", &self.as_of)]).unwrap_or_default()
    }
}

impl CountryPage {
    pub fn fig(&self, f: &Figure) -> String {
        figure(f)
    }
}

/// `GET /backlog`: every destination (coordinators).
pub async fn index(req: HttpRequest, user: Can<ManageCases>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let (r, facility, as_of) = request(&req, user.today())?;
    let scope = user.scope();
    let (backlog, facilities) = db(&pool, move |conn| {
        let facilities =
            crate::db::repo::facilities::list(conn)?.into_iter().map(|f| (f.id.to_string(), f.name)).collect();
        Ok((service::all(conn, &scope, &r)?, facilities))
    })
    .await?;
    let chart = backlog_chart::svg(
        &backlog.countries,
        i18n.dir() == "rtl",
        &i18n.t("backlog-chart-title"),
        |k| i18n.tv("outcome", k),
        page_of,
    );
    let p =
        BacklogPage { path: "/backlog".into(), nav: Nav::of(&user), backlog, chart, facility, as_of, facilities, i18n };
    page(StatusCode::OK, &p)
}

/// `GET /backlog/{country}`: one destination.
pub async fn country(
    req: HttpRequest,
    user: Can<ManageCases>,
    pool: web::Data<Pool>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let code = crate::domain::country::CountryCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let (r, _, _) = request(&req, user.today())?;
    let scope = user.scope();
    let report = db(&pool, move |conn| service::country(conn, &scope, code, &r)).await?;
    let p = CountryPage {
        path: "/backlog".into(),
        nav: Nav::of(&user),
        report,
        query: req.query_string().to_string(),
        i18n,
    };
    page(StatusCode::OK, &p)
}

/// `GET /deployment/backlog`.
#[derive(Template)]
#[template(path = "backlog/deployment.html")]
pub struct DeploymentPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub backlog: crate::services::cases::deployment::DeploymentBacklog,
}

impl DeploymentPage {
    /// A published count as read: the number, or "fewer than 5" in the reader's language.
    pub fn count(&self, c: Option<&crate::domain::case::disclosure::Count>) -> String {
        match c.and_then(|c| c.shown()) {
            Some(n) => n.to_string(),
            None if c.is_some() => self.i18n.t("count-fewer-than-5"),
            None => "—".into(),
        }
    }
}

/// `GET /deployment/backlog`: every organisation's counts together, suppressed below 5.
pub async fn deployment(req: HttpRequest, user: Can<ManageCases>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let (r, _, _) = request(&req, user.today())?;
    let backlog = db(&pool, move |conn| crate::services::cases::deployment::deployment(conn, &r)).await?;
    let p = DeploymentPage { path: "/backlog".into(), nav: Nav::of(&user), backlog, i18n };
    page(StatusCode::OK, &p)
}
