//! Managing user accounts: creation (by an admin or at the command line) and updates with
//! optimistic versioning. Disabling an account, changing its password or its role ends its
//! sessions; an admin can also end them all at will (`sign_out`).

use crate::auth::password;
use crate::db::models::UserRow;
use crate::db::repo::users::{self as repo, UserChanges};
use crate::db::repo::{sessions, OrgScope};
use crate::db::{write_tx, DbConnection};
use crate::domain::account::{check_display_name, check_password, normalise_email};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::services::audit::{self, AuditCtx};

/// A new account as requested.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// `None`: a strong password is generated and returned once.
    pub password: Option<String>,
}

/// A created account, with the generated password if one was made.
pub struct Created {
    pub user: UserRow,
    pub generated_password: Option<String>,
}

fn push(fields: &mut FieldErrors, field: &str, message: String) {
    fields.entry(field.to_string()).or_default().push(message);
}

fn invalid(fields: FieldErrors) -> AppResult<()> {
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation { message: "some fields are not valid".into(), fields })
    }
}

/// Creates an account in the scope's organisation. Hashes before the transaction starts, so
/// the write lock is held for milliseconds, not for the 40 ms of argon2.
pub fn create(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, new: NewUser) -> AppResult<Created> {
    let email = normalise_email(&new.email);
    let mut fields = FieldErrors::new();
    if !validator::ValidateEmail::validate_email(&email) || email.chars().count() > 254 {
        push(&mut fields, "email", "must be a valid email address".into());
    }
    let display_name = check_display_name(&new.display_name).unwrap_or_else(|e| {
        push(&mut fields, "display_name", e);
        String::new()
    });
    let (plain, generated) = match new.password {
        Some(p) => (p, false),
        None => (password::generate(), true),
    };
    if let Err(e) = check_password(&plain, &email) {
        push(&mut fields, "password", e);
    }
    invalid(fields)?;
    if repo::find_by_email(conn, &email)?.is_some() {
        return Err(AppError::field("email", "is already registered"));
    }
    let hash = password::hash(&plain).map_err(AppError::Internal)?;
    let at = ctx.now();
    let user = UserRow {
        id: UserId::new_random(),
        organisation_id: scope.id().clone(),
        email,
        display_name,
        role: new.role,
        password_hash: hash,
        disabled_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    write_tx(conn, |conn| {
        // Checked again under the write lock: two admins may add the same email at once.
        if repo::find_by_email(conn, &user.email)?.is_some() {
            return Err(AppError::field("email", "is already registered"));
        }
        repo::insert(conn, &user)?;
        audit::record(conn, &ctx.within(scope), "user.create", Some(("user", user.id.as_str())), "success")?;
        Ok(())
    })?;
    Ok(Created { user, generated_password: generated.then_some(plain) })
}

/// A partial update; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

/// Applies a patch if `expected_version` is still current (409 otherwise, with the current
/// version). An admin cannot demote or disable their own account (no lock-out by mistake).
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &UserId,
    expected_version: i64,
    patch: UserPatch,
) -> AppResult<UserRow> {
    let current = repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let mut fields = FieldErrors::new();
    let is_self = ctx.actor_id.as_deref() == Some(id.as_str());
    let display_name = match &patch.display_name {
        Some(n) => check_display_name(n).unwrap_or_else(|e| {
            push(&mut fields, "display_name", e);
            current.display_name.clone()
        }),
        None => current.display_name.clone(),
    };
    if is_self && patch.role.is_some_and(|r| r != current.role) {
        push(&mut fields, "role", "you cannot change your own role".into());
    }
    if is_self && patch.disabled == Some(true) {
        push(&mut fields, "disabled", "you cannot disable your own account".into());
    }
    if let Some(p) = &patch.password {
        if let Err(e) = check_password(p, &current.email) {
            push(&mut fields, "password", e);
        }
    }
    invalid(fields)?;
    if current.version != expected_version {
        return Err(conflict(current.version));
    }
    let password_hash = match &patch.password {
        Some(p) => password::hash(p).map_err(AppError::Internal)?,
        None => current.password_hash.clone(),
    };
    let at = ctx.now();
    let disabled_at = match patch.disabled {
        Some(true) => current.disabled_at.or(Some(at)),
        Some(false) => None,
        None => current.disabled_at,
    };
    let changes = UserChanges {
        display_name,
        role: patch.role.unwrap_or(current.role),
        password_hash,
        disabled_at,
        updated_at: at,
    };
    write_tx(conn, |conn| {
        if !repo::update_versioned(conn, scope, id, expected_version, &changes)? {
            let version = repo::find(conn, scope, id)?.map(|u| u.version);
            return Err(version.map(conflict).unwrap_or(AppError::NotFound));
        }
        // A new password, a new role or a disabled account ends every session of the account:
        // a token taken before must not carry the new rights, nor outlive the old password (an
        // admin who changes their own password gets a new session: `api::users::update`).
        // A new password or a disabled account also forgets the account's known devices.
        if disabled_at.is_some() || patch.password.is_some() {
            crate::services::sessions::end_everywhere(conn, id)?;
        } else if changes.role != current.role {
            sessions::delete_for_user(conn, id)?;
        }
        let action =
            if disabled_at.is_some() && current.disabled_at.is_none() { "user.disable" } else { "user.update" };
        audit::record(conn, &ctx.within(scope), action, Some(("user", id.as_str())), "success")?;
        repo::find(conn, scope, id)?.ok_or(AppError::NotFound)
    })
}

/// Ends every session of a user of the organisation ("sign out everywhere", done by an admin
/// for a lost laptop or a departed colleague); the number ended. 404 for another
/// organisation's user.
pub fn sign_out(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, id: &UserId) -> AppResult<usize> {
    write_tx(conn, |conn| {
        repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let ended = crate::services::sessions::end_everywhere(conn, id)?;
        audit::record(conn, &ctx.within(scope), "user.sign_out", Some(("user", id.as_str())), "success")?;
        Ok(ended)
    })
}

fn conflict(current_version: i64) -> AppError {
    AppError::stale("user", current_version)
}
