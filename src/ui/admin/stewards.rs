//! Policy stewards (`Can<ManageStewards>`): every steward of the deployment (of any
//! organisation), a form that grants the stewardship to a user by email, and a button that
//! ends another steward's stewardship (not one's own: someone must remain able to act).

use super::{absorb, notice, summary, when, Input, SummaryItem};
use crate::auth::permissions::ManageStewards;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::UserId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::stewards as service;
use crate::ui::forms::{page, see_other, Form, Nav};
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

const GRANT_INPUTS: &[Input] = &[Input { name: "email", id: "steward-email", label: "admin-user-email" }];

/// A steward as listed.
pub struct StewardItem {
    pub user_id: String,
    pub display_name: String,
    pub organisation: String,
    pub granted: String,
    /// The signed-in user's own stewardship (it cannot be ended here).
    pub is_self: bool,
}

/// `GET /admin/stewards`.
#[derive(Template)]
#[template(path = "admin/stewards.html")]
pub struct StewardsPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub rows: Vec<StewardItem>,
    /// The grant form.
    pub form: Form,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn render(
    req: &HttpRequest,
    user: &Can<ManageStewards>,
    pool: &web::Data<Pool>,
    form: Form,
    ended: Form,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let rows = db(pool, service::list).await?;
    let rows = rows
        .into_iter()
        .map(|s| StewardItem {
            is_self: s.user_id == user.id,
            user_id: s.user_id.to_string(),
            display_name: s.display_name,
            organisation: s.organisation,
            granted: when(s.granted_at),
        })
        .collect();
    let mut items = summary(&i18n, &form, GRANT_INPUTS, "steward-grant-form");
    items.extend(summary(&i18n, &ended, &[], "steward-list"));
    let shown = StewardsPage {
        path: "/admin/stewards".into(),
        nav: Nav::of(user),
        rows,
        form,
        summary: items,
        notice: notice(req, &i18n, &[("granted", "admin-steward-granted"), ("ended", "admin-steward-ended")]),
        i18n,
    };
    page(status, &shown)
}

/// `GET /admin/stewards`.
pub async fn list(req: HttpRequest, user: Can<ManageStewards>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    render(&req, &user, &pool, Form::new(&i18n), Form::new(&i18n), StatusCode::OK).await
}

/// `POST /admin/stewards`: grants the stewardship to the user with this email.
pub async fn grant(
    req: HttpRequest,
    user: Can<ManageStewards>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let email = form.text("email");
    if email.is_empty() {
        form.fail("email", "err-required");
        return render(&req, &user, &pool, form, Form::new(&i18n), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let ctx = user.audit_ctx();
    match db(&pool, move |conn| service::grant(conn, &ctx, &email)).await {
        Ok(_) => Ok(see_other("/admin/stewards?saved=granted")),
        Err(AppError::Validation { fields, .. }) => {
            absorb(&mut form, &i18n, &fields, |f| (f == "email").then_some("email"));
            render(&req, &user, &pool, form, Form::new(&i18n), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/stewards/{id}/end`: ends another user's stewardship.
pub async fn end(
    req: HttpRequest,
    user: Can<ManageStewards>,
    pool: web::Data<Pool>,
    id: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let (ctx, id) = (user.audit_ctx(), id.into_inner());
    match db(&pool, move |conn| service::revoke(conn, &ctx, &id)).await {
        Ok(()) => Ok(see_other("/admin/stewards?saved=ended")),
        Err(AppError::Validation { fields, .. }) => {
            let mut ended = Form::new(&i18n);
            absorb(&mut ended, &i18n, &fields, |_| None);
            render(&req, &user, &pool, Form::new(&i18n), ended, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}
