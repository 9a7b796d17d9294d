//! Adding a member to an existing family from its page (a newborn, a father found later in a
//! prison): names, sex, birth, an optional nationality claim and admission to a facility, and
//! how the new member relates to each member already there. The member and their links to
//! the members chosen are saved at once, through the same service as
//! `POST /api/v1/families/{id}/members`: a refused link saves nothing.

use super::posted::{Answer, Input, Posted};
use super::relatives::LINKS;
use crate::auth::permissions::WriteRegistry;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::custody::CustodyKind;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::RawPartialDate;
use crate::domain::person::KinshipKind;
use crate::domain::records::{ClaimInput, CustodyInput};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::families::{self as service, MemberLink, PersonIntake};
use crate::ui::forms::Form;
use crate::ui::person_form::{check_too, read_core};
use crate::ui::warnings::Saved;

/// Inputs of the "add a member" form (ids `am-…`).
pub const INPUTS: &[Input] = &[
    ("given_name", "given", "field-given_name"),
    ("family_name", "family", "field-family_name"),
    ("sex", "sex", "field-sex"),
    ("birth", "birth-y", "field-birth"),
    ("nationality", "nationality", "field-nationality"),
    ("nationality_decision_date", "decision", "field-decision_date"),
    ("facility_id", "facility", "field-facility"),
    ("admitted", "adm-y", "intake-admitted"),
    ("relations", "relations", "member-relations"),
];

/// The input a service's message belongs to (`custody[0].date` → `admitted`).
fn input_of(field: &str) -> Option<String> {
    let input = if field.starts_with("nationalities") {
        if field.ends_with("decision_date") {
            "nationality_decision_date"
        } else {
            "nationality"
        }
    } else if field.starts_with("custody") {
        if field.ends_with("facility_id") {
            "facility_id"
        } else {
            "admitted"
        }
    } else if field.starts_with("links") {
        "relations"
    } else {
        field
    };
    INPUTS.iter().any(|(k, _, _)| *k == input).then(|| input.to_string())
}

/// The name of the select that says how the new member relates to `member`.
pub fn relation_input(member: &PersonId) -> String {
    format!("rel.{member}")
}

/// Reads the new member and their links to `members`; problems go into the form.
fn read(form: &mut Form, members: &[PersonId]) -> (PersonIntake, Vec<MemberLink>) {
    let core = read_core(form, "");
    let mut nationalities = Vec::new();
    let country = form.text("nationality");
    if !country.is_empty() {
        nationalities.push(ClaimInput {
            status: form.choice::<ClaimStatus>("nationality_status").unwrap_or(ClaimStatus::Claimed),
            basis: None,
            decision_date: form.partial_date("nationality_decision_date"),
            legal_note: String::new(),
            source: String::new(),
            country,
        });
    }
    let mut custody = Vec::new();
    let facility = form.text("facility_id");
    let year = form.int("admitted_year", "admitted", 0, 9999);
    let month = form.int("admitted_month", "admitted", 0, 99);
    match year {
        Some(year) => custody.push(CustodyInput {
            kind: CustodyKind::Admitted,
            facility_id: Some(facility).filter(|f| !f.is_empty()),
            date: RawPartialDate::Parts {
                year: i64::from(year),
                month: month.map(i64::from),
                day: None,
                margin_years: 0,
            },
            note: String::new(),
        }),
        None if (!facility.is_empty() || month.is_some()) && !form.has_err("admitted") => {
            form.fail("admitted", "err-admission-year");
        }
        None => {}
    }
    let mut links = Vec::new();
    for m in members {
        match form.get(&relation_input(m)) {
            "" => {}
            kind => match LINKS.iter().find(|k| **k == kind).and_then(|k| member_link(m, k)) {
                Some(link) => links.push(link),
                None if !form.has_err("relations") => form.fail("relations", "err-choice"),
                None => {}
            },
        }
    }
    (PersonIntake { core, other_names: Vec::new(), nationalities, custody }, links)
}

/// "child of" and "ward of" are the relative's links read the other way.
fn member_link(relative: &PersonId, kind: &str) -> Option<MemberLink> {
    let (kind, reverse) = match kind {
        "child_of" => (KinshipKind::ParentOf, true),
        "ward_of" => (KinshipKind::GuardianOf, true),
        k => (k.parse::<KinshipKind>().ok()?, false),
    };
    Some(MemberLink { relative_id: relative.clone(), kind, reverse })
}

/// `POST /families/{id}` with `form=member`: the new member lands on the family page with a
/// confirmation (and the plausibility warnings of the save and the links).
pub async fn add(
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
    let (intake, links) = read(&mut form, &members);
    if form.has_errors() {
        check_too(&mut form, "", &intake.core, user.today(), input_of);
        return Ok(Answer::refused(Posted::new("member", "", form)));
    }
    let (ctx, scope, fid) = (user.audit_ctx(), user.scope(), family_id.clone());
    let outcome = db(pool, move |conn| match service::add_member(conn, &ctx, &scope, &fid, intake, &links) {
        Ok(saved) => Ok(Ok(saved.warnings)),
        Err(AppError::Validation { fields, .. }) => Ok(Err(fields)),
        Err(e) => Err(e),
    })
    .await?;
    match outcome {
        Ok(warnings) => Ok(Answer::Saved(Saved::Member, warnings)),
        Err(fields) => {
            form.absorb(&fields, input_of);
            Ok(Answer::refused(Posted::new("member", "", form)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::{I18n, Lang};

    #[test]
    fn a_member_with_an_admission_and_links_is_read() {
        let i18n = I18n::new(Lang::En);
        let mother = PersonId::new_random();
        let body = format!(
            "given_name=Nur&family_name=K&sex=female&birth_year=2026&facility_id=f&admitted_year=2026\
             &nationality=FR&rel.{mother}=child_of"
        );
        let mut form = Form::parse(&i18n, &body);
        let (intake, links) = read(&mut form, std::slice::from_ref(&mother));
        assert!(!form.has_errors());
        assert_eq!(intake.custody.len(), 1);
        assert_eq!(intake.nationalities.len(), 1);
        assert_eq!(links, vec![MemberLink { relative_id: mother, kind: KinshipKind::ParentOf, reverse: true }]);
        assert_eq!(input_of("custody[0].date").as_deref(), Some("admitted"));
        assert_eq!(input_of("nationalities[0].country").as_deref(), Some("nationality"));
    }

    #[test]
    fn a_facility_without_a_year_and_an_unknown_link_are_refused() {
        let i18n = I18n::new(Lang::En);
        let m = PersonId::new_random();
        let mut form = Form::parse(&i18n, &format!("given_name=A&family_name=B&facility_id=x&rel.{m}=cousin_of"));
        read(&mut form, &[m]);
        assert!(form.has_err("admitted") && form.has_err("relations"));
    }
}
