//! `homeward backup` and `homeward restore` at the command line (`services::backup` does the
//! work): the passphrase from a file or the environment, and what is printed.

use crate::config::Settings;
use anyhow::Context;
use std::path::Path;

/// The backup passphrase: from `--passphrase-file` (first line) or `HOMEWARD_BACKUP_PASSPHRASE`;
/// never from the command line, where other local users could read it.
fn passphrase(file: Option<&Path>) -> anyhow::Result<Option<String>> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        return Ok(Some(text.lines().next().unwrap_or_default().to_string()));
    }
    Ok(std::env::var("HOMEWARD_BACKUP_PASSPHRASE").ok().filter(|p| !p.is_empty()))
}

/// `homeward backup --to FILE`: a consistent copy while the server runs (docs/operations.md).
pub fn backup(settings: &Settings, to: &Path, passphrase_file: Option<&Path>) -> anyhow::Result<()> {
    let pass = passphrase(passphrase_file)?;
    let h = crate::services::backup::backup(&settings.database_url, &settings.clock(), to, pass.as_deref())?;
    println!(
        "backup written to {}: {} families, {} persons, {} audit events (head {}), {} bytes{}",
        to.display(),
        h.counts.get("families").unwrap_or(&0),
        h.counts.get("persons").unwrap_or(&0),
        h.audit_seq,
        h.audit_head,
        h.payload_bytes,
        if h.sealing.is_some() { ", encrypted" } else { ", NOT encrypted" }
    );
    Ok(())
}

/// `homeward restore FILE`: verified before it replaces anything; stop the servers first.
pub fn restore(settings: &Settings, from: &Path, passphrase_file: Option<&Path>, replace: bool) -> anyhow::Result<()> {
    let pass = passphrase(passphrase_file)?;
    let r =
        crate::services::backup::restore(&settings.database_url, &settings.clock(), from, pass.as_deref(), replace)?;
    println!(
        "restored the backup of {}: counts and audit chain verified ({} events, head {}); {} migrations applied",
        r.header.created_at.format("%Y-%m-%d %H:%M:%S"),
        r.header.audit_seq,
        r.header.audit_head,
        r.migrations_applied
    );
    if let Some(aside) = r.set_aside {
        println!("the database it replaced is kept at {}", aside.display());
    }
    Ok(())
}
