//! The command-line operations behind `main.rs`: each opens the database itself and acts as the
//! operator (audited with a `cli:` request id).

use crate::config::Settings;
use crate::db::repo::users;
use crate::domain::role::Role;
use crate::services::audit::{self, AuditCtx};
use crate::services::users::{NewUser, UserPatch};
use crate::services::{demo, organisations, seed, users as user_service};
use crate::startup::{open_database, Application};
use anyhow::Context;
use std::io::Write;

mod backup;
mod retention;
pub use backup::{backup, restore};
pub use retention::retention;

/// `homeward serve [--demo]`.
pub async fn serve(mut settings: Settings, demo_mode: bool) -> anyhow::Result<()> {
    let mut logins = Vec::new();
    if demo_mode {
        // Browsers refuse Secure cookies over plain HTTP on some loopback addresses; the demo
        // runs on http://127.0.0.1, so unless told otherwise it sends the cookie without Secure.
        if std::env::var_os("HOMEWARD_COOKIE_SECURE").is_none() && is_loopback(&settings.bind) {
            settings.cookie_secure = false;
        }
        let pool = open_database(&settings)?;
        let mut conn = pool.get()?;
        let clock = settings.clock();
        seed::apply(&mut conn, &AuditCtx::cli("serve --demo", &clock))?;
        logins = demo::load(&mut conn, &clock)?;
    }
    let app = Application::build(settings.clone())?;
    let host = settings.bind.rsplit_once(':').map(|(h, _)| h).unwrap_or("127.0.0.1");
    let mut out = std::io::stdout().lock();
    writeln!(out, "Homeward listening on http://{host}:{}", app.port())?;
    if !logins.is_empty() {
        writeln!(out, "Demo logins (fictional organisation \"{}\"; new passwords at every start):", demo::DEMO_ORG)?;
        for l in &logins {
            writeln!(out, "  {:<12} {:<32} {}", l.role.as_str(), l.email, l.password)?;
        }
    }
    out.flush()?;
    drop(out);
    app.run_until_stopped().await?;
    Ok(())
}

fn is_loopback(bind: &str) -> bool {
    bind.starts_with("127.") || bind.starts_with("localhost:") || bind.starts_with("[::1]")
}

/// `homeward migrate`.
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    open_database(settings)?;
    println!("migrations applied");
    Ok(())
}

/// `homeward seed`.
pub fn seed(settings: &Settings) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let report = seed::apply(&mut conn, &AuditCtx::cli("seed", &settings.clock()))?;
    if report.unchanged() {
        println!("reference data already up to date");
    } else {
        println!(
            "countries added: {}, renamed: {}; facilities added: {}, authority periods added: {}; \
             policy versions published: {}, new drafts from changed seeds: {}",
            report.countries_added,
            report.countries_renamed,
            report.facilities_added,
            report.authorities_added,
            report.policies_published,
            report.policy_drafts
        );
    }
    Ok(())
}

/// `homeward reevaluate`: every person against the published policies, in batches.
pub fn reevaluate(settings: &Settings) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    let clock = settings.clock();
    let mut reported = 0;
    let w = crate::services::eligibility::reevaluate_all(&mut conn, &clock, |_, done, total| {
        if total > 0 && (done == total || done >= reported + 100_000) {
            reported = done;
            eprintln!("  {done} of {total} persons");
        }
        Ok(())
    })
    .map_err(explain)?;
    let secs = started.elapsed().as_secs_f64();
    // A first evaluation fills the results table: give the planner its statistics.
    if w.written + w.deleted > 0 {
        crate::db::optimize(&mut conn)?;
    }
    println!(
        "re-evaluated {} persons ({} claims) in {secs:.2} s ({:.0} persons/s); {} results written, {} deleted",
        w.persons,
        w.results,
        w.persons as f64 / secs.max(1e-9),
        w.written,
        w.deleted
    );
    Ok(())
}

/// `homeward review-duplicates --org O`: builds the organisation's duplicate review list now
/// (the job the UI queues), with progress; prints how many pairs it holds.
pub fn review_duplicates(settings: &Settings, org: &str) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    crate::services::names::load(&mut conn).map_err(explain)?;
    let clock = settings.clock();
    let ctx = crate::services::audit::AuditCtx::cli("review-duplicates", &clock);
    let (_, scope) = crate::services::organisations::operator_scope(&mut conn, &ctx, org).map_err(explain)?;
    let started = std::time::Instant::now();
    let mut reported = 0;
    let pairs = crate::services::registry::review::build(&mut conn, &scope, &clock, |_, done, total| {
        if total > 0 && (done == total || done >= reported + 100_000) {
            reported = done;
            eprintln!("  {done} of {total} persons");
        }
        Ok(())
    })
    .map_err(explain)?;
    let secs = started.elapsed().as_secs_f64();
    println!("found {pairs} likely or possible pairs in {secs:.2} s");
    Ok(())
}

/// `homeward reindex`: files everyone of the organisations whose duplicate keys were built by
/// other rules or another name dictionary again (the server queues the same work at start-up);
/// nothing to do when they are current.
pub fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    // The names admins added (the rebuild reads the database's dictionary; the process's
    // should agree with it).
    crate::services::names::load(&mut conn).map_err(explain)?;
    let started = std::time::Instant::now();
    let clock = settings.clock();
    let mut reported = 0;
    let persons = crate::services::registry::match_keys::rebuild_stale(&mut conn, &clock, |_, done, total| {
        if total > 0 && (done == total || done >= reported + 100_000) {
            reported = done;
            eprintln!("  {done} of {total} persons");
        }
        Ok(())
    })
    .map_err(explain)?;
    let secs = started.elapsed().as_secs_f64();
    if persons > 0 {
        crate::db::optimize(&mut conn)?;
    }
    println!("filed {persons} persons under their duplicate keys in {secs:.2} s");
    Ok(())
}

/// A progress line on standard error: a bar in a terminal, a line per 10% otherwise.
fn progress_printer(what: &'static str) -> impl FnMut(usize, usize) {
    use std::io::{IsTerminal, Write};
    let terminal = std::io::stderr().is_terminal();
    let mut last_tenth = usize::MAX;
    move |done, total| {
        let total = total.max(1);
        if terminal {
            let filled = done * 30 / total;
            eprint!("\r  {what} [{}{}] {done}/{total} rows", "#".repeat(filled), "-".repeat(30 - filled.min(30)));
            if done >= total {
                eprintln!();
            }
            let _ = std::io::stderr().flush();
        } else if done * 10 / total != last_tenth {
            last_tenth = done * 10 / total;
            eprintln!("  {what}: {done}/{total} rows");
        }
    }
}

/// `homeward import FILE [--dry-run] --org O`: checks a family list and, unless it is a dry
/// run or has problems, writes it (the same checks and the same single transaction as the UI).
pub fn import(
    settings: &Settings,
    file: &std::path::Path,
    org: &str,
    dry_run: bool,
    encoding: Option<&str>,
) -> anyhow::Result<()> {
    use crate::services::imports::{self, read};
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let format = match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xlsx") => read::Format::Xlsx,
        _ => read::Format::sniff(&bytes),
    };
    let encoding = match encoding {
        Some(name) => Some(read::encoding_named(name).ok_or_else(|| {
            anyhow::anyhow!("--encoding: write utf-8, utf-16, windows-1256, windows-1251 or windows-1252")
        })?),
        None => None,
    };
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    // The duplicate search of the rows matches names with the dictionary admins extended.
    crate::services::names::load(&mut conn).map_err(explain)?;
    let clock = settings.clock();
    let ctx = crate::services::audit::AuditCtx::cli("import", &clock);
    let (_, scope) = crate::services::organisations::operator_scope(&mut conn, &ctx, org).map_err(explain)?;
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let upload = imports::Upload { bytes, format, encoding, file_name };
    let p = imports::preview(&mut conn, &ctx, &scope, upload, &mut progress_printer("checking")).map_err(explain)?;
    println!(
        "{} rows ({}): {} new families, {} new persons, {} rows imported before; {} problems, {} warnings, {} possible duplicates",
        p.rows, p.encoding, p.families_new, p.persons_new, p.rows_known, p.problems_total, p.warnings_total, p.duplicates_total
    );
    if [p.problems_total, p.warnings_total, p.duplicates_total].iter().any(|&n| n > imports::LISTED) {
        println!("(the first {} of each are listed)", imports::LISTED);
    }
    if let Some(at) = p.imported_before {
        println!("this file was imported on {}", at.format("%Y-%m-%d %H:%M"));
    }
    let at = |row: Option<usize>, column: &Option<String>| match (row, column) {
        (Some(r), Some(c)) => format!("row {r}, {c}"),
        (Some(r), None) => format!("row {r}"),
        _ => "file".to_string(),
    };
    for x in &p.problems {
        println!("  problem: {}: {}", at(x.row, &x.column), x.message);
    }
    for x in &p.warnings {
        println!("  warning: {}: {}", at(x.row, &x.column), x.message);
    }
    for d in &p.duplicates {
        let with =
            d.other_row.map(|r| format!("row {r}")).or_else(|| d.person_id.clone().map(|id| format!("person {id}")));
        println!(
            "  {} duplicate: row {} and {} ({}): {}",
            d.band,
            d.row,
            with.unwrap_or_default(),
            d.name,
            d.reasons.join("; ")
        );
    }
    if !p.problems.is_empty() {
        anyhow::bail!("nothing was written: fix the problems and import the file again");
    }
    if dry_run || !p.committable {
        println!("nothing was written{}", if dry_run { " (dry run)" } else { "" });
        return Ok(());
    }
    let done = imports::commit(&mut conn, &ctx, &scope, &p.id, &mut progress_printer("writing")).map_err(explain)?;
    println!(
        "imported {} families and {} persons ({} kinship links; {} persons evaluated)",
        done.families, done.persons, done.kinship_links, done.evaluated
    );
    Ok(())
}

/// `homeward user create`.
pub fn user_create(
    settings: &Settings,
    email: &str,
    name: &str,
    role: Role,
    org: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("reading the password from stdin")?;
        Some(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        None
    };
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let ctx = AuditCtx::cli("user create", &settings.clock());
    let (org, scope) = organisations::operator_scope(&mut conn, &ctx, org).map_err(explain)?;
    let new = NewUser { email: email.into(), display_name: name.into(), role, password };
    let created = user_service::create(&mut conn, &ctx, &scope, new).map_err(explain)?;
    println!("created {} ({}) in {}", created.user.email, role, org.name);
    if let Some(p) = created.generated_password {
        println!("password: {p}");
        println!("(shown once; it is stored only as a hash)");
    }
    Ok(())
}

/// `homeward user disable`: the account's sessions end at once.
pub fn user_disable(settings: &Settings, email: &str) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let email = crate::domain::account::normalise_email(email);
    let user = users::find_by_email(&mut conn, &email)?.with_context(|| format!("no user with email {email}"))?;
    let (_, scope) = organisations::operator_scope_of(&mut conn, &user.organisation_id).map_err(explain)?;
    let patch = UserPatch { disabled: Some(true), ..UserPatch::default() };
    user_service::update(
        &mut conn,
        &AuditCtx::cli("user disable", &settings.clock()),
        &scope,
        &user.id,
        user.version,
        patch,
    )
    .map_err(explain)?;
    println!("disabled {email}; their sessions have ended");
    Ok(())
}

/// `homeward synth --persons N --seed S --org O`: fictional data at scale (benchmarks).
pub fn synth(settings: &Settings, persons: usize, seed: u64, org: &str) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let clock = settings.clock();
    seed::apply(&mut conn, &AuditCtx::cli("synth", &clock)).map_err(explain)?;
    let opts = crate::services::synth::Options { persons, seed, organisation: org.to_string() };
    let report = crate::services::synth::run(&mut conn, &clock, &opts).map_err(explain)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// `homeward steward grant|revoke --email`: the deployment-level grant to change policies.
pub fn steward(settings: &Settings, email: &str, grant: bool) -> anyhow::Result<()> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let ctx = AuditCtx::cli(if grant { "steward grant" } else { "steward revoke" }, &settings.clock());
    if grant {
        crate::services::stewards::grant(&mut conn, &ctx, email).map_err(explain)?;
        println!("{email} is now a policy steward");
    } else {
        let email = crate::domain::account::normalise_email(email);
        let user = users::find_by_email(&mut conn, &email)?.with_context(|| format!("no user with email {email}"))?;
        crate::services::stewards::revoke(&mut conn, &ctx, &user.id).map_err(explain)?;
        println!("{email} is no longer a policy steward");
    }
    Ok(())
}

/// `homeward audit verify`: exit status 0 if intact, 1 with the first broken sequence number.
pub fn audit_verify(settings: &Settings) -> anyhow::Result<bool> {
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let report = audit::verify(&mut conn).map_err(explain)?;
    match &report.first_break {
        None => {
            println!("audit chain intact: {} events, head {}", report.checked, report.head);
            Ok(true)
        }
        Some(b) => {
            println!(
                "audit chain BROKEN at sequence {}: {} ({} events intact before it)",
                b.seq, b.reason, report.checked
            );
            Ok(false)
        }
    }
}

/// Turns a service error into a readable CLI message (with field errors).
fn explain(e: crate::error::AppError) -> anyhow::Error {
    match e {
        crate::error::AppError::Validation { message, fields } => {
            let detail: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {}", m.join("; "))).collect();
            anyhow::anyhow!("{message}: {}", detail.join(", "))
        }
        crate::error::AppError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}
