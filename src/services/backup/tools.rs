//! PostgreSQL's own tools, run as child processes: `pg_dump` writes a backup's payload from an
//! exported snapshot, `pg_restore` loads it. The password of the database URL goes to them in
//! `PGPASSWORD`, never on their command line (where `ps` shows it to every local user).

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tool on `PATH`, else in the highest `/usr/lib/postgresql/<major>/bin` (Debian's layout).
fn find(tool: &str) -> anyhow::Result<PathBuf> {
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(tool);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse::<u32>().ok()?, e.path().join("bin").join(tool))))
        .filter(|(_, p)| p.is_file())
        .collect();
    majors.sort();
    majors.pop().map(|(_, p)| p).with_context(|| format!("{tool} not found (install PostgreSQL's client tools)"))
}

/// Splits the password out of a `postgres://user:password@host/db` URL.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else { return (url.to_string(), None) };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return (url.to_string(), None) };
    let Some((user, password)) = userinfo.split_once(':') else { return (url.to_string(), None) };
    (format!("{scheme}://{user}@{host}{tail}"), Some(percent_decode(password)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn run(tool: &str, url: &str, args: &[&std::ffi::OsStr]) -> anyhow::Result<()> {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(find(tool)?);
    cmd.args(args).arg("--dbname").arg(url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().with_context(|| format!("cannot run {tool}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("{tool} failed ({}): {}", out.status, err.trim());
    }
    Ok(())
}

/// Dumps the database as it was at `snapshot` (see `repo::snapshot::pg_begin_exported`) in
/// `pg_dump`'s custom format, without owners or grants (the restoring role owns what it loads).
pub fn pg_dump(url: &str, snapshot: &str, to: &Path) -> anyhow::Result<()> {
    let snapshot = format!("--snapshot={snapshot}");
    run(
        "pg_dump",
        url,
        &[
            "--format=custom".as_ref(),
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            snapshot.as_ref(),
            "--file".as_ref(),
            to.as_os_str(),
        ],
    )
}

/// Loads a dump in one transaction: it all arrives or nothing does. `clean` drops what the
/// dump defines first (restoring over an existing Homeward database).
pub fn pg_restore(url: &str, from: &Path, clean: bool) -> anyhow::Result<()> {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--single-transaction".as_ref(),
        "--exit-on-error".as_ref(),
        "--no-owner".as_ref(),
        "--no-privileges".as_ref(),
    ];
    if clean {
        args.push("--clean".as_ref());
        args.push("--if-exists".as_ref());
    }
    args.push(from.as_os_str());
    run("pg_restore", url, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_decoded() {
        assert_eq!(
            split_password("postgres://hw:s%40cret:x@db.local:5432/homeward?sslmode=require"),
            ("postgres://hw@db.local:5432/homeward?sslmode=require".to_string(), Some("s@cret:x".to_string()))
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5/db"),
            ("postgres://postgres@127.0.0.1:5/db".to_string(), None)
        );
        assert_eq!(split_password("postgres://h/db"), ("postgres://h/db".to_string(), None));
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
