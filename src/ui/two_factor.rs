//! The two-factor pages: the second step of a sign-in (`/login/two-factor`, also where a role
//! that requires it enrols), and the account page where a user sets it up, renews recovery
//! codes or turns it off (`/account`). The forms that answer recovery codes carry no
//! `form_token`: their answers are never kept for a replay (`http::idempotency`).

use super::forms::{page, see_other, translate, Nav};
use super::i18n::I18n;
use crate::auth::{CurrentUser, Waiting};
use crate::config::Settings;
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::http::{client_addr, db};
use crate::services::server_key::ServerKey;
use crate::services::two_factor::{self as service, Enrolment, Factor, FactorAttempt, Stage, Status};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

/// The second step of a sign-in: a code or a recovery code.
#[derive(Template)]
#[template(path = "two_factor/code.html")]
pub struct CodePage {
    pub i18n: I18n,
    pub path: String,
    pub error: Option<String>,
}

/// Setting it up: the QR code, the secret, and the first code.
#[derive(Template)]
#[template(path = "two_factor/enrol.html")]
pub struct EnrolPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Option<Nav>,
    pub enrolment: Enrolment,
    /// Where the first code is sent.
    pub action: &'static str,
    pub error: Option<String>,
}

/// The recovery codes, shown once.
#[derive(Template)]
#[template(path = "two_factor/codes.html")]
pub struct CodesPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Option<Nav>,
    pub codes: Vec<String>,
}

/// The account page.
#[derive(Template)]
#[template(path = "two_factor/account.html")]
pub struct AccountPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub email: String,
    pub status: Status,
    pub error: Option<String>,
}

/// A form's second factor.
#[derive(Debug, Deserialize)]
pub struct FactorForm {
    pub code: Option<String>,
    pub recovery_code: Option<String>,
}

/// The first code of an enrolment.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    pub code: String,
}

/// A refusal as the page shows it, and its status.
fn shown(i18n: &I18n, e: AppError) -> AppResult<(String, StatusCode)> {
    match e {
        AppError::Validation { fields, .. } => {
            let reasons: Vec<String> = fields.values().flatten().map(|m| translate(i18n, m)).collect();
            Ok((reasons.join("; "), StatusCode::UNPROCESSABLE_ENTITY))
        }
        AppError::TooManyRequests { .. } => Ok((i18n.t("login-error-throttled"), StatusCode::TOO_MANY_REQUESTS)),
        AppError::Conflict { message, .. } => Ok((translate(i18n, &message), StatusCode::CONFLICT)),
        other => Err(other),
    }
}

fn attempt(
    req: &HttpRequest,
    settings: &Settings,
    user: &crate::domain::ids::UserId,
    form: FactorForm,
) -> AppResult<FactorAttempt> {
    Ok(FactorAttempt {
        user: user.clone(),
        factor: Factor::from_fields(form.code, form.recovery_code)?,
        client_addr: client_addr(req, settings),
        device_token: crate::auth::device_token(req),
    })
}

/// `GET /login/two-factor`: the code form, or the enrolment when the role requires it.
pub async fn step(
    req: HttpRequest,
    waiting: Waiting,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    if waiting.stage == Stage::Code {
        return page(StatusCode::OK, &CodePage { i18n, path: "/login/two-factor".into(), error: None });
    }
    let (ctx, id, email, session) =
        (waiting.audit_ctx(), waiting.id.clone(), waiting.email.clone(), waiting.session_id.clone());
    let enrolment = db(&pool, move |conn| service::start_enrolment(conn, &key, &ctx, &id, &email, &session)).await?;
    let p = EnrolPage {
        i18n,
        path: "/login/two-factor".into(),
        nav: None,
        enrolment,
        action: "/login/two-factor/confirm",
        error: None,
    };
    no_store(page(StatusCode::OK, &p))
}

/// `POST /login/two-factor`: the code; signed in, or the form again with the reason.
pub async fn step_submit(
    req: HttpRequest,
    waiting: Waiting,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
    settings: web::Data<Settings>,
    form: web::Form<FactorForm>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    if waiting.stage != Stage::Code {
        return Ok(see_other("/login/two-factor"));
    }
    let outcome = match attempt(&req, &settings, &waiting.id, form.into_inner()) {
        Ok(attempt) => {
            let (ctx, s, session) = (waiting.audit_ctx(), settings.clone(), waiting.session_id.clone());
            db(&pool, move |conn| service::verify(conn, &s, &key, &ctx, &session, attempt)).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(signed_in) => {
            let mut res = HttpResponse::SeeOther();
            for cookie in crate::auth::sign_in_cookies(signed_in.token, signed_in.new_device_token, &settings) {
                res.cookie(cookie);
            }
            Ok(res.insert_header(("Location", "/")).finish())
        }
        Err(e) => {
            let (error, status) = shown(&i18n, e)?;
            page(status, &CodePage { i18n, path: "/login/two-factor".into(), error: Some(error) })
        }
    }
}

/// `POST /login/two-factor/confirm`: the first code of an enrolment the role requires; the
/// recovery codes, and the sign-in is complete.
pub async fn step_confirm(
    req: HttpRequest,
    waiting: Waiting,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
    settings: web::Data<Settings>,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    if waiting.stage != Stage::Enrol {
        return Ok(see_other("/login/two-factor"));
    }
    let (ctx, id, email, session) =
        (waiting.audit_ctx(), waiting.id.clone(), waiting.email.clone(), waiting.session_id.clone());
    let (s, device, code) = (settings.clone(), crate::auth::device_token(&req), form.into_inner().code);
    let outcome = db(&pool, move |conn| {
        let codes = match service::confirm_enrolment(conn, &key, &ctx, &id, &session, &code) {
            Ok(codes) => codes,
            Err(e) => return Ok(Err((e, service::start_enrolment(conn, &key, &ctx, &id, &email, &session)?))),
        };
        Ok(Ok((codes, service::check::complete(conn, &s, &ctx, &id, &session, device.as_deref())?)))
    })
    .await?;
    match outcome {
        Ok((codes, signed_in)) => {
            let p = CodesPage { i18n, path: "/login/two-factor".into(), nav: None, codes };
            let mut res = no_store(page(StatusCode::OK, &p))?;
            for cookie in crate::auth::sign_in_cookies(signed_in.token, signed_in.new_device_token, &settings) {
                res.add_cookie(&cookie).map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            }
            Ok(res)
        }
        Err((e, enrolment)) => {
            let (error, status) = shown(&i18n, e)?;
            let p = EnrolPage {
                i18n,
                path: "/login/two-factor".into(),
                nav: None,
                enrolment,
                action: "/login/two-factor/confirm",
                error: Some(error),
            };
            no_store(page(status, &p))
        }
    }
}

/// `POST /login/two-factor/cancel`: abandons the sign-in.
pub async fn step_cancel(
    waiting: Waiting,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    let (ctx, session) = (waiting.audit_ctx(), waiting.session_id.clone());
    db(&pool, move |conn| crate::services::auth::logout(conn, &ctx, &session)).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(crate::auth::cleared_session_cookie(&settings))
        .insert_header(("Location", "/login"))
        .finish())
}

fn no_store(res: AppResult<HttpResponse>) -> AppResult<HttpResponse> {
    let mut res = res?;
    res.headers_mut()
        .insert(actix_web::http::header::CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The account page, with an error or not.
async fn account_page(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    settings: &web::Data<Settings>,
    error: Option<(String, StatusCode)>,
) -> AppResult<HttpResponse> {
    let (id, role, s) = (user.id.clone(), user.role, settings.clone());
    let status = db(pool, move |conn| service::status(conn, &s, &id, role)).await?;
    let (error, code) = match error {
        Some((e, c)) => (Some(e), c),
        None => (None, StatusCode::OK),
    };
    let p = AccountPage {
        i18n: I18n::of_request(req),
        path: "/account".into(),
        nav: Nav::of(user),
        email: user.email.clone(),
        status,
        error,
    };
    page(code, &p)
}

/// `GET /account`.
pub async fn account(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    account_page(&req, &user, &pool, &settings, None).await
}

/// `POST /account/two-factor/enrol`: the QR code to scan.
pub async fn account_enrol(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    let (ctx, id, email, session) = (user.audit_ctx(), user.id.clone(), user.email.clone(), user.session_id.clone());
    match db(&pool, move |conn| service::start_enrolment(conn, &key, &ctx, &id, &email, &session)).await {
        Ok(enrolment) => {
            let p = EnrolPage {
                i18n: I18n::of_request(&req),
                path: "/account".into(),
                nav: Some(Nav::of(&user)),
                enrolment,
                action: "/account/two-factor/confirm",
                error: None,
            };
            no_store(page(StatusCode::OK, &p))
        }
        Err(e) => {
            let shown = shown(&I18n::of_request(&req), e)?;
            account_page(&req, &user, &pool, &settings, Some(shown)).await
        }
    }
}

/// `POST /account/two-factor/confirm`: the first code; the recovery codes.
pub async fn account_confirm(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let (ctx, id, email, code) = (user.audit_ctx(), user.id.clone(), user.email.clone(), form.into_inner().code);
    let session = user.session_id.clone();
    let outcome = db(&pool, move |conn| match service::confirm_enrolment(conn, &key, &ctx, &id, &session, &code) {
        Ok(codes) => Ok(Ok(codes)),
        Err(e) => Ok(Err((e, service::start_enrolment(conn, &key, &ctx, &id, &email, &session)?))),
    })
    .await?;
    match outcome {
        Ok(codes) => no_store(page(
            StatusCode::OK,
            &CodesPage { i18n, path: "/account".into(), nav: Some(Nav::of(&user)), codes },
        )),
        Err((e, enrolment)) => {
            let (error, status) = shown(&i18n, e)?;
            let p = EnrolPage {
                i18n,
                path: "/account".into(),
                nav: Some(Nav::of(&user)),
                enrolment,
                action: "/account/two-factor/confirm",
                error: Some(error),
            };
            no_store(page(status, &p))
        }
    }
}

/// `POST /account/two-factor/recovery-codes`: new codes, for a code.
pub async fn account_renew(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
    settings: web::Data<Settings>,
    form: web::Form<FactorForm>,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let outcome = match attempt(&req, &settings, &user.id, form.into_inner()) {
        Ok(a) => {
            let (ctx, s) = (user.audit_ctx(), settings.clone());
            db(&pool, move |conn| service::renew_recovery_codes(conn, &s, &key, &ctx, a)).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(codes) => no_store(page(
            StatusCode::OK,
            &CodesPage { i18n, path: "/account".into(), nav: Some(Nav::of(&user)), codes },
        )),
        Err(e) => {
            let shown = shown(&i18n, e)?;
            account_page(&req, &user, &pool, &settings, Some(shown)).await
        }
    }
}

/// `POST /account/two-factor/disable`: turns it off, for a code.
pub async fn account_disable(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
    settings: web::Data<Settings>,
    form: web::Form<FactorForm>,
) -> AppResult<HttpResponse> {
    let outcome = match attempt(&req, &settings, &user.id, form.into_inner()) {
        Ok(a) => {
            let (ctx, s, role) = (user.audit_ctx(), settings.clone(), user.role);
            db(&pool, move |conn| service::turn_off(conn, &s, &key, &ctx, role, a)).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(see_other("/account")),
        Err(e) => {
            let shown = shown(&I18n::of_request(&req), e)?;
            account_page(&req, &user, &pool, &settings, Some(shown)).await
        }
    }
}
