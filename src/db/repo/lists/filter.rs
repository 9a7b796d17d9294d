//! The filters of the person and family lists, as SQL conditions on `persons p` joined with its
//! `person_derived d`, and the estimate that picks a query's shape (see the parent module).

use super::super::sql::Sql;
use super::super::OrgScope;
use super::SELECTIVE;
use crate::db::repo::cases::list::push_ages_out;
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::FacilityId;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{PersonFlag, Sex, Wish};
use crate::domain::policy::Outcome;
use chrono::NaiveDate;
use diesel::QueryResult;

/// Filters of the person and family lists; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// A folded search key (see `domain::names::search_key`), matched in the names.
    pub q: Option<String>,
    /// Other spellings of the same name, folded (from the name dictionary: `khadija` also
    /// finds `khadidja`, `хадиджа`, `خديجه`); a name matching any of them matches.
    pub q_variants: Vec<String>,
    /// Persons with a live claim to this country.
    pub nationality: Option<CountryCode>,
    /// Persons held there now.
    pub facility_id: Option<FacilityId>,
    /// Persons who may have been born on or before this day (a minimum age).
    pub born_on_or_before: Option<NaiveDate>,
    /// Persons who may have been born after this day (a maximum age).
    pub born_after: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// Each flag the person must have (`true`) or must not have (`false`).
    pub flags: Vec<(PersonFlag, bool)>,
    pub stateless: Option<bool>,
    pub at_risk: Option<bool>,
    /// Living and held now (`true`), or not (`false`).
    pub held: Option<bool>,
    /// The stored outcome for the `nationality` filter's country (`None` inside: no result yet).
    pub outcome: Option<Option<Outcome>>,
    /// Persons certainly born after this day, even at the earliest possible birth date (the
    /// backlog's "under 12": born after the day 12 years before).
    pub surely_born_after: Option<NaiveDate>,
    /// Persons who may still be minors on this day and may turn 18 within 180 days of it (the
    /// backlog's and the case flag's "ages out"; `false`: the others).
    pub ages_out_on: Option<(NaiveDate, bool)>,
    /// Whose latest wish is to stay in Syria or in the region (`true`), or not.
    pub declining: Option<bool>,
}

impl PersonFilter {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.key().is_none()
            && self.nationality.is_none()
            && self.facility_id.is_none()
            && self.born_on_or_before.is_none()
            && self.born_after.is_none()
            && self.sex.is_none()
            && self.flags.is_empty()
            && self.stateless.is_none()
            && self.at_risk.is_none()
            && self.held.is_none()
            && self.outcome.is_none()
            && self.surely_born_after.is_none()
            && self.ages_out_on.is_none()
            && self.declining.is_none()
    }

    fn key(&self) -> Option<&str> {
        self.q.as_deref().filter(|k| !k.is_empty())
    }

    /// The key and its other spellings.
    fn keys(&self) -> Vec<&str> {
        self.key().into_iter().chain(self.q_variants.iter().map(String::as_str).filter(|k| !k.is_empty())).collect()
    }

    /// The keys that a search for any of them anywhere in the names needs: a key whose needle
    /// holds another's is dropped, since every name containing it contains the other
    /// (`amina` finds whatever `aminat` and `aminata` find). "Амина" in its nine spellings
    /// is then five conditions, each evaluated on every candidate row.
    fn anywhere_keys(&self) -> Vec<&str> {
        implied_dropped(self.keys(), needle)
    }

    /// Whether some filter can drive a query from its index (the name search, the
    /// nationality, the facility).
    pub(super) fn has_index(&self, conn: &DbConnection) -> bool {
        self.indexed_key(conn).is_some() || self.nationality.is_some() || self.facility_id.is_some()
    }

    /// The name search when an index can find it: one letter has no trigram in SQLite's.
    fn indexed_key(&self, conn: &DbConnection) -> Option<&str> {
        self.key().filter(|k| backend_is_pg(conn) || needle(k).chars().count() >= 3)
    }

    /// The FTS5 query of the name search (SQLite): any of its needed spellings anywhere.
    pub(super) fn fts_query(&self) -> String {
        fts_query(&self.anywhere_keys())
    }

    /// Whether there is a name search that `push_conditions` finds through an index (on
    /// SQLite, every needed spelling must have a trigram).
    pub(super) fn key_is_indexed(&self, conn: &DbConnection) -> bool {
        self.indexed_key(conn).is_some()
            && (backend_is_pg(conn) || self.anywhere_keys().iter().all(|k| needle(k).chars().count() >= 3))
    }

    /// Whether there is a name search of three letters or more in every spelling: one that
    /// the index of either database reads and that leaves few enough matches to group them
    /// (a shorter fragment is a word's start, found in most names).
    pub(super) fn has_readable_key(&self, conn: &DbConnection) -> bool {
        self.indexed_key(conn).is_some() && self.keys().iter().all(|k| k.chars().count() >= 3)
    }

    /// Whether every condition reads `person_derived` alone (the name search, the facility,
    /// statelessness), none `persons` or another table.
    pub(super) fn on_derived_only(&self) -> bool {
        self.nationality.is_none()
            && self.born_on_or_before.is_none()
            && self.born_after.is_none()
            && self.sex.is_none()
            && self.flags.is_empty()
            && self.held.is_none()
            && self.outcome.is_none()
            && self.surely_born_after.is_none()
            && self.ages_out_on.is_none()
            && self.declining.is_none()
    }

    /// Whether some indexed filter leaves at most `SELECTIVE` candidates: a page is then
    /// driven from that index. Each count stops at `SELECTIVE + 1`. The name search is counted
    /// over the whole deployment (its index has no organisation): an upper bound, which at
    /// worst picks the other, still correct, shape.
    pub(super) fn is_selective(&self, conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<bool> {
        let capped = |sql: &mut Sql| {
            sql.push(" LIMIT ").bind(SELECTIVE + 1).push(") c");
        };
        let mut counts = Vec::new();
        if self.key_is_indexed(conn) {
            let mut sql = Sql::new(conn);
            sql.push("SELECT COUNT(*) AS n FROM (SELECT 1 FROM ");
            if sql.is_pg() {
                sql.push("person_derived d WHERE TRUE");
                push_likes(&mut sql, &self.anywhere_keys());
            } else {
                sql.push("person_search WHERE person_search MATCH ").bind(fts_query(&self.anywhere_keys()));
            }
            capped(&mut sql);
            counts.push(sql);
        }
        if let Some(code) = self.nationality {
            let mut sql = Sql::new(conn);
            sql.push("SELECT COUNT(*) AS n FROM (SELECT 1 FROM nationality_claims c WHERE TRUE");
            push_claimants(&mut sql, scope, code);
            capped(&mut sql);
            counts.push(sql);
        }
        if let Some(f) = &self.facility_id {
            let mut sql = Sql::new(conn);
            sql.push("SELECT COUNT(*) AS n FROM (SELECT 1 FROM person_derived d WHERE d.current_facility_id = ")
                .bind(f.as_str())
                .push(" AND d.organisation_id = ")
                .bind(scope.id().as_str());
            capped(&mut sql);
            counts.push(sql);
        }
        for sql in counts {
            if sql.count(conn)? <= SELECTIVE {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Appends ` AND ...` for each filter. `indexed`: the name search reads SQLite's FTS index
    /// (a set built once: right when it is small); otherwise each row's key is compared (right
    /// when rows are read in list order and most of them match).
    pub(super) fn push_conditions(&self, sql: &mut Sql, scope: &OrgScope, indexed: bool) {
        if let Some(key) = self.key() {
            let keys = self.anywhere_keys();
            let short = keys.iter().any(|k| needle(k).chars().count() < 3);
            if indexed && !sql.is_pg() && needle(key).chars().count() >= 3 && !short {
                sql.push(" AND d.search_id IN (SELECT rowid FROM person_search WHERE person_search MATCH ")
                    .bind(fts_query(&keys))
                    .push(")");
            } else {
                push_likes(sql, &keys);
            }
        }
        if let Some(code) = self.nationality {
            sql.push(" AND p.id IN (SELECT c.person_id FROM nationality_claims c WHERE TRUE");
            push_claimants(sql, scope, code);
            sql.push(")");
        }
        if let Some(f) = &self.facility_id {
            sql.push(" AND d.current_facility_id = ").bind(f.as_str());
        }
        if let Some(d) = self.born_on_or_before {
            sql.push(" AND p.birth_earliest <= ").bind(d);
        }
        if let Some(d) = self.born_after {
            sql.push(" AND p.birth_latest > ").bind(d);
        }
        if let Some(s) = self.sex {
            sql.push(" AND p.sex = ").bind(s.as_str());
        }
        for (flag, present) in &self.flags {
            sql.push(if *present { " AND EXISTS" } else { " AND NOT EXISTS" })
                .push(" (SELECT 1 FROM person_flags f WHERE f.person_id = p.id AND f.flag = ")
                .bind(flag.as_str())
                .push(")");
        }
        if let Some(v) = self.stateless {
            sql.push(" AND d.stateless = ").bind(v);
        }
        if let Some(v) = self.at_risk {
            sql.push(" AND d.at_risk = ").bind(v);
        }
        if let Some(v) = self.held {
            sql.push(if v { " AND " } else { " AND NOT " })
                .push("(d.custody_status = 'held' AND p.date_of_death IS NULL)");
        }
        if let (Some(outcome), Some(code)) = (self.outcome, self.nationality) {
            sql.push(if outcome.is_some() { " AND EXISTS" } else { " AND NOT EXISTS" })
                .push(" (SELECT 1 FROM eligibility_results er WHERE er.person_id = p.id AND er.country_code = ")
                .bind(code.as_str());
            if let Some(o) = outcome {
                sql.push(" AND er.outcome = ").bind(o.as_str());
            }
            sql.push(")");
        }
        if let Some(d) = self.surely_born_after {
            sql.push(" AND p.birth_earliest > ").bind(d);
        }
        if let Some((on, v)) = self.ages_out_on {
            // Without a birth range the condition is NULL: such persons are among "the others".
            sql.push(" AND COALESCE((");
            push_ages_out(sql, "p", on);
            sql.push("), FALSE) = ").bind(v);
        }
        if let Some(v) = self.declining {
            // The latest wish by recording time, then id (as the backlog counts it).
            sql.push(" AND COALESCE((SELECT w.wish IN (")
                .bind(Wish::StayInSyria.as_str())
                .push(", ")
                .bind(Wish::StayInRegion.as_str())
                .push(
                    ") FROM person_wishes w WHERE w.person_id = p.id ORDER BY w.recorded_at DESC, w.id DESC LIMIT 1), \
                     FALSE) = ",
                )
                .bind(v);
        }
    }
}

fn backend_is_pg(conn: &DbConnection) -> bool {
    crate::db::backend(conn) == crate::db::Backend::Postgres
}

/// ` AND` the claim `c` is a live claim to `code` in the organisation.
fn push_claimants(sql: &mut Sql, scope: &OrgScope, code: CountryCode) {
    sql.push(" AND c.country_code = ").bind(code.as_str()).push(" AND c.status IN (");
    for (i, s) in ClaimStatus::LIVE.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(s.as_str());
    }
    sql.push(") AND c.organisation_id = ").bind(scope.id().as_str());
}

/// What is looked for in `' ' || search_key`: the key itself when it has three letters or more
/// (anywhere in the names), else a space and the key (the start of a word: " al" finds
/// "al-Hassan" and "Salim al", not "Khalid"). Both indexes hold the key with a leading space
/// (SQLite's FTS5 trigram table `person_search`, PostgreSQL's pg_trgm index; see migration
/// 2026-11-26-000005_scale).
fn needle(key: &str) -> String {
    if key.chars().count() < 3 {
        format!(" {key}")
    } else {
        key.to_string()
    }
}

/// The keys without those whose pattern (`pattern(key)`) holds another's: in a disjunction of
/// "the names contain the pattern", such a key adds nothing. Equal patterns are kept once.
fn implied_dropped<P: AsRef<str>>(keys: Vec<&str>, pattern: impl Fn(&str) -> P) -> Vec<&str> {
    let patterns: Vec<P> = keys.iter().map(|k| pattern(k)).collect();
    let mut kept = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let mine = patterns[i].as_ref();
        let implied = patterns.iter().enumerate().any(|(j, other)| {
            let other = other.as_ref();
            j != i && mine.contains(other) && (mine != other || j < i)
        });
        if !implied {
            kept.push(*key);
        }
    }
    kept
}

/// The FTS5 string of the needle: its trigrams in order, a substring match.
fn fts_phrase(key: &str) -> String {
    format!("\"{}\"", needle(key).replace('"', "\"\""))
}

/// The FTS5 query of several needles: any of them.
fn fts_query(keys: &[&str]) -> String {
    keys.iter().map(|k| fts_phrase(k)).collect::<Vec<_>>().join(" OR ")
}

/// ` AND` any of the keys is in the names.
fn push_likes(sql: &mut Sql, keys: &[&str]) {
    match keys {
        [] => {}
        [one] => push_like(sql, one),
        many => {
            sql.push(" AND (FALSE");
            for k in many {
                sql.push(" OR");
                push_like_condition(sql, k);
            }
            sql.push(")");
        }
    }
}

/// ` AND` the key is in the names, compared row by row (PostgreSQL reads its trigram index for
/// this too, when its planner finds that cheaper).
fn push_like(sql: &mut Sql, key: &str) {
    sql.push(" AND");
    push_like_condition(sql, key);
}

/// `needle` escaped for LIKE (with `ESCAPE '\\'`).
fn escaped(needle: &str) -> String {
    needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

impl PersonFilter {
    /// Pushes how well a person's names match the search, 0 best, when there is a search (false
    /// otherwise): a whole word or phrase as typed; one in another spelling of it (the
    /// dictionary's, another script); the start of a word; anywhere. A driven list sorts its
    /// few matches by it; a broad search (a scan) stays in name order.
    pub fn push_rank(&self, sql: &mut Sql) -> bool {
        let Some(key) = self.key() else { return false };
        let keys = self.keys();
        let word = |sql: &mut Sql, k: &str| {
            sql.push(" OR (' ' || d.search_key || ' ') LIKE ").bind(format!("% {} %", escaped(k))).push(" ESCAPE '\\'");
        };
        sql.push("(CASE WHEN (FALSE");
        word(sql, key);
        sql.push(") THEN 0 WHEN (FALSE");
        for k in &keys[1..] {
            word(sql, k);
        }
        sql.push(") THEN 1 WHEN (FALSE");
        // A word that starts with `aminat` starts with `amina`.
        for k in implied_dropped(keys, |k| format!(" {k}")) {
            sql.push(" OR (' ' || d.search_key) LIKE ").bind(format!("% {}%", escaped(k))).push(" ESCAPE '\\'");
        }
        sql.push(") THEN 2 ELSE 3 END)");
        true
    }
}

/// ` (' ' || d.search_key) LIKE '%needle%'`.
fn push_like_condition(sql: &mut Sql, key: &str) {
    sql.push(" (' ' || d.search_key) LIKE ").bind(format!("%{}%", escaped(&needle(key)))).push(" ESCAPE '\\'");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spelling_that_holds_another_adds_nothing_to_a_search_anywhere() {
        let keys = vec!["амина", "amina", "aminah", "aminat", "emine", "аминат", "amina"];
        assert_eq!(implied_dropped(keys.clone(), needle), vec!["амина", "amina", "emine"]);
        // At a word's start: " aminat" holds " amina", but " mina" is not at the start of " amina".
        assert_eq!(implied_dropped(vec!["mina", "amina", "aminat"], |k| format!(" {k}")), vec!["mina", "amina"]);
        // A short key is sought at a word's start: " al" is not inside "khalid".
        assert_eq!(implied_dropped(vec!["al", "khalid"], needle), vec!["al", "khalid"]);
        // Nor is it implied by "al hassan" anywhere (as in "khal hassan").
        assert_eq!(implied_dropped(vec!["al", "al hassan"], needle), vec!["al", "al hassan"]);
    }
}
