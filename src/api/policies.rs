//! `/api/v1/policies`, `/api/v1/policy-versions`, eligibility and the aging-out watch.
//! Every role reads policies; only admins change them; eligibility of persons is for the roles
//! that see persons (own organisation).

use super::extract::etag;
use super::extract::expected_version;
use super::persons::REGISTRY_ROLES;
use crate::auth::CurrentUser;
use crate::db::models::PolicyVersionRow;
use crate::db::repo::policies as repo;
use crate::db::Pool;
use crate::domain::policy::Rule;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::policy::evaluation::{self, AgingOut, FamilyEligibility};
use crate::services::policy::versions::{self, DraftEdit, Simulation};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A policy version with its rules.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyVersionView {
    pub id: String,
    pub country_code: String,
    pub number: i32,
    /// draft, published or retired.
    pub status: String,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub summary: String,
    pub source: String,
    pub source_url: String,
    pub note: String,
    pub rules: Vec<Rule>,
    /// Each rule in plain language: "if <condition>: <outcome> — <explanation>".
    pub rules_in_words: Vec<String>,
    pub published_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
    pub version: i64,
}

/// Builds the view of a stored version.
pub fn view(r: PolicyVersionRow) -> AppResult<PolicyVersionView> {
    let rules: Vec<Rule> = serde_json::from_str(&r.rules).map_err(|e| AppError::Internal(e.into()))?;
    let rules_in_words = rules
        .iter()
        .map(|rule| {
            let conds = if rule.conditions.is_empty() {
                String::new()
            } else {
                format!(
                    " (conditions: {})",
                    rule.conditions
                        .iter()
                        .map(|c| serde_json::to_string(c).unwrap_or_default().trim_matches('"').replace('_', " "))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "If {}: {}{} — {}",
                rule.when.describe(),
                rule.outcome.as_str().replace('_', " "),
                conds,
                rule.explanation
            )
        })
        .collect();
    Ok(PolicyVersionView {
        id: r.id,
        country_code: r.country_code,
        number: r.number,
        status: r.status,
        effective_from: r.effective_from,
        effective_to: r.effective_to,
        summary: r.summary,
        source: r.source,
        source_url: r.source_url,
        note: r.note,
        rules,
        rules_in_words,
        published_at: r.published_at,
        retired_at: r.retired_at,
        version: r.version,
    })
}

/// Every country's versions, by country and number.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", responses((status = 200, body = Vec<PolicyVersionView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(_user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let rows = db(&pool, |conn| Ok(repo::all(conn)?)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<AppResult<Vec<_>>>()?))
}

/// One country's versions (its timeline).
#[utoipa::path(get, path = "/api/v1/policies/{country}", tag = "policies", params(("country" = String, Path)), responses((status = 200, body = Vec<PolicyVersionView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn country(_user: CurrentUser, pool: web::Data<Pool>, country: web::Path<String>) -> AppResult<HttpResponse> {
    let rows = db(&pool, move |conn| Ok(repo::versions_of(conn, &country)?)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<AppResult<Vec<_>>>()?))
}

/// One version.
#[utoipa::path(get, path = "/api/v1/policy-versions/{id}", tag = "policies", params(("id" = String, Path)), responses((status = 200, body = PolicyVersionView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(_user: CurrentUser, pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let row = db(&pool, move |conn| repo::find(conn, &id)?.ok_or(AppError::NotFound)).await?;
    let v = view(row)?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Creates a draft for a country from the version in force (admins).
#[utoipa::path(post, path = "/api/v1/policies/{country}/drafts", tag = "policies", params(("country" = String, Path)), responses((status = 201, body = PolicyVersionView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_draft(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    country: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.draft.create").await?;
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::create_draft(conn, &ctx, &country)).await?;
    Ok(HttpResponse::Created().json(view(row)?))
}

/// A draft edit and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftUpdate {
    #[serde(flatten)]
    pub draft: DraftEdit,
    pub version: Option<i64>,
}

/// Edits a draft's summary, source and rules (admins); an invalid rule answers 422 naming it.
#[utoipa::path(patch, path = "/api/v1/policy-versions/{id}", tag = "policies", params(("id" = String, Path)), request_body = DraftUpdate, responses((status = 200, body = PolicyVersionView), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn edit(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<DraftUpdate>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.draft.update").await?;
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::edit_draft(conn, &ctx, &id, version, body.draft)).await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Publication dates and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishRequest {
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub version: Option<i64>,
}

/// Publishes a draft; the version in force on that date ends the day before (admins).
#[utoipa::path(post, path = "/api/v1/policy-versions/{id}/publish", tag = "policies", params(("id" = String, Path)), request_body = PublishRequest, responses((status = 200, body = PolicyVersionView), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn publish(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<PublishRequest>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.publish").await?;
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let row =
        db(&pool, move |conn| versions::publish(conn, &ctx, &id, version, body.effective_from, body.effective_to))
            .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// The version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RetireRequest {
    pub version: Option<i64>,
}

/// Retires a version (admins).
#[utoipa::path(post, path = "/api/v1/policy-versions/{id}/retire", tag = "policies", params(("id" = String, Path)), request_body = RetireRequest, responses((status = 200, body = PolicyVersionView), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn retire(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<RetireRequest>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "policy.retire").await?;
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::retire(conn, &ctx, &id, version)).await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// `?as_of=` (default today).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    pub as_of: Option<NaiveDate>,
}

/// Simulates a draft against the version in force: counts for everyone, names of the caller's
/// organisation for roles that see persons.
#[utoipa::path(post, path = "/api/v1/policy-versions/{id}/simulate", tag = "policies", params(("id" = String, Path), AsOf), responses((status = 200, body = Simulation), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn simulate(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin, Role::Coordinator], "policy.simulate").await?;
    let on = q.as_of.unwrap_or(user.today());
    let (scope, show) = (user.scope(), REGISTRY_ROLES.contains(&user.role));
    let sim = db(&pool, move |conn| versions::simulate(conn, &id, on, &scope, show)).await?;
    Ok(HttpResponse::Ok().json(sim))
}

/// A person's evaluation: the summary and one result per nationality claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonEligibility {
    pub as_of: NaiveDate,
    /// The best outcome across the claims (`no_route` when there is no claim).
    pub outcome: crate::domain::policy::Outcome,
    /// True when any result depends on a fact that is not known precisely enough.
    pub uncertain: bool,
    /// The earliest date on which any result changes by itself.
    pub changes_on: Option<NaiveDate>,
    pub results: Vec<crate::domain::policy::ClaimResult>,
}

/// A person's outcome per nationality claim, with explanations and `changes_on`, and the summary.
#[utoipa::path(get, path = "/api/v1/persons/{id}/eligibility", tag = "eligibility", params(("id" = String, Path), AsOf), responses((status = 200, body = PersonEligibility), (status = 404, body = crate::error::ErrorBody)))]
pub async fn person(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "eligibility.read").await?;
    let (scope, as_of) = (user.scope(), q.as_of);
    let results = db(&pool, move |conn| evaluation::person_results(conn, &scope, &id, as_of, today)).await?;
    Ok(HttpResponse::Ok().json(PersonEligibility {
        as_of: as_of.unwrap_or(today),
        outcome: crate::domain::policy::summarise(&results),
        uncertain: results.iter().any(|r| r.uncertain.is_some()),
        changes_on: results.iter().filter_map(|r| r.changes_on).min(),
        results,
    }))
}

/// Every member's outcome and the family flags (all eligible, none, separation risk).
#[utoipa::path(get, path = "/api/v1/families/{id}/eligibility", tag = "eligibility", params(("id" = String, Path), AsOf), responses((status = 200, body = FamilyEligibility), (status = 404, body = crate::error::ErrorBody)))]
pub async fn family(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "eligibility.read").await?;
    let (scope, as_of) = (user.scope(), q.as_of);
    let f = db(&pool, move |conn| evaluation::family(conn, &scope, &id, as_of.unwrap_or(today))).await?;
    Ok(HttpResponse::Ok().json(f))
}

/// `?days=` of the aging-out watch.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Days {
    /// Look-ahead in days, 1 to 3650 (default 180).
    pub days: Option<i64>,
}

/// Persons whose outcome gets worse within N days because of age, soonest first.
#[utoipa::path(get, path = "/api/v1/eligibility/aging-out", tag = "eligibility", params(Days), responses((status = 200, body = Vec<AgingOut>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn aging_out(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    q: web::Query<Days>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "eligibility.read").await?;
    let days = q.days.unwrap_or(180);
    if !(1..=3650).contains(&days) {
        return Err(AppError::field("days", "must be between 1 and 3650"));
    }
    let scope = user.scope();
    let list = db(&pool, move |conn| evaluation::aging_out(conn, &scope, days, today)).await?;
    Ok(HttpResponse::Ok().json(list))
}
