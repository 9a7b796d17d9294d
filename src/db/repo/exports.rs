//! The register of exports, and the keyset-paged person rows an export reads (by id, a page at a
//! time, so an export of the whole registry never holds more than a page in memory and never
//! pays for an offset).

use super::sql::Sql;
use super::{outside_scope, OrgScope};
use crate::db::schema::exports as x;
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::{FacilityId, OrgId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Text};

/// An export as registered.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = x)]
pub struct ExportRow {
    pub id: String,
    pub organisation_id: OrgId,
    pub actor_id: Option<String>,
    pub kind: String,
    pub format: String,
    pub filters: String,
    pub column_list: String,
    pub purpose: String,
    pub row_count: i64,
    pub encrypted: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &ExportRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(x::table).values(row).execute(conn).map(|_| ())
}

/// Which persons a person export takes.
#[derive(Debug, Clone, Default)]
pub struct PersonExportFilter {
    /// Persons with a live claim of this nationality.
    pub nationality: Option<CountryCode>,
    /// Persons held in this facility now.
    pub facility: Option<FacilityId>,
}

/// A person as exported.
#[derive(Debug, Clone, QueryableByName)]
pub struct PersonExportRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub given_name: String,
    #[diesel(sql_type = Text)]
    pub family_name: String,
    #[diesel(sql_type = Text)]
    pub sex: String,
    #[diesel(sql_type = Nullable<Date>)]
    pub birth_earliest: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub birth_latest: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    pub custody_status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub facility: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub family: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub nationalities: Option<String>,
}

fn person_where(q: &mut Sql, scope: &OrgScope, f: &PersonExportFilter) {
    q.push(" WHERE p.organisation_id = ").bind(scope.id().as_str());
    if let Some(c) = &f.nationality {
        q.push(
            " AND EXISTS (SELECT 1 FROM nationality_claims c WHERE c.person_id = p.id \
             AND c.status IN ('claimed', 'unverified', 'verified') AND c.country_code = ",
        )
        .bind(c.as_str())
        .push(")");
    }
    if let Some(fac) = &f.facility {
        q.push(" AND d.current_facility_id = ").bind(fac.as_str());
    }
}

/// How many persons the export will hold.
pub fn count_persons(conn: &mut DbConnection, scope: &OrgScope, f: &PersonExportFilter) -> QueryResult<i64> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS n FROM persons p JOIN person_derived d ON d.person_id = p.id");
    person_where(&mut q, scope, f);
    q.count(conn)
}

/// The next `limit` persons after `after` (by id). With a nationality, the claims index
/// `(country_code, organisation_id, person_id, status)` drives the pages, so each one is a range
/// read (PostgreSQL otherwise hashed every claimant again for every page: 33 s for 135,000
/// persons); without, the persons' own key does.
pub fn persons_after(
    conn: &mut DbConnection,
    scope: &OrgScope,
    f: &PersonExportFilter,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<PersonExportRow>> {
    let mut q = Sql::new(conn);
    let agg = if q.is_pg() {
        "string_agg(c.country_code || ':' || c.status, ' ')"
    } else {
        "group_concat(c.country_code || ':' || c.status, ' ')"
    };
    q.push(&format!(
        "SELECT p.id, p.given_name, p.family_name, p.sex, p.birth_earliest, p.birth_latest, d.custody_status, \
         fac.name AS facility, fam.label AS family, \
         (SELECT {agg} FROM nationality_claims c WHERE c.person_id = p.id) AS nationalities"
    ));
    let key = match &f.nationality {
        Some(code) => {
            q.push(" FROM nationality_claims k JOIN persons p ON p.id = k.person_id")
                .push(" JOIN person_derived d ON d.person_id = p.id")
                .push(" LEFT JOIN facilities fac ON fac.id = d.current_facility_id")
                .push(" LEFT JOIN families fam ON fam.id = p.family_id")
                .push(" WHERE k.country_code = ")
                .bind(code.as_str())
                .push(" AND k.organisation_id = ")
                .bind(scope.id().as_str())
                .push(" AND k.status IN ('claimed', 'unverified', 'verified')");
            "k.person_id"
        }
        None => {
            q.push(
                " FROM persons p JOIN person_derived d ON d.person_id = p.id \
                 LEFT JOIN facilities fac ON fac.id = d.current_facility_id LEFT JOIN families fam ON fam.id = p.family_id",
            )
            .push(" WHERE p.organisation_id = ")
            .bind(scope.id().as_str());
            "p.id"
        }
    };
    if let Some(fac) = &f.facility {
        q.push(" AND d.current_facility_id = ").bind(fac.as_str());
    }
    q.push(&format!(" AND {key} > ")).bind(after).push(&format!(" ORDER BY {key} LIMIT ")).bind(limit);
    q.load(conn)
}

/// PostgreSQL: opens a cursor over every person of the export, in id order (call inside a
/// transaction). One query read a page at a time, as `psql \copy` reads it: keyset pages let
/// the planner hash every claimant again for each page.
pub fn open_person_cursor(conn: &mut DbConnection, scope: &OrgScope, f: &PersonExportFilter) -> QueryResult<()> {
    // A cursor is planned for its first tenth by default (`cursor_tuple_fraction`): nested
    // index probes that suit a screenful. An export reads every row, as `psql \copy` does.
    diesel::sql_query("SET LOCAL cursor_tuple_fraction = 1.0").execute(conn)?;
    let mut q = Sql::new(conn);
    q.push(
        "DECLARE homeward_export NO SCROLL CURSOR FOR \
         SELECT p.id, p.given_name, p.family_name, p.sex, p.birth_earliest, p.birth_latest, d.custody_status, \
         fac.name AS facility, fam.label AS family, \
         (SELECT string_agg(c.country_code || ':' || c.status, ' ') FROM nationality_claims c WHERE c.person_id = p.id) \
         AS nationalities FROM persons p JOIN person_derived d ON d.person_id = p.id \
         LEFT JOIN facilities fac ON fac.id = d.current_facility_id LEFT JOIN families fam ON fam.id = p.family_id",
    );
    person_where(&mut q, scope, f);
    q.push(" ORDER BY p.id");
    q.execute(conn).map(|_| ())
}

/// PostgreSQL: the next `n` rows of the cursor.
pub fn fetch_persons(conn: &mut DbConnection, n: i64) -> QueryResult<Vec<PersonExportRow>> {
    diesel::sql_query(format!("FETCH {n} FROM homeward_export")).load(conn)
}
