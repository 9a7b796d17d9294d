//! The files a case list and a case give out: the list as a CSV or XLSX export (purpose asked,
//! password optional, streamed) and a case's printable summary for a submission.

use super::forms::{page, Form, Nav, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::ReadCases;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::{CaseId, PersonId, UserId};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::cases::views::{self, CaseView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// `POST /cases/export`: the list as filtered on the page, as a file (the purpose asked, a
/// password optional); refusals answer the error page with the fields named.
pub async fn export(
    req: HttpRequest,
    user: Can<ReadCases>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let form = Form::body(&I18n::of_request(&req), &body)?;
    let get = |k: &str| form.text(k);
    let mut filters = serde_json::Map::new();
    for k in ["status", "destination", "assignee", "flag", "facility"] {
        let v = get(k);
        if !v.is_empty() {
            filters.insert(k.into(), serde_json::Value::String(v));
        }
    }
    for k in ["all", "overdue", "eligibility_changed"] {
        if get(k) == "true" {
            filters.insert(k.into(), serde_json::Value::Bool(true));
        }
    }
    let body = crate::api::exports::ExportBody {
        kind: "cases".into(),
        format: Some(get("format")).filter(|f| !f.is_empty()),
        columns: Vec::new(),
        purpose: get("purpose"),
        password: Some(get("password")).filter(|p| !p.is_empty()),
        filters,
    };
    let me = UserId::parse(user.id.as_str()).map_err(|m| AppError::Internal(anyhow::anyhow!(m)))?;
    let export = crate::api::exports::request(body, &me)?;
    crate::http::download::stream(&req, user.user(), user.scope(), &pool, export).await
}

/// `GET /cases/{id}/summary`: one page to print (or save as PDF) for a submission.
#[derive(Template)]
#[template(path = "cases/summary.html")]
pub struct SummaryPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub case: CaseView,
    pub records: Vec<views::MemberRecord>,
    pub printed_on: String,
}

impl SummaryPage {
    /// The names and claims of a member.
    pub fn record(&self, id: &PersonId) -> Option<&views::MemberRecord> {
        self.records.iter().find(|r| &r.person_id == id)
    }
}

/// `GET /cases/{id}/summary`.
pub async fn summary(
    req: HttpRequest,
    user: Can<ReadCases>,
    pool: web::Data<Pool>,
    id: web::Path<CaseId>,
) -> AppResult<HttpResponse> {
    let (scope, today, role) = (user.scope(), user.today(), user.role);
    let id = id.into_inner();
    let (case, records) = db(&pool, move |conn| views::summary(conn, &scope, &id, role, today)).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("case", case.summary.id.as_str()));
    let p = SummaryPage {
        i18n: I18n::of_request(&req),
        path: "/cases".into(),
        nav: Nav::of(&user),
        case,
        records,
        printed_on: today.to_string(),
    };
    page(StatusCode::OK, &p)
}
