//! Publication and retirement ask first. `GET /policy-versions/{id}/publish?effective_from=`
//! shows what publishing from that date would do (the versions it closes, or the later one that
//! refuses it, and the simulation as of that date); `GET /policy-versions/{id}/retire` shows the
//! version's period and how outcomes change without it. Only the confirmation's POST, with
//! `confirm=yes` and the dates that were shown, acts; any other POST shows the confirmation.
//! After acting, the country's timeline follows the re-evaluation job (`?job=`).

use super::body::Body;
use super::editor::lock_version;
use super::simulation::as_of;
use super::{load, period, SimView};
use crate::auth::permissions::EditPolicies;
use crate::auth::Can;
use crate::db::repo::policies as repo;
use crate::db::Pool;
use crate::domain::ids::PolicyVersionId;
use crate::domain::policy::PolicyStatus;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::db;
use crate::i18n::I18n;
use crate::services::policy::preview::{self, VersionRef};
use crate::services::policy::versions;
use crate::services::policy::views::PolicyVersionView;
use crate::ui::forms::{page, see_other, Nav};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

/// The publication's confirmation.
#[derive(Template)]
#[template(path = "policies/publish.html")]
pub struct PublishPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub v: PolicyVersionView,
    pub title: String,
    pub from: String,
    pub to: String,
    pub from_err: String,
    pub to_err: String,
    /// Messages that concern the whole publication (a change made meanwhile).
    pub notices: Vec<String>,
    /// The effect, when the dates could be read: the period, the versions closed, the refusal.
    pub period: String,
    pub closes: Vec<String>,
    pub refused: Option<String>,
    pub sim: Option<SimView>,
}

/// The retirement's confirmation.
#[derive(Template)]
#[template(path = "policies/retire.html")]
pub struct RetirePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub v: PolicyVersionView,
    pub title: String,
    pub period: String,
    /// How many persons claim the country (every organisation), when simulated.
    pub claimants: String,
    pub as_of: String,
    pub as_of_err: String,
    pub notices: Vec<String>,
    pub sim: Option<SimView>,
    pub is_draft: bool,
    pub is_retired: bool,
}

fn version_sentence(i18n: &I18n, key: &str, v: &VersionRef, extra: Option<(&'static str, NaiveDate)>) -> String {
    let mut args = vec![
        ("n", v.number.into()),
        ("period", period(i18n, v.effective_from, v.effective_to).into()),
        ("start", i18n.ltr(v.effective_from.map(|d| d.to_string()).unwrap_or_default()).into()),
    ];
    if let Some((name, d)) = extra {
        args.push((name, i18n.ltr(d.to_string()).into()));
    }
    i18n.t_args(key, &args)
}

/// Shows the publication's confirmation for the dates typed (`from` defaults to today).
async fn show_publish(
    req: &HttpRequest,
    user: &Can<EditPolicies>,
    pool: &web::Data<Pool>,
    v: PolicyVersionView,
    (from_raw, to_raw): (&str, &str),
    mut fields: FieldErrors,
    notices: Vec<String>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let (from, from_typed, from_bad) = as_of(&i18n, from_raw, user.today());
    let to = match to_raw.trim() {
        "" => Ok(None),
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).map_err(|_| i18n.t("err-date-format")),
    };
    if let Ok(Some(t)) = to {
        if t < from {
            fields.entry("effective_to".into()).or_default().push(i18n.t("pe-err-to-before-from"));
        }
    }
    let msg = |f: &str| {
        fields.get(f).map(|m| m.iter().map(|m| super::words::message(&i18n, m)).collect::<Vec<_>>().join("; "))
    };
    let from_err = [Some(from_bad), msg("effective_from")]
        .into_iter()
        .flatten()
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let to_err = [to.as_ref().err().cloned(), msg("effective_to")].into_iter().flatten().collect::<Vec<_>>().join("; ");
    let country = super::country_label(pool, v.country_code).await?;
    let title = i18n.t_args("pe-publish-title", &[("n", v.number.into()), ("country", country.into())]);
    let mut p = PublishPage {
        title,
        path: format!("/policy-versions/{}/publish", v.id),
        nav: Nav::of(user),
        from: from_typed,
        to: to_raw.trim().to_string(),
        period: String::new(),
        closes: vec![],
        refused: None,
        sim: None,
        notices,
        from_err,
        to_err,
        v,
        i18n,
    };
    let status = if !p.from_err.is_empty() || !p.to_err.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        let (id, names_for, to) = (p.v.id.clone(), user.registry_scope(), to.ok().flatten());
        let pre = db(pool, move |conn| preview::publication(conn, &id, from, to, names_for.as_ref())).await?;
        let i18n = &p.i18n;
        p.period = i18n.t_args("pe-publish-period", &[("period", period(i18n, Some(pre.from), pre.to).into())]);
        p.closes = pre
            .closes
            .iter()
            .map(|c| version_sentence(i18n, "pe-publish-closes", c, from.pred_opt().map(|d| ("end", d))))
            .collect();
        p.refused = pre.refused_by.as_ref().map(|r| version_sentence(i18n, "pe-publish-refused", r, None));
        p.sim = pre.simulation.as_ref().map(|s| SimView::of(i18n, s).with_names(user.registry_scope().is_some()));
        if p.refused.is_some() || !p.notices.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    };
    page(status, &p)
}

/// `GET /policy-versions/{id}/publish?effective_from=&effective_to=`.
pub async fn publish_form(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
) -> AppResult<HttpResponse> {
    let v = load(&pool, id.into_inner()).await?;
    if v.status != PolicyStatus::Draft {
        return Ok(see_other(&format!("/policies/{}", v.country_code)));
    }
    let q = Body::of_str(req.query_string());
    let dates = (q.get("effective_from"), q.get("effective_to"));
    show_publish(&req, &user, &pool, v, dates, FieldErrors::new(), vec![]).await
}

/// `POST /policy-versions/{id}/publish`: publishes only with `confirm=yes` and the dates the
/// confirmation showed; otherwise shows the confirmation for the dates posted.
pub async fn publish_submit(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let b = Body::parse(&body)?;
    let v = load(&pool, id.clone()).await?;
    let dates = (b.get("effective_from"), b.get("effective_to"));
    let as_shown = b.get("shown_from") == dates.0 && b.get("shown_to") == dates.1;
    let i18n = I18n::of_request(&req);
    if b.get("confirm") != "yes" || !as_shown {
        let notices = if b.get("confirm") == "yes" { vec![i18n.t("pe-publish-dates-changed")] } else { vec![] };
        return show_publish(&req, &user, &pool, v, dates, FieldErrors::new(), notices).await;
    }
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    // Dates that do not read (only a hand-made request has them) are shown, not guessed.
    let to = if dates.1.trim().is_empty() { Some(None) } else { day(dates.1).map(Some) };
    let (Some(from), Some(to)) = (day(dates.0), to) else {
        return show_publish(&req, &user, &pool, v, dates, FieldErrors::new(), vec![]).await;
    };
    // A missing or garbled version is the form's fault (422 with its message), not a conflict.
    let Ok(lock) = lock_version(b.get("version")) else {
        return show_publish(&req, &user, &pool, v, dates, FieldErrors::new(), vec![i18n.t("err-version")]).await;
    };
    let (ctx, i) = (user.audit_ctx(), id.clone());
    match db(&pool, move |conn| versions::publish(conn, &ctx, &i, lock, from, to)).await {
        Ok((row, job)) => Ok(see_other(&format!("/policies/{}?job={}", row.country_code, job.id))),
        Err(AppError::Validation { fields, .. }) => {
            let notices = fields.get("status").map(|_| vec![i18n.t("pe-not-a-draft")]).unwrap_or_default();
            show_publish(&req, &user, &pool, v, dates, fields, notices).await
        }
        Err(AppError::Conflict { .. }) => {
            let fresh = load(&pool, id).await?;
            show_publish(&req, &user, &pool, fresh, dates, FieldErrors::new(), vec![i18n.t("pe-changed-meanwhile")])
                .await
        }
        Err(other) => Err(other),
    }
}

async fn show_retire(
    req: &HttpRequest,
    user: &Can<EditPolicies>,
    pool: &web::Data<Pool>,
    v: PolicyVersionView,
    as_of_raw: &str,
    notices: Vec<String>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let id = v.id.clone();
    let row = db(pool, move |conn| repo::find(conn, &id)?.ok_or(AppError::NotFound)).await?;
    let best = preview::retirement_date(&row, user.today());
    let (on, typed, bad) = as_of(&i18n, as_of_raw, best);
    let sim = if bad.is_empty() && v.status == PolicyStatus::Published {
        let (id, names_for) = (v.id.clone(), user.registry_scope());
        let pre = db(pool, move |conn| preview::retirement(conn, &id, on, names_for.as_ref())).await?;
        pre.simulation.as_ref().map(|s| SimView::of(&i18n, s).with_names(user.registry_scope().is_some()))
    } else {
        None
    };
    let status = if bad.is_empty() && notices.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let is_draft = v.status == PolicyStatus::Draft;
    let key = if is_draft { "pe-retire-draft-title" } else { "pe-retire-title" };
    let country = super::country_label(pool, v.country_code).await?;
    let title = i18n.t_args(key, &[("n", v.number.into()), ("country", country.into())]);
    let claimants = sim
        .as_ref()
        .map(|s| {
            let args = [("n", s.evaluated.into()), ("country", i18n.ltr(v.country_code.to_string()).into())];
            i18n.t_args("pe-retire-claimants", &args)
        })
        .unwrap_or_default();
    let p = RetirePage {
        title,
        claimants,
        path: format!("/policy-versions/{}/retire", v.id),
        nav: Nav::of(user),
        period: i18n.t_args("pe-retire-period", &[("period", period(&i18n, v.effective_from, v.effective_to).into())]),
        as_of: typed,
        as_of_err: bad,
        notices,
        sim,
        is_draft,
        is_retired: v.status == PolicyStatus::Retired,
        v,
        i18n,
    };
    page(status, &p)
}

/// `GET /policy-versions/{id}/retire?as_of=`.
pub async fn retire_form(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
) -> AppResult<HttpResponse> {
    let v = load(&pool, id.into_inner()).await?;
    let q = Body::of_str(req.query_string());
    show_retire(&req, &user, &pool, v, q.get("as_of"), vec![]).await
}

/// `POST /policy-versions/{id}/retire`: retires only with `confirm=yes`.
pub async fn retire_submit(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let b = Body::parse(&body)?;
    let v = load(&pool, id.clone()).await?;
    if b.get("confirm") != "yes" {
        return show_retire(&req, &user, &pool, v, b.get("as_of"), vec![]).await;
    }
    let i18n = I18n::of_request(&req);
    let Ok(lock) = lock_version(b.get("version")) else {
        return show_retire(&req, &user, &pool, v, b.get("as_of"), vec![i18n.t("err-version")]).await;
    };
    let (ctx, i) = (user.audit_ctx(), id.clone());
    match db(&pool, move |conn| versions::retire(conn, &ctx, &i, lock)).await {
        Ok((row, job)) => {
            let query = job.map(|j| format!("?job={}", j.id)).unwrap_or_default();
            Ok(see_other(&format!("/policies/{}{query}", row.country_code)))
        }
        Err(AppError::Validation { .. }) => {
            show_retire(&req, &user, &pool, v, b.get("as_of"), vec![i18n.t("pe-already-retired")]).await
        }
        Err(AppError::Conflict { .. }) => {
            let fresh = load(&pool, id).await?;
            show_retire(&req, &user, &pool, fresh, b.get("as_of"), vec![i18n.t("pe-changed-meanwhile")]).await
        }
        Err(other) => Err(other),
    }
}
