//! Static assets (CSS, vendored JS), embedded in the binary: one file to deploy, no CDN.

use crate::error::AppError;
use actix_web::{web, HttpResponse};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "web/static/"]
struct Assets;

/// `GET /static/{path}`.
pub async fn serve(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let file = Assets::get(&path).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().content_type(file.metadata.mimetype()).body(file.data.into_owned()))
}
