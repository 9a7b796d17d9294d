//! Changing a person from the HTML pages: the edit form of their own facts (its own page,
//! linked from the person's page, where a save lands with a confirmation; a refusal comes back
//! with every typed value and an error summary at the top). The person page's small forms live
//! in `registry_pages::person_forms`.

use super::forms::{page, see_other, Choices, Form, Nav, Words as _};
use super::i18n::I18n;
use super::person_form::{check_too, core_input, fill_core, read_core, shown, CORE_FIELDS, FLAGS};
use super::registry_pages::posted::{Forms, Input, Posted, Problem};
use super::warnings::{landing, Saved};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser};
use crate::db::Pool;
use crate::domain::ids::PersonId;
use crate::domain::records::PersonPatch;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::persons as service;
use crate::services::registry::views::{self, PersonView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// Inputs of the edit form, for its error summary (ids are the input names).
const EDIT_INPUTS: &[Input] = &[
    ("given_name", "given_name", "field-given_name"),
    ("family_name", "family_name", "field-family_name"),
    ("sex", "sex", "field-sex"),
    ("birth", "birth_year", "field-birth"),
    ("place_of_birth", "place_of_birth", "field-place_of_birth"),
    ("left_home", "left_home_year", "field-left_home"),
    ("left_home_age", "left_home_age", "field-left_home_age"),
    ("wish", "wish", "field-wish"),
    ("wish_recorded_on", "wish_recorded_on", "field-wish_recorded_on"),
    ("date_of_death", "date_of_death", "field-date_of_death"),
    ("notes", "notes", "field-notes"),
    ("version", "given_name", "field-given_name"),
];

/// `GET /persons/{id}/edit`.
#[derive(Template)]
#[template(path = "registry/person_edit.html")]
pub struct EditPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub person: PersonView,
    pub form: Form,
    pub alert: Option<String>,
    /// After a conflict: (field, typed value) the user may want to apply again.
    pub mine: Vec<(String, String)>,
    pub flags: Vec<&'static str>,
    pub choices: Choices,
    /// The error summary of a refused save (empty otherwise).
    pub problems: Vec<Problem>,
}

fn edit_page(req: &HttpRequest, user: &CurrentUser, person: PersonView, form: Form) -> EditPage {
    let i18n = I18n::of_request(req);
    let problems = if form.has_errors() {
        Forms::new(Some(Posted::new("edit", "", form.clone()))).problems(&i18n, "", EDIT_INPUTS)
    } else {
        Vec::new()
    };
    EditPage {
        problems,
        i18n,
        path: format!("/persons/{}/edit", person.id),
        nav: Nav::of(user),
        person,
        form,
        alert: None,
        mine: Vec::new(),
        flags: FLAGS.to_vec(),
        choices: Choices::default(),
    }
}

/// `GET /persons/{id}/edit`: the form, filled with the stored facts and their version.
pub async fn edit_form(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let scope = user.scope();
    let person = db(&pool, move |conn| views::person(conn, &scope, &id, today)).await?;
    let mut form = Form::new(&I18n::of_request(&req));
    fill_core(&mut form, &person);
    page(StatusCode::OK, &edit_page(&req, &user, person, form))
}

/// `POST /persons/{id}/edit`: saves if the version is current; else shows the stored record.
pub async fn edit_submit(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let core = read_core(&mut form, "");
    let core_copy = core.clone();
    let version = form.int("version", "version", 0, i32::MAX);
    if version.is_none() && !form.has_err("version") {
        form.fail("version", "err-required");
    }
    let (ctx, scope, pid) = (user.audit_ctx(), user.scope(), id.into_inner());
    let parsed_ok = !form.has_errors();
    let (outcome, current) = db(&pool, move |conn| {
        let outcome = match (parsed_ok, version) {
            // The form sends every field: the patch replaces them all.
            (true, Some(v)) => {
                service::update(conn, &ctx, &scope, &pid, i64::from(v), PersonPatch::replace_with(core)).map(|_| ())
            }
            _ => Ok(()),
        };
        if let Err(AppError::NotFound) = outcome {
            return Err(AppError::NotFound);
        }
        Ok((outcome, views::person(conn, &scope, &pid, today)?))
    })
    .await?;
    if !parsed_ok {
        check_too(&mut form, "", &core_copy, today, core_input);
        return page(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(&req, &user, current, form));
    }
    match outcome {
        Ok(()) => Ok(see_other(&landing(&format!("/persons/{}", current.id), Saved::Person, &[]))),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, core_input);
            page(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(&req, &user, current, form))
        }
        Err(AppError::Conflict { .. }) => {
            let mut stored = Form::new(&i18n);
            fill_core(&mut stored, &current);
            let mut mine = form.differences(&stored, CORE_FIELDS);
            for (f, v) in &mut mine {
                *v = shown(&i18n, f, v);
            }
            let mut p = edit_page(&req, &user, current, stored);
            p.alert = Some(i18n.t("conflict-alert"));
            p.mine = mine;
            page(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}
