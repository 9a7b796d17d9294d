//! Merges as the pages show them: on a person's page, the merges into this person (the merged
//! name, the day, undone or an Undo button) or of it (a restored record), and the notice after a
//! merge or an undo (`?merged=<merge id>`, `?restored=<merge id>`: only the merge's id travels,
//! never a name); `/merges/{id}`, one merge with what stayed apart, where a refused undo comes
//! back with its reason; `POST /merges/{id}/undo`, which lands on the restored person's page.

use super::compare::refusal;
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser, OrgScope};
use crate::db::repo::persons;
use crate::db::{DbConnection, Pool};
use crate::domain::ids::PersonId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::merge::{self, MergeView};
use crate::ui::forms::{page, see_other, Nav};
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// A merge seen from one of its two persons.
#[derive(Debug, Clone)]
pub struct MergeItem {
    pub id: String,
    /// Another record was merged into this person (else this person was merged into another,
    /// and has been restored since).
    pub into_this: bool,
    /// The other person of the merge, their name, and whether their record exists now.
    pub other_id: String,
    pub other_name: String,
    pub other_exists: bool,
    /// `YYYY-MM-DD`.
    pub merged_on: String,
    pub undone_on: Option<String>,
}

impl MergeItem {
    /// Whether the merge can be undone from here (it is into this person and not undone yet).
    pub fn undoable(&self) -> bool {
        self.into_this && self.undone_on.is_none()
    }
}

/// The merges of a person's page, and what the merge or undo that led there did.
#[derive(Debug, Clone, Default)]
pub struct PersonMerges {
    pub items: Vec<MergeItem>,
    /// `?merged=` or `?restored=`: the merge the page was reached from, and how.
    landed: Option<(String, &'static str)>,
}

fn day(at: &chrono::NaiveDateTime) -> String {
    at.date().format("%Y-%m-%d").to_string()
}

impl PersonMerges {
    /// The merges into `person` or of them, newest first, and the notice `query_string` asks
    /// for (a merge id, looked up among them: a stray id shows nothing).
    pub fn load(
        conn: &mut DbConnection,
        scope: &OrgScope,
        person: &PersonId,
        query_string: &str,
    ) -> AppResult<PersonMerges> {
        let views = merge::of_person(conn, scope, person)?;
        let others: Vec<PersonId> =
            views.iter().map(|m| if &m.kept_id == person { m.merged_id.clone() } else { m.kept_id.clone() }).collect();
        let names: HashMap<PersonId, String> =
            persons::by_ids(conn, scope, &others)?.into_iter().map(|p| (p.id.clone(), p.full_name())).collect();
        let items = views
            .iter()
            .map(|m| {
                let into_this = &m.kept_id == person;
                let other = if into_this { &m.merged_id } else { &m.kept_id };
                let fallback = if into_this { m.merged_name.clone() } else { String::new() };
                MergeItem {
                    id: m.id.clone(),
                    into_this,
                    other_id: other.to_string(),
                    other_name: names.get(other).cloned().unwrap_or(fallback),
                    other_exists: names.contains_key(other),
                    merged_on: day(&m.merged_at),
                    undone_on: m.undone_at.as_ref().map(day),
                }
            })
            .collect();
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query_string).unwrap_or_default();
        let landed = pairs.into_iter().find_map(|(k, v)| match k.as_str() {
            "merged" => Some((v, "merged")),
            "restored" => Some((v, "restored")),
            _ => None,
        });
        Ok(PersonMerges { items, landed })
    }

    /// The merge the page was reached from, if it is one of this person's.
    fn landed_on(&self) -> Option<(&MergeItem, &'static str)> {
        let (id, how) = self.landed.as_ref()?;
        self.items.iter().find(|m| &m.id == id).map(|m| (m, *how))
    }

    /// "Maryam Hadad was merged into this record." after a merge (while it stands), "The merge
    /// was undone: …" after an undo.
    pub fn notice(&self, i18n: &I18n) -> Option<String> {
        match self.landed_on()? {
            (m, "merged") if m.undoable() => {
                Some(i18n.t_args("dup-merged-notice", &[("name", m.other_name.clone().into())]))
            }
            (m, "restored") if !m.into_this && m.undone_on.is_some() => Some(i18n.t("dup-restored-notice")),
            _ => None,
        }
    }

    /// The merge whose Undo button the notice offers (the one just made).
    pub fn undo_now(&self) -> Option<&MergeItem> {
        self.landed_on().filter(|(m, how)| *how == "merged" && m.undoable()).map(|(m, _)| m)
    }
}

/// `GET /merges/{id}`.
#[derive(Template)]
#[template(path = "duplicates/merge.html")]
pub struct MergePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub m: MergeView,
    pub merged_on: String,
    pub undone_on: Option<String>,
    /// The kept person's name, when their record exists.
    pub kept_name: Option<String>,
    /// The merged person's record exists (again).
    pub merged_exists: bool,
    pub error: Option<String>,
}

async fn render(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    id: String,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (m, names) = db(pool, move |conn| {
        let m = merge::find(conn, &scope, &id)?;
        let names: HashMap<PersonId, String> =
            persons::by_ids(conn, &scope, &[m.kept_id.clone(), m.merged_id.clone()])?
                .into_iter()
                .map(|p| (p.id.clone(), p.full_name()))
                .collect();
        Ok((m, names))
    })
    .await?;
    let merge_page = MergePage {
        i18n: I18n::of_request(req),
        path: "/duplicates".into(),
        nav: Nav::of(user),
        merged_on: day(&m.merged_at),
        undone_on: m.undone_at.as_ref().map(day),
        kept_name: names.get(&m.kept_id).cloned(),
        merged_exists: names.contains_key(&m.merged_id),
        m,
        error,
    };
    page(status, &merge_page)
}

/// `GET /merges/{id}`: one merge of the organisation (404 otherwise).
pub async fn show(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    render(&req, &user, user.scope(), &pool, id.into_inner(), None, StatusCode::OK).await
}

/// `POST /merges/{id}/undo`: the merged person comes back; their page says so. A refusal (undone
/// already, the kept person merged in turn) comes back on the merge's page with 409.
pub async fn undo(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (ctx, scope, undo_id) = (user.audit_ctx(), user.scope(), id.clone());
    match db(&pool, move |conn| merge::undo(conn, &ctx, &scope, &undo_id)).await {
        Ok(m) => {
            let q = serde_urlencoded::to_string([("restored", m.id.as_str())]).unwrap_or_default();
            Ok(see_other(&format!("/persons/{}?{q}", m.merged_id)))
        }
        Err(e @ AppError::Conflict { .. }) => {
            let said = refusal(&I18n::of_request(&req), &e);
            render(&req, &user, user.scope(), &pool, id, Some(said), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

/// The query of a person's page reached after a merge: `merged=<id>`.
pub fn merged_query(merge_id: &str) -> String {
    serde_urlencoded::to_string([("merged", merge_id)]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    fn item(id: &str, into_this: bool, undone: bool) -> MergeItem {
        MergeItem {
            id: id.into(),
            into_this,
            other_id: "p2".into(),
            other_name: "Maryam Hadad".into(),
            other_exists: !into_this,
            merged_on: "2026-11-26".into(),
            undone_on: undone.then(|| "2026-11-27".into()),
        }
    }

    #[test]
    fn the_notice_names_the_merged_person_only_for_a_merge_of_this_page_that_stands() {
        let en = I18n::new(Lang::En);
        let landed = |id: &str, how: &'static str, items: Vec<MergeItem>| PersonMerges {
            items,
            landed: Some((id.to_string(), how)),
        };
        let merged = landed("m1", "merged", vec![item("m1", true, false)]);
        assert_eq!(merged.notice(&en).as_deref(), Some("Maryam Hadad was merged into this record."));
        assert_eq!(merged.undo_now().map(|m| m.id.as_str()), Some("m1"));
        assert_eq!(landed("m9", "merged", vec![item("m1", true, false)]).notice(&en), None, "a stray id");
        assert_eq!(landed("m1", "merged", vec![item("m1", true, true)]).undo_now().map(|m| m.id.clone()), None);
        let restored = landed("m1", "restored", vec![item("m1", false, true)]);
        assert_eq!(restored.notice(&en), Some(en.t("dup-restored-notice")));
        assert!(restored.undo_now().is_none());
        let ar = I18n::new(Lang::Ar);
        assert!(merged.notice(&ar).is_some_and(|n| n.contains("Maryam Hadad") && !n.contains("merged")));
    }
}
