//! A family's page: members with their names (in every script), facts, nationalities and
//! statelessness, whereabouts and custody timeline, relatives and where each is held; the forms
//! that change them (they come back with their values and messages when a change fails, or with
//! the stored record and an alert after a conflict); and the family's change history.

use super::forms::{ages, countries_and_facilities, page, see_other, Choices, Form, Nav, Opt, Words};
use super::i18n::I18n;
use super::warnings;
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser, OrgScope};
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::ids::FamilyId;
use crate::domain::records::plausibility::Warning;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::eligibility::reads::{self as eligibility, FamilyEligibility};
use crate::services::registry::families as service;
use crate::services::registry::history;
use crate::services::registry::views::{self, FamilyView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// A form of the family page that came back: its values, messages and, after a conflict, an
/// alert and what the user had typed.
pub struct Posted {
    /// Which form: `family`, `name`, `claim`, `status`, `custody`, `kin`.
    pub kind: &'static str,
    /// Whose: a person's or a claim's id ("" for the family form).
    pub id: String,
    /// The member the page scrolls back to after a change ("" for the family form).
    pub anchor: String,
    pub form: Form,
    pub alert: Option<String>,
    /// After a conflict: (field, typed value) the user may want to apply again.
    pub mine: Vec<(String, String)>,
}

/// One line of the change history.
pub struct HistoryItem {
    pub when: String,
    pub who: String,
    pub what: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

/// `GET /families/{id}`.
#[derive(Template)]
#[template(path = "registry/family.html")]
pub struct FamilyPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub family: FamilyView,
    pub countries: Vec<Opt>,
    pub facilities: Vec<Opt>,
    pub history: Vec<HistoryItem>,
    /// Each member's outcome under the policies in force today, and the family flags.
    pub eligibility: FamilyEligibility,
    pub posted: Option<Posted>,
    /// Plausibility warnings of the save that led here.
    pub notices: Vec<String>,
    pub choices: Choices,
}

// The helpers take ids as `impl AsRef<str>` (a `PersonId`, a `ClaimId` or "" for the family
// form) and stored values as `impl Display` (an enum shows as its stored text).
impl FamilyPage {
    fn posted_for(&self, kind: &str, id: &str) -> Option<&Posted> {
        self.posted.as_ref().filter(|p| p.kind == kind && p.id == id)
    }

    /// Whether this form came back (its `<details>` opens).
    pub fn open(&self, kind: &str, id: impl AsRef<str>) -> bool {
        self.posted_for(kind, id.as_ref()).is_some()
    }

    /// The typed value of a form that came back, else "".
    pub fn v(&self, kind: &str, id: impl AsRef<str>, field: &str) -> String {
        self.posted_for(kind, id.as_ref()).map(|p| p.form.get(field).to_string()).unwrap_or_default()
    }

    /// The typed value of a form that came back, else the stored one.
    pub fn vd(&self, kind: &str, id: impl AsRef<str>, field: &str, stored: impl std::fmt::Display) -> String {
        match self.posted_for(kind, id.as_ref()).filter(|p| p.form.contains(field)) {
            Some(p) => p.form.get(field).to_string(),
            None => stored.to_string(),
        }
    }

    /// Whether a select shows `value`: as typed, else `stored`.
    pub fn is(
        &self,
        kind: &str,
        id: impl AsRef<str>,
        field: &str,
        value: impl std::fmt::Display,
        stored: impl std::fmt::Display,
    ) -> bool {
        let value = value.to_string();
        match self.posted_for(kind, id.as_ref()).filter(|p| p.form.contains(field)) {
            Some(p) => p.form.is(field, &value),
            None => value == stored.to_string(),
        }
    }

    /// A field's messages.
    pub fn fe(&self, kind: &str, id: impl AsRef<str>, field: &str) -> String {
        self.posted_for(kind, id.as_ref()).map(|p| p.form.err(field)).unwrap_or_default()
    }

    /// The alert of a form that came back (a conflict, or messages for no one input).
    pub fn alert(&self, kind: &str, id: impl AsRef<str>) -> Vec<String> {
        let Some(p) = self.posted_for(kind, id.as_ref()) else { return Vec::new() };
        p.alert.iter().cloned().chain(p.form.general.iter().cloned()).collect()
    }

    /// What the user had typed before a conflict.
    pub fn mine(&self, kind: &str, id: impl AsRef<str>) -> Vec<(String, String)> {
        self.posted_for(kind, id.as_ref()).map(|p| p.mine.clone()).unwrap_or_default()
    }

    pub fn ages(&self, range: &Option<(i32, i32)>) -> String {
        ages(range)
    }

    /// A date (or a partial date's display form) or "".
    pub fn day(&self, d: &Option<impl std::fmt::Display>) -> String {
        d.as_ref().map(|d| d.to_string()).unwrap_or_default()
    }
}

/// A history field in words: `nationality.GB.status` → "Nationality GB: status".
fn field_label(i18n: &I18n, field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["name", kind] => format!("{}: {}", i18n.t("field-other_name"), i18n.tv("name-kind", kind)),
        ["nationality", cc] => format!("{} {cc}", i18n.t("field-nationality")),
        ["nationality", cc, f] => {
            format!(
                "{} {cc}: {}",
                i18n.t("field-nationality"),
                i18n.maybe(&format!("field-{f}")).unwrap_or(f.to_string())
            )
        }
        _ => i18n.maybe(&format!("field-{field}")).unwrap_or_else(|| field.to_string()),
    }
}

/// Renders a family's page (of the scope's organisation), with a form that came back if any.
pub async fn render_family(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    id: FamilyId,
    posted: Option<Posted>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(req);
    let (family, changes, (countries, facilities), eligibility) = db(pool, move |conn| {
        let family = views::family(conn, &scope, &id, today)?;
        let eligibility = eligibility::family(conn, &scope, &id, today)?;
        let changes = history::changes(conn, &scope, Some(&id), None, Page { limit: 200, offset: 0 })?;
        Ok((family, changes, countries_and_facilities(conn)?, eligibility))
    })
    .await?;
    let mut whose: HashMap<&str, String> =
        family.members.iter().map(|m| (m.id.as_str(), format!("{} {}", m.given_name, m.family_name))).collect();
    whose.insert(family.id.as_str(), i18n.t("history-family"));
    let history = changes
        .into_iter()
        .map(|c| HistoryItem {
            when: c.changed_at.format("%Y-%m-%d %H:%M").to_string(),
            who: c.actor_name.unwrap_or_default(),
            what: whose.get(c.entity_id.as_str()).cloned().unwrap_or_else(|| c.entity_type.clone()),
            field: field_label(&i18n, &c.field),
            old: c.old_value.unwrap_or_default(),
            new: c.new_value.unwrap_or_default(),
        })
        .collect();
    let family_page = FamilyPage {
        notices: warnings::notices(&i18n, req.query_string()),
        path: format!("/families/{}", family.id),
        i18n,
        nav: Nav::of(user),
        family,
        countries,
        facilities,
        history,
        eligibility,
        posted,
        choices: Choices::default(),
    };
    page(status, &family_page)
}

/// `GET /families/{id}`.
pub async fn show(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
) -> AppResult<HttpResponse> {
    render_family(&req, &user, user.scope(), &pool, id.into_inner(), None, StatusCode::OK).await
}

/// Answers a form of the family page: back to the page on success (naming the plausibility
/// warnings of the save, if any), else the page again with the form's values and messages
/// (422), or the stored record and an alert (409).
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    family_id: FamilyId,
    mut posted: Posted,
    outcome: AppResult<Vec<Warning>>,
    inputs: &[&str],
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    match outcome {
        Ok(warned) => {
            let anchor = if posted.anchor.is_empty() { String::new() } else { format!("#member-{}", posted.anchor) };
            Ok(see_other(&format!("/families/{family_id}{}{anchor}", warnings::query(&warned))))
        }
        Err(AppError::Validation { fields, .. }) => {
            posted.form.absorb(&fields, |f| inputs.contains(&f).then(|| f.to_string()));
            render_family(req, user, scope, pool, family_id, Some(posted), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            // Their version wins on screen: the form shows the stored values, ours are listed.
            posted.mine = inputs
                .iter()
                // Hidden inputs (the version, a claim's country) are not the user's typing.
                .filter(|f| !posted.form.get(f).trim().is_empty() && !matches!(**f, "version" | "country"))
                .map(|f| {
                    let v = posted.form.get(f);
                    let shown = match *f {
                        "status" => i18n.tv("claim-status", v),
                        "basis" => i18n.tv("basis", v),
                        _ => v.to_string(),
                    };
                    (f.to_string(), shown)
                })
                .collect();
            posted.form = Form::new(&i18n);
            posted.alert = Some(i18n.t("conflict-alert"));
            render_family(req, user, scope, pool, family_id, Some(posted), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /families/{id}`: label and notes, with the version edited.
pub async fn update(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let version = form.int("version", "version", 0, i32::MAX);
    if version.is_none() && !form.has_err("version") {
        form.fail("version", "err-required");
    }
    let (label, notes) = (form.get("label").to_string(), form.get("notes").to_string());
    let (ctx, scope, fid) = (user.audit_ctx(), user.scope(), id.clone());
    let outcome = match version {
        // The form already says what is wrong.
        None => Err(AppError::Validation { message: String::new(), fields: Default::default() }),
        Some(v) => {
            db(&pool, move |conn| {
                service::update(conn, &ctx, &scope, &fid, i64::from(v), &label, &notes).map(|_| Vec::new())
            })
            .await
        }
    };
    if let Err(AppError::NotFound) = outcome {
        return Err(AppError::NotFound);
    }
    let posted =
        Posted { kind: "family", id: String::new(), anchor: String::new(), form, alert: None, mine: Vec::new() };
    answer(&req, &user, user.scope(), &pool, id, posted, outcome, &["label", "notes", "version"]).await
}
