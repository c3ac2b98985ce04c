# guanxi: `make demo` and `make test` are the quick start (README.md).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NEO4J_STAMP := neo4j/target/.resolved-stamp

# The tests get their own Neo4j home and ports, so a running demo is never touched.
TEST_ENV := GUANXI_HOME=$(CURDIR)/.guanxi/test GUANXI_BOLT_PORT=7688 GUANXI_HTTP_PORT=7475
DEMO_COMPANIES ?= 2000

.PHONY: setup demo test lint format bench db-start db-stop clean

BROWSER_STAMP := $(VENV)/.browser-stamp

setup: $(STAMP) $(NEO4J_STAMP) $(BROWSER_STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --no-cache-dir --upgrade pip
	$(BIN)/pip install -q --no-cache-dir -e ".[all]"
	@touch $@

$(NEO4J_STAMP): neo4j/pom.xml
	@command -v mvn >/dev/null || { echo "Maven (mvn) is required: apt-get install maven" >&2; exit 3; }
	@command -v java >/dev/null || { echo "Java 17+ is required: apt-get install openjdk-17-jdk-headless" >&2; exit 3; }
	rm -rf neo4j/target/lib neo4j/target/plugins
	mvn -B -q -f neo4j/pom.xml package
	@touch $@

# Debian's chromium + chromedriver for the browser tests (never a tool's own download),
# a CJK font so the pages render Chinese names (and the OCR benchmark draws its scans),
# and poppler-utils' pdftoppm, which renders uploaded PDF documents for OCR.
$(BROWSER_STAMP): | $(STAMP)
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	    || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  $$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-wqy-microhei \
	    poppler-utils libpangoft2-1.0-0; \
	fi
	@touch $@

db-start: setup
	$(BIN)/guanxi db start

db-stop:
	-$(BIN)/guanxi db stop

demo: setup
	$(BIN)/guanxi db start
	$(BIN)/guanxi db init
	$(BIN)/guanxi demo --companies $(DEMO_COMPANIES)

test: setup
	@if [ -z "$$NEO4J_URI" ]; then $(TEST_ENV) $(BIN)/guanxi db start; fi
	@$(TEST_ENV) $(BIN)/pytest -m "not gpu" $(PYTEST_ARGS); rc=$$?; \
	  if [ -z "$$NEO4J_URI" ]; then $(TEST_ENV) $(BIN)/guanxi db stop; fi; exit $$rc

lint: setup
	$(BIN)/ruff check guanxi tests benchmarks tools
	$(BIN)/ruff format --check guanxi tests benchmarks tools

format: setup
	$(BIN)/ruff format guanxi tests benchmarks tools
	$(BIN)/ruff check --fix guanxi tests benchmarks tools

bench: setup
	$(BIN)/guanxi db start
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	-$(BIN)/guanxi db stop
	rm -rf $(VENV) neo4j/target .guanxi
