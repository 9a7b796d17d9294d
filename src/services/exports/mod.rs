//! Exports of case and person lists as CSV or XLSX, optionally in an AES-encrypted zip. An export
//! asks for a purpose; [`register`] checks the request, counts the rows, and records the export
//! (who, what, filters, columns, purpose, rows, encrypted) with its audit event in one
//! transaction; [`write`] then streams the rows, a page at a time, into the download: memory
//! stays flat whatever the size.

pub mod sink;

use crate::auth::OrgScope;
use crate::db::repo::cases::list::{self, CaseFilter};
use crate::db::repo::exports::{self as repo, ExportRow, PersonExportFilter};
use crate::db::repo::{new_id, Page};
use crate::db::{write_tx, DbConnection};
use crate::domain::problems::Problems;
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::services::audit::{self, AuditCtx};
use chrono::NaiveDate;
use sink::{ChannelWriter, Output, Table};

/// What is exported.
#[derive(Debug, Clone)]
pub enum Source {
    Cases(CaseFilter),
    Persons(PersonExportFilter),
}

impl Source {
    fn kind(&self) -> &'static str {
        match self {
            Source::Cases(_) => "cases",
            Source::Persons(_) => "persons",
        }
    }

    /// Every column this source offers, in order.
    pub fn columns(&self) -> &'static [&'static str] {
        match self {
            Source::Cases(_) => CASE_COLUMNS,
            Source::Persons(_) => PERSON_COLUMNS,
        }
    }
}

/// The columns of a case export.
pub const CASE_COLUMNS: &[&str] = &[
    "case_id",
    "family",
    "destination",
    "status",
    "members",
    "assignee",
    "opened_on",
    "status_since",
    "next_action",
    "next_action_due",
    "flags",
    "eligibility_changed",
];

/// The columns of a person export.
pub const PERSON_COLUMNS: &[&str] = &[
    "person_id",
    "given_name",
    "family_name",
    "sex",
    "birth",
    "nationalities",
    "custody_status",
    "facility",
    "family",
];

/// An export asked for.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub source: Source,
    pub xlsx: bool,
    /// Chosen columns (all when empty).
    pub columns: Vec<String>,
    /// Why the data leaves the system (kept in the register).
    pub purpose: String,
    /// Protects the file in an AES-256 zip.
    pub password: Option<String>,
    /// The filters as the user gave them (for the register; no personal values).
    pub filters_text: String,
}

/// A checked, registered export, ready to write.
#[derive(Debug, Clone)]
pub struct Registered {
    pub source: Source,
    pub xlsx: bool,
    pub columns: Vec<&'static str>,
    pub password: Option<String>,
    pub rows: i64,
    pub file_name: String,
}

/// Shortest password for a protected export.
pub const MIN_PASSWORD: usize = 10;

/// Checks the request, counts the rows and registers the export with its audit event.
pub fn register(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    req: ExportRequest,
    today: NaiveDate,
) -> AppResult<Registered> {
    let mut p = Problems::new();
    let purpose = req.purpose.trim().to_string();
    match purpose.chars().count() {
        0..=2 => p.add("purpose", "say what the export is for (who receives it, why)"),
        501.. => p.add("purpose", "at most 500 characters"),
        _ => {}
    }
    let offered = req.source.columns();
    let mut columns = Vec::new();
    for (i, c) in req.columns.iter().enumerate() {
        match offered.iter().find(|o| **o == c.as_str()) {
            Some(o) if !columns.contains(o) => columns.push(*o),
            Some(_) => p.add(format!("columns[{i}]"), "listed twice"),
            None => p.add(format!("columns[{i}]"), format!("must be one of: {}", offered.join(", "))),
        }
    }
    if columns.is_empty() {
        columns = offered.to_vec();
    }
    if let Some(pw) = &req.password {
        if pw.chars().count() < MIN_PASSWORD {
            p.add("password", format!("at least {MIN_PASSWORD} characters"));
        }
    }
    if !p.is_empty() {
        return Err(p.into());
    }
    let format = if req.xlsx { "xlsx" } else { "csv" };
    write_tx(conn, |conn| {
        let rows = match &req.source {
            Source::Cases(f) => list::page(conn, scope, f, Page { limit: 1, offset: 0 }, today)?.1,
            Source::Persons(f) => repo::count_persons(conn, scope, f)?,
        };
        let row = ExportRow {
            id: new_id(),
            organisation_id: scope.id().clone(),
            actor_id: ctx.actor_id.clone(),
            kind: req.source.kind().into(),
            format: format.into(),
            filters: req.filters_text.clone(),
            column_list: columns.join(","),
            purpose: purpose.clone(),
            row_count: rows,
            encrypted: req.password.is_some(),
            created_at: ctx.now(),
        };
        repo::insert(conn, scope, &row)?;
        audit::record(conn, ctx, "export.create", Some(("export", &row.id)), "success")?;
        let stamp = ctx.now().format("%Y%m%d-%H%M");
        let ext = if req.password.is_some() { "zip" } else { format };
        Ok(Registered {
            file_name: format!("homeward-{}-{stamp}.{ext}", req.source.kind()),
            source: req.source.clone(),
            xlsx: req.xlsx,
            columns: columns.clone(),
            password: req.password.clone(),
            rows,
        })
    })
}

/// Rows read per page.
const PAGE: i64 = 1000;

/// Writes the registered export into the channel, a page of rows at a time (on a blocking
/// thread, with its own connection). Headers are in the reader's language.
pub fn write(
    conn: &mut DbConnection,
    scope: &OrgScope,
    export: &Registered,
    i18n: &I18n,
    today: NaiveDate,
    w: ChannelWriter,
) -> AppResult<()> {
    let inner = format!("homeward-{}.{}", export.source.kind(), if export.xlsx { "xlsx" } else { "csv" });
    let out = Output::new(w, export.password.as_deref(), &inner).map_err(io)?;
    let mut table = Table::start(export.xlsx, out, i18n.dir() == "rtl").map_err(io)?;
    let header: Vec<String> = export.columns.iter().map(|c| i18n.t(&format!("export-col-{c}"))).collect();
    table.row(&header).map_err(io)?;
    match &export.source {
        Source::Cases(f) => {
            let mut offset = 0;
            loop {
                let (rows, _) = list::page(conn, scope, f, Page { limit: PAGE, offset }, today)?;
                for r in &rows {
                    table.row(&export.columns.iter().map(|c| case_cell(r, c)).collect::<Vec<_>>()).map_err(io)?;
                }
                if (rows.len() as i64) < PAGE {
                    break;
                }
                offset += PAGE;
            }
        }
        Source::Persons(f) if crate::db::backend(conn) == crate::db::Backend::Postgres => {
            // One cursor in a read-only transaction (see `repo::open_person_cursor`).
            diesel::Connection::transaction(conn, |conn| -> AppResult<()> {
                repo::open_person_cursor(conn, scope, f)?;
                loop {
                    let rows = repo::fetch_persons(conn, PAGE)?;
                    for r in &rows {
                        table.row(&export.columns.iter().map(|c| person_cell(r, c)).collect::<Vec<_>>()).map_err(io)?;
                    }
                    if (rows.len() as i64) < PAGE {
                        return Ok(());
                    }
                }
            })?;
        }
        Source::Persons(f) => {
            let mut after = String::new();
            loop {
                let rows = repo::persons_after(conn, scope, f, &after, PAGE)?;
                for r in &rows {
                    table.row(&export.columns.iter().map(|c| person_cell(r, c)).collect::<Vec<_>>()).map_err(io)?;
                }
                match rows.last() {
                    Some(last) if rows.len() as i64 == PAGE => after = last.id.clone(),
                    _ => break,
                }
            }
        }
    }
    table.finish().map_err(io)
}

fn io(e: std::io::Error) -> AppError {
    AppError::Internal(e.into())
}

fn case_cell(r: &list::CaseListRow, column: &str) -> String {
    let c = &r.case;
    match column {
        "case_id" => c.id.to_string(),
        "family" => r.family_label.clone(),
        "destination" => c.destination.as_str().to_string(),
        "status" => c.status.as_str().to_string(),
        "members" => r.member_count.to_string(),
        "assignee" => r.assignee_name.clone().unwrap_or_default(),
        "opened_on" => c.opened_on.to_string(),
        "status_since" => c.status_since.date().to_string(),
        "next_action" => c.next_action.clone(),
        "next_action_due" => c.next_action_due.map(|d| d.to_string()).unwrap_or_default(),
        "flags" => r.flags().iter().map(|f| f.as_str()).collect::<Vec<_>>().join(" "),
        "eligibility_changed" => r.eligibility_changed.to_string(),
        _ => String::new(),
    }
}

fn person_cell(r: &repo::PersonExportRow, column: &str) -> String {
    match column {
        "person_id" => r.id.clone(),
        "given_name" => r.given_name.clone(),
        "family_name" => r.family_name.clone(),
        "sex" => r.sex.clone(),
        "birth" => crate::db::sql_types::partial_from_range(r.birth_earliest, r.birth_latest)
            .ok()
            .flatten()
            .map(|b| b.display())
            .unwrap_or_default(),
        "nationalities" => r.nationalities.clone().unwrap_or_default(),
        "custody_status" => r.custody_status.clone(),
        "facility" => r.facility.clone().unwrap_or_default(),
        "family" => r.family.clone().unwrap_or_default(),
        _ => String::new(),
    }
}
