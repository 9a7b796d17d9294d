//! Two-factor secrets and recovery codes (`services::two_factor`), and a session's second-factor
//! stage.

use crate::db::schema::recovery_codes::dsl as r;
use crate::db::schema::sessions::dsl as s;
use crate::db::schema::totp_secrets::dsl as t;
use crate::db::DbConnection;
use crate::domain::ids::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An account's TOTP secret (sealed with the server key, `services::two_factor`; base32 in clear
/// when stored before the key existed), when it was confirmed (`None` while enrolling), and the
/// step of the last code accepted.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::totp_secrets)]
pub struct TotpRow {
    pub user_id: String,
    pub secret: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_step: i64,
    pub created_at: NaiveDateTime,
    /// The session that began the enrolment (until it is confirmed).
    pub enrolling_session: Option<String>,
    /// Wrong codes since the last right one.
    pub failures: i64,
}

/// The account's secret, confirmed or not.
pub fn secret_of(conn: &mut DbConnection, user: &UserId) -> QueryResult<Option<TotpRow>> {
    t::totp_secrets.filter(t::user_id.eq(user.as_str())).select(TotpRow::as_select()).first(conn).optional()
}

/// Whether the account has a confirmed secret.
pub fn is_enrolled(conn: &mut DbConnection, user: &UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        t::totp_secrets.filter(t::user_id.eq(user.as_str())).filter(t::confirmed_at.is_not_null()),
    ))
    .get_result(conn)
}

/// Starts an enrolment for a session: a new unconfirmed secret in place of any unconfirmed one.
pub fn put_unconfirmed(
    conn: &mut DbConnection,
    user: &UserId,
    secret: &str,
    session: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(t::totp_secrets.filter(t::user_id.eq(user.as_str())).filter(t::confirmed_at.is_null()))
        .execute(conn)?;
    diesel::insert_into(t::totp_secrets)
        .values((
            t::user_id.eq(user.as_str()),
            t::secret.eq(secret),
            t::last_step.eq(0i64),
            t::created_at.eq(at),
            t::enrolling_session.eq(Some(session)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Confirms the secret the session began with the step of its first code; 1 when it did (0: a
/// racing copy confirmed it first, or another session began another enrolment since).
pub fn confirm(
    conn: &mut DbConnection,
    user: &UserId,
    session: &str,
    step: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        t::totp_secrets
            .filter(t::user_id.eq(user.as_str()))
            .filter(t::confirmed_at.is_null())
            .filter(t::enrolling_session.eq(session)),
    )
    .set((t::confirmed_at.eq(Some(at)), t::last_step.eq(step), t::enrolling_session.eq(None::<String>)))
    .execute(conn)
}

/// Counts a wrong code (`true`) or clears the count after a right one (`false`).
pub fn note_failure(conn: &mut DbConnection, user: &UserId, failed: bool) -> QueryResult<usize> {
    let target = t::totp_secrets.filter(t::user_id.eq(user.as_str())).filter(t::confirmed_at.is_not_null());
    if failed {
        diesel::update(target).set(t::failures.eq(t::failures + 1i64)).execute(conn)
    } else {
        diesel::update(target).set(t::failures.eq(0i64)).execute(conn)
    }
}

/// Spends a step: true when it is later than the last one accepted (a racing copy of the same
/// code finds the step already spent and gets false).
pub fn spend_step(conn: &mut DbConnection, user: &UserId, step: i64) -> QueryResult<bool> {
    let n = diesel::update(t::totp_secrets.filter(t::user_id.eq(user.as_str())).filter(t::last_step.lt(step)))
        .set(t::last_step.eq(step))
        .execute(conn)?;
    Ok(n == 1)
}

/// The secrets stored in clear (before the server had a key): account id and secret.
pub fn unsealed_secrets(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    t::totp_secrets.filter(t::secret.not_like("k1:%")).select((t::user_id, t::secret)).load(conn)
}

/// How many secrets are sealed.
pub fn sealed_count(conn: &mut DbConnection) -> QueryResult<i64> {
    t::totp_secrets.filter(t::secret.like("k1:%")).count().get_result(conn)
}

/// Replaces a secret stored in clear by its sealed form (only if it is still the same one).
pub fn reseal(conn: &mut DbConnection, user: &UserId, plain: &str, sealed: &str) -> QueryResult<usize> {
    diesel::update(t::totp_secrets.filter(t::user_id.eq(user.as_str())).filter(t::secret.eq(plain)))
        .set(t::secret.eq(sealed))
        .execute(conn)
}

/// Removes the account's secret and recovery codes.
pub fn remove(conn: &mut DbConnection, user: &UserId) -> QueryResult<usize> {
    diesel::delete(r::recovery_codes.filter(r::user_id.eq(user.as_str()))).execute(conn)?;
    diesel::delete(t::totp_secrets.filter(t::user_id.eq(user.as_str()))).execute(conn)
}

/// Replaces the account's recovery codes with these hashes.
pub fn replace_recovery_codes(
    conn: &mut DbConnection,
    user: &UserId,
    hashes: &[String],
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(r::recovery_codes.filter(r::user_id.eq(user.as_str()))).execute(conn)?;
    // Ten rows, one statement each: a multi-row insert does not compile for both backends.
    for h in hashes {
        diesel::insert_into(r::recovery_codes)
            .values((
                r::id.eq(crate::db::repo::new_id()),
                r::user_id.eq(user.as_str()),
                r::code_hash.eq(h.as_str()),
                r::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Spends a recovery code: true when the account had it unused.
pub fn spend_recovery_code(conn: &mut DbConnection, user: &UserId, hash: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        r::recovery_codes
            .filter(r::user_id.eq(user.as_str()))
            .filter(r::code_hash.eq(hash))
            .filter(r::used_at.is_null()),
    )
    .set(r::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

/// The account's unused recovery codes.
pub fn recovery_codes_left(conn: &mut DbConnection, user: &UserId) -> QueryResult<i64> {
    r::recovery_codes.filter(r::user_id.eq(user.as_str())).filter(r::used_at.is_null()).count().get_result(conn)
}

/// Sets a session's second-factor stage.
pub fn set_stage(conn: &mut DbConnection, session_id: &str, stage: &str) -> QueryResult<usize> {
    diesel::update(s::sessions.filter(s::id.eq(session_id))).set(s::second_factor.eq(stage)).execute(conn)
}
