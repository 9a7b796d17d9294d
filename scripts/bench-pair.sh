#!/usr/bin/env bash
# bench-pair.sh — part of `make bench` (issue 12, point 10): two server processes on one
# PostgreSQL behind a small local proxy (HAProxy, round robin), against one server behind the
# same proxy. Prints figures, asserts nothing (speed is measured here, never in timed tests).
#
#   1. one server read directly (no proxy): the reference;
#   2. the same server alone behind the proxy: the baseline of this run;
#   3. two servers behind the proxy, the requests spread over both: the pair.
#
# Each run is wrk, 64 connections, BENCH_PAIR_SECS (default 20) seconds, on a person read (a
# point read with session, authorisation and view) by a caseworker signed in once: the session
# lives in the database, so either server answers it. Both servers have the default settings
# (one worker per core, 8 connections each). The data: BENCH_PAIR_PERSONS (default 20000)
# synthetic persons in a throwaway PostgreSQL cluster (scripts/with-postgres.sh).
# Results also go to target/bench/pair.md. Usage: scripts/bench-pair.sh (after
# `cargo build --release` and scripts/bench-deps.sh, which installs wrk and HAProxy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${HOMEWARD_TEST_PG_URL:-}" ]; then
    exec bash "$ROOT/scripts/with-postgres.sh" bash "$ROOT/scripts/bench-pair.sh"
fi
BIN="$ROOT/target/release/homeward"
SECS="${BENCH_PAIR_SECS:-20}"
PERSONS="${BENCH_PAIR_PERSONS:-20000}"
[ -x "$BIN" ] || { echo "build the release binary first (cargo build --release)"; exit 1; }
command -v wrk >/dev/null && command -v haproxy >/dev/null || bash "$ROOT/scripts/bench-deps.sh"

WORK="$(mktemp -d /tmp/homeward-pair.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

DB="homeward_pair_$$"
psql "$HOMEWARD_TEST_PG_URL" -qc "CREATE DATABASE $DB" >/dev/null
export HOMEWARD_DATABASE_URL="${HOMEWARD_TEST_PG_URL%/*}/$DB"
# Both servers read the same key file, as a deployment's processes must.
export HOMEWARD_CONFIG="$WORK/none.toml" HOMEWARD_COOKIE_SECURE=false HOMEWARD_SECRET_KEY_FILE="$WORK/server.key"
EMAIL="pair@test.homeward.example"
PASSWORD="pair-lantern-river-42"

echo "== data: $PERSONS synthetic persons on PostgreSQL"
"$BIN" synth --persons "$PERSONS" --seed 7 >/dev/null
printf '%s\n' "$PASSWORD" | "$BIN" user create --email "$EMAIL" --name "Pair (fictional)" \
    --role caseworker --org "Synthetic NGO (fictional)" --password-stdin >/dev/null

PROXY_PORT=$(free_port)
PORT_A=$(free_port)
PORT_B=$(free_port)
# Each server answers to its own address and to the proxy's, which passes the client's Host on.
SERVER_PIDS=()
start_server() {
    local port="$1"
    HOMEWARD_ALLOWED_HOSTS="[\"127.0.0.1:$port\",\"127.0.0.1:$PROXY_PORT\"]" \
    HOMEWARD_TRUST_FORWARDED_FOR=true RUST_LOG=error \
        "$BIN" serve --bind "127.0.0.1:$port" > "$WORK/server-$port.log" 2>&1 &
    PIDS+=($!)
    SERVER_PIDS+=($!)
    for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0; sleep 0.2; done
    echo "server on $port did not start"; cat "$WORK/server-$port.log"; exit 1
}
start_server "$PORT_A"
start_server "$PORT_B"

# proxy NAME PORT...: HAProxy in the foreground (as a child), HTTP mode, keep-alive to the
# servers, round robin over the given ports.
PROXY_PID=""
proxy() {
    local name="$1"; shift
    { cat <<CFG
global
    maxconn 1024
defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend homeward
    bind 127.0.0.1:$PROXY_PORT
    option forwardfor
    default_backend servers
backend servers
    balance roundrobin
CFG
      local i=0
      for port in "$@"; do i=$((i + 1)); echo "    server s$i 127.0.0.1:$port"; done
    } > "$WORK/$name.cfg"
    [ -n "$PROXY_PID" ] && { kill "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; }
    haproxy -db -f "$WORK/$name.cfg" > "$WORK/$name.log" 2>&1 &
    PROXY_PID=$!
    PIDS+=("$PROXY_PID")
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PROXY_PORT/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "proxy did not start"; cat "$WORK/$name.log"; exit 1
}

URL_A="http://127.0.0.1:$PORT_A"
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$URL_A/api/v1/auth/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(homeward_session=[^;]*\).*/\1/p' | head -n 1)
[ -n "$COOKIE" ] || { echo "cannot sign in"; exit 1; }
PERSON=$(curl -s -H "Cookie: $COOKIE" "$URL_A/api/v1/persons?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
# The session signed in on A must read on B: the pair shares it through the database.
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT_B/api/v1/persons/$PERSON")" = 200 ] \
    || { echo "the session from server A is not accepted by server B"; exit 1; }

# CPU seconds (user + system) a server has used: shows that both servers of the pair worked.
cpu_secs() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }

RESULTS="$WORK/results.tsv"
run() {
    local name="$1" url="$2"
    local a0 b0; a0=$(cpu_secs "${SERVER_PIDS[0]}"); b0=$(cpu_secs "${SERVER_PIDS[1]}")
    local out; out=$(wrk -t2 -c64 -d"${SECS}s" --timeout 10s --latency -H "Cookie: $COOKIE" "$url/api/v1/persons/$PERSON" 2>&1)
    local a1 b1; a1=$(cpu_secs "${SERVER_PIDS[0]}"); b1=$(cpu_secs "${SERVER_PIDS[1]}")
    python3 - "$name" "$a0" "$a1" "$b0" "$b1" <<PY >> "$RESULTS"
import re, sys
out = """$out"""
def ms(v):
    m = re.match(r'([\d.]+)(us|ms|s)', v); x = float(m.group(1))
    return x / 1000 if m.group(2) == 'us' else x * 1000 if m.group(2) == 's' else x
rps = re.search(r'Requests/sec:\s+([\d.]+)', out).group(1)
p50 = ms(re.search(r'\s50%\s+(\S+)', out).group(1)); p99 = ms(re.search(r'\s99%\s+(\S+)', out).group(1))
non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out); errs = re.search(r'Socket errors: (.*)', out)
cpu = f"{float(sys.argv[3]) - float(sys.argv[2]):.1f} / {float(sys.argv[5]) - float(sys.argv[4]):.1f}"
print("\t".join([sys.argv[1], rps, cpu, f"{p50:.1f}", f"{p99:.1f}", non2xx.group(1) if non2xx else "0", errs.group(1) if errs else "none"]))
PY
}

PROXY_URL="http://127.0.0.1:$PROXY_PORT"
echo "== person reads, 64 connections, ${SECS} s each"
run "one server, direct" "$URL_A"
proxy one "$PORT_A"
run "one server behind the proxy" "$PROXY_URL"
proxy pair "$PORT_A" "$PORT_B"
run "two servers behind the proxy" "$PROXY_URL"

mkdir -p "$ROOT/target/bench"
python3 - "$RESULTS" "$SECS" "$PERSONS" "$(nproc)" <<'PY' | tee "$ROOT/target/bench/pair.md"
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"# Two servers on one PostgreSQL behind HAProxy: {sys.argv[3]} synthetic persons, "
      f"person reads, 64 connections, {sys.argv[2]} s per run, {sys.argv[4]} cores\n")
print("| run | requests/s | CPU s, server A / B | p50 ms | p99 ms | non-2xx | socket errors |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
one = float(next(r[1] for r in rows if r[0] == "one server behind the proxy"))
pair = float(next(r[1] for r in rows if r[0] == "two servers behind the proxy"))
print(f"\nThroughput, pair / one server behind the same proxy: {pair:.0f} / {one:.0f} req/s = {pair / one:.2f}x "
      "(target: not lower, 1.00x or more).")
PY
