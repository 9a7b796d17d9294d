//! Streaming an export to the browser or an API client (shared by the API and the pages): the
//! export is registered first, then written on a blocking thread into a bounded channel that
//! the response body reads, so memory stays flat and a slow download slows the writer.

use crate::auth::{CurrentUser, OrgScope};
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::i18n::I18n;
use crate::services::exports::sink::{ChannelWriter, Chunk};
use crate::services::exports::{self as service, ExportRequest, Registered};
use actix_web::{web, HttpRequest, HttpResponse};

/// Registers the export, then streams it: the response starts as soon as the first rows are
/// written, and the writer waits while the client reads (a bounded channel).
pub async fn stream(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    export: ExportRequest,
) -> AppResult<HttpResponse> {
    let (ctx, today) = (user.audit_ctx(), user.today());
    let reg_scope = scope.clone();
    let registered: Registered = db(pool, move |conn| service::register(conn, &ctx, &reg_scope, export, today)).await?;
    let i18n = I18n::of_request(req);
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(8);
    let (pool, job) = (pool.clone(), registered.clone());
    actix_web::rt::task::spawn_blocking(move || {
        let w = ChannelWriter::new(tx.clone());
        let done = pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut conn| service::write(&mut conn, &scope, &job, &i18n, today, w));
        if let Err(e) = done {
            tracing::warn!(error = %e, "an export stopped before its end");
            ChannelWriter::new(tx).fail(std::io::Error::other("the export stopped"));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    let content_type = match (registered.password.is_some(), registered.xlsx) {
        (true, _) => "application/zip",
        (false, true) => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (false, false) => "text/csv; charset=utf-8",
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{}\"", registered.file_name)))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Export-Rows", registered.rows.to_string()))
        .streaming(body))
}
