//! Policy pages: every role reads the countries' timelines with the rules in plain language;
//! stewards (a grant, not a role) start drafts here and reach the editor, the publication and
//! the retirement (`ui::policy_editor`); those allowed to simulate open a draft's simulation
//! from the timeline. Registry readers get the aging-out list.

use super::forms::{page, see_other, Form, Nav, Words as _};
use super::i18n::{Arg, I18n};
use crate::auth::permissions::{EditPolicies, ReadJobs, ReadRegistry};
use crate::auth::{Can, CurrentUser};
use crate::db::repo::policies as repo;
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::country::CountryCode;
use crate::domain::ids::JobId;
use crate::domain::policy::{aging_window, PolicyStatus, AGING_WINDOW_MAX};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::eligibility::reads::{self as eligibility, AgingOut};
use crate::services::jobs::{self, JobView};
use crate::services::policy::versions;
use crate::services::policy::views::{view, PolicyVersionView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// `GET /policies`: each country with its versions.
#[derive(Template)]
#[template(path = "policies/list.html")]
pub struct ListPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub countries: Vec<(String, String, Vec<PolicyVersionView>)>,
}

/// `GET /policies/{country}`: the timeline.
#[derive(Template)]
#[template(path = "policies/country.html")]
pub struct CountryPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub code: CountryCode,
    pub name: String,
    pub versions: Vec<PolicyVersionView>,
    /// The re-evaluation a publication or retirement just queued (`?job=`), for those who may
    /// follow jobs.
    pub job: Option<JobView>,
    pub today: NaiveDate,
}

impl CountryPage {
    /// A version's period in words.
    pub fn period(&self, v: &PolicyVersionView) -> String {
        super::policy_editor::period(&self.i18n, v.effective_from, v.effective_to)
    }

    /// Published and in force today.
    pub fn in_force(&self, v: &PolicyVersionView) -> bool {
        v.status == PolicyStatus::Published
            && v.effective_from.is_some_and(|f| f <= self.today)
            && v.effective_to.is_none_or(|t| self.today <= t)
    }

    /// Offered for retirement: a draft, or a published version in force or still to come
    /// (a past version is history: retiring it changes no outcome of today).
    pub fn retirable(&self, v: &PolicyVersionView) -> bool {
        match v.status {
            PolicyStatus::Draft => true,
            PolicyStatus::Published => v.effective_to.is_none_or(|t| self.today <= t),
            PolicyStatus::Retired => false,
        }
    }

    /// "retired on 2026-11-26" (the date left-to-right).
    pub fn retired_on(&self, v: &PolicyVersionView) -> String {
        let on = v.retired_at.map(|t| t.date().to_string()).unwrap_or_default();
        self.i18n.t_args("pe-retired-on", &[("date", self.i18n.ltr(on).into())])
    }
}

/// `GET /aging-out`.
#[derive(Template)]
#[template(path = "policies/aging.html")]
pub struct AgingPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub days: i64,
    pub rows: Vec<AgingOut>,
    /// "12", or "1000+".
    pub total: String,
    pub page_of: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// `GET /policies`.
pub async fn list(req: HttpRequest, user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let (rows, names) = db(&pool, |conn| {
        let names: BTreeMap<String, String> =
            crate::db::repo::countries::list(conn)?.into_iter().map(|c| (c.code, c.name)).collect();
        Ok((repo::all(conn)?, names))
    })
    .await?;
    let mut by_country: BTreeMap<String, Vec<PolicyVersionView>> = BTreeMap::new();
    for r in rows {
        by_country.entry(r.country_code.to_string()).or_default().push(view(r)?);
    }
    // By name: people look a country up by its name, not its code.
    let mut countries: Vec<(String, String, Vec<PolicyVersionView>)> =
        by_country.into_iter().map(|(c, v)| (names.get(&c).cloned().unwrap_or_default(), c, v)).collect();
    countries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    page(
        StatusCode::OK,
        &ListPage { i18n: I18n::of_request(&req), path: "/policies".into(), nav: Nav::of(&user), countries },
    )
}

/// `GET /policies/{country}` (`?job=` after a publication or a retirement).
pub async fn country(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    code: web::Path<CountryCode>,
) -> AppResult<HttpResponse> {
    // A country code is `Copy`: the closure takes its own.
    let code = code.into_inner();
    let i18n = I18n::of_request(&req);
    let job_id = Form::parse(&i18n, req.query_string()).text("job");
    let job_id = JobId::parse(&job_id).ok().filter(|_| user.may::<ReadJobs>());
    let org = user.organisation_id.clone();
    let (rows, name, job) = db(&pool, move |conn| {
        // A job that is not there (any more), or another organisation's, is simply not shown.
        let job = match job_id {
            Some(id) => match jobs::view_for(conn, &org, &id) {
                Ok(j) => Some(j),
                Err(AppError::NotFound) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let name = crate::db::repo::countries::list(conn)?
            .into_iter()
            .find(|x| x.code == code.as_str())
            .map(|x| x.name)
            .ok_or(AppError::NotFound)?;
        Ok((repo::versions_of(conn, &code)?, name, job))
    })
    .await?;
    let versions = rows.into_iter().rev().map(view).collect::<AppResult<Vec<_>>>()?;
    let path = format!("/policies/{code}");
    let today = user.today();
    page(StatusCode::OK, &CountryPage { i18n, path, nav: Nav::of(&user), code, name, versions, job, today })
}

/// `POST /policies/{country}/drafts` (stewards): a draft from the version in force.
pub async fn create_draft(
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    code: web::Path<CountryCode>,
) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::create_draft(conn, &ctx, &code)).await?;
    Ok(see_other(&format!("/policy-versions/{}/edit", row.id)))
}

/// The look-ahead typed (blank: the default), checked by the rule the API uses too.
fn aging_days(typed: &str) -> Result<i64, String> {
    match typed {
        "" => aging_window(None),
        typed => typed
            .parse::<i64>()
            .map_err(|_| format!("must be a whole number between 1 and {AGING_WINDOW_MAX}"))
            .and_then(|d| aging_window(Some(d))),
    }
}

/// Rows per page of the aging-out watch.
const AGING_PAGE: i64 = 100;

/// `GET /aging-out?days=&offset=`: the list coordinators act on first. A window that is not one answers
/// 422 with its message (it used to be replaced silently by the default, showing another list
/// than the one asked for).
pub async fn aging(req: HttpRequest, user: Can<ReadRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(&req);
    let q = Form::parse(&i18n, req.query_string());
    let days = aging_days(&q.text("days")).map_err(|m| AppError::field("days", m))?;
    let mut q = q;
    let offset = q.int("offset", "offset", 0, i32::MAX).map(i64::from).unwrap_or(0);
    let at = Page { limit: AGING_PAGE, offset };
    let scope = user.scope();
    let (rows, total) = db(&pool, move |conn| eligibility::aging_out(conn, &scope, days, today, at)).await?;
    let shown = rows.len() as i64;
    let link = |offset: i64| format!("/aging-out?days={days}&offset={offset}");
    let page_of = i18n.t_args(
        "list-page",
        &[("n", Arg::from((offset / AGING_PAGE + 1) as usize)), ("total", Arg::from(total.pages_label(AGING_PAGE)))],
    );
    let aging = AgingPage {
        path: "/aging-out".into(),
        nav: Nav::of(&user),
        days,
        rows,
        total: total.label(),
        page_of,
        prev: (offset > 0).then(|| link((offset - AGING_PAGE).max(0))),
        next: (shown == AGING_PAGE && total.more_after(offset + shown)).then(|| link(offset + AGING_PAGE)),
        i18n,
    };
    page(StatusCode::OK, &aging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aging_window_is_the_apis_rule_and_a_bad_one_is_said_not_replaced() {
        assert_eq!(aging_days(""), Ok(180));
        assert_eq!(aging_days("30"), Ok(30));
        assert_eq!(aging_days("3650"), Ok(3650));
        for bad in ["0", "3651", "-1", "abc", "99999999999999999999"] {
            assert!(aging_days(bad).is_err(), "{bad}");
        }
    }
}
