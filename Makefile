# Two commands matter: `make run` and `make test`. Everything else is a step they need.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced

.PHONY: run test lint typecheck dbcheck pytest e2e-deps lock clean bench

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9

# Reinstall only when the lock or the project metadata changes.
$(STAMP): uv.lock pyproject.toml | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --all-groups --quiet
	touch $(STAMP)

lock: | $(UV)
	$(UV) lock

run: $(STAMP)
	$(BIN)/perisai demo run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# Migrate a scratch database to head and compare it with the models (fails when they disagree).
dbcheck: $(STAMP)
	@if [ -n "$$PERISAI_TEST_DATABASE_URL" ]; then \
		PERISAI_DATABASE_URL="$$PERISAI_TEST_DATABASE_URL" $(BIN)/perisai db check; \
	else \
		PERISAI_DATA_DIR=$(VENV)/dbcheck-var $(BIN)/perisai db check; \
	fi

# Debian's chromium drives the browser tests; Playwright's own browser download cannot work here.
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@dpkg -s libarchive13 >/dev/null 2>&1 || dpkg -s libarchive13t64 >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libarchive13 >/dev/null)

pytest: $(STAMP) e2e-deps
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck dbcheck pytest

bench: $(STAMP)
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
