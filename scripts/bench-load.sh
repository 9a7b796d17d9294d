#!/usr/bin/env bash
# bench-load.sh — `make bench-load`: the release server under load with wrk (issue 12). Prints
# figures, asserts nothing (speed is measured here, never in timed tests).
#
#   1. reads: GET of a person (a point read) and of the first family page, 64 connections, 60 s;
#   2. sign-ins with the right password by 64 people from as many addresses, 64 connections;
#   3. a flood of wrong passwords (16 connections, each request a new unknown email from a new
#      forwarded address: a botnet that dodges the per-account and per-address throttles, so
#      every attempt is hashed) while 4 connections read; the reads' 99th percentile against
#      the same reads alone, measured just before.
#
# A fresh SQLite database with synthetic data (BENCH_LOAD_PERSONS, default 20000), the server
# bound to 127.0.0.1. BENCH_LOAD_SECS (default 60) shortens the runs. Results also go to
# target/bench/load.md. Usage: scripts/bench-load.sh (after `cargo build --release`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/homeward"
SECS="${BENCH_LOAD_SECS:-60}"
PERSONS="${BENCH_LOAD_PERSONS:-20000}"
[ -x "$BIN" ] || { echo "build the release binary first (cargo build --release)"; exit 1; }
command -v wrk >/dev/null || bash "$ROOT/scripts/bench-deps.sh"

WORK="$(mktemp -d /tmp/homeward-load.XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export HOMEWARD_DATABASE_URL="$WORK/load.db" HOMEWARD_CONFIG="$WORK/none.toml" HOMEWARD_COOKIE_SECURE=false
EMAIL="load@test.homeward.example"
PASSWORD="load-lantern-river-42"

echo "== data: $PERSONS synthetic persons"
"$BIN" synth --persons "$PERSONS" --seed 7 >/dev/null
printf '%s\n' "$PASSWORD" | "$BIN" user create --email "$EMAIL" --name "Load (fictional)" \
    --role caseworker --org "Synthetic NGO (fictional)" --password-stdin >/dev/null
# The sign-in run is many people signing in from many places: 64 accounts (one account signing
# in 64 times at once is throttled on purpose, its attempts in flight counting as failures).
for i in $(seq 1 64); do
    printf '%s\n' "$PASSWORD" | "$BIN" user create --email "load$i@test.homeward.example" --name "Load $i (fictional)" \
        --role caseworker --org "Synthetic NGO (fictional)" --password-stdin >/dev/null
done

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# The flood comes from "many addresses": trust one proxy hop so X-Forwarded-For names them.
HOMEWARD_TRUST_FORWARDED_FOR=true HOMEWARD_JOB_POLL_MILLIS=86400000 RUST_LOG=error \
    "$BIN" serve --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$URL/api/v1/auth/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(homeward_session=[^;]*\).*/\1/p' | head -n 1)
[ -n "$COOKIE" ] || { echo "cannot sign in"; exit 1; }
PERSON=$(curl -s -H "Cookie: $COOKIE" "$URL/api/v1/persons?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

cat > "$WORK/login.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local who = math.random(1, 64)
  local body = string.format('{"email":"load%d@test.homeward.example","password":"$PASSWORD"}', who)
  local headers = { ["Content-Type"] = "application/json",
                    ["X-Forwarded-For"] = string.format("10.200.%d.%d", who, n % 250) }
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
LUA
cat > "$WORK/flood.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local id = math.random(1, 1000000000)
  local body = string.format('{"email":"nobody-%d@flood.example","password":"wrong-guess-%d"}', id, n)
  local headers = { ["Content-Type"] = "application/json",
                    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", id % 250, math.floor(id / 250) % 250, n % 250) }
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
LUA

RESULTS="$WORK/results.tsv"
# run NAME CONNECTIONS [wrk args...]: one wrk run, its figures appended to the results.
run() {
    local name="$1" conns="$2"; shift 2
    # A sign-in may wait its turn in the hashing queue up to 5 s: wrk must wait longer than that.
    local out; out=$(wrk -t2 -c"$conns" -d"${SECS}s" --timeout 10s --latency "$@" 2>&1)
    python3 - "$name" "$conns" <<PY >> "$RESULTS"
import re, sys
out = """$out"""
def ms(v):
    m = re.match(r'([\d.]+)(us|ms|s)', v); x = float(m.group(1))
    return x / 1000 if m.group(2) == 'us' else x * 1000 if m.group(2) == 's' else x
rps = re.search(r'Requests/sec:\s+([\d.]+)', out).group(1)
p50 = ms(re.search(r'\s50%\s+(\S+)', out).group(1)); p99 = ms(re.search(r'\s99%\s+(\S+)', out).group(1))
non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out); errs = re.search(r'Socket errors: (.*)', out)
print("\t".join([sys.argv[1], sys.argv[2], rps, f"{p50:.1f}", f"{p99:.1f}", non2xx.group(1) if non2xx else "0", errs.group(1) if errs else "none"]))
PY
}

echo "== 1. reads, 64 connections, ${SECS} s each"
run "person read" 64 -H "Cookie: $COOKIE" "$URL/api/v1/persons/$PERSON"
run "family list, first page" 64 -H "Cookie: $COOKIE" "$URL/api/v1/families?limit=20"
echo "== 2. sign-ins with the right password, 64 connections"
run "sign-in (right password)" 64 -s "$WORK/login.lua" "$URL/api/v1/auth/login"
echo "== 3. a flood of wrong passwords against reads"
run "person read alone (baseline)" 4 -H "Cookie: $COOKIE" "$URL/api/v1/persons/$PERSON"
wrk -t1 -c16 -d"$((SECS + 4))s" --timeout 10s -s "$WORK/flood.lua" "$URL/api/v1/auth/login" > "$WORK/flood.out" 2>&1 &
FLOOD=$!
sleep 2
run "person read during the flood" 4 -H "Cookie: $COOKIE" "$URL/api/v1/persons/$PERSON"
wait "$FLOOD" || true
FLOOD_RPS=$(sed -n 's/Requests\/sec:\s*//p' "$WORK/flood.out" | tr -d ' ')
FLOOD_NON2XX=$(sed -n 's/.*Non-2xx or 3xx responses: //p' "$WORK/flood.out")

mkdir -p "$ROOT/target/bench"
python3 - "$RESULTS" "$FLOOD_RPS" "${FLOOD_NON2XX:-0}" "$SECS" "$PERSONS" <<'PY' | tee "$ROOT/target/bench/load.md"
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"# make bench-load: release server, SQLite, {sys.argv[5]} synthetic persons, {sys.argv[4]} s per run\n")
print("| run | connections | requests/s | p50 ms | p99 ms | non-2xx | socket errors |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
base = next(float(r[4]) for r in rows if r[0].startswith("person read alone"))
flood = next(float(r[4]) for r in rows if r[0].startswith("person read during"))
print(f"\nThe flood: {sys.argv[2]} wrong sign-ins/s from 16 connections, {sys.argv[3]} answered non-2xx (401, or 503 busy when the hashing queue is full).")
print(f"Reads' p99 during the flood / alone: {flood:.1f} / {base:.1f} ms = {flood / base:.2f} (target: under 2).")
PY
