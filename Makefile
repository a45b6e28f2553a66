# Two commands matter: `make run` and `make test`. Everything else is a step they need.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced

.PHONY: run test lint typecheck imports dbcheck pytest system-deps lock clean bench

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

# The import-linter contracts in pyproject.toml: pure libraries, layers, no package loops.
# PYTHONPATH=src: check this checkout's code even when the venv's editable install is another's.
imports: $(STAMP)
	PYTHONPATH=src $(BIN)/lint-imports --no-logo --no-cache

# Migrate a scratch database to head and compare it with the models (fails when they disagree).
dbcheck: $(STAMP)
	@if [ -n "$$PERISAI_TEST_DATABASE_URL" ]; then \
		PERISAI_DATABASE_URL="$$PERISAI_TEST_DATABASE_URL" $(BIN)/perisai db check; \
	else \
		PERISAI_DATA_DIR=$(VENV)/dbcheck-var $(BIN)/perisai db check; \
	fi

# Debian packages the tests need: chromium for the browser tests (Playwright's own browser
# download cannot work here), libarchive for archives, and the tools that build disk images.
SYSTEM_PACKAGES := chromium libarchive13 dosfstools mtools e2fsprogs ewf-tools
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# pytest exits 5 when it collects no test (e.g. a -k filter that matches nothing): not a failure.
pytest: $(STAMP) system-deps
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: lint typecheck imports dbcheck pytest

bench: $(STAMP)
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
