//! Attempts on another organisation's records. Every lookup is scoped, so such a request answers
//! 404 like a missing record (it must not learn that the record exists); afterwards, off the
//! request's path, the id is looked up across organisations, and when it names another
//! organisation's record the attempt is audited as `access.cross_organisation`: the first of
//! each user's window (`login_failure_window_secs`) writes an event, the others are counted
//! (in `login_throttled`, under `cross:<user>`), so an insider walking through ids writes one
//! event per window, not thousands.

use crate::db::repo::{login_failures, sql::Sql};
use crate::db::{write_tx, DbConnection};
use crate::error::AppResult;
use crate::services::audit::{self, AuditCtx};
use chrono::NaiveDateTime;

/// Path segments that name a kind of organisation-owned record, its table, and the entity type
/// the audit event gives (a fixed list: the table name never comes from the request).
const KINDS: [(&str, &str, &str); 7] = [
    ("families", "families", "family"),
    ("persons", "persons", "person"),
    ("cases", "cases", "case"),
    ("users", "users", "user"),
    ("imports", "imports", "import"),
    ("merges", "merges", "merge"),
    ("jobs", "jobs", "job"),
];

/// The record a path names, if any: its table, entity type and id (`/api/v1/cases/{id}/...`,
/// `/families/{id}`, `/admin/users/{id}`).
pub fn target(path: &str) -> Option<(&'static str, &'static str, String)> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segments.windows(2).find_map(|w| {
        let (_, table, entity) = KINDS.iter().find(|(segment, _, _)| *segment == w[0])?;
        let id = w[1];
        let id_like = (8..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        id_like.then(|| (*table, *entity, id.to_string()))
    })
}

/// Audits an answered 404 when the id names a record of another organisation than the user's
/// (`ctx`'s); true when it did.
pub fn note_not_found(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    (table, entity, id): (&str, &str, &str),
    at: NaiveDateTime,
    window_secs: u64,
) -> AppResult<bool> {
    let org = ctx.organisation_id.clone().unwrap_or_default();
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT COUNT(*) AS n FROM {table} WHERE id = ")).bind(id);
    q.push(" AND organisation_id IS NOT NULL AND organisation_id <> ").bind(org.as_str());
    if q.count(conn)? == 0 {
        return Ok(false);
    }
    let key = format!("cross:{}", ctx.actor_id.as_deref().unwrap_or_default());
    let open_since = at - chrono::Duration::seconds(i64::try_from(window_secs).unwrap_or(i64::MAX / 2));
    write_tx(conn, |conn| {
        if login_failures::count_throttled(conn, &key, at, open_since)? == 1 {
            audit::record(conn, ctx, "access.cross_organisation", Some((entity, id)), "not_found")?;
        }
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn the_record_of_a_path_is_found_in_the_api_and_the_pages() {
        let id = "0190f2a4-1b2c-7d3e-8f40-123456789abc";
        assert_eq!(target(&format!("/api/v1/cases/{id}/transitions")), Some(("cases", "case", id.to_string())));
        assert_eq!(target(&format!("/families/{id}")), Some(("families", "family", id.to_string())));
        assert_eq!(target(&format!("/admin/users/{id}/sign-out")), Some(("users", "user", id.to_string())));
        assert_eq!(target("/families/new"), None, "not an id");
        assert_eq!(target("/api/v1/policies/FR"), None);
        assert_eq!(target("/api/v1/families/x'; DROP TABLE persons; --"), None);
    }
}
