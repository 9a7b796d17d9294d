//! `/api/v1/imports`: family lists from CSV or XLSX files. `POST` sends the file as the body
//! (`Content-Type: text/csv` or the XLSX media type) and answers its preview, writing nothing
//! to the registry; `POST .../{id}/commit` writes it, all or nothing. The template downloads
//! from `GET .../template.csv` and `.../template.xlsx`.

use crate::auth::permissions::WriteRegistry;
use crate::auth::Can;
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::imports::read::{self, Format};
use crate::services::imports::{self, template, Committed, Preview, Upload};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

/// How to read the file.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name, kept with the import (for people to recognise it).
    pub file_name: Option<String>,
    /// For a CSV file whose encoding cannot be told: `utf-8`, `utf-16`, `windows-1256`,
    /// `windows-1251` or `windows-1252`.
    pub encoding: Option<String>,
}

/// The size limit of an upload (the app's JSON limit is far smaller).
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(read::MAX_BYTES + 1)
}

/// Reads and checks a file and answers its preview: problems by row and column, warnings,
/// counts of new families and persons, the rows imported before and the likely duplicates.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(UploadQuery), request_body(content = serde_json::Value, content_type = "text/csv", description = "the list as CSV bytes (any bytes: the preview reports what it cannot read, row by row; XLSX with its own content type)"), responses((status = 201, body = Preview), (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn upload(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    q: web::Query<UploadQuery>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let declared = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(mut format) = Format::from_media_type(declared) else {
        return Err(AppError::UnsupportedMediaType);
    };
    if body.len() > read::MAX_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if Format::sniff(&body) == Format::Xlsx {
        format = Format::Xlsx;
    }
    let encoding = match q.encoding.as_deref().filter(|e| !e.is_empty()) {
        Some(name) => Some(read::encoding_named(name).ok_or_else(|| {
            AppError::field("encoding", "write utf-8, utf-16, windows-1256, windows-1251 or windows-1252")
        })?),
        None => None,
    };
    let file_name: String =
        q.file_name.clone().unwrap_or_default().chars().filter(|c| !c.is_control()).take(200).collect();
    let upload = Upload { bytes: body.to_vec(), format, encoding, file_name };
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let preview = db(&pool, move |conn| imports::preview(conn, &ctx, &scope, upload, &mut |_, _| {})).await?;
    Ok(HttpResponse::Created().json(preview))
}

/// An import's preview and status.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = String, Path)), responses((status = 200, body = Preview), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(user: Can<WriteRegistry>, pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let p = db(&pool, move |conn| imports::find(conn, &scope, &id)).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// `?background=true`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CommitQuery {
    /// Commit in a background job: the answer is 202 with the job, whose progress (rows
    /// written) `GET /api/v1/imports/{id}` reports (`job`); a refusal is listed there too
    /// (`refused`).
    pub background: Option<bool>,
}

/// Writes a previewed import: every new row in one transaction, or nothing (422 by row and
/// column when the file has problems against the registry as it is now; 409 when it is
/// committed already or its preview expired). With `?background=true`, 202 and the job.
#[utoipa::path(post, path = "/api/v1/imports/{id}/commit", tag = "imports", params(("id" = String, Path), CommitQuery), responses((status = 200, body = Committed), (status = 202, body = crate::services::jobs::JobView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn commit(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<CommitQuery>,
) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    if q.background == Some(true) {
        let job = db(&pool, move |conn| imports::job::queue_commit(conn, &ctx, &scope, &id)).await?;
        return Ok(HttpResponse::Accepted().json(job));
    }
    let done = db(&pool, move |conn| imports::commit(conn, &ctx, &scope, &id, &mut |_, _| {})).await?;
    Ok(HttpResponse::Ok().json(done))
}

/// The import template as CSV.
#[utoipa::path(get, path = "/api/v1/imports/template.csv", tag = "imports", responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn template_csv(_user: Can<WriteRegistry>) -> AppResult<HttpResponse> {
    Ok(attachment(template::csv()?, "text/csv; charset=utf-8", "homeward-import-template.csv"))
}

/// The import template as an XLSX workbook (with a sheet of allowed values).
#[utoipa::path(get, path = "/api/v1/imports/template.xlsx", tag = "imports", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn template_xlsx(_user: Can<WriteRegistry>) -> AppResult<HttpResponse> {
    Ok(attachment(template::xlsx()?, read::XLSX_TYPE, "homeward-import-template.xlsx"))
}

fn attachment(bytes: Vec<u8>, content_type: &str, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_string()))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}
