//! Fictional demo data for `serve --demo`: a demo organisation and one user per role. Each run
//! gives the demo users fresh random passwords, which are printed, so a demo database never
//! keeps a guessable password. Every name here is invented.

use crate::clock::Clock;
use crate::db::repo::users;
use crate::db::DbConnection;
use crate::domain::role::Role;
use crate::error::AppResult;
use crate::services::audit::AuditCtx;
use crate::services::users::{NewUser, UserPatch};
use crate::services::{organisations, users as user_service};

/// The demo organisation's name.
pub const DEMO_ORG: &str = "Demo Relief Network (fictional)";

/// A demo login to print.
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
}

/// Creates (or resets) the demo organisation and users; returns their logins.
pub fn load(conn: &mut DbConnection, clock: &Clock) -> AppResult<Vec<DemoLogin>> {
    let ctx = AuditCtx::cli("serve --demo", clock);
    let (_, scope) = organisations::operator_scope(conn, &ctx, DEMO_ORG)?;
    let people = [
        (Role::Admin, "admin@demo.homeward.test", "Demo Admin (Nadia Faroukh)"),
        (Role::Coordinator, "coordinator@demo.homeward.test", "Demo Coordinator (Lena Marchetti)"),
        (Role::Caseworker, "caseworker@demo.homeward.test", "Demo Caseworker (Yusuf Haddad-Klein)"),
    ];
    // A second organisation, so the demo shows that records stay within their organisation.
    organisations::find_or_create(conn, &ctx, "Partner Aid Collective (fictional)")?;
    if crate::services::demo_families::load(conn, &ctx, &scope)? > 0 {
        crate::services::demo_cases::load(conn, &ctx, &scope)?;
    }
    let mut logins = Vec::new();
    for (role, email, name) in people {
        let password = crate::auth::password::generate();
        match users::find_by_email(conn, email)? {
            Some(existing) => {
                let (_, scope) = organisations::operator_scope_of(conn, &existing.organisation_id)?;
                let patch = UserPatch {
                    role: Some(role),
                    disabled: Some(false),
                    password: Some(password.clone()),
                    ..UserPatch::default()
                };
                user_service::update(conn, &ctx, &scope, &existing.id, existing.version, patch)?;
            }
            None => {
                let new =
                    NewUser { email: email.into(), display_name: name.into(), role, password: Some(password.clone()) };
                user_service::create(conn, &ctx, &scope, new)?;
            }
        }
        if role == Role::Admin {
            // The demo admin also stewards the shared policies, so the demo shows that workflow.
            crate::services::stewards::grant(conn, &ctx, email)?;
        }
        logins.push(DemoLogin { role, email: email.into(), password });
    }
    Ok(logins)
}
