//! Field-level change history: who changed which field of which record from what to what.
//! Shown on the record's page to those who may see the record; the audit chain records that a
//! change happened without any personal value.

use crate::db::models::{FamilyRow, PersonRow, RecordChangeRow};
use crate::db::repo::{history as repo, new_id};
use crate::db::DbConnection;
use crate::domain::ids::FamilyId;
use crate::domain::records::PersonFacts;
use crate::error::AppResult;
use crate::services::unit::Unit;

/// (field, old value, new value).
pub type FieldChange = (String, Option<String>, Option<String>);

/// The record a change belongs to.
pub struct Change<'a> {
    pub family_id: Option<&'a FamilyId>,
    pub entity_type: &'static str,
    pub entity_id: &'a str,
}

impl<'a> Change<'a> {
    /// A change of a person (shown in their family's history too).
    pub fn person(p: &'a PersonRow) -> Change<'a> {
        Change { family_id: p.family_id.as_ref(), entity_type: "person", entity_id: p.id.as_str() }
    }

    /// A change of a family.
    pub fn family(f: &'a FamilyRow) -> Change<'a> {
        Change { family_id: Some(&f.id), entity_type: "family", entity_id: f.id.as_str() }
    }
}

/// A person's facts as (field, shown value), in a stable order.
fn person_fields(f: &PersonFacts) -> Vec<(&'static str, Option<String>)> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    vec![
        ("given_name", Some(f.given_name.clone())),
        ("family_name", Some(f.family_name.clone())),
        ("sex", Some(f.sex.to_string())),
        ("birth", f.birth.map(|b| b.display())),
        ("place_of_birth", Some(f.place_of_birth.clone()).filter(|s| !s.is_empty())),
        ("left_home", f.left_home.map(|b| b.display())),
        ("left_home_age", f.left_home_age.map(|a| a.to_string())),
        ("wish", Some(f.wish.to_string())),
        ("wish_recorded_on", date(f.wish_recorded_on)),
        ("flags", Some(f.flags.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")).filter(|s| !s.is_empty())),
        ("date_of_death", date(f.date_of_death)),
        ("notes", Some(f.notes.clone()).filter(|s| !s.is_empty())),
    ]
}

/// The fields of a person that differ between two versions.
pub fn facts_diff(before: &PersonFacts, after: &PersonFacts) -> Vec<FieldChange> {
    person_fields(before)
        .into_iter()
        .zip(person_fields(after))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| (field.to_string(), a, b))
        .collect()
}

/// Stores changes of one record in the unit, which writes them at its end with the others.
pub fn record(_conn: &mut DbConnection, u: &Unit, what: Change<'_>, fields: Vec<FieldChange>) -> AppResult<()> {
    let at = u.ctx.now();
    let rows: Vec<RecordChangeRow> = fields
        .into_iter()
        .map(|(field, old_value, new_value)| RecordChangeRow {
            id: new_id(),
            organisation_id: u.scope.id().clone(),
            family_id: what.family_id.cloned(),
            entity_type: what.entity_type.to_string(),
            entity_id: what.entity_id.to_string(),
            field,
            old_value,
            new_value,
            actor_id: u.ctx.actor_id.clone(),
            request_id: u.ctx.request_id.clone(),
            changed_at: at,
        })
        .collect();
    u.note_history(rows);
    Ok(())
}

/// Stores one event-like change (`created`, a name added or removed) with a summary value.
pub fn note(
    conn: &mut DbConnection,
    u: &Unit,
    what: Change<'_>,
    field: &str,
    old: Option<String>,
    new: Option<String>,
) -> AppResult<()> {
    record(conn, u, what, vec![(field.to_string(), old, new)])
}

/// One change of a record's field, as shown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub entity_type: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor_id: Option<String>,
    /// The actor's display name (when the actor is a user of the organisation).
    pub actor_name: Option<String>,
    pub changed_at: chrono::NaiveDateTime,
}

/// The history of a record, or of everything in a family, newest first, with the actors'
/// names (one query for all of them).
pub fn changes(
    conn: &mut DbConnection,
    scope: &crate::auth::OrgScope,
    family: Option<&FamilyId>,
    entity: Option<&str>,
    page: crate::db::repo::Page,
) -> AppResult<Vec<ChangeView>> {
    let rows = repo::list(conn, scope, family, entity, page)?;
    let mut actors: Vec<String> = rows.iter().filter_map(|r| r.actor_id.clone()).collect();
    actors.sort();
    actors.dedup();
    let names: std::collections::HashMap<String, String> =
        crate::db::repo::users::names(conn, scope, &actors)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|c| ChangeView {
            actor_name: c.actor_id.as_ref().and_then(|a| names.get(a).cloned()),
            entity_type: c.entity_type,
            entity_id: c.entity_id,
            field: c.field,
            old_value: c.old_value,
            new_value: c.new_value,
            actor_id: c.actor_id,
            changed_at: c.changed_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::PersonInput;

    #[test]
    fn only_changed_fields_are_listed() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        let a = PersonInput { given_name: "Amina".into(), family_name: "H".into(), ..Default::default() };
        let b = PersonInput { given_name: "Aminah".into(), orphan: true, ..a.clone() };
        let (a, b) = (a.parse("", today).expect("a"), b.parse("", today).expect("b"));
        assert_eq!(
            facts_diff(&a, &b),
            vec![
                ("given_name".to_string(), Some("Amina".to_string()), Some("Aminah".to_string())),
                ("flags".to_string(), None, Some("orphan".to_string())),
            ]
        );
    }
}
