//! Field-level change history: who changed which field of which record from what to what.
//! Shown on the record's page to those who may see the record; the audit chain records that a
//! change happened without any personal value.

use crate::db::models::RecordChangeRow;
use crate::db::repo::{new_id, registry, OrgScope};
use crate::db::DbConnection;
use crate::services::audit::AuditCtx;
use diesel::QueryResult;
use serde::Serialize;
use serde_json::Value;

/// Bookkeeping fields that are not part of a record's story.
const SKIP: &[&str] = &[
    "id",
    "organisation_id",
    "created_at",
    "updated_at",
    "version",
    "search_key",
    "stateless",
    "at_risk",
    "custody_status",
    "current_facility_id",
    "birth_earliest",
    "birth_latest",
];

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The fields that differ between two versions of a record: (field, old, new).
pub fn diff<T: Serialize>(old: &T, new: &T) -> Vec<(String, Option<String>, Option<String>)> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return Vec::new();
    };
    b.iter()
        .filter(|(k, _)| !SKIP.contains(&k.as_str()))
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), a.get(k).and_then(text), text(v)))
        .collect()
}

/// One record's change, as the history stores it.
pub struct Change<'a> {
    pub family_id: Option<&'a str>,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
}

/// Stores changes of one record.
pub fn record(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    what: Change<'_>,
    fields: Vec<(String, Option<String>, Option<String>)>,
) -> QueryResult<()> {
    let at = ctx.now();
    let rows: Vec<RecordChangeRow> = fields
        .into_iter()
        .map(|(field, old_value, new_value)| RecordChangeRow {
            id: new_id(),
            organisation_id: scope.id().to_string(),
            family_id: what.family_id.map(str::to_string),
            entity_type: what.entity_type.to_string(),
            entity_id: what.entity_id.to_string(),
            field,
            old_value,
            new_value,
            actor_id: ctx.actor_id.clone(),
            request_id: ctx.request_id.clone(),
            changed_at: at,
        })
        .collect();
    registry::insert_changes(conn, &rows)
}

/// Stores one event-like change (`created`, `added`, `removed`) with a summary value.
pub fn note(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    what: Change<'_>,
    field: &str,
    old: Option<String>,
    new: Option<String>,
) -> QueryResult<()> {
    record(conn, ctx, scope, what, vec![(field.to_string(), old, new)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        id: String,
        name: String,
        age: Option<i32>,
        version: i64,
    }

    #[test]
    fn only_changed_story_fields_are_listed() {
        let a = R { id: "1".into(), name: "Amina".into(), age: None, version: 1 };
        let b = R { id: "1".into(), name: "Aminah".into(), age: Some(7), version: 2 };
        assert_eq!(
            diff(&a, &b),
            vec![
                ("age".to_string(), None, Some("7".to_string())),
                ("name".to_string(), Some("Amina".to_string()), Some("Aminah".to_string())),
            ]
        );
    }
}
