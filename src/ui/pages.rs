//! The login page, the per-role home page and logout.

use super::forms::{page, translate, Nav, Words as _};
use super::i18n::I18n;
use crate::auth::{cleared_session_cookie, CurrentUser};
use crate::config::Settings;
use crate::db::repo::organisations;
use crate::db::Pool;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::{client_addr, db, request_id};
use crate::services::auth::{self as auth_service, LoginAttempt};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

/// The login page.
#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub i18n: I18n,
    pub path: String,
    pub error: Option<String>,
    pub email: String,
}

/// The home page of a signed-in user.
#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub display_name: String,
    pub role: Role,
    pub organisation_name: String,
    /// What needs the user now (caseworkers and coordinators).
    pub work: Option<crate::services::cases::work::WorkList>,
}

impl HomePage {
    /// The work list's sections with their titles and the list each links to.
    pub fn sections(&self) -> Vec<(&'static str, &'static str, &crate::services::cases::work::Section)> {
        match &self.work {
            None => Vec::new(),
            Some(w) => vec![
                ("work-overdue", "/cases?overdue=true", &w.overdue),
                ("work-ageing", "/cases?flag=ages_out_soon", &w.ageing_out),
                ("work-changed", "/cases?eligibility_changed=true", &w.eligibility_changed),
                ("work-approval", "/cases?status=ready_for_submission", &w.awaiting_approval),
            ],
        }
    }
}

/// `GET /login`.
pub async fn login_form(req: HttpRequest) -> LoginPage {
    LoginPage { i18n: I18n::of_request(&req), path: "/login".into(), error: None, email: String::new() }
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
}

/// `POST /login`: the same service as the API; on failure the form comes back with the email kept.
pub async fn login_submit(
    req: HttpRequest,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
    hashing: web::Data<crate::auth::password::Hashing>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let i18n = I18n::of_request(&req);
    let email = form.email.clone();
    let attempt = LoginAttempt {
        email: form.email,
        password: form.password,
        client_addr: client_addr(&req, &settings),
        request_id: request_id(&req),
        clock: crate::http::clock_of(&req)?,
        device_token: crate::auth::device_token(&req),
    };
    let outcome = crate::auth::signin::sign_in(&pool, &settings, &hashing, attempt).await;
    let message_key = match outcome {
        Ok(accepted) if accepted.second_factor != crate::services::two_factor::Stage::Done => {
            let cookie = crate::auth::session_cookie(accepted.signed_in.token, &settings);
            return Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header(("Location", "/login/two-factor"))
                .finish());
        }
        Ok(accepted) => {
            let signed_in = accepted.signed_in;
            let mut res = HttpResponse::SeeOther();
            for cookie in crate::auth::sign_in_cookies(signed_in.token, signed_in.new_device_token, &settings) {
                res.cookie(cookie);
            }
            return Ok(res.insert_header(("Location", "/")).finish());
        }
        Err(AppError::InvalidCredentials) => "login-error-invalid",
        Err(AppError::TooManyRequests { .. }) => "login-error-throttled",
        Err(AppError::Busy { .. }) => "login-error-busy",
        // An email no account can have (a control character): the form again, with the reason.
        Err(AppError::Validation { fields, .. }) => {
            let reasons: Vec<String> = fields.values().flatten().map(|m| translate(&i18n, m)).collect();
            let error = format!("{}: {}", i18n.t("login-email"), reasons.join("; "));
            // The typed email is not shown again: it holds what could not be stored anyway.
            let shown = LoginPage { error: Some(error), i18n, path: "/login".into(), email: String::new() };
            return page(StatusCode::UNPROCESSABLE_ENTITY, &shown);
        }
        Err(other) => return Err(other),
    };
    let shown = LoginPage { error: Some(i18n.t(message_key)), i18n, path: "/login".into(), email };
    let status = match message_key {
        "login-error-throttled" => StatusCode::TOO_MANY_REQUESTS,
        "login-error-busy" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNAUTHORIZED,
    };
    page(status, &shown)
}

/// `GET /`: the signed-in user's home, by role.
pub async fn home(req: HttpRequest, user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HomePage> {
    let org_id = user.organisation_id.clone();
    let scope = user.registry_scope().filter(|_| user.may::<crate::auth::permissions::ReadCases>());
    let me = crate::domain::ids::UserId::parse(user.id.as_str()).map_err(|m| AppError::Internal(anyhow::anyhow!(m)))?;
    let (role, today) = (user.role, user.today());
    let (org, work) = db(&pool, move |conn| {
        let org = organisations::find_by_id(conn, &org_id)?.ok_or(AppError::NotFound)?;
        let work = match scope {
            Some(scope) => Some(crate::services::cases::work::work_list(conn, &scope, &me, role, today)?),
            None => None,
        };
        Ok((org, work))
    })
    .await?;
    Ok(HomePage {
        i18n: I18n::of_request(&req),
        path: "/".into(),
        nav: Nav::of(&user),
        display_name: user.display_name,
        role: user.role,
        organisation_name: org.name,
        work,
    })
}

/// `POST /logout-everywhere`: every session of the user ends, this one too.
pub async fn logout_everywhere(
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    let (ctx, id) = (user.audit_ctx(), user.id.clone());
    db(&pool, move |conn| auth_service::logout_everywhere(conn, &ctx, &id)).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(cleared_session_cookie(&settings))
        .insert_header(("Location", "/login"))
        .finish())
}

/// `POST /logout`.
pub async fn logout(
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    db(&pool, move |conn| auth_service::logout(conn, &ctx, &user.session_id)).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(cleared_session_cookie(&settings))
        .insert_header(("Location", "/login"))
        .finish())
}
