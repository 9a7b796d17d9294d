//! Background jobs (`Can<ReadJobs>`): the most recent ones with their status and progress, and
//! a job's page, which reloads itself every few seconds while the job is queued or running
//! (a plain `<meta http-equiv="refresh">`: no JavaScript), unless the reader turns that off.

use super::{when, Pager};
use crate::auth::permissions::ReadJobs;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::JobId;
use crate::error::AppResult;
use crate::http::db;
use crate::services::jobs::{self as service, JobView};
use crate::ui::forms::{page, Form, Nav, Words as _};
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// Jobs per page.
const LIMIT: i64 = 50;

/// Seconds between two reloads of a job's page while it is not finished.
pub const REFRESH_SECONDS: u32 = 3;

/// A job as the pages show it.
pub struct JobItem {
    pub id: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub finished: bool,
    pub reason: String,
    pub done: i64,
    pub total: i64,
    pub percent: i64,
    pub attempts: i32,
    pub error: Option<String>,
    pub created: String,
    pub finished_at: Option<String>,
}

impl From<JobView> for JobItem {
    fn from(j: JobView) -> JobItem {
        JobItem {
            id: j.id.to_string(),
            kind: j.kind.as_str(),
            status: j.status.as_str(),
            finished: j.status.is_finished(),
            reason: j.reason,
            done: j.done,
            total: j.total,
            percent: j.percent,
            attempts: j.attempts,
            error: j.error,
            created: when(j.created_at),
            finished_at: j.finished_at.map(when),
        }
    }
}

/// `GET /admin/jobs`.
#[derive(Template)]
#[template(path = "admin/jobs.html")]
pub struct JobsPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub rows: Vec<JobItem>,
    pub pager: Pager,
}

/// `GET /admin/jobs`: the most recent jobs first.
pub async fn list(req: HttpRequest, user: Can<ReadJobs>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let at = Pager::page(&Form::parse(&i18n, req.query_string()), LIMIT);
    let org = user.user().organisation_id.clone();
    let rows: Vec<JobItem> =
        db(&pool, move |conn| service::recent(conn, &org, at)).await?.into_iter().map(JobItem::from).collect();
    let shown = JobsPage {
        path: "/admin/jobs".into(),
        nav: Nav::of(&user),
        pager: Pager::new("/admin/jobs", &[], at, rows.len(), None),
        rows,
        i18n,
    };
    page(StatusCode::OK, &shown)
}

/// `GET /admin/jobs/{id}`.
#[derive(Template)]
#[template(path = "admin/job.html")]
pub struct JobPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub job: JobItem,
    /// Reload the page every `REFRESH_SECONDS` (the job is not finished and the reader did not
    /// ask to stop).
    pub refresh: bool,
    /// The reader asked the page not to reload itself (`?refresh=off`).
    pub stopped: bool,
    pub seconds: u32,
}

/// `GET /admin/jobs/{id}` (`?refresh=off` stops the reloading).
pub async fn show(
    req: HttpRequest,
    user: Can<ReadJobs>,
    pool: web::Data<Pool>,
    id: web::Path<JobId>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let stopped = Form::parse(&i18n, req.query_string()).text("refresh") == "off";
    let id = id.into_inner();
    let org = user.user().organisation_id.clone();
    let job = JobItem::from(db(&pool, move |conn| service::view_for(conn, &org, &id)).await?);
    let shown = JobPage {
        path: format!("/admin/jobs/{}", job.id),
        nav: Nav::of(&user),
        refresh: !job.finished && !stopped,
        stopped: stopped && !job.finished,
        seconds: REFRESH_SECONDS,
        job,
        i18n,
    };
    page(StatusCode::OK, &shown)
}
