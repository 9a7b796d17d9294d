//! Imports of family lists: a file is read, every row checked as an intake checks it, its
//! duplicates found (within the file and in the registry), and a preview kept until a user
//! confirms it (`preview`); the commit then checks the file again against the registry as it
//! is now and writes every new row in one unit of work, or nothing (`commit`). A file or a row
//! imported before creates nothing again.

pub mod analyse;
pub mod check;
pub mod commit;
mod duplicates;
pub mod job;
pub mod read;
pub mod template;
mod write;

use crate::auth::OrgScope;
use crate::db::repo::imports::{self as repo, ImportRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::import::Problem;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use analyse::Analysis;
use base64::Engine;
use read::Format;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

pub use commit::{commit, Committed};

/// Hours a preview keeps its file for a commit.
pub const PREVIEW_HOURS: i64 = 24;

/// A duplicate a row may be: another row of the file, or a person already in the registry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowDuplicate {
    pub row: usize,
    /// The other row of the file, when the duplicate is in the file.
    pub other_row: Option<usize>,
    /// The person in the registry, when the duplicate is there.
    pub person_id: Option<String>,
    /// Their name, and (for a person) where and when they were logged.
    pub name: String,
    pub birth: Option<String>,
    /// `likely` or `possible`.
    pub band: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// What a file would do, as the user sees it before confirming.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Preview {
    pub id: String,
    /// `previewed` or `committed`.
    pub status: String,
    pub file_name: String,
    pub file_sha256: String,
    pub format: String,
    /// How the file was read (`UTF-8`, `windows-1256`, `XLSX` ...).
    pub encoding: String,
    pub rows: usize,
    pub families_new: usize,
    pub persons_new: usize,
    /// Rows imported before (by their key): they create nothing.
    pub rows_known: usize,
    /// When the same file was committed before, if it was.
    pub imported_before: Option<chrono::NaiveDateTime>,
    /// Problems, each by row and column: any problem stops the commit.
    pub problems: Vec<Problem>,
    /// What is written anyway, but looked odd.
    pub warnings: Vec<Problem>,
    pub duplicates: Vec<RowDuplicate>,
    /// How many problems, warnings and duplicates there are in all (the lists hold the first
    /// [`LISTED`]).
    #[serde(default)]
    pub problems_total: usize,
    #[serde(default)]
    pub warnings_total: usize,
    #[serde(default)]
    pub duplicates_total: usize,
    /// True when the commit would write something and nothing stops it.
    pub committable: bool,
    /// The problems a commit found against the registry as it was then (it wrote nothing).
    #[serde(default)]
    pub refused: Vec<Refusal>,
    /// The latest commit job, while and after it runs (never stored with the preview).
    #[serde(default)]
    pub job: Option<crate::services::jobs::JobView>,
}

/// A problem that refused a commit: where (`rows[7].birth`) and what.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Refusal {
    pub at: String,
    pub message: String,
}

/// Most problems, warnings and duplicates a preview lists (the counts are whole).
pub const LISTED: usize = 1_000;

/// A file as uploaded.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub format: Format,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub file_name: String,
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The preview of an analysis.
fn preview_of(id: &str, upload: &Upload, sha: &str, a: &Analysis, before: Option<chrono::NaiveDateTime>) -> Preview {
    let mut problems = a.problems.clone();
    problems.truncate(LISTED);
    let mut warnings = a.warnings.clone();
    warnings.truncate(LISTED);
    let mut duplicates = a.duplicates.clone();
    duplicates.truncate(LISTED);
    Preview {
        id: id.to_string(),
        status: "previewed".into(),
        file_name: upload.file_name.clone(),
        file_sha256: sha.to_string(),
        format: match upload.format {
            Format::Csv => "csv".into(),
            Format::Xlsx => "xlsx".into(),
        },
        encoding: a.encoding.clone(),
        rows: a.rows_total,
        families_new: a.families_new(),
        persons_new: a.persons_new(),
        rows_known: a.known.len(),
        imported_before: before,
        committable: a.problems.is_empty() && a.persons_new() > 0,
        problems_total: a.problems.len(),
        warnings_total: a.warnings.len(),
        duplicates_total: a.duplicates_total,
        problems,
        warnings,
        duplicates,
        refused: Vec::new(),
        job: None,
    }
}

/// Reads and checks a file, keeps it with its preview, and answers the preview: nothing of
/// the registry is written.
/// `progress` hears (rows checked, rows).
pub fn preview(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    upload: Upload,
    progress: &mut dyn FnMut(usize, usize),
) -> AppResult<Preview> {
    let sha = digest(&upload.bytes);
    let how = analyse::Reading { format: upload.format, encoding: upload.encoding, duplicates: true };
    let a = analyse::analyse(conn, scope, ctx.today(), &upload.bytes, how, progress)?;
    let before = repo::committed_file(conn, scope, &sha)?;
    let id = uuid::Uuid::new_v4().to_string();
    let p = preview_of(&id, &upload, &sha, &a, before);
    let problems = a.problems.len() as i64;
    // The preview holds what is kept: the rows go before the file is encoded.
    drop(a);
    let row = ImportRow {
        id: id.clone(),
        organisation_id: scope.id().to_string(),
        file_name: upload.file_name.clone(),
        file_sha256: sha,
        format: p.format.clone(),
        status: "previewed".into(),
        rows_total: p.rows as i64,
        families_new: p.families_new as i64,
        persons_new: p.persons_new as i64,
        problems,
        preview: serde_json::to_string(&p).map_err(|e| AppError::Internal(e.into()))?,
        content: Some(base64::engine::general_purpose::STANDARD.encode(&upload.bytes)),
        created_by: ctx.actor_id.clone(),
        created_at: ctx.now(),
        committed_at: None,
    };
    write_tx(conn, |conn| {
        repo::insert(conn, scope, &row)?;
        audit::record(conn, ctx, "import.preview", Some(("import", &id)), "success")?;
        AppResult::Ok(())
    })?;
    Ok(p)
}

/// An import's preview (its status updated); 404 outside the organisation.
pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> AppResult<Preview> {
    let row = repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    if row.preview.is_empty() {
        // An expired preview: its counts only.
        return Ok(Preview {
            id: row.id,
            status: row.status,
            file_name: row.file_name,
            file_sha256: row.file_sha256,
            format: row.format,
            encoding: String::new(),
            rows: row.rows_total as usize,
            families_new: row.families_new as usize,
            persons_new: row.persons_new as usize,
            rows_known: 0,
            imported_before: None,
            problems: Vec::new(),
            warnings: Vec::new(),
            duplicates: Vec::new(),
            problems_total: row.problems as usize,
            warnings_total: 0,
            duplicates_total: 0,
            committable: false,
            refused: Vec::new(),
            job: job::latest(conn, scope, id)?,
        });
    }
    let mut p: Preview = serde_json::from_str(&row.preview).map_err(|e| AppError::Internal(e.into()))?;
    p.status = row.status;
    p.job = job::latest(conn, scope, id)?;
    p.committable &= row.content.is_some();
    if p.status == "committed" {
        p.committable = false;
        p.families_new = row.families_new as usize;
        p.persons_new = row.persons_new as usize;
    }
    Ok(p)
}

/// The organisation's latest imports.
pub fn recent(conn: &mut DbConnection, scope: &OrgScope) -> AppResult<Vec<ImportRow>> {
    Ok(repo::recent(conn, scope, 50)?)
}
