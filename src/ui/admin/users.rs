//! The organisation's user accounts (`Can<ManageUsers>`): the list with a create form, the
//! page that shows a generated password once (never in a URL, never again), and a user's page
//! where an admin changes the name and role, or disables and enables the account. Another
//! organisation's user answers 404, like a user that does not exist.

use super::{absorb, notice, summary, when, Input, Pager, SummaryItem};
use crate::auth::permissions::ManageUsers;
use crate::auth::Can;
use crate::db::models::UserRow;
use crate::db::repo::users as repo;
use crate::db::Pool;
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::users::{self as service, NewUser, UserPatch};
use crate::ui::forms::{page, see_other, Form, Nav};
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// Users per page of the list.
const LIMIT: i64 = 100;

const CREATE_INPUTS: &[Input] = &[
    Input { name: "email", id: "new-email", label: "admin-user-email" },
    Input { name: "display_name", id: "new-name", label: "admin-user-name" },
    Input { name: "role", id: "new-role", label: "admin-user-role" },
];
const EDIT_INPUTS: &[Input] = &[
    Input { name: "display_name", id: "user-name", label: "admin-user-name" },
    Input { name: "role", id: "user-role", label: "admin-user-role" },
];
const ACCESS_INPUTS: &[Input] = &[Input { name: "disabled", id: "user-access", label: "admin-user-status" }];

/// The service's field for each input of these forms (the rest are messages of the form).
fn input_of(field: &str) -> Option<&'static str> {
    match field {
        "email" => Some("email"),
        "display_name" => Some("display_name"),
        "role" => Some("role"),
        "disabled" => Some("disabled"),
        _ => None,
    }
}

fn roles() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

/// A user as the pages show them (never the password hash).
pub struct UserItem {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// When the account was disabled, if it is.
    pub disabled_since: String,
    pub created: String,
    pub updated: String,
    /// The signed-in admin's own account.
    pub is_self: bool,
}

impl UserItem {
    fn of(u: &UserRow, me: &UserId) -> UserItem {
        UserItem {
            id: u.id.to_string(),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            disabled: u.disabled_at.is_some(),
            disabled_since: u.disabled_at.map(when).unwrap_or_default(),
            created: when(u.created_at),
            updated: when(u.updated_at),
            is_self: &u.id == me,
        }
    }
}

/// `GET /admin/users`.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct ListPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub rows: Vec<UserItem>,
    pub pager: Pager,
    /// The create form.
    pub form: Form,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
    pub roles: Vec<&'static str>,
}

async fn render_list(
    req: &HttpRequest,
    user: &Can<ManageUsers>,
    pool: &web::Data<Pool>,
    form: Form,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let at = Pager::page(&Form::parse(&i18n, req.query_string()), LIMIT);
    let scope = user.scope();
    let (rows, total) = db(pool, move |conn| Ok(repo::list(conn, &scope, at)?)).await?;
    let rows: Vec<UserItem> = rows.iter().map(|u| UserItem::of(u, &user.id)).collect();
    let list = ListPage {
        path: "/admin/users".into(),
        nav: Nav::of(user),
        pager: Pager::new("/admin/users", &[], at, rows.len(), Some(total)),
        rows,
        summary: summary(&i18n, &form, CREATE_INPUTS, "user-create-form"),
        notice: notice(req, &i18n, &[]),
        form,
        roles: roles(),
        i18n,
    };
    page(status, &list)
}

/// `GET /admin/users`: the organisation's users and the create form.
pub async fn list(req: HttpRequest, user: Can<ManageUsers>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let mut form = Form::new(&I18n::of_request(&req));
    form.set("role", Role::Caseworker.as_str());
    render_list(&req, &user, &pool, form, StatusCode::OK).await
}

/// The answer to a created account: the password, shown this once.
#[derive(Template)]
#[template(path = "admin/user_created.html")]
pub struct CreatedPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub user: UserItem,
    pub password: String,
}

/// `POST /admin/users`: creates an account with a generated password, shown once on the page
/// that answers (not behind a redirect: it is never in a URL and never stored in clear).
pub async fn create(
    req: HttpRequest,
    user: Can<ManageUsers>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let role = form.choice::<Role>("role");
    if role.is_none() && !form.has_err("role") {
        form.fail("role", "err-required");
    }
    let Some(role) = role else {
        return render_list(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewUser { email: form.text("email"), display_name: form.text("display_name"), role, password: None };
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    match db(&pool, move |conn| service::create(conn, &ctx, &scope, new)).await {
        Ok(created) => {
            let shown = CreatedPage {
                path: "/admin/users".into(),
                nav: Nav::of(&user),
                user: UserItem::of(&created.user, &user.id),
                // Always generated here (no password was given).
                password: created.generated_password.unwrap_or_default(),
                i18n,
            };
            page(StatusCode::CREATED, &shown)
        }
        Err(AppError::Validation { fields, .. }) => {
            absorb(&mut form, &i18n, &fields, input_of);
            render_list(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /admin/users/{id}`.
#[derive(Template)]
#[template(path = "admin/user.html")]
pub struct UserPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub user: UserItem,
    /// Name and role.
    pub form: Form,
    /// Disable or enable (the version, and the state asked for).
    pub access: Form,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
    /// Someone else changed the account first.
    pub alert: Option<String>,
    /// What this admin had asked for, when the account changed under them: (label, value).
    pub mine: Vec<(String, String)>,
    pub roles: Vec<&'static str>,
}

/// The forms that came back, if any (`None`: filled from the stored account).
#[derive(Default)]
struct Back {
    form: Option<Form>,
    access: Option<Form>,
    alert: Option<String>,
    mine: Vec<(String, String)>,
}

async fn render_user(
    req: &HttpRequest,
    user: &Can<ManageUsers>,
    pool: &web::Data<Pool>,
    id: UserId,
    back: Back,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let scope = user.scope();
    let row = db(pool, move |conn| repo::find(conn, &scope, &id)?.ok_or(AppError::NotFound)).await?;
    let form = back.form.unwrap_or_else(|| {
        let mut f = Form::new(&i18n);
        f.set("display_name", row.display_name.clone());
        f.set("role", row.role.as_str());
        f.set("version", row.version.to_string());
        f
    });
    let access = back.access.unwrap_or_else(|| {
        let mut f = Form::new(&i18n);
        f.set("version", row.version.to_string());
        f
    });
    let mut items = summary(&i18n, &form, EDIT_INPUTS, "user-edit-form");
    items.extend(summary(&i18n, &access, ACCESS_INPUTS, "user-access-form"));
    let shown = UserPage {
        path: format!("/admin/users/{}", row.id),
        nav: Nav::of(user),
        user: UserItem::of(&row, &user.id),
        form,
        access,
        summary: items,
        notice: notice(
            req,
            &i18n,
            &[
                ("1", "admin-user-saved"),
                ("disabled", "admin-user-disabled-notice"),
                ("enabled", "admin-user-enabled-notice"),
                ("signed_out", "admin-user-signed-out-notice"),
                ("two_factor_reset", "admin-user-tf-reset-notice"),
            ],
        ),
        alert: back.alert,
        mine: back.mine,
        roles: roles(),
        i18n,
    };
    page(status, &shown)
}

/// `GET /admin/users/{id}`.
pub async fn show(
    req: HttpRequest,
    user: Can<ManageUsers>,
    pool: web::Data<Pool>,
    id: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    render_user(&req, &user, &pool, id.into_inner(), Back::default(), StatusCode::OK).await
}

/// `POST /admin/users/{id}`: the name-and-role form, or the access form (which sends
/// `disabled`), each with the version it was loaded at. A stale version shows the account as
/// it is now, and what this admin had asked for.
pub async fn update(
    req: HttpRequest,
    user: Can<ManageUsers>,
    pool: web::Data<Pool>,
    id: web::Path<UserId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let id = id.into_inner();
    let mut form = Form::body(&i18n, &body)?;
    let is_access = form.contains("disabled");
    let mut patch = UserPatch::default();
    if is_access {
        patch.disabled = Some(form.on("disabled"));
    } else {
        patch.display_name = Some(form.text("display_name"));
        patch.role = form.choice::<Role>("role");
        if patch.role.is_none() && !form.has_err("role") {
            form.fail("role", "err-required");
        }
    }
    let version = form.text("version").parse::<i64>().ok();
    if version.is_none() {
        form.general.push(i18n.t("admin-err-version"));
    }
    let came_back = |form: Form| {
        if is_access {
            Back { access: Some(form), ..Back::default() }
        } else {
            Back { form: Some(form), ..Back::default() }
        }
    };
    let Some(version) = version.filter(|_| !form.has_errors()) else {
        return render_user(&req, &user, &pool, id, came_back(form), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (ctx, scope, uid) = (user.audit_ctx(), user.scope(), id.clone());
    let wanted = patch.clone();
    match db(&pool, move |conn| service::update(conn, &ctx, &scope, &uid, version, patch)).await {
        Ok(_) => {
            let saved = match wanted.disabled {
                Some(true) => "disabled",
                Some(false) => "enabled",
                None => "1",
            };
            Ok(see_other(&format!("/admin/users/{id}?saved={saved}")))
        }
        Err(AppError::Validation { fields, .. }) => {
            absorb(&mut form, &i18n, &fields, input_of);
            render_user(&req, &user, &pool, id, came_back(form), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            let mut mine = Vec::new();
            if let Some(name) = &wanted.display_name {
                mine.push((i18n.t("admin-user-name"), name.clone()));
            }
            if let Some(role) = wanted.role {
                mine.push((i18n.t("admin-user-role"), i18n.t(role.as_str())));
            }
            if let Some(disabled) = wanted.disabled {
                let asked = if disabled { "admin-user-disable" } else { "admin-user-enable" };
                mine.push((i18n.t("admin-user-status"), i18n.t(asked)));
            }
            let back = Back { alert: Some(i18n.t("conflict-alert")), mine, ..Back::default() };
            render_user(&req, &user, &pool, id, back, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/users/{id}/sign-out`: ends every session of the account.
pub async fn sign_out(user: Can<ManageUsers>, pool: web::Data<Pool>, id: web::Path<UserId>) -> AppResult<HttpResponse> {
    let (ctx, scope, uid) = (user.audit_ctx(), user.scope(), id.into_inner());
    let back = format!("/admin/users/{uid}?saved=signed_out");
    db(&pool, move |conn| service::sign_out(conn, &ctx, &scope, &uid)).await?;
    Ok(see_other(&back))
}

/// `POST /admin/users/{id}/two-factor/reset`: removes the account's second factor (a lost phone).
pub async fn two_factor_reset(
    user: Can<ManageUsers>,
    pool: web::Data<Pool>,
    id: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, uid) = (user.audit_ctx(), user.scope(), id.into_inner());
    let back = format!("/admin/users/{uid}?saved=two_factor_reset");
    db(&pool, move |conn| crate::services::two_factor::reset(conn, &ctx, &scope, &uid)).await?;
    Ok(see_other(&back))
}
