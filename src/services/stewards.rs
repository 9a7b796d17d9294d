//! Policy stewardship: the deployment-level grant to change the policies every organisation
//! shares. The operator grants it at the command line; a steward may grant it to another user
//! (of any organisation) or end a stewardship. Every grant and revocation is audited and shows
//! in the policy change log every organisation's admins read.

use crate::db::models::StewardRow;
use crate::db::repo::{stewards, users};
use crate::db::{write_tx, DbConnection};
use crate::domain::account::normalise_email;
use crate::domain::ids::UserId;
use crate::domain::text::has_control;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use serde::Serialize;
use utoipa::ToSchema;

/// A steward, as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StewardView {
    pub user_id: UserId,
    pub display_name: String,
    pub organisation: String,
    pub granted_at: chrono::NaiveDateTime,
}

/// Makes the user with this email a steward (idempotent). An email with a control character
/// names nobody and is refused before the look-up (PostgreSQL cannot compare a NUL).
pub fn grant(conn: &mut DbConnection, ctx: &AuditCtx, email: &str) -> AppResult<UserId> {
    if has_control(email) {
        return Err(AppError::field("email", "must not contain control characters"));
    }
    let email = normalise_email(email);
    let user = users::find_by_email(conn, &email)?.ok_or_else(|| AppError::field("email", "no user has this email"))?;
    write_tx(conn, |conn| {
        let row = StewardRow { user_id: user.id.clone(), granted_by: ctx.actor_id.clone(), granted_at: ctx.now() };
        if stewards::grant(conn, &row)? {
            audit::record(conn, ctx, "steward.grant", Some(("user", user.id.as_str())), "success")?;
        }
        Ok(user.id.clone())
    })
}

/// Ends a stewardship. A steward cannot end their own (someone must remain able to act).
pub fn revoke(conn: &mut DbConnection, ctx: &AuditCtx, user: &UserId) -> AppResult<()> {
    if ctx.actor_id.as_deref() == Some(user.as_str()) {
        return Err(AppError::field("user_id", "you cannot end your own stewardship"));
    }
    write_tx(conn, |conn| {
        if !stewards::revoke(conn, user)? {
            return Err(AppError::NotFound);
        }
        audit::record(conn, ctx, "steward.revoke", Some(("user", user.as_str())), "success")?;
        Ok(())
    })
}

/// Every steward with their name and organisation.
pub fn list(conn: &mut DbConnection) -> AppResult<Vec<StewardView>> {
    let rows = stewards::list(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.user_id.to_string()).collect();
    let names: std::collections::HashMap<String, (String, String)> =
        users::names_with_organisation(conn, &ids)?.into_iter().map(|(id, n, o)| (id, (n, o))).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (display_name, organisation) = names.get(r.user_id.as_str()).cloned().unwrap_or_default();
            StewardView { user_id: r.user_id, display_name, organisation, granted_at: r.granted_at }
        })
        .collect())
}
