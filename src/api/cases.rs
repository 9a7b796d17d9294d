//! `/api/v1/cases`: the organisation's cases, opening one, its page data, the steps of the
//! workflow, consent, assignment, the next action, a coordinator's wish override; the
//! destinations a family could open a case towards; the user's work list. Caseworkers and
//! coordinators of the organisation; the workflow decides which steps each may take.

use super::extract::{etag, expected_version, Body, Paginated};
use crate::auth::permissions::{ManageCases, ReadCases, WorkCases};
use crate::auth::Can;
use crate::db::repo::cases::list::CaseFilter;
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::case::workflow::StepRequest;
use crate::domain::case::{CaseStatus, PriorityFlag};
use crate::domain::ids::{CaseId, FacilityId, FamilyId, UserId};
use crate::domain::problems::Problems;
use crate::domain::records::Patch;
use crate::error::AppResult;
use crate::http::db;
use crate::services::cases::views::{self, CaseSummary, CaseView, Proposal};
use crate::services::cases::work::{self, WorkList};
use crate::services::cases::{self as service, CaseChange, ConsentInput, NewCase};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Filters and pagination of the case list. Without `status` or `all`, only open cases.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// One status (`intake` ... `closed`).
    pub status: Option<String>,
    /// `true`: ended cases too.
    pub all: Option<bool>,
    /// Destination country code.
    pub destination: Option<String>,
    /// A user's id, `me`, or `none` for unassigned cases.
    pub assignee: Option<String>,
    /// A priority flag (`ages_out_soon`, `unaccompanied_minor`, `medical_need`,
    /// `separation_risk`, `stateless_or_at_risk`).
    pub flag: Option<String>,
    /// `true`: next action overdue.
    pub overdue: Option<bool>,
    /// `true`: a member's outcome changed since submission.
    pub eligibility_changed: Option<bool>,
    /// Cases with a member held in this facility.
    pub facility: Option<String>,
    /// Open cases without a step for at least this many days (1 to 3650).
    pub stuck_days: Option<i64>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

impl CaseQuery {
    /// The filter and the page, every field checked under its own name.
    pub fn parse(&self, me: &UserId) -> AppResult<(CaseFilter, Page)> {
        let page = crate::http::filters::PageQuery { limit: self.limit, offset: self.offset }.page()?;
        let mut p = Problems::new();
        let mut f = CaseFilter { open_only: !self.all.unwrap_or(false), ..CaseFilter::default() };
        if let Some(s) = self.status.as_deref().filter(|s| !s.is_empty()) {
            f.status = p.take("status", s.parse::<CaseStatus>());
        }
        if let Some(d) = self.destination.as_deref().filter(|s| !s.is_empty()) {
            f.destination = p.take("destination", crate::domain::country::CountryCode::parse(d));
        }
        match self.assignee.as_deref().filter(|s| !s.is_empty()) {
            Some("me") => f.assignee = Some(me.clone()),
            Some("none") => f.unassigned = true,
            Some(a) => f.assignee = p.take("assignee", UserId::parse(a)),
            None => {}
        }
        if let Some(fl) = self.flag.as_deref().filter(|s| !s.is_empty()) {
            f.flag = p.take("flag", fl.parse::<PriorityFlag>());
        }
        f.overdue = self.overdue.unwrap_or(false);
        f.eligibility_changed = self.eligibility_changed.unwrap_or(false);
        if let Some(fac) = self.facility.as_deref().filter(|s| !s.is_empty()) {
            f.facility = p.take("facility", FacilityId::parse(fac));
        }
        if let Some(d) = self.stuck_days {
            if (1..=3650).contains(&d) {
                f.stuck_days = Some(d);
            } else {
                p.add("stuck_days", "must be between 1 and 3650");
            }
        }
        if !p.is_empty() {
            return Err(p.into());
        }
        Ok((f, page))
    }
}

fn user_id(user: &crate::auth::CurrentUser) -> AppResult<UserId> {
    UserId::parse(user.id.as_str()).map_err(|m| crate::error::AppError::Internal(anyhow::anyhow!(m)))
}

/// The organisation's cases, soonest due first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery), responses((status = 200, body = Paginated<CaseSummary>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(user: Can<ReadCases>, pool: web::Data<Pool>, q: web::Query<CaseQuery>) -> AppResult<HttpResponse> {
    let (filter, page) = q.parse(&user_id(&user)?)?;
    let (scope, today) = (user.scope(), user.today());
    let (items, total) = db(&pool, move |conn| views::page(conn, &scope, &filter, page, today)).await?;
    Ok(HttpResponse::Ok().json(Paginated::exact(items, total, page)))
}

/// Opens a case for some of a family's members towards a destination.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase, responses((status = 201, body = CaseView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(user: Can<WorkCases>, pool: web::Data<Pool>, body: Body<NewCase>) -> AppResult<HttpResponse> {
    let (ctx, scope, today, role) = (user.audit_ctx(), user.scope(), user.today(), user.role);
    let v = db(&pool, move |conn| {
        let row = service::open(conn, &ctx, &scope, role, body.into_inner())?;
        views::case(conn, &scope, &row.id, role, today)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/cases/{}", v.summary.id)))
        .insert_header(etag(v.summary.version))
        .json(v))
}

/// A case with its members, their eligibility under the destination's policy, consent,
/// timeline, flags, and the steps the reader may take.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)), responses((status = 200, body = CaseView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    user: Can<ReadCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
) -> AppResult<HttpResponse> {
    let (scope, today, role) = (user.scope(), user.today(), user.role);
    let v = db(&pool, move |conn| views::case(conn, &scope, &id, role, today)).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("case", v.summary.id.as_str()));
    Ok(HttpResponse::Ok().insert_header(etag(v.summary.version)).json(v))
}

/// A step of the workflow.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepBody {
    /// The status to move to.
    pub to: CaseStatus,
    /// A hold reason (`awaiting_policy_change`, `person_declines_for_now`, `security`,
    /// `no_contact`, `other`) or a closure reason (`deceased`,
    /// `whereabouts_unknown_after_escape`, `transferred_out_of_reach`, `duplicate`, `other`).
    pub reason: Option<String>,
    #[serde(default)]
    pub note: String,
    /// The handover date.
    pub date: Option<NaiveDate>,
    /// The version of the case the user saw (or `If-Match`).
    pub version: Option<i64>,
}

/// Moves the case one step. A step that does not exist from here answers 409, one the role may
/// not take 403, one missing what it needs 422; each with `current_status` and `allowed_steps`.
/// A stale version answers 409 with the case's current status.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", params(("id" = String, Path)), request_body = StepBody, responses((status = 200, body = CaseView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn transition(
    req: HttpRequest,
    user: Can<WorkCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
    body: Body<StepBody>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope, today, role) = (user.audit_ctx(), user.scope(), user.today(), user.role);
    let step = StepRequest { to: Some(body.to), reason: body.reason, note: body.note, date: body.date };
    let v = db(&pool, move |conn| {
        service::step(conn, &ctx, &scope, role, &id, version, step)?;
        views::case(conn, &scope, &id, role, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.summary.version)).json(v))
}

/// Records a member's consent (the latest record per member counts).
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", tag = "cases", params(("id" = String, Path)), request_body = ConsentInput, responses((status = 201, body = CaseView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn consent(
    user: Can<WorkCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
    body: Body<ConsentInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today, role) = (user.audit_ctx(), user.scope(), user.today(), user.role);
    let v = db(&pool, move |conn| {
        service::record_consent(conn, &ctx, &scope, &id, body.into_inner())?;
        views::case(conn, &scope, &id, role, today)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header(etag(v.summary.version)).json(v))
}

/// The next action of a case, and its assignee (coordinators only).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CaseUpdate {
    /// What happens next (empty clears it); sent with `next_action_due` or alone.
    pub next_action: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    pub next_action_due: Patch<NaiveDate>,
    /// Who works on the case: a user id, or `null` to unassign (coordinators only).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Patch<UserId>,
    pub version: Option<i64>,
}

/// Changes the next action (caseworkers and coordinators) and the assignee (coordinators),
/// only what is sent; a stale version answers 409.
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)), request_body = CaseUpdate, responses((status = 200, body = CaseView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: Can<WorkCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
    body: Body<CaseUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    if !matches!(body.assignee_id, Patch::Missing) && !user.may::<ManageCases>() {
        return Err(crate::error::AppError::Forbidden);
    }
    let (ctx, scope, today, role) = (user.audit_ctx(), user.scope(), user.today(), user.role);
    let change =
        CaseChange { next_action: body.next_action, next_action_due: body.next_action_due, assignee: body.assignee_id };
    let v = db(&pool, move |conn| {
        service::update(conn, &ctx, &scope, &id, version, change)?;
        views::case(conn, &scope, &id, role, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.summary.version)).json(v))
}

/// A coordinator's override of members' wishes to stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OverrideBody {
    /// Why the case goes ahead although a member wishes to stay (empty removes the override).
    pub reason: String,
    pub version: Option<i64>,
}

/// Lets a submission go ahead although a member wishes to stay, with the reason (audited).
#[utoipa::path(post, path = "/api/v1/cases/{id}/wish-override", tag = "cases", params(("id" = String, Path)), request_body = OverrideBody, responses((status = 200, body = CaseView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn wish_override(
    req: HttpRequest,
    user: Can<ManageCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
    body: Body<OverrideBody>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope, today, role) = (user.audit_ctx(), user.scope(), user.today(), user.role);
    let v = db(&pool, move |conn| {
        service::override_wishes(conn, &ctx, &scope, &id, version, &body.reason)?;
        views::case(conn, &scope, &id, role, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.summary.version)).json(v))
}

/// The destinations the family's living members' live nationalities allow, with who could be
/// in a case and who already is.
#[utoipa::path(get, path = "/api/v1/families/{id}/case-proposals", tag = "cases", params(("id" = String, Path)), responses((status = 200, body = Vec<Proposal>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn proposals(
    user: Can<ReadCases>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let v = db(&pool, move |conn| {
        crate::db::repo::families::find(conn, &scope, &id)?.ok_or(crate::error::AppError::NotFound)?;
        views::proposals(conn, &scope, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// What needs the user now: overdue next actions, members ageing out within 180 days,
/// eligibility changed since submission, and (coordinators) cases awaiting approval.
#[utoipa::path(get, path = "/api/v1/work-list", tag = "cases", responses((status = 200, body = WorkList), (status = 403, body = crate::error::ErrorBody)))]
pub async fn work_list(user: Can<ReadCases>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let me = user_id(&user)?;
    let (scope, today, role) = (user.scope(), user.today(), user.role);
    let v = db(&pool, move |conn| work::work_list(conn, &scope, &me, role, today)).await?;
    Ok(HttpResponse::Ok().json(v))
}
