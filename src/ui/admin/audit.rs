//! The organisation's audit trail (`Can<ReadAudit>`): its events newest first, filtered by
//! action, actor, entity, outcome and dates, paged, with the actors' display names; and the
//! check of the deployment's whole hash chain (which reports counts and hashes, no content).

use super::{action_label, summary, when, Input, Pager, SummaryItem};
use crate::auth::permissions::{ManageUsers, ReadAudit};
use crate::auth::Can;
use crate::db::repo::audit::AuditFilter;
use crate::db::repo::users as user_repo;
use crate::db::repo::Page;
use crate::db::Pool;
use crate::error::AppResult;
use crate::http::db;
use crate::services::audit::{self as service, VerifyReport};
use crate::ui::forms::{page, Form, Nav, Opt, Words as _};
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveTime;
use std::collections::HashMap;

/// Events per page.
const LIMIT: i64 = 50;

/// The filters, in the order of the form (their names are also the query's parameters).
const FILTER_INPUTS: &[Input] = &[
    Input { name: "action", id: "f-action", label: "admin-audit-action" },
    Input { name: "actor", id: "f-actor", label: "admin-audit-actor" },
    Input { name: "entity_type", id: "f-entity-type", label: "admin-audit-entity-type" },
    Input { name: "entity_id", id: "f-entity-id", label: "admin-audit-entity-id" },
    Input { name: "outcome", id: "f-outcome", label: "admin-audit-outcome" },
    Input { name: "from", id: "f-from", label: "admin-audit-from" },
    Input { name: "to", id: "f-to", label: "admin-audit-to" },
];

/// The outcomes the services record.
const OUTCOMES: &[&str] = &["success", "failure", "denied", "throttled", "cross_origin"];

/// An event as listed.
pub struct EventItem {
    pub seq: i64,
    pub at: String,
    /// The actor's display name, when they are one of the organisation's users.
    pub actor_name: Option<String>,
    pub actor_id: Option<String>,
    pub action: String,
    /// The action in words.
    pub action_label: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The page of the entity, when there is one (a user's).
    pub entity_link: Option<String>,
    pub outcome: String,
}

/// `GET /admin/audit`.
#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    /// The filters as typed.
    pub form: Form,
    pub summary: Vec<SummaryItem>,
    pub rows: Vec<EventItem>,
    pub pager: Pager,
    /// The organisation's users, for the actor filter.
    pub actors: Vec<Opt>,
    pub outcomes: &'static [&'static str],
}

impl AuditPage {
    /// Whether a filter is set (the count then says "matching").
    pub fn filtering(&self) -> bool {
        FILTER_INPUTS.iter().any(|i| !self.form.text(i.name).is_empty())
    }
}

/// The filters of the query; a date that is not one (or not within 1900–2100), or an end before
/// the start, gets a message.
fn filter_of(form: &mut Form) -> AuditFilter {
    let from = form.day("from");
    let to = form.day("to");
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            form.fail("to", "admin-err-to-before-from");
        }
    }
    let opt = |name: &str| Some(form.text(name)).filter(|v| !v.is_empty());
    AuditFilter {
        action: opt("action"),
        actor_id: opt("actor"),
        entity_type: opt("entity_type"),
        entity_id: opt("entity_id"),
        outcome: opt("outcome"),
        from: from.map(|d| d.and_time(NaiveTime::MIN)),
        // The whole of the last day.
        to: to.and_then(|d| d.succ_opt()).map(|d| d.and_time(NaiveTime::MIN)),
    }
}

/// `GET /admin/audit`: a page of events; invalid filters come back with their messages.
pub async fn list(req: HttpRequest, user: Can<ReadAudit>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::parse(&i18n, req.query_string());
    let filter = filter_of(&mut form);
    let at = Pager::page(&form, LIMIT);
    let valid = !form.has_errors();
    let scope = user.scope();
    let (rows, total, names, users) = db(&pool, move |conn| {
        let (rows, total) = if valid { service::list(conn, &scope, &filter, at)? } else { (Vec::new(), 0) };
        let ids: Vec<String> = rows.iter().filter_map(|r| r.actor_id.clone()).collect();
        let names: HashMap<String, String> = user_repo::names(conn, &scope, &ids)?.into_iter().collect();
        let (users, _) = user_repo::list(conn, &scope, Page { limit: 500, offset: 0 })?;
        Ok((rows, total, names, users))
    })
    .await?;
    // Events about a user link to the user's page for those who may open it.
    let link_users = user.may::<ManageUsers>();
    let mut actors: Vec<Opt> = users
        .into_iter()
        .map(|u| Opt { label: format!("{} ({})", u.display_name, u.email), value: u.id.to_string() })
        .collect();
    actors.sort_by_key(|a| a.label.to_lowercase());
    let rows: Vec<EventItem> = rows
        .into_iter()
        .map(|r| {
            let entity_type = r.entity_type.unwrap_or_default();
            let entity_id = r.entity_id.unwrap_or_default();
            EventItem {
                seq: r.seq,
                at: when(r.occurred_at),
                actor_name: r.actor_id.as_ref().and_then(|a| names.get(a)).cloned(),
                actor_id: r.actor_id,
                entity_link: (link_users && entity_type == "user").then(|| format!("/admin/users/{entity_id}")),
                action_label: action_label(&i18n, &r.action),
                action: r.action,
                entity_type,
                entity_id,
                outcome: r.outcome,
            }
        })
        .collect();
    let kept: Vec<(&str, String)> = FILTER_INPUTS.iter().map(|i| (i.name, form.text(i.name))).collect();
    // With the filters, so that switching the language keeps them.
    let path = match req.query_string() {
        "" => "/admin/audit".to_string(),
        query => format!("/admin/audit?{query}"),
    };
    let shown = AuditPage {
        path,
        nav: Nav::of(&user),
        summary: summary(&i18n, &form, FILTER_INPUTS, "audit-filters"),
        pager: Pager::new("/admin/audit", &kept, at, rows.len(), Some(total)),
        rows,
        actors,
        outcomes: OUTCOMES,
        form,
        i18n,
    };
    page(if valid { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }, &shown)
}

/// `GET /admin/audit/verify`.
#[derive(Template)]
#[template(path = "admin/audit_verify.html")]
pub struct VerifyPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub report: VerifyReport,
    /// What was found at the first break, in the reader's language.
    pub break_reason: String,
}

/// A break's reason (the domain's English text), translated when known.
fn reason(i18n: &I18n, text: &str) -> String {
    if text == "content was altered" {
        i18n.t("admin-verify-altered")
    } else if text.starts_with("does not follow the previous event") {
        i18n.t("admin-verify-reordered")
    } else if text.starts_with("event ") && text.contains(" is missing") {
        i18n.t("admin-verify-missing")
    } else {
        text.to_string()
    }
}

/// `GET /admin/audit/verify`: walks the whole chain and shows the report (it changes nothing).
pub async fn verify(req: HttpRequest, user: Can<ReadAudit>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let report = db(&pool, service::verify).await?;
    let break_reason = report.first_break.as_ref().map(|b| reason(&i18n, &b.reason)).unwrap_or_default();
    let shown = VerifyPage { path: "/admin/audit/verify".into(), nav: Nav::of(&user), report, break_reason, i18n };
    page(StatusCode::OK, &shown)
}
