//! The forms of a person's page, posted back to the page itself (`POST /persons/{id}`, the
//! hidden `form` input says which): another name, a nationality claim, a claim's new status, a
//! custody event. A save answers 303 to the page with a confirmation (and the plausibility
//! warnings); a refusal answers the page again, 422, with the form open, every typed value, the
//! messages beside the inputs and an error summary at the top; a stale status change answers
//! 409 with the stored claim and what the user had typed.

use super::person::{render_person, CLAIM_INPUTS, CUSTODY_INPUTS, NAME_INPUTS};
use super::posted::{Input, Posted};
use crate::auth::permissions::WriteRegistry;
use crate::auth::Can;
use crate::db::repo::{claims as claim_rows, persons as person_rows};
use crate::db::Pool;
use crate::domain::custody::CustodyKind;
use crate::domain::ids::{ClaimId, PersonId};
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::person::{NameKind, Script};
use crate::domain::records::claims::ClaimPatch;
use crate::domain::records::plausibility::Warning;
use crate::domain::records::{ClaimInput, CustodyInput, NameInput};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::{claims, custody, persons as service};
use crate::ui::forms::{see_other, Form, Words as _};
use crate::ui::i18n::I18n;
use crate::ui::person_form::read_partial;
use crate::ui::warnings::{landing, Saved};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

/// Which form of the person page.
#[derive(Debug, Clone)]
pub enum Which {
    Name,
    Claim,
    /// A claim's status (the claim must be the person's).
    Status(ClaimId),
    Custody,
}

impl Which {
    fn kind(&self) -> &'static str {
        match self {
            Which::Name => "name",
            Which::Claim => "claim",
            Which::Status(_) => "status",
            Which::Custody => "custody",
        }
    }

    fn saved(&self) -> Saved {
        match self {
            Which::Name => Saved::Name,
            Which::Claim => Saved::Claim,
            Which::Status(_) => Saved::Status,
            Which::Custody => Saved::Custody,
        }
    }

    fn inputs(&self) -> &'static [Input] {
        match self {
            Which::Name => NAME_INPUTS,
            Which::Claim | Which::Status(_) => CLAIM_INPUTS,
            Which::Custody => CUSTODY_INPUTS,
        }
    }
}

/// What a form asks the services to do, once read.
enum Write {
    Name(NameInput),
    Claim(ClaimInput),
    Status(ClaimId, i64, ClaimInput),
    Custody(CustodyInput),
}

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

/// Reads a custody event (kind, facility, a date with at least its year, a note); problems
/// go into the form. Also used for several members at once on the family page.
pub fn read_custody(form: &mut Form) -> Option<CustodyInput> {
    let kind = form.choice::<CustodyKind>("kind");
    if kind.is_none() && !form.has_err("kind") {
        form.fail("kind", "err-required");
    }
    let date = read_partial(form, "", "date");
    if date.is_none() && !form.has_err("date") {
        form.fail("date", "err-year-needed");
    }
    let facility_id = Some(form.text("facility_id")).filter(|f| !f.is_empty());
    // A facility the event needs is the domain's check: it reports it with the date's.
    Some(CustodyInput { kind: kind?, facility_id, date: date?, note: form.text("note") })
}

/// Reads the form; `None` when it cannot be saved as typed.
fn read(form: &mut Form, which: &Which) -> Option<Write> {
    let write = match which {
        Which::Name => Write::Name(NameInput {
            kind: form.choice::<NameKind>("kind").unwrap_or(NameKind::Alias),
            script: form.choice::<Script>("script"),
            name: form.text("name"),
        }),
        Which::Claim => Write::Claim(read_claim(form)),
        Which::Status(id) => {
            let input = read_claim(form);
            let version = form.int("version", "version", 0, i32::MAX);
            if version.is_none() && !form.has_err("version") {
                form.fail("version", "err-required");
            }
            Write::Status(id.clone(), i64::from(version?), input)
        }
        Which::Custody => Write::Custody(read_custody(form)?),
    };
    (!form.has_errors()).then_some(write)
}

/// Answers one form of the person page.
pub async fn handle(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    person_id: PersonId,
    mut form: Form,
    which: Which,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let write = read(&mut form, &which);
    let (ctx, scope, pid) = (user.audit_ctx(), user.scope(), person_id.clone());
    let outcome: AppResult<Vec<Warning>> = db(&pool, move |conn| {
        person_rows::find(conn, &scope, &pid)?.ok_or(AppError::NotFound)?;
        let Some(write) = write else { return Ok(Ok(Vec::new())) };
        Ok(match write {
            Write::Name(n) => service::add_name(conn, &ctx, &scope, &pid, n).map(|_| Vec::new()),
            Write::Claim(c) => claims::add(conn, &ctx, &scope, &pid, c).map(|_| Vec::new()),
            Write::Status(cid, version, c) => {
                // Only a claim of this person, from this page.
                let claim = claim_rows::find(conn, &scope, &cid)?.filter(|c| c.person_id == pid);
                claim.ok_or(AppError::NotFound)?;
                // The form sends every field: it replaces them all, as it always has.
                claims::update(conn, &ctx, &scope, &cid, version, ClaimPatch::replace_with(c)).map(|_| Vec::new())
            }
            Write::Custody(c) => {
                custody::add(conn, &ctx, &scope, std::slice::from_ref(&pid), c).map(|(_, warnings)| warnings)
            }
        })
    })
    .await?;
    let id = match &which {
        Which::Status(c) => c.to_string(),
        _ => String::new(),
    };
    let mut posted = Posted::new(which.kind(), id, form);
    let inputs = which.inputs();
    let status = match outcome {
        Ok(_) if posted.form.has_errors() => StatusCode::UNPROCESSABLE_ENTITY,
        Ok(warned) => return Ok(see_other(&landing(&format!("/persons/{person_id}"), which.saved(), &warned))),
        Err(AppError::Validation { fields, .. }) => {
            posted.form.absorb(&fields, |f| inputs.iter().any(|(k, _, _)| *k == f).then(|| f.to_string()));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Conflict { .. }) => {
            // Their version wins on screen: the form shows the stored claim, ours is listed.
            posted.mine = inputs
                .iter()
                .map(|(f, _, _)| *f)
                .filter(|f| !posted.form.get(f).trim().is_empty() && !matches!(*f, "version" | "country"))
                .map(|f| {
                    let v = posted.form.get(f);
                    let shown = match f {
                        "status" => i18n.tv("claim-status", v),
                        "basis" => i18n.tv("basis", v),
                        _ => v.to_string(),
                    };
                    (f.to_string(), shown)
                })
                .collect();
            posted.form = Form::new(&i18n);
            posted.alert = Some(i18n.t("conflict-alert"));
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e),
    };
    render_person(&req, &user, user.scope(), &pool, person_id, Some(posted), status).await
}

/// `POST /persons/{id}`: the form named by the hidden `form` input.
pub async fn submit(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let which = match form.get("form") {
        "name" => Which::Name,
        "claim" => Which::Claim,
        "custody" => Which::Custody,
        "status" => match form.choice::<ClaimId>("claim_id") {
            Some(c) => Which::Status(c),
            None => return Err(AppError::NotFound),
        },
        _ => return Err(AppError::BadRequest("unknown form".into())),
    };
    handle(req, user, pool, id.into_inner(), form, which).await
}
