#!/usr/bin/env bash
# bench-deps.sh — install what `make bench` needs that this machine may lack:
#   * Debian's wrk, for the throughput runs at 64 connections,
#   * the sqlite3 shell (the export's baseline: sqlite3 -csv of the same query),
#   * Debian's HAProxy, the small local proxy in front of two servers (scripts/bench-pair.sh),
#   * PostgreSQL server binaries (initdb/pg_ctl), for the harness's own cluster in
#     target/bench-cache/pg (the PostgreSQL runs).
# Idempotent: each step is skipped when its result is already there (like scripts/test-deps.sh).
# Usage: scripts/bench-deps.sh   (from anywhere)
set -euo pipefail

log() { printf '[bench-deps] %s\n' "$*"; }

# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

# 1. wrk (Debian package).
if command -v wrk >/dev/null 2>&1; then
    log "wrk present: $( { wrk --version 2>&1 || true; } | head -n 1)"
else
    apt_install wrk
    log "installed: $( { wrk --version 2>&1 || true; } | head -n 1)"
fi

# 1b. HAProxy (Debian package): two servers behind one address.
if command -v haproxy >/dev/null 2>&1; then
    log "haproxy present: $(haproxy -v 2>&1 | head -n 1)"
else
    apt_install haproxy
    log "installed: $(haproxy -v 2>&1 | head -n 1)"
fi

# 2. The sqlite3 shell and psql: the baselines of the export comparison.
if command -v sqlite3 >/dev/null 2>&1; then
    log "sqlite3 present: $(sqlite3 --version | cut -d' ' -f1)"
else
    apt_install sqlite3
fi

# 3. PostgreSQL server binaries.
ensure_postgres_server

log "done"
