//! The case pages: the list with its filters, a case's page (members with their eligibility
//! under the destination's policy now and at submission, consent, what blocks a submission,
//! the timeline, and one button per step the reader may take), and the forms that post to it.
//! Every form answers 303 back to the case on success, or the page again with the refusal
//! (the status of the API's answer: 409, 403 or 422) and its messages at the top.

use super::forms::{page, see_other, Form, Nav, Words as _};
use super::i18n::I18n;
use crate::api::cases::CaseQuery;
use crate::auth::permissions::{ManageCases, ReadCases, WorkCases};
use crate::auth::{Can, CurrentUser};
use crate::db::Pool;
use crate::domain::case::workflow::StepRequest;
use crate::domain::case::{CaseStatus, CloseReason, ConsentBy, HoldReason, PriorityFlag};
use crate::domain::ids::{CaseId, FamilyId, PersonId, UserId};
use crate::domain::records::Patch;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::cases::views::{self, CaseSummary, CaseView};
use crate::services::cases::{self as service, CaseChange, ConsentInput, NewCase};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// `GET /cases`.
#[derive(Template)]
#[template(path = "cases/list.html")]
pub struct ListPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub q: CaseQuery,
    pub statuses: &'static [CaseStatus],
    pub flags: &'static [PriorityFlag],
    pub cases: Vec<CaseSummary>,
    pub total: i64,
    pub next: Option<String>,
    pub prev: Option<String>,
}

impl ListPage {
    fn is(&self, v: &Option<String>, s: &str) -> bool {
        v.as_deref() == Some(s)
    }
    pub fn status_is(&self, s: &CaseStatus) -> bool {
        self.is(&self.q.status, s.as_str())
    }
    pub fn flag_is(&self, f: &PriorityFlag) -> bool {
        self.is(&self.q.flag, f.as_str())
    }
    pub fn assignee_is(&self, a: &str) -> bool {
        self.is(&self.q.assignee, a)
    }
    pub fn text(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
}

/// Cases per list page.
const PAGE: i64 = 50;

/// `GET /cases`: the organisation's cases, filtered as the query says (the API's filters).
pub async fn list(req: HttpRequest, user: Can<ReadCases>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut q: CaseQuery = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    q.limit = Some(PAGE);
    let me = UserId::parse(user.id.as_str()).map_err(|m| AppError::Internal(anyhow::anyhow!(m)))?;
    let (filter, at) = q.parse(&me)?;
    let (scope, today) = (user.scope(), user.today());
    let (cases, total) = db(&pool, move |conn| views::page(conn, &scope, &filter, at, today)).await?;
    let link = |offset: i64| {
        let mut q2 = q.clone();
        q2.offset = Some(offset);
        q2.limit = None;
        format!("/cases?{}", serde_urlencoded::to_string(query_pairs(&q2)).unwrap_or_default())
    };
    let shown = cases.len() as i64;
    let page_data = ListPage {
        path: "/cases".into(),
        nav: Nav::of(&user),
        statuses: CaseStatus::ALL,
        flags: PriorityFlag::ALL,
        prev: (at.offset > 0).then(|| link((at.offset - PAGE).max(0))),
        next: (at.offset + shown < total).then(|| link(at.offset + PAGE)),
        cases,
        total,
        q,
        i18n,
    };
    page(StatusCode::OK, &page_data)
}

/// The query's filters as pairs (for the pager's links).
fn query_pairs(q: &CaseQuery) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (k, v) in [
        ("status", &q.status),
        ("destination", &q.destination),
        ("assignee", &q.assignee),
        ("flag", &q.flag),
        ("facility", &q.facility),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            out.push((k, v.clone()));
        }
    }
    for (k, v) in [("all", q.all), ("overdue", q.overdue), ("eligibility_changed", q.eligibility_changed)] {
        if v == Some(true) {
            out.push((k, "true".into()));
        }
    }
    if let Some(o) = q.offset {
        out.push(("offset", o.to_string()));
    }
    out
}

/// `GET /cases/{id}`.
#[derive(Template)]
#[template(path = "cases/show.html")]
pub struct CasePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub case: CaseView,
    pub may_manage: bool,
    pub may_work: bool,
    pub hold_reasons: &'static [HoldReason],
    pub close_reasons: &'static [CloseReason],
    pub consent_by: &'static [ConsentBy],
    /// The organisation's caseworkers and coordinators (for the assignment form).
    pub assignees: Vec<(String, String)>,
    /// The refusal of the form that led here, and its messages.
    pub refusal: Option<String>,
    pub problems: Vec<String>,
    pub saved: bool,
    pub today: String,
}

impl CasePage {
    pub fn is_assignee(&self, uid: &str) -> bool {
        self.case.summary.assignee_id.as_ref().is_some_and(|a| a.as_str() == uid)
    }

    pub fn ages(&self, r: &Option<(i32, i32)>) -> String {
        super::forms::ages(r)
    }
}

/// Renders a case's page, with the refusal of a form if any.
async fn render(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    id: CaseId,
    refused: Option<AppError>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let scope = user.registry_scope().ok_or(AppError::Forbidden)?;
    let (today, role) = (user.today(), user.role);
    let (case, assignees) = db(pool, move |conn| {
        let case = views::case(conn, &scope, &id, role, today)?;
        let users = crate::db::repo::users::list(conn, &scope, crate::db::repo::Page { limit: 500, offset: 0 })?.0;
        let assignees = users
            .into_iter()
            .filter(|u| u.disabled_at.is_none() && u.role != crate::domain::role::Role::Admin)
            .map(|u| (u.id.to_string(), u.display_name))
            .collect();
        Ok((case, assignees))
    })
    .await?;
    let (status, refusal, problems) = match refused {
        None => (StatusCode::OK, None, Vec::new()),
        Some(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let body = e.body("");
            let problems = body
                .error
                .fields
                .unwrap_or_default()
                .into_iter()
                .flat_map(|(f, ms)| ms.into_iter().map(move |m| format!("{f}: {m}")))
                .collect();
            (status, Some(body.error.message), problems)
        }
    };
    let p = CasePage {
        path: "/cases".into(),
        nav: Nav::of(user),
        may_manage: user.may::<ManageCases>(),
        may_work: user.may::<WorkCases>(),
        hold_reasons: HoldReason::ALL,
        close_reasons: CloseReason::ALL,
        consent_by: ConsentBy::ALL,
        assignees,
        refusal,
        problems,
        saved: req.query_string().contains("saved=1"),
        today: today.to_string(),
        case,
        i18n,
    };
    page(status, &p)
}

/// `GET /cases/{id}`.
pub async fn show(
    req: HttpRequest,
    user: Can<ReadCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let page = render(&req, user.user(), &pool, id.clone(), None).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("case", id.as_str()));
    Ok(page)
}

/// Refusals a user can act on come back on the page; anything else is the error page.
fn answer_or_page(r: AppResult<()>) -> Result<Option<AppError>, AppError> {
    match r {
        Ok(()) => Ok(None),
        Err(e @ (AppError::Validation { .. } | AppError::StepRefused { .. } | AppError::Conflict { .. })) => {
            Ok(Some(e))
        }
        Err(e) => Err(e),
    }
}

/// `POST /cases/{id}`: one of the case's forms (`form` = step, consent, action, assign, override).
pub async fn post(
    req: HttpRequest,
    user: Can<WorkCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let version = form.text("version").parse::<i64>().unwrap_or(0);
    let (ctx, scope, role) = (user.audit_ctx(), user.scope(), user.role);
    let kind = form.text("form");
    if matches!(kind.as_str(), "assign" | "override") && !user.may::<ManageCases>() {
        return Err(AppError::Forbidden);
    }
    let to = form.text("to").parse::<CaseStatus>().ok();
    let reason = Some(form.text("reason")).filter(|r| !r.is_empty());
    let note = form.text("note");
    let date = form.date("date");
    let due = form.date("next_action_due");
    let (action, assignee, person) = (form.text("next_action"), form.text("assignee_id"), form.text("person_id"));
    let (given_by, given_by_name, given_on) =
        (form.text("given_by"), form.text("given_by_name"), form.date("given_on"));
    let (to_case, to_sharing) = (form.contains("to_case"), form.contains("to_sharing"));
    let case_id = id.clone();
    let done = db(&pool, move |conn| {
        let r: AppResult<()> = match kind.as_str() {
            "consent" => {
                let input = ConsentInput {
                    person_id: PersonId::parse(&person).map_err(|m| AppError::field("person_id", m))?,
                    given_by: given_by.parse().map_err(|m: String| AppError::field("given_by", m))?,
                    given_by_name,
                    given_on: given_on.ok_or_else(|| AppError::field("given_on", "a date (YYYY-MM-DD)"))?,
                    to_case,
                    to_sharing,
                };
                service::record_consent(conn, &ctx, &scope, &case_id, input).map(|_| ())
            }
            "action" => {
                let change =
                    CaseChange { next_action: Some(action), next_action_due: due.into(), ..CaseChange::default() };
                service::update(conn, &ctx, &scope, &case_id, version, change).map(|_| ())
            }
            "assign" => {
                let who = if assignee.is_empty() {
                    Patch::Null
                } else {
                    Patch::Value(UserId::parse(&assignee).map_err(|m| AppError::field("assignee_id", m))?)
                };
                let change = CaseChange { assignee: who, ..CaseChange::default() };
                service::update(conn, &ctx, &scope, &case_id, version, change).map(|_| ())
            }
            "override" => {
                service::override_wishes(conn, &ctx, &scope, &case_id, version, &reason.unwrap_or_default()).map(|_| ())
            }
            _ => {
                let step = StepRequest { to, reason, note, date };
                service::step(conn, &ctx, &scope, role, &case_id, version, step).map(|_| ())
            }
        };
        answer_or_page(r)
    })
    .await?;
    match done {
        None => Ok(see_other(&format!("/cases/{id}?saved=1"))),
        Some(refusal) => render(&req, user.user(), &pool, id, Some(refusal)).await,
    }
}

/// `POST /cases`: opens a case from a family's page (members ticked as `member-<id>`).
pub async fn open(
    req: HttpRequest,
    user: Can<WorkCases>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let form = Form::body(&I18n::of_request(&req), &body)?;
    let get = |k: &str| form.text(k);
    let family_id = FamilyId::parse(&get("family_id")).map_err(|m| AppError::field("family_id", m))?;
    let members = form
        .names_after("member-")
        .iter()
        .map(|m| PersonId::parse(m).map_err(|e| AppError::field("members", e)))
        .collect::<AppResult<Vec<_>>>()?;
    let new = NewCase {
        family_id,
        destination: get("destination"),
        members,
        assignee_id: None,
        next_action: get("next_action"),
        next_action_due: None,
    };
    let (ctx, scope, role) = (user.audit_ctx(), user.scope(), user.role);
    let row = db(&pool, move |conn| service::open(conn, &ctx, &scope, role, new)).await?;
    Ok(see_other(&format!("/cases/{}?saved=1", row.id)))
}
