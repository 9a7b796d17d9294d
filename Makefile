# `make test` installs what the tests need that the machine lacks, then runs every test:
# unit tests, the API tests on SQLite, the same API tests on a throwaway PostgreSQL server,
# and the browser tests in headless Chromium.

CARGO ?= cargo
BIN := $(CURDIR)/target/debug/homeward

.PHONY: test test-deps build test-sqlite test-postgres test-e2e run-demo

test: test-deps build test-sqlite test-postgres test-e2e
	@echo "== all test suites passed (unit, API on SQLite, API on PostgreSQL, browser) =="

test-deps:
	bash scripts/test-deps.sh

build:
	$(CARGO) build --bins --tests

test-sqlite: build
	@echo "== unit tests + API tests on SQLite =="
	HOMEWARD_TEST_BACKEND=sqlite $(CARGO) test

test-postgres: build
	@echo "== API tests on PostgreSQL =="
	HOMEWARD_TEST_BACKEND=postgres bash scripts/with-postgres.sh $(CARGO) test --test api

test-e2e: build
	@echo "== browser tests (headless Chromium) =="
	cd tests/e2e && HOMEWARD_BIN=$(BIN) node --test .

run-demo:
	$(CARGO) run --release -- serve --demo
