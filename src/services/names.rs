//! The dictionary of name variants, extensible by admins (issue 11): the built-in names of
//! `seeds/names/variants.json` plus the names admins add (`name_entries`), shared by every
//! organisation of the deployment (names are reference data, not personal data).
//!
//! **One dictionary per process, following the database.** Matching and search read the
//! dictionary the process installed (`Dictionary::shared`), which costs nothing per request.
//! It is installed from the database at start-up ([`load`], by the server and by the CLI
//! commands that match names), again by the process where an admin adds or removes a name,
//! and by every other server of the deployment when its job runner notices the change
//! ([`refresh_if_changed`], each poll: a change of the set of ids, which is exact because
//! entries are never edited, and cheap because the table is small). A change queues the
//! rebuild of everyone's duplicate keys; the rebuild, and the version of the keys it records,
//! use the database's own dictionary ([`dictionary`]), so a server that has not polled yet
//! cannot record keys filed by an older dictionary as current.
//!
//! **Several servers in one process (the test suite).** Each test runs servers on its own
//! database, in one process, so they share the installed dictionary. Three choices keep them
//! from disturbing each other: [`load`] leaves the dictionary alone when the database has no
//! added names (a process starts with the built-in one anyway), so a test server starting
//! does not undo another test's names; each job runner compares the database with what *it*
//! last saw ([`Loaded`]), not with what the process holds, so servers on different databases
//! never install each other's dictionaries in turn; and key versions come from the database,
//! not from the process. What remains shared is the spellings an added name brings: the tests
//! that add names use names no other test uses, one test at a time, and remove them at the end.

use crate::db::repo::name_entries::{self as repo, NameEntryRow};
use crate::db::repo::new_id;
use crate::db::{write_tx, DbConnection};
use crate::domain::matching::dictionary::NameEntry;
use crate::domain::matching::Dictionary;
use crate::domain::problems::Problems;
use crate::domain::text::{check_text, is_invisible};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use crate::services::registry::match_keys;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;
use utoipa::ToSchema;

/// Longest name or variant, in characters.
pub const SPELLING_MAX: usize = 100;
/// Most variants of one name.
pub const VARIANTS_MAX: usize = 30;
/// The frequency of a name added without one: rare (an agreement on it weighs much).
pub const DEFAULT_FREQUENCY: f64 = 0.001;

/// A name to add.
// `as`: the document has a person's other name as `NameInput` too (domain::records).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = DictionaryNameInput)]
pub struct NameInput {
    /// The name as usually written in Latin script (`Zubayda`).
    pub name: String,
    /// Its other spellings, in any script (at most 30).
    #[serde(default)]
    pub variants: Vec<String>,
    /// The chance that two unrelated persons both bear it: more than 0, at most 1 (0.001 when
    /// absent).
    #[serde(default)]
    pub frequency: Option<f64>,
}

/// An added name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NameEntryView {
    pub id: String,
    pub name: String,
    pub variants: Vec<String>,
    pub frequency: f64,
    pub added_at: NaiveDateTime,
}

/// The dictionary as admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamesView {
    /// How many names are built in (each with its spellings).
    pub builtin_names: usize,
    /// The names added in this deployment, oldest first.
    pub entries: Vec<NameEntryView>,
}

/// What one process's job runner last saw of the added names (their ids); unknown at first,
/// so that the first check installs them.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    ids: Option<Vec<String>>,
}

fn entry_of(row: &NameEntryRow) -> AppResult<NameEntry> {
    let variants: Vec<String> = serde_json::from_str(&row.variants)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("name entry {}: variants: {e}", row.id)))?;
    Ok(NameEntry { name: row.name.clone(), frequency: row.frequency, variants })
}

fn view_of(row: &NameEntryRow) -> AppResult<NameEntryView> {
    let e = entry_of(row)?;
    Ok(NameEntryView {
        id: row.id.clone(),
        name: e.name,
        variants: e.variants,
        frequency: e.frequency,
        added_at: row.added_at,
    })
}

fn with_rows(rows: &[NameEntryRow]) -> AppResult<Dictionary> {
    let entries = rows.iter().map(entry_of).collect::<AppResult<Vec<_>>>()?;
    Dictionary::with_entries(entries).map_err(|e| AppError::Internal(anyhow::anyhow!("name dictionary: {e}")))
}

fn sorted_ids(rows: &[NameEntryRow]) -> Vec<String> {
    let mut ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    ids.sort();
    ids
}

/// The database's dictionary: the built-in one plus the added names (the installed one when
/// it is the same, so that this is cheap).
pub fn dictionary(conn: &mut DbConnection) -> AppResult<Arc<Dictionary>> {
    let rows = repo::all(conn)?;
    if rows.is_empty() {
        return Ok(Dictionary::builtin_shared());
    }
    let entries = rows.iter().map(entry_of).collect::<AppResult<Vec<_>>>()?;
    let installed = Dictionary::shared();
    if installed.added() == entries.as_slice() {
        return Ok(installed);
    }
    Ok(Arc::new(
        Dictionary::with_entries(entries).map_err(|e| AppError::Internal(anyhow::anyhow!("name dictionary: {e}")))?,
    ))
}

/// Serialises the installs of this process: each reads the committed names and installs them
/// while holding it, so an install from an older read can never replace a newer one (two
/// admins adding names at once).
static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Reads the committed added names and installs the dictionary they make; the rows read.
fn install_current(conn: &mut DbConnection) -> AppResult<Vec<NameEntryRow>> {
    let _turn = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let rows = repo::all(conn)?;
    Dictionary::install(with_rows(&rows)?);
    Ok(rows)
}

/// At start-up: installs the built-in dictionary plus the database's added names. Without
/// added names it leaves the installed dictionary as it is (the built-in one, in a process
/// that just started; see the module's note on the test suite).
pub fn load(conn: &mut DbConnection) -> AppResult<Loaded> {
    let rows = repo::all(conn)?;
    if !rows.is_empty() {
        Dictionary::install(with_rows(&rows)?);
    }
    Ok(Loaded { ids: Some(sorted_ids(&rows)) })
}

/// Each poll of the job runner: installs the database's dictionary again when its added names
/// are not the ones this runner last saw (another server added or removed one). True when it
/// did.
pub fn refresh_if_changed(conn: &mut DbConnection, loaded: &mut Loaded) -> AppResult<bool> {
    let mut ids = repo::ids(conn)?;
    // Sorted here, not by the database: PostgreSQL's collation may order ids otherwise.
    ids.sort();
    if loaded.ids.as_ref() == Some(&ids) {
        return Ok(false);
    }
    let rows = install_current(conn)?;
    tracing::info!(added_names = rows.len(), "the name dictionary changed: installed again");
    loaded.ids = Some(sorted_ids(&rows));
    Ok(true)
}

/// The built-in names count and the added names.
pub fn list(conn: &mut DbConnection) -> AppResult<NamesView> {
    let entries = repo::all(conn)?.iter().map(view_of).collect::<AppResult<Vec<_>>>()?;
    Ok(NamesView { builtin_names: Dictionary::builtin_shared().len(), entries })
}

/// A name or variant as written: NFC, trimmed, at most [`SPELLING_MAX`] characters, no
/// control or bidirectional characters, something visible.
fn check_spelling(s: &str, empty: &str) -> Result<String, String> {
    let nfc: String = s.nfc().collect();
    let t = check_text(&nfc, SPELLING_MAX, false)?;
    if t.is_empty() {
        return Err(empty.into());
    }
    if t.chars().all(|c| is_invisible(c) || c.is_whitespace()) {
        return Err("must contain visible characters".into());
    }
    if !Dictionary::indexable(&t) {
        return Err("must contain letters".into());
    }
    Ok(t)
}

/// The message for a spelling the dictionary already files under another name.
pub fn claimed_message(other: &str) -> String {
    format!("{CLAIMED} {other} in the name dictionary")
}

/// How [`claimed_message`] starts (pages translate it by it).
pub const CLAIMED: &str = "is already a spelling of";

/// Checks an input against the dictionary it would join: every problem at once, by field.
pub fn check(dict: &Dictionary, input: &NameInput) -> Result<NameEntry, Problems> {
    let mut p = Problems::new();
    let name = p.take("name", check_spelling(&input.name, "is required"));
    if let Some(other) = name.as_deref().and_then(|n| dict.claimed_by(n)) {
        p.add("name", claimed_message(&other.name));
    }
    if input.variants.len() > VARIANTS_MAX {
        p.add("variants", format!("must hold at most {VARIANTS_MAX} variants"));
    }
    let mut variants: Vec<String> = Vec::new();
    for (i, v) in input.variants.iter().enumerate().take(VARIANTS_MAX) {
        let field = format!("variants[{i}]");
        let Some(v) = p.take(field.as_str(), check_spelling(v, "must not be empty")) else { continue };
        if let Some(other) = dict.claimed_by(&v) {
            p.add(field, claimed_message(&other.name));
        } else if Some(&v) != name.as_ref() && !variants.contains(&v) {
            variants.push(v);
        }
    }
    let frequency = input.frequency.unwrap_or(DEFAULT_FREQUENCY);
    if !(frequency.is_finite() && frequency > 0.0 && frequency <= 1.0) {
        p.add("frequency", "must be more than 0 and at most 1");
    }
    p.or(|| Some(NameEntry { name: name?, frequency, variants }))
}

/// Adds a name (admins): checked against the database's dictionary, stored with its audit
/// event and the rebuild of everyone's duplicate keys in one transaction, then installed.
pub fn add(conn: &mut DbConnection, ctx: &AuditCtx, input: NameInput) -> AppResult<NameEntryView> {
    let row = write_tx(conn, |conn| -> AppResult<_> {
        let dict = dictionary(conn)?;
        let entry = check(&dict, &input)?;
        let row = NameEntryRow {
            id: new_id(),
            name: entry.name,
            frequency: entry.frequency,
            variants: serde_json::to_string(&entry.variants).map_err(|e| AppError::Internal(e.into()))?,
            added_by: ctx.actor_id.clone(),
            organisation_id: ctx.organisation_id.clone(),
            added_at: ctx.now(),
        };
        repo::insert(conn, &row)?;
        audit::record(conn, ctx, "names.add", Some(("name_entry", row.id.as_str())), "success")?;
        match_keys::queue_after_change(conn, ctx, &format!("names.add:{}", row.id))?;
        Ok(row)
    })?;
    // Installed once committed (a refused or rolled-back change never reaches the matcher),
    // from what is committed then.
    install_current(conn)?;
    view_of(&row)
}

/// Removes an added name (admins; 404 when there is none), likewise.
pub fn remove(conn: &mut DbConnection, ctx: &AuditCtx, id: &str) -> AppResult<()> {
    write_tx(conn, |conn| -> AppResult<_> {
        if !repo::delete(conn, id)? {
            return Err(AppError::NotFound);
        }
        audit::record(conn, ctx, "names.remove", Some(("name_entry", id)), "success")?;
        match_keys::queue_after_change(conn, ctx, &format!("names.remove:{id}"))?;
        Ok(())
    })?;
    install_current(conn)?;
    Ok(())
}
