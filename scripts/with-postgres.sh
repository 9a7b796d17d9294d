#!/usr/bin/env bash
# with-postgres.sh — run a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Creates a fresh cluster in a temporary directory, starts it on a free port on
# 127.0.0.1 (trust auth, fsync off), runs CMD with
#   HOMEWARD_TEST_PG_URL=postgres://postgres@127.0.0.1:<port>/postgres
# exported, then stops the server and deletes the directory (also on failure or
# Ctrl-C), and exits with CMD's exit code. Example:
#   scripts/with-postgres.sh sh -c 'psql "$HOMEWARD_TEST_PG_URL" -c "select 1"'
#   scripts/with-postgres.sh cargo test
# As root, the server runs as the `postgres` OS user (PostgreSQL refuses root).
# Server binaries: initdb/pg_ctl on PATH, else /usr/lib/postgresql/<highest>/bin
# (scripts/test-deps.sh installs them if missing).
set -euo pipefail

say() { printf '[with-postgres] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ "$#" -ge 1 ] || die "usage: $0 CMD [ARGS...]"
ORIG_PWD="$PWD"

# --- locate the server binaries ------------------------------------------------
find_pg_bin() {
    local name="$1" p d
    if p="$(command -v "$name" 2>/dev/null)"; then
        printf '%s\n' "$p"; return 0
    fi
    # Highest installed major version first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
        if [ -x "$d/$name" ]; then printf '%s\n' "$d/$name"; return 0; fi
    done
    return 1
}
INITDB="$(find_pg_bin initdb)" || die "initdb not found (run scripts/test-deps.sh)"
PG_CTL="$(find_pg_bin pg_ctl)" || die "pg_ctl not found (run scripts/test-deps.sh)"

# --- who runs the server -------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
    as_pg() { runuser -u postgres -- "$@"; }
    # /tmp, not $TMPDIR: the postgres user must be able to reach the directory.
    PGTMP="$(mktemp -d /tmp/homeward-pg.XXXXXX)"
    chown postgres: "$PGTMP"
else
    as_pg() { "$@"; }
    PGTMP="$(mktemp -d "${TMPDIR:-/tmp}/homeward-pg.XXXXXX")"
fi
DATA="$PGTMP/data"
LOG="$PGTMP/log"
STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "$STARTED" -eq 1 ]; then
        (cd "$PGTMP" && as_pg "$PG_CTL" -D "$DATA" -m immediate -w stop >/dev/null 2>&1) ||
            say "warning: pg_ctl stop failed"
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- free port -----------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
    local p
    if command -v python3 >/dev/null 2>&1 &&
        p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null)"; then
        printf '%s\n' "$p"; return 0
    fi
    for p in $(seq 54329 54429); do
        if ! port_in_use "$p"; then printf '%s\n' "$p"; return 0; fi
    done
    return 1
}

# --- initdb --------------------------------------------------------------------
# Run from inside $PGTMP so the postgres user never needs access to our cwd.
cd "$PGTMP"
if ! as_pg "$INITDB" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$PGTMP/initdb.log" 2>&1; then
    say "initdb with --locale=C.UTF-8 failed; retrying with --no-locale"
    as_pg rm -rf "$DATA"
    if ! as_pg "$INITDB" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
            >"$PGTMP/initdb.log" 2>&1; then
        cat "$PGTMP/initdb.log" >&2
        die "initdb failed"
    fi
fi

# --- start (retry on another port if the chosen one got taken meanwhile) -------
PORT=""
for attempt in 1 2 3 4 5; do
    PORT="$(pick_port)" || die "no free TCP port found"
    if as_pg "$PG_CTL" -D "$DATA" -l "$LOG" -t 60 \
            -o "-p $PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            -w start >"$PGTMP/pg_ctl.log" 2>&1; then
        STARTED=1
        break
    fi
    if grep -qiE 'could not bind|address already in use|could not create any TCP' "$LOG" 2>/dev/null; then
        say "port $PORT busy (attempt $attempt); trying another"
        as_pg "$PG_CTL" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
        : >"$LOG"
        continue
    fi
    break
done
if [ "$STARTED" -ne 1 ]; then
    cat "$PGTMP/pg_ctl.log" >&2 || true
    say "server log tail ($LOG):"
    tail -n 40 "$LOG" >&2 || true
    die "PostgreSQL did not start"
fi

export HOMEWARD_TEST_PG_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
say "PostgreSQL $("$INITDB" --version | sed "s/^initdb (PostgreSQL) //") on 127.0.0.1:$PORT, data in $DATA"

# --- run the command -----------------------------------------------------------
cd "$ORIG_PWD"
set +e
"$@"
rc=$?
set -e
exit "$rc"
