//! Policy pages: every role reads the countries' timelines with the rules in plain language;
//! stewards (a grant, not a role) edit a draft's rules (with validation messages), publish and
//! retire versions; those allowed to simulate see how a draft would change outcomes (names of
//! their own organisation only, when they may read persons). Registry readers get the
//! aging-out list.

use super::forms::{page, see_other, Form, Nav, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::{EditPolicies, ReadJobs, ReadRegistry, SimulatePolicy};
use crate::auth::{Can, CurrentUser};
use crate::db::repo::policies as repo;
use crate::db::Pool;
use crate::domain::country::CountryCode;
use crate::domain::ids::{JobId, PolicyVersionId};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::eligibility::reads::{self as eligibility, AgingOut};
use crate::services::jobs::{self, JobView};
use crate::services::policy::simulate::{self as simulation, Simulation};
use crate::services::policy::versions::{self, DraftEdit};
use crate::services::policy::views::{view, PolicyVersionView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
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
}

/// `GET /policy-versions/{id}/edit`: the rule editor, the simulation, publication.
#[derive(Template)]
#[template(path = "policies/edit.html")]
pub struct EditPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub v: PolicyVersionView,
    pub form: Form,
    pub simulation: Option<Simulation>,
    pub saved: bool,
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
    let countries = by_country.into_iter().map(|(c, v)| (names.get(&c).cloned().unwrap_or_default(), c, v)).collect();
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
    let (rows, name, job) = db(&pool, move |conn| {
        // A job that is not there (any more) is simply not shown.
        let job = match job_id {
            Some(id) => match jobs::view(conn, &id) {
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
    page(StatusCode::OK, &CountryPage { i18n, path, nav: Nav::of(&user), code, name, versions, job })
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

fn form_of(i18n: &I18n, v: &PolicyVersionView) -> Form {
    let mut f = Form::new(i18n);
    f.set("summary", v.summary.clone());
    f.set("source", v.source.clone());
    f.set("source_url", v.source_url.clone());
    f.set("note", v.note.clone());
    f.set("rules", serde_json::to_string_pretty(&v.rules).unwrap_or_default());
    f.set("version", v.version.to_string());
    f
}

async fn load(pool: &web::Data<Pool>, id: PolicyVersionId) -> AppResult<PolicyVersionView> {
    view(db(pool, move |conn| repo::find(conn, &id)?.ok_or(AppError::NotFound)).await?)
}

/// `GET /policy-versions/{id}/edit` (stewards).
pub async fn edit_form(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
) -> AppResult<HttpResponse> {
    let v = load(&pool, id.into_inner()).await?;
    let i18n = I18n::of_request(&req);
    let form = form_of(&i18n, &v);
    let saved = req.query_string().contains("saved=1");
    let path = format!("/policy-versions/{}/edit", v.id);
    page(StatusCode::OK, &EditPage { i18n, path, nav: Nav::of(&user), v, form, simulation: None, saved })
}

/// `POST /policy-versions/{id}/edit` (stewards): saves, or shows what is wrong and where.
pub async fn edit_submit(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let version: i64 = form.text("version").parse().unwrap_or(0);
    let rules = serde_json::from_str::<serde_json::Value>(form.get("rules"));
    let outcome = match rules {
        Err(e) => Err(AppError::field("rules", format!("not valid JSON: {e}"))),
        Ok(rules) => {
            let edit = DraftEdit {
                summary: form.text("summary"),
                source: form.text("source"),
                source_url: form.text("source_url"),
                note: form.text("note"),
                rules,
            };
            let (ctx, i) = (user.audit_ctx(), id.clone());
            db(&pool, move |conn| versions::edit_draft(conn, &ctx, &i, version, edit)).await
        }
    };
    let v = load(&pool, id.clone()).await?;
    match outcome {
        Ok(_) => Ok(see_other(&format!("/policy-versions/{id}/edit?saved=1"))),
        Err(AppError::Validation { fields, .. }) => {
            // Rule paths (rules[1].when.years) are shown as they are: they say where to look.
            form.absorb(&fields, |f| matches!(f, "summary" | "source" | "source_url" | "note").then(|| f.to_string()));
            let path = format!("/policy-versions/{id}/edit");
            page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage { i18n, path, nav: Nav::of(&user), v, form, simulation: None, saved: false },
            )
        }
        Err(AppError::Conflict { .. }) => {
            let mut current = form_of(&i18n, &v);
            current.general.push(i18n.t("policy-conflict"));
            let path = format!("/policy-versions/{id}/edit");
            page(
                StatusCode::CONFLICT,
                &EditPage { i18n, path, nav: Nav::of(&user), v, form: current, simulation: None, saved: false },
            )
        }
        Err(other) => Err(other),
    }
}

/// `POST /policy-versions/{id}/simulate`: the draft against the version in force today. Counts
/// cover everyone; names only the caller's organisation, and only for those who may read it.
pub async fn simulate(
    req: HttpRequest,
    user: Can<SimulatePolicy>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let names_for = user.registry_scope();
    let on = user.today();
    let i = id.clone();
    let sim = db(&pool, move |conn| simulation::simulate(conn, &i, on, names_for.as_ref())).await?;
    let v = load(&pool, id.clone()).await?;
    let i18n = I18n::of_request(&req);
    let mut form = form_of(&i18n, &v);
    form.set("effective_from", on.to_string());
    let path = format!("/policy-versions/{id}/edit");
    page(StatusCode::OK, &EditPage { i18n, path, nav: Nav::of(&user), v, form, simulation: Some(sim), saved: false })
}

/// `POST /policy-versions/{id}/publish` (stewards): the re-evaluation of everyone is queued as a
/// job; the timeline says so.
pub async fn publish(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let version: i64 = form.text("version").parse().unwrap_or(0);
    let from = form.date("effective_from");
    let to = if form.text("effective_to").is_empty() { None } else { form.date("effective_to") };
    let v = load(&pool, id.clone()).await?;
    let outcome = match from {
        None => Err(AppError::field("effective_from", "is required")),
        Some(from) => {
            let (ctx, i) = (user.audit_ctx(), id.clone());
            db(&pool, move |conn| versions::publish(conn, &ctx, &i, version, from, to)).await
        }
    };
    match outcome {
        Ok((row, job)) => Ok(see_other(&format!("/policies/{}?job={}", row.country_code, job.id))),
        Err(AppError::Validation { fields, .. }) => {
            let mut shown = form_of(&i18n, &v);
            shown.set("effective_from", form.text("effective_from"));
            shown.set("effective_to", form.text("effective_to"));
            shown.absorb(&fields, |f| matches!(f, "effective_from" | "effective_to").then(|| f.to_string()));
            let path = format!("/policy-versions/{id}/edit");
            page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage { i18n, path, nav: Nav::of(&user), v, form: shown, simulation: None, saved: false },
            )
        }
        Err(other) => Err(other),
    }
}

/// `POST /policy-versions/{id}/retire` (stewards): the version stops applying; back to the
/// timeline.
pub async fn retire(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = Form::body(&I18n::of_request(&req), &body)?;
    let version: i64 = form.text("version").parse().unwrap_or(0);
    let ctx = user.audit_ctx();
    let (row, job) = db(&pool, move |conn| versions::retire(conn, &ctx, &id, version)).await?;
    let query = job.map(|j| format!("?job={}", j.id)).unwrap_or_default();
    Ok(see_other(&format!("/policies/{}{query}", row.country_code)))
}

/// `GET /aging-out?days=`: the list coordinators act on first.
pub async fn aging(req: HttpRequest, user: Can<ReadRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(&req);
    let q = Form::parse(&i18n, req.query_string());
    let days = q.text("days").parse::<i64>().ok().filter(|d| (1..=3650).contains(d)).unwrap_or(180);
    let scope = user.scope();
    let rows = db(&pool, move |conn| eligibility::aging_out(conn, &scope, days, today)).await?;
    page(StatusCode::OK, &AgingPage { i18n, path: "/aging-out".into(), nav: Nav::of(&user), days, rows })
}
