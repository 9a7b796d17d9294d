//! Devices that signed in to an account before, by the keyed hash of their cookie's token
//! (`services::auth`: such a device is not locked out by other people's failures).

use crate::db::schema::known_devices::dsl as d;
use crate::db::DbConnection;
use crate::domain::ids::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The account a device signed in to, if it is known.
pub fn user_of(conn: &mut DbConnection, device_key: &str) -> QueryResult<Option<String>> {
    d::known_devices.filter(d::device_key.eq(device_key)).select(d::user_id).first(conn).optional()
}

/// Remembers a device for an account.
pub fn insert(conn: &mut DbConnection, device_key: &str, user_id: &UserId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(d::known_devices)
        .values((
            d::device_key.eq(device_key),
            d::user_id.eq(user_id.as_str()),
            d::created_at.eq(at),
            d::last_used_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Notes a sign-in from a known device.
pub fn touch(conn: &mut DbConnection, device_key: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(d::known_devices.filter(d::device_key.eq(device_key))).set(d::last_used_at.eq(at)).execute(conn)?;
    Ok(())
}

/// Forgets the devices not used since `before`.
pub fn forget_unused(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(d::known_devices.filter(d::last_used_at.lt(before))).execute(conn)
}

/// Forgets every device of an account (signed out everywhere, a new password, disabled): a lost
/// laptop must not keep its exemption from the throttle.
pub fn forget_user(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<usize> {
    diesel::delete(d::known_devices.filter(d::user_id.eq(user_id.as_str()))).execute(conn)
}
