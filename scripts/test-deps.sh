#!/usr/bin/env bash
# test-deps.sh — install what Homeward's tests need that this machine may lack:
#   * Debian's Chromium (/usr/bin/chromium) for the browser (e2e) tests,
#   * PostgreSQL server binaries (initdb/pg_ctl) for scripts/with-postgres.sh,
#   * faketime (Debian) for the API tests under another system date,
#   * the npm packages of tests/e2e (playwright-core, axe-core) via `npm ci`,
#   * Python's venv module (Debian's python3-venv) and psql, for the API fuzzing (scripts/fuzz.sh
#     installs schemathesis from PyPI into target/fuzz-venv itself).
# Idempotent: each step is skipped when its result is already there.
# Usage: scripts/test-deps.sh   (from anywhere; works on a fresh clone)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[test-deps] %s\n' "$*"; }

# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

# 1. Chromium (Debian package) for the e2e tests.
if [ -x /usr/bin/chromium ]; then
    log "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
else
    apt_install chromium
    log "installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
fi

# 2. PostgreSQL server binaries for scripts/with-postgres.sh.
ensure_postgres_server

# 3. faketime, to run the API tests on other dates (make test-faketime).
if command -v faketime >/dev/null 2>&1; then
    log "faketime present"
else
    apt_install faketime
fi

# 4. npm packages of the e2e tests.
e2e="$repo_root/tests/e2e"
if [ -f "$e2e/package-lock.json" ]; then
    if [ ! -d "$e2e/node_modules" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules" ]; then
        log "npm ci in tests/e2e"
        (cd "$e2e" && npm ci --no-audit --no-fund)
        touch "$e2e/node_modules"
    else
        log "tests/e2e/node_modules up to date"
    fi
else
    log "no tests/e2e/package-lock.json: skipping npm ci"
fi

# 5. What the API fuzzing needs: a Python that can make a virtualenv, and psql (PostgreSQL run).
if python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    log "python3 venv present"
else
    apt_install python3-venv
fi
if command -v psql >/dev/null 2>&1; then
    log "psql present"
else
    apt_install postgresql-client
fi

log "done"
