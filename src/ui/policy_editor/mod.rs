//! The structured policy rule editor and the publish/retire confirmations (issue 8).
//!
//! - `edit`: `/policy-versions/{id}/edit`, the rules as a form (stewards). Every button posts
//!   the whole form and gets it back with its change applied; nothing is stored until "Save
//!   draft". `editor` holds the typed state and the buttons' actions, `model` converts it to
//!   domain rules (input names are the validation's paths), `render` lays it out for the
//!   template with the messages placed on their fields and the plain-language preview, and
//!   `words` says the messages and where they are in the reader's language.
//! - `confirm`: `/policy-versions/{id}/publish` and `/retire`: a GET shows what would change
//!   (the simulation, the versions closed), and only the confirmation's POST acts.
//! - `simulation`: `/policy-versions/{id}/simulate?as_of=`, a draft read-only with the
//!   simulation in words, for coordinators and stewards.

pub mod body;
pub mod confirm;
pub mod edit;
pub mod editor;
pub mod model;
pub mod render;
pub mod simulation;
pub mod words;

use crate::db::repo::policies as repo;
use crate::db::Pool;
use crate::domain::country::CountryCode;
use crate::domain::ids::PolicyVersionId;
use crate::error::{AppError, AppResult};
use crate::http::{db, resource};
use crate::i18n::I18n;
use crate::services::policy::views::{view, PolicyVersionView};
use actix_web::web;
use chrono::NaiveDate;

/// Registers the routes of this page group (before the older ones of `ui::policies`, which
/// these replace for the same paths).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/policy-versions/{id}/edit").route(web::get().to(edit::form)).route(web::post().to(edit::submit)),
    )
    .service(
        resource("/policy-versions/{id}/simulate")
            .route(web::get().to(simulation::show))
            .route(web::post().to(simulation::post)),
    )
    .service(
        resource("/policy-versions/{id}/publish")
            .route(web::get().to(confirm::publish_form))
            .route(web::post().to(confirm::publish_submit)),
    )
    .service(
        resource("/policy-versions/{id}/retire")
            .route(web::get().to(confirm::retire_form))
            .route(web::post().to(confirm::retire_submit)),
    );
}

/// A simulation as the pages show it: outcomes and places in the reader's words.
#[derive(Debug, Clone)]
pub struct SimView {
    pub as_of: NaiveDate,
    pub evaluated: usize,
    pub changed: usize,
    /// (code of the outcome before, before, after, persons), largest first.
    pub transitions: Vec<(String, String, String, usize)>,
    /// (where held now, persons), largest first.
    pub by_facility: Vec<(String, usize)>,
    /// (name, before, after): the reader's organisation only.
    pub affected: Vec<(String, String, String)>,
    /// Whether the reader may see names at all (else the page says why there are none).
    pub names_shown: bool,
}

/// A stored version.
pub async fn load(pool: &web::Data<Pool>, id: PolicyVersionId) -> AppResult<PolicyVersionView> {
    view(db(pool, move |conn| repo::find(conn, &id)?.ok_or(AppError::NotFound)).await?)
}

/// "Russian Federation (RU)", as the confirmations name a country (its code if unknown).
pub async fn country_label(pool: &web::Data<Pool>, code: CountryCode) -> AppResult<String> {
    let name = db(pool, move |conn| {
        Ok(crate::db::repo::countries::list(conn)?.into_iter().find(|c| c.code == code.as_str()).map(|c| c.name))
    })
    .await?;
    Ok(name.map(|n| format!("{n} ({code})")).unwrap_or_else(|| code.to_string()))
}

/// A period in words ("from 2017-11-01 to 2019-12-31"), the dates kept left-to-right.
pub fn period(i18n: &I18n, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let d = |d: NaiveDate| i18n.ltr(d.to_string());
    match (from, to) {
        (Some(f), Some(t)) => i18n.t_args("pe-period-from-to", &[("from", d(f).into()), ("to", d(t).into())]),
        (Some(f), None) => i18n.t_args("pe-period-from", &[("from", d(f).into())]),
        (None, Some(t)) => i18n.t_args("pe-period-to", &[("to", d(t).into())]),
        (None, None) => i18n.t("pe-period-none"),
    }
}
