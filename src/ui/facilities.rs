//! Facility pages: every signed-in user reads the list and a facility's authority history;
//! those who manage facilities (admins) create and change them and record who controls them
//! from a date on. Those who may read the registry also see their own organisation's persons
//! held there.

use super::forms::{ages, country_options, page, see_other, Form, Nav, Opt, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::ManageFacilities;
use crate::auth::{Can, CurrentUser};
use crate::db::Pool;
use crate::domain::facility::FacilityKind;
use crate::domain::ids::{FacilityId, FamilyId};
use crate::domain::partial_date::age_range;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::facilities::{self as service, AuthorityInput, FacilityInput, FacilityView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

const FACILITY_INPUTS: &[&str] = &["name", "code", "kind", "country_code", "notes", "version"];
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

/// The kinds of facility, for the select.
fn kinds() -> Vec<&'static str> {
    FacilityKind::ALL.iter().map(|k| k.as_str()).collect()
}

async fn render_list(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    form: Form,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let (rows, countries) = db(pool, move |conn| Ok((service::list(conn, today)?, country_options(conn)?))).await?;
    let list = ListPage {
        i18n: I18n::of_request(req),
        path: "/facilities".into(),
        nav: Nav::of(user),
        rows,
        countries,
        kinds: kinds(),
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

/// The typed facility. The code is read only where the form has it (creation); it never
/// changes afterwards.
fn read_facility(form: &Form) -> FacilityInput {
    FacilityInput {
        name: form.text("name"),
        code: Some(form.text("code")).filter(|c| !c.is_empty()),
        kind: form.text("kind"),
        country_code: form.text("country_code"),
        notes: form.text("notes"),
    }
}

/// `POST /facilities` (admins).
pub async fn create(
    req: HttpRequest,
    user: Can<ManageFacilities>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
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
    pub family_id: Option<FamilyId>,
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
    /// Who is held there on `as_of` (those who may read the registry).
    pub held: Option<Vec<HeldItem>>,
    pub as_of: String,
}

impl ShowPage {
    /// A country's name from its code.
    pub fn country(&self, code: impl std::fmt::Display) -> String {
        let code = code.to_string();
        self.countries.iter().find(|c| c.value == code).map(|c| c.label.clone()).unwrap_or(code)
    }
}

fn fill(form: &mut Form, f: &FacilityView) {
    form.set("name", f.name.clone());
    form.set("kind", f.kind.as_str());
    form.set("country_code", f.country_code.to_string());
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
    id: FacilityId,
    back: Back,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(req);
    let mut as_of_form = Form::parse(&i18n, req.query_string());
    let on: NaiveDate = as_of_form.date("as_of").unwrap_or(today);
    // The population only for those who may read the organisation's persons.
    let scope = user.registry_scope();
    let (facility, countries, held) = db(pool, move |conn| {
        let facility = service::view(conn, &id, today)?;
        let held = match scope {
            Some(scope) => {
                let mut items = Vec::new();
                for p in service::population(conn, &scope, &facility.id, on)? {
                    let birth = p.birth.get()?;
                    items.push(HeldItem {
                        ages: ages(&birth.map(|b| age_range(&b, on))),
                        name: p.full_name(),
                        family_id: p.family_id,
                    });
                }
                Some(items)
            }
            None => None,
        };
        Ok((facility, country_options(conn)?, held))
    })
    .await?;
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
        kinds: kinds(),
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
    id: web::Path<FacilityId>,
) -> AppResult<HttpResponse> {
    let back = Back { form: None, authority: None, alert: None, mine: Vec::new() };
    render_show(&req, &user, &pool, id.into_inner(), back, StatusCode::OK).await
}

/// `POST /facilities/{id}` (admins): saves if the version is current; else shows the record.
pub async fn update(
    req: HttpRequest,
    user: Can<ManageFacilities>,
    pool: web::Data<Pool>,
    id: web::Path<FacilityId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let id = id.into_inner();
    let mut form = Form::body(&i18n, &body)?;
    let input = read_facility(&form);
    let Some(version) = form.int("version", "version", 0, i32::MAX) else {
        if !form.has_err("version") {
            form.fail("version", "err-required");
        }
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
    user: Can<ManageFacilities>,
    pool: web::Data<Pool>,
    id: web::Path<FacilityId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
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
