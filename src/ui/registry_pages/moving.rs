//! One custody event for several members of a family at once (a mother and her children
//! transferred together): a checkbox per member, the kind, the facility and the date, saved
//! for all of them or for none (`services::registry::custody::add`).

use super::person_forms::read_custody;
use super::posted::{Answer, Input, Posted};
use crate::auth::permissions::WriteRegistry;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::{FamilyId, PersonId};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::custody;
use crate::ui::forms::Form;
use crate::ui::warnings::Saved;

/// Inputs of the "move several members" form (ids `mv-…`).
pub const INPUTS: &[Input] = &[
    ("members", "members", "move-members"),
    ("kind", "kind", "field-custody_kind"),
    ("facility_id", "facility", "field-facility"),
    ("date", "y", "field-date"),
    ("note", "note", "field-note"),
];

/// The name of the checkbox that moves `member`.
pub fn member_input(member: &PersonId) -> String {
    format!("move.{member}")
}

/// The input a service's message belongs to.
fn input_of(field: &str) -> Option<String> {
    let input = if field == "person_ids" { "members" } else { field };
    INPUTS.iter().any(|(k, _, _)| *k == input).then(|| input.to_string())
}

/// `POST /families/{id}` with `form=move`.
pub async fn submit(
    user: &Can<WriteRegistry>,
    pool: &actix_web::web::Data<Pool>,
    family_id: &FamilyId,
    mut form: Form,
) -> AppResult<Answer> {
    let (scope, fid) = (user.scope(), family_id.clone());
    let members: Vec<PersonId> = db(pool, move |conn| {
        crate::db::repo::families::find(conn, &scope, &fid)?.ok_or(AppError::NotFound)?;
        Ok(crate::db::repo::persons::of_family(conn, &scope, &fid)?.into_iter().map(|p| p.id).collect())
    })
    .await?;
    let chosen: Vec<PersonId> = members.into_iter().filter(|m| form.on(&member_input(m))).collect();
    if chosen.is_empty() {
        form.fail("members", "err-move-none");
    }
    let input = read_custody(&mut form);
    let Some(input) = input.filter(|_| !form.has_errors()) else {
        return Ok(Answer::refused(Posted::new("move", "", form)));
    };
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    match db(pool, move |conn| custody::add(conn, &ctx, &scope, &chosen, input)).await {
        Ok((_, warnings)) => Ok(Answer::Saved(Saved::Moved, warnings)),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, input_of);
            Ok(Answer::refused(Posted::new("move", "", form)))
        }
        Err(e) => Err(e),
    }
}
