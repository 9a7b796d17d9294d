//! Facility pages: every signed-in user reads the list and a facility's authority history;
//! those who manage facilities (admins) create and change them and record who controls them
//! from a date on. Those who may read the registry also see their own organisation's persons
//! held there, a page at a time (al-Hol holds tens of thousands).
//!
//! A save answers 303 to the facility's page with `?saved=<what>`, which the page confirms; a
//! refusal answers the page again (422, or 409 for a stale edit) with every typed value, the
//! messages beside the inputs and the shared error summary at the top, each message a link to
//! its input.

use super::forms::{ages, country_options, page, see_other, Form, Nav, Opt, Words as _};
use super::i18n::{Arg, I18n};
use super::registry_pages::posted::{Forms, Input, Posted, Problem};
use crate::auth::permissions::ManageFacilities;
use crate::auth::{Can, CurrentUser};
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::facility::FacilityKind;
use crate::domain::ids::{FacilityId, FamilyId};
use crate::domain::partial_date::age_range;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::facilities::{self as service, AuthorityInput, FacilityInput, FacilityPatch, FacilityView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

/// Inputs of the facility forms (ids `fac-…`): key, id suffix, label.
const FACILITY_INPUTS: &[Input] = &[
    ("name", "name", "field-name"),
    ("code", "code", "field-code"),
    ("kind", "kind", "field-facility_kind"),
    ("country_code", "country", "field-country"),
    ("notes", "notes", "field-notes"),
    ("version", "name", "field-version"),
];
/// Inputs of the authority form (ids `au-…`).
const AUTHORITY_INPUTS: &[Input] = &[
    ("authority", "authority", "field-authority"),
    ("from_date", "from", "field-from_date"),
    ("note", "note", "field-note"),
];

/// Persons held per page of the population.
const HELD_PAGE: i64 = 50;

/// What a save confirms (`?saved=<key>`); each has a `saved-<key>` catalogue key.
const SAVED: &[&str] = &["facility-created", "facility", "authority"];

/// The confirmation the query asks for, in the user's language (unknown kinds: none).
fn saved(i18n: &I18n, query: &Form) -> Option<String> {
    SAVED.iter().find(|k| **k == query.get("saved")).map(|k| i18n.t(&format!("saved-{k}")))
}

/// Where a save lands: the facility's page with its confirmation.
fn landing(id: &FacilityId, what: &str) -> String {
    format!("/facilities/{id}?saved={what}")
}

/// Whether `key` is an input of `inputs` (the service's field errors go beside it).
fn known(inputs: &'static [Input]) -> impl Fn(&str) -> Option<String> {
    move |f| inputs.iter().any(|(k, _, _)| *k == f).then(|| f.to_string())
}

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
    /// The error summary of a refused creation (empty otherwise).
    pub problems: Vec<Problem>,
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
    let i18n = I18n::of_request(req);
    let refused = form.has_errors().then(|| Posted::new("facility", "", form.clone()));
    let list = ListPage {
        problems: Forms::new(refused).problems(&i18n, "fac-", FACILITY_INPUTS),
        i18n,
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
        Ok(row) => Ok(see_other(&landing(&row.id, "facility-created"))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, known(FACILITY_INPUTS));
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

/// One page of who is held there on a date.
pub struct Held {
    pub items: Vec<HeldItem>,
    /// "51", or "1000+" when counted only that far.
    pub total: String,
    /// "Page 2 of 3".
    pub page_of: String,
    pub prev: Option<String>,
    pub next: Option<String>,
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
    /// After a conflict: what the user had typed.
    pub mine: Vec<(String, String)>,
    /// The error summary of a refused form (empty otherwise).
    pub problems: Vec<Problem>,
    /// The confirmation of the save that led here.
    pub saved: Option<String>,
    /// Plausibility warnings: never any here, but the shared notices template reads them.
    pub notices: Vec<String>,
    /// Who is held there on `as_of` (those who may read the registry).
    pub held: Option<Held>,
    pub as_of: String,
    pub as_of_error: String, // why the `as_of` asked for was refused (then today is shown)
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

/// `/facilities/{id}?as_of=…&offset=…`: a page of the population.
fn held_link(id: &FacilityId, as_of: &str, offset: i64) -> String {
    let mut pairs = vec![("as_of", as_of.to_string())];
    if offset > 0 {
        pairs.push(("offset", offset.to_string()));
    }
    format!("/facilities/{id}?{}#held", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

async fn render_show(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    id: FacilityId,
    // The form that came back refused, if any: kind `facility` (the edit form) or `authority`.
    back: Option<Posted>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(req);
    let mut query = Form::parse(&i18n, req.query_string());
    let on: NaiveDate = query.date("as_of").unwrap_or(today);
    let as_of_error = query.err("as_of");
    let status = if as_of_error.is_empty() { status } else { StatusCode::UNPROCESSABLE_ENTITY };
    let offset = query.int("offset", "offset", 0, i32::MAX).map(i64::from).unwrap_or(0);
    let at = Page { limit: HELD_PAGE, offset };
    // The population only for those who may read the organisation's persons.
    let scope = user.registry_scope();
    let (facility, countries, held) = db(pool, move |conn| {
        let facility = service::view(conn, &id, today)?;
        let held = match scope {
            Some(scope) => {
                let (rows, total) = service::population_page(conn, &scope, &facility.id, on, today, at)?;
                let mut items = Vec::new();
                for p in rows {
                    let birth = p.birth.get()?;
                    items.push(HeldItem {
                        ages: ages(&birth.map(|b| age_range(&b, on))),
                        name: p.full_name(),
                        family_id: p.family_id,
                    });
                }
                Some((items, total))
            }
            None => None,
        };
        Ok((facility, country_options(conn)?, held))
    })
    .await?;
    let as_of = on.to_string();
    let held = held.map(|(items, total)| {
        let shown = items.len() as i64;
        let n = (at.offset / at.limit + 1) as usize;
        Held {
            items,
            total: total.label(),
            page_of: i18n
                .t_args("list-page", &[("n", Arg::from(n)), ("total", Arg::from(total.pages_label(at.limit)))]),
            prev: (at.offset > 0).then(|| held_link(&facility.id, &as_of, (at.offset - at.limit).max(0))),
            next: (shown == at.limit && total.more_after(at.offset + shown))
                .then(|| held_link(&facility.id, &as_of, at.offset + at.limit)),
        }
    });
    let inputs = match &back {
        Some(p) if p.kind == "authority" => ("au-", AUTHORITY_INPUTS),
        _ => ("fac-", FACILITY_INPUTS),
    };
    let forms = Forms::new(back);
    let problems = forms.problems(&i18n, inputs.0, inputs.1);
    // A refused form's page shows no confirmation of an earlier save.
    let saved = if problems.is_empty() { saved(&i18n, &query) } else { None };
    let (edit, authority) = match forms.posted() {
        Some(p) if p.kind == "authority" => (None, Some(p)),
        other => (other, None),
    };
    let mine = edit.map(|p| p.mine.clone()).unwrap_or_default();
    // After a conflict the edit form shows the stored record (the user's values are listed).
    let form = match edit.filter(|p| p.alert.is_none()) {
        Some(p) => p.form.clone(),
        None => {
            let mut f = Form::new(&i18n);
            fill(&mut f, &facility);
            f
        }
    };
    let show = ShowPage {
        path: format!("/facilities/{}", facility.id),
        nav: Nav::of(user),
        facility,
        countries,
        kinds: kinds(),
        form,
        authority: authority.map(|p| p.form.clone()).unwrap_or_else(|| Form::new(&i18n)),
        mine,
        problems,
        saved,
        notices: Vec::new(),
        held,
        as_of,
        as_of_error,
        i18n,
    };
    page(status, &show)
}

/// `GET /facilities/{id}` (`?as_of=` for who was held there on a date, `?offset=` for a page).
pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<FacilityId>,
) -> AppResult<HttpResponse> {
    render_show(&req, &user, &pool, id.into_inner(), None, StatusCode::OK).await
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
    // The edit form sends every field: it replaces them all.
    let patch = FacilityPatch::replace_with(read_facility(&form));
    let Some(version) = form.int("version", "version", 0, i32::MAX) else {
        if !form.has_err("version") {
            form.fail("version", "err-required");
        }
        let back = Some(Posted::new("facility", "", form));
        return render_show(&req, &user, &pool, id, back, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (ctx, fid) = (user.audit_ctx(), id.clone());
    match db(&pool, move |conn| service::update(conn, &ctx, &fid, i64::from(version), patch)).await {
        Ok(_) => Ok(see_other(&landing(&id, "facility"))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, known(FACILITY_INPUTS));
            let back = Some(Posted::new("facility", "", form));
            render_show(&req, &user, &pool, id, back, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            let mut posted = Posted::new("facility", "", Form::new(&i18n));
            posted.mine = ["name", "kind", "country_code", "notes"]
                .iter()
                .map(|f| (f.to_string(), form.get(f).to_string()))
                .collect();
            posted.alert = Some(i18n.t("conflict-alert"));
            render_show(&req, &user, &pool, id, Some(posted), StatusCode::CONFLICT).await
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
        Ok(()) => Ok(see_other(&landing(&id, "authority"))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, known(AUTHORITY_INPUTS));
            let back = Some(Posted::new("authority", "", form));
            render_show(&req, &user, &pool, id, back, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}
