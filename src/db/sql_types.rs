//! How domain values are stored: enums, typed ids and country codes as TEXT, partial dates as
//! the pair of DATE columns of the range they stand for. Reading a value that does not parse
//! is a deserialisation error (the query fails loudly), never a silently skipped row.
//!
//! The domain stays free of diesel: the impls live here, for both backends and for the
//! `MultiBackend` that `DbConnection` uses.

use crate::db::MultiBackend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

/// Maps types with `as_str()` and `FromStr` onto `Text`, on both backends: `AsExpression` (so
/// they can be compared and inserted), `ToSql`, `FromSql` and `Queryable`.
macro_rules! text_mapped {
    ($($ty:ty),+ $(,)?) => {$(
        impl diesel::expression::AsExpression<Text> for $ty {
            type Expression = diesel::internal::derives::as_expression::Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl diesel::expression::AsExpression<diesel::sql_types::Nullable<Text>> for $ty {
            type Expression = diesel::internal::derives::as_expression::Bound<diesel::sql_types::Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<'a> diesel::expression::AsExpression<Text> for &'a $ty {
            type Expression = diesel::internal::derives::as_expression::Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<'a> diesel::expression::AsExpression<diesel::sql_types::Nullable<Text>> for &'a $ty {
            type Expression = diesel::internal::derives::as_expression::Bound<diesel::sql_types::Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<'a, 'b> diesel::expression::AsExpression<Text> for &'a &'b $ty {
            type Expression = diesel::internal::derives::as_expression::Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<DB: diesel::backend::Backend> ToSql<diesel::sql_types::Nullable<Text>, DB> for $ty
        where
            Self: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                ToSql::<Text, DB>::to_sql(self, out)
            }
        }
        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                ToSql::<Text, Sqlite>::to_sql(self.as_str(), out)
            }
        }
        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                ToSql::<Text, Pg>::to_sql(self.as_str(), out)
            }
        }
        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(serialize::IsNull::No)
            }
        }
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let s = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
                s.parse::<$ty>().map_err(|e| format!("stored {} `{s}` is invalid: {e}", stringify!($ty)).into())
            }
        }
        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let s = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                s.parse::<$ty>().map_err(|e| format!("stored {} `{s}` is invalid: {e}", stringify!($ty)).into())
            }
        }
        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$ty, Text>()
            }
        }
        impl<DB, ST> diesel::deserialize::Queryable<ST, DB> for $ty
        where
            DB: diesel::backend::Backend,
            ST: diesel::sql_types::SingleValue,
            Self: FromSql<ST, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

use crate::domain::case::{CaseEventKind, CaseStatus, ConsentBy};
use crate::domain::country::CountryCode;
use crate::domain::custody::{CustodyKind, CustodyStatus};
use crate::domain::facility::FacilityKind;
use crate::domain::ids::*;
use crate::domain::job::{JobKind, JobStatus};
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::person::{KinshipKind, NameKind, PersonFlag, Script, Sex, Wish};
use crate::domain::policy::{ChangeReason, Outcome, PolicyStatus};
use crate::domain::role::Role;

text_mapped!(
    OrgId,
    UserId,
    FamilyId,
    PersonId,
    NameId,
    ClaimId,
    CustodyEventId,
    KinshipId,
    FacilityId,
    PolicyVersionId,
    JobId,
    CaseId,
    CaseStatus,
    CaseEventKind,
    ConsentBy,
    CountryCode,
    Sex,
    Wish,
    NameKind,
    Script,
    KinshipKind,
    PersonFlag,
    ClaimStatus,
    ClaimBasis,
    CustodyKind,
    CustodyStatus,
    FacilityKind,
    Outcome,
    PolicyStatus,
    ChangeReason,
    JobKind,
    JobStatus,
    Role,
);

/// A partial date stored as the range of days it stands for, in two DATE columns. The
/// pairs are declared per table with [`partial_date_columns!`]; this is the one conversion.
pub fn partial_from_range(
    earliest: Option<chrono::NaiveDate>,
    latest: Option<chrono::NaiveDate>,
) -> Result<Option<crate::domain::partial_date::PartialDate>, StoredDateError> {
    match (earliest, latest) {
        (None, None) => Ok(None),
        (Some(e), Some(l)) => {
            crate::domain::partial_date::PartialDate::from_range(e, l).map(Some).map_err(StoredDateError)
        }
        _ => Err(StoredDateError("one end of a stored date range is missing".into())),
    }
}

/// A stored date range that no partial date stands for (corrupt data: reported, not guessed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDateError(pub String);

impl std::fmt::Display for StoredDateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stored date is invalid: {}", self.0)
    }
}

impl std::error::Error for StoredDateError {}

impl From<StoredDateError> for crate::error::AppError {
    fn from(e: StoredDateError) -> Self {
        crate::error::AppError::Internal(e.into())
    }
}

/// Declares the embeddable pair of DATE columns that holds a partial date in a table, with
/// the conversions to and from the domain value. `optional` pairs are nullable.
macro_rules! partial_date_columns {
    ($(#[$doc:meta])* $name:ident, $table:ident, $earliest:ident, $latest:ident, optional) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, diesel::Queryable, diesel::QueryableByName, diesel::Selectable, diesel::Insertable, diesel::AsChangeset)]
        #[diesel(table_name = crate::db::schema::$table, treat_none_as_null = true)]
        pub struct $name {
            #[diesel(column_name = $earliest)]
            pub earliest: Option<chrono::NaiveDate>,
            #[diesel(column_name = $latest)]
            pub latest: Option<chrono::NaiveDate>,
        }

        impl $name {
            /// The stored form of a partial date (or of none).
            pub fn of(d: Option<crate::domain::partial_date::PartialDate>) -> $name {
                $name { earliest: d.map(|d| d.earliest()), latest: d.map(|d| d.latest()) }
            }

            /// The partial date stored, or the error if the pair stands for none.
            pub fn get(&self) -> Result<Option<crate::domain::partial_date::PartialDate>, crate::db::sql_types::StoredDateError> {
                crate::db::sql_types::partial_from_range(self.earliest, self.latest)
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $table:ident, $earliest:ident, $latest:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, diesel::Queryable, diesel::QueryableByName, diesel::Selectable, diesel::Insertable, diesel::AsChangeset)]
        #[diesel(table_name = crate::db::schema::$table)]
        pub struct $name {
            #[diesel(column_name = $earliest)]
            pub earliest: chrono::NaiveDate,
            #[diesel(column_name = $latest)]
            pub latest: chrono::NaiveDate,
        }

        impl $name {
            /// The stored form of a partial date.
            pub fn of(d: crate::domain::partial_date::PartialDate) -> $name {
                $name { earliest: d.earliest(), latest: d.latest() }
            }

            /// The partial date stored, or the error if the pair stands for none.
            pub fn get(&self) -> Result<crate::domain::partial_date::PartialDate, crate::db::sql_types::StoredDateError> {
                crate::domain::partial_date::PartialDate::from_range(self.earliest, self.latest)
                    .map_err(crate::db::sql_types::StoredDateError)
            }
        }
    };
}
pub(crate) use partial_date_columns;
