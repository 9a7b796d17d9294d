#!/usr/bin/env bash
# fuzz.sh — `make fuzz`: schemathesis against /api/openapi.json of the debug server, signed in
# as a coordinator, all checks, a bounded number of examples per operation (issue 12, point 3).
# `make test` runs it on both databases with every check, so that a 5xx, an answer or a response
# body off the document, a schema-violating request accepted, a schema-valid request refused
# (outside the operations listed below, where a 422 may depend on stored data, the clock or two
# fields together), or auth ignored fails the build.
# Schemathesis goes into target/fuzz-venv (PyPI).
#   FUZZ_EXAMPLES (default 10), FUZZ_SEED (default 1), HOMEWARD_TEST_BACKEND=postgres with
#   HOMEWARD_TEST_PG_URL for PostgreSQL (scripts/with-postgres.sh provides it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/debug/homeward"
VENV="$ROOT/target/fuzz-venv"
[ -x "$BIN" ] || { echo "build first (cargo build)"; exit 1; }
if [ ! -x "$VENV/bin/st" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q 'schemathesis==4.32.5'
fi
WORK="$(mktemp -d /tmp/homeward-fuzz.XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
if [ "${HOMEWARD_TEST_BACKEND:-sqlite}" = postgres ]; then
    DB="homeward_fuzz_$$"
    psql "$HOMEWARD_TEST_PG_URL" -qc "CREATE DATABASE $DB" >/dev/null
    export HOMEWARD_DATABASE_URL="${HOMEWARD_TEST_PG_URL%/*}/$DB"
else
    export HOMEWARD_DATABASE_URL="$WORK/fuzz.db"
fi
export HOMEWARD_CONFIG="$WORK/none.toml" HOMEWARD_COOKIE_SECURE=false HOMEWARD_SECRET_KEY_FILE="$WORK/server.key"
"$BIN" seed >/dev/null
printf '%s\n' 'fuzz-lantern-river-7' | "$BIN" user create --email fuzz@test.homeward.example \
    --name "Fuzz (fictional)" --role coordinator --org "Fuzz Org" --password-stdin >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
RUST_LOG=error "$BIN" serve --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"email":"fuzz@test.homeward.example","password":"fuzz-lantern-river-7"}' "$URL/api/v1/auth/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(homeward_session=[^;]*\).*/\1/p' | head -n 1)
# The session goes in as the document's `session_cookie` scheme (not a fixed header), so that
# schemathesis can also send requests without it and expect 401.
cat > "$WORK/schemathesis.toml" <<TOML
[auth.openapi.session_cookie]
api_key = "${COOKIE#homeward_session=}"
TOML
# Where a request the document allows may still be refused with 422, because the refusal
# depends on what is stored, on the clock, or on two fields together, none of which an OpenAPI
# document can state: the operation and the reason, one per line (docs/security.md, API
# fuzzing). Everywhere else a schema-valid request must be taken (2xx, or 401/403/404/409).
while IFS='|' read -r method path reason; do
    cat >> "$WORK/schemathesis.toml" <<TOML

# $reason
[[operations]]
include-name = "$method $path"
checks.positive_data_acceptance.expected-statuses = ["2XX", "401", "403", "404", "409", "422", "429"]
TOML
done <<'RULES'
GET|/api/v1/backlog|the facility filter must name a facility of the organisation
GET|/api/v1/deployment/backlog|the facility filter must name a facility
GET|/api/v1/families|an outcome filter needs a nationality filter (two parameters together)
GET|/api/v1/persons|an outcome filter needs a nationality filter (two parameters together)
GET|/api/v1/duplicates/compare|two different persons (two parameters together)
POST|/api/v1/duplicates/distinct|two different persons (two fields together)
POST|/api/v1/persons/{id}/merge|a person is not merged into themselves; both must exist
POST|/api/v1/auth/two-factor/enrolment/confirm|the code must be the one the app shows now
POST|/api/v1/auth/two-factor/disable|the code must be right (like a password)
POST|/api/v1/auth/two-factor/recovery-codes|the code must be right (like a password)
POST|/api/v1/cases|the destination must be a seeded country, the members living members of the family
POST|/api/v1/cases/{id}/consents|a parent's or guardian's consent names them (two fields together); the person is a member
POST|/api/v1/custody-events|the facility must exist, the date not be in the future (the clock), the kind allow the move
POST|/api/v1/persons/{id}/custody|the facility must exist, the date not be in the future (the clock), the kind allow the move
POST|/api/v1/persons/{id}/nationalities|a denied or revoked claim has a decision date (two fields together); the country is seeded
POST|/api/v1/families|kinship links name members of the same intake (fields that refer to each other); the members' custody and claims as below
POST|/api/v1/families/{id}/members|the member's custody events and claims: a facility that exists, a decision date for a denied claim, no future date
POST|/api/v1/imports/{id}/commit|the stored file's rows must have no problems
POST|/api/v1/duplicates|a given or a family name, at least one of the two (two fields together)
POST|/api/v1/exports|the columns and filters are those of the export's kind (fields together)
RULES
set +e
"$VENV/bin/st" --config-file "$WORK/schemathesis.toml" run "$URL/api/openapi.json" --checks all \
    --max-examples "${FUZZ_EXAMPLES:-10}" --seed "${FUZZ_SEED:-1}" --exclude-path-regex 'logout' -w 1 \
    --suppress-health-check=filter_too_much \
    > "$WORK/st.out" 2>&1
rc=$?
set -e
sed -n '/^Failures:/,/^Test cases:/p;/unique failures/p' "$WORK/st.out"
mkdir -p "$ROOT/target/fuzz" && cp "$WORK/st.out" "$ROOT/target/fuzz/schemathesis.txt"
echo "full output: target/fuzz/schemathesis.txt"
exit $rc
