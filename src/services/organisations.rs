//! Organisations (NGOs): every user and every record belongs to one.

use crate::auth::OrgScope;
use crate::db::models::OrganisationRow;
use crate::db::repo::organisations as repo;
use crate::db::{write_tx, DbConnection};
use crate::domain::account::check_display_name;
use crate::domain::ids::OrgId;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};

/// Creates an organisation; the name must be new.
pub fn create(conn: &mut DbConnection, ctx: &AuditCtx, name: &str) -> AppResult<OrganisationRow> {
    let name = check_display_name(name).map_err(|e| AppError::field("name", e))?;
    write_tx(conn, |conn| {
        if repo::find_by_name(conn, &name)?.is_some() {
            return Err(AppError::field("name", "is already taken"));
        }
        let row = OrganisationRow { id: OrgId::new_random(), name: name.clone(), created_at: ctx.now(), version: 1 };
        repo::insert(conn, &row)?;
        crate::services::registry::match_keys::start(conn, &crate::auth::scope::operator(&row), ctx.now())?;
        audit::record(conn, ctx, "organisation.create", Some(("organisation", row.id.as_str())), "success")?;
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

/// The operator's door to an organisation's records (the CLI, the demo loader): the named
/// organisation, created if missing, and its scope.
pub fn operator_scope(conn: &mut DbConnection, ctx: &AuditCtx, name: &str) -> AppResult<(OrganisationRow, OrgScope)> {
    let org = find_or_create(conn, ctx, name)?;
    let scope = crate::auth::scope::operator(&org);
    Ok((org, scope))
}

/// The operator's door to the organisation of an existing row (e.g. a user's): 404 if it is
/// gone.
pub fn operator_scope_of(conn: &mut DbConnection, id: &OrgId) -> AppResult<(OrganisationRow, OrgScope)> {
    let org = repo::find_by_id(conn, id)?.ok_or(AppError::NotFound)?;
    let scope = crate::auth::scope::operator(&org);
    Ok((org, scope))
}
