//! The import pages: `/imports` (the upload form, the templates, the organisation's latest
//! imports), `/imports/{id}` (the dry run's preview: counts, problems by row and column,
//! warnings, duplicates, and the button that commits). The upload is a multipart form, so the
//! pages work without JavaScript; the same services as the API do the work.

use super::forms::{page, see_other, Nav, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::WriteRegistry;
use crate::auth::Can;
use crate::db::repo::imports::ImportRow;
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::imports::read::{self, Format};
use crate::services::imports::{self, Preview, Upload};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use futures_util::StreamExt;

/// `GET /imports`.
#[derive(Template)]
#[template(path = "imports/index.html")]
pub struct ImportsPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub recent: Vec<ImportRow>,
    pub error: Option<String>,
}

/// `GET /imports/{id}`.
#[derive(Template)]
#[template(path = "imports/preview.html")]
pub struct PreviewPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub p: Preview,
    /// The problems the commit found (the registry changed since the dry run).
    pub refused: Vec<(String, String)>,
    pub committed: bool,
}

impl PreviewPage {
    /// The commit job while it is queued or running (the page reloads itself meanwhile).
    pub fn running(&self) -> Option<&crate::services::jobs::JobView> {
        use crate::domain::job::JobStatus;
        self.p.job.as_ref().filter(|j| matches!(j.status, JobStatus::Queued | JobStatus::Running))
    }

    /// Where a problem is: "row 7, birth".
    pub fn at(&self, row: &Option<usize>, column: &Option<String>) -> String {
        match (row, column) {
            (Some(r), Some(c)) => format!("{} {r} · {c}", self.i18n.t("import-row")),
            (Some(r), None) => format!("{} {r}", self.i18n.t("import-row")),
            _ => self.i18n.t("import-file"),
        }
    }
}

async fn index_page(
    req: &HttpRequest,
    user: &Can<WriteRegistry>,
    pool: &web::Data<Pool>,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let recent = db(pool, move |conn| imports::recent(conn, &scope)).await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let p = ImportsPage { i18n: I18n::of_request(req), path: "/imports".into(), nav: Nav::of(user), recent, error };
    page(status, &p)
}

/// `GET /imports`.
pub async fn index(req: HttpRequest, user: Can<WriteRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    index_page(&req, &user, &pool, None).await
}

/// The upload form's fields: the file (its name and bytes) and the encoding chosen.
async fn read_form(mut form: Multipart) -> AppResult<(String, Vec<u8>, String)> {
    let (mut name, mut bytes, mut encoding) = (String::new(), Vec::new(), String::new());
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
        let field_name = field.name().unwrap_or_default().to_string();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
            if value.len() + chunk.len() > read::MAX_BYTES {
                return Err(AppError::PayloadTooLarge);
            }
            value.extend_from_slice(&chunk);
        }
        match field_name.as_str() {
            "file" => {
                name = field.content_disposition().and_then(|d| d.get_filename()).unwrap_or_default().to_string();
                bytes = value;
            }
            "encoding" => encoding = String::from_utf8_lossy(&value).into_owned(),
            _ => {}
        }
    }
    Ok((name, bytes, encoding))
}

/// `POST /imports`: the dry run, then its preview page.
pub async fn upload(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    form: Multipart,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let (file_name, bytes, encoding) = read_form(form).await?;
    if bytes.is_empty() {
        return index_page(&req, &user, &pool, Some(i18n.t("import-no-file"))).await;
    }
    let encoding = match encoding.trim() {
        "" => None,
        e => match read::encoding_named(e) {
            Some(e) => Some(e),
            None => return index_page(&req, &user, &pool, Some(i18n.t("import-bad-encoding"))).await,
        },
    };
    let format = if file_name.to_ascii_lowercase().ends_with(".xlsx") { Format::Xlsx } else { Format::sniff(&bytes) };
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    let upload = Upload { bytes, format, encoding, file_name };
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let p = db(&pool, move |conn| imports::preview(conn, &ctx, &scope, upload, &mut |_, _| {})).await?;
    Ok(see_other(&format!("/imports/{}", p.id)))
}

async fn preview_page(
    req: &HttpRequest,
    user: &Can<WriteRegistry>,
    pool: &web::Data<Pool>,
    id: String,
    refused: Vec<(String, String)>,
) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let p = db(pool, move |conn| imports::find(conn, &scope, &id)).await?;
    let committed = p.status == "committed";
    let status = if refused.is_empty() { StatusCode::OK } else { StatusCode::CONFLICT };
    let mut refused = refused;
    refused.extend(p.refused.iter().map(|r| (r.at.clone(), r.message.clone())));
    // A commit job that failed says why (its message names no record).
    if let Some(job) = p.job.as_ref().filter(|j| j.status == crate::domain::job::JobStatus::Failed) {
        refused.push((String::new(), job.error.clone().unwrap_or_default()));
    }
    let page_ =
        PreviewPage { i18n: I18n::of_request(req), path: "/imports".into(), nav: Nav::of(user), p, refused, committed };
    page(status, &page_)
}

/// `GET /imports/{id}`.
pub async fn show(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    preview_page(&req, &user, &pool, id.into_inner(), Vec::new()).await
}

/// `POST /imports/{id}/commit`: queues the commit (all or nothing) as a background job and
/// goes back to the import's page, which shows the rows written while it runs, then the result
/// or the problems that refused it.
pub async fn commit(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (ctx, scope, commit_id) = (user.audit_ctx(), user.scope(), id.clone());
    match db(&pool, move |conn| imports::job::queue_commit(conn, &ctx, &scope, &commit_id)).await {
        Ok(_) => Ok(see_other(&format!("/imports/{id}"))),
        Err(AppError::Conflict { message, .. }) => {
            preview_page(&req, &user, &pool, id, vec![(String::new(), message)]).await
        }
        Err(e) => Err(e),
    }
}
