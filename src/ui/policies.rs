//! Policy pages: every role reads the countries' timelines with the rules in plain language;
//! admins edit a draft's rules (with validation messages), simulate it against the version in
//! force and publish it. Caseworkers and coordinators get the aging-out list.

use super::forms::{page, see_other, Form, Nav, Words as _};
use super::i18n::I18n;
use crate::api::persons::REGISTRY_ROLES;
use crate::api::policies::{view, PolicyVersionView};
use crate::auth::CurrentUser;
use crate::db::repo::policies as repo;
use crate::db::Pool;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::policy::evaluation::{self, AgingOut};
use crate::services::policy::versions::{self, DraftEdit, Simulation};
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
    pub code: String,
    pub name: String,
    pub versions: Vec<PolicyVersionView>,
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
        by_country.entry(r.country_code.clone()).or_default().push(view(r)?);
    }
    let countries = by_country.into_iter().map(|(c, v)| (names.get(&c).cloned().unwrap_or_default(), c, v)).collect();
    page(
        StatusCode::OK,
        &ListPage { i18n: I18n::of_request(&req), path: "/policies".into(), nav: Nav::of(&user), countries },
    )
}

/// `GET /policies/{country}`.
pub async fn country(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = code.into_inner();
    let c = code.clone();
    let (rows, name) = db(&pool, move |conn| {
        let name = crate::db::repo::countries::list(conn)?
            .into_iter()
            .find(|x| x.code == c)
            .map(|x| x.name)
            .ok_or(AppError::NotFound)?;
        Ok((repo::versions_of(conn, &c)?, name))
    })
    .await?;
    let versions = rows.into_iter().rev().map(view).collect::<AppResult<Vec<_>>>()?;
    let path = format!("/policies/{code}");
    page(StatusCode::OK, &CountryPage { i18n: I18n::of_request(&req), path, nav: Nav::of(&user), code, name, versions })
}

/// `POST /policies/{country}/drafts` (admins): a draft from the version in force.
pub async fn create_draft(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.draft.create").await?;
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

async fn load(pool: &web::Data<Pool>, id: String) -> AppResult<PolicyVersionView> {
    view(db(pool, move |conn| repo::find(conn, &id)?.ok_or(AppError::NotFound)).await?)
}

/// `GET /policy-versions/{id}/edit` (admins).
pub async fn edit_form(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.draft.update").await?;
    let v = load(&pool, id.into_inner()).await?;
    let i18n = I18n::of_request(&req);
    let form = form_of(&i18n, &v);
    let saved = req.query_string().contains("saved=1");
    let path = format!("/policy-versions/{}/edit", v.id);
    page(StatusCode::OK, &EditPage { i18n, path, nav: Nav::of(&user), v, form, simulation: None, saved })
}

/// `POST /policy-versions/{id}/edit` (admins): saves, or shows what is wrong and where.
pub async fn edit_submit(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.draft.update").await?;
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

/// `POST /policy-versions/{id}/simulate` (admins): the draft against the version in force today.
pub async fn simulate(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.simulate").await?;
    let id = id.into_inner();
    let (scope, show) = (user.scope(), REGISTRY_ROLES.contains(&user.role));
    let on = user.today();
    let i = id.clone();
    let sim = db(&pool, move |conn| versions::simulate(conn, &i, on, &scope, show)).await?;
    let v = load(&pool, id.clone()).await?;
    let i18n = I18n::of_request(&req);
    let mut form = form_of(&i18n, &v);
    form.set("effective_from", on.to_string());
    let path = format!("/policy-versions/{id}/edit");
    page(StatusCode::OK, &EditPage { i18n, path, nav: Nav::of(&user), v, form, simulation: Some(sim), saved: false })
}

/// `POST /policy-versions/{id}/publish` (admins).
pub async fn publish(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.publish").await?;
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
        Ok(row) => Ok(see_other(&format!("/policies/{}", row.country_code))),
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

/// `POST /policy-versions/{id}/retire` (admins): the version stops applying; back to the timeline.
pub async fn retire(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.retire").await?;
    let form = Form::body(&I18n::of_request(&req), &body)?;
    let version: i64 = form.text("version").parse().unwrap_or(0);
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::retire(conn, &ctx, &id, version)).await?;
    Ok(see_other(&format!("/policies/{}", row.country_code)))
}

/// `GET /aging-out?days=`: the list coordinators act on first.
pub async fn aging(req: HttpRequest, user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "eligibility.read").await?;
    let i18n = I18n::of_request(&req);
    let q = Form::parse(&i18n, req.query_string());
    let days = q.text("days").parse::<i64>().ok().filter(|d| (1..=3650).contains(d)).unwrap_or(180);
    let scope = user.scope();
    let rows = db(&pool, move |conn| evaluation::aging_out(conn, &scope, days, today)).await?;
    page(StatusCode::OK, &AgingPage { i18n, path: "/aging-out".into(), nav: Nav::of(&user), days, rows })
}
