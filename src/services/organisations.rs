//! Organisations (NGOs): every user and every record belongs to one.

use crate::db::models::OrganisationRow;
use crate::db::repo::new_id;
use crate::db::repo::organisations as repo;
use crate::db::{write_tx, DbConnection};
use crate::domain::account::check_display_name;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};

/// Creates an organisation; the name must be new.
pub fn create(conn: &mut DbConnection, ctx: &AuditCtx, name: &str) -> AppResult<OrganisationRow> {
    let name = check_display_name(name).map_err(|e| AppError::field("name", e))?;
    write_tx(conn, |conn| {
        if repo::find_by_name(conn, &name)?.is_some() {
            return Err(AppError::field("name", "is already taken"));
        }
        let row = OrganisationRow { id: new_id(), name: name.clone(), created_at: ctx.now(), version: 1 };
        repo::insert(conn, &row)?;
        audit::record(conn, ctx, "organisation.create", Some(("organisation", &row.id)), "success")?;
        Ok(row)
    })
}

/// The organisation of that name, created if it does not exist (for the CLI).
pub fn find_or_create(conn: &mut DbConnection, ctx: &AuditCtx, name: &str) -> AppResult<OrganisationRow> {
    match repo::find_by_name(conn, name.trim())? {
        Some(org) => Ok(org),
        None => create(conn, ctx, name),
    }
}

/// All organisations by name.
pub fn list(conn: &mut DbConnection) -> AppResult<Vec<OrganisationRow>> {
    Ok(repo::list(conn)?)
}
