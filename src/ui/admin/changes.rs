//! The deployment's policy change log (`Can<ReadPolicyChanges>`): who drafted, published or
//! retired which country's policy version, and who granted or ended a stewardship, with the
//! organisation they act for. Policies are shared, so every organisation's admins read it all.

use super::{action_label, when, Pager};
use crate::auth::permissions::ReadPolicyChanges;
use crate::auth::Can;
use crate::db::repo::policies;
use crate::db::Pool;
use crate::error::AppResult;
use crate::http::db;
use crate::services::policy::views;
use crate::ui::forms::{page, Form, Nav};
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// Changes per page.
const LIMIT: i64 = 50;

/// A change as listed.
pub struct ChangeItem {
    pub at: String,
    pub action: String,
    /// The action in words.
    pub action_label: String,
    /// The version's country and number, when the change is about a version.
    pub country: Option<String>,
    pub number: Option<i32>,
    /// Who did it (`None`: the operator at the command line, or a removed account).
    pub actor: Option<String>,
    pub organisation: Option<String>,
}

/// `GET /admin/policy-changes`.
#[derive(Template)]
#[template(path = "admin/policy_changes.html")]
pub struct ChangesPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub rows: Vec<ChangeItem>,
    pub pager: Pager,
}

/// `GET /admin/policy-changes`: the most recent changes first, paged.
pub async fn list(req: HttpRequest, user: Can<ReadPolicyChanges>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let at = Pager::page(&Form::parse(&i18n, req.query_string()), LIMIT);
    let (changes, versions) = db(&pool, move |conn| {
        let changes = views::changes(conn, at)?;
        // Every version by id (a small table: a few versions per country).
        let versions: HashMap<String, (String, i32)> = policies::all(conn)?
            .into_iter()
            .map(|v| (v.id.to_string(), (v.country_code.to_string(), v.number)))
            .collect();
        Ok((changes, versions))
    })
    .await?;
    let rows: Vec<ChangeItem> = changes
        .into_iter()
        .map(|c| {
            let version = c.policy_version_id.as_ref().and_then(|id| versions.get(id)).cloned();
            ChangeItem {
                at: when(c.at),
                action_label: action_label(&i18n, &c.action),
                action: c.action,
                country: version.as_ref().map(|v| v.0.clone()),
                number: version.map(|v| v.1),
                actor: c.actor_name,
                organisation: c.actor_organisation,
            }
        })
        .collect();
    let shown = ChangesPage {
        path: "/admin/policy-changes".into(),
        nav: Nav::of(&user),
        pager: Pager::new("/admin/policy-changes", &[], at, rows.len(), None),
        rows,
        i18n,
    };
    page(StatusCode::OK, &shown)
}
