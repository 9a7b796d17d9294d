//! Facility pages: every signed-in user reads the list and a facility's authority history;
//! admins create and change facilities and record who controls them from a date on.
//! Caseworkers and coordinators also see their own organisation's persons held there.

use super::forms::{ages, country_options, page, see_other, Form, Nav, Opt, Words as _};
use super::i18n::I18n;
use crate::api::facilities::{views, FacilityView};
use crate::api::persons::REGISTRY_ROLES;
use crate::auth::CurrentUser;
use crate::db::repo::facilities as repo;
use crate::db::Pool;
use crate::domain::partial_date::age_range;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::derived::birth_of;
use crate::services::registry::facilities::{self as service, AuthorityInput, FacilityInput, KINDS};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

const FACILITY_INPUTS: &[&str] = &["name", "kind", "country_code", "notes", "version"];
const AUTHORITY_INPUTS: &[&str] = &["authority", "from_date", "note"];

/// `GET /facilities`.
#[derive(Template)]
#[template(path = "facilities/list.html")]
pub struct ListPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub rows: Vec<FacilityView>,
    pub countries: Vec<Opt>,
    pub kinds: Vec<&'static str>,
    /// The create form (admins).
    pub form: Form,
}

async fn render_list(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    form: Form,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let (rows, countries) = db(pool, move |conn| {
        let rows = repo::list(conn)?;
        Ok((views(conn, rows, today)?, country_options(conn)?))
    })
    .await?;
    let list = ListPage {
        i18n: I18n::of_request(req),
        path: "/facilities".into(),
        nav: Nav::of(user),
        rows,
        countries,
        kinds: KINDS.to_vec(),
        form,
    };
    page(status, &list)
}

/// `GET /facilities`.
pub async fn list(req: HttpRequest, user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let mut form = Form::new(&I18n::of_request(&req));
    form.set("kind", "camp");
    form.set("country_code", "SY");
    render_list(&req, &user, &pool, form, StatusCode::OK).await
}

fn read_facility(form: &Form) -> FacilityInput {
    FacilityInput {
        name: form.text("name"),
        kind: form.text("kind"),
        country_code: form.text("country_code"),
        notes: form.text("notes"),
    }
}

/// `POST /facilities` (admins).
pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "facility.create").await?;
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let input = read_facility(&form);
    let ctx = user.audit_ctx();
    match db(&pool, move |conn| service::create(conn, &ctx, input)).await {
        Ok(row) => Ok(see_other(&format!("/facilities/{}", row.id))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, |f| FACILITY_INPUTS.contains(&f).then(|| f.to_string()));
            render_list(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// A person held in the facility (the caller's organisation only).
pub struct HeldItem {
    pub name: String,
    pub family_id: Option<String>,
    pub ages: String,
}

/// `GET /facilities/{id}`.
#[derive(Template)]
#[template(path = "facilities/show.html")]
pub struct ShowPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub facility: FacilityView,
    pub countries: Vec<Opt>,
    pub kinds: Vec<&'static str>,
    /// The edit form (admins).
    pub form: Form,
    /// The authority form (admins).
    pub authority: Form,
    pub alert: Option<String>,
    pub mine: Vec<(String, String)>,
    /// Who is held there on `as_of` (caseworkers and coordinators).
    pub held: Option<Vec<HeldItem>>,
    pub as_of: String,
}

impl ShowPage {
    /// A country's name from its code.
    pub fn country(&self, code: &str) -> String {
        self.countries.iter().find(|c| c.value == code).map(|c| c.label.clone()).unwrap_or_else(|| code.to_string())
    }
}

fn fill(form: &mut Form, f: &FacilityView) {
    form.set("name", f.name.clone());
    form.set("kind", f.kind.clone());
    form.set("country_code", f.country_code.clone());
    form.set("notes", f.notes.clone());
    form.set("version", f.version.to_string());
}

/// The forms that came back, if any: the edit form (`None`: filled from the record).
struct Back {
    form: Option<Form>,
    authority: Option<Form>,
    alert: Option<String>,
    mine: Vec<(String, String)>,
}

async fn render_show(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    id: String,
    back: Back,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(req);
    let mut as_of_form = Form::parse(&i18n, req.query_string());
    let on: NaiveDate = as_of_form.date("as_of").unwrap_or(today);
    let scope = REGISTRY_ROLES.contains(&user.role).then(|| user.scope());
    let (facility, countries, held) = db(pool, move |conn| {
        let row = repo::find(conn, &id)?.ok_or(AppError::NotFound)?;
        let facility = views(conn, vec![row], today)?.pop().ok_or(AppError::NotFound)?;
        let held = match scope {
            Some(scope) => Some(service::population(conn, &scope, &facility.id, on)?),
            None => None,
        };
        Ok((facility, country_options(conn)?, held))
    })
    .await?;
    let held = held.map(|rows| {
        rows.into_iter()
            .map(|p| HeldItem {
                ages: ages(&birth_of(&p).map(|b| age_range(&b, on))),
                name: format!("{} {}", p.given_name, p.family_name),
                family_id: p.family_id,
            })
            .collect()
    });
    let form = back.form.unwrap_or_else(|| {
        let mut f = Form::new(&i18n);
        fill(&mut f, &facility);
        f
    });
    let show = ShowPage {
        path: format!("/facilities/{}", facility.id),
        nav: Nav::of(user),
        facility,
        countries,
        kinds: KINDS.to_vec(),
        form,
        authority: back.authority.unwrap_or_else(|| Form::new(&i18n)),
        alert: back.alert,
        mine: back.mine,
        held,
        as_of: on.to_string(),
        i18n,
    };
    page(status, &show)
}

/// `GET /facilities/{id}` (`?as_of=` for who was held there on a date).
pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let back = Back { form: None, authority: None, alert: None, mine: Vec::new() };
    render_show(&req, &user, &pool, id.into_inner(), back, StatusCode::OK).await
}

/// `POST /facilities/{id}` (admins): saves if the version is current; else shows the record.
pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "facility.update").await?;
    let i18n = I18n::of_request(&req);
    let id = id.into_inner();
    let mut form = Form::body(&i18n, &body)?;
    let input = read_facility(&form);
    let Some(version) = form.int("version", "version", 0, i32::MAX) else {
        form.fail("version", "err-required");
        let back = Back { form: Some(form), authority: None, alert: None, mine: Vec::new() };
        return render_show(&req, &user, &pool, id, back, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (ctx, fid) = (user.audit_ctx(), id.clone());
    match db(&pool, move |conn| service::update(conn, &ctx, &fid, i64::from(version), input)).await {
        Ok(_) => Ok(see_other(&format!("/facilities/{id}"))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, |f| FACILITY_INPUTS.contains(&f).then(|| f.to_string()));
            let back = Back { form: Some(form), authority: None, alert: None, mine: Vec::new() };
            render_show(&req, &user, &pool, id, back, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            let mine = ["name", "kind", "country_code", "notes"]
                .iter()
                .map(|f| (f.to_string(), form.get(f).to_string()))
                .collect();
            let back = Back { form: None, authority: None, alert: Some(i18n.t("conflict-alert")), mine };
            render_show(&req, &user, &pool, id, back, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /facilities/{id}/authorities` (admins): who controls it from a date on.
pub async fn add_authority(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    user.require(&req, &[Role::Admin], "facility.authority.create").await?;
    let id = id.into_inner();
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let from_date = form.date("from_date");
    if from_date.is_none() && !form.has_err("from_date") {
        form.fail("from_date", "err-required");
    }
    let outcome = match from_date {
        Some(from_date) if !form.has_errors() => {
            let input = AuthorityInput { authority: form.text("authority"), from_date, note: form.text("note") };
            let (ctx, fid) = (user.audit_ctx(), id.clone());
            db(&pool, move |conn| service::add_authority(conn, &ctx, &fid, input).map(|_| ())).await
        }
        _ => Err(AppError::Validation { message: String::new(), fields: Default::default() }),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/facilities/{id}"))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, |f| AUTHORITY_INPUTS.contains(&f).then(|| f.to_string()));
            let back = Back { form: None, authority: Some(form), alert: None, mine: Vec::new() };
            render_show(&req, &user, &pool, id, back, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}
