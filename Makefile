# `make test` installs what the tests need that the machine lacks, then runs every test:
# unit tests, the API tests on SQLite, the same API tests on a throwaway PostgreSQL server,
# and the browser tests in headless Chromium.

CARGO ?= cargo
BIN := $(CURDIR)/target/debug/homeward
# The crash test (tests/crash.rs) kills the release server, as deployed.
RELEASE_BIN := $(CURDIR)/target/release/homeward
CRASH_KILLS ?= 20

.PHONY: test test-deps build test-sqlite test-faketime test-postgres test-fuzz test-e2e run-demo bench bench-pair crash-test bench-load fuzz

test: test-deps build test-sqlite test-faketime test-postgres test-fuzz test-e2e
	@echo "== all test suites passed (unit, API on SQLite, API under faketime, API on PostgreSQL, API fuzzing on both, browser) =="

test-deps:
	bash scripts/test-deps.sh

build:
	$(CARGO) build --bins --tests
	$(CARGO) build --release --bin homeward

test-sqlite: build
	@echo "== unit tests + API tests on SQLite =="
	HOMEWARD_TEST_BACKEND=sqlite HOMEWARD_CRASH_BIN=$(RELEASE_BIN) HOMEWARD_CRASH_KILLS=$(CRASH_KILLS) $(CARGO) test

# The API tests again with the system clock moved to a December day (when a child born 18 years
# before "today + 30 days" is already 18) and to a leap day: they must not depend on the date.
FAKE_DATES := 2026-12-15 2028-02-29
test-faketime: build
	@echo "== API tests on SQLite under faketime ($(FAKE_DATES)) =="
	@bin=$$($(CARGO) test --test api --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))/\1/p'); \
	test -n "$$bin" || { echo "cannot find the API test binary"; exit 1; }; \
	for d in $(FAKE_DATES); do \
		echo "-- faketime $$d"; \
		FAKETIME_DONT_FAKE_MONOTONIC=1 HOMEWARD_TEST_BACKEND=sqlite faketime "$$d 12:00:00" $$bin || exit 1; \
	done

test-postgres: build
	@echo "== API tests on PostgreSQL =="
	HOMEWARD_TEST_BACKEND=postgres HOMEWARD_CRASH_BIN=$(RELEASE_BIN) HOMEWARD_CRASH_KILLS=$(CRASH_KILLS) \
		bash scripts/with-postgres.sh $(CARGO) test --test api --test crash --test two_servers

# Schemathesis against the OpenAPI document on each database, every check (scripts/fuzz.sh).
test-fuzz: build
	@echo "== API fuzzing (schemathesis) on SQLite and PostgreSQL =="
	bash scripts/fuzz.sh
	HOMEWARD_TEST_BACKEND=postgres bash scripts/with-postgres.sh bash scripts/fuzz.sh

# `make crash-test`: the crash test alone, 200 kills of the release server on each database.
crash-test: test-deps
	$(CARGO) build --release --bin homeward
	HOMEWARD_TEST_BACKEND=sqlite HOMEWARD_CRASH_BIN=$(RELEASE_BIN) HOMEWARD_CRASH_KILLS=200 \
		$(CARGO) test --test crash -- --nocapture
	HOMEWARD_TEST_BACKEND=postgres HOMEWARD_CRASH_BIN=$(RELEASE_BIN) HOMEWARD_CRASH_KILLS=200 \
		bash scripts/with-postgres.sh $(CARGO) test --test crash -- --nocapture

test-e2e: build
	@echo "== browser tests (headless Chromium) =="
	cd tests/e2e && HOMEWARD_BIN=$(BIN) node --test .

run-demo:
	$(CARGO) run --release -- serve --demo

# `make bench`: the scale benchmark (benches/scale.rs). Builds the release binary, installs wrk
# (and PostgreSQL) if missing, then measures every path on synthetic registries of each size on
# each database, against a baseline of the same run. Data is cached in target/bench-cache/.
# Results: target/bench/results.{json,md}; charts: docs/performance/{sqlite,postgres}.svg.
# Smaller runs: make bench SIZES=10000 BACKENDS=sqlite; more options: BENCH_ARGS=--help.
SIZES ?= 10000,100000,500000
BACKENDS ?= sqlite,postgres
SEED ?= 7
BENCH_ARGS ?=
bench:
	$(CARGO) build --release
	bash scripts/bench-deps.sh
	$(CARGO) bench --bench scale -- --sizes $(SIZES) --backends $(BACKENDS) --seed $(SEED) $(BENCH_ARGS)
	case ",$(BACKENDS)," in *,postgres,*) bash scripts/bench-pair.sh ;; esac

# `make bench-pair`: two servers on one PostgreSQL behind HAProxy against one server behind it
# (scripts/bench-pair.sh; also the last step of `make bench`). Results: target/bench/pair.md.
bench-pair:
	$(CARGO) build --release
	bash scripts/bench-deps.sh
	bash scripts/bench-pair.sh

# `make bench-load`: the release server under wrk (scripts/bench-load.sh): reads and sign-ins at
# 64 connections for 60 s, and reads during a flood of wrong passwords against reads alone.
# Figures printed and written to target/bench/load.md; nothing asserted.
bench-load:
	$(CARGO) build --release
	bash scripts/bench-deps.sh
	bash scripts/bench-load.sh

# `make fuzz`: schemathesis against the OpenAPI document on SQLite alone (scripts/fuzz.sh); more
# examples or another seed: make fuzz FUZZ_EXAMPLES=50 FUZZ_SEED=2.
fuzz: build
	bash scripts/fuzz.sh
