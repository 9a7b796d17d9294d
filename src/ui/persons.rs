//! Changing a person from the HTML pages: the edit form of their own facts (its own page), and
//! the small forms of the family page (add a name, a nationality claim, a custody event, a
//! kinship link; change a claim's status). Every one keeps what was typed when it fails.

use super::family::{answer, render_family, Posted};
use super::forms::{page, see_other, Choices, Form, Nav, Words as _};
use super::i18n::I18n;
use super::person_form::{check_too, core_input, fill_core, read_core, shown, CORE_FIELDS, FLAGS};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser, OrgScope};
use crate::db::repo::{claims as claim_rows, persons as person_rows};
use crate::db::{DbConnection, Pool};
use crate::domain::custody::CustodyKind;
use crate::domain::ids::{ClaimId, FamilyId, PersonId};
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::person::{KinshipKind, NameKind, Script};
use crate::domain::records::plausibility::Warning;
use crate::domain::records::{ClaimInput, CustodyInput, NameInput, PersonPatch};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::audit::AuditCtx;
use crate::services::registry::views::{self, PersonView};
use crate::services::registry::{claims, custody, persons as service};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

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
}

fn edit_page(req: &HttpRequest, user: &CurrentUser, person: PersonView, form: Form) -> EditPage {
    EditPage {
        i18n: I18n::of_request(req),
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
        Ok(()) => {
            let back = match &current.family_id {
                Some(f) => format!("/families/{f}#member-{}", current.id),
                None => "/families".to_string(),
            };
            Ok(see_other(&back))
        }
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

/// What a write of the family page gives back: the plausibility warnings of the save.
type Written = AppResult<Vec<Warning>>;

/// Runs `f` on a person of the caller's organisation (404 otherwise); gives back the person's
/// family and the outcome, so the family page can show the form again.
async fn on_person<F>(
    pool: &web::Data<Pool>,
    scope: OrgScope,
    person_id: PersonId,
    f: F,
) -> AppResult<(FamilyId, Written)>
where
    F: FnOnce(&mut DbConnection, &OrgScope, &PersonId) -> Written + Send + 'static,
{
    db(pool, move |conn| {
        let person = person_rows::find(conn, &scope, &person_id)?.ok_or(AppError::NotFound)?;
        let family = person.family_id.clone().ok_or(AppError::NotFound)?;
        Ok((family, f(conn, &scope, &person_id)))
    })
    .await
}

/// The request of a person form: who asks, about whom, and what they typed.
struct Call {
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    person_id: PersonId,
    body: web::Bytes,
}

/// Which form of the family page (`kind`), and its inputs that show messages.
struct Spec {
    kind: &'static str,
    inputs: &'static [&'static str],
}

/// Reads the form, parses with `read`, runs `write` on the person and answers with the page.
async fn person_form<T, R, W>(call: Call, spec: Spec, read: R, write: W) -> AppResult<HttpResponse>
where
    T: Send + 'static,
    R: FnOnce(&mut Form) -> T,
    W: FnOnce(&mut DbConnection, &AuditCtx, &OrgScope, &PersonId, T) -> Written + Send + 'static,
{
    let Call { req, user, pool, person_id, body } = call;
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let input = read(&mut form);
    let parsed_ok = !form.has_errors();
    let ctx = user.audit_ctx();
    let (family, outcome) = on_person(&pool, user.scope(), person_id.clone(), move |conn, scope, pid| {
        if parsed_ok {
            write(conn, &ctx, scope, pid, input)
        } else {
            Ok(Vec::new())
        }
    })
    .await?;
    let id = person_id.to_string();
    let posted = Posted { kind: spec.kind, anchor: id.clone(), id, form, alert: None, mine: Vec::new() };
    if !parsed_ok {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_family(&req, &user, user.scope(), &pool, family, Some(posted), status).await;
    }
    answer(&req, &user, user.scope(), &pool, family, posted, outcome, spec.inputs).await
}

/// `POST /persons/{id}/names`: another name (alias, kunya, other script ...).
pub async fn add_name(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let read = |form: &mut Form| NameInput {
        kind: form.choice::<NameKind>("kind").unwrap_or(NameKind::Alias),
        script: form.choice::<Script>("script"),
        name: form.text("name"),
    };
    let write = |conn: &mut DbConnection, ctx: &_, scope: &OrgScope, pid: &PersonId, n: NameInput| {
        service::add_name(conn, ctx, scope, pid, n).map(|_| Vec::new())
    };
    let call = Call { req, user, pool, person_id: id.into_inner(), body };
    person_form(call, Spec { kind: "name", inputs: &["kind", "script", "name"] }, read, write).await
}

const CLAIM_INPUTS: &[&str] = &["country", "status", "basis", "decision_date", "legal_note", "source", "version"];

fn read_claim(form: &mut Form) -> ClaimInput {
    ClaimInput {
        country: form.text("country"),
        status: form.choice::<ClaimStatus>("status").unwrap_or(ClaimStatus::Claimed),
        basis: form.choice::<ClaimBasis>("basis"),
        decision_date: form.partial_date("decision_date"),
        legal_note: form.text("legal_note"),
        source: form.text("source"),
    }
}

/// `POST /persons/{id}/nationalities`: a nationality claim.
pub async fn add_claim(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let write = |conn: &mut DbConnection, ctx: &_, scope: &OrgScope, pid: &PersonId, c: ClaimInput| {
        claims::add(conn, ctx, scope, pid, c).map(|_| Vec::new())
    };
    let call = Call { req, user, pool, person_id: id.into_inner(), body };
    person_form(call, Spec { kind: "claim", inputs: CLAIM_INPUTS }, read_claim, write).await
}

/// `POST /nationalities/{id}`: verify, deny or revoke a claim (with the version edited).
pub async fn update_claim(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<ClaimId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let claim_id = id.into_inner();
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let input = read_claim(&mut form);
    let version = form.int("version", "version", 0, i32::MAX);
    if version.is_none() && !form.has_err("version") {
        form.fail("version", "err-required");
    }
    let parsed_ok = !form.has_errors();
    let (ctx, scope, cid) = (user.audit_ctx(), user.scope(), claim_id.clone());
    let (family, person_id, outcome) = db(&pool, move |conn| {
        // The service checks that the claim is the organisation's (404 otherwise).
        let outcome = match version {
            Some(v) if parsed_ok => claims::update(conn, &ctx, &scope, &cid, i64::from(v), input).map(|_| Vec::new()),
            // The form already says what is wrong.
            _ => Err(AppError::Validation { message: String::new(), fields: Default::default() }),
        };
        if let Err(AppError::NotFound) = outcome {
            return Err(AppError::NotFound);
        }
        // The page to go back to: the family of the claim's person.
        let claim = claim_rows::find(conn, &scope, &cid)?.ok_or(AppError::NotFound)?;
        let person = person_rows::find(conn, &scope, &claim.person_id)?.ok_or(AppError::NotFound)?;
        let family = person.family_id.ok_or(AppError::NotFound)?;
        Ok((family, person.id, outcome))
    })
    .await?;
    let posted = Posted {
        kind: "status",
        id: claim_id.to_string(),
        anchor: person_id.to_string(),
        form,
        alert: None,
        mine: Vec::new(),
    };
    answer(&req, &user, user.scope(), &pool, family, posted, outcome, CLAIM_INPUTS).await
}

const CUSTODY_INPUTS: &[&str] = &["kind", "facility_id", "date", "note"];

/// `POST /persons/{id}/custody`: a custody event with a partial date.
pub async fn add_custody(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let read = |form: &mut Form| {
        let kind = form.choice::<CustodyKind>("kind");
        if kind.is_none() && !form.has_err("kind") {
            form.fail("kind", "err-required");
        }
        let date = super::person_form::read_partial(form, "", "date");
        if date.is_none() && !form.has_err("date") {
            form.fail("date", "err-year-needed");
        }
        let facility_id = Some(form.text("facility_id")).filter(|f| !f.is_empty());
        (kind, date, facility_id, form.text("note"))
    };
    let write =
        |conn: &mut DbConnection, ctx: &_, scope: &OrgScope, pid: &PersonId, (kind, date, facility_id, note)| {
            let (Some(kind), Some(date)) = (kind, date) else { return Ok(Vec::new()) };
            let input = CustodyInput { kind, facility_id, date, note };
            custody::add(conn, ctx, scope, std::slice::from_ref(pid), input).map(|(_, warnings)| warnings)
        };
    let call = Call { req, user, pool, person_id: id.into_inner(), body };
    person_form(call, Spec { kind: "custody", inputs: CUSTODY_INPUTS }, read, write).await
}

/// `POST /persons/{id}/kinship`: "this person is <kind> <relative>".
pub async fn link(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let read = |form: &mut Form| {
        let kind = form.choice::<KinshipKind>("kind");
        if kind.is_none() && !form.has_err("kind") {
            form.fail("kind", "err-required");
        }
        // A malformed id is a message too (a choice that is not in the list).
        let relative = form.choice::<PersonId>("relative_id");
        if relative.is_none() && !form.has_err("relative_id") {
            form.fail("relative_id", "err-required");
        }
        (kind, relative)
    };
    let write = |conn: &mut DbConnection,
                 ctx: &_,
                 scope: &OrgScope,
                 pid: &PersonId,
                 (kind, relative): (Option<KinshipKind>, Option<PersonId>)| {
        let (Some(kind), Some(relative)) = (kind, relative) else { return Ok(Vec::new()) };
        match service::link(conn, ctx, scope, pid, &relative, kind) {
            // The relative is chosen from a list; one that vanished is a message, not a 404 page.
            Err(AppError::NotFound) => Err(AppError::field("relative_id", "is required")),
            other => other.map(|(_, warning)| warning.into_iter().collect()),
        }
    };
    let call = Call { req, user, pool, person_id: id.into_inner(), body };
    person_form(call, Spec { kind: "kin", inputs: &["kind", "relative_id"] }, read, write).await
}
